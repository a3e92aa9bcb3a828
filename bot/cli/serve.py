"""`supportbot serve`: the production server (gunicorn, threaded workers that carry WebSockets)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from bot.config import Config

log = logging.getLogger(__name__)


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


def gunicorn_options(host: str, port: int, workers: int, threads: int, log_level: str) -> dict[str, Any]:
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
    }


def register(group: click.Group) -> None:
    @group.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
    @click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
    @click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
    @click.option("--threads", default=100, show_default=True, type=int,
                  help="Threads per worker; each open chat socket holds one.")
    def serve(host: str, port: int, workers: int, threads: int) -> None:
        """Run the web server: widget, JSON API, WebSocket and staff console."""
        from bot.app import build_runtime

        config = Config.from_env()
        configure_logging(config.log_level)
        if workers > 1 and not config.redis_url:
            raise click.UsageError(
                "several workers need SUPPORTBOT_REDIS_URL, so live messages reach every worker"
            )
        if workers > 1 and not config.database_url:
            raise click.UsageError("several workers need PostgreSQL (SUPPORTBOT_DATABASE_URL)")
        runtime = build_runtime(config, migrate=True)  # schema created/upgraded once, here
        runtime.db.dispose()
        log.info("supportbot on http://%s:%d (%d worker(s) x %d threads)", host, port, workers, threads)
        GunicornServer(config, gunicorn_options(host, port, workers, threads, config.log_level)).run()


def configure_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stdout,
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
