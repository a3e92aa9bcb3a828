"""Where each fact came from (issue 12, console #3): staff see "from message 3" or "from the
Site Health paste" next to every fact the bot collected, so they can check it."""

from __future__ import annotations

from dataclasses import replace

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import ConversationState, Slots
from tests.conftest import NOW

TRACE = (
    "PHP Fatal error:  Uncaught TypeError: count(): Argument #1 ($value) must be of type "
    "Countable|array, null given in "
    "/var/www/html/wp-content/plugins/appointpress/includes/class-reminders.php:212\n"
    "Stack trace:\n#0 /var/www/html/wp-includes/class-wp-hook.php(324): AP_Reminders->send()\n"
)
SITE_HEALTH = """### wp-core ###
version: 6.8
### wp-server ###
php_version: 8.2.28 64bit
### wp-plugins-active (2) ###
AppointPress: version: 3.3.0, author: New Media Entertainment (latest version: 3.4.2)
WP Rocket: version: 3.17, author: WP Media
"""


def test_each_slot_names_the_message_it_was_read_from(engine: Engine) -> None:
    state = engine.new_state("nl")
    numbers = iter([2, 4, 6])  # the transcript's numbering: bot messages come in between
    for text in ("de plugin werkt niet meer", "AppointPress 3.4.2", "WordPress 6.5 en PHP 8.1."):
        state = engine.handle(state, text, NOW, message_number=next(numbers)).state
    slots = state.slots
    assert (slots.product, slots.version, slots.php_version) == ("appointpress", "3.4.2", "8.1")
    assert slots.source("product") == "message:4"
    assert slots.source("version") == "message:4"
    assert slots.source("wp_version") == "message:6"
    assert slots.source("php_version") == "message:6"


def test_without_numbers_the_customers_messages_are_counted(engine: Engine) -> None:
    state = engine.new_state("en")
    for text in ("hello", "MailMagnet 2.0 sends nothing since yesterday"):
        state = engine.handle(state, text, NOW).state
    assert state.slots.source("product") == "message:2"


def test_a_site_health_paste_and_an_error_trace_are_named_as_such(engine: Engine) -> None:
    state = engine.new_state("en")
    text = f"Reminders are sent twice and this appears:\n{TRACE}\nMy site info:\n{SITE_HEALTH}"
    state = engine.handle(state, text, NOW, message_number=3).state
    slots = state.slots
    assert slots.wp_version == "6.8" and slots.php_version == "8.2.28"
    assert slots.source("wp_version") == "site_health:3"
    assert slots.source("php_version") == "site_health:3"
    assert slots.source("version") == "site_health:3"  # AppointPress 3.3.0, from the report
    assert slots.source("error_text") == "error:3"
    assert slots.source("product") == "message:3"


def test_what_the_conversation_began_with_is_named(engine: Engine) -> None:
    state = engine.new_state("nl", "email", email="jan@example.org", product="polder")
    assert state.slots.source("email") == "start"
    assert state.slots.source("product") == "page"
    assert engine.new_state("nl").slots.sources == ()


def test_a_slot_that_is_cleared_forgets_its_origin(engine: Engine) -> None:
    """Billing does not carry an earlier product (issue 10); its origin goes with it."""
    state = engine.new_state("nl")
    state = engine.handle(state, "Hoe koppel ik AppointPress aan Google Agenda?", NOW).state
    assert state.slots.product == "appointpress" and state.slots.source("product")
    state = engine.handle(state, "Ik wil een kopie van mijn factuur", NOW).state
    assert state.slots.product is None and state.slots.source("product") is None


def test_origins_survive_storage_and_old_states_still_load(engine: Engine) -> None:
    state = engine.handle(engine.new_state("nl"), "AppointPress 3.1 werkt niet", NOW).state
    stored = state.to_dict()
    assert stored["slots"]["sources"] == {"product": "message:1", "version": "message:1"}
    assert ConversationState.from_dict(stored) == state
    old = dict(stored, slots={k: v for k, v in stored["slots"].items() if k != "sources"})
    del old["time_zone"]
    assert ConversationState.from_dict(old).slots == replace(state.slots, sources=())


def test_hostile_stored_origins_are_dropped() -> None:
    data = {
        "slots": {
            "product": "polder",
            "sources": {"product": "message:1", "version": 7, "nope": "x", "email": "y" * 200},
        },
        "time_zone": ["Europe/Amsterdam"],
    }
    state = ConversationState.from_dict(data)
    assert state.slots.sources == (("product", "message:1"),)
    assert state.time_zone == ""
    assert ConversationState.from_dict({"slots": {"sources": ["product"]}}).slots == Slots()
