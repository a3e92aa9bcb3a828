"""The widget socket's JSON frames (SPEC "WebSocket"): reading what the client sends, building
what the server sends. Pure functions; the session decides what to do with them.

Client → server: ``auth`` (first), ``message``, ``typing``, ``ping``, ``end``.
Server → client: ``ready``, ``turn``, ``staff_message``, ``typing``, ``ticket_update``, ``sync``,
``pong``, ``ended``, ``error``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.channels.untrusted_input import UnreadableJson, read_json, text_problem

Frame = dict[str, Any]

CLIENT_TYPES = frozenset({"auth", "message", "typing", "ping", "end"})
MAX_ID_CHARS = 64  # conversation ids, tokens and client ids are far shorter
MAX_TOKEN_CHARS = 200


class FrameError(ValueError):
    """A frame the server cannot use; ``code`` is the stable error code sent back."""

    def __init__(self, code: str, message: str, *, client_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.client_id = client_id


def parse_frame(raw: str | bytes) -> Frame:
    """One received WebSocket message as a client frame with a known ``type``."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FrameError("invalid_json", "frames are UTF-8 JSON text") from exc
    try:
        data = read_json(raw)
    except UnreadableJson as exc:
        raise FrameError("invalid_json", "frames are JSON objects") from exc
    if not isinstance(data, dict):
        raise FrameError("invalid_frame", "a frame is a JSON object with a type")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise FrameError("invalid_frame", "a frame needs a string 'type'")
    if kind not in CLIENT_TYPES:
        raise FrameError("unknown_type", f"unknown frame type {kind[:40]!r}")
    return data


def text_field(frame: Frame, key: str, *, limit: int, required: bool = True) -> str | None:
    """A string field: present (when required), a string, within ``limit``, storable text.

    The codes match the HTTP API's: ``text_too_long`` and ``invalid_text`` for the message
    text, ``invalid_field`` for every other field.
    """
    value = frame.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise FrameError("invalid_field", f"'{key}' must be a string")
    if len(value) > limit:
        raise FrameError(
            "text_too_long" if key == "text" else "invalid_field",
            f"'{key}' is longer than {limit} characters",
        )
    if problem := text_problem(value):
        raise FrameError("invalid_text" if key == "text" else "invalid_field", f"'{key}' {problem}")
    return value


def error_frame(code: str, message: str, **extra: Any) -> Frame:
    frame: Frame = {"type": "error", "error": code, "message": message}
    frame.update({key: value for key, value in extra.items() if value is not None})
    return frame


def encode(frame: Frame) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
