"""Every rate-limit key, built in one place: ``<limit name>:<what is counted>``.

The limiters (``ratelimit.py``) keep one table per limit name, so a flood under one name never
evicts another's counts. The JSON API and the widget socket count a customer's messages under
the same two keys, so both doors share one budget per address and per conversation.
"""

from __future__ import annotations

# Conversation ids are 22 characters; a made-up longer one must not make a longer key.
_MAX_ID_CHARS = 40


def messages_from(ip: str) -> str:
    """Messages from one client address, over the API and the widget socket together."""
    return f"ip:{ip}"


def messages_in(conversation_id: str) -> str:
    """Messages in one conversation (its public id), over the API and the widget socket."""
    return f"conv:{conversation_id[:_MAX_ID_CHARS]}"


def new_conversations_from(ip: str) -> str:
    return f"ip-new:{ip}"


def socket_logins_from(ip: str) -> str:
    """Widget sockets authenticating from one address (a reconnect storm stays off the database)."""
    return f"ws-auth:{ip}"


def faq_searches_from(ip: str) -> str:
    return f"faq:{ip}"


def connector_chats_from(origin: str) -> str:
    """New conversations started by the WordPress connector on one site."""
    return f"site-new:{origin}"


def staff_logins_from(ip: str) -> str:
    return f"staff-login-ip:{ip}"


def staff_logins_to(email: str) -> str:
    return f"staff-login-account:{email}"


def staff_logins_on(device_nonce: str) -> str:
    """Failed logins from one known browser (its device cookie's nonce)."""
    return f"staff-login-device:{device_nonce}"
