"""Settings from the environment: typed, defaulted, and loud about bad values."""

from __future__ import annotations

from dataclasses import fields

import pytest

from bot.config import SETTINGS, Config, ConfigError


def test_defaults_need_no_environment() -> None:
    config = Config.from_env({})
    assert config.max_message_chars == 20000 and config.timezone == "Europe/Amsterdam"
    assert config.sqlalchemy_url.startswith("sqlite:///")


def test_every_setting_sets_a_config_field_which_holds_its_one_default() -> None:
    names = {field.name for field in fields(Config)}
    assert [s.name for s in SETTINGS if s.name.lower() not in names] == []


def test_values_are_parsed_by_type() -> None:
    config = Config.from_env(
        {
            "SUPPORTBOT_RATE_PER_IP": "5",
            "SUPPORTBOT_WIDGET_ORIGINS": "https://a.example, https://b.example",
            "SUPPORTBOT_OUTBOX_WORKER": "off",
            "SUPPORTBOT_TIMEZONE": "America/New_York",
        }
    )
    assert config.rate_per_ip == 5 and config.outbox_worker is False
    assert config.widget_origins == ("https://a.example", "https://b.example")
    assert config.timezone == "America/New_York"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUPPORTBOT_RATE_PER_IP", "many"),
        ("SUPPORTBOT_OUTBOX_WORKER", "perhaps"),
        ("SUPPORTBOT_TIMEZONE", "Mars/Olympus_Mons"),
    ],
)
def test_a_bad_value_stops_with_the_variables_name(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})
