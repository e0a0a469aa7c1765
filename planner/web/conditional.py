"""HTTP conditional requests for the feed: ETag and Last-Modified, RFC 9110 section 13."""

from __future__ import annotations

import datetime as dt
import email.utils

from flask import Request


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def not_modified(request: Request, etag: str, changed_at: dt.datetime) -> bool:
    """If-None-Match first; only without it, a real If-Modified-Since comparison."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:  # weak comparison (RFC 9110 8.8.3.2): W/"x" matches "x"
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
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


def accepts_gzip(request: Request) -> bool:
    """Whether the client takes gzip (RFC 9110 12.5.3): named with a q above zero, or "*" likewise."""
    accepted: dict[str, float] = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
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
