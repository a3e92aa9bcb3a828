"""Settings from ``SUPPORTBOT_*`` environment variables: declared once, typed, failing loudly.

Each setting is data (name, type, default, help), so ``docs/configuration.md`` and a test can
check that every setting is documented.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "SUPPORTBOT_"
REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _int(raw: str) -> int:
    return int(raw.strip())


def _str(raw: str) -> str:
    return raw.strip()


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _switch(raw: str) -> bool | None:
    """true/false, or ``auto`` (empty) for "decide from other settings"."""
    if raw.strip().lower() in {"auto", ""}:
        return None
    return _bool(raw)


def _days(raw: str) -> int:
    """A number of days, 0 or more (0: keep forever)."""
    days = int(raw.strip())
    if days < 0:
        raise ValueError(f"expected 0 or more days, got {days}")
    return days


def _hours(raw: str) -> int:
    """A number of hours, 1 or more."""
    hours = int(raw.strip())
    if hours < 1:
        raise ValueError(f"expected 1 or more hours, got {hours}")
    return hours


def _timezone(raw: str) -> str:
    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use a name like Europe/Amsterdam)") from exc
    return name


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.replace("\n", ",").split(",") if item.strip())


@dataclass(frozen=True)
class Setting:
    """One ``SUPPORTBOT_*`` variable; its default is the ``Config`` field's, declared once."""

    name: str
    parse: Callable[[str], Any]
    help: str


def default_data_dir() -> Path:
    """The shipped ``faq_data/`` next to the package, else ``./faq_data``."""
    shipped = REPO_ROOT / "faq_data"
    return shipped if shipped.is_dir() else Path.cwd() / "faq_data"


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", _str, "Knowledge-base directory (default: the shipped faq_data/)."),
    Setting("DATABASE_URL", _str, "SQLAlchemy URL; default SQLite in the instance folder."),
    Setting("SECRET_KEY", _str, "Signs sessions and Message-IDs; generated per instance if unset."),
    Setting("PUBLIC_URL", _str, "Public base URL of this server."),
    Setting(
        "DEMO_PAGE",
        _switch,
        "Serve the widget demo page /demo/: true, false, or auto (off when PUBLIC_URL is https).",
    ),
    Setting("INSTANCE_DIR", _str, "Folder for the SQLite database and the generated secret."),
    Setting("WIDGET_ORIGINS", _list, "Sites allowed to embed the widget (Origin values); * = any."),
    Setting(
        "CONNECTOR_ANY_SITE",
        _bool,
        "Let the WordPress connector's Help page on any customer site start product chats.",
    ),
    Setting(
        "CONNECTOR_CHATS_PER_SITE",
        _int,
        "New conversations per hour from one site outside WIDGET_ORIGINS (the connector).",
    ),
    Setting("SMTP_URL", _str, "Outgoing mail relay: smtp://user:pass@host:port or smtps://..."),
    Setting("IMAP_URL", _str, "Mailbox for `email poll`: imaps://user:pass@host/INBOX."),
    Setting("SMTP_LISTEN", _str, "host:port for the inbound SMTP server started by `serve`."),
    Setting("HELPDESK_ADDRESSES", _list, "Extra addresses of ours (aliases) besides policy's."),
    Setting("REDIS_URL", _str, "Redis for the cross-worker message bus; unset = in-process."),
    Setting(
        "REDIS_PREFIX",
        _str,
        "Prefix of our Redis keys and channels: installations sharing one Redis stay apart.",
    ),
    Setting(
        "SEMANTIC",
        _switch,
        "The semantic stage (an embedding model next to the word rankers): true, false, or "
        "auto (on when the `semantic` extra is installed).",
    ),
    Setting(
        "EMBEDDING_MODEL",
        _str,
        "A sentence-embedding model directory (model.onnx + tokenizer.json) instead of the "
        "bundled one.",
    ),
    Setting(
        "EMBEDDING_CACHE", _str, "Folder for cached FAQ vectors (default: instance/embeddings)."
    ),
    Setting(
        "CALIBRATION_CACHE",
        _str,
        "Folder for the calibrated answer gates, one file per knowledge base (default: "
        "instance/calibration).",
    ),
    Setting("TIMEZONE", _timezone, "Time zone of times shown to staff."),
    Setting(
        "MAX_MESSAGE_CHARS",
        _int,
        "Longest customer message accepted (a whole Site Health paste fits).",
    ),
    Setting("RATE_PER_CONVERSATION", _int, "Messages per minute per conversation."),
    Setting("RATE_PER_IP", _int, "Messages per minute per client IP."),
    Setting("TRUSTED_PROXIES", _int, "Number of reverse proxies in front (X-Forwarded-For)."),
    Setting("SHOP_WEBHOOK_SECRET", _str, "Shared secret for the subscription webhook."),
    Setting("LOG_LEVEL", _str, "Logging level."),
    Setting("OUTBOX_WORKER", _bool, "`serve` also sends the outbox (a child process)."),
    Setting("EMAIL_DOMAIN", _str, "Domain of our Message-IDs (default: the helpdesk's)."),
    Setting("EMAIL_ENVELOPE_FROM", _str, "MAIL FROM of our mail (default: helpdesk)."),
    Setting("EMAIL_MAX_BYTES", _int, "Largest inbound message; bigger gets 552."),
    Setting("EMAIL_REPLIES_PER_HOUR", _int, "Automatic replies per sender, per conversation."),
    Setting("EMAIL_REPLIES_PER_DAY", _int, "Automatic replies per sender, per conversation."),
    Setting("EMAIL_POLL_INTERVAL", _int, "Seconds between IMAP checks of `email poll`."),
    Setting(
        "EMAIL_PROCESSORS",
        _int,
        "Processes answering stored mail beside `serve`'s SMTP listener (0: its threads).",
    ),
    Setting(
        "RETENTION_DAYS",
        _days,
        "Days a closed conversation and its mail are kept after their last activity (0: forever).",
    ),
    Setting(
        "RAW_MAIL_RETENTION_DAYS",
        _days,
        "Days raw inbound and outbound mail is kept (0: as long as its conversation).",
    ),
    Setting(
        "ASSUMED_AFTER_HOURS",
        _hours,
        "Hours of silence after an FAQ or policy answer before the ladder counts it as assumed.",
    ),
)


@dataclass(frozen=True)
class Config:
    """Typed settings; ``Config.from_env()`` for production, keyword overrides for tests."""

    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""
    secret_key: str = ""
    public_url: str = "http://127.0.0.1:8000"
    instance_dir: Path = field(default_factory=lambda: REPO_ROOT / "instance")
    demo_page: bool | None = None
    widget_origins: tuple[str, ...] = ()
    connector_any_site: bool = False
    connector_chats_per_site: int = 10
    smtp_url: str = ""
    imap_url: str = ""
    smtp_listen: str = ""
    helpdesk_addresses: tuple[str, ...] = ()
    redis_url: str = ""
    redis_prefix: str = "supportbot:"
    timezone: str = "Europe/Amsterdam"
    semantic: bool | None = None
    embedding_model: str = ""
    embedding_cache: str = ""
    calibration_cache: str = ""
    max_message_chars: int = 20000
    rate_per_conversation: int = 20
    rate_per_ip: int = 60
    trusted_proxies: int = 0
    shop_webhook_secret: str = ""
    log_level: str = "INFO"
    outbox_worker: bool = True
    email_domain: str = ""
    email_envelope_from: str = ""
    email_max_bytes: int = 35 * 1024 * 1024
    email_replies_per_hour: int = 3
    email_replies_per_day: int = 10
    email_poll_interval: int = 60
    email_processors: int = 0
    retention_days: int = 365
    raw_mail_retention_days: int = 90
    assumed_after_hours: int = 72

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = env.get(PREFIX + setting.name)
            if raw is None:
                continue
            try:
                values[setting.name.lower()] = setting.parse(raw)
            except ValueError as exc:
                raise ConfigError(f"{PREFIX}{setting.name}: {exc}") from exc
        for path_key in ("data_dir", "instance_dir"):
            if values.get(path_key):
                values[path_key] = Path(values[path_key])
            else:
                values.pop(path_key, None)
        values.update(overrides)
        return cls(**values)

    @property
    def demo_page_enabled(self) -> bool:
        """The demo page is for trying Supportbot out: off by default on a public https server."""
        if self.demo_page is None:
            return not self.public_url.lower().startswith("https://")
        return self.demo_page

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_dir / 'supportbot.sqlite3'}"


def app_secret(config: Config) -> str:
    """The secret that signs sessions and Message-IDs: SUPPORTBOT_SECRET_KEY, else the
    instance's own."""
    return config.secret_key or instance_secret(config.instance_dir)


def instance_secret(instance_dir: Path) -> str:
    """A per-installation secret, generated once and kept in the instance folder (mode 0600)."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret)
    return secret
