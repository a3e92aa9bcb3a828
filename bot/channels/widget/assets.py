"""``/widget.js``: the embeddable script, served with an ETag, gzip and cache headers.

The URL has no version in it (sites embed it once and forget it), so browsers and CDNs keep it
for a short while and then revalidate: a new release reaches every site within ``MAX_AGE_S``,
and in between a revalidation costs a 304 with no body.

The source is ``widget/src/widget.js`` and the parts it names in ``/*include:NAME.js*/``
comments (the strings, the styles, the transport, the outbox ...): they are put in place here,
when the script is read, so there is no build step and the browser still loads one file.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Response, request

from bot.config import REPO_ROOT

WIDGET_SOURCE = REPO_ROOT / "widget" / "src" / "widget.js"  # the entry; its parts sit beside it
MAX_AGE_S = 600
STALE_S = 86_400  # a CDN may serve the old copy this long while it fetches the new one

_INCLUDE = re.compile(rb"/\*include:([a-z][a-z0-9-]*\.js)\*/")


def script_files(entry: Path) -> tuple[Path, ...]:
    """The entry and, in order, the parts its ``/*include:NAME.js*/`` comments name."""
    names = _INCLUDE.findall(entry.read_bytes())
    return (entry, *(entry.parent / name.decode() for name in names))


def assemble(entry: Path) -> bytes:
    """One script: the entry with each include comment replaced by that part, no build step."""

    def part(match: re.Match[bytes]) -> bytes:
        return (entry.parent / match.group(1).decode()).read_bytes().rstrip(b"\n")

    return _INCLUDE.sub(part, entry.read_bytes())


def widget_source() -> bytes:
    """``/widget.js`` before the server fills in its languages and settings."""
    return assemble(WIDGET_SOURCE)


def _stamp(files: tuple[Path, ...]) -> tuple[int, ...]:
    return tuple(path.stat().st_mtime_ns for path in files)


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    etag: str
    files: tuple[Path, ...]
    stamp: tuple[int, ...]

    @classmethod
    def read(cls, entry: Path, transform: Callable[[bytes], bytes] | None = None) -> Asset:
        files = script_files(entry)
        stamp = _stamp(files)
        body = assemble(entry)
        if transform is not None:
            body = transform(body)
        digest = hashlib.sha256(body).hexdigest()[:24]
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
        return cls(body, gzipped, digest, files, stamp)


class AssetFile:
    """A script assembled once from its files, and again only when one of them changes on disk
    (a deploy, or a developer)."""

    def __init__(
        self, path: Path, mimetype: str, transform: Callable[[bytes], bytes] | None = None
    ) -> None:
        self.path = path
        self.mimetype = mimetype
        self.transform = transform
        self._asset: Asset | None = None
        self._lock = threading.Lock()

    def current(self) -> Asset:
        with self._lock:
            if self._asset is None or _stamp(self._asset.files) != self._asset.stamp:
                self._asset = Asset.read(self.path, self.transform)
            return self._asset

    def response(self) -> Response:
        asset = self.current()
        use_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
        body = asset.gzipped if use_gzip else asset.body
        response = Response(body, mimetype=self.mimetype)
        response.set_etag(asset.etag + ("-gz" if use_gzip else ""))
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE_S
        response.headers["Cache-Control"] += f", stale-while-revalidate={STALE_S}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["Access-Control-Allow-Origin"] = "*"  # lets sites add SRI (crossorigin)
        response.make_conditional(request)  # 304 when If-None-Match matches
        return response
