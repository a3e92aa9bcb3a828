"""``POST /api/shop/webhook/<source>``: the shop pushes subscription changes.

``woocommerce``: WooCommerce's own webhooks (topics ``subscription.*``), signed with
``X-WC-Webhook-Signature: base64(HMAC-SHA256(body, secret))``. ``edd``: the forwarding
snippet's JSON, signed with ``X-Supportbot-Signature: sha256=<hex HMAC-SHA256(body, secret)>``.
The secret is ``SUPPORTBOT_SHOP_WEBHOOK_SECRET`` (see docs/subscriptions.md). Every refusal is
a 4xx JSON error and a log line, and stores nothing; bodies and licence keys are never logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import IntegrityError

from bot.channels.runtime import runtime
from bot.channels.untrusted_input import UnreadableJson, has_lone_surrogate, read_json
from bot.core.shop.catalogue import ShopCatalogue
from bot.core.shop.edd import edd_update
from bot.core.shop.records import ShopPayloadError, ShopUpdate
from bot.core.shop.woocommerce import woocommerce_update
from bot.helpdesk.subscriptions import apply_shop_update

log = logging.getLogger(__name__)

bp = Blueprint("shop_webhook", __name__, url_prefix="/api/shop")

SOURCES = ("woocommerce", "edd")
MAX_BODY_BYTES = 256 * 1024  # a subscription with many line items and meta data fits easily
_WOO_PING = re.compile(rb"webhook_id=\d{1,20}")  # sent unsigned when a webhook is saved


class WebhookRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.before_request
def allow_subscription_sized_bodies() -> None:
    request.max_content_length = MAX_BODY_BYTES


@bp.post("/webhook/<source>")
def receive(source: str) -> tuple[Response, int]:
    if source not in SOURCES:
        raise WebhookRefused(404, "unknown_source", f"use one of: {', '.join(SOURCES)}")
    secret = runtime().config.shop_webhook_secret
    if not secret:
        log.error("shop webhook %s: SUPPORTBOT_SHOP_WEBHOOK_SECRET is not set; refused", source)
        body = {"error": "not_configured", "message": "the shop webhook is not configured"}
        return jsonify(body), 503
    raw = request.get_data(cache=False)
    if source == "woocommerce" and _WOO_PING.fullmatch(raw.strip()):
        log.info("shop webhook woocommerce: ping (%s)", raw.strip().decode())
        return jsonify({"status": "ping"}), 200
    check_signature(source, raw, secret.encode("utf-8"))
    update = read_update(source, raw)
    if update.ignored:
        log.info("shop webhook %s: %s ignored (%s)", source, update.group, update.ignored)
        return jsonify({"status": "ignored", "reason": update.ignored}), 200
    counts = store(update)
    log.info("shop webhook %s: %s %s", source, update.group, counts)
    if update.unmapped:
        log.warning(
            "shop webhook %s: %s: items not ours: %s", source, update.group, update.unmapped
        )
    return jsonify({"status": "ok", "counts": counts, "unmapped": list(update.unmapped)}), 200


def check_signature(source: str, raw: bytes, secret: bytes) -> None:
    digest = hmac.new(secret, raw, hashlib.sha256).digest()
    if source == "woocommerce":
        given = _base64(request.headers.get("X-WC-Webhook-Signature", ""))
        header = "X-WC-Webhook-Signature"
    else:
        given = _hex(request.headers.get("X-Supportbot-Signature", ""))
        header = "X-Supportbot-Signature"
    if given is None:
        raise WebhookRefused(401, "missing_signature", f"{header} is missing or malformed")
    if not hmac.compare_digest(given, digest):
        raise WebhookRefused(401, "bad_signature", f"{header} does not match the body")


def _base64(value: str) -> bytes | None:
    try:
        return base64.b64decode(value.strip(), validate=True) if value.strip() else None
    except (binascii.Error, ValueError):
        return None


def _hex(value: str) -> bytes | None:
    scheme, _, digest = value.strip().partition("=")
    if scheme.lower() != "sha256" or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        return None
    return bytes.fromhex(digest)


def read_update(source: str, raw: bytes) -> ShopUpdate:
    try:
        payload: Any = read_json(raw)
    except UnreadableJson as error:
        raise WebhookRefused(400, "invalid_json", "the body is not JSON") from error
    if has_lone_surrogate(payload):
        message = "the body holds a lone UTF-16 surrogate, which is not text"
        raise WebhookRefused(400, "invalid_text", message)
    catalogue = ShopCatalogue(runtime().kb.products.values())
    try:
        if source == "woocommerce":
            topic = request.headers.get("X-WC-Webhook-Topic", "")
            return woocommerce_update(payload, topic, catalogue)
        return edd_update(payload, catalogue, datetime.now(UTC))
    except ShopPayloadError as error:
        raise WebhookRefused(422, error.code, error.message) from error


def store(update: ShopUpdate) -> dict[str, int]:
    """One transaction; a concurrent delivery for the same new subscription is retried once."""
    db = runtime().db
    for attempt in range(2):
        try:
            with db.session() as session:
                return apply_shop_update(session, update, datetime.now(UTC))
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


@bp.errorhandler(WebhookRefused)
def refused(error: WebhookRefused) -> tuple[Response, int]:
    log.warning(
        "shop webhook %s from %s -> %s %s (%s)",
        request.path.rsplit("/", 1)[-1][:20],
        request.remote_addr,
        error.status,
        error.code,
        error.message,
    )
    return jsonify({"error": error.code, "message": error.message}), error.status
