"""The Flask application factory: the one place where the pieces are wired together."""

from __future__ import annotations

from flask import Flask

from bot.config import Config


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.extensions["supportbot.config"] = config or Config.from_env()
    return app
