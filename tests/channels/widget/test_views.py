"""The widget's HTTP side: the script with its cache headers, FAQ search, ending, the demo page."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.app import create_app
from bot.channels.widget.assets import widget_source
from bot.config import Config, ConfigError
from tests.conftest import make_config

ALLOWED = "https://customer-site.example"  # in make_config's widget_origins


@pytest.fixture
def web(sqlite_app: Flask) -> FlaskClient:
    return sqlite_app.test_client()


# -- /widget.js ----------------------------------------------------------------------------------
def test_the_script_is_served_with_an_etag_and_cache_headers(web: FlaskClient) -> None:
    response = web.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    source = widget_source()
    head, rest = source.split(b"/*strings:begin*/")[0], source.split(b"/*strings:end*/")[1]
    between, tail = rest.split(b"/*settings:begin*/")[0], rest.split(b"/*plurals:end*/")[1]
    assert response.data.startswith(head) and response.data.endswith(tail)  # strings injected
    assert between in response.data  # and the plural rules, the code around them untouched
    assert response.headers["ETag"]
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=600" in cache and "stale-while-revalidate" in cache
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_matching_if_none_match_gets_304_without_a_body(web: FlaskClient) -> None:
    etag = web.get("/widget.js").headers["ETag"]
    again = web.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = web.get("/widget.js", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_the_script_is_gzipped_for_clients_that_accept_it(web: FlaskClient) -> None:
    plain = web.get("/widget.js")
    packed = web.get("/widget.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]  # two representations, two tags
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert (
        web.get(
            "/widget.js",
            headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
        ).status_code
        == 304
    )


def test_the_script_is_small() -> None:
    assert len(gzip.compress(widget_source(), 9)) < 30 * 1024


# -- FAQ search ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "language"),
    [("licentie verlengen", "nl"), ("renew my licence", "en")],
)
def test_faq_search_returns_questions_with_safe_answer_html(
    web: FlaskClient, query: str, language: str
) -> None:
    response = web.get("/api/faq/search", query_string={"q": query, "lang": language})
    assert response.status_code == 200
    body = response.get_json()
    assert body["language"] == language and body["query"] == query
    assert 1 <= len(body["results"]) <= 5
    for hit in body["results"]:
        assert hit["id"] and hit["question"] and hit["html"]
        assert "<script" not in hit["html"] and not re.search(r"\son\w+=", hit["html"])
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize("query", ["", "a", " ", "\x00"])
def test_faq_search_ignores_queries_too_short_to_mean_anything(
    web: FlaskClient, query: str
) -> None:
    assert web.get("/api/faq/search", query_string={"q": query}).get_json()["results"] == []


def test_faq_search_falls_back_to_the_default_language_and_ignores_unknown_products(
    web: FlaskClient,
) -> None:
    body = web.get(
        "/api/faq/search", query_string={"q": "licentie", "lang": "xx", "product": "../etc"}
    ).get_json()
    assert body["language"] == "nl"


def test_faq_search_answers_allowed_sites_with_cors_and_others_without(web: FlaskClient) -> None:
    allowed = web.get("/api/faq/search?q=licentie", headers={"Origin": ALLOWED})
    other = web.get("/api/faq/search?q=licentie", headers={"Origin": "https://evil.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Origin" not in other.headers


def test_faq_search_is_rate_limited_per_address(web: FlaskClient) -> None:
    statuses = {web.get(f"/api/faq/search?q=licentie{n}").status_code for n in range(125)}
    assert statuses == {200, 429}


# -- ending a conversation -------------------------------------------------------------------------
def test_ending_needs_the_token_and_closes_the_conversation(web: FlaskClient) -> None:
    started = web.post(
        "/api/conversations", json={"language": "en"}, headers={"Origin": ALLOWED}
    ).get_json()
    path = f"/api/conversations/{started['conversation_id']}/end"
    assert web.post(path).status_code == 401
    assert web.post(path, headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert (
        web.post(
            "/api/conversations/nope/end", headers={"Authorization": f"Bearer {started['token']}"}
        ).status_code
        == 404
    )
    ended = web.post(
        path, headers={"Authorization": f"Bearer {started['token']}", "Origin": ALLOWED}
    )
    assert ended.status_code == 200 and ended.get_json()["state"]["status"] == "closed"
    assert ended.headers["Access-Control-Allow-Origin"] == ALLOWED
    transcript = web.get(
        f"/api/conversations/{started['conversation_id']}",
        headers={"Authorization": f"Bearer {started['token']}"},
    ).get_json()
    assert transcript["state"]["status"] == "closed"


def test_a_preflight_for_ending_is_answered_for_allowed_sites(web: FlaskClient) -> None:
    response = web.options(
        "/api/conversations/abc/end",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


# -- the socket route over plain HTTP, and the demo page ------------------------------------
def test_the_socket_route_refuses_other_origins_before_the_handshake(web: FlaskClient) -> None:
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    response = web.get("/ws", headers={**upgrade, "Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_the_socket_route_without_an_upgrade_is_not_a_server_error(web: FlaskClient) -> None:
    assert 400 <= web.get("/ws", headers={"Origin": ALLOWED}).status_code < 500


def test_the_demo_page_embeds_the_widget_twice_with_its_options(web: FlaskClient) -> None:
    response = web.get("/demo/?lang=en&position=left&color=%23aa3300&product=polder-gallery")
    html = response.get_data(as_text=True)
    tags = re.findall(r"<script src=\"[^\"]*/widget\.js\"[^>]*>", html)
    assert len(tags) == 2
    assert all(
        'data-lang="en"' in tag and 'data-color="#aa3300"' in tag and "async" in tag for tag in tags
    )
    assert "public" in response.headers["Cache-Control"]
    assert (
        web.get("/demo/theme.css").status_code == 200
        and web.get("/demo/theme.js").status_code == 200
    )


@pytest.mark.parametrize(
    "server",
    ["http://attacker.example", "https://attacker.example:8443", "//attacker.example",
     "http://127.0.0.1:8000.attacker.example", "http://127.0.0.1:8000@attacker.example",
     "data:text/javascript,alert(1)", "http://localhost"],
)  # fmt: skip
def test_the_demo_never_loads_a_script_from_a_server_the_caller_names(
    web: FlaskClient, server: str
) -> None:
    """A crafted ``/demo/?server=`` link must not run a stranger's script on the console's origin
    (where it would ride a logged-in agent's session)."""
    response = web.get("/demo/", query_string={"server": server})
    sources = re.findall(r"<script src=\"([^\"]*)\"", response.get_data(as_text=True))
    own = ("jquery.js", "theme.js", "/widget.js")
    assert sources and all(src.startswith(own) for src in sources)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "attacker" not in policy and "*" not in policy


def test_the_demo_embeds_the_widget_from_the_public_url_when_asked(
    tmp_path: Path, sqlite_url: str
) -> None:
    """The browser tests open the page on ``localhost`` and the widget from the public URL
    (``127.0.0.1``): another origin, as a customer's site has. Only that one URL is accepted."""
    app = create_app(make_config(tmp_path, sqlite_url, public_url="http://127.0.0.1:8123/"))
    try:
        response = app.test_client().get("/demo/?server=http://127.0.0.1:8123")
        html = response.get_data(as_text=True)
        assert html.count('<script src="http://127.0.0.1:8123/widget.js"') == 2
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self' http://127.0.0.1:8123;" in policy
        assert "ws://127.0.0.1:8123" in policy
    finally:
        app.extensions["supportbot"].db.dispose()


@pytest.mark.parametrize(
    ("setting", "public_url", "served"),
    [(None, "http://127.0.0.1:8000", True), (None, "https://support.example.com", False),
     (True, "https://support.example.com", True), (False, "http://127.0.0.1:8000", False)],
)  # fmt: skip
def test_the_demo_page_can_be_switched_off_and_is_off_on_https_by_default(
    tmp_path: Path, sqlite_url: str, setting: bool | None, public_url: str, served: bool
) -> None:
    config = make_config(tmp_path, sqlite_url, public_url=public_url, demo_page=setting)
    app = create_app(config)
    try:
        web = app.test_client()
        for path in ("/demo/", "/demo/theme.js", "/demo/theme.css"):
            assert web.get(path).status_code == (200 if served else 404)
        assert web.get("/widget.js").status_code == 200  # the widget itself is always served
    finally:
        app.extensions["supportbot"].db.dispose()


def test_the_demo_switch_is_read_from_the_environment() -> None:
    assert Config.from_env({"SUPPORTBOT_DEMO_PAGE": "false"}).demo_page is False
    assert Config.from_env({"SUPPORTBOT_DEMO_PAGE": "auto"}).demo_page is None
    assert Config.from_env({}).demo_page is None
    with pytest.raises(ConfigError, match="SUPPORTBOT_DEMO_PAGE"):
        Config.from_env({"SUPPORTBOT_DEMO_PAGE": "sometimes"})


@pytest.mark.parametrize(
    "hostile",
    ['"><script>alert(1)</script>', "' onload='alert(1)", "javascript:alert(1)", "x" * 500],
)
def test_demo_options_cannot_inject_markup(web: FlaskClient, hostile: str) -> None:
    html = web.get(
        "/demo/", query_string={"greeting": hostile, "lang": hostile, "server": hostile}
    ).get_data(as_text=True)
    assert "alert(1)</script>" not in html and "onload=" not in html and "javascript:" not in html


def test_sockets_get_a_keepalive_ping_and_a_frame_size_limit(sqlite_app: Flask) -> None:
    options = sqlite_app.config["SOCK_SERVER_OPTIONS"]
    assert options["ping_interval"] == 25
    assert options["max_message_size"] == 64 * 1024
