"""``/demo/``: a page that looks and behaves like a WordPress theme at its worst, with the widget
embedded by its one tag. For people trying the widget, the browser tests and the screenshots.

What makes it hostile: a CSS reset that unsets every element, theme rules with ``!important``
(including one that hides any ``supportbot-widget``), a 10px root font size, jQuery and an AMD
``define`` in the global scope, polluted prototypes, a wrapped ``fetch``, the script tag added
twice (theme and plugin), and page-cache headers.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file

from bot.channels.runtime import runtime

SITE = Path(__file__).parent / "demo_site"
DEBIAN_JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")
PAGE_CACHE_S = 3600

bp = Blueprint("widget_demo", __name__, url_prefix="/demo", template_folder="demo_site")

_OPTION = re.compile(r"^[\w#.\- ,!?'’]{1,120}$")


def widget_options() -> dict[str, str]:
    """``data-*`` values for the tag, taken from the query string (escaped by the template)."""
    wanted = ("lang", "position", "color", "greeting", "product")
    return {name: value for name in wanted if _OPTION.match(value := request.args.get(name, ""))}


@bp.get("/")
def page() -> Response:
    server = request.args.get("server", "")
    if not re.match(r"^https?://[\w.\-:\[\]]+$", server):
        server = request.host_url.rstrip("/")
    html = render_template(
        "page.html",
        widget_src=f"{server}/widget.js",
        options=widget_options(),
        lang=request.args.get("lang", "nl") if request.args.get("lang") in ("nl", "en") else "nl",
        company=runtime().kb.policy.company,
    )
    response = Response(html, mimetype="text/html")
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
