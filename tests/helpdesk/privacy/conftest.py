"""Two customers with data everywhere, on SQLite and PostgreSQL (the ``app`` fixture)."""

from __future__ import annotations

import pytest
from flask import Flask

from bot.channels.runtime import Runtime, runtime
from tests.helpdesk.privacy.people import Person, seed_person

SECRET = "test-secret"  # tests/conftest.py make_config's secret_key


@pytest.fixture
def rt(app: Flask) -> Runtime:
    return runtime(app)


@pytest.fixture
def anna(rt: Runtime) -> Person:
    return seed_person(rt, "anna", "A1B2")


@pytest.fixture
def bram(rt: Runtime) -> Person:
    return seed_person(rt, "bram", "C3D4")
