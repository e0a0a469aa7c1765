"""Security headers: flask-talisman on the pages, the same list on the feed's route outside Flask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response

View = TypeVar("View", bound=Callable[..., Any])

# No script (but see own_script_allowed); styles from our own file; forms post only to us; never framed.
CONTENT_SECURITY_POLICY = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "manifest-src": "'self'",  # the web app manifest ("Add to home screen")
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


HSTS = "Strict-Transport-Security"


def security_headers(https: bool) -> list[tuple[str, str]]:
    """The headers flask-talisman sets on the pages, for the feed's route outside Flask."""
    policy = "; ".join(f"{name} {value}" for name, value in CONTENT_SECURITY_POLICY.items())
    headers = [
        ("Content-Security-Policy", policy),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    if https:
        headers.append((HSTS, "max-age=31536000; includeSubDomains"))
    return headers


def secure_headers(web: Flask, *, https: bool) -> None:
    """Security headers on every answer, errors included (flask-talisman), and no caching of pages:
    tokens are in the URLs, so no Referer leaves the site and no page stays in a shared cache."""
    from flask_talisman import Talisman

    Talisman(
        web,
        force_https=False,  # a personal server on loopback speaks plain http; HSTS when https
        strict_transport_security=False,  # Talisman's only on requests it sees as https: ours, below
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="no-referrer",
        session_cookie_secure=https,
    )

    hsts = dict(security_headers(https)).get(HSTS)

    @web.after_request
    def no_store(response: Response) -> Response:
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        if hsts:  # every answer when the public address is https, whatever the proxy forwarded
            response.headers[HSTS] = hsts
        return response


def own_script_allowed(view: View) -> View:
    """The one exception to "no script": a view whose page loads a script file of our own (the
    time-zone helper on /start). Inline script and any other origin stay refused."""
    return _policy(view, {"script-src": "'self'"})


def own_script_polling(view: View) -> View:
    """As own_script_allowed, for a page whose script also asks our own server how far a job is
    (fetch needs connect-src)."""
    return _policy(view, {"script-src": "'self'", "connect-src": "'self'"})


def _policy(view: View, allowed: dict[str, str]) -> View:
    policy = {**CONTENT_SECURITY_POLICY, **allowed}
    view.talisman_view_options = {"content_security_policy": policy}  # type: ignore[attr-defined]
    return view
