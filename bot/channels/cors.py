"""CORS for the sites that embed the widget (``SUPPORTBOT_WIDGET_ORIGINS``)."""

from __future__ import annotations

from flask import Response, request

from bot.channels.runtime import runtime


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


def allow_widget_origin(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and origin_allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response
