"""Re-opening a discharged plan: a recorded clinician action with a note, the only one a discharged
plan takes. The plan goes on from the re-open day; what was planned up to the discharge stays as it
was, nothing is planned in between; the status, alerts, phone page and feed follow."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core import care
from planner.core.follow_up import PatientStatus, summarize
from planner.core.model import ActionKind, ClinicianAction, RuleId
from tests.calendar_checks import parse_everywhere
from tests.clinics import Clinic
from tests.test_over_time import day, good, plan


def action(kind: ActionKind, n: int, note: str = "") -> ClinicianAction:
    return ClinicianAction(kind, day(n), "A. Morgan", note or kind.value)


def test_a_discharge_is_in_force_until_a_reopen_and_a_reopen_needs_a_discharge() -> None:
    discharge, reopen = action(ActionKind.DISCHARGE, 10), action(ActionKind.REOPEN, 20)
    assert care.discharge_in_force([discharge]) == discharge
    assert care.discharge_in_force([discharge, reopen]) is None
    again = action(ActionKind.DISCHARGE, 30)
    assert care.discharge_in_force([discharge, reopen, again]) == again
    assert care.gaps([discharge, reopen, again]) == [(discharge, reopen), (again, None)]
    same_day = action(ActionKind.REOPEN, 10)
    assert care.discharge_in_force([discharge, same_day]) is None  # discharged and re-opened on one day
    assert care.refusal([], ActionKind.REOPEN) == "re-open: the plan is not discharged"
    assert care.refusal([discharge], ActionKind.HOLD_RUNNING) == "the plan is discharged: re-open it first"
    assert care.refusal([discharge], ActionKind.REOPEN) is None
    assert care.refusal([discharge, reopen], ActionKind.LEVEL_UP) is None


@settings(max_examples=25, deadline=None)
@given(
    discharged=st.integers(3, 30),
    away=st.integers(0, 20),
    after=st.integers(0, 20),
    reports=st.sets(st.integers(0, 60), max_size=10),
)
def test_a_reopened_plan_keeps_its_past_and_goes_on_from_the_reopen_day(
    discharged: int, away: int, after: int, reports: set[int]
) -> None:
    back = discharged + away
    today = back + after
    history = [good(n) for n in sorted(reports) if n <= discharged or back <= n <= today]
    ended = [action(ActionKind.DISCHARGE, discharged)]
    reopened = [*ended, action(ActionKind.REOPEN, back)]
    before = plan(history, day(today), actions=ended)
    built = plan(history, day(today), actions=reopened)
    kept = [s for s in built.sessions if s.date <= day(discharged)]
    assert kept == [s for s in before.sessions if s.date <= day(discharged)]  # the past as it was
    assert not [s for s in built.sessions if day(discharged) < s.date < day(back)]  # nothing while away
    assert built.sessions[-1].date > day(today)  # planned on from the re-open day
    rules = [n.rule for n in built.notes]
    assert RuleId.DISCHARGE in rules and RuleId.REOPENED in rules
    assert summarize(built, history, reopened).status is not PatientStatus.DISCHARGED
    assert summarize(before, history, ended).status is PatientStatus.DISCHARGED


def test_reopen_in_the_portal_is_confirmed_audited_and_reaches_the_feed(clinic: Clinic) -> None:
    feed, secret = clinic.app.secrets_for(clinic.plan_id)
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    assert north.request("POST", f"{base}/actions/reopen", {"note": "x"})[0] == 400  # not discharged
    north.request("POST", f"{base}/actions/discharge", {"note": "goal reached", "confirm": "yes"})
    _, _, page = north.request("GET", base)
    assert "actions/reopen" in page and "actions/hold-running" not in page
    status, _, refused = north.request("POST", f"{base}/actions/level-up", {"note": "keen"})
    assert status == 400 and "re-open it first" in refused
    clinic.clock[0] += dt.timedelta(days=9)  # back a week later: Tuesday 1 December
    north.login("alex@north.example")  # the session timed out meanwhile
    north.request("GET", base)
    assert north.request("POST", f"{base}/actions/reopen", {"note": ""})[0] == 400  # a note is required
    status, _, _ = north.request("POST", f"{base}/actions/reopen", {"note": "pain back after a race"})
    assert status == 303
    _, _, page = north.request("GET", base)
    assert "Re-opened on 01 Dec: sessions are planned again from that day" in page
    assert "actions/hold-running" in page and "actions/reopen" not in page
    assert "re-opened this programme on 01 December 2026" in page
    _, _, listing = north.request("GET", "/portal/")
    row = re.search(r"Zofia Wójcik</a></th>\s*<td><span class=\"badge[^\"]*\">([a-z ]+)</span>", listing)
    assert row and row.group(1) != "discharged"
    _, _, body = north.request("GET", f"/feeds/{feed}.ics")
    events = parse_everywhere(body.encode()).events
    live = [e for e in events if e.get("STATUS") != "CANCELLED"]
    assert any(e.DTSTART.date() >= dt.date(2026, 12, 1) for e in live)  # the sessions are back
    assert not any(dt.date(2026, 11, 22) < e.DTSTART.date() < dt.date(2026, 12, 1) for e in live)
    _, _, phone = north.request("GET", f"/c/{secret}")
    assert "Your programme has ended." not in phone
    with clinic.app.store.read() as records:
        trail = [(row.action, row.detail) for row in records.portal.audit_trail(1)]
    assert ("reopen", "pain back after a race") in trail
    rhea = f"/portal/patients/{clinic.assigned_id}"
    north.request("GET", rhea)
    north.request("POST", f"{rhea}/actions/discharge", {"note": "moved away", "confirm": "yes"})
    with clinic.app.store.write() as records:  # a re-opened patient's identity is not erased
        records.retention.set_retention_days(records.portal.clinic_id_by_name("North") or 0, 0)
        expired = [plan_id for plan_id, _ in records.retention.expired(dt.date(2026, 12, 2))]
    assert clinic.assigned_id in expired and clinic.plan_id not in expired


def test_a_discharged_plan_takes_no_programme_change_from_any_channel(clinic: Clinic) -> None:
    """The portal's editor link goes and the application refuses the change, whichever channel
    asks (the portal, the command line and templates all record it there); only a re-open changes a
    discharged plan, while outcome scores may still be entered."""
    from planner.app import programmes
    from planner.core.exceptions import InputError
    from planner.core.programme import Part

    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    north.request("POST", f"{base}/actions/discharge", {"note": "goal reached", "confirm": "yes"})
    _, _, page = north.request("GET", base)
    assert f'href="{base}/programme"' not in page and "Enter a score" in page
    before = clinic.app.plan(clinic.plan_id).actions
    with pytest.raises(InputError, match="re-open it first"):
        programmes.set_exercises(clinic.app, clinic.plan_id, lists={Part.STRENGTH: ("dead-bug",)})
    assert clinic.app.plan(clinic.plan_id).actions == before
