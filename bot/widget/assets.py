"""The widget's static files, served with gzip, an ETag and a short cache lifetime.

Files are read from disk when they change (mtime), so an edited widget.js is live without
a restart, and compressed once per change rather than per request. No build step: what
is in bot/widget/static/ is what browsers get.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
#: Short: an update reaches students within minutes; the ETag makes revalidation cheap.
CACHE_CONTROL = "public, max-age=300"


@dataclass(frozen=True)
class _Version:
    mtime_ns: int
    body: bytes
    gzipped: bytes
    etag: str


class StaticAsset:
    """One file under ``directory`` (default ``bot/widget/static/``)."""

    def __init__(self, name: str, directory: Path = STATIC_DIR) -> None:
        self.path = directory / name
        self.content_type = CONTENT_TYPES[self.path.suffix]
        self._version: Optional[_Version] = None
        self._lock = threading.Lock()

    def current(self) -> _Version:
        mtime_ns = self.path.stat().st_mtime_ns
        with self._lock:
            if self._version is None or self._version.mtime_ns != mtime_ns:
                body = self.path.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                self._version = _Version(mtime_ns, body, gzip.compress(body, compresslevel=9, mtime=0), etag)
            return self._version

    def respond(self, request: Request) -> HTTPResponse:
        version = self.current()
        headers: Dict[str, str] = {
            "ETag": version.etag,
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        if version.etag in (request.headers.get("If-None-Match") or ""):
            return response.empty(status=304, headers=headers)
        if "gzip" in (request.headers.get("Accept-Encoding") or "").lower():
            headers["Content-Encoding"] = "gzip"
            return response.raw(version.gzipped, headers=headers, content_type=self.content_type)
        return response.raw(version.body, headers=headers, content_type=self.content_type)
