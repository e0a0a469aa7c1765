"""GET/HEAD /feeds/<token>.ics: the calendar, with ETag and Last-Modified for conditional requests.

Rendered feeds are cached by (plan, token, store revision, local day): a plan can change only when
one of those does, so repeated fetches skip planning and rendering.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict

import attrs
from flask import Blueprint, Response, current_app, request

from planner.app.application import CalendarExport
from planner.web.conditional import accepts_gzip, http_date, not_modified
from planner.web.context import application, plan_id_for

blueprint = Blueprint("feed", __name__)
CACHE = "rehab_planner_feed_cache"


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


@blueprint.route("/feeds/<token>.ics", methods=["GET", "HEAD"])
def feed(token: str) -> Response:
    plan_id = plan_id_for(token)
    app = application()
    cache: FeedCache = current_app.extensions[CACHE]
    key = (plan_id, token, *app.content_version(plan_id))
    rendered = cache.get(key)
    if rendered is None:
        rendered = Rendered.of(app.calendar(app.plan(plan_id), token=token))
        cache.put(key, rendered)
    zipped = accepts_gzip(request)
    etag = f'"{rendered.etag}-gzip"' if zipped else f'"{rendered.etag}"'  # one tag per representation
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(rendered.changed_at),
        "Cache-Control": "no-cache, private",
        "Vary": "Accept-Encoding",
    }
    if not_modified(request, etag, rendered.changed_at):
        return Response(status=304, headers=headers)
    if zipped:
        headers["Content-Encoding"] = "gzip"
    body = rendered.gzipped if zipped else rendered.body
    return Response(body, 200, headers=headers, content_type="text/calendar; charset=utf-8")
