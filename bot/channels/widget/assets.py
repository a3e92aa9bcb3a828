"""``/widget.js``: the embeddable script, served with an ETag, gzip and cache headers.

The URL has no version in it (sites embed it once and forget it), so browsers and CDNs keep it
for a short while and then revalidate: a new release reaches every site within ``MAX_AGE_S``,
and in between a revalidation costs a 304 with no body.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Response, request

from bot.config import REPO_ROOT

WIDGET_SOURCE = REPO_ROOT / "widget" / "src" / "widget.js"
MAX_AGE_S = 600
STALE_S = 86_400  # a CDN may serve the old copy this long while it fetches the new one


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    etag: str
    mtime_ns: int

    @classmethod
    def read(cls, path: Path, transform: Callable[[bytes], bytes] | None = None) -> Asset:
        body = path.read_bytes()
        if transform is not None:
            body = transform(body)
        digest = hashlib.sha256(body).hexdigest()[:24]
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
        return cls(body, gzipped, digest, path.stat().st_mtime_ns)


class AssetFile:
    """A file read once and again only when it changes on disk (a deploy, or a developer)."""

    def __init__(
        self, path: Path, mimetype: str, transform: Callable[[bytes], bytes] | None = None
    ) -> None:
        self.path = path
        self.mimetype = mimetype
        self.transform = transform
        self._asset: Asset | None = None
        self._lock = threading.Lock()

    def current(self) -> Asset:
        mtime = self.path.stat().st_mtime_ns
        with self._lock:
            if self._asset is None or self._asset.mtime_ns != mtime:
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
