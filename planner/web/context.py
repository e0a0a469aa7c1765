"""How a request reaches the application object, and the lookups every page shares."""

from __future__ import annotations

from flask import abort, current_app

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
