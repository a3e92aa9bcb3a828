"""Addresses that belong to machines: mailer daemons, no-reply senders, list and bounce roles.

Roles are matched as tokens of the local part, so every spelling matches (``post_master``,
``Mailer-Daemon``, ``gmail-noreply``, ``do.not.reply``) without a list of spellings.
RFC 3834 §2 names ``owner-*``, ``*-request`` and ``MAILER-DAEMON``.
"""

from __future__ import annotations

import re

_TOKEN_SEPARATORS = re.compile(r"[-_+=]")
_DAEMON_ROLES = frozenset({"mailerdaemon", "maildaemon", "postmaster"})
_NO_REPLY_ROLES = frozenset({"noreply", "donotreply", "dontreply", "nichtantworten"})
# Roles a whole local part, or one end of it, plays for lists and bounce processors.
_LIST_ROLE = re.compile(
    r"^owner-|-(?:request|bounces?|owner|errors?|admin)$|^(?:bounces?|bounce-?handler)(?:[-+.=]|$)"
)


def sender_role(address: str) -> str | None:
    """``mailer_daemon``, ``no_reply_sender``, ``list_sender`` or None for a person's address.

    A role counts as a whole token between ``-``, ``_``, ``+`` or ``=`` (``gmail-noreply``,
    ``post_master``, ``mailer-daemon-2``), spelled with dots (``do.not.reply``), or as the
    first dotted part of a no-reply address (``noreply.billing``). A dot alone separates a
    person's names, so ``anna.noreply`` and ``postmaster.jan`` stay people.
    """
    local = address.rsplit("@", 1)[0].casefold().strip().strip('"')
    if not local:
        return None
    tokens = [t for t in _TOKEN_SEPARATORS.split(local) if t]
    candidates = {*tokens, *(a + b for a, b in zip(tokens, tokens[1:], strict=False))}
    candidates.add(re.sub(r"[-_+=.]", "", local))  # "do-not-reply", "do.not.reply"
    if candidates & _DAEMON_ROLES:
        return "mailer_daemon"
    if candidates & _NO_REPLY_ROLES or local.split(".", 1)[0] in _NO_REPLY_ROLES:
        return "no_reply_sender"
    if _LIST_ROLE.search(local):
        return "list_sender"
    return None
