"""``supportbot wordpress build-plugin``: the Supportbot Connector as an installable zip.

The zip is what WordPress's "Upload Plugin" takes: one ``supportbot-connector/`` folder with
the PHP source from ``widget/wordpress/supportbot-connector/`` and the Dutch translation
compiled to ``.mo`` (the repository keeps only ``.po`` files). The build is reproducible
(sorted entries, fixed timestamps) and refuses a source whose version numbers disagree.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT

PLUGIN_SLUG = "supportbot-connector"
PLUGIN_SOURCE = REPO_ROOT / "widget" / "wordpress" / PLUGIN_SLUG
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest zip date: the same bytes for the same source
_VERSIONS = {
    "plugin header": (f"{PLUGIN_SLUG}.php", re.compile(r"^\s*\*\s*Version:\s*(\S+)", re.M)),
    "load.php": ("load.php", re.compile(r"\)\(\s*'([^']+)',\s*__DIR__\s*\);")),
    "readme.txt Stable tag": ("readme.txt", re.compile(r"^Stable tag:\s*(\S+)", re.M | re.I)),
}


class BuildError(click.ClickException):
    """The source cannot become a release; the message says why."""


@dataclass(frozen=True)
class BuiltPlugin:
    path: Path
    version: str
    files: tuple[str, ...]


def plugin_version(source: Path = PLUGIN_SOURCE) -> str:
    """The version all three places agree on."""
    found: dict[str, str] = {}
    for place, (name, pattern) in _VERSIONS.items():
        match = pattern.search((source / name).read_text(encoding="utf-8"))
        if match is None:
            raise BuildError(f"no version in {place} ({source / name})")
        found[place] = match.group(1)
    if len(set(found.values())) != 1:
        listed = ", ".join(f"{place}: {version}" for place, version in found.items())
        raise BuildError(f"the version numbers disagree ({listed})")
    return next(iter(found.values()))


def compiled_translation(po_file: Path) -> bytes:
    """A ``.po`` file as the ``.mo`` WordPress loads; fuzzy entries stay out, as with msgfmt."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=po_file.stem.rsplit("-", 1)[-1])
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return with_hash_table_offset(out.getvalue())


def with_hash_table_offset(mo: bytes) -> bytes:
    """Babel writes an empty hash table at offset 0; WordPress's MO reader (``pomo/mo.php``)
    takes the hash table's offset as the end of the translations table and refuses the file.
    GNU msgfmt puts it right after that table, which is just as valid: do the same."""
    total, _, translations_at, hash_size, _ = struct.unpack_from("<5I", mo, 8)
    if mo[:4] != b"\xde\x12\x04\x95" or hash_size != 0:
        return mo
    return mo[:24] + struct.pack("<I", translations_at + total * 8) + mo[28:]


def plugin_files(source: Path) -> dict[str, bytes]:
    """Archive name -> content: the source files, plus a ``.mo`` next to every ``.po``."""
    files: dict[str, bytes] = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix == ".mo" or "__pycache__" in path.parts:
            continue
        name = f"{PLUGIN_SLUG}/{path.relative_to(source).as_posix()}"
        files[name] = path.read_bytes()
        if path.suffix == ".po":
            files[name[: -len(".po")] + ".mo"] = compiled_translation(path)
    return files


def build_plugin(out_dir: Path, source: Path = PLUGIN_SOURCE) -> BuiltPlugin:
    """Write ``supportbot-connector-<version>.zip`` into ``out_dir``."""
    version = plugin_version(source)
    files = plugin_files(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PLUGIN_SLUG}-{version}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in sorted({name.rsplit("/", 1)[0] + "/" for name in files}):
            info = zipfile.ZipInfo(folder, ZIP_TIME)
            info.external_attr = (0o40755 << 16) | 0x10
            archive.writestr(info, b"")
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return BuiltPlugin(target, version, tuple(sorted(files)))


@click.group("wordpress", help="The WordPress side: the Supportbot Connector plugin.")
def wordpress_group() -> None:
    """The WordPress side: the Supportbot Connector plugin."""


@wordpress_group.command("build-plugin")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder for the zip.",
)
def build_plugin_command(out_dir: Path) -> None:
    """Build the installable zip of the Supportbot Connector plugin."""
    built = build_plugin(out_dir)
    click.echo(f"{built.path} (version {built.version}, {len(built.files)} files)")


def register(group: click.Group) -> None:
    group.add_command(wordpress_group)
