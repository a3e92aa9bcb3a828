"""Every table, and what its columns can hold: the map export, erasure and the tests agree on.

Each column is either ``personal`` (it can hold a customer's personal data: text they wrote,
their address, a credential) or ``kept`` (ids, times, counters, our own values). A table's
``holds`` says whose data it is: the customer's (exported and erased), the staff's own, or the
system's. A table or column that is missing here fails ``tests/helpdesk/privacy``: whoever adds
one must decide what happens to it on export, erasure and retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Holds = Literal["customer", "staff", "system"]
Erase = Literal["delete", "scrub", "keep"]


@dataclass(frozen=True)
class TableRule:
    holds: Holds
    erase: Erase  # what erasure and retention do to the customer's rows
    personal: frozenset[str]
    kept: frozenset[str]
    why: str


def _rule(holds: Holds, erase: Erase, personal: str, kept: str, why: str) -> TableRule:
    return TableRule(holds, erase, frozenset(personal.split()), frozenset(kept.split()), why)


CATALOGUE: dict[str, TableRule] = {
    "customers": _rule(
        "customer",
        "delete",
        "email name language email_bounced_at bounce_reason",
        "id created_at",
        "who the customer is; the row goes, conversations keep no link to it",
    ),
    "conversations": _rule(
        "customer",
        "scrub",
        "token_hash customer_id state subject",
        "id public_id channel language status product message_count created_at updated_at "
        "anonymised_at outcome outcome_at handoff_reason reopened_at followed_up_at",
        "the token is replaced (the old one opens nothing), what the bot collected is cleared; "
        "that a conversation happened, when, on which channel and about which product stays, "
        "and how it ended (the resolution ladder)",
    ),
    "faq_answers": _rule(
        "system",
        "keep",
        "",
        "id conversation_id faq_id language answered_at helpful ticket_after",
        "which FAQ entry answered when, whether it helped and whether a ticket followed: no "
        "text and no person (the per-entry figures)",
    ),
    "messages": _rule(
        "customer",
        "scrub",
        "text html payload channel_ref",
        "id conversation_id seq role route staff_id created_at",
        "every text is emptied; who wrote when and the route the bot took stay (dashboard)",
    ),
    "tickets": _rule(
        "customer",
        "scrub",
        "summary details",
        "id number conversation_id status reason product channel language assignee_id "
        "opened_at due_at first_response_at resolved_at updated_at",
        "the summary and collected details go; ticket timings stay (first response figures)",
    ),
    "events": _rule(
        "customer",
        "scrub",
        "data",
        "id conversation_id kind created_at",
        "only anonymous keys of the data stay (FAQ id, score, route reasons); see anonymise.py",
    ),
    "missed_questions": _rule(
        "customer",
        "delete",
        "text similarity_key",
        "id group_id conversation_id reason entry_ref created_at",
        "a question the bot missed, for the staff's review queue; its group stays while staff "
        "decided on it (their own text), and goes when it has no questions left otherwise",
    ),
    "missed_groups": _rule(
        "system",
        "keep",
        "",
        "id language product status size no_match declined not_helped not_understood seed_id "
        "first_seen last_seen entry_ref text decided_by decided_at",
        "missed questions alike, counted; the text is the phrasing or draft staff chose",
    ),
    "ladder_days": _rule(
        "system",
        "keep",
        "",
        "id zone day starts_at ends_at summed_at",
        "which days' resolution-ladder summary is current: dates only",
    ),
    "ladder_entry_summaries": _rule(
        "system",
        "keep",
        "",
        "id day_id faq_id language product answered helped not_helped tickets_after",
        "FAQ answers counted per day, entry, language and product: no conversation and no person",
    ),
    "ladder_summaries": _rule(
        "system",
        "keep",
        "",
        "id day_id product language channel conversations not_recorded confirmed assumed "
        "abandoned durable reason_person reason_no_answer reason_not_helped reason_bug "
        "reason_conflict_test_failed reason_expired_subscription reason_not_understood",
        "conversations counted per day, product, language, channel and ladder figure: no "
        "conversation and no person",
    ),
    "learned_phrasings": _rule(
        "staff",
        "keep",
        "",
        "id entry_ref text staff_id created_at removed_at removed_by",
        "phrasings staff taught FAQ entries: knowledge-base content they chose and wrote",
    ),
    "ticket_notes": _rule(
        "customer",
        "delete",
        "text",
        "id ticket_id staff_id created_at",
        "staff notes about the customer; exported only on request (they may name third parties)",
    ),
    "subscriptions": _rule(
        "customer",
        "delete",
        "email license_hash license_last4 external_id expires_at status shop_modified_at",
        "id product source created_at updated_at",
        "the customer's licences as the shop reported them",
    ),
    "conversation_subscriptions": _rule(
        "customer",
        "delete",
        "subscription_id",
        "conversation_id created_at",
        "a licence key the customer pasted, linked to its subscription",
    ),
    "inbound_emails": _rule(
        "customer",
        "delete",
        "envelope_sender envelope_recipients raw content_hash message_id from_addr subject "
        "detail error",
        "id received_at source size status attempts lease_until processed_at conversation_id "
        "outcome reason",
        "mail the customer sent, raw; its decoded text is in messages",
    ),
    "outbound_emails": _rule(
        "customer",
        "delete",
        "recipient subject raw last_error",
        "id created_at conversation_id inbound_email_id kind envelope_from message_id status "
        "attempts next_attempt_at lease_owner lease_until sent_at",
        "mail we sent the customer (or still would: the outbox), raw",
    ),
    "mailbox_cursors": _rule(
        "system",
        "keep",
        "",
        "id mailbox uidvalidity last_uid updated_at",
        "how far IMAP polling read; no customer data",
    ),
    "staff_users": _rule(
        "staff",
        "keep",
        "",
        "id email name role password_hash active session_generation language created_at "
        "last_login_at",
        "staff accounts: the staff's own data, kept while the account exists",
    ),
    "staff_sessions": _rule(
        "staff",
        "keep",
        "",
        "id token_hash staff_id generation csrf_token created_at last_seen_at expires_at ip "
        "user_agent",
        "staff logins",
    ),
    "staff_audit": _rule(
        "system",
        "keep",
        "",
        "id staff_id action ticket_id customer_id detail ip created_at",
        "who saw and did what; it refers to customers by id only and outlives an erasure, "
        "which is itself recorded here",
    ),
    "saved_replies": _rule(
        "staff",
        "keep",
        "",
        "id language title body created_by created_at",
        "canned answers the team wrote",
    ),
}


def customer_tables() -> list[str]:
    return [name for name, rule in CATALOGUE.items() if rule.holds == "customer"]
