"""The chat widget's server side: ``/widget.js``, ``/ws``, FAQ search, and the ``/demo/`` page.

``init_app(app)`` is the one call that wires it into an app. The protocol modules
(``frames``, ``frame_budget``, ``session``) import without Flask routes being registered.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from bot.channels.widget import demo, socket_route, views

    app.config.setdefault("SOCK_SERVER_OPTIONS", socket_route.server_options())
    app.register_blueprint(views.bp)
    app.register_blueprint(socket_route.bp)
    app.register_blueprint(demo.bp)
