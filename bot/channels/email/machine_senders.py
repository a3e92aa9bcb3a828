"""Addresses that belong to machines: mailer daemons, no-reply senders, list and bounce roles.

The local part is compared with its separators taken out, so every spelling of a role
matches (``post_master``, ``Mailer-Daemon``, ``gmail-noreply``, ``do.not.reply``) without a
list of spellings. RFC 3834 §2 names ``owner-*``, ``*-request`` and ``MAILER-DAEMON``.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-_.+=]")
# Roles that may appear anywhere in the local part ("gmail-noreply", "mailer-daemon-2").
_DAEMON_ROLES = ("mailerdaemon", "maildaemon", "postmaster", "postmaestro")
_NO_REPLY_ROLES = ("noreply", "donotreply", "dontreply", "doreplynot", "nichtantworten")
# Roles a whole local part, or one part of it, plays for lists and bounce processors.
_LIST_ROLE = re.compile(
    r"^owner-|-(?:request|bounces?|owner|errors?|admin)$|^(?:bounces?|bounce-?handler|mailer)(?:[-+.=]|$)"
)


def sender_role(address: str) -> str | None:
    """``mailer_daemon``, ``no_reply_sender``, ``list_sender`` or None for a person's address."""
    local = address.rsplit("@", 1)[0].casefold().strip().strip('"')
    if not local:
        return None
    joined = _SEPARATORS.sub("", local)
    if any(role in joined for role in _DAEMON_ROLES):
        return "mailer_daemon"
    if any(role in joined for role in _NO_REPLY_ROLES):
        return "no_reply_sender"
    if _LIST_ROLE.search(local):
        return "list_sender"
    return None
