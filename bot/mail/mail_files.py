"""Raw messages from files on disk: ``.eml`` files, maildirs, mbox files, directories of these.

Everything is yielded in a stable order (the paths in the order given; inside a directory,
names sorted), so a replay is repeatable. A file that cannot be read, or an mbox that cannot
be split, is yielded as an error for that file and the walk goes on.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_MAILDIR_PARTS = ("cur", "new", "tmp")


@dataclass(frozen=True)
class MailFile:
    """One message (``raw``) or the reason it could not be read (``error``)."""

    name: str  # the file, with ``#n`` for the n-th message of an mbox
    raw: bytes = b""
    error: str = ""


def read_mail_files(paths: list[Path]) -> Iterator[MailFile]:
    """Every message under ``paths``, in order; errors are yielded, never raised."""
    for path in paths:
        yield from _walk(path)


def _walk(path: Path) -> Iterator[MailFile]:
    if path.is_dir():
        if is_maildir(path):
            yield from _maildir(path)
            return
        try:
            children = sorted(path.iterdir(), key=lambda p: p.name)
        except OSError as error:
            yield MailFile(str(path), error=f"cannot list: {error.strerror or error}")
            return
        for child in children:
            if not child.name.startswith("."):
                yield from _walk(child)
        return
    if not path.exists():
        yield MailFile(str(path), error="no such file or directory")
        return
    try:
        with path.open("rb") as handle:
            start = handle.read(5)
    except OSError as error:
        yield MailFile(str(path), error=f"cannot read: {error.strerror or error}")
        return
    if start == b"From ":
        yield from _mbox(path)
    else:
        yield _file(path)


def is_maildir(path: Path) -> bool:
    return all((path / part).is_dir() for part in ("cur", "new"))


def _file(path: Path) -> MailFile:
    try:
        size = path.stat().st_size
        if size > MAX_MESSAGE_BYTES:
            return MailFile(str(path), error=f"too large ({size} bytes)")
        raw = path.read_bytes()
    except OSError as error:
        return MailFile(str(path), error=f"cannot read: {error.strerror or error}")
    if not raw.strip():
        return MailFile(str(path), error="empty file")
    return MailFile(str(path), raw)


def _maildir(path: Path) -> Iterator[MailFile]:
    """New mail first, then read mail; by file name (delivery time) inside each."""
    for part in ("new", "cur"):
        folder = path / part
        for child in sorted(folder.iterdir(), key=lambda p: p.name):
            if child.is_file() and not child.name.startswith("."):
                yield _file(child)


def _mbox(path: Path) -> Iterator[MailFile]:
    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()
    except Exception as error:  # mailbox raises several kinds on a damaged file
        yield MailFile(str(path), error=f"not a readable mbox: {error}")
        return
    try:
        for number, key in enumerate(keys, start=1):
            name = f"{path}#{number}"
            try:
                raw = box.get_bytes(key)
            except Exception as error:
                yield MailFile(name, error=f"cannot read message: {error}")
                continue
            yield MailFile(name, raw) if raw.strip() else MailFile(name, error="empty message")
    finally:
        box.close()
