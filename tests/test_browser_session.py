"""The session in hand, in Debian's chromium at phone sizes: the guided timer under Playwright's fake
clock (steps switch at the planned seconds, a phone locked for ten minutes shows the right step, the
end opens the check-in), under the page's own Content-Security-Policy, and axe on the pages."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import guide
from planner.core.model import Prescription
from tests.conftest import Loopback
from tests.test_browser import CHROMIUM, axe_problems, browser

__all__ = ["browser"]  # the module's browser fixture, shared

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)"
)
NOW = dt.datetime(2026, 10, 21, 15, 0, tzinfo=dt.UTC)  # a Wednesday, a run day, in Athens
SHOTS = Path(os.environ.get("REHAB_PLANNER_SHOTS", "")) if os.environ.get("REHAB_PLANNER_SHOTS") else None


class Live:
    def __init__(self, tmp_path: Path) -> None:
        self.clock = [NOW]
        self.app = App.open(
            Settings(db=f"sqlite:///{tmp_path / 'b.db'}", base_url="http://127.0.0.1"),
            clock=lambda: self.clock[0],
        )
        rx = Prescription(
            "Ιωάννα Παπαδοπούλου", dt.date(2026, 10, 5), "Europe/Athens", (1, 3, 6), (2, 4), dt.time(18), 1
        )
        self.plan_id = self.app.create_plan("lbp-return-to-run", rx)
        _, self.secret = self.app.secrets_for(self.plan_id)
        self.server = Loopback(self.app)
        self.base = f"http://127.0.0.1:{self.server.port}"

    def today(self):  # type: ignore[no-untyped-def]
        view = self.app.plan(self.plan_id)
        return next(s for s in view.plan.sessions if s.date == view.today and s.kind.is_active)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    made = Live(tmp_path)
    yield made
    made.server.stop()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"issue-24-{name}.png"), full_page=False)


@pytest.mark.parametrize("width", [360, 390])
def test_a_guided_session_runs_on_timestamps(browser, live: Live, width: int) -> None:
    session = live.today()
    steps = guide.flat(guide.timed(session))
    starts = [sum(s.seconds for s in steps[:i]) for i in range(len(steps))]
    total = sum(s.seconds for s in steps)
    context = browser.new_context(viewport={"width": width, "height": 780}, device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    started = dt.datetime(2026, 10, 21, 15, 30, tzinfo=dt.UTC)
    page.clock.install(time=started)
    page.goto(f"{live.base}/c/{live.secret}")
    page.clock.pause_at(started + dt.timedelta(minutes=1))  # from here time moves only when the test says
    timer = page.locator("[data-guide]")
    page.get_by_role("button", name="Start session").click()
    assert timer.get_attribute("data-step") == "0"
    assert page.locator("[data-guide-now]").inner_text() == steps[0].text
    assert (
        page.locator("[data-guide-clock]").inner_text()
        == f"{steps[0].seconds // 60}:{steps[0].seconds % 60:02d}"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Each change comes at its planned second: one second before it, the step before is still on.
    main = next(i for i, s in enumerate(steps) if s.kind is guide.StepKind.RUN)
    at = 0
    for index in range(1, main + 2):
        page.clock.run_for((starts[index] - 1 - at) * 1000)
        assert timer.get_attribute("data-step") == str(index - 1)
        page.clock.run_for(1000)
        at = starts[index]
        assert timer.get_attribute("data-step") == str(index), steps[index]
        assert page.locator("[data-guide-now]").inner_text() == steps[index].text
    page.clock.run_for((starts[main + 2] + 30 - at) * 1000)
    at = starts[main + 2] + 30
    assert page.locator("[data-guide-now]").inner_text() == "Run"
    if width == 390:
        shot(page, "timer")

    # Locked for ten minutes: no timer fires in between, yet the page shows where the session is.
    page.clock.fast_forward("10:00")
    at += 600
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expected = max(i for i, start in enumerate(starts) if start <= at)
    assert timer.get_attribute("data-step") == str(expected)

    # Paused: time stands still; resumed: it goes on from there.
    page.get_by_role("button", name="Pause").click()
    page.clock.run_for(120_000)
    assert timer.get_attribute("data-step") == str(expected)
    page.get_by_role("button", name="Resume").click()

    # The end opens the check-in for this session.
    page.clock.run_for((total - at + 1) * 1000)
    assert timer.get_attribute("data-step") == "done"
    assert page.evaluate("document.activeElement.closest('form')?.id") == "checkin-form"
    assert page.input_value("#date") == session.date.isoformat()
    assert errors == []
    context.close()


def test_the_page_works_without_script(browser, live: Live) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 780}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live.base}/c/{live.secret}")
    assert not page.get_by_role("button", name="Start session").is_visible()
    assert page.locator("#checkin-form").is_visible()
    context.close()


@pytest.mark.parametrize("width", [360, 390])
def test_the_session_pages_pass_axe(browser, live: Live, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 780}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live.base}/c/{live.secret}")
    assert axe_problems(page) == []
    page.get_by_role("button", name="Start session").click()
    assert axe_problems(page) == []
    context.close()


@pytest.mark.parametrize("width", [360, 390])
def test_home_on_the_phone(browser, live: Live, width: int) -> None:
    """Without the cookie, `/` says where to start; once the check-in link was opened, the home
    screen's icon (`/`) opens the runner's page. Both pass axe."""
    context = browser.new_context(viewport={"width": width, "height": 780}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live.base}/")
    assert "open your check-in link once" in page.inner_text("main")
    assert axe_problems(page) == []
    page.goto(f"{live.base}/c/{live.secret}")
    page.goto(f"{live.base}/")
    assert page.url.endswith(f"/c/{live.secret}")
    assert page.locator("#checkin-form").is_visible()
    context.close()


@pytest.mark.parametrize("width", [360, 390])
def test_the_morning_question_on_a_phone(browser, live: Live, width: int) -> None:
    """The evening's report, then the next morning "pain now" waits at the top of the page: one tap
    on a score and one on save, under the page's own policy; axe finds nothing serious."""
    from planner.core.model import CheckIn

    live.app.record_checkin(live.plan_id, CheckIn(dt.date(2026, 10, 21), pain_during=2))
    live.clock[0] = dt.datetime(2026, 10, 22, 5, 30, tzinfo=dt.UTC)  # 08:30 in Athens
    context = browser.new_context(viewport={"width": width, "height": 780}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live.base}/c/{live.secret}")
    assert axe_problems(page) == []
    context.close()
    context = browser.new_context(viewport={"width": width, "height": 780}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live.base}/c/{live.secret}")
    assert page.locator("#morning-form").bounding_box()["y"] < 400
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 390:
        shot(page, "morning")
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Save morning score").click()
    page.wait_for_url("**saved=morning")
    assert page.locator("#morning-form").count() == 0
    with live.app.store.read() as records:
        assert [c.pain_next_morning for c in records.checkins(live.plan_id)] == [None, 3]
    context.close()


@pytest.mark.parametrize("width", [360, 390])
def test_todays_session_whole_on_a_phone(browser, live: Live, width: int) -> None:
    """Every part of today's session with each exercise's picture, dose and steps one tap away; the
    intervals as the plan has them; the next days one tap away; nothing wider than the phone."""
    session = live.today()
    context = browser.new_context(viewport={"width": width, "height": 780}, device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live.base}/c/{live.secret}")
    today = page.locator("section.today")
    for part in ("Warm up", "Main set", "Cool down"):
        assert today.get_by_role("heading", name=part).count() == 1
    assert "4 times: Walk 2:00 · Run 3:00" in today.inner_text()
    names = [i.text for b in session.blocks for i in b.items if i.amount is not None and i.exercise_id]
    pictures = today.locator(".session-exercise img")
    assert pictures.count() == len([n for n in names if not n.startswith("Walk/run")])
    for index in range(pictures.count()):
        pictures.nth(index).scroll_into_view_if_needed()
        assert pictures.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    leg_swings = today.locator(".session-exercise", has_text="Leg swings")
    assert not leg_swings.get_by_text("Change legs.").is_visible()
    leg_swings.locator("summary").click()
    assert leg_swings.get_by_text("Change legs.").is_visible()
    if width == 390:
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "session")
    later = page.locator("details.day").first
    assert not later.locator(".part").first.is_visible()
    later.locator("summary").first.click()
    assert later.locator(".part").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()
