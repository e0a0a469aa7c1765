"""A home on the phone: `/` and the web app manifest that "Add to home screen" reads.

GET /                       a phone that keeps a check-in link (the cookie /c/... sets) goes to its
                            runner's page; any other visitor gets a short page saying what this
                            server is and where to start
GET /manifest.webmanifest   name, icons and the start address, so the phone's icon opens `/`
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request

from planner.core import wording
from planner.store.database import TokenKind
from planner.web.context import application
from planner.web.phone_page import COOKIE

THEME = "#14536a"  # the pages' heading colour (page.css)
ICON_SIZES = (192, 512)

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def home() -> Response | str:
    kept = request.cookies.get(COOKIE, "")
    if kept and len(kept) <= 100 and application().plan_for_token(kept, TokenKind.CHECKIN) is not None:
        return redirect(f"/c/{kept}", code=303)  # type: ignore[return-value]
    page: str = render_template(
        "home.html",
        title=wording.HOME_TITLE,
        text=wording.HOME_TEXT,
        start=wording.HOME_START if application().settings.start_page else "",
    )
    return page


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    body = {
        "name": wording.HOME_TITLE,
        "short_name": wording.HOME_TITLE,
        "description": wording.HOME_TEXT,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {
                "src": f"/static/icon-{size}.png",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ],
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "max-age=86400"
    return response
