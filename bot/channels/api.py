"""The HTTP JSON API (SPEC "HTTP JSON API"): conversations for the widget and integrations."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from bot.channels import rate_keys
from bot.channels.cors import allow_widget_origin, check_connector_start
from bot.channels.runtime import runtime
from bot.channels.turn_json import turn_json
from bot.channels.untrusted_input import UnreadableJson, parse_int, read_json, text_problem
from bot.core.dialogue.deadlines import zone_named
from bot.core.knowledge.versions import looks_like_version
from bot.core.licence_keys import FoundKey
from bot.helpdesk.errors import HelpdeskError, InvalidInput, RateLimited, Unauthorized

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api")
bp.after_request(allow_widget_origin)

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_LAST4 = re.compile(r"^[0-9A-Z]{1,4}$")
MAX_NAME = 200
MAX_CLIENT_ID = 64
MAX_TIME_ZONE = 64


def json_body() -> dict[str, Any]:
    try:
        data = read_json(request.get_data(cache=False))
    except UnreadableJson:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", code="invalid_json")
    return data


def optional_str(data: dict[str, Any], key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{key} must be a string", code="invalid_field")
    if len(value) > limit:
        raise InvalidInput(f"{key} is longer than {limit} characters", code="invalid_field")
    if problem := text_problem(value):
        raise InvalidInput(f"{key} {problem}", code="invalid_field")
    return value.strip() or None


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the conversation token as 'Authorization: Bearer <token>'")
    return token.strip()


def client_key() -> str:
    return request.remote_addr or "unknown"


def check_rate(key: str, limit: int) -> None:
    wait = runtime().limiter.hit(key, limit, 60.0)
    if wait:
        raise RateLimited("too many messages; wait a moment", retry_after=int(wait) + 1)


def customer_time_zone(data: dict[str, Any]) -> str | None:
    """The browser's IANA time zone (``Europe/Amsterdam``): the ticket's due time is told in it.

    A name this server does not know (an older tz database) is not worth refusing the
    conversation for: it is logged and the policy's time zone is used instead."""
    name = optional_str(data, "time_zone", MAX_TIME_ZONE)
    if name is not None and zone_named(name) is None:
        log.info("unknown time zone %r from a client; using the policy's", name)
        return None
    return name


@bp.post("/conversations")
def create_conversation() -> tuple[Response, int]:
    rt = runtime()
    data = json_body()
    if rt.config.rate_per_ip:  # 0 switches the limits off
        new_per_minute = max(rt.config.rate_per_ip // 3, 1)
        check_rate(rate_keys.new_conversations_from(client_key()), new_per_minute)
    language = data.get("language")
    if language is not None and language not in rt.kb.policy.languages:
        raise InvalidInput(
            f"language must be one of {', '.join(rt.kb.policy.languages)} or null",
            code="invalid_field",
        )
    email = optional_str(data, "email", 254)
    if email and not _EMAIL.match(email):
        raise InvalidInput("email is not a valid address", code="invalid_field")
    name = optional_str(data, "name", MAX_NAME)
    product = optional_str(data, "product", 100)
    if product is not None and product not in rt.kb.products:
        raise InvalidInput("product is not one of our product slugs", code="invalid_field")
    version = optional_str(data, "version", 40)
    if version is not None and (product is None or not looks_like_version(version)):
        raise InvalidInput("version must be a version number of the product", code="invalid_field")
    licence = licence_identity(data)
    time_zone = customer_time_zone(data)
    check_connector_start(product)
    started = rt.conversations.start(
        channel="widget", language=language, email=email, name=name, product=product,
        version=version, licence_keys=(licence,) if licence else (), time_zone=time_zone,
    )  # fmt: skip
    body = {
        "conversation_id": started.public_id,
        "token": started.token,
        "state": started.state,
        "messages": started.messages,
    }
    return jsonify(body), 201


def licence_identity(data: dict[str, Any]) -> FoundKey | None:
    """A licence key as the connector sends it: SHA-256 and last four, never the key itself."""
    key_hash = optional_str(data, "licence_hash", 64)
    last4 = optional_str(data, "licence_last4", 4)
    if key_hash is None and last4 is None:
        return None
    if key_hash is None or last4 is None or not _SHA256.match(key_hash) or not _LAST4.match(last4):
        raise InvalidInput(
            "licence_hash must be a SHA-256 hex digest and licence_last4 up to 4 letters or digits",
            code="invalid_field",
        )
    return FoundKey(0, 0, key_hash, last4)


@bp.post("/conversations/<conversation_id>/messages")
def post_message(conversation_id: str) -> Response:
    rt = runtime()
    token = bearer_token()
    data = json_body()
    text = data.get("text")
    if not isinstance(text, str):
        raise InvalidInput(
            "text must be a string", code="missing_field" if text is None else "invalid_field"
        )
    if problem := text_problem(text):
        raise InvalidInput(f"text {problem}", code="invalid_text")
    if len(text) > rt.config.max_message_chars:
        raise InvalidInput(
            f"text is longer than {rt.config.max_message_chars} characters", code="text_too_long"
        )
    client_id = optional_str(data, "client_id", MAX_CLIENT_ID)
    check_rate(rate_keys.messages_from(client_key()), rt.config.rate_per_ip)

    def admit() -> None:  # after the token: a made-up id or a wrong token spends nothing
        check_rate(rate_keys.messages_in(conversation_id), rt.config.rate_per_conversation)

    turn = rt.conversations.post(conversation_id, token, text, client_id=client_id, admit=admit)
    return jsonify(turn_json(turn))


@bp.get("/conversations/<conversation_id>")
def get_conversation(conversation_id: str) -> Response:
    token = bearer_token()
    after_seq = parse_int(request.args.get("after", "0"))
    if after_seq is None:
        raise InvalidInput("after must be a message number (0 or more)", code="invalid_field")
    return jsonify(runtime().conversations.transcript(conversation_id, token, after_seq=after_seq))


@bp.errorhandler(HelpdeskError)
def helpdesk_error(error: HelpdeskError) -> tuple[Response, int]:
    log.info("api %s %s -> %s (%s)", request.method, request.path, error.code, error.message)
    response = jsonify({"error": error.code, "message": error.message})
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response, error.status
