"""Header values of ``readme.txt`` and theme ``style.css`` files, cleaned as WordPress does.

Readme rules follow the plugin directory's ``class-parser.php``; the style.css rules follow
core's ``get_file_data()``. Contributors are not checked against wordpress.org accounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

README_HEADER_FIELDS = {
    "tested": "tested",
    "tested up to": "tested",
    "requires": "requires",
    "requires at least": "requires",
    "requires php": "requires_php",
    "tags": "tags",
    "contributors": "contributors",
    "donate link": "donate_link",
    "stable tag": "stable_tag",
    "license": "license",
    "license uri": "license_uri",
    "requires plugins": "requires_plugins",
    "wc requires at least": "wc_requires",
}
README_HEADER_LINE = re.compile(
    r"(?:" + "|".join(map(re.escape, README_HEADER_FIELDS)) + r")\s*:", re.I
)
THEME_HEADER_FIELDS = (
    "Theme Name",
    "Theme URI",
    "Description",
    "Author",
    "Author URI",
    "Version",
    "Template",
    "Status",
    "Tags",
    "Text Domain",
    "Domain Path",
    "Requires at least",
    "Tested up to",
    "Requires PHP",
    "License",
    "License URI",
    "Update URI",
)
_IGNORED_TAGS = ("plugin", "wordpress")
_MAX_TAGS = 5
_WP_VERSION = re.compile(r"\d+\.\d(?:\.\d+)?")
_PHP_VERSION = re.compile(r"\d+(?:\.\d+){1,2}")
_STYLE_HEADER_BYTES = 8192
_COMMENT_END = re.compile(r"\s*(?:\*/|\?>).*")


@dataclass
class ReadmeHeaders:
    """Raw readme header values by field; each accessor cleans one, warning when it rejects it.

    ``notes`` collects remarks that only matter for the wordpress.org page (tags).
    """

    raw: dict[str, str]
    warnings: list[str]
    notes: list[str]

    def plain(self, key: str) -> str | None:
        return self.raw.get(key) or None

    def tags(self) -> tuple[str, ...]:
        tags = [tag.strip() for tag in self.raw.get("tags", "").split(",") if tag.strip()]
        if any(tag in _IGNORED_TAGS for tag in tags):
            tags = [tag for tag in tags if tag not in _IGNORED_TAGS]
            self.notes.append("the tags 'plugin' and 'wordpress' are ignored")
        if len(tags) > _MAX_TAGS:
            self.notes.append(f"{len(tags)} tags; only the first {_MAX_TAGS} are kept")
        return tuple(tags[:_MAX_TAGS])

    def contributors(self) -> tuple[str, ...]:
        names = (name.strip().lstrip("@") for name in self.raw.get("contributors", "").split(","))
        return tuple(name for name in names if name)

    def required_plugins(self) -> tuple[str, ...]:
        """``Requires Plugins: woocommerce, elementor`` (slugs); a ``WC requires at least``
        header says the same of WooCommerce."""
        slugs = [s.strip().lower() for s in self.raw.get("requires_plugins", "").split(",")]
        if self.raw.get("wc_requires", "").strip():
            slugs.append("woocommerce")
        return tuple(dict.fromkeys(slug for slug in slugs if slug))

    def stable_tag(self) -> str | None:
        tag = self.raw.get("stable_tag", "").strip().strip("\"'")
        tag = re.sub(r"^/?tags/", "", tag, flags=re.I)
        tag = re.sub(r"[^a-z0-9_.-]", "", tag, flags=re.I)
        if tag.startswith("."):
            tag = "0" + tag
        return tag or None

    def wordpress_version(self, key: str, noise: tuple[str, ...]) -> str | None:
        """``Requires at least`` / ``Tested up to``: ``WordPress 6.4+`` → ``6.4``; else dropped."""
        raw = self.raw.get(key, "").strip()
        if not raw:
            return None
        cleaned = re.sub("|".join(map(re.escape, ("wordpress", "wp", *noise))), "", raw, flags=re.I)
        version = cleaned.strip().split("-", 1)[0].strip()
        if _WP_VERSION.fullmatch(version):
            return version
        label = "Requires at least" if key == "requires" else "Tested up to"
        self.warnings.append(f"{label} '{raw}' is not a version like 6.4 or 6.4.2; ignored")
        return None

    def php_version(self) -> str | None:
        raw = self.raw.get("requires_php", "").strip()
        if raw and not _PHP_VERSION.fullmatch(raw):
            self.warnings.append(f"Requires PHP '{raw}' is not a version like 7.4; ignored")
            return None
        return raw or None

    def license(self) -> tuple[str | None, str | None]:
        """A URL inside ``License`` moves to ``License URI`` when that header is missing."""
        license_text, uri = self.raw.get("license", ""), self.raw.get("license_uri", "")
        url = re.search(r"(https?://\S+)", license_text, re.I)
        if license_text and not uri and url:
            uri = url.group(1)
            license_text = license_text.replace(uri, "").strip(" -*\t\r\n")
        return license_text or None, uri or None


def parse_style_css_header(text: str) -> dict[str, str]:
    """A theme ``style.css`` header as ``{"Theme Name": ..., "Version": ...}`` (found fields only).

    Like ``get_file_data()``: only the first 8 KB count, a field is ``Name: value`` on a line
    that may start with comment characters, and anything after ``*/`` or ``?>`` is dropped.
    """
    head = text[:_STYLE_HEADER_BYTES].replace("\r\n", "\n").replace("\r", "\n")
    found: dict[str, str] = {}
    for name in THEME_HEADER_FIELDS:
        pattern = r"^(?:[ \t]*<\?php)?[ \t/*#@]*" + re.escape(name) + r":(.*)$"
        match = re.search(pattern, head, re.M | re.I)
        if match:
            value = _COMMENT_END.sub("", match.group(1)).strip()
            if value:
                found[name] = value
    return found
