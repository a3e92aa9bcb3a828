"""``init_widget(app)``: the widget's blueprints and socket options on an app."""

from __future__ import annotations

from flask import Flask

from bot.channels.widget import demo, socket_route, views


def init_widget(app: Flask) -> None:
    app.config.setdefault("SOCK_SERVER_OPTIONS", socket_route.server_options())
    app.register_blueprint(views.bp)
    app.register_blueprint(socket_route.bp)
    app.register_blueprint(demo.bp)
