"""The services one app runs with, built once by ``bot.app.build_runtime`` and reachable from
request handlers as ``runtime()``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from bot.channels.idle_checks import IdleChecks
from bot.channels.ratelimit import RateLimiter
from bot.config import Config
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.models import KnowledgeBase
from bot.helpdesk.bus import MessageBus
from bot.helpdesk.conversations import Conversations
from bot.helpdesk.presence import Presence
from bot.helpdesk.tickets import TicketDesk
from bot.mail.settings import EmailSettings
from bot.storage.db import Database

EXTENSION_KEY = "supportbot"


@dataclass
class Runtime:
    config: Config
    db: Database
    kb: KnowledgeBase
    engine: Engine
    bus: MessageBus
    conversations: Conversations
    limiter: RateLimiter
    presence: Presence  # is the customer's widget open?
    desk: TicketDesk  # the ticket use cases, with the staff mailer
    secret: str  # signs sessions and Message-IDs (bot.config.app_secret)
    email: EmailSettings
    idle_checks: IdleChecks  # the open widget sockets' periodic token check and presence


def runtime(app: Flask | None = None) -> Runtime:
    found = (app or current_app).extensions[EXTENSION_KEY]
    assert isinstance(found, Runtime)
    return found
