"""Feed addresses: tokens derived from a secret key, so an address can be shown again while the
database holds only their hashes, and the four ways to reach one feed.

Example:
    >>> derive_token(b"k" * 32, "ab12cd34", 1) == derive_token(b"k" * 32, "ab12cd34", 1)
    True
    >>> feed_addresses("https://plans.example.org/", "TOKEN").webcal
    'webcal://plans.example.org/feeds/TOKEN.ics'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import urllib.parse
from pathlib import Path

import attrs

FEED_KEY_ENV = "REHAB_PLANNER_FEED_KEY"


def load_feed_key(key_file: Path) -> bytes:
    """From the environment, else a key file created once (mode 0600)."""
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
    """The read-only feed (three ways to subscribe), its page, and the check-in address, which
    alone can post reports."""

    https: str
    webcal: str
    google: str
    page: str
    checkin: str = ""


def feed_addresses(base_url: str, token: str, checkin: str = "") -> FeedAddresses:
    base = base_url.rstrip("/")
    https = f"{base}/feeds/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + urllib.parse.quote(webcal, safe="")
    return FeedAddresses(https, webcal, google, f"{base}/p/{token}", f"{base}/c/{checkin}" if checkin else "")
