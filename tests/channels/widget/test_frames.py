"""Reading client frames and building server frames."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.channels.widget.frames import FrameError, encode, error_frame, parse_frame, text_field


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "auth", "conversation_id": "a", "token": "b"}',
        '{"type": "message", "text": "hoi"}',
        b'{"type": "typing"}',
        '{"type": "ping", "extra": [1, 2]}',
        '{"type": "end"}',
    ],
)
def test_known_frame_types_are_read(raw: str | bytes) -> None:
    assert parse_frame(raw)["type"] in {"auth", "message", "typing", "ping", "end"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "invalid_json"),
        ("{", "invalid_json"),
        ("NaN-ish nonsense", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        ("[" * 50_000, "invalid_json"),
        ("[" * 5_000 + "]" * 5_000, "invalid_json"),
        ("null", "invalid_frame"),
        ("42", "invalid_frame"),
        ("[]", "invalid_frame"),
        ('{"type": null}', "invalid_frame"),
        ('{"type": {"nested": 1}}', "invalid_frame"),
        ('{"type": "turn"}', "unknown_type"),
        ('{"type": "AUTH"}', "unknown_type"),
        ('{"type": "' + "x" * 10_000 + '"}', "unknown_type"),
    ],
)
def test_unusable_frames_raise_a_stable_code(raw: str | bytes, code: str) -> None:
    with pytest.raises(FrameError) as caught:
        parse_frame(raw)
    assert caught.value.code == code
    assert len(caught.value.message) < 200  # an unknown type is not echoed back at length


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "invalid_field"),
        (5, "invalid_field"),
        (["a"], "invalid_field"),
        ("a\x00b", "invalid_text"),  # the HTTP API's code for the same text
        ("a\ud800b", "invalid_text"),  # a lone surrogate: JSON's "\ud800" escape
        ("\udfff", "invalid_text"),
    ],
)
def test_text_fields_must_be_clean_strings(value: Any, code: str) -> None:
    with pytest.raises(FrameError) as caught:
        text_field({"type": "message", "text": value}, "text", limit=10)
    assert caught.value.code == code


@pytest.mark.parametrize("key", ["client_id", "conversation_id", "token"])
@pytest.mark.parametrize("value", ["a\x00b", "c-\udc00"])
def test_other_fields_with_unstorable_text_are_invalid_fields(key: str, value: str) -> None:
    with pytest.raises(FrameError) as caught:
        text_field({key: value}, key, limit=64)
    assert caught.value.code == "invalid_field"


def test_too_long_text_has_its_own_code_and_other_fields_do_not() -> None:
    with pytest.raises(FrameError) as text_error:
        text_field({"text": "x" * 11}, "text", limit=10)
    with pytest.raises(FrameError) as id_error:
        text_field({"client_id": "x" * 11}, "client_id", limit=10)
    assert (text_error.value.code, id_error.value.code) == ("text_too_long", "invalid_field")


def test_an_optional_field_may_be_missing() -> None:
    assert text_field({}, "client_id", limit=10, required=False) is None


def test_error_frames_leave_out_empty_extras_and_encode_compactly() -> None:
    frame = error_frame("rate_limited", "slow down", client_id=None, retry_after=3)
    assert frame == {
        "type": "error",
        "error": "rate_limited",
        "message": "slow down",
        "retry_after": 3,
    }
    assert json.loads(encode({"type": "x", "text": "één"})) == {"type": "x", "text": "één"}
    assert " " not in encode({"a": 1, "b": 2})
