"""The web edge (Flask, served by waitress): calendar feeds and a phone-friendly check-in page.

GET/HEAD /feeds/<token>.ics   the calendar, with ETag and Last-Modified for conditional requests
GET      /p/<token>           the plan at a glance, subscribe links, and the check-in form
POST     /p/<token>/checkin   record a check-in (CSRF-protected); the plan and the feed adapt

Unknown or revoked tokens get a bare 404. Bad input gets a 4xx with a short message, never a 500.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import threading
from collections import OrderedDict
from typing import Any

from flask import Flask, Response, abort, redirect, render_template, request

from planner import parsing
from planner.catalog import Catalog, builtin_catalog, load_catalog
from planner.exceptions import PlannerError
from planner.model import CheckIn, Soreness
from planner.redflags import RED_FLAGS, red_flag
from planner.service import (
    CalendarExport,
    export_calendar,
    feed_addresses,
    local_today,
    plan_as_of,
    record_checkin,
    settings_feed_key,
)
from planner.settings import Settings
from planner.store import Store

MAX_REQUEST_BYTES = 16 * 1024
PAGE_DAYS = 14

SORENESS_CHOICES = (
    ("none", "No soreness"),
    ("warm-up-gone", "Sore in the warm-up, went away"),
    ("warm-up-stays", "Sore in the warm-up, stayed"),
    ("returned-during", "Went in the warm-up, came back during"),
    ("after", "Sore an hour or more after, or the next day"),
)


class FeedCache:
    """Rendered feeds by (plan, token, store revision, local day): a plan can change only when one of
    those does, so repeated fetches skip planning and rendering. Bounded; safe across threads."""

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


def _http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def _not_modified(etag: str, changed_at: dt.datetime) -> bool:
    """If-None-Match first; only without it, a real If-Modified-Since comparison."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        candidates = {tag.strip() for tag in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    since = request.headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if parsed.tzinfo is None:
        return False
    return changed_at.replace(microsecond=0) <= parsed


def create_app(
    settings: Settings, *, catalog: Catalog | None = None, store: Store | None = None, clock: Any = None
) -> Flask:
    """The WSGI app. `clock` (a function returning an aware datetime) is for tests."""
    app = Flask(__name__, template_folder="web_pages")
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    data = catalog or (load_catalog(settings.clinic_dirs) if settings.clinic_dirs else builtin_catalog())
    db = store or Store.open(settings.database_url)
    key = settings_feed_key(settings)
    csrf_key = hmac.new(key, b"csrf", hashlib.sha256).digest()
    now = clock or (lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def plan_id_for(token: str) -> str:
        if len(token) > 100:
            abort(404)
        plan_id = db.plan_for_token(token)
        if plan_id is None:
            abort(404)
        return plan_id

    def csrf_for(token: str) -> str:
        return hmac.new(csrf_key, token.encode(), hashlib.sha256).hexdigest()

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return Response("Not found\n", 404, mimetype="text/plain")

    @app.errorhandler(413)
    def too_large(_: Exception) -> Response:
        return Response("Request too large\n", 413, mimetype="text/plain")

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> Response:
        return Response("Method not allowed\n", 405, mimetype="text/plain")

    feeds = FeedCache()

    @app.route("/feeds/<token>.ics", methods=["GET", "HEAD"])
    def feed(token: str) -> Response:
        plan_id = plan_id_for(token)
        moment = now()
        stored = db.plan(plan_id)
        key = (plan_id, token, db.revision(plan_id), local_today(stored.prescription.timezone, moment))
        exported = feeds.get(key)
        if exported is None:
            exported = export_calendar(db, data, plan_id, moment, token=token, base_url=settings.public_url)
            feeds.put(key, exported)
        etag = '"' + hashlib.sha256(exported.body).hexdigest()[:32] + '"'
        headers = {
            "ETag": etag,
            "Last-Modified": _http_date(exported.changed_at),
            "Cache-Control": "no-cache, private",
        }
        if _not_modified(etag, exported.changed_at):
            return Response(status=304, headers=headers)
        return Response(exported.body, 200, headers=headers, content_type="text/calendar; charset=utf-8")

    @app.get("/p/<token>")
    def page(token: str) -> str:
        plan_id = plan_id_for(token)
        stored = db.plan(plan_id)
        today = local_today(stored.prescription.timezone, now())
        _, plan = plan_as_of(db, data, plan_id, today)
        upcoming = [s for s in plan.sessions if today <= s.date < today + dt.timedelta(days=PAGE_DAYS)]
        html: str = render_template(
            "plan.html",
            plan=plan,
            upcoming=upcoming,
            links=feed_addresses(settings.public_url, token),
            csrf=csrf_for(token),
            today=today.isoformat(),
            flags=RED_FLAGS,
            soreness=SORENESS_CHOICES,
            checkin_path=f"/p/{token}/checkin",
            saved=request.args.get("saved") == "1",
        )
        return html

    @app.post("/p/<token>/checkin")
    def checkin(token: str) -> Any:
        plan_id = plan_id_for(token)
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return Response("Cross-site form posts are refused\n", 403, mimetype="text/plain")
        form = request.form
        if not hmac.compare_digest(form.get("csrf", ""), csrf_for(token)):
            return Response(
                "The form has expired: reload the page and try again\n", 403, mimetype="text/plain"
            )
        try:
            entry = _checkin_from_form(form)
            stored = db.plan(plan_id)
            moment = now()
            record_checkin(db, plan_id, entry, local_today(stored.prescription.timezone, moment), moment)
        except PlannerError as error:
            return Response(f"{error}\n", 400, mimetype="text/plain")
        return redirect(f"/p/{token}?saved=1", code=303)

    return app


def _checkin_from_form(form: Any) -> CheckIn:
    done = form.get("done", "done")
    if done not in ("done", "skipped"):
        raise PlannerError("done: must be 'done' or 'skipped'")
    soreness = form.get("soreness", "none")
    if soreness not in {s.value for s in Soreness}:
        raise PlannerError("soreness: unknown value")
    during, morning = form.get("pain_during", ""), form.get("pain_next_morning", "")
    flags = form.getlist("red_flag")
    if len(flags) > len(RED_FLAGS):
        raise PlannerError("red flags: too many values")
    return CheckIn(
        date=parsing.parse_date(form.get("date", ""), "date"),
        done=done == "done",
        pain_during=parsing.parse_pain(during, "pain during") if during else None,
        pain_next_morning=parsing.parse_pain(morning, "pain next morning") if morning else None,
        soreness=Soreness(soreness),
        red_flags=tuple(dict.fromkeys(red_flag(f).id for f in flags)),
        flare_up=form.get("flare_up") == "yes",
        note=parsing.parse_text(form.get("note", ""), "note", limit=parsing.MAX_NOTE),
    )
