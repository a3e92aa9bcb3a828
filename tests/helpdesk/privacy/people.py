"""Customers with data in every table that can hold theirs, made through the real code paths:
the widget (a ticket, a pasted licence key), the staff desk (a note, a reply by email), the mail
pipeline (a mail in, the bot's answer out), the shop import, a bounce.

``seed_person`` must leave at least one row in every table ``catalogue.customer_tables()`` names;
``test_export`` checks that, so a new table that can hold customer data needs a step here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.channels.email.bounced_addresses import mark_bounced
from bot.channels.email.service import email_channel
from bot.channels.runtime import Runtime
from bot.core.learning.misses import Miss
from bot.core.licence_keys import licence_key_hash
from bot.core.shop.records import SubscriptionRecord
from bot.helpdesk.learning.misses import record_miss
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.helpdesk.subscriptions import upsert_subscription
from bot.helpdesk.tickets import Actor
from bot.storage.models import Base, StaffUser

FAST = ScryptCost(2**10, 8, 1)
HELPDESK = "support@example.com"  # the shipped policy's helpdesk address


@dataclass(frozen=True)
class Person:
    tag: str
    address: str
    name: str
    phrase: str  # a unique phrase they wrote, in chat and in mail
    licence_key: str
    public_id: str
    token: str
    conversation_id: int
    ticket: str

    @property
    def needles(self) -> tuple[str, ...]:
        """What must not be found anywhere once this person is erased."""
        return (
            self.address,
            self.name,
            self.phrase,
            licence_key_hash(self.licence_key),
            self.licence_key,
        )


def staff_member(rt: Runtime) -> Actor:
    with rt.db.session() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == "sanne@nme.example"))
        found = user.first() or add_staff(
            session, "sanne@nme.example", "Sanne", "a long staff password", cost=FAST
        )
        return Actor(found.id, found.name, "192.0.2.10")


def customer_mail(person_address: str, name: str, phrase: str, tag: str) -> bytes:
    lines = [
        f"From: {name} <{person_address}>",
        f"To: {HELPDESK}",
        f"Subject: Vraag over {phrase}",
        f"Message-ID: <m-{tag}@klant.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    body = f"Hallo, hoe installeer ik AppointPress? Het gaat om {phrase}.\r\n\r\n{name}"
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def seed_person(rt: Runtime, tag: str, last4: str, *, now: datetime | None = None) -> Person:
    """``tag``: lower-case letters; ``last4``: 4 letters and digits, unique per person."""
    address, name, phrase = f"{tag}@klant.example", f"{tag.title()} Testpersoon", f"zebra{tag}fluit"
    key = f"AP7K-9QX2-LM8Z-{last4}"
    started = rt.conversations.start(channel="widget", language="nl", email=address, name=name)
    post = rt.conversations.post
    post(started.public_id, started.token, f"Hoe installeer ik de plugin? Het gaat om {phrase}")
    with rt.db.session() as session:
        miss = Miss(f"Werkt het ook op een Raspberry Pi, {phrase}?", "nl", "no_match")
        record_miss(session, started.conversation_id, miss, now or datetime.now(UTC))
        upsert_subscription(
            session,
            SubscriptionRecord(
                email=address, product="appointpress", status="active",
                expires_at=date(2027, 12, 31), source="csv", external_id=licence_key_hash(key),
                licence_hash=licence_key_hash(key), licence_last4=key[-4:],
            ),
        )  # fmt: skip
    post(started.public_id, started.token, f"Mijn licentiesleutel is {key}")
    turn = post(started.public_id, started.token, "ik wil een medewerker spreken")
    assert turn.ticket is not None and turn.ticket.number is not None
    number = turn.ticket.number
    actor, desk = staff_member(rt), rt.desk
    desk.add_note(number, actor, f"Belde over {phrase}; {name} is boos")
    desk.reply(number, actor, f"Dag {name}, dit lost {phrase} op.", seen_seq=10_000,
               seen_assignee=None)  # fmt: skip
    email_channel(rt).handle(customer_mail(address, name, phrase, tag), source="smtp")
    with rt.db.session() as session:
        mark_bounced(session, address, f"550 {address} unknown", now or datetime.now(UTC), None)
    return Person(
        tag, address, name, phrase, key, started.public_id, started.token,
        started.conversation_id, number,
    )  # fmt: skip


def every_value(rt: Runtime) -> Iterator[tuple[str, str, Any, str]]:
    """(table, column, primary key, value as lower-case text) of every cell of every table."""
    with rt.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            keys = [column.name for column in table.primary_key.columns]
            for row in connection.execute(table.select()).mappings():
                ident = tuple(row[k] for k in keys)
                for column, value in row.items():
                    if value is None:
                        continue
                    yield table.name, column, ident, as_text(value)


def as_text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1").casefold()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).casefold()
    return str(value).casefold()


def found(rt: Runtime, needles: tuple[str, ...]) -> list[str]:
    """Where any of ``needles`` is stored, as a whole word: "table.column" per hit. Whole words,
    because a short needle (a first name such as "Els") is also a substring of random text: a
    password hash's salt held "eLs" in one CI run in a few hundred."""
    wanted = re.compile("|".join(rf"(?<!\w){re.escape(n.casefold())}(?!\w)" for n in needles))
    return sorted(
        {f"{table}.{column}" for table, column, _id, text in every_value(rt) if wanted.search(text)}
    )
