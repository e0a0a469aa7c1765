"""A plan outside any clinic (made at /start, or with `plan create` alone) names no clinician in its
printed handout, its calendar or `plan show`; advice to see a clinician about a warning sign stays.
A plan a clinic follows keeps its clinician's words."""

from __future__ import annotations

import icalendar

from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.app.settings import Settings
from planner.core import wording
from planner.core.model import Urgency
from tests.clinics import NOW, PASSWORD, rx
from tests.test_handout import text_of

CLINICIAN_WORDS = ("your clinician", "clinician -", "clinician –", "clinic rehab planner")


def flat(text: str) -> str:
    return " ".join(text.split())


def channels(app: App, plan_id: str, run) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the person reads: the handout's text, every calendar description, `plan show`."""
    view = app.plan(plan_id)
    calendar = icalendar.Calendar.from_ical(app.calendar(view, token=None, include_rest=True).body)
    feed, _ = app.secrets_for(plan_id)
    subscribed = icalendar.Calendar.from_ical(app.feed(view, feed).body)
    descriptions = [str(e["DESCRIPTION"]) for c in (calendar, subscribed) for e in c.events]
    assert descriptions
    shown = run("plan", "show", plan_id)
    assert shown.code == 0, shown.err
    return {
        "handout": flat(" ".join(text_of(app.handout(view, token=None)))),
        "calendar": flat(" ".join([*descriptions, str(calendar["X-WR-CALDESC"])])),
        "show": flat(shown.out),
    }


def test_a_plan_nobody_follows_names_no_clinician_anywhere(db_url: str, run) -> None:  # type: ignore[no-untyped-def]
    app = App.open(Settings(db=db_url, base_url="http://127.0.0.1"), clock=lambda: NOW)
    own = app.create_plan("lbp-return-to-run", rx("Sam Self"))
    Accounts(app).add_clinician("North", "bea@north.example", "Bea Lund", PASSWORD, admin=False)
    followed = app.create_plan("lbp-return-to-run", rx("Rhea Quist"))
    Caseload(app).adopt(followed, "North")

    mine = channels(app, own, run)
    for channel, text in mine.items():
        assert [w for w in CLINICIAN_WORDS if w in text.lower()] == [], channel
    alone = wording.FOLLOWED_WORDS[False]
    assert wording.SELF_MADE in mine["handout"]
    for sentence in (alone.not_advice_handout, alone.calendar_link, alone.hold_summary):
        assert flat(sentence) in mine["handout"]
    assert "see a doctor or physiotherapist" in mine["handout"]  # pain that stays bad
    assert flat(wording.URGENCY_ADVICE[Urgency.SOON]) in mine["handout"]  # advice to seek help stays
    assert alone.not_advice_event in mine["calendar"] and alone.not_advice_show in mine["show"]

    clinics = channels(app, followed, run)
    words = wording.FOLLOWED_WORDS[True]
    assert "Clinician -" in clinics["handout"] and wording.SELF_MADE not in clinics["handout"]
    for sentence in (words.not_advice_handout, words.calendar_link, words.hold_summary):
        assert flat(sentence) in clinics["handout"]
    assert "see your clinician" in clinics["handout"]
    assert "follow your clinician" in clinics["calendar"] and "follow your clinician" in clinics["show"]
