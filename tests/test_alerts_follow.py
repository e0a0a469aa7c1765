"""Alerts that follow the patient: a silence alert closes itself (resolved, not acknowledged by
anyone) once the patient checks in again; a silent patient has one alert for the missing reports
(silence), never low adherence besides; a re-open after discharge starts the silence count afresh.
In the clinics fixture: the roster patients (Piotr silent since issued, Ola never asked) and the
interaction of silence with a red flag and its clearance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.follow_up import (
    AlertKind,
    PatientStatus,
    Resolution,
    alerts,
    back_from_silence,
    resolution,
    summarize,
)
from planner.core.model import ActionKind, CheckIn, ClinicianAction
from planner.store.portal_records import StoredAlert
from planner.store.schema import outbox
from tests.clinics import NOW, Clinic
from tests.test_follow_up import reports
from tests.test_over_time import day, good, plan


def stored(clinic: Clinic, plan_id: str) -> list[StoredAlert]:
    with clinic.app.store.read() as records:
        return records.portal.alerts(plan_id)


def kinds_open(clinic: Clinic, plan_id: str) -> set[str]:
    return {a.kind for a in stored(clinic, plan_id) if a.is_open}


def test_a_patient_who_never_reported_has_a_silence_alert_only() -> None:
    built = plan([], day(20))
    summary = summarize(built, [])
    assert summary.status is PatientStatus.SILENT and summary.planned_recent >= 4
    assert [a.kind for a in alerts(built, [], summary)] == [AlertKind.SILENCE]


@settings(max_examples=60, deadline=None)
@given(history=reports, today=st.integers(0, 70).map(day))
def test_silence_and_low_adherence_are_never_raised_for_the_same_days(
    history: list[CheckIn], today: dt.date
) -> None:
    built = plan(history, today)
    summary = summarize(built, history)
    kinds = {a.kind for a in alerts(built, history, summary)}
    assert not {AlertKind.SILENCE, AlertKind.LOW_ADHERENCE} <= kinds
    for alert in alerts(built, history, summary):  # what stands now is never closed by itself
        assert resolution(alert.kind.value, alert.key, summary) is None


def test_only_a_later_check_in_closes_a_silence_alert() -> None:
    quiet = summarize(plan([CheckIn(day(0))], day(9)), [CheckIn(day(0))], silence_days=7)
    (silence,) = [
        a for a in alerts(plan([CheckIn(day(0))], day(9)), [], quiet, 7) if a.kind is AlertKind.SILENCE
    ]
    assert silence.key == f"silence:{day(0)}" and resolution("silence", silence.key, quiet) is None
    back = [CheckIn(day(0)), CheckIn(day(10))]
    returned = summarize(plan(back, day(10)), back, silence_days=7)
    assert resolution("silence", silence.key, returned) == Resolution(
        f"closed: the patient checked in again on {day(10):%d %b %Y}", day(10)
    )
    assert resolution("flare-up", f"flare-up:{day(0)}", returned) is None  # a person acts on the others
    assert resolution("low adherence", f"low-adherence:{day(0)}", returned) is None


def low_adherence_after_a_silence(after: Callable[[int], CheckIn]) -> dict[int, list[str]]:
    """Reports on days 0, 2 and 5, eleven silent days, then back on day 16 with a report on every
    day that has a session, each made by `after`: the low-adherence alerts' texts on each evening
    from day 16 to day 33, the clock moved a day at a time."""
    history, raised = [good(0), good(2), good(5)], {}
    for n in range(16, 34):
        if n == 16 or any(s.date == day(n) and s.kind.is_active for s in plan(history, day(n)).sessions):
            history.append(after(n))
        built = plan(history, day(n))
        summary = summarize(built, history, silence_days=7)
        raised[n] = [a.text for a in alerts(built, history, summary, 7) if a.kind is AlertKind.LOW_ADHERENCE]
    return raised


def test_the_check_in_that_ends_a_silence_opens_no_low_adherence_alert() -> None:
    """The silence alert told the clinician about the missing reports: the check-in that ends it
    does not open "1 of 9 in the last 14 days" as well. Low adherence counts afresh from the
    return, and is raised only when, of at least four sessions planned since, under half are done."""
    back = [good(0), good(2), good(5), good(16)]
    returned = summarize(plan(back, day(16)), back, silence_days=7)
    assert (returned.done_recent, returned.planned_recent) == (1, 9)  # what the old rule raised on
    assert returned.status is PatientStatus.ON_TRACK  # the status follows the alert's rule: 0 judged
    assert returned.back_from_silence == day(16) and returned.planned_judged == 0
    skipping = low_adherence_after_a_silence(lambda n: CheckIn(day(n), done=False))
    assert next(n for n, texts in skipping.items() if texts) == 20  # the fourth session since day 16
    assert skipping[20] == [
        f"The patient reported 0 of 4 sessions done since checking in again on {day(16):%d %b} after a "
        "silence (under 50%)."
    ]
    # two weeks after the return the silence is out of the window: the last 14 days as ever
    assert skipping[30] == ["The patient reported 0 of 10 sessions done in the last 14 days (under 50%)."]
    doing = low_adherence_after_a_silence(good)
    assert not any(doing.values())  # back and doing the sessions: never, though the window held the silence


def test_a_silence_ends_only_with_contact_after_more_than_the_clinics_days() -> None:
    """back_from_silence: a return after the clinic's days (the alert stood for some of them);
    a report on the day the alert would come is not one; a re-open starts the count afresh."""

    def back(days: list[int], starts: tuple[int, ...] = (0,)) -> dt.date | None:
        return back_from_silence(
            [CheckIn(day(n)) for n in days], "Europe/London", [day(n) for n in starts], day(40), 7
        )

    assert back([0, 7, 14]) is None  # seven days apart: never silent
    assert back([0, 8]) == day(8) and back([0, 8, 10]) == day(8)
    assert back([9]) == day(9)  # the first report, nine days after the start
    assert back([0, 20], starts=(0, 15)) is None  # a re-open on day 15 counts afresh


def test_a_reopen_starts_the_silence_count_afresh() -> None:
    history = [CheckIn(day(0))]
    actions = [
        ClinicianAction(ActionKind.DISCHARGE, day(3), "A. Morgan", "goal reached"),
        ClinicianAction(ActionKind.REOPEN, day(30), "A. Morgan", "back after a race"),
    ]
    assert summarize(plan(history, day(33), actions=actions), history, actions).status is not (
        PatientStatus.SILENT
    )
    later = summarize(plan(history, day(37), actions=actions), history, actions)
    assert later.status is PatientStatus.SILENT and later.quiet_since == day(30)


def test_a_silent_roster_patient_who_checks_in_has_the_silence_alert_resolved(clinic: Clinic) -> None:
    """Piotr (a roster patient, no assigned clinician, silent since issued): one silence alert, no
    low adherence for the same missing reports; his first check-in closes it as resolved, with no
    clinician's name and no mail of its own; silence after that is a new event."""
    piotr = clinic.silent_id
    assert kinds_open(clinic, piotr) == {"silence"}
    clinic.app.record_checkin(piotr, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0))
    (silence,) = [a for a in stored(clinic, piotr) if a.kind == "silence"]
    assert not silence.is_open and silence.acknowledged_by is None and silence.resolved_at
    assert silence.resolution == "closed: the patient checked in again on 22 Nov 2026"
    assert "silence" not in kinds_open(clinic, piotr)
    row = clinic.caseload.patients(clinic.clinician("cai@north.example"), "Piotr").rows[0]
    assert row.summary["status"] != "silent" and "silence" not in row.alert_kinds
    with clinic.app.store.read() as records:
        mailed = {row.alert_id for row in records.connection.execute(sa.select(outbox.c.alert_id))}
    assert silence.id in mailed  # when it was raised; closing it sends nothing
    judged = [a for a in stored(clinic, piotr) if a.kind == "low adherence"]
    assert all(a.day == dt.date(2026, 11, 22) for a in judged)  # on what he reported, once he did
    north = clinic.client()
    north.login("cai@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{piotr}")
    assert "Alerts closed" in page and "closed: the patient checked in again on 22 Nov 2026" in page
    clinic.clock[0] += dt.timedelta(days=8)  # quiet again for the clinic's seven days
    clinic.app.follow_up.sweep()
    keys = [a.key for a in stored(clinic, piotr) if a.kind == "silence" and a.is_open]
    assert keys == ["silence:2026-11-22"]  # a new event, raised again
    assert [a.key for a in stored(clinic, piotr) if a.kind == "low adherence"] == [a.key for a in judged]


def test_silence_then_a_red_flag_then_its_clearance(clinic: Clinic) -> None:
    """Piotr breaks his silence with a warning sign: the silence alert closes, the red flag stays
    open for a clinician (no report closes it, and clearing the referral does not acknowledge it);
    after the clearance the plan restarts, and a new silence counts from his report."""
    piotr = clinic.silent_id
    clinic.app.record_checkin(piotr, CheckIn(dt.date(2026, 11, 22), red_flags=("saddle-numbness",)))
    assert "red flag" in kinds_open(clinic, piotr) and "silence" not in kinds_open(clinic, piotr)
    assert clinic.app.plan(piotr).plan.referred
    clinic.caseload.act(
        clinic.clinician("alex@north.example"),
        piotr,
        ClinicianAction(ActionKind.CLEAR_RED_FLAG, dt.date.min, "", "assessed: no cauda equina signs"),
        "127.0.0.1",
    )
    assert not clinic.app.plan(piotr).plan.referred
    assert "red flag" in kinds_open(clinic, piotr)  # a person acknowledges it; clearing does not
    clinic.clock[0] += dt.timedelta(days=7)
    clinic.app.follow_up.sweep()
    assert {"red flag", "silence"} <= kinds_open(clinic, piotr)
    (silence,) = [a for a in stored(clinic, piotr) if a.kind == "silence" and a.is_open]
    assert silence.key == "silence:2026-11-22"
    clinic.app.record_checkin(piotr, CheckIn(dt.date(2026, 11, 29), pain_during=1, pain_next_morning=1))
    assert "red flag" in kinds_open(clinic, piotr) and "silence" not in kinds_open(clinic, piotr)


def test_low_adherence_open_when_the_patient_falls_silent_is_superseded_by_silence(clinic: Clinic) -> None:
    """Rhea (assigned to Bea, silent since her start) checks in: the silence closes and no
    low-adherence alert opens for the days it covered. She then reports a week of sessions
    skipped: low adherence, counted from her return. Eight quiet days later the sweep raises
    silence and closes the low-adherence alert as superseded (resolved with its reason, no
    clinician's name, no mail of its own): one open alert for the missing reports. Once she is back,
    the silence closes and adherence is counted afresh from that return."""
    rhea = clinic.assigned_id
    assert kinds_open(clinic, rhea) == {"silence"}
    clinic.app.record_checkin(rhea, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0))
    assert kinds_open(clinic, rhea) == set()  # not "1 of 9 in the last 14 days" besides
    for n in range(1, 8):  # each evening from Monday 23 to Sunday 29 November: the day's session skipped
        clinic.clock[0] = NOW + dt.timedelta(days=n, hours=10)
        clinic.app.record_checkin(rhea, CheckIn(dt.date(2026, 11, 22 + n), done=False))
    assert kinds_open(clinic, rhea) == {"low adherence"}
    (low,) = [a for a in stored(clinic, rhea) if a.kind == "low adherence"]
    assert low.text == (
        "The patient reported 0 of 4 sessions done since checking in again on 22 Nov after a silence "
        "(under 50%)."
    )
    with clinic.app.store.read() as records:
        mails_before = len(list(records.connection.execute(sa.select(outbox.c.id))))
    clinic.clock[0] += dt.timedelta(days=8)
    clinic.app.follow_up.sweep()
    assert kinds_open(clinic, rhea) == {"silence"}
    (closed,) = [a for a in stored(clinic, rhea) if a.id == low.id]
    assert not closed.is_open and closed.acknowledged_by is None and closed.resolved_at
    assert closed.resolution == "closed: superseded by the silence alert (no check-in since 29 Nov 2026)"
    with clinic.app.store.read() as records:
        mailed = [row.alert_id for row in records.connection.execute(sa.select(outbox.c.alert_id))]
    assert len(mailed) == mails_before + 1 and low.id not in mailed[mails_before:]  # silence's mail only
    row = clinic.caseload.patients(clinic.clinician("bea@north.example"), "Rhea").rows[0]
    assert row.summary["status"] == "silent" and row.alert_kinds == ("silence",)
    north = clinic.client()
    north.login("bea@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{rhea}")
    assert "closed: superseded by the silence alert (no check-in since 29 Nov 2026)" in page
    clinic.app.record_checkin(rhea, CheckIn(dt.date(2026, 12, 7), pain_during=1, pain_next_morning=0))
    assert kinds_open(clinic, rhea) == set()  # the silence closed; adherence counts from this return


def test_only_a_silent_status_supersedes_low_adherence() -> None:
    history = [CheckIn(day(0))]
    quiet = summarize(plan(history, day(12)), history)
    assert quiet.status is PatientStatus.SILENT
    assert resolution("low adherence", f"low-adherence:{day(7)}", quiet) == Resolution(
        f"closed: superseded by the silence alert (no check-in since {day(0):%d %b %Y})", day(0)
    )
    back = [CheckIn(day(0)), *(CheckIn(day(n), done=False) for n in range(7, 12))]
    behind = summarize(plan(back, day(12)), back)
    assert behind.status is PatientStatus.LOW_ADHERENCE
    assert resolution("low adherence", f"low-adherence:{day(7)}", behind) is None


def test_mail_of_an_alert_that_closed_before_it_went_out_is_not_sent(clinic: Clinic) -> None:
    """Piotr's silence alert is queued for North's three clinicians; he checks in before the outbox
    runs, so the alert closes by itself and its mails are dropped, each with the reason kept (so
    is Rhea's silence, closed by her report). Rhea's flare-up alert, acknowledged by Bea before
    its mail went out, is not mailed either. Everything
    else queued goes to the real SMTP server on loopback, and nothing waits afterwards."""
    from tests.clinics import Smtp
    from tests.servers import free_port

    piotr, rhea = clinic.silent_id, clinic.assigned_id
    (silence,) = [a for a in stored(clinic, piotr) if a.kind == "silence"]
    clinic.app.record_checkin(rhea, CheckIn(dt.date(2026, 11, 21), flare_up=True, pain_during=6))
    (flare,) = [a for a in stored(clinic, rhea) if a.kind == "flare-up"]
    clinic.caseload.acknowledge(clinic.clinician("bea@north.example"), flare.id, "127.0.0.1")
    clinic.app.record_checkin(piotr, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0))
    closed = {a.id for plan_id in (piotr, rhea) for a in stored(clinic, plan_id) if not a.is_open}
    assert {silence.id, flare.id} <= closed  # Rhea's own silence too: her report closed it
    queued = clinic.mail()
    assert {m.alert_id for m in queued} >= closed and all(m.sent_at is None for m in queued)
    expected = [m for m in queued if m.alert_id not in closed]
    with Smtp(free_port()) as smtp:
        assert clinic.app.follow_up.deliver_mail(smtp.settings) == len(expected)
        smtp.wait_for(len(expected))
    assert len(smtp.messages) == len(expected)
    assert sorted(e.rcpt_tos[0] for e in smtp.messages) == sorted(m.recipient for m in expected)
    after = {m.id: m for m in clinic.mail()}
    dropped = [after[m.id] for m in queued if m.alert_id in closed]
    assert len(dropped) == 5  # Piotr's silence to North's three (a roster patient); Rhea's two to Bea
    for mail in dropped:
        assert mail.sent_at is None and mail.skipped_at is not None
    assert {m.skip_reason for m in dropped} == {
        "not sent: the alert closed before the mail went out "
        "(closed: the patient checked in again on 22 Nov 2026)",
        "not sent: Bea Lund acknowledged the alert before the mail went out",
    }
    assert clinic.app.follow_up.waiting_mail() == 0  # dropped mail waits for nothing
    with Smtp(free_port()) as smtp:
        assert clinic.app.follow_up.deliver_mail(smtp.settings) == 0  # and is never tried again


def test_a_roster_issued_today_with_a_past_start_is_not_silent(clinic: Clinic) -> None:
    """Reviewer's item 3, through the portal's roster: a patient issued today with a start seven
    weeks back just got the handout: on the list it is on track with no session counted, and no
    silence or low-adherence alert is raised; a week on it is silent, since the issue day."""
    from tests.clinics import ROSTER_HEAD

    roster = (
        ROSTER_HEAD + "3,Nina Holm,2026-10-05,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    )
    (issued,), _ = clinic.caseload.issue_roster(
        clinic.clinician("alex@north.example"), roster, "late.csv", ""
    )
    alex = clinic.clinician("alex@north.example")
    (row,) = clinic.caseload.patients(alex, "Nina").rows
    assert (row.summary["status"], row.summary["planned_recent"], row.summary["planned_all"]) == (
        "on track",
        0,
        0,
    )
    with clinic.app.store.read() as records:
        assert not records.portal.alerts(issued.plan_id)
    clinic.clock[0] = NOW + dt.timedelta(days=7)
    clinic.app.follow_up.refresh(issued.plan_id)
    with clinic.app.store.read() as records:
        assert [a.key for a in records.portal.alerts(issued.plan_id)] == [f"silence:{NOW.date()}"]
