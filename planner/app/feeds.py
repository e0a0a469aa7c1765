"""Feed addresses: tokens derived from a secret key, so an address can be shown again while the
database holds only their hashes, and the four ways to reach one feed.

Example:
    >>> derive_token(b"k" * 32, "ab12cd34", 1) == derive_token(b"k" * 32, "ab12cd34", 1)
    True
    >>> feed_addresses("https://plans.example.org/", "TOKEN").webcal
    'webcal://plans.example.org/feeds/TOKEN.ics'
    >>> is_loopback_url("http://127.0.0.1:8080"), is_loopback_url("https://plans.example.org")
    (True, False)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import ipaddress
import os
import secrets
import tempfile
import urllib.parse
from pathlib import Path

import attrs

from planner.core.exceptions import InputError

FEED_KEY_ENV = "REHAB_PLANNER_FEED_KEY"


MIN_KEY_BYTES = 32


def load_feed_key(key_file: Path) -> bytes:
    """From the environment (at least 32 bytes), else a key file made once, atomically: the key is
    written to a private temporary file and linked into place, which fails if another process got
    there first, and then whatever is in place is read back. No process ever sees a partial key."""
    from_env = os.environ.get(FEED_KEY_ENV)
    if from_env is not None:
        if len(from_env.encode()) < MIN_KEY_BYTES:
            raise InputError(f"{FEED_KEY_ENV} must be at least {MIN_KEY_BYTES} bytes long")
        return from_env.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".feed-key.", dir=key_file.parent)  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(temporary, key_file)
        finally:
            os.unlink(temporary)
    key = key_file.read_text().strip().encode()
    if len(key) < MIN_KEY_BYTES:
        raise InputError(f"the feed key file {key_file} is shorter than {MIN_KEY_BYTES} bytes")
    return key


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


def is_loopback_host(host: str) -> bool:
    """Only this machine can reach it: a phone cannot open an address there."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urllib.parse.urlsplit(url).hostname or "")


def listening_url(host: str, port: int, hostname: str) -> str:
    """The address a server listening on host:port is reached at; a wildcard host (every
    interface) is reached by the machine's name.

    >>> listening_url("::1", 8080, "box"), listening_url("0.0.0.0", 80, "box")
    ('http://[::1]:8080', 'http://box:80')
    """
    if host in ("", "0.0.0.0", "::"):
        host = hostname
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
