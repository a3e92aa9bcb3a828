"""``/demo/``: a page that looks and behaves like a WordPress theme at its worst, with the widget
embedded by its one tag. For people trying the widget, the browser tests and the screenshots.

What makes it hostile: a CSS reset that unsets every element, theme rules with ``!important``
(including one that hides any ``supportbot-widget``), a 10px root font size, jQuery and an AMD
``define`` in the global scope, polluted prototypes, a wrapped ``fetch``, the script tag added
twice (theme and plugin), and page-cache headers.

The page is served on Supportbot's own origin, next to the staff console, so it loads no
script but this server's: the widget comes from ``SUPPORTBOT_PUBLIC_URL`` (``?server=`` may
only repeat that URL, which lets the tests embed the widget from another host name of the same
server), and a Content-Security-Policy allows scripts from those two origins only. The whole
page can be switched off with ``SUPPORTBOT_DEMO_PAGE``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, render_template, request, send_file

from bot.channels.runtime import runtime

SITE = Path(__file__).parent / "demo_site"
DEBIAN_JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")
PAGE_CACHE_S = 3600

bp = Blueprint("widget_demo", __name__, url_prefix="/demo", template_folder="demo_site")

_OPTION = re.compile(r"^[\w#.\- ,!?'’]{1,120}$")


def widget_options() -> dict[str, str]:
    """``data-*`` values for the tag, taken from the query string (escaped by the template)."""
    wanted = ("lang", "lang-fixed", "position", "color", "greeting", "product")
    return {name: value for name in wanted if _OPTION.match(value := request.args.get(name, ""))}


@bp.before_request
def only_when_enabled() -> None:
    if not runtime().config.demo_page_enabled:
        abort(404)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def widget_origin() -> str:
    """Where the page loads ``widget.js`` from: this server's public URL, never a caller's.

    ``?server=`` is accepted only when it names that same origin; anything else is ignored.
    """
    public = origin_of(runtime().config.public_url)
    asked = request.args.get("server", "")
    return public if asked and origin_of(asked) == public else ""


def content_security_policy(widget_from: str) -> str:
    """Scripts and sockets only from this origin (and the public URL the widget comes from)."""
    here = origin_of(request.host_url)
    sources = " ".join(dict.fromkeys(("'self'", widget_from or here)))
    sockets = " ".join(
        dict.fromkeys(origin.replace("http", "ws", 1) for origin in (here, widget_from or here))
    )
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {sources}",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {sources} {sockets}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        )
    )


@bp.get("/")
def page() -> Response:
    server = widget_origin()
    html = render_template(
        "page.html",
        widget_src=f"{server}/widget.js",
        options=widget_options(),
        lang=request.args.get("lang", "nl") if request.args.get("lang") in ("nl", "en") else "nl",
        company=runtime().kb.policy.company,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = content_security_policy(server)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.cache_control.public = True  # a page cache serves this to everyone
    response.cache_control.max_age = PAGE_CACHE_S
    return response


@bp.get("/<any('theme.css', 'theme.js'):name>")
def theme_file(name: str) -> Response:
    return send_file(SITE / name, max_age=PAGE_CACHE_S)


@bp.get("/jquery.js")
def jquery() -> Response:
    """Debian's jQuery when installed (package libjs-jquery); the page works without it."""
    if not DEBIAN_JQUERY.is_file():
        abort(404)
    return send_file(DEBIAN_JQUERY, mimetype="application/javascript", max_age=PAGE_CACHE_S)
