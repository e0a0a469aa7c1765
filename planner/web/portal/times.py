"""Stored instants (UTC, ISO) as the portal shows them: in a named time zone, as its dates read
elsewhere ("22 Nov 2026, 10:00 CET"), and inside <time> with the instant for machines."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from markupsafe import Markup


def moment(stamp: str, zone: str) -> str:
    """A stored instant in the zone: "22 Nov 2026, 10:00 CET"."""
    local = dt.datetime.fromisoformat(stamp).astimezone(zoneinfo.ZoneInfo(zone))
    return f"{local:%d %b %Y, %H:%M} {local.tzname()}"


def time_tag(stamp: str, zone: str) -> Markup:
    """<time datetime="2026-11-22T09:00:00Z">22 Nov 2026, 10:00 CET</time>."""
    instant = dt.datetime.fromisoformat(stamp).astimezone(dt.UTC)
    return Markup('<time datetime="{}">{}</time>').format(
        f"{instant:%Y-%m-%dT%H:%M:%SZ}", moment(stamp, zone)
    )
