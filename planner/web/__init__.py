"""The web edge (Flask, served by waitress), all on one application object: the calendar feed as a
small WSGI route in front of Flask (planner.web.feed: it is fetched most and needs least), and the
phone page as a blueprint; the clinician portal will be another.

Unknown or revoked tokens get a bare 404. Bad input gets a 4xx with a short message, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from planner.app.application import App
from planner.web import feed, phone_page
from planner.web.context import EXTENSION

MAX_REQUEST_BYTES = 16 * 1024
# waitress refuses a larger body from its Content-Length, before reading it
SERVER_OPTIONS = {"max_request_body_size": MAX_REQUEST_BYTES, "ident": "rehab-planner"}


def create_app(app: App) -> Flask:
    """The WSGI app around one application object (its clock included, for tests)."""
    web = Flask(__name__)
    web.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    web.extensions[EXTENSION] = app
    web.register_blueprint(phone_page.blueprint)
    https = app.settings.public_url.startswith("https://")
    secure_headers(web, https=https)
    web.wsgi_app = feed.FeedRoute(web.wsgi_app, app, security_headers(https))  # type: ignore[method-assign]
    web.add_url_rule("/favicon.ico", "favicon", lambda: Response(status=204))  # browsers ask; no icon

    for status, text in ((404, "Not found"), (405, "Method not allowed"), (413, "Request too large")):
        web.register_error_handler(status, _plain(status, text))
    return web


# No script anywhere; styles from our own file; forms post only to us; never framed.
CONTENT_SECURITY_POLICY = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


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
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def secure_headers(web: Flask, *, https: bool) -> None:
    """Security headers on every answer, errors included (flask-talisman), and no caching of pages:
    tokens are in the URLs, so no Referer leaves the site and no page stays in a shared cache."""
    from flask_talisman import Talisman

    Talisman(
        web,
        force_https=False,  # a personal server on loopback speaks plain http; HSTS when https
        strict_transport_security=https,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="no-referrer",
        session_cookie_secure=https,
    )

    @web.after_request
    def no_store(response: Response) -> Response:
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


def _plain(status: int, text: str) -> Callable[[HTTPException], Response]:
    """A short plain-text answer that keeps what the error must say (a 405's Allow header)."""

    def handler(error: HTTPException) -> Response:
        response = Response(f"{text}\n", status, mimetype="text/plain")
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    return handler


__all__ = ["create_app"]
