"""GET/HEAD /feeds/<token>.ics: the calendar, with ETag and Last-Modified for conditional requests.

Rendered feeds are cached by (plan, token, store revision, local day): a plan can change only when
one of those does, so repeated fetches skip planning and rendering.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import Blueprint, Response, current_app, request

from planner.app.application import CalendarExport
from planner.web.conditional import http_date, not_modified
from planner.web.context import application, plan_id_for

blueprint = Blueprint("feed", __name__)
CACHE = "rehab_planner_feed_cache"


class FeedCache:
    """Bounded and safe across threads."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[object, ...], CalendarExport] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> CalendarExport | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], value: CalendarExport) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


@blueprint.route("/feeds/<token>.ics", methods=["GET", "HEAD"])
def feed(token: str) -> Response:
    plan_id = plan_id_for(token)
    app = application()
    cache: FeedCache = current_app.extensions[CACHE]
    key = (plan_id, token, *app.content_version(plan_id))
    exported = cache.get(key)
    if exported is None:
        exported = app.calendar(app.plan(plan_id), token=token)
        cache.put(key, exported)
    etag = '"' + hashlib.sha256(exported.body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(exported.changed_at),
        "Cache-Control": "no-cache, private",
    }
    if not_modified(request, etag, exported.changed_at):
        return Response(status=304, headers=headers)
    return Response(exported.body, 200, headers=headers, content_type="text/calendar; charset=utf-8")
