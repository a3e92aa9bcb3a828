"""Texts that crashed the engine, and a sample of real ones, as the body of a customer's mail.

Through ``EmailChannel.handle`` (what ``supportbot email process`` and the SMTP receiver run)
on SQLite and PostgreSQL: each mail is stored, processed once and answered; none fails (before
the fix of issue 10 a crash text failed five times and was left unanswered).
"""

from __future__ import annotations

from bot.channels.email.pipeline import EmailChannel
from bot.mail.mail_outcome import REPLIED
from tests.channels.email.conftest import inbound_rows, mail, outbox
from tests.hostile_texts import CRASHERS, letters_that_fold_to_nothing
from tests.realworld_texts import real_sample

NAME_ACROSS_THE_CUT = ("Our reminders stopped. " * 90)[: 2000 - 13] + " Smart Slider 3 is on"
BODIES = [
    *CRASHERS,
    NAME_ACROSS_THE_CUT,
    " ".join(f"{letter} Optimizer" for letter in letters_that_fold_to_nothing()),
    *(real.text for real in real_sample() if real.kind != "email"),  # bodies of their own
]


def test_every_hostile_body_is_processed_once_and_answered(channel: EmailChannel) -> None:
    outcomes = []
    for number, body in enumerate(BODIES):
        raw = mail(
            body,
            sender=f"Klant {number} <klant{number}@example.net>",
            subject="Question about the plugin",
            message_id=f"<hostile-{number}@example.net>",
        )
        outcomes.append(channel.handle(raw, source="smtp"))
    failed = [(body[:60], o.describe()) for body, o in zip(BODIES, outcomes, strict=True)
              if o.outcome != REPLIED]  # fmt: skip
    assert not failed
    rows = inbound_rows(channel.db)
    assert [row.status for row in rows] == ["processed"] * len(BODIES)
    assert all(row.attempts <= 1 for row in rows)
    assert len(outbox(channel.db)) == len(BODIES)
