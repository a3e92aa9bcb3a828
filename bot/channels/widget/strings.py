"""Every sentence the widget shows, as gettext msgids; `/widget.js` is served translated.

The script keeps only the English table (for use without this server); the server replaces it
with every configured language from the Babel catalogs in ``translations/``. Texts with a count
have all their plural forms, and each language's plural rule goes along as a table of form
numbers (the script evaluates no catalog expression, so it needs no ``eval``). A third block,
``/*settings:begin*/ ... /*settings:end*/``, carries what the knowledge base says the widget
should link to (the privacy notice per language).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
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


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 (gettext's naming)
    """Mark a text with a count for extraction (``ngettext``); translated where it is used."""
    return (singular, plural)


WIDGET_PLURALS: dict[str, tuple[str, str]] = {
    "resultsCount": N_plural("{n} answer found", "{n} answers found"),
    "unread": N_plural("{n} unread message", "{n} unread messages"),
}

PLURAL_SAMPLES = 200  # n = 0..199; the script maps larger n to 100 + n % 100

_BLOCKS = {
    name: re.compile(rb"/\*" + name + rb":begin\*/.*?/\*" + name + rb":end\*/", re.S)
    for name in (b"strings", b"plurals", b"settings")
}

Table = dict[str, dict[str, str | list[str]]]


def plural_rule(translator: Translator) -> Callable[[int], int]:
    """The catalog's Plural-Forms rule (gettext keeps it as ``plural``); English's without one."""
    rule = getattr(translator, "plural", None)
    return rule if callable(rule) else (lambda n: int(n != 1))


def plural_forms(translator: Translator, singular: str, plural: str) -> list[str]:
    """Every plural form of one text, in the catalog's form order."""
    rule = plural_rule(translator)
    first_n: dict[int, int] = {}
    for n in range(PLURAL_SAMPLES):
        first_n.setdefault(rule(n), n)
    return [translator.ngettext(singular, plural, first_n[form]) for form in sorted(first_n)]


def translated(translations: Mapping[str, Translator], languages: Sequence[str]) -> Table:
    """``{language: {key: text or [plural forms]}}`` for every configured language."""
    table: Table = {}
    for language in languages:
        if language not in translations:
            continue
        translator = translations[language]
        texts: dict[str, str | list[str]] = {
            key: translator.gettext(msgid) for key, msgid in WIDGET_STRINGS.items()
        }
        for key, (singular, plural) in WIDGET_PLURALS.items():
            texts[key] = plural_forms(translator, singular, plural)
        table[language] = texts
    return table


def plural_rules(
    translations: Mapping[str, Translator], languages: Sequence[str]
) -> dict[str, str]:
    """``{language: "1011..."}``: the plural form of n = 0..199, one digit each."""
    return {
        language: "".join(
            str(plural_rule(translations[language])(n)) for n in range(PLURAL_SAMPLES)
        )
        for language in languages
        if language in translations
    }


def widget_settings(policy: Policy) -> dict[str, Any]:
    """``{"privacy": {language: url}}`` for the languages that have a privacy notice."""
    urls = {language: policy.privacy_url(language) for language in policy.languages}
    return {"privacy": {language: url for language, url in urls.items() if url}}


def inject(
    script: bytes,
    table: Table,
    plurals: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
) -> bytes:
    """The script with its string table (plural rules, settings) replaced; JSON is valid
    JavaScript."""
    script = _replace(script, b"strings", table)
    if plurals is not None:
        script = _replace(script, b"plurals", plurals)
    return script if settings is None else _replace(script, b"settings", settings)


def _replace(script: bytes, name: bytes, value: object) -> bytes:
    block = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    start, end = b"/*" + name + b":begin*/", b"/*" + name + b":end*/"
    replaced, count = _BLOCKS[name].subn(lambda _: start + block + end, script, 1)
    if count != 1:
        raise ValueError(f"widget.js has lost its {start.decode()} ... {end.decode()} markers")
    return replaced
