"""One source of clinical wording: every rule case in planner.core.wording reaches each channel that
should carry it (the handout's safety page, the phone page and its form, the calendar)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import icalendar
import pypdf

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import redflags, rules, wording
from planner.core.model import CheckIn, Prescription, Soreness
from planner.data.branding import load_branding
from planner.web import create_app
from tests.conftest import ROOT

START = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 4, 10, 12, 0, tzinfo=dt.UTC)
RX = Prescription(
    name="Ana",
    start=START,
    timezone="Europe/Lisbon",
    run_days=(1, 3, 6),
    strength_days=(2, 4),
    session_time=dt.time(7, 30),
    pain=2,
    hold_running_until=START + dt.timedelta(days=5),
)
REPORTS = [
    CheckIn(START + dt.timedelta(days=n), soreness=soreness, pain_during=2, pain_next_morning=1)
    for n, soreness in ((7, Soreness.WARM_UP_GONE), (9, Soreness.AFTER), (12, Soreness.WARM_UP_STAYS))
] + [
    CheckIn(START + dt.timedelta(days=19), soreness=Soreness.RETURNED_DURING, pain_during=3),
    CheckIn(START + dt.timedelta(days=23), flare_up=True, pain_during=6),
    CheckIn(START + dt.timedelta(days=26), pain_during=2, pain_next_morning=1),
]


def flat(text: str) -> str:
    return " ".join(text.split())


def app_with_plan(tmp_path) -> tuple[App, str]:
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'w.db'}"), clock=lambda: NOW)
    plan_id = app.create_plan("lbp-return-to-run", RX)
    for report in REPORTS:
        app.record_checkin(plan_id, report)
    return app, plan_id


def test_the_safety_page_states_every_case(tmp_path) -> None:
    app, plan_id = app_with_plan(tmp_path)
    clinic = load_branding(ROOT / "templates" / "clinic-example.toml")
    body = app.handout(app.plan(plan_id), token=None, clinic=clinic)
    text = flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages))
    safety = text[text.index("Safety first") : text.index("Your programme at a glance")]
    expected = [f.question for f in wording.RED_FLAGS]
    expected += [redflags.advice(urgency, RX.timezone) for urgency in wording.URGENCY_ADVICE]
    expected += [f"{b.scores} {b.meaning} {b.action}" for b in wording.PAIN_BANDS["pain-monitoring"]]
    expected += [case.rule for case in wording.SORENESS.values()]
    options = ", ".join(
        app.catalog.library.exercise(i).name.lower()
        for i in app.catalog.protocol("lbp-return-to-run").low_impact
    )
    until = rules.resume_condition(app.catalog.protocol("lbp-return-to-run").resume)
    expected += [wording.PAUSE_SUMMARY.format(options=options, until=until), wording.HOLD_SUMMARY]
    missing = [line for line in expected if flat(line) not in safety]
    assert missing == []


def test_the_phone_page_offers_every_choice_and_sign(tmp_path) -> None:
    app, plan_id = app_with_plan(tmp_path)
    _, secret = app.secrets_for(plan_id)
    page = html.unescape(create_app(app).test_client().get(f"/c/{secret}").get_data(as_text=True))
    expected = [case.choice for case in wording.SORENESS.values()] + [f.question for f in wording.RED_FLAGS]
    expected.append(wording.pain_rule("pain-monitoring"))
    assert [line for line in expected if line not in page] == []
    values = re.findall(r'<option value="([a-z-]+)">', page)
    assert {s.value for s in Soreness} <= set(values)


def test_the_calendar_explains_every_decision_it_shows(tmp_path) -> None:
    app, plan_id = app_with_plan(tmp_path)
    body = app.calendar(app.plan(plan_id), token=None).body
    text = flat(" ".join(str(e["DESCRIPTION"]) for e in icalendar.Calendar.from_ical(body).events))
    when = wording.RESUME_WHEN.format(reports="check-ins on 2 different days", days="3 days")
    resume = wording.RESUME_CRITERIA.format(when=when)
    expected = [wording.pain_rule("pain-monitoring"), wording.PAUSE_TOO_PAINFUL.format(until=resume)]
    own = wording.FOLLOWED_WORDS[False]  # a plan made outside any clinic: the hold names no clinician
    expected += [own.hold.format(until=f"{RX.hold_running_until:%d %B %Y}")]
    expected += [wording.SORENESS[r.soreness].decision for r in REPORTS if r.soreness is not Soreness.NONE]
    assert [line for line in expected if flat(line) not in text] == []
    assert "running starts again one level lower" in text  # the resume sentence, with its level
