"""The SPEC's turn object: the JSON API's answer to a message and the widget's ``turn`` frame."""

from __future__ import annotations

from typing import Any

from bot.helpdesk.posted_turn import PostedTurn


def turn_json(posted: PostedTurn) -> dict[str, Any]:
    faq = posted.faq
    ticket = posted.ticket
    body: dict[str, Any] = {
        "conversation_id": posted.public_id,
        "route": posted.route,
        "faq": {"id": faq.id, "question": faq.question, "score": round(min(faq.score, 1.0), 3)}
        if faq
        else None,
        "suggestions": [{"id": s.id, "question": s.question} for s in posted.suggestions],
        "ticket": {"number": ticket.number, "status": ticket.status} if ticket else None,
        "state": posted.state.public(),
        "messages": list(posted.messages),
    }
    if posted.replayed:
        body["replayed"] = True
    return body
