"""A plan outside any clinic (made at /start, or with `plan create` alone) names no clinician in its
printed handout, its calendar or `plan show`; advice to see a clinician about a warning sign stays.
A plan a clinic follows keeps its clinician's words."""

from __future__ import annotations

import datetime as dt

import attrs
import icalendar

from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.app.settings import Settings
from planner.core import report_answer, rules, wording
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


def test_a_hold_and_a_sign_recorded_at_creation_name_no_clinician_on_a_plan_of_ones_own(
    db_url: str, run
) -> None:  # type: ignore[no-untyped-def]
    """A plan made outside any clinic with a hold on running (for severe pain at rest) or a warning
    sign recorded when it was made: the hold's sessions, the severe-pain note, the referral and the
    stop screen's line say what was set or recorded, not that a clinician did; once a clinic adopts
    the plan they are its clinician's words again. Advice to have a clinician check a sign stays."""
    app = App.open(Settings(db=db_url, base_url="http://127.0.0.1"), clock=lambda: NOW)
    held = attrs.evolve(rx("Sam Held"), pain=8, hold_running_until=dt.date(2026, 12, 10))
    signed = attrs.evolve(rx("Sam Signed"), red_flags=("fever",))
    plans = {
        "held": app.create_plan("flare-up-restart", held),
        "signed": app.create_plan("lbp-return-to-run", signed),
    }
    alone, clinic = wording.FOLLOWED_WORDS[False], wording.FOLLOWED_WORDS[True]
    hold = alone.hold.format(until="10 December 2026")
    severe = alone.severe_pain_held.format(pain=8, limit=7, until="10 December 2026")
    for name, plan_id in plans.items():
        seen = channels(app, plan_id, run)
        for channel, text in seen.items():
            assert [w for w in CLINICIAN_WORDS if w in text.lower()] == [], (name, channel)
            assert "your clinician" not in text.lower() and "clinician recorded" not in text.lower()
        if name == "held":
            assert flat(hold) in seen["calendar"] and flat(hold) in seen["show"]
            assert flat(severe) in seen["show"]
            assert flat(rules.silent_pause(followed=False).text) in seen["handout"]  # whom to contact
    referral = next(d.text for s in app.plan(plans["signed"]).plan.sessions for d in s.decisions)
    assert referral.startswith("A warning sign was recorded when your plan was made (Fever or chills")
    assert "until a clinician has checked it" in referral  # the advice to have it checked stays
    answer = report_answer.answer_for(app.plan(plans["signed"]).plan, [])
    assert (
        answer is not None
        and alone.stop_signs_recorded.format(signs="Fever or chills with your back pain") in answer.lines
    )

    Accounts(app).add_clinician("North", "bea@north.example", "Bea Lund", PASSWORD, admin=False)
    for plan_id in plans.values():
        Caseload(app).adopt(plan_id, "North")
    adopted = channels(app, plans["held"], run)
    assert flat(clinic.hold.format(until="10 December 2026")) in adopted["calendar"]
    assert "so your clinician holds running until 10 December 2026" in adopted["show"]
    answer = report_answer.answer_for(app.plan(plans["signed"]).plan, [])
    assert answer is not None and "Your clinician recorded, when your plan was made: Fever" in " ".join(
        answer.lines
    )


def test_a_subscribed_calendar_speaks_in_the_clinics_words_once_a_clinic_adopts_the_plan(db_url: str) -> None:
    """The server keeps each feed it rendered until the plan changes: adoption is such a change,
    so the next fetch in the same process has the clinician's words, not the kept self-made ones."""
    from planner.web import create_app

    app = App.open(Settings(db=db_url, base_url="http://127.0.0.1"), clock=lambda: NOW)
    held = attrs.evolve(rx("Sam Held"), pain=8, hold_running_until=dt.date(2026, 12, 10))
    plan_id = app.create_plan("flare-up-restart", held)
    feed, _ = app.secrets_for(plan_id)
    browser = create_app(app).test_client()
    alone, clinic = (
        flat(wording.FOLLOWED_WORDS[f].hold.format(until="10 December 2026")) for f in (False, True)
    )

    def subscribed() -> str:
        response = browser.get(f"/feeds/{feed}.ics")
        assert response.status_code == 200
        calendar = icalendar.Calendar.from_ical(response.data)
        return flat(" ".join(str(e["DESCRIPTION"]) for e in calendar.events))

    assert alone in subscribed() and clinic not in subscribed()
    Accounts(app).add_clinician("North", "bea@north.example", "Bea Lund", PASSWORD, admin=False)
    Caseload(app).adopt(plan_id, "North")
    assert clinic in subscribed()
