"""GET/HEAD /feeds/<token>.ics: the calendar, answered by a small WSGI route in front of Flask.

Each request costs one read of the store (the token's plan, its revision and time zone); the rendered
calendar is kept per (plan, token, revision, local day) in both encodings with its validators, so a
304 or a repeated 200 does no planning, rendering or compressing. It answers with ETag (one per
encoding) and Last-Modified, honours If-None-Match (weak comparison) before If-Modified-Since,
gzips when the client accepts it (with Vary), and sends the same security headers as the pages.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from planner.app.application import App, CalendarExport
from planner.web.conditional import accepts_gzip, http_date, not_modified

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ROUTE = re.compile(r"/feeds/([A-Za-z0-9_-]{1,100})\.ics")
CALENDAR = "text/calendar; charset=utf-8"
STATE_SECONDS = 1.0


@attrs.frozen
class Rendered:
    """One feed body in both encodings, with the validators for each: computed once per change."""

    body: bytes
    gzipped: bytes
    etag: str
    changed_at: dt.datetime

    @classmethod
    def of(cls, exported: CalendarExport) -> Rendered:
        digest = hashlib.sha256(exported.body).hexdigest()[:32]
        gzipped = gzip.compress(exported.body, compresslevel=6, mtime=0)  # mtime=0: same bytes every time
        return cls(exported.body, gzipped, digest, exported.changed_at)


class FeedCache:
    """Bounded and safe across threads."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[object, ...], Rendered] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Rendered | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], value: Rendered) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class FeedRoute:
    """WSGI middleware: the feed's path is answered here; everything else goes on to Flask."""

    def __init__(self, following: WSGIApp, app: App, headers: list[tuple[str, str]]) -> None:
        self.following, self.app, self.headers = following, app, headers
        self.cache = FeedCache()
        self.states: dict[str, tuple[float, int, tuple[str, str, dt.date] | None]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        match = ROUTE.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return self.following(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return self.plain(
                start_response, "405 Method Not Allowed", "Method not allowed", [("Allow", "GET, HEAD")]
            )
        token = match.group(1)
        version = self.version(token)
        if version is None:
            return self.plain(start_response, "404 Not Found", "Not found")
        key = (token, *version)
        rendered = self.cache.get(key)
        if rendered is None:
            rendered = Rendered.of(self.app.feed(self.app.plan(version[0]), token))
            self.cache.put(key, rendered)
        zipped = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))
        etag = f'"{rendered.etag}-gzip"' if zipped else f'"{rendered.etag}"'  # one tag per encoding
        headers = [
            ("ETag", etag),
            ("Last-Modified", http_date(rendered.changed_at)),
            ("Cache-Control", "no-cache, private"),
            ("Vary", "Accept-Encoding"),
            *self.headers,
        ]
        if not_modified(
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
            etag,
            rendered.changed_at,
        ):
            start_response("304 Not Modified", headers)
            return [b""]
        body = rendered.gzipped if zipped else rendered.body
        headers += [("Content-Type", CALENDAR), ("Content-Length", str(len(body)))]
        if zipped:
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", headers)
        return [b"" if method == "HEAD" else body]

    def version(self, token: str) -> tuple[str, str, dt.date] | None:
        """The token's plan, revision and local day, asked of the store at most once a second per
        token: a write in this process is seen at once, one by another server within STATE_SECONDS
        (calendars poll every half hour or more, so that second is never noticed)."""
        writes, now = self.app.store.writes, time.monotonic()
        kept = self.states.get(token)
        if kept is not None and kept[0] > now and kept[1] == writes:
            return kept[2]
        version = self.app.feed_version(token)
        if len(self.states) >= self.cache.size:
            self.states.clear()
        self.states[token] = (now + STATE_SECONDS, writes, version)
        return version

    def plain(
        self,
        start_response: Callable[..., Any],
        status: str,
        text: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> Iterable[bytes]:
        body = f"{text}\n".encode()
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response(status, [*headers, *(extra or []), *self.headers])
        return [body]
