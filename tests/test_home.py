"""A home on the phone: `/` with and without the check-in cookie, the manifest and its icons."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from PIL import Image

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import wording
from planner.core.model import Prescription
from planner.store.database import TokenKind
from planner.web import create_app

NOW = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)


def made(tmp_path: Path, *, start_page: bool = False, name: str = "h.db") -> tuple[App, str, str]:
    app = App.open(Settings(db=f"sqlite:///{tmp_path / name}", start_page=start_page), clock=lambda: NOW)
    rx = Prescription("Ana", dt.date(2026, 3, 2), "Europe/Lisbon", (1, 3, 6), (2, 4), dt.time(7), 1)
    plan_id = app.create_plan("lbp-return-to-run", rx)
    return app, plan_id, app.secrets_for(plan_id)[1]


def test_home_without_the_cookie_says_what_this_is(tmp_path: Path) -> None:
    app, _, _ = made(tmp_path)
    answer = create_app(app).test_client().get("/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and wording.HOME_TEXT in page
    assert 'href="/start"' not in page  # /start is off on this server
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    with_start = create_app(made(tmp_path, start_page=True, name="s.db")[0]).test_client().get("/")
    assert 'href="/start"' in with_start.get_data(as_text=True)


def test_home_with_the_cookie_opens_the_runners_page(tmp_path: Path) -> None:
    app, plan_id, secret = made(tmp_path)
    client = create_app(app).test_client()
    assert client.get(f"/c/{secret}").status_code == 200  # the phone now keeps the link
    answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["Location"] == f"/c/{secret}"
    app.secrets_for(plan_id, rotate=TokenKind.CHECKIN)  # a lost handout: the old link stops
    answer = client.get("/")
    assert answer.status_code == 200 and wording.HOME_TEXT in answer.get_data(as_text=True)
    client.set_cookie("rp_checkin", "x" * 500)
    assert client.get("/").status_code == 200


def test_the_manifest_and_its_icons(tmp_path: Path) -> None:
    app, _, _ = made(tmp_path)
    client = create_app(app).test_client()
    answer = client.get("/manifest.webmanifest")
    assert answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.data)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).data))
        assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
    assert "manifest-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_pictograms_for_the_phone_page(tmp_path: Path) -> None:
    """A stick figure as SVG without style attributes (the page's policy ignores them), a clinic's own
    picture as it is, and nothing for an unknown exercise."""
    import attrs

    from planner.data.catalog import builtin_catalog

    catalog = builtin_catalog()
    picture = tmp_path / "plank.png"
    Image.new("RGB", (60, 36), "white").save(picture)
    plank = attrs.evolve(
        catalog.library.exercise("plank"), image="plank.png", origin=str(tmp_path / "x.toml")
    )
    library = attrs.evolve(catalog.library, exercises={**catalog.library.exercises, "plank": plank})
    app = App.open(
        Settings(db="sqlite://"), clock=lambda: NOW, catalog=attrs.evolve(catalog, library=library)
    )
    client = create_app(app).test_client()
    figure = client.get("/pictograms/bird-dog")
    assert figure.mimetype == "image/svg+xml" and b"<svg" in figure.data and b"style=" not in figure.data
    own = client.get("/pictograms/plank")
    assert own.mimetype == "image/png" and Image.open(io.BytesIO(own.data)).size == (60, 36)
    assert client.get("/pictograms/no-such-exercise").status_code == 404
