"""The catalogue covers every table and column of the models: a new one fails here until
someone decides whether it holds customer data and what export and erasure do with it."""

from __future__ import annotations

import pytest

from bot.config import REPO_ROOT
from bot.helpdesk.privacy.catalogue import CATALOGUE, customer_tables
from bot.storage.models import Base

TABLES = sorted(Base.metadata.tables)


def test_every_table_has_a_rule_and_every_rule_a_table() -> None:
    assert sorted(set(TABLES) - set(CATALOGUE)) == [], "add these tables to catalogue.py"
    assert sorted(set(CATALOGUE) - set(TABLES)) == [], "catalogue.py names tables that are gone"


@pytest.mark.parametrize("table", TABLES)
def test_every_column_is_either_personal_or_kept(table: str) -> None:
    rule = CATALOGUE[table]
    columns = {column.name for column in Base.metadata.tables[table].columns}
    assert rule.personal.isdisjoint(rule.kept), table
    assert sorted(columns - (rule.personal | rule.kept)) == [], f"classify in catalogue.py: {table}"
    assert sorted((rule.personal | rule.kept) - columns) == [], f"gone from {table}"
    if rule.holds != "customer":
        assert not rule.personal, f"{table} holds no customer data, so nothing of it is personal"
        assert rule.erase == "keep"


def test_the_privacy_document_names_every_customer_table() -> None:
    document = (REPO_ROOT / "docs" / "privacy.md").read_text()
    missing = [table for table in customer_tables() if f"`{table}`" not in document]
    assert missing == [], f"docs/privacy.md does not say what {missing} hold"
