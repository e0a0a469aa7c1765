"""The phone page in a real headless browser (Debian's chromium, driven by Playwright): a person opens
the check-in link, fills the form and saves it; the report is stored. Nothing scrolls sideways at 360
or 390 px, the form starts on the first screen, and the page works under its own
Content-Security-Policy (styles load, no script needed)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import urllib.parse
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
    jump = page.get_by_role("link", name="Check in after the session")
    assert jump.bounding_box()["y"] < 780  # the way to the form is on the first screen
    jump.click()
    assert page.locator("#checkin-form").bounding_box()["y"] < 780
    assert (
        page.evaluate("getComputedStyle(document.querySelector('button')).minHeight") == "48px"
    )  # CSS loaded
    page.select_option("#pain_during", "2")
    page.get_by_text("More: soreness, stiffness").click()  # the less common questions fold away
    page.get_by_label("Stiffness or swelling after the session").check()
    page.screenshot(path=str(tmp_path / f"phone-{width}.png"), full_page=False)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**saved=1")
    assert "your check-in is saved" in page.inner_text("main")
    assert errors == []  # the Content-Security-Policy blocked nothing the page needs
    with app.store.read() as records:
        (stored,) = records.checkins(plan_id)
    assert (stored.date, stored.pain_during, stored.pain_next_morning) == (dt.date(2026, 10, 21), 2, None)
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


@pytest.fixture
def personal(tmp_path: Path) -> Iterator[tuple[App, str]]:
    """A personal server with /start on, as `serve` on loopback runs it."""
    app = App.open(
        Settings(db=f"sqlite:///{tmp_path / 's.db'}", base_url="http://127.0.0.1", start_page=True),
        clock=lambda: NOW,
    )
    server = Loopback(app)
    yield app, f"http://127.0.0.1:{server.port}"
    server.stop()


def phone(browser, width: int = 390, **options: object):  # type: ignore[no-untyped-def]
    return browser.new_context(
        viewport={"width": width, "height": 780}, timezone_id="Europe/Athens", **options
    )


def answer_questions(page, name: str = "Eleni") -> None:  # type: ignore[no-untyped-def]
    page.select_option("#pain_at_rest", "1")
    for question, answer in (
        ("walk briskly", "Yes"),
        ("running regularly", "Yes"),
        ("flare-up now", "No"),
        ("minimal or barefoot", "No"),
    ):
        page.get_by_role("group", name=re.compile(question)).get_by_label(answer, exact=True).check()
    page.select_option("#run_days", "tue,thu,sat")
    page.fill("#time", "18:30")
    page.fill("#name", name)


def test_a_runner_makes_a_plan_on_a_phone_and_subscribes(browser, personal) -> None:
    from planner.core.prescription_checks import day_names
    from tests.calendar_checks import parse_everywhere

    app, base = personal
    context = phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/start")
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Next").click()
    assert page.input_value("#tz") == "Europe/Athens"  # taken from the phone, under the page's CSP
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    answer_questions(page)
    page.get_by_role("button", name="See my programme").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Low back pain: graded return to running"
    assert "You ran before your back pain" in page.inner_text("main")
    page.get_by_role("button", name="Make my plan").click()
    page.wait_for_url("**new=1")
    assert "Your plan is ready" in page.inner_text("main")
    (stored,), _ = app.plans()
    rx = stored.prescription
    assert (rx.name, rx.timezone, day_names(rx.run_days), rx.session_time) == (
        "Eleni",
        "Europe/Athens",
        "tue,thu,sat",
        dt.time(18, 30),
    )
    feed = page.get_by_role("link", name="Calendar address (https)").get_attribute("href")
    assert feed is not None
    answer = page.request.get(base + feed.removeprefix("http://127.0.0.1"))
    calendar = parse_everywhere(answer.body())  # what the calendar app will subscribe to
    assert calendar.events
    handout = page.get_by_role("link", name="Your programme to print (PDF)").get_attribute("href")
    pdf = page.request.get(base + str(handout))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.goto(f"{base}/p/{app.current_token(stored.id)}")  # the phone remembers the check-in secret
    assert page.get_by_role("button", name="Save check-in").count() == 1
    assert errors == []
    context.close()


def test_a_warning_sign_on_a_phone_stores_nothing(browser, personal, tmp_path: Path) -> None:
    app, base = personal
    before = Path(app.settings.database_url.removeprefix("sqlite:///")).read_bytes()
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{base}/start")
    page.get_by_label("New difficulty passing urine").check()
    page.get_by_label("Yes: I have ticked them").check()
    page.get_by_role("button", name="Next").click()
    assert page.get_by_role("alert").inner_text().startswith("Do not start a running plan.")
    assert "call 112" in page.inner_text("main")  # Greece, from the phone's time zone
    assert context.cookies() == []
    assert app.plans() == ([], [])
    assert Path(app.settings.database_url.removeprefix("sqlite:///")).read_bytes() == before
    context.close()


def test_wrong_answers_show_at_their_fields_on_a_phone(browser, personal) -> None:
    _app, base = personal
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{base}/start")
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Next").click()
    answer_questions(page, name="   ")
    page.fill("#tz", "Atlantis/Capital")
    page.get_by_role("button", name="See my programme").click()
    name = page.locator("#name")
    assert name.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + name.get_attribute("aria-describedby")).inner_text() == (
        "name: please answer this"
    )
    assert "unknown time zone 'Atlantis/Capital'" in page.locator("#tz-error").inner_text()
    assert page.input_value("#run_days") == "tue,thu,sat"  # the other answers stay
    context.close()


def axe_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [360, 390])
def test_every_start_page_passes_axe(browser, personal, width: int) -> None:
    """The warning signs, the questions (with their error messages), the programme, the plan, and the
    stop page: nothing serious or critical (WCAG 2.1 AA), nothing scrolls sideways."""
    _app, base = personal
    context = phone(browser, width, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/start")
    steps = {"warning signs": axe_problems(page)}
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="See my programme").click()  # nothing answered: every error shows
    steps["questions with errors"] = axe_problems(page)
    answer_questions(page)
    page.get_by_role("button", name="See my programme").click()
    steps["programme"] = axe_problems(page)
    page.get_by_role("button", name="Make my plan").click()
    page.wait_for_url("**new=1")
    steps["new plan"] = axe_problems(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{base}/start")
    page.get_by_label("Fever or chills").check()
    page.get_by_label("Yes: I have ticked them").check()
    page.get_by_role("button", name="Next").click()
    steps["stop"] = axe_problems(page)
    assert all(problems == [] for problems in steps.values()), steps
    context.close()


@pytest.fixture
def demo_clinic(tmp_path: Path) -> Iterator[tuple[App, str, str]]:
    """The demo clinic (twenty patients, every status) on the real server."""
    from planner.app.demo_clinic import seed

    app = App.open(
        Settings(db=f"sqlite:///{tmp_path / 'c.db'}", base_url="http://127.0.0.1"), clock=lambda: NOW
    )
    password = seed(app)
    server = Loopback(app)
    yield app, f"http://127.0.0.1:{server.port}", password
    server.stop()


def log_in(page, base: str, password: str) -> None:  # type: ignore[no-untyped-def]
    from planner.app.demo_clinic import LOGIN

    page.goto(f"{base}/portal/login")
    page.get_by_label("E-mail").fill(LOGIN)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal/")


def test_the_workspace_shows_at_least_15_patients_at_desk_width(browser, demo_clinic) -> None:
    """At 1280x800 the demo clinic's list shows at least 15 patients above the fold, with status,
    alert kinds and adherence; nothing on the page fails axe."""
    _, base, password = demo_clinic
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    log_in(page, base, password)
    rows = page.locator("table.patients tbody tr")
    boxes = [rows.nth(i).bounding_box() for i in range(rows.count())]
    assert sum(1 for box in boxes if box and box["y"] + box["height"] <= 800) >= 15
    assert "low adherence" in page.inner_text("table.patients") and axe_problems(page) == []
    # every column fits, the last (Print, its boxes) too: no scrolling sideways to tick a patient
    for last in ("table.patients thead th:last-child", "table.patients tbody tr td:last-child input"):
        box = page.locator(last).first.bounding_box()
        assert box and box["x"] + box["width"] <= 1280, last
    assert page.locator("table.patients thead th:last-child").inner_text() == "Print"
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
    # a protocol cut short on screen is named in full in its cell's title
    cells = page.locator("table.patients tbody td[title]")
    titles = {cells.nth(i).get_attribute("title") for i in range(cells.count())}
    assert {"Low back pain: graded return to running", "Restart after a back pain flare-up"} <= titles
    # "print all" posts the list as it stands (no ids): the server reads every patient of it
    with page.expect_request("**/portal/print-all") as sent:
        page.get_by_role("button", name=re.compile(r"Print all \d+ patients of this list")).click()
    posted = urllib.parse.parse_qs(sent.value.post_data or "")
    assert posted["which"] == ["all"] and posted["sort"] == ["status"] and "listed" not in posted
    context.close()


def test_a_clinician_follows_up_in_the_browser(browser, demo_clinic) -> None:
    """Log in, open the patient who needs attention first, acknowledge the alert, put running on
    hold, and see the phone page and the feed change; then a red flag reported on a phone reaches
    the portal and one e-mail."""
    from tests.calendar_checks import parse_everywhere
    from tests.clinics import Smtp
    from tests.servers import free_port

    app, base, password = demo_clinic
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, password)
    first = page.locator("table.patients tbody tr").first
    assert first.locator("td").first.inner_text() == "referred"
    first.get_by_role("link").click()
    assert "The patient reported a warning sign" in page.inner_text("main")
    page.get_by_role("button", name="Acknowledge").first.click()
    assert "acknowledged by Demo Clinician" in page.inner_text("main")
    page.goto(f"{base}/portal/")
    page.locator("table.patients tbody tr", has_text="on track").first.get_by_role("link").click()
    plan_id = page.url.rsplit("/", 1)[1]
    page.get_by_label("Hold running until").fill("2026-11-30")
    page.get_by_label("Why (the patient sees the hold, not this note)").fill("Awaiting the assessment")
    page.get_by_role("button", name="Put running on hold").click()
    assert page.get_by_role("button", name="Allow running again").count() == 1
    feed, secret = app.secrets_for(plan_id)
    phone = browser.new_context(viewport={"width": 390, "height": 780}).new_page()
    phone.goto(f"{base}/c/{secret}")
    assert "Your clinician has asked for no running until 30 November 2026" in phone.inner_text("main")
    calendar = parse_everywhere(page.request.get(f"{base}/feeds/{feed}.ics").body())
    held = [e for e in calendar.events if dt.date(2026, 11, 22) <= e.DTSTART.date() < dt.date(2026, 11, 30)]
    assert held and all("Phase" not in str(e["SUMMARY"]) for e in held)

    # a runner on track reports a red flag from their phone
    page.goto(f"{base}/portal/")
    row = page.locator("table.patients tbody tr", has_text="on track").first
    name = row.locator("th").inner_text()
    row.get_by_role("link").click()
    runner_id = page.url.rsplit("/", 1)[1]
    _, runner_secret = app.secrets_for(runner_id)
    with Smtp(free_port()) as smtp:
        app.follow_up.deliver_mail(smtp.settings)  # what the demo's own alerts queued
        before = len(smtp.messages)
        phone.goto(f"{base}/c/{runner_secret}")
        phone.get_by_label("Loss of bowel control?").check()
        phone.get_by_role("button", name="Save check-in").click()
        phone.wait_for_url("**saved=1")
        app.follow_up.deliver_mail(smtp.settings)
        app.follow_up.deliver_mail(smtp.settings)
    new = smtp.messages[before:]
    assert len(new) == 1 and b"red flag" in new[0].content
    assert name.split()[0].encode() not in new[0].content  # initials only
    page.goto(f"{base}/portal/")
    assert page.locator("table.patients tbody tr").first.locator("th").inner_text() == name
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_portal_passes_axe(browser, demo_clinic, width: int) -> None:
    _app, base, password = demo_clinic
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/portal/login")
    pages = {"login": axe_problems(page)}
    log_in(page, base, password)
    pages["patients"] = axe_problems(page)
    page.locator("table.patients tbody tr").first.get_by_role("link").click()
    pages["patient"] = axe_problems(page)
    page.goto(f"{base}/portal/audit")
    pages["audit"] = axe_problems(page)
    page.goto(f"{base}/portal/patients/new")
    page.get_by_role("button", name="Create the plan").click()  # nothing filled in: every message shows
    pages["new plan with errors"] = axe_problems(page)
    page.goto(f"{base}/portal/roster")
    pages["clinic list"] = axe_problems(page)
    page.goto(f"{base}/portal/clinicians")
    page.get_by_label("E-mail").fill("new@clinic.example")
    page.get_by_label("Name", exact=True).fill("New Clinician")
    page.get_by_role("button", name="Add and make a one-time link").click()
    pages["clinicians"] = axe_problems(page)
    link = page.locator("code").inner_text()
    page.goto(link.replace("http://127.0.0.1", base))
    pages["set password"] = axe_problems(page)
    assert all(problems == [] for problems in pages.values()), pages
    context.close()


def test_plans_made_from_one_address_are_limited_in_the_browser(browser, personal) -> None:
    """Five plans an hour from one address; the sixth is refused with a short message."""
    app, base = personal
    context = phone(browser)
    page = context.new_page()
    for attempt in range(6):
        page.goto(f"{base}/start")
        page.get_by_label("None of these").check()
        page.get_by_role("button", name="Next").click()
        answer_questions(page, name=f"Runner {attempt}")
        page.get_by_role("button", name="See my programme").click()
        page.get_by_role("button", name="Make my plan").click()
        if attempt < 5:
            page.wait_for_url("**new=1")
    assert "Too many requests from this address" in page.inner_text("body")
    assert len(app.plans()[0]) == 5
    context.close()
