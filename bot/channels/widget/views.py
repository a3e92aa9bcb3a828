"""HTTP routes of the widget: the script itself, FAQ search-as-you-type, ending a conversation."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from bot.channels import rate_keys
from bot.channels.api import bearer_token, check_rate, client_key, helpdesk_error
from bot.channels.cors import allow_widget_origin
from bot.channels.runtime import runtime
from bot.channels.widget.assets import WIDGET_SOURCE, AssetFile
from bot.channels.widget.strings import inject, plural_rules, translated, widget_settings
from bot.core.dialogue.markup import render
from bot.helpdesk.errors import HelpdeskError

bp = Blueprint("widget", __name__)
bp.after_request(allow_widget_origin)
bp.register_error_handler(HelpdeskError, helpdesk_error)

WIDGET_ASSET_KEY = "supportbot.widget_js"


def widget_asset() -> AssetFile:
    """The script with this app's languages in it; built once per app, re-read when it changes."""
    app = current_app
    asset = app.extensions.get(WIDGET_ASSET_KEY)
    if asset is None:
        rt = runtime()
        languages = rt.kb.policy.languages
        table = translated(rt.engine.translations, languages)
        plurals = plural_rules(rt.engine.translations, languages)
        settings = widget_settings(rt.kb.policy)
        transform = partial(inject, table=table, plurals=plurals, settings=settings)
        asset = AssetFile(WIDGET_SOURCE, "application/javascript", transform)
        app.extensions[WIDGET_ASSET_KEY] = asset
    assert isinstance(asset, AssetFile)
    return asset


MAX_QUERY_CHARS = 200
MAX_RESULTS = 5
SEARCHES_PER_MINUTE = 120  # per IP; the widget debounces, so a typed sentence is a handful


@bp.get("/widget.js")
def script() -> Response:
    return widget_asset().response()


@bp.get("/api/faq/search")
def faq_search() -> Response:
    """FAQ entries for what the customer is typing, best first, with the answer as safe HTML."""
    rt = runtime()
    check_rate(rate_keys.faq_searches_from(client_key()), SEARCHES_PER_MINUTE)
    query = " ".join(request.args.get("q", "")[:MAX_QUERY_CHARS].split())
    language = request.args.get("lang", "")
    if language not in rt.kb.policy.languages:
        language = rt.kb.policy.default_language
    product = request.args.get("product") or None
    if rt.kb.product(product) is None:
        product = None
    results: list[dict[str, Any]] = []
    if len(query) >= 2:
        found = rt.engine.services.faq.search(query, language, product=product, limit=MAX_RESULTS)
        results = [
            {
                "id": match.entry.id,
                "question": match.entry.question,
                "html": render(match.entry.answer),
                "product": match.entry.product,
                "score": round(min(float(match.score), 1.0), 3),
            }
            for match in found.matches[:MAX_RESULTS]
        ]
    response = jsonify({"query": query, "language": language, "results": results})
    response.cache_control.public = True  # the same for everyone: CDNs may keep it a minute
    response.cache_control.max_age = 60
    return response


@bp.post("/api/conversations/<conversation_id>/end")
def end_conversation(conversation_id: str) -> Response:
    """The customer ends the conversation (the HTTP twin of the socket's ``end`` frame)."""
    state = runtime().conversations.end(conversation_id, bearer_token())
    return jsonify({"conversation_id": conversation_id, "state": state})
