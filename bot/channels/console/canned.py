"""Canned replies for a ticket: the team's saved replies and every FAQ answer, in the ticket's
language, found by words in their title or text (every word must occur, accents ignored)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.knowledge.models import KnowledgeBase
from bot.core.text import fold
from bot.storage.models import SavedReply

MAX_RESULTS = 30


@dataclass(frozen=True)
class Canned:
    kind: str  # saved | faq
    key: str
    title: str
    body: str
    product: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "body": self.body,
            "product": self.product,
        }


def search_canned(
    session: Session,
    kb: KnowledgeBase,
    language: str,
    query: str,
    *,
    product: str | None = None,
    limit: int = MAX_RESULTS,
) -> list[Canned]:
    """Saved replies first, then FAQ answers (the ticket's product first)."""
    saved = session.scalars(
        select(SavedReply).where(SavedReply.language == language).order_by(SavedReply.title)
    )
    candidates = [Canned("saved", f"saved-{r.id}", r.title, r.body) for r in saved]
    found = _containing(candidates, query) + search_faq(kb, language, query, product=product)
    return found[:limit]


def search_faq(
    kb: KnowledgeBase,
    language: str,
    query: str,
    *,
    product: str | None = None,
    limit: int = MAX_RESULTS,
) -> list[Canned]:
    """FAQ answers with every word of ``query`` (the product's first); the key is ``faq-<id>``."""
    faq = [
        Canned("faq", f"faq-{e.id}", e.question, e.answer, e.product)
        for e in kb.faq
        if e.language == language
    ]
    faq.sort(key=lambda c: (c.product != product if product else False, c.title))
    return _containing(faq, query)[:limit]


def _containing(candidates: list[Canned], query: str) -> list[Canned]:
    wanted = fold(query).split()
    return [c for c in candidates if all(w in fold(f"{c.title} {c.body}") for w in wanted)]
