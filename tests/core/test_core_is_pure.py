"""The core must stay free of Flask, SQLAlchemy and network libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bot.core

FORBIDDEN = (
    "flask",
    "sqlalchemy",
    "simple_websocket",
    "smtplib",
    "aiosmtpd",
    "gunicorn",
    "redis",
    "psycopg",
)


def core_modules() -> list[str]:
    root = Path(bot.core.__file__).parent
    return sorted(
        "bot.core."
        + ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for path in root.rglob("*.py")
    )


def test_importing_every_core_module_loads_no_framework() -> None:
    modules = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name.rstrip('.'))\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"bot.core imports {result.stdout.strip()}"
