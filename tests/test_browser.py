"""The phone page in a real headless browser (Debian's chromium, driven by Playwright): a person opens
the check-in link, fills the form and saves it; the report is stored. Nothing scrolls sideways at 360
or 390 px, the form starts on the first screen, and the page works under its own
Content-Security-Policy (styles load, no script needed)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.app.application import App
from planner.app.settings import Settings
from planner.core.model import Prescription
from tests.conftest import Loopback

CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "") if p and os.path.exists(p)),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)"
)
NOW = dt.datetime(2026, 10, 21, 17, 0, tzinfo=dt.UTC)  # a Wednesday evening in Athens


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[App, str, str, str]]:
    app = App.open(
        Settings(db=f"sqlite:///{tmp_path / 'b.db'}", base_url="http://127.0.0.1"), clock=lambda: NOW
    )
    rx = Prescription(
        "Ιωάννα Παπαδοπούλου", dt.date(2026, 10, 5), "Europe/Athens", (1, 3, 6), (2, 4), dt.time(18), 1
    )
    plan_id = app.create_plan("lbp-return-to-run", rx)
    _, secret = app.secrets_for(plan_id)
    server = Loopback(app)
    yield app, plan_id, f"http://127.0.0.1:{server.port}", secret
    server.stop()


@pytest.mark.parametrize("width", [360, 390])
def test_a_person_checks_in_on_a_phone(browser, live, width: int, tmp_path: Path) -> None:
    app, plan_id, base, secret = live
    context = browser.new_context(viewport={"width": width, "height": 780}, device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/c/{secret}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
    assert page.locator("form").bounding_box()["y"] < 780  # the form starts on the first screen
    assert (
        page.evaluate("getComputedStyle(document.querySelector('button')).minHeight") == "48px"
    )  # CSS loaded
    page.select_option("#pain_during", "2")
    page.select_option("#pain_next_morning", "1")
    page.get_by_label("Stiffness or swelling after the session").check()
    page.screenshot(path=str(tmp_path / f"phone-{width}.png"), full_page=False)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**saved=1")
    assert "your check-in is saved" in page.inner_text("main")
    assert errors == []  # the Content-Security-Policy blocked nothing the page needs
    with app.store.read() as records:
        (stored,) = records.checkins(plan_id)
    assert (stored.date, stored.pain_during, stored.pain_next_morning) == (dt.date(2026, 10, 21), 2, 1)
    assert stored.stiff_or_swollen and stored.done
    context.close()


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  # axe-core 4.14.1, MPL-2.0
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("width", [360, 390])
def test_the_phone_page_passes_axe(browser, live, width: int) -> None:
    """axe-core finds nothing serious or critical (WCAG 2.1 AA) on the check-in page, before and
    after a report (the report brings the progress chart). axe is injected, so this context bypasses
    the Content-Security-Policy; the test above keeps the policy on."""
    _app, _plan_id, base, secret = live
    context = browser.new_context(viewport={"width": width, "height": 780}, bypass_csp=True)
    page = context.new_page()
    for step in ("before", "after"):
        if step == "after":
            page.select_option("#pain_during", "3")
            page.get_by_role("button", name="Save check-in").click()
            page.wait_for_url("**saved=1")
            assert page.locator("figure svg[role=img]").count() == 1
        else:
            page.goto(f"{base}/c/{secret}")
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (step, serious)
    context.close()
