"""Read a pasted Site Health report (Tools > Site Health > Info > "Copy site info to clipboard").

The clipboard text is ``### section-key ###`` blocks of ``key: value`` lines (keys stay English
on every site, some values are translated). Pastes arrive damaged: fenced in backticks or
``<details>``, quoted with ``>``, a blank line after every line, CRLF, cut off, or only the
plugin list. Plugin lines are ``Name: version: V, author: A (latest version: L), Auto-updates X``
where the name may hold colons and the author commas or HTML, so they are split from the right.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.core.knowledge.site_health_lines import (
    ComponentLine,
    author_text,
    auto_update_state,
    boolean_value,
    clean_lines,
    final_segments,
    is_fence,
    known_value,
    name_and_slug,
    parse_component_line,
    section_header,
    split_trailing_phrase,
    version_in,
)

_LIST_SECTIONS = {
    "wp-plugins-active": "active",
    "wp-plugins-inactive": "inactive",
    "wp-mu-plugins": "mu",
    "wp-themes-inactive": "themes",
    "wp-themes": "themes",  # WordPress 5.2 and the Health Check plugin before it
}
_CORE_SECTIONS = (
    "wp-core wp-paths-sizes wp-dropins wp-active-theme wp-parent-theme wp-themes-inactive "
    "wp-themes wp-mu-plugins wp-plugins-active wp-plugins-inactive wp-media wp-server "
    "wp-database wp-constants wp-filesystem"
).split()
_LAST_SECTIONS = ("wp-filesystem", "wp-constants")
_HEADER_HINT = re.compile(r"###\s*(?:" + "|".join(map(re.escape, _CORE_SECTIONS)) + r")\b")
_PLUGIN_HINT = re.compile(
    r"^[^\n]{1,200}?: (?:version: [^,\n]{0,60}, author: |author: [^\n]{0,300}?, version: )", re.M
)
_FIELD_HINT = re.compile(
    r"^[ \t>`]*(wordpress_path|php_version|httpd_software|site_language|dotorg_communication|"
    r"user_registration|https_status|permalink|wordpress_size|php_sapi|max_input_variables):",
    re.M,
)
_MARIADB = re.compile(r"(\d+\.\d+\.\d+)-mariadb", re.I)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str | None
    author: str | None = None
    latest_version: str | None = None
    auto_update: bool | None = None

    @property
    def outdated(self) -> bool:
        """WordPress knows a newer version (the ``(latest version: X)`` hint)."""
        return self.latest_version is not None


@dataclass(frozen=True)
class ThemeInfo:
    name: str
    slug: str | None
    version: str | None
    latest_version: str | None = None
    author: str | None = None
    auto_update: bool | None = None
    path: str | None = None


@dataclass(frozen=True)
class DatabaseInfo:
    type: str | None  # "MySQL" or "MariaDB" when the server version tells
    version: str | None
    extension: str | None = None
    client_version: str | None = None


@dataclass(frozen=True)
class SiteHealthReport:
    wp_version: str | None
    php_version: str | None
    site_language: str | None = None
    user_language: str | None = None
    timezone: str | None = None
    multisite: bool | None = None
    environment_type: str | None = None
    server: str | None = None
    server_architecture: str | None = None
    php_sapi: str | None = None
    memory_limit: str | None = None
    database: DatabaseInfo | None = None
    active_theme: ThemeInfo | None = None
    parent_theme: ThemeInfo | None = None
    inactive_themes: tuple[PluginInfo, ...] = ()
    active_plugins: tuple[PluginInfo, ...] = ()
    inactive_plugins: tuple[PluginInfo, ...] = ()
    mu_plugins: tuple[PluginInfo, ...] = ()
    dropins: tuple[str, ...] = ()
    constants: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    sections: tuple[str, ...] = ()
    truncated: bool = False
    fields: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def debug_enabled(self) -> bool | None:
        value = self.constants.get("WP_DEBUG")
        return None if value is None else value.casefold() == "true"

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        """Active, then inactive, then must-use plugins."""
        return self.active_plugins + self.inactive_plugins + self.mu_plugins


def looks_like_site_health(text: str) -> bool:
    """A Site Health section header, a plugin line, or several of its field names."""
    if _HEADER_HINT.search(text) or _PLUGIN_HINT.search(text):
        return True
    return len({m.group(1) for m in _FIELD_HINT.finditer(text)}) >= 3


class _Collector:
    """Walks the cleaned lines once, filing fields and component lines under their section."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[str, str]] = {}
        self.lists: dict[str, list[ComponentLine]] = {kind: [] for kind in _LIST_SECTIONS.values()}
        self.declared: dict[str, int] = {}
        self.counted: dict[str, int] = {}
        self.sections: list[str] = []
        self.dropins: list[str] = []
        self.fences = 0
        self.section = ""
        self.in_array = False  # the last field was empty: tab-indented sub-items follow

    def feed(self, line: str, indented: bool) -> None:
        if is_fence(line):
            self.fences += 1
            return
        header = section_header(line)
        if header is not None:
            self.section, count = header
            self.sections.append(self.section)
            if count is not None:
                self.declared[self.section] = count
            return
        if indented and self.in_array:
            return  # a sub-item of an array field (imagick_limits); not needed
        kind = _LIST_SECTIONS.get(self.section) or ("active" if not self.section else None)
        component = parse_component_line(line) if kind else None
        if component is not None and kind is not None:
            self.lists[kind].append(component)
            self.counted[self.section] = self.counted.get(self.section, 0) + 1
            return
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip() and len(key) <= 80:
            self._field(key.strip(), value.strip())

    def _field(self, key: str, value: str) -> None:
        self.fields.setdefault(self.section, {}).setdefault(key, value)
        self.in_array = not value
        if self.section == "wp-dropins":
            self.dropins.append(key)
            self.counted[self.section] = self.counted.get(self.section, 0) + 1


def parse_site_health(text: str) -> SiteHealthReport | None:
    """The report in `text`, or None when the text holds no Site Health information."""
    if not looks_like_site_health(text):
        return None
    collector = _Collector()
    for line, indented in clean_lines(text):
        collector.feed(line, indented)
    if not collector.fields and not any(collector.lists.values()):
        return None
    return _report(collector)


def _report(found: _Collector) -> SiteHealthReport:
    core = found.fields.get("wp-core", {})
    server = found.fields.get("wp-server", {})
    active_theme = _theme(found.fields.get("wp-active-theme"))
    parent = _theme(found.fields.get("wp-parent-theme")) or _parent_from(found, active_theme)
    plugins = _finish_lines(found.lists)
    return SiteHealthReport(
        wp_version=known_value(core.get("version")),
        php_version=version_in(_any_field(found, "php_version")),
        site_language=known_value(core.get("site_language")),
        user_language=known_value(core.get("user_language")),
        timezone=known_value(core.get("timezone")),
        multisite=boolean_value(core.get("multisite")),
        environment_type=known_value(core.get("environment_type")),
        server=known_value(server.get("httpd_software")),
        server_architecture=known_value(server.get("server_architecture")),
        php_sapi=known_value(server.get("php_sapi")),
        memory_limit=known_value(server.get("memory_limit")),
        database=_database(found.fields.get("wp-database")),
        active_theme=active_theme,
        parent_theme=parent,
        inactive_themes=plugins["themes"],
        active_plugins=plugins["active"],
        inactive_plugins=plugins["inactive"],
        mu_plugins=plugins["mu"],
        dropins=tuple(found.dropins),
        constants=MappingProxyType(dict(found.fields.get("wp-constants", {}))),
        sections=tuple(dict.fromkeys(found.sections)),
        truncated=_truncated(found),
        fields=MappingProxyType({k: MappingProxyType(v) for k, v in found.fields.items()}),
    )


def _finish_lines(lists: Mapping[str, list[ComponentLine]]) -> dict[str, tuple[PluginInfo, ...]]:
    """Decide the auto-update phrase paste-wide, then turn the lines into PluginInfo."""
    authors = [line.author or "" for lines in lists.values() for line in lines]
    endings = final_segments(authors)
    return {
        kind: tuple(_plugin(line, endings, len(authors)) for line in lines)
        for kind, lines in lists.items()
    }


def _plugin(line: ComponentLine, endings: Counter[str], lines: int) -> PluginInfo:
    author, phrase = line.author, line.trailing
    if phrase is None and author is not None:
        author, phrase = split_trailing_phrase(author, endings, lines)
    return PluginInfo(
        name=line.name,
        version=known_value(line.version),
        author=author_text(author),
        latest_version=known_value(line.latest_version),
        auto_update=auto_update_state(phrase) if phrase else None,
    )


def _theme(values: Mapping[str, str] | None) -> ThemeInfo | None:
    if not values or not known_value(values.get("name")):
        return None
    name, slug = name_and_slug(values["name"])
    version, _, latest = (values.get("version") or "").partition(" (latest version: ")
    path = known_value(values.get("theme_path"))
    parent = known_value(values.get("parent_theme"))
    if slug is None and path and (parent is None or parent.casefold() == "none"):
        slug = path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or None
    auto = known_value(values.get("auto_update"))
    return ThemeInfo(
        name=name,
        slug=slug,
        version=known_value(version),
        latest_version=known_value(latest.rstrip(")")),
        author=author_text(values.get("author")),
        auto_update=auto_update_state(auto) if auto else None,
        path=path,
    )


def _parent_from(found: _Collector, theme: ThemeInfo | None) -> ThemeInfo | None:
    """Without a wp-parent-theme section, the active theme's parent_theme line names it."""
    parent = known_value(found.fields.get("wp-active-theme", {}).get("parent_theme"))
    if theme is None or parent is None or parent.casefold() == "none":
        return None
    name, slug = name_and_slug(parent)
    return ThemeInfo(name=name, slug=slug, version=None)


def _database(values: Mapping[str, str] | None) -> DatabaseInfo | None:
    if not values:
        return None
    server = known_value(values.get("server_version")) or ""
    mariadb = _MARIADB.search(server)
    kind = "MariaDB" if mariadb else "MySQL" if server else None
    version = mariadb.group(1) if mariadb else version_in(server)
    extension, client = (
        known_value(values.get("extension")),
        known_value(values.get("client_version")),
    )
    return DatabaseInfo(kind, version, extension, client)


def _truncated(found: _Collector) -> bool:
    reached_end = any(s in found.fields for s in _LAST_SECTIONS) and (
        "wp-filesystem" in found.fields or found.sections[-1] != "wp-constants"
    )
    short = any(found.counted.get(s, 0) < n for s, n in found.declared.items())
    return not reached_end or short or found.fences % 2 == 1


def _any_field(found: _Collector, key: str) -> str | None:
    for values in found.fields.values():
        if key in values:
            return values[key]
    return None
