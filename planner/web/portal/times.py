"""Stored instants (UTC, ISO) as the portal shows them: in a named time zone, as its dates read
elsewhere ("22 Nov 2026, 10:00 CET"), and inside <time> with the instant for machines."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from markupsafe import Markup


def local(stamp: str, zone: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp).astimezone(zoneinfo.ZoneInfo(zone))


def local_day(stamp: str, zone: str) -> dt.date:
    """The day a stored instant fell on in the zone."""
    return local(stamp, zone).date()


def moment(stamp: str, zone: str) -> str:
    """A stored instant in the zone: "22 Nov 2026, 10:00 CET"."""
    at = local(stamp, zone)
    return f"{at:%d %b %Y, %H:%M} {at.tzname()}"


def time_tag(stamp: str, zone: str) -> Markup:
    """<time datetime="2026-11-22T09:00:00Z">22 Nov 2026, 10:00 CET</time>."""
    instant = dt.datetime.fromisoformat(stamp).astimezone(dt.UTC)
    return Markup('<time datetime="{}">{}</time>').format(
        f"{instant:%Y-%m-%dT%H:%M:%SZ}", moment(stamp, zone)
    )
