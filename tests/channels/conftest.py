"""Channel tests: the live server fixture (and its log in failure reports)."""

from tests.live_server import live_server, pytest_runtest_makereport  # noqa: F401
