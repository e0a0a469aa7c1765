"""How a request reaches the application object, and the lookups every page shares."""

from __future__ import annotations

import urllib.parse

from flask import abort, current_app, request

from planner.app.application import App
from planner.store.database import TokenKind

EXTENSION = "rehab_planner"


def application() -> App:
    app: App = current_app.extensions[EXTENSION]
    return app


def plan_id_for(token: str, kind: TokenKind = TokenKind.FEED) -> str:
    """The plan behind a live token of `kind`; anything else is a bare 404."""
    if len(token) > 100:
        abort(404)
    plan_id = application().plan_for_token(token, kind)
    if plan_id is None:
        abort(404)
    return plan_id


def same_origin() -> bool:
    """Sec-Fetch-Site, then Origin: a form posted from another site is refused. Under our
    Referrer-Policy (no-referrer) a browser sends "Origin: null" even for its own form, so a null
    Origin passes only with Sec-Fetch-Site: same-origin."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site not in (None, "same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin == "null":
        return fetch_site == "same-origin"
    public = urllib.parse.urlsplit(application().settings.public_url).netloc
    return urllib.parse.urlsplit(origin).netloc in (request.host, public)
