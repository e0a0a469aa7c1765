"""Throttles counted in the database, inside the transaction that decides: the keys are locked,
the events in the window counted, and the new event written before the transaction commits, so any
number of threads and server processes on one database never let more than the limit through.
(Flask-Limiter's memory store counts per process; a database counter needs no other service.)"""

from __future__ import annotations

import datetime as dt

import attrs

from planner.core.exceptions import InputError
from planner.store.database import Records


class Throttled(InputError):
    """Too many attempts from this address or for this account: try again later (HTTP 429)."""


@attrs.frozen
class Limit:
    count: int
    window: dt.timedelta


START_PLANS = (Limit(5, dt.timedelta(hours=1)), Limit(20, dt.timedelta(days=1)))  # plans made per address
LINK_FAILURES = (Limit(20, dt.timedelta(minutes=15)),)  # unknown, spent or expired links per address


def over_limit(records: Records, scope: str, key: str, now: dt.datetime, limits: tuple[Limit, ...]) -> bool:
    """Whether `key` has used up any of its limits; the key stays locked until the caller's write
    transaction ends, so the caller's decision and its `count` cannot be overtaken."""
    records.portal.lock(f"{scope}:{key}")
    return any(
        records.portal.throttle_count(scope, key, now - limit.window) >= limit.count for limit in limits
    )


def count(records: Records, scope: str, key: str, now: dt.datetime) -> None:
    records.portal.add_throttle_event(scope, key, now)
