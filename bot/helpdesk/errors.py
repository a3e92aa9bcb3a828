"""Errors the use cases raise, each with a stable code and the HTTP status a channel should use.

HelpdeskError
├── NotFound            unknown conversation, or a token that does not match (same answer)
├── Unauthorized        no credentials at all
├── InvalidInput        a field is missing, of the wrong type, or too long
├── ConversationFull    the conversation reached its message limit
└── RateLimited         too many messages; ``retry_after`` seconds
"""

from __future__ import annotations


class HelpdeskError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(HelpdeskError):
    code = "not_found"
    status = 404


class Unauthorized(HelpdeskError):
    code = "unauthorized"
    status = 401


class InvalidInput(HelpdeskError):
    code = "invalid_input"
    status = 400


class ConversationFull(HelpdeskError):
    code = "conversation_full"
    status = 409


class RateLimited(HelpdeskError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)
