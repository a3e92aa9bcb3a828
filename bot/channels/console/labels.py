"""What the console calls things, in the staff member's language (translated per request)."""

from __future__ import annotations

from bot.channels.console.language import _


def roles() -> dict[str, str]:
    return {"customer": _("Customer"), "bot": _("Bot"), "staff": _("Staff"), "system": _("System")}


def statuses() -> dict[str, str]:
    return {"open": _("Open"), "waiting": _("Waiting for customer"), "resolved": _("Resolved")}


def status_filters() -> dict[str, str]:
    return {
        **statuses(),
        "active": _("Open or waiting"),
        "any": _("Any status"),
    }


def views() -> dict[str, str]:
    return {"all": _("All open"), "mine": _("Mine"), "unassigned": _("Unassigned")}


def channels() -> dict[str, str]:
    return {"widget": _("Chat"), "email": _("Email"), "api": _("API")}


def ladder_buckets() -> dict[str, str]:
    """The resolution ladder's buckets, best first (definitions in docs/console.md)."""
    return {
        "confirmed": _("confirmed"),
        "assumed": _("assumed"),
        "handed_off": _("handed off"),
        "abandoned": _("abandoned"),
        "pending": _("pending"),
        "not_recorded": _("not recorded"),
    }


def handoff_reasons() -> dict[str, str]:
    return {
        "person": _("asked for a person"),
        "no_answer": _("no FAQ answer"),
        "not_helped": _("the answer did not help"),
        "bug": _("a bug on the latest version"),
        "expired_subscription": _("an expired subscription"),
        "conflict_test_failed": _("the conflict test failed"),
        "not_understood": _("the bot could not understand"),
    }


def languages() -> dict[str, str]:
    return {"nl": _("Dutch"), "en": _("English")}


def facts() -> dict[str, str]:
    return {
        "product": _("Product"),
        "version": _("Version"),
        "wp_version": _("WordPress"),
        "php_version": _("PHP"),
        "third_party": _("Third-party plugins"),
        "theme": _("Theme"),
        "site_health": _("Site Health info"),
        "email": _("Email"),
        "name": _("Name"),
        "error_text": _("Error"),
        "details": _("Details"),
    }


def flag(kind: str, wanted: str) -> str:
    if kind == "outdated":
        return _("outdated: the latest is %(version)s", version=wanted)
    if kind == "mentioned":
        return _("an error was mentioned, but its text was not given")
    return _("below the required %(version)s", version=wanted)


def origin(kind: str, message: int | None) -> str:
    """Where a fact came from, for the facts panel: "from message 3", "from the Site Health
    paste (message 3)"; empty when unknown (tickets from before this was recorded)."""
    if message is not None:
        texts = {
            "site_health": _("from the Site Health paste (message %(number)s)", number=message),
            "error": _("from the pasted error (message %(number)s)", number=message),
        }
        return texts.get(kind, _("from message %(number)s", number=message))
    return {
        "page": _("from the page the chat was opened on"),
        "start": _("given when the conversation began"),
    }.get(kind, "")


def notice(key: str) -> str:
    """The message shown after an action redirected back to the ticket."""
    known = {
        "claimed": _("You claimed this ticket. The bot stays quiet in this conversation."),
        "assigned": _("The assignment is saved."),
        "status": _("The status is saved."),
        "note": _("The note is added."),
        "handed_back": _("Handed back to the bot. The ticket is resolved."),
        "sent_live_ok": _("Sent. The customer has the chat open and sees it now."),
        "sent_email_ok": _("Sent by email."),
        "sent_email_bounced": _("Stored, but not mailed: this address bounced earlier."),
        "sent_email_not_configured": _(
            "Stored, but not mailed yet: outgoing mail is not set up, so the mail waits in the "
            "outbox. The customer sees the reply when they open the chat again."
        ),
        "sent_stored_no_email": _(
            "Stored. The customer is not in the chat and left no email address: "
            "they see the reply when they open the chat again."
        ),
        "sent_stored_no_mailer": _("Stored; the customer sees it in the chat."),
    }
    return known.get(key, "")


def audit_actions() -> dict[str, str]:
    return {
        "login": _("logged in"),
        "login_failed": _("failed login"),
        "login_locked": _("login refused (locked)"),
        "logout": _("logged out"),
        "logout_everywhere": _("logged out everywhere"),
        "viewed_ticket": _("viewed"),
        "claimed": _("claimed"),
        "assigned": _("assigned"),
        "replied": _("replied"),
        "note": _("added a note"),
        "status": _("changed the status"),
        "handed_back": _("handed back to the bot"),
        "account_disabled": _("disabled an account"),
        "account_enabled": _("enabled an account"),
        "sessions_ended": _("ended an account's sessions"),
        "saved_reply_added": _("added a saved reply"),
        "saved_reply_deleted": _("deleted a saved reply"),
        "customer_exported": _("exported a customer's data"),
        "customer_erased": _("erased a customer's data"),
        "retention_purge": _("retention purge"),
        "miss_taught": _("taught a missed question to an FAQ entry"),
        "miss_proposed": _("proposed a new FAQ entry"),
        "miss_ignored": _("ignored missed questions"),
        "phrasing_learned": _("taught a phrasing to an FAQ entry"),
        "phrasing_removed": _("removed a taught phrasing from an FAQ entry"),
    }
