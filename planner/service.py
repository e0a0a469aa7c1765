"""The few steps every edge (CLI, web, roster) shares: load, build, record, address a feed.

These functions touch the store and the clock's *values* handed to them; the planning itself
stays in planner.schedule.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
import urllib.parse
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from planner.catalog import Catalog
from planner.clinic import DEFAULT_CLINIC, Clinic
from planner.exceptions import InputError
from planner.model import CheckIn, Plan, Prescription
from planner.schedule import build
from planner.store import Store, StoredPlan

if TYPE_CHECKING:
    from planner.settings import Settings

FEED_KEY_ENV = "REHAB_PLANNER_FEED_KEY"


def plan_as_of(store: Store, catalog: Catalog, plan_id: str, today: dt.date) -> tuple[StoredPlan, Plan]:
    stored = store.plan(plan_id)
    protocol = catalog.protocol(stored.protocol_id)
    plan = build(stored.prescription, protocol, catalog.library, store.checkins(plan_id), today)
    return stored, plan


def plan_today(store: Store, catalog: Catalog, plan_id: str, now: dt.datetime) -> Plan:
    """The plan as of today in the person's own time zone: what every export shows."""
    stored = store.plan(plan_id)
    return plan_as_of(store, catalog, plan_id, local_today(stored.prescription.timezone, now))[1]


def create_plan(
    store: Store,
    catalog: Catalog,
    protocol_id: str,
    rx: Prescription,
    now: dt.datetime,
    roster_key: str | None = None,
) -> str:
    """Check everything by building the plan once before anything is stored."""
    build(rx, catalog.protocol(protocol_id), catalog.library, (), rx.start)
    return store.create_plan(protocol_id, rx, now, roster_key)


def update_plan(
    store: Store, catalog: Catalog, plan_id: str, protocol_id: str, rx: Prescription, now: dt.datetime
) -> bool:
    """Replace a plan's prescription (a re-issued roster row), checked first; True if it changed."""
    build(rx, catalog.protocol(protocol_id), catalog.library, (), rx.start)
    return store.update_plan(plan_id, protocol_id, rx, now)


def record_checkin(store: Store, plan_id: str, checkin: CheckIn, today: dt.date, now: dt.datetime) -> None:
    stored = store.plan(plan_id)
    if checkin.date < stored.prescription.start:
        raise InputError(f"date: {checkin.date} is before the plan starts ({stored.prescription.start})")
    if checkin.date > today:
        raise InputError(f"date: {checkin.date} is in the future; check in on or after the day")
    store.add_checkin(plan_id, checkin, now)


def local_today(zone: str, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()


# -- feed addresses ---------------------------------------------------------------------------
def feed_key(key_file: Path) -> bytes:
    """The secret that derives feed tokens, so an address can be shown again while the database
    holds only hashes. From the environment, else a key file created once (mode 0600)."""
    from_env = os.environ.get(FEED_KEY_ENV)
    if from_env:
        return from_env.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return key_file.read_text().strip().encode()


def derive_token(key: bytes, plan_id: str, generation: int) -> str:
    """192 bits of HMAC: unguessable without the key; a new generation is a new address."""
    digest = hmac.new(key, f"{plan_id}:{generation}".encode(), hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@attrs.frozen
class FeedAddresses:
    https: str
    webcal: str
    google: str
    page: str


def feed_addresses(base_url: str, token: str) -> FeedAddresses:
    base = base_url.rstrip("/")
    https = f"{base}/feeds/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + urllib.parse.quote(webcal, safe="")
    return FeedAddresses(https, webcal, google, f"{base}/p/{token}")


def ensure_feed(store: Store, plan_id: str, key: bytes, now: dt.datetime, *, rotate: bool = False) -> str:
    """The plan's current feed token, issuing the first one (or a new one on rotate)."""
    generation = store.token_generation(plan_id)
    if rotate or store.active_token_count(plan_id) == 0:
        generation += 1
        token = derive_token(key, plan_id, generation)
        store.add_token(plan_id, token, now)
        return token
    return derive_token(key, plan_id, generation)


def current_token(store: Store, plan_id: str, key: bytes) -> str | None:
    """The live feed token, re-derived from the key; None when the feed is revoked or never made."""
    if store.active_token_count(plan_id) == 0:
        return None
    return derive_token(key, plan_id, store.token_generation(plan_id))


@attrs.frozen
class CalendarExport:
    body: bytes
    changed_at: dt.datetime


def export_calendar(
    store: Store,
    catalog: Catalog,
    plan_id: str,
    now: dt.datetime,
    *,
    token: str | None,
    base_url: str,
    include_rest: bool = False,
    reminder_minutes: int | None = None,
) -> CalendarExport:
    """Build the plan as of today in its own zone, sync SEQUENCE numbers, and render the calendar."""
    from planner.export import ical

    plan = plan_today(store, catalog, plan_id, now)
    addresses = feed_addresses(base_url, token) if token else None
    events = ical.events_for(
        plan, plan_id, include_rest=include_rest, checkin_url=addresses.page if addresses else ""
    )
    sync = store.sync_events(plan_id, ical.fingerprints(events), now)
    body = ical.render(
        plan,
        plan_id,
        events,
        sync.states,
        sync.changed_at,
        feed_url=addresses.https if addresses else "",
        reminder_minutes=reminder_minutes,
    )
    return CalendarExport(body, sync.changed_at)


def settings_feed_key(settings: Settings) -> bytes:
    return feed_key(settings.feed_key_file)


def export_handout(
    store: Store,
    catalog: Catalog,
    plan_id: str,
    now: dt.datetime,
    *,
    token: str | None,
    base_url: str,
    clinic: Clinic | None = None,
    paper: str = "a4",
    large_print: bool = False,
) -> bytes:
    """The printed programme as of today, with a QR code to the feed when the plan has one."""
    from planner.export import pdf

    plan = plan_today(store, catalog, plan_id, now)
    options = pdf.HandoutOptions(
        paper=paper,
        large_print=large_print,
        feed_url=feed_addresses(base_url, token).https if token else "",
        clinic=clinic or DEFAULT_CLINIC,
    )
    return pdf.render(plan, plan_id, catalog.protocol(plan.protocol_id), catalog.library, options)
