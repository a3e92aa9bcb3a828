"""`supportbot serve`: the production server (gunicorn, threaded workers that carry WebSockets)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from bot.cli.worker_heap import settle_boot_heap
from bot.config import Config, app_secret

log = logging.getLogger(__name__)
BOOT_HEARTBEAT_S = 10.0  # well inside the worker timeout below
SUPPORTBOT = (sys.executable, "-c", "from bot.cli import main; main()")  # a child command


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn driven from code; each worker builds its own app (no shared connections)."""

    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self.supportbot_config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from bot.app import create_app

        return create_app(self.supportbot_config, migrate=False)  # migrated once, before fork


def gunicorn_options(
    host: str, port: int, workers: int, threads: int, log_level: str
) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",  # one thread per open WebSocket (flask-sock)
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "proc_name": "supportbot",
        "forwarded_allow_ips": "127.0.0.1",
        "post_fork": on_worker_forked,
        "post_worker_init": on_worker_ready,
    }


def on_worker_forked(server: Any, worker: Any) -> None:
    """Gunicorn hook: a worker building its app shows it is alive. Indexing and calibrating
    a large knowledge base (10,000 entries) takes minutes, and the arbiter would kill it as
    hung after `timeout` seconds, again and again; the timeout applies once it serves."""
    booted = threading.Event()
    worker.supportbot_booted = booted

    def beat() -> None:
        while not booted.wait(BOOT_HEARTBEAT_S):
            worker.notify()

    threading.Thread(target=beat, name="boot-heartbeat", daemon=True).start()


def on_worker_ready(worker: Any) -> None:
    """Gunicorn hook: on a graceful stop, close open chat sockets instead of waiting for them;
    the boot heartbeat stops (the app is built), and the boot's heap is settled."""
    from bot.channels.sockets import close_sockets_on_sigterm

    booted = getattr(worker, "supportbot_booted", None)
    if booted is not None:
        booted.set()

    close_sockets_on_sigterm()
    settle_boot_heap()


def register(group: click.Group) -> None:
    @group.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
    @click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
    @click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
    @click.option(
        "--threads",
        default=100,
        show_default=True,
        type=int,
        help="Threads per worker; each open chat socket holds one.",
    )
    def serve(host: str, port: int, workers: int, threads: int) -> None:
        """Run the web server: widget, JSON API, WebSocket and staff console."""
        config = Config.from_env()
        configure_logging(config.log_level)
        if workers > 1 and not config.redis_url:
            raise click.UsageError(
                "several workers need SUPPORTBOT_REDIS_URL, so live messages reach every worker"
            )
        if workers > 1 and not config.database_url:
            raise click.UsageError("several workers need PostgreSQL (SUPPORTBOT_DATABASE_URL)")
        prepare(config)
        log.info(
            "supportbot on http://%s:%d (%d worker(s) x %d threads)", host, port, workers, threads
        )
        master = os.getpid()
        helpers = [start_email_worker(config), start_purge_worker(config)]
        try:
            options = gunicorn_options(host, port, workers, threads, config.log_level)
            GunicornServer(config, options).run()
        finally:
            if os.getpid() == master:  # gunicorn's forked workers unwind through here too
                for helper in helpers:
                    stop_worker(helper)


def prepare(config: Config) -> None:
    """What happens once, before the workers start: the schema, the instance secret. Not the
    FAQ index: gunicorn forks the workers from this process, and a runtime built here stayed
    alive in every worker next to the worker's own (350 MB more per worker at 10,000 FAQ
    entries); each worker builds its own. The schema is migrated by a child process
    (`supportbot db upgrade`, the same settings): Alembic imported here was 11 MB in every
    worker, which never migrates."""
    migrate_in_child()
    app_secret(config)


def migrate_in_child() -> None:
    done = subprocess.run([*SUPPORTBOT, "db", "upgrade"], check=False)
    if done.returncode != 0:
        raise click.ClickException(f"`supportbot db upgrade` failed (exit {done.returncode})")


def email_worker_args(config: Config) -> list[str] | None:
    """The `supportbot email ...` command `serve` runs beside the web workers, if any.

    The SMTP listener must run in exactly one process, so it is one child of `serve`
    (with the outbox sender in it); without a listener the child only sends the outbox.
    """
    if config.smtp_listen:
        host, _, port = config.smtp_listen.rpartition(":")
        if not port.isdigit():
            raise click.UsageError("SUPPORTBOT_SMTP_LISTEN must be host:port, e.g. 127.0.0.1:2525")
        args = ["email", "serve", "--host", host or "127.0.0.1", "--port", port]
        if config.email_processors > 0:
            args += ["--processors", str(config.email_processors)]
        return args if config.outbox_worker else [*args, "--no-outbox"]
    if config.outbox_worker and config.smtp_url:
        return ["email", "outbox"]
    return None


def start_email_worker(config: Config) -> subprocess.Popen[bytes] | None:
    args = email_worker_args(config)
    return None if args is None else start_worker(args)


def start_purge_worker(config: Config) -> subprocess.Popen[bytes] | None:
    """The daily retention purge, in its own process (never a thread in gunicorn's master,
    which forks workers); with retention switched off there is nothing to run."""
    if not (config.retention_days or config.raw_mail_retention_days):
        return None
    return start_worker(["db", "purge", "--daily"])


def start_worker(args: list[str]) -> subprocess.Popen[bytes]:
    log.info("starting `supportbot %s`", " ".join(args))
    return subprocess.Popen([*SUPPORTBOT, *args])


def stop_worker(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stdout,
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
