"""The Flask application factory: the one place where the pieces are wired together."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.channels import api, shop_webhook
from bot.channels.console.blueprint import init_console
from bot.channels.email.staff_mail import StaffMail
from bot.channels.idle_checks import IdleChecks
from bot.channels.mail_status import mail_status
from bot.channels.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from bot.channels.runtime import EXTENSION_KEY, Runtime, runtime
from bot.channels.untrusted_input import RowIdConverter
from bot.channels.widget.routes import init_widget
from bot.config import Config, app_secret
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.loader import load_knowledge
from bot.helpdesk.bus import LocalBus, MessageBus
from bot.helpdesk.conversations import Conversations
from bot.helpdesk.presence import LocalPresence, Presence, RedisPresence
from bot.helpdesk.redis_bus import RedisBus
from bot.helpdesk.subscriptions import SubscriptionFeed
from bot.helpdesk.tickets import TicketDesk
from bot.i18n import load_translations
from bot.mail.settings import EmailSettings
from bot.semantic import build_semantic
from bot.storage.calibration_files import CalibrationFiles
from bot.storage.db import Database

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1024 * 1024
API_MAX_REQUEST_BYTES = 64 * 1024


def create_app(config: Config | None = None, *, migrate: bool = True) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__, instance_path=str(config.instance_dir.resolve()))
    rt = build_runtime(config, migrate=migrate)
    app.config.update(SECRET_KEY=rt.secret, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the SPEC's field order
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=config.trusted_proxies,
            x_proto=config.trusted_proxies,
            x_host=config.trusted_proxies,
        )
    app.extensions[EXTENSION_KEY] = rt
    app.url_map.converters["row_id"] = RowIdConverter
    app.register_blueprint(api.bp)
    app.register_blueprint(shop_webhook.bp)
    init_widget(app)
    init_console(app)
    register_health(app)
    register_errors(app)
    return app


def build_runtime(config: Config, *, migrate: bool = True) -> Runtime:
    db = Database(config.sqlalchemy_url)
    if migrate:
        # Here, not at the top: Alembic (and Mako, Pygments) is 11 MB a worker never uses.
        from bot.storage.migrate import upgrade  # noqa: PLC0415

        upgrade(db)
    kb = load_knowledge(config.data_dir)
    for problem in kb.problems:
        log.warning("knowledge base: %s", problem)
    semantic = build_semantic(config)
    log.info("%s", semantic.status)
    engine = Engine(
        kb,
        load_translations(kb.policy.languages),
        semantic=semantic.scorer,
        calibration_store=CalibrationFiles.from_config(config),
    )
    bus: MessageBus = LocalBus()
    limiter: RateLimiter = MemoryRateLimiter()
    presence: Presence = LocalPresence()
    if config.redis_url:
        client = redis_client(config)
        prefix = config.redis_prefix
        bus = RedisBus(client, channel=prefix + "bus")
        limiter = RedisRateLimiter(client, prefix=prefix + "rl:")
        presence = RedisPresence(client, prefix=prefix + "presence:")
    mail_enabled = bool(config.smtp_url)
    conversations = Conversations(
        db, engine, bus, subscriptions=SubscriptionFeed(), mail_enabled=mail_enabled
    )
    secret = app_secret(config)
    email = EmailSettings.from_config(config, kb.policy, secret)
    mailer = StaffMail(email, engine.translations, kb.policy.default_language)
    desk = TicketDesk(
        db,
        bus,
        presence,
        response_hours=kb.policy.response_hours,
        mailer=mailer,
        mail_enabled=mail_enabled,
    )
    return Runtime(
        config=config,
        db=db,
        kb=kb,
        engine=engine,
        bus=bus,
        conversations=conversations,
        limiter=limiter,
        presence=presence,
        desk=desk,
        secret=secret,
        email=email,
        idle_checks=IdleChecks(conversations, presence),
    )


def redis_client(config: Config) -> Any:
    """Redis, failing fast when it is down: the bus and presence degrade, requests never hang."""
    # Lazy: only installations that set SUPPORTBOT_REDIS_URL have the `redis` extra installed.
    import redis  # noqa: PLC0415
    from redis.backoff import NoBackoff  # noqa: PLC0415
    from redis.retry import Retry  # noqa: PLC0415

    return redis.Redis.from_url(
        config.redis_url,
        socket_timeout=2.0,
        socket_connect_timeout=2.0,
        retry=Retry(NoBackoff(), 1),
        health_check_interval=30,
    )


def message_bus(config: Config) -> MessageBus | None:
    """The cross-process bus for a command outside the web workers; None without Redis (an
    in-process bus would reach no socket from there)."""
    if not config.redis_url:
        return None
    return RedisBus(redis_client(config), channel=config.redis_prefix + "bus")


def register_health(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        rt = runtime()
        try:
            with rt.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # report, don't crash: load balancers poll this
            log.error("health check: database unreachable: %s", exc)
            return jsonify({"status": "error", "database": "unreachable"}), 503
        body: dict[str, Any] = {"status": "ok", "faq_entries": len(rt.kb.faq)}
        mail = mail_status(rt.db, rt.config.smtp_url)
        body["mail"] = mail.to_dict()
        if mail.stuck:  # still "ok" (it serves), but an operator must set up outgoing mail
            body["warnings"] = [
                "outgoing mail is not configured (SUPPORTBOT_SMTP_URL); mails waiting in the "
                f"outbox: {mail.waiting}"
            ]
        return jsonify(body), 200

    @app.before_request
    def limit_api_body() -> None:
        if request.path.startswith("/api/"):
            request.max_content_length = API_MAX_REQUEST_BYTES


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/healthz", "/ws")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def register_errors(app: Flask) -> None:
    codes: dict[int, str] = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "request_too_large",
        415: "unsupported_media_type",
        429: "rate_limited",
    }

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if not wants_json():
            return error
        status = error.code or 500
        log.info("%s %s -> %s", request.method, request.path, status)
        return jsonify({"error": codes.get(status, "error"), "message": error.description}), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": "internal_error", "message": "something went wrong"}), 500
