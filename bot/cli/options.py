"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

data_dir_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Knowledge-base directory (default: SUPPORTBOT_DATA_DIR or the shipped faq_data/).",
)
