"""Every sentence the widget shows, as gettext msgids; `/widget.js` is served translated.

The script keeps only the English table (for use without this server); the server replaces it
with every configured language from the Babel catalogs in ``translations/``. A second block,
``/*settings:begin*/ ... /*settings:end*/``, carries what the knowledge base says the widget
should link to (the privacy notice per language).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.dialogue.replies import N_
from bot.core.knowledge.models import Policy
from bot.core.ports import Translator

WIDGET_STRINGS: dict[str, str] = {
    "openChat": N_("Open chat"),
    "siteHealth": N_("Paste Site Health info"),
    "siteHealthHelp": N_(
        'In WordPress, go to Tools → Site Health → Info and click "Copy site info to clipboard". '
        "Paste it below and send it: it tells us your WordPress, PHP and plugin versions at once."
    ),
    "closeChat": N_("Close chat"),
    "dialog": N_("Chat with support"),
    "title": N_("Support"),
    "greeting": N_("Hi! Search our frequently asked questions, or ask us your question."),
    "searchLabel": N_("Search the frequently asked questions"),
    "searchPlaceholder": N_("Type your question…"),
    "resultsCount": N_("{n} answers found"),
    "noResults": N_("No answer found. Ask us your question."),
    "askQuestion": N_("Ask your question"),
    "continueChat": N_("Continue your conversation"),
    "helped": N_("This helped, thanks"),
    "notHelped": N_("I still have a question"),
    "gladToHelp": N_("Glad we could help!"),
    "back": N_("Back to the frequently asked questions"),
    "messageLabel": N_("Your message"),
    "messagePlaceholder": N_("Type a message…"),
    "emailPlaceholder": N_("you@example.com"),
    "send": N_("Send"),
    "you": N_("You"),
    "bot": N_("Supportbot"),
    "staff": N_("Support agent"),
    "sending": N_("Sending…"),
    "failed": N_("Not sent"),
    "retry": N_("Send again"),
    "reconnecting": N_("Connection lost. Reconnecting…"),
    "offline": N_("You are offline. Your messages will be sent when you are back online."),
    "sound": N_("Sound for new messages"),
    "menu": N_("More options"),
    "download": N_("Download transcript"),
    "end": N_("End conversation"),
    "endConfirm": N_("Do you want to end this conversation?"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "ended": N_("The conversation has ended."),
    "unread": N_("{n} unread messages"),
    "newMessage": N_("New message from {who}"),
    "quickReplies": N_("Quick replies"),
    "links": N_("Links"),
    "ticket": N_("Ticket {number}: {status}"),
    "ticketOpen": N_("open"),
    "ticketWaiting": N_("in progress"),
    "ticketResolved": N_("resolved"),
    "error": N_("Something went wrong. Please try again in a moment."),
    "tooLong": N_("Your message is too long."),
    "tooFast": N_("Please wait a moment: you are sending messages too fast."),
    "transcript": N_("Conversation {id}"),
    "privacy": N_("Privacy notice"),
}


def translated(
    translations: Mapping[str, Translator], languages: Sequence[str]
) -> dict[str, dict[str, str]]:
    """``{language: {key: text}}`` for every configured language."""
    return {
        language: {
            key: translations[language].gettext(msgid) for key, msgid in WIDGET_STRINGS.items()
        }
        for language in languages
        if language in translations
    }


def widget_settings(policy: Policy) -> dict[str, Any]:
    """``{"privacy": {language: url}}`` for the languages that have a privacy notice."""
    urls = {language: policy.privacy_url(language) for language in policy.languages}
    return {"privacy": {language: url for language, url in urls.items() if url}}


def inject(
    script: bytes, table: dict[str, dict[str, str]], settings: dict[str, Any] | None = None
) -> bytes:
    """The script with its string table (and settings) replaced (JSON is valid JavaScript)."""
    script = _replace_block(script, "strings", table)
    return script if settings is None else _replace_block(script, "settings", settings)


def _replace_block(script: bytes, name: str, value: object) -> bytes:
    start, end = f"/*{name}:begin*/".encode(), f"/*{name}:end*/".encode()
    pattern = re.compile(re.escape(start) + rb".*?" + re.escape(end), re.S)
    block = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    replaced, count = pattern.subn(lambda _: start + block + end, script, 1)
    if count != 1:
        raise ValueError(f"widget.js has lost its /*{name}:begin*/ ... /*{name}:end*/ markers")
    return replaced
