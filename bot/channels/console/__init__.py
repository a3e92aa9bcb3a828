"""The staff console (``/staff/``): login, the ticket queue, tickets, the dashboard, live updates.

``init_app(app)`` is the one call that wires it into an app. The pieces without Flask
(``accounts``, ``passwords``, ``sessions``, ``queue``, ``ticket_page``, ``live``, ``metrics``,
``charts``) import on their own; the ticket use cases are in ``bot.helpdesk.tickets``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from bot.channels.console import i18n
    from bot.channels.console.blueprint import console_blueprint

    i18n.install(app)
    app.register_blueprint(console_blueprint())
