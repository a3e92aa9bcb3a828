"""A conversation's state as stored (JSON): written field by field, read back tolerantly."""

from __future__ import annotations

import json
from dataclasses import asdict

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.dialogue.state import STEPS, ConversationState, Slots

_TEXT = st.one_of(st.none(), st.text(max_size=20))


def reference(state: ConversationState) -> dict[str, object]:
    """What the state was stored as with ``dataclasses.asdict`` (the earlier way)."""
    data = asdict(state)
    data["slots"]["third_party"] = list(state.slots.third_party)
    data["slots"]["sources"] = dict(state.slots.sources)
    data["suggestions"] = list(state.suggestions)
    return data


@settings(max_examples=150, deadline=None)
@given(
    product=_TEXT,
    email=_TEXT,
    third_party=st.lists(st.text(max_size=10), max_size=3),
    suggestions=st.lists(st.text(max_size=10), max_size=3),
    step=st.sampled_from(STEPS),
    turns=st.integers(0, 50),
    site_health=st.booleans(),
)
def test_the_stored_form_is_the_same_json_and_reads_back(
    product: str | None,
    email: str | None,
    third_party: list[str],
    suggestions: list[str],
    step: str,
    turns: int,
    site_health: bool,
) -> None:
    slots = Slots(
        product=product, email=email, third_party=tuple(third_party), site_health=site_health
    ).noted("message:2", {"product": product, "email": email})
    state = ConversationState(
        step=step,  # type: ignore[arg-type]
        slots=slots,
        suggestions=tuple(suggestions),
        turns=turns,
        channel="email",
    )
    stored = state.to_dict()
    assert json.dumps(stored, sort_keys=True) == json.dumps(reference(state), sort_keys=True)
    assert ConversationState.from_dict(json.loads(json.dumps(stored))) == state
    stored["turns"], stored["slots"]["theme"] = "many", 5  # wrongly typed: the defaults
    back = ConversationState.from_dict(stored)
    assert back.turns == 0 and back.slots.theme is None and back.step == step
