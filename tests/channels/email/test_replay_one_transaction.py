"""`email replay` stores and answers a mail in one transaction: it decides what the usual three
transactions (store, claim, process) decide, mail for mail, and leaves the same rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.channels.email.replay import Replay, ReplayRecord, Skipped
from bot.core.dialogue.engine import Engine
from bot.mail.mail_files import MailFile, read_mail_files
from bot.storage.models import InboundEmail, Message, OutboundEmail
from tests.channels.email.conftest import HELPDESK, mail, settings
from tests.mail.realworld import require_email_dir

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
KEY = "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"


def inbox() -> list[MailFile]:
    """The shared real-world mail, then customers' questions: threads, a rate limit, a copy
    of a stored message (same bytes), two more messages under a used Message-ID, a licence key
    in subject and body, and a header block longer than the stored row's header scan (its
    summary reads only the first part)."""
    files = list(read_mail_files([require_email_dir()]))
    own = [
        mail(f"Vraag {n}: werkt de plugin met WooCommerce?", to=HELPDESK, message_id=f"<q{n}@k>")
        for n in range(5)
    ]
    own.append(mail("Andere tekst, zelfde Message-ID", to=HELPDESK, message_id="<q0@k>"))
    own.append(mail("Derde tekst, zelfde Message-ID", to=HELPDESK, message_id="<q0@k>"))
    own.append(  # a licence key: the stored raw message and subject are masked
        mail(f"Mijn sleutel {KEY} werkt niet.", subject=f"Sleutel {KEY}", message_id="<k@k>")
    )
    files += [MailFile(f"own-{n}.eml", raw) for n, raw in enumerate(own)]
    long_head = b"X-Padding: " + b"x" * 300_000 + b"\r\n" + mail("Lange kop", message_id="<l@k>")
    return [*files, files[0], files[-3], MailFile("long-head.eml", long_head)]


def replayed(engine: Engine, *, one_transaction: bool) -> tuple[list[object], list[object]]:
    replay = Replay(engine, settings(), start=START)
    replay.channel.sole_processor = one_transaction
    try:
        results = [_comparable(r) for r in replay.run(inbox())]
        with replay.db.session() as session:
            # Every column but the wall clock's time of arrival, which is there in both.
            columns = [c for c in InboundEmail.__table__.columns if c.key != "received_at"]
            inbound = session.execute(select(*columns).order_by(InboundEmail.id)).all()
            assert (
                session.scalar(select(InboundEmail.id).where(InboundEmail.received_at.is_(None)))
                is None
            )
            outbound = session.execute(
                select(
                    OutboundEmail.inbound_email_id, OutboundEmail.recipient,
                    OutboundEmail.subject, OutboundEmail.status,
                ).order_by(OutboundEmail.id)
            ).all()  # fmt: skip
            messages = session.execute(
                select(Message.conversation_id, Message.seq, Message.role, Message.text)
            ).all()
        return results, [*inbound, *outbound, *sorted(messages)]
    finally:
        replay.close()


def _comparable(result: ReplayRecord | Skipped) -> object:
    return result.as_json() if isinstance(result, ReplayRecord) else result


def test_one_transaction_decides_and_stores_what_three_transactions_do(engine: Engine) -> None:
    results, rows = replayed(engine, one_transaction=True)
    usual_results, usual_rows = replayed(engine, one_transaction=False)
    assert results == usual_results
    assert rows == usual_rows
    replies = [r for r in results if isinstance(r, dict) and r["reply"]]
    assert len(replies) >= 3, "the customers' questions are answered"
    reasons = {r["reason"] for r in results if isinstance(r, dict)}
    assert {"duplicate", "rate_limited"} <= reasons
    # Both later messages under <q0@k> name the first one stored, which was answered.
    copies = [r for r in results if isinstance(r, dict) and "q0@k" in (r["message_id"] or "")]
    assert [r["reason"] for r in copies[:3]] == [None, "duplicate", "duplicate"]
    assert copies[1]["detail"] == copies[2]["detail"]
    assert not [row for row in rows if KEY in repr(row)], "the key is masked in every row"
    assert [row for row in rows if "Sleutel" in repr(row)], "the mail with the key is stored"
