"""The engine's decisions on real WordPress pastes: error traces and Site Health reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.events import RequirementsWarning
from bot.core.knowledge.error_trace import analyse_error
from bot.core.knowledge.site_health import parse_site_health
from tests.conftest import shared_path

ERROR_ROUTES = {  # file -> route of the first turn (the culprit per file is tested by the parser)
    **{f"{n:02d}.txt": "third_party" for n in range(1, 16)},
    "16.txt": "wordpress_general",  # memory exhausted in core files only
    "17.txt": "third_party",
    "18.txt": "ask_product",  # a JS error naming only a file: whose?
    "19.txt": "third_party",
    "20.txt": "third_party",
}


def errors_dir() -> Path:
    return shared_path("realworld", "wp", "errors")


def site_health_dir() -> Path:
    return shared_path("realworld", "wp", "site-health")


@pytest.mark.parametrize("name", sorted(ERROR_ROUTES))
def test_a_real_error_paste_gets_the_policy_route(dialogue, name: str) -> None:
    text = (errors_dir() / name).read_text(errors="replace")
    chat = dialogue("en")
    turn = chat.say(text)
    assert turn.route == ERROR_ROUTES[name], chat.text
    if turn.route == "third_party":
        assert turn.state.slots.third_party, "the third-party components are kept for staff"
        assert turn.state.step == "awaiting_conflict_test"


@pytest.mark.parametrize("name", [n for n in sorted(ERROR_ROUTES) if n not in ("16.txt", "18.txt")])
def test_the_same_error_in_our_plugin_goes_to_the_version_check(dialogue, name: str) -> None:
    """Real error shapes, with the culprit's folder renamed to our product's slug."""
    text = (errors_dir() / name).read_text(errors="replace")
    analysis = analyse_error(text)
    assert analysis is not None and analysis.culprit is not None
    ours = re.sub(rf"(?<=/){re.escape(analysis.culprit.folder)}(?=[/\\])", "appointpress", text)
    ours = ours.replace("\\" + analysis.culprit.folder + "\\", "\\appointpress\\")
    chat = dialogue("en")
    turn = chat.say(ours)
    assert turn.state.slots.product == "appointpress", chat.text
    assert turn.route in {"ask_version", "update_required", "ask_details", "third_party"}
    if turn.route == "third_party":  # a conflict with another plugin stays a conflict
        assert analysis.conflict


@pytest.mark.parametrize("number", range(1, 12))
def test_a_real_site_health_paste_fills_the_slots(dialogue, number: int) -> None:
    text = (site_health_dir() / f"{number:02d}.txt").read_text(errors="replace")
    report = parse_site_health(text)
    assert report is not None
    chat = dialogue("en")
    turn = chat.say(text)
    slots = turn.state.slots
    assert slots.site_health
    assert (slots.wp_version, slots.php_version) == (report.wp_version, report.php_version)
    assert turn.route == "ask_product"  # none of these sites runs our products
    assert "Site Health" in turn.messages[0].text


def our_plugin_in(report_text: str, version: str) -> str:
    """A real paste with AppointPress added to its active plugins, as WordPress writes the line."""
    line = (
        f"AppointPress: version: {version}, author: New Media Entertainment (latest version: 3.4.2)"
    )
    return re.sub(
        r"(### wp-plugins-active \(\d+\) ###\s*\n)", rf"\1\n{line}\n", report_text, count=1
    )


def test_site_health_and_an_error_trace_lead_to_the_update_in_one_turn(dialogue) -> None:
    paste = our_plugin_in((site_health_dir() / "01.txt").read_text(), "3.3.0")
    error = (
        "PHP Fatal error:  Uncaught TypeError: count(): Argument #1 ($value) must be of type "
        "Countable|array, null given in /var/www/html/wp-content/plugins/appointpress/includes/"
        "class-reminders.php:212\nStack trace:\n"
        "#0 /var/www/html/wp-includes/class-wp-hook.php(324): "
        "AppointPress\\Reminders->send()\n#1 {main}\n  thrown in /var/www/html/wp-content/plugins/"
        "appointpress/includes/class-reminders.php on line 212"
    )
    intro = "Hi, reminder emails are sent twice and now this error appears:"
    message = f"{intro}\n\n{error}\n\nMy site info:\n{paste}"
    chat = dialogue("en")
    turn = chat.say(message)
    assert turn.route == "update_required", chat.text
    slots = turn.state.slots
    assert (slots.product, slots.version, slots.wp_version, slots.php_version) == (
        "appointpress",
        "3.3.0",
        "6.8",
        "8.2.28",
    )
    assert "3.4.2" in chat.text and "sent twice" in chat.text  # the matching changelog fix
    assert len(slots.third_party) >= 20  # the other active plugins, for staff


def test_site_health_with_our_latest_version_still_tries_the_faq_first(dialogue) -> None:
    paste = our_plugin_in((site_health_dir() / "01.txt").read_text(), "3.4.2")
    chat = dialogue("nl", email="jan@example.org")
    turn = chat.say("Het boekingsformulier blijft leeg sinds vanochtend\n" + paste)
    assert turn.state.language == "nl"  # the paste is English; the customer is not
    assert turn.route == "faq" and turn.faq is not None
    assert turn.faq.id == "appointpress-no-available-slots"
    assert turn.messages[0].text.startswith("Bedankt, ik heb uw Site Health-informatie gelezen.")
    assert "AppointPress 3.4.2" in turn.messages[0].text
    assert chat.say("nee, dat hielp niet").route == "ask_details"  # WP/PHP known: only details


def test_a_site_below_the_products_requirements_is_warned(dialogue) -> None:
    paste = our_plugin_in((site_health_dir() / "01.txt").read_text(), "3.4.2")
    old_php = paste.replace("version: 8.2.28", "version: 7.2.34")
    chat = dialogue("en", email="jan@example.org")
    turn = chat.say("AppointPress shows a blank booking form\n" + old_php)
    warnings = [e for e in turn.events if isinstance(e, RequirementsWarning)]
    assert warnings and warnings[0].component == "php" and warnings[0].need == "7.4"
    assert "7.4" in chat.text
