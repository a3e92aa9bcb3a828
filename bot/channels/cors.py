"""Which sites' pages may use the widget: CORS for the JSON API and the Origin check of ``/ws``.

Two rules (the reasoning is in docs/widget.md, "Allowed sites"):

- **Listed sites** (``SUPPORTBOT_WIDGET_ORIGINS``, and this server's own origin) may use
  everything the widget uses.
- **Any other site, through the WordPress connector** (``SUPPORTBOT_CONNECTOR_ANY_SITE``): the
  Help page a product adds to its customers' wp-admin runs on arbitrary origins. Such a page may
  start a conversation only about one of our products, at most
  ``SUPPORTBOT_CONNECTOR_CHATS_PER_SITE`` new ones per hour per site, search the FAQ only with a
  product, and use the conversations it holds the token of. Nothing else is opened to it.

Neither rule is what protects a conversation: that is its token, sent in a header or the
socket's first frame, never a cookie. The Origin only decides which sites' browsers may read
the answers; scripts without an Origin are let through and meet the same rate limits.
"""

from __future__ import annotations

import logging
import re

from flask import Response, request

from bot.channels import rate_keys
from bot.channels.runtime import runtime
from bot.helpdesk.errors import HelpdeskError, RateLimited

log = logging.getLogger(__name__)

SITE_WINDOW_S = 3600.0
_WEB_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]{1,253}")
# What the Help page's widget uses; everything else stays with the listed sites.
CONNECTOR_ENDPOINTS = frozenset(
    {
        "api.create_conversation",
        "api.post_message",
        "api.get_conversation",
        "widget.end_conversation",
        "widget.faq_search",
    }
)


class OriginNotAllowed(HelpdeskError):
    code = "origin_not_allowed"
    status = 403


def origin_allowed(origin: str | None) -> bool:
    """Same-origin requests carry no Origin (or our own); other sites must be listed."""
    if not origin:
        return True
    allowed = runtime().config.widget_origins
    own = runtime().config.public_url.rstrip("/")
    return (
        origin == own
        or origin == request.host_url.rstrip("/")
        or "*" in allowed
        or origin in allowed
    )


def connector_site(origin: str | None) -> bool:
    """An unlisted web page that the connector allowance covers (when it is switched on)."""
    return (
        bool(origin)
        and runtime().config.connector_any_site
        and _WEB_ORIGIN.fullmatch(origin or "") is not None
        and not origin_allowed(origin)
    )


def socket_origin_allowed(origin: str | None) -> bool:
    """``/ws``: listed sites, and connector sites (the token in the first frame decides)."""
    return origin_allowed(origin) or connector_site(origin)


def _cors_allowed(origin: str) -> bool:
    if origin_allowed(origin):
        return True
    if not connector_site(origin) or request.endpoint not in CONNECTOR_ENDPOINTS:
        return False
    if request.endpoint == "widget.faq_search":
        return runtime().kb.product(request.args.get("product") or None) is not None
    return True


def check_connector_start(product: str | None) -> None:
    """A new conversation from a connector site: about a product, and not too many per hour.

    Listed sites and clients without an Origin are not limited here.
    """
    origin = request.headers.get("Origin")
    if origin is None or not connector_site(origin):
        return
    if product is None:
        raise OriginNotAllowed("this site may start a conversation only about one of our products")
    wait = runtime().limiter.hit(
        rate_keys.connector_chats_from(origin),
        runtime().config.connector_chats_per_site,
        SITE_WINDOW_S,
    )
    if wait:
        log.warning("site %s started too many conversations through the connector", origin)
        raise RateLimited("too many new conversations from this site", retry_after=int(wait) + 1)


def allow_widget_origin(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and _cors_allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response
