"""A private Dovecot IMAP server for the tests (Debian's dovecot-imapd): temp config, one
maildir user, plain IMAP and IMAPS with a throwaway certificate, on free loopback ports."""

from __future__ import annotations

import getpass
import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.channels.email.relay import free_port

USER, PASSWORD = "helpdesk", "s3cret pass"
NOBODY = 65534

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {run}
state_dir = {run}/state
log_path = {root}/dovecot.log
{users}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    def __init__(self) -> None:
        # Its own short folder: unix socket paths are short, and dovecot's unprivileged
        # processes must be able to enter it (pytest's tmp folders are private).
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.root.chmod(0o755)
        self.run_dir = self.root / "run"
        self.imap_port, self.imaps_port = free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def cafile(self) -> Path:
        return self.root / "cert.pem"

    def url(self, scheme: str = "imap", folder: str = "INBOX") -> str:
        port = self.imaps_port if scheme == "imaps" else self.imap_port
        query = f"?cafile={self.cafile}&timeout=10"
        return f"{scheme}://{USER}:s3cret%20pass@127.0.0.1:{port}/{folder}{query}"

    def start(self) -> Dovecot:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            pytest.skip("dovecot is not installed (./dev test installs dovecot-imapd)")
        self._write_files()
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            self._wait_for_port()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        conn.login(USER, PASSWORD)
        conn.select("INBOX")
        return conn

    def append(self, raw: bytes, *, seen: bool = False) -> None:
        conn = self.client()
        try:
            conn.append("INBOX", "(\\Seen)" if seen else None, None, raw)
        finally:
            conn.logout()

    def flags(self) -> dict[int, set[str]]:
        """Flags per UID of every message in INBOX."""
        conn = self.client()
        try:
            _, data = conn.uid("FETCH", "1:*", "(FLAGS)")
        finally:
            conn.logout()
        found: dict[int, set[str]] = {}
        for item in data or ():
            if isinstance(item, bytes) and b"UID" in item:
                text = item.decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                found[uid] = set(text.split("FLAGS (")[1].split(")")[0].split())
        return found

    def _write_files(self) -> None:
        (self.run_dir / "state").mkdir(parents=True, exist_ok=True)
        (self.root / "mail").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-keyout",
                str(self.root / "key.pem"),
                "-out",
                str(self.cafile),
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        if os.getuid() == 0:  # dovecot refuses to run mail processes as root
            uid = gid = NOBODY
            users = ""
            os.chown(self.root / "mail", NOBODY, NOBODY)
        else:
            uid, gid, me = os.getuid(), os.getgid(), getpass.getuser()
            users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
        (self.root / "dovecot.conf").write_text(
            CONFIG.format(
                run=self.run_dir,
                root=self.root,
                users=users,
                uid=uid,
                gid=gid,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
            )
        )

    def _wait_for_port(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                log = self.root / "dovecot.log"
                detail = log.read_text() if log.exists() else ""
                pytest.fail(f"dovecot could not start: {error}\n{detail}")
            try:
                socket.create_connection(("127.0.0.1", self.imap_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("dovecot did not open its port in time")
