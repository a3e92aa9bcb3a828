"""Every rate-limit key, built in one place: ``<limit name>:<what is counted>``.

The limiters (``ratelimit.py``) keep one table per limit name, so a flood under one name never
evicts another's counts. The JSON API and the widget socket count a customer's messages under
the same two keys, so both doors share one budget per address and per conversation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateKey:
    """One limit name; called with what is counted, it gives the key."""

    name: str
    max_chars: int | None = None  # cut what is counted (a made-up long id), or not

    def __call__(self, counted: str) -> str:
        return f"{self.name}:{counted[: self.max_chars]}"


# messages from one client address, over the API and the widget socket together
messages_from = RateKey("ip")
# messages in one conversation (its public id, 22 characters), over both doors
messages_in = RateKey("conv", max_chars=40)
new_conversations_from = RateKey("ip-new")
# widget sockets authenticating from one address: a reconnect storm stays off the database
socket_logins_from = RateKey("ws-auth")
faq_searches_from = RateKey("faq")
# new conversations that the WordPress connector starts on one site (its origin)
connector_chats_from = RateKey("site-new")
staff_logins_from = RateKey("staff-login-ip")
staff_logins_to = RateKey("staff-login-account")
# failed logins from one known browser (its device cookie's nonce)
staff_logins_on = RateKey("staff-login-device")
