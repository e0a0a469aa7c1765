"""HTTP conditional requests and content coding for the feed (RFC 9110 sections 8.8, 12.5.3, 13),
on raw header values so the feed's WSGI fast path can use them without a framework."""

from __future__ import annotations

import datetime as dt
import email.utils


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, changed_at: dt.datetime
) -> bool:
    """If-None-Match first (weak comparison: W/"x" matches "x"); only without it, a real
    If-Modified-Since comparison."""
    if if_none_match is not None:
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    if not if_modified_since:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if parsed.tzinfo is None:
        return False
    return changed_at.replace(microsecond=0) <= parsed


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether the client takes gzip: named with a q above zero, or "*" likewise."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            accepted[name.lower()] = quality
    return accepted.get("gzip", accepted.get("*", 0.0)) > 0
