"""What the clinic sees of a plan (planner.core.follow_up), over random report histories: counts that
add up, a status that agrees with the plan, and warning signs that are never lost as days pass."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.follow_up import AlertKind, PatientStatus, alerts, summarize
from planner.core.model import ActionKind, CheckIn, ClinicianAction
from planner.core.redflags import BY_ID
from tests.test_over_time import day, good, plan

reports = st.lists(
    st.builds(
        CheckIn,
        date=st.integers(0, 55).map(day),
        done=st.booleans(),
        pain_during=st.none() | st.integers(0, 10),
        pain_next_morning=st.none() | st.integers(0, 10),
        red_flags=st.lists(st.sampled_from(sorted(BY_ID)), max_size=1).map(tuple),
        flare_up=st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(history=reports, today=st.integers(0, 70).map(day))
def test_counts_add_up_and_the_status_agrees_with_the_plan(history: list[CheckIn], today: dt.date) -> None:
    built = plan(history, today)
    summary = summarize(built, history)
    assert 0 <= summary.done_recent <= summary.planned_recent <= summary.planned_all
    assert 0 <= summary.done_all <= summary.planned_all
    assert (summary.status is PatientStatus.REFERRED) == built.referred
    reported = [c.date for c in history if c.date <= today]
    assert summary.last_report == (max(reported) if reported else None)
    found = alerts(built, history, summary)
    assert len({a.key for a in found}) == len(found)
    share = summary.adherence_recent
    if share is not None and share < 0.5:  # under half of the last 14 days' sessions: never on track
        assert summary.status is not PatientStatus.ON_TRACK
    # written to the clinician: no alert speaks to the patient or repeats what the patient reads
    patient_texts = {d.text for s in built.sessions for d in s.decisions}
    assert all(not a.text.startswith("You") and not any(t in a.text for t in patient_texts) for a in found)
    # a flare-up and the pause it starts are one alert to act on
    pause_days = {a.day for a in found if a.kind is AlertKind.PAUSE}
    for report in history:
        if report.flare_up and report.date <= today:
            assert not {d for d in pause_days if report.date <= d <= report.date + dt.timedelta(days=7)}


@settings(max_examples=60, deadline=None)
@given(history=reports, today=st.integers(0, 55).map(day), later=st.integers(1, 30))
def test_a_warning_sign_or_flare_up_is_never_lost_as_days_pass(
    history: list[CheckIn], today: dt.date, later: int
) -> None:
    """Every red flag and flare-up reported up to a day raises its alert then, and still does on any
    later day: the sweep never forgets one."""
    for as_of in (today, today + dt.timedelta(days=later)):
        built = plan(history, as_of)
        keys = {a.key for a in alerts(built, history, summarize(built, history))}
        for report in history:
            if report.date > as_of:
                continue
            if report.red_flags:
                assert f"red-flag:{report.date}" in keys
            if report.flare_up:
                assert f"flare-up:{report.date}" in keys


def test_discharge_ends_the_plan_and_its_alerts() -> None:
    history = [CheckIn(day(2), flare_up=True)]
    discharge = ClinicianAction(ActionKind.DISCHARGE, day(10), "A. Morgan", "goal reached")
    built = plan(history, day(20), actions=[discharge])
    summary = summarize(built, history, [discharge])
    assert summary.status is PatientStatus.DISCHARGED and alerts(built, history, summary) == ()
    assert built.sessions[-1].date == day(10) and "ended this programme" in built.notes[-1].text


def test_silence_and_low_adherence_follow_the_clinic_threshold() -> None:
    built = plan([CheckIn(day(0))], day(9))
    quiet = summarize(built, [CheckIn(day(0))], silence_days=10)
    assert quiet.status is PatientStatus.LOW_ADHERENCE  # one of six sessions: not "on track"
    assert quiet.done_recent == 1 and quiet.planned_recent == 6
    silent = summarize(built, [CheckIn(day(0))], silence_days=9)
    assert silent.status is PatientStatus.SILENT
    kinds = {a.kind for a in alerts(built, [CheckIn(day(0))], silent, silence_days=9)}
    assert kinds == {AlertKind.SILENCE}  # the missing reports are one fact: silence is the one to act on


def test_one_flare_up_is_one_alert_and_its_text_is_for_the_clinician() -> None:
    history = [
        CheckIn(day(2), pain_during=3, pain_next_morning=1),
        CheckIn(day(4), flare_up=True, pain_during=6),
    ]
    built = plan(history, day(8))
    found = alerts(built, history, summarize(built, history))
    events = [a.kind for a in found if a.kind is not AlertKind.LOW_ADHERENCE]  # two reports in a week
    assert events == [AlertKind.FLARE_UP] and any(s.status.value == "done" for s in built.sessions)
    assert (
        found[0].text.startswith("The patient reported a flare-up for")
        and "running paused from" in found[0].text
    )


def test_a_patient_doing_enough_is_on_track() -> None:
    history = [CheckIn(day(d), pain_during=2, pain_next_morning=1) for d in range(0, 12)]
    built = plan(history, day(12))
    assert summarize(built, history).status is PatientStatus.ON_TRACK


def test_the_phone_answer_and_the_clinic_status_read_running_as_it_stands_now() -> None:
    """A flare-up reported on a run day: the phone page leads with the pause from that day (the
    pause is in the run ahead), the clinic sees "paused" once a paused run has passed; a good day
    gives neither."""
    from planner.core import report_answer

    history = [good(1), CheckIn(day(3), pain_during=6, flare_up=True)]
    on_the_day = plan(history, day(3))
    assert report_answer.running_paused(on_the_day)
    assert report_answer.answer_for(on_the_day, history) is not None
    later = plan(history, day(7))
    assert report_answer.running_paused(later) and summarize(later, history).status is PatientStatus.PAUSED
    fine = plan([good(1), good(3)], day(3))
    assert not report_answer.running_paused(fine) and report_answer.answer_for(fine, [good(1)]) is None
