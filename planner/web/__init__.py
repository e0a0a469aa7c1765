"""The web edge (Flask, served by waitress), all on one application object: the calendar feed as a
small WSGI route in front of Flask (planner.web.feed: it is fetched most and needs least), and the
phone page as a blueprint; the clinician portal will be another.

Unknown or revoked tokens get a bare 404. Bad input gets a 4xx with a short message, never a 500.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import redflags, wording
from planner.web import feed, home, outcome_form, phone_page, portal, start
from planner.web.context import EXTENSION
from planner.web.headers import secure_headers, security_headers

MAX_REQUEST_BYTES = 16 * 1024  # every form; a roster upload may be larger (portal.ROSTER_BYTES)
# waitress refuses a body larger than the largest upload from its Content-Length, before reading it.
# Slow or idle clients: waitress stops accepting at `connection_limit` open connections (100 by
# default, so 100 idle sockets from one address stopped everyone until its 120 s timeout); allow
# far more, close a connection idle for 30 s (checked every 10 s), and wait with poll(), which,
# unlike select(), has no 1024-descriptor ceiling. The request threads (--threads) serve only
# complete requests, so idle sockets never hold one. A public server still goes behind a reverse
# proxy (README, "Deployment"), which buffers slow clients and caps connections per address.
SERVER_OPTIONS: dict[str, Any] = {
    "max_request_body_size": portal.ROSTER_BYTES,
    "ident": "rehab-planner",
    "connection_limit": 2000,
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "asyncore_use_poll": True,
}


def server_options(settings: Settings) -> dict[str, Any]:
    """waitress's options for these settings: behind trusted proxies it must pass the
    X-Forwarded-* headers on (it drops them by default) for ProxyFix to read (behind_proxies)."""
    if settings.trusted_proxies:
        return {**SERVER_OPTIONS, "clear_untrusted_proxy_headers": False}
    return SERVER_OPTIONS


def listening_server(wsgi: Any, settings: Settings, *, host: str, port: int, threads: int) -> Any:
    """waitress listening for `wsgi` (not yet serving). Everything made up to now (modules, the
    catalog, the app) is then frozen out of the garbage collector's sight: otherwise a request
    now and then pays for a full pass over all of it (about 70 ms in a portal process), and those
    passes were what the patient list's slowest requests waited on."""
    from waitress.server import create_server

    server = create_server(wsgi, host=host, port=port, threads=threads, **server_options(settings))
    gc.freeze()
    return server


def create_app(app: App) -> Flask:
    """The WSGI app around one application object (its clock included, for tests)."""
    web = Flask(__name__)
    web.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    web.extensions[EXTENSION] = app
    web.jinja_env.globals.update(
        flags=wording.RED_FLAGS,
        headings=wording.URGENCY_HEADING,
        subscribe_or_import=wording.SUBSCRIBE_OR_IMPORT,
        not_advice=wording.NOT_MEDICAL_ADVICE,
        signs=redflags.signs,  # warning-sign ids as the words the patient ticked
    )
    web.register_blueprint(phone_page.blueprint)
    web.register_blueprint(home.blueprint)
    web.register_blueprint(outcome_form.blueprint)
    portal_sessions(web, app, https=app.settings.public_url.startswith("https://"))
    if app.settings.start_page:
        web.register_blueprint(start.blueprint)
    https = app.settings.public_url.startswith("https://")
    secure_headers(web, https=https)
    routed = feed.FeedRoute(web.wsgi_app, app, security_headers(https))
    web.wsgi_app = behind_proxies(routed, app.settings.trusted_proxies)  # type: ignore[method-assign]
    web.add_url_rule("/favicon.ico", "favicon", lambda: Response(status=204))  # browsers ask; no icon

    for status, text in (
        (404, "Not found"),
        (405, "Method not allowed"),
        (413, "Request too large"),
        (429, "Too many requests from this address: try again later"),
    ):
        web.register_error_handler(status, _plain(status, text))
    return web


def behind_proxies(wsgi: Any, trusted: int) -> Any:
    """With `trusted` reverse proxies in front (Settings.trusted_proxies), the client's address,
    scheme, host and port come from the last `trusted` entries of their X-Forwarded-* headers
    (werkzeug's ProxyFix), so the throttles see the client, not the proxy, and https is known.
    None trusted: the headers are ignored, as anyone can send them."""
    if not trusted:
        return wsgi
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(wsgi, x_for=trusted, x_proto=trusted, x_host=trusted, x_port=trusted)


def portal_sessions(web: Flask, app: App, *, https: bool) -> None:
    """The portal: Flask-Login sessions in a cookie signed with a key derived from the feed key
    (HttpOnly, SameSite=Lax, Secure behind https), and Flask-WTF's CSRF token on every form. The
    phone page and /start check their own forms (a per-plan HMAC, a signed proof) and are exempt."""
    from flask_wtf.csrf import CSRFError, CSRFProtect

    web.config.update(
        SECRET_KEY=hmac.new(app.feed_key, b"portal-session", hashlib.sha256).digest(),
        SESSION_COOKIE_NAME="rp_portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_PATH="/portal",
        WTF_CSRF_SSL_STRICT=False,  # it wants a Referer, which our Referrer-Policy never sends
        WTF_CSRF_TIME_LIMIT=None,  # the session's own timeouts bound the token
    )
    csrf = CSRFProtect(web)
    csrf.exempt(phone_page.blueprint)
    csrf.exempt(outcome_form.blueprint)
    if app.settings.start_page:
        csrf.exempt(start.blueprint)
    portal.install(web)
    web.register_blueprint(portal.blueprint)
    web.register_error_handler(
        CSRFError,
        lambda _: Response(
            "The form has expired: reload the page and try again\n", 400, mimetype="text/plain"
        ),
    )


def _plain(status: int, text: str) -> Callable[[HTTPException], Response]:
    """A short plain-text answer that keeps what the error must say (a 405's Allow header)."""

    def handler(error: HTTPException) -> Response:
        response = Response(f"{text}\n", status, mimetype="text/plain")
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    return handler


__all__ = ["create_app", "server_options"]
