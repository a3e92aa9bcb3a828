"""Turn bot messages and staff text into reply mail: disclosure, body, links, our headers."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from bot.mail.compose import ThreadContext, compose_reply, text_to_html
from bot.mail.html_text import html_to_text
from bot.mail.mail_texts import MailTexts
from bot.mail.message_ids import conversation_ref, sign_message_id
from bot.mail.settings import EmailSettings

BOT_KIND = "bot"
STAFF_KIND = "staff"


def bot_reply(
    settings: EmailSettings,
    texts: MailTexts,
    thread: ThreadContext,
    messages: Sequence[Mapping[str, Any]],
    *,
    conversation_id: int,
    ticket_tag: str | None,
    language: str,
    now: datetime,
    privacy_url: str = "",
) -> EmailMessage:
    """One mail with every bot message of a turn, marked as automatic (RFC 3834).

    ``privacy_url`` (the first reply in a conversation) adds a line linking the privacy notice.
    """
    plain, rich = _bodies(texts, messages)
    if privacy_url:
        notice = texts.privacy_notice(privacy_url)
        plain, rich = f"{plain}\n\n{notice}", f"{rich}\n{text_to_html(notice)}"
    return compose_reply(
        thread,
        sender=settings.helpdesk_address,
        sender_name=texts.bot_sender_name(),
        text=plain,
        html_body=rich,
        message_id=_message_id(BOT_KIND, conversation_id, settings),
        automated=True,
        ticket_tag=ticket_tag,
        loop_header_value=settings.loop_value,
        date=now,
        language=language,
        reply_marker=texts.reply_marker(),
    )


def _bodies(texts: MailTexts, messages: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """Plain text and HTML: disclosure, each message (its buttons as a list), links, a hint."""
    disclosure, hint = texts.disclosure(), texts.continue_hint()
    plain = [disclosure]
    rich = [f"<p><em>{html.escape(disclosure)}</em></p>"]
    for message in messages:
        body_html = str(message.get("html") or "") or text_to_html(str(message.get("text", "")))
        options = [str(q) for q in message.get("quick_replies") or () if str(q).strip()]
        if options:  # buttons in the widget; in a mail, the answers one can write back
            body_html += "<ul>" + "".join(f"<li>{html.escape(o)}</li>" for o in options) + "</ul>"
        plain.append(html_to_text(body_html))
        rich.append(body_html)
    links = _links(messages)
    if links:
        plain.append(texts.links_heading() + "\n" + "\n".join(f"- {t}: {u}" for t, u in links))
        items = "".join(
            f'<li><a href="{html.escape(u)}">{html.escape(t)}</a></li>' for t, u in links
        )
        rich.append(f"<p>{html.escape(texts.links_heading())}</p><ul>{items}</ul>")
    plain.append(hint)
    rich.append(f"<p>{html.escape(hint)}</p>")
    return "\n\n".join(p for p in plain if p.strip()), "\n".join(rich)


def staff_reply(
    settings: EmailSettings,
    texts: MailTexts,
    thread: ThreadContext,
    text: str,
    *,
    staff_name: str,
    conversation_id: int,
    ticket_tag: str | None,
    language: str,
    now: datetime,
) -> EmailMessage:
    """Personal mail from a colleague: same threading, no Auto-Submitted (RFC 3834 §3.3)."""
    body = f"{text.strip()}\n\n{texts.staff_signature(staff_name)}"
    return compose_reply(
        thread,
        sender=settings.helpdesk_address,
        sender_name=texts.staff_sender_name(staff_name),
        text=body,
        message_id=_message_id(STAFF_KIND, conversation_id, settings),
        automated=False,
        ticket_tag=ticket_tag,
        loop_header_value=settings.loop_value,
        date=now,
        language=language,
        reply_marker=texts.reply_marker(),
    )


def _links(messages: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for message in messages:
        for link in message.get("links") or ():
            url = str(link.get("url", ""))
            if url.startswith(("https://", "http://")) and url not in found:
                found[url] = str(link.get("title") or url)
    return [(title, url) for url, title in found.items()]


def _message_id(kind: str, conversation_id: int, settings: EmailSettings) -> str:
    return sign_message_id(
        kind, conversation_ref(conversation_id), secret=settings.secret, domain=settings.domain
    )
