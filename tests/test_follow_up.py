"""What the clinic sees of a plan (planner.core.follow_up), over random report histories: counts that
add up, a status that agrees with the plan, and warning signs that are never lost as days pass."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core import redflags, rules
from planner.core.follow_up import (
    CLINIC_THRESHOLD,
    Alert,
    AlertKind,
    PatientStatus,
    Resolution,
    alerts,
    resolution,
    summarize,
)
from planner.core.model import ActionKind, CheckIn, ClinicianAction, RuleId, Urgency
from planner.core.redflags import BY_ID
from planner.core.scheduler import build
from tests.test_over_time import CATALOG, day, good, plan, rx

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
    # the status and the alert follow one rule: under half of at least four sessions judged
    below = summary.planned_judged >= 4 and summary.done_judged / summary.planned_judged < 0.5
    if below:
        assert summary.status is not PatientStatus.ON_TRACK
    if summary.status is PatientStatus.LOW_ADHERENCE:
        assert below and [a for a in found if a.kind is AlertKind.LOW_ADHERENCE]
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


def alerts_of(history: list[CheckIn], today: dt.date, **changes: object) -> tuple[Alert, ...]:
    built = plan(history, today, prescription=rx(**changes) if changes else None)
    return alerts(built, history, summarize(built, history))


def test_each_alert_carries_its_key_kind_urgency_day_words_and_source() -> None:
    """The alerts a clinician reads, field by field, for each kind the plan raises."""
    (start_flag,) = alerts_of([], day(1), red_flags=("fever",))
    assert start_flag == Alert(
        f"red-flag:{day(0)}",
        AlertKind.RED_FLAG,
        Urgency.URGENT,
        day(0),
        "A warning sign was recorded at screening when the plan was made, on 02 Mar (urgent): Fever or "
        "chills with your back pain.",  # not the patient's report: who made the plan is the app's to add
        redflags.SOURCE,
    )
    flare = [a for a in alerts_of([good(1), CheckIn(day(2), flare_up=True, pain_during=6)], day(4))]
    assert flare[0] == Alert(
        f"flare-up:{day(2)}",
        AlertKind.FLARE_UP,
        Urgency.URGENT,
        day(2),
        "The patient reported a flare-up for 04 Mar; running paused from 07 Mar, with low-impact "
        "sessions until a report shows pain settled.",
        rules.FLARE_UP,
    )
    assert AlertKind.PAUSE not in {a.kind for a in flare}  # the flare-up's pause is part of its alert
    sore = [good(1), *(CheckIn(day(n), pain_during=6, pain_next_morning=6) for n in (3, 6))]
    built = plan(sore, day(8))
    pauses = [d for s in built.sessions for d in s.decisions if d.rule is RuleId.PAUSE_RUNNING]
    pause, adherence = alerts(built, sore, summarize(built, sore))
    assert pause == Alert(
        f"pause:{day(7)}",
        AlertKind.PAUSE,
        Urgency.URGENT,
        day(7),
        "Running paused from 09 Mar after two reports in a row of pain above 5/10; low-impact sessions "
        "until a report shows pain settled.",
        pauses[0].source,
    )
    assert adherence == Alert(
        f"low-adherence:{day(7)}",  # keyed by the week, so it is raised once a week while it lasts
        AlertKind.LOW_ADHERENCE,
        Urgency.SOON,
        day(8),
        "The patient reported 2 of 6 sessions done in the last 14 days (under 50%).",
        CLINIC_THRESHOLD,
    )
    assert alerts_of([good(1)], day(12)) == (
        Alert(
            f"silence:{day(1)}",
            AlertKind.SILENCE,
            Urgency.SOON,
            day(12),
            "No check-in since 03 Mar (11 days; the clinic's limit is 7).",
            CLINIC_THRESHOLD,
        ),
    )


def test_an_escalation_is_raised_from_a_week_before_its_day() -> None:
    """Two weeks of pain above the safe range: the plan asks the patient to contact the clinic on
    a day ahead; the clinic hears of it from a week before that day, not earlier."""
    history = [CheckIn(day(n), pain_during=4, pain_next_morning=4) for n in range(28)]
    built = plan(history, day(27))
    (asked,) = [s.date for s in built.sessions for d in s.decisions if d.rule is RuleId.ESCALATION]
    summary = summarize(built, history)
    for today, raised in ((asked - dt.timedelta(days=7), True), (asked - dt.timedelta(days=8), False)):
        found = alerts(attrs.evolve(built, as_of=today), history, summary)
        assert (f"escalation:{asked}" in {a.key for a in found}) is raised, today
    (escalation,) = [a for a in alerts(built, history, summary) if a.kind is AlertKind.ESCALATION]
    assert (escalation.urgency, escalation.day) == (Urgency.URGENT, asked)
    assert escalation.text == (
        f"The plan asked the patient on {asked:%d %b} to contact you "
        "(two weeks of pain above 3/10, or of a pause)."
    )
    assert escalation.source == next(
        d.source for s in built.sessions for d in s.decisions if d.rule is RuleId.ESCALATION
    )


def test_low_adherence_needs_four_planned_sessions_and_under_half_of_them_done() -> None:
    built = plan([good(1)], day(4))
    summary = summarize(built, [good(1)])

    def raised(done: int, planned: int) -> bool:
        counts = attrs.evolve(
            summary, status=PatientStatus.LOW_ADHERENCE, done_judged=done, planned_judged=planned
        )
        return AlertKind.LOW_ADHERENCE in {a.kind for a in alerts(built, [good(1)], counts)}

    assert raised(1, 4) and not raised(2, 4) and not raised(1, 3) and not raised(4, 4)
    silent = attrs.evolve(summary, status=PatientStatus.SILENT, done_judged=0, planned_judged=6)
    assert [a.kind for a in alerts(built, [good(1)], silent)] == [AlertKind.SILENCE]  # one fact, one alert


def test_the_week_counts_from_the_start_and_is_0_before_it() -> None:
    weeks = {n: summarize(plan([], day(n)), []).week for n in (-8, -1, 0, 6, 7, 13, 14)}
    assert weeks == {-8: 0, -1: 0, 0: 1, 6: 1, 7: 2, 13: 2, 14: 3}


def test_the_level_is_the_running_level_as_it_stands_today() -> None:
    """The latest run up to today (today's included), not the next one the projection rises to;
    before the start, the first level; a clinician's level change shows at once, before its run."""
    history = [good(0), good(5)]
    assert summarize(plan(history, day(8)), history).level == "Phase 1"  # the run of day 9 rises
    assert summarize(plan(history, day(9)), history).level == "Phase 2"  # today's run rose
    level_up = ClinicianAction(ActionKind.LEVEL_UP, day(7), "A. Morgan", "doing well")
    raised = plan(history, day(7), actions=[level_up])
    assert summarize(raised, history, [level_up]).level == "Phase 2"  # its first run is day 9
    # a clinic's protocol whose first level is done once: before the start, still the first level
    protocol = CATALOG.protocol("lbp-return-to-run")
    once = attrs.evolve(
        protocol, levels=(attrs.evolve(protocol.levels[0], min_sessions=1), *protocol.levels[1:])
    )
    before = build(rx(), once, CATALOG.library, [], day(-3))
    assert [s.label for s in before.sessions if s.kind.is_running][:2] == ["Phase 1", "Phase 2"]
    assert summarize(before, []).level == "Phase 1"
    referred = plan([], day(3), prescription=rx(red_flags=("fever",)))  # no running at all
    assert summarize(referred, []).level == ""


def test_the_level_on_the_flare_up_restart_is_the_low_impact_one_the_sessions_are_at() -> None:
    """The flare-up restart begins with low-impact and walking levels: the column names the level
    the sessions are at ("Low-impact 20"), not the first run planned weeks later ("Walk 4 / jog 2"),
    and it moves with the reports through the walking level to the runs."""
    protocol = "flare-up-restart"
    first_run = next(s.level_name for s in plan([], day(0), protocol=protocol).sessions if s.kind.is_running)
    assert first_run == "Walk 4 / jog 2"
    for n in (-2, 0, 3, 40):  # before the start, on it, and weeks of silence later
        assert summarize(plan([], day(n), protocol=protocol), []).level == "Low-impact 20", n
    reports = [good(n) for n in range(40) if day(n).isoweekday() in (1, 3, 6)]
    for n, level in ((10, "Low-impact 30"), (20, "Brisk walk 30"), (30, "Walk 4 / jog 2")):
        history = [c for c in reports if c.date <= day(n)]
        assert summarize(plan(history, day(n), protocol=protocol), history).level == level, n


def test_counts_cover_the_14_days_before_today() -> None:
    """A session 14 days back counts, one 15 days back counts only in the totals, and today's, even
    reported, waits until tomorrow."""
    history = [good(0), good(1), good(15)]  # a run, a strength session; today's strength session
    summary = summarize(plan(history, day(15)), history)
    assert (summary.done_recent, summary.done_all) == (1, 2)
    assert summary.planned_all == summary.planned_recent + 1


def test_half_the_sessions_done_is_not_low_adherence() -> None:
    history = [good(n) for n in range(4)]
    summary = summarize(plan(history, day(9)), history)
    assert (summary.done_recent, summary.planned_recent, summary.status) == (3, 6, PatientStatus.ON_TRACK)


def test_a_patient_asked_to_contact_the_clinic_is_escalated_until_pain_settles() -> None:
    """Escalated from the day the plan asks (day 16 after two weeks at 4/10), and no longer once
    the latest report, today's, is within the safe range."""
    history = [CheckIn(day(n), pain_during=4, pain_next_morning=4) for n in range(17)]
    statuses = {n: summarize(plan(history[: n + 1], day(n)), history[: n + 1]).status for n in (15, 16)}
    assert statuses == {15: PatientStatus.ON_TRACK, 16: PatientStatus.ESCALATED}
    assert summarize(plan(history, day(17)), history).status is PatientStatus.ESCALATED
    settled = [*history, CheckIn(day(17), pain_during=1, pain_next_morning=0)]
    assert summarize(plan(settled, day(17)), settled).status is PatientStatus.ON_TRACK


def test_a_clinicians_hold_shows_as_held_up_to_its_last_day() -> None:
    """Held from the hold's day to the day before `until` (its last day off running)."""
    hold = ClinicianAction(ActionKind.HOLD_RUNNING, day(6), "A. Morgan", "scan", until=day(12))
    history = [good(0), good(5)]
    statuses = {
        n: summarize(plan(history, day(n), actions=[hold]), history, [hold]).status for n in (5, 6, 11, 12)
    }
    assert statuses[6] is statuses[11] is PatientStatus.HELD
    assert PatientStatus.HELD not in {statuses[5], statuses[12]}


def test_silence_counts_afresh_from_a_re_open_on_its_own_day() -> None:
    discharge = ClinicianAction(ActionKind.DISCHARGE, day(3), "A. Morgan", "moved away")
    reopen = ClinicianAction(ActionKind.REOPEN, day(20), "A. Morgan", "back in town")
    summary = summarize(plan([good(0)], day(20), actions=[discharge, reopen]), [good(0)], [discharge, reopen])
    assert (summary.status, summary.quiet_since, summary.last_contact) == (
        PatientStatus.ON_TRACK,
        day(20),
        day(0),
    )


def test_contact_is_the_day_a_report_arrived_in_the_patients_time_zone() -> None:
    """A report about day 3 sent on the evening of 12 March UTC is contact on 13 March in Auckland."""
    late = CheckIn(
        day(3), pain_during=1, pain_next_morning=0, recorded_at=dt.datetime(2026, 3, 12, 20, tzinfo=dt.UTC)
    )
    built = plan([late], day(14), prescription=rx(timezone="Pacific/Auckland"))
    summary = summarize(built, [late])
    assert (summary.last_report, summary.last_contact, summary.quiet_since) == (day(3), day(11), day(11))
    assert summary.status is not PatientStatus.SILENT


def test_a_flare_up_names_the_pause_it_falls_in_or_says_running_was_already_paused() -> None:
    """A flare-up alert holds the pause that begins on its day or within a week of it (one weekly
    run: the next run is 7 days on); a flare-up in a pause that began earlier says so."""
    sore = [good(0), *(CheckIn(day(n), pain_during=6, pain_next_morning=6) for n in (5, 7))]
    on_the_first_paused_day = [*sore, CheckIn(day(9), flare_up=True, pain_during=6)]  # the pause starts day 9
    assert [
        (a.key, a.text)
        for a in alerts_of(on_the_first_paused_day, day(9))  # seen on its own day
        if a.kind is not AlertKind.LOW_ADHERENCE
    ] == [
        (
            f"flare-up:{day(9)}",
            "The patient reported a flare-up for 11 Mar; running paused from 11 Mar, with low-impact "
            "sessions until a report shows pain settled.",
        )
    ]
    weekly = [good(0), CheckIn(day(7), flare_up=True, pain_during=6)]  # after the run of day 7
    (flare,) = [a for a in alerts_of(weekly, day(8), run_days=(1,)) if a.kind is not AlertKind.LOW_ADHERENCE]
    assert flare.text.startswith("The patient reported a flare-up for 09 Mar; running paused from 16 Mar,")
    again = [
        good(0),
        CheckIn(day(5), flare_up=True, pain_during=6),
        CheckIn(day(12), flare_up=True, done=False),
    ]
    flares = [a for a in alerts_of(again, day(13)) if a.kind is AlertKind.FLARE_UP]
    assert [a.key for a in flares] == [f"flare-up:{day(5)}", f"flare-up:{day(12)}"]
    assert flares[1].text == (
        "The patient reported a flare-up for 14 Mar; running already paused, with low-impact sessions "
        "until a report shows pain settled."
    )


def test_each_days_warning_sign_is_its_own_alert_and_names_every_sign() -> None:
    """A sign after a clearance, on another day, is that day's alert (no suffix: nothing of its day
    was cleared); several signs at once are listed in one alert."""
    history = [CheckIn(day(2), red_flags=("fever",)), CheckIn(day(5), red_flags=("fever",))]
    cleared = ClinicianAction(ActionKind.CLEAR_RED_FLAG, day(3), "A. Morgan", "assessed")
    built = plan(history, day(6), actions=[cleared])
    found = alerts(built, history, summarize(built, history, [cleared]), actions=[cleared])
    assert [a.key for a in found if a.kind is AlertKind.RED_FLAG] == [
        f"red-flag:{day(2)}",
        f"red-flag:{day(5)}",
    ]
    (both,) = alerts_of([], day(1), red_flags=("fever", "new-lump"))
    assert both.text == (
        "A warning sign was recorded at screening when the plan was made, on 02 Mar (urgent): Fever or "
        "chills with your back pain; A new lump on your back."
    )


def test_an_alert_closes_by_itself_only_for_silence_and_the_low_adherence_it_supersedes() -> None:
    """Silence ends with contact after the day it counted from; low adherence is superseded while
    the patient is silent; every other alert waits for a clinician, silent patient or not."""
    key = f"silence:{day(1)}"
    quiet = summarize(plan([good(1)], day(12)), [good(1)])
    back = summarize(plan([good(1), good(13)], day(13)), [good(1), good(13)])
    assert resolution(AlertKind.SILENCE.value, key, back) == Resolution(
        "closed: the patient checked in again on 15 Mar 2026", day(13)
    )
    assert resolution(AlertKind.SILENCE.value, key, quiet) is None  # last contact is the day it counts from
    never = summarize(plan([], day(12)), [])
    assert resolution(AlertKind.SILENCE.value, f"silence:{day(0)}", never) is None
    for kind, alert_key in (
        (AlertKind.RED_FLAG, f"red-flag:{day(1)}"),
        (AlertKind.FLARE_UP, f"flare-up:{day(1)}"),
    ):
        assert resolution(kind.value, alert_key, back) is resolution(kind.value, alert_key, quiet) is None
    low_adherence = f"low-adherence:{day(7)}"
    assert quiet.status is PatientStatus.SILENT and back.status is not PatientStatus.SILENT
    assert resolution(AlertKind.LOW_ADHERENCE.value, low_adherence, quiet) == Resolution(
        "closed: superseded by the silence alert (no check-in since 03 Mar 2026)", day(1)
    )
    assert resolution(AlertKind.LOW_ADHERENCE.value, low_adherence, back) is None


def test_a_hold_never_changes_the_level_shown_and_a_level_move_goes_from_it() -> None:
    """The demo's Ben Carter (a rise to Phase 3 due at today's run) and Dmitri Volkov (risen to
    Phase 4 on a capped day): held from today for a week, the level shown is the one without the
    hold, the level they come back at; a move up or down goes one level from it, never onto the
    level already due."""
    for today, level, up, down in (
        (day(16), "Phase 3", "Phase 4", "Phase 2"),
        (day(30), "Phase 4", "Phase 5", "Phase 3"),
    ):
        unheld = plan([], today)
        history = [
            good((s.date - day(0)).days)
            for s in unheld.sessions
            if s.date < today - dt.timedelta(days=1) and s.kind.is_active
        ]
        assert summarize(plan(history, today), history).level == level
        hold = ClinicianAction(
            ActionKind.HOLD_RUNNING, today, "A. Morgan", "scan", until=today + dt.timedelta(days=7)
        )
        assert summarize(plan(history, today, actions=[hold]), history, [hold]).level == level
        for kind, moved in ((ActionKind.LEVEL_UP, up), (ActionKind.LEVEL_DOWN, down)):
            actions = [hold, ClinicianAction(kind, today, "A. Morgan", "reviewed")]
            built = plan(history, today, actions=actions)
            assert summarize(built, history, actions).level == moved, (today, kind)
            back = next(
                s for s in built.sessions if s.date >= today + dt.timedelta(days=7) and s.kind.is_running
            )
            assert back.level_name == moved
            assert any(d.rule is RuleId.CLINICIAN_LEVEL and moved in d.text for d in back.decisions)
    # without a hold, on the run day the rise is due: the move goes from the level shown too
    history = [good(n) for n in (0, 2, 5, 7, 9, 12)]
    assert summarize(plan(history, day(16)), history).level == "Phase 3"
    up = ClinicianAction(ActionKind.LEVEL_UP, day(16), "A. Morgan", "doing well")
    assert summarize(plan(history, day(16), actions=[up]), history, [up]).level == "Phase 4"


def test_silence_and_adherence_count_from_the_day_the_plan_was_issued() -> None:
    """Reviewer's item 3: a roster plan issued on day 20 with a start on day 0 was at once silent
    (0 of 11 sessions, no report): its person only just got the handout. Counted from the issue
    day (or the start, if later), it is on track on its issue day, silent a week later; and the
    status says "low adherence" only when the alert does (0 of 2 sessions is neither)."""
    issued = day(20)
    on_issue = summarize(plan([], issued), [], issued=issued)
    assert (on_issue.status, on_issue.planned_recent, on_issue.planned_all) == (PatientStatus.ON_TRACK, 0, 0)
    assert on_issue.quiet_since == issued and not alerts(plan([], issued), [], on_issue)
    week_on = summarize(plan([], day(27)), [], issued=issued)
    assert week_on.status is PatientStatus.SILENT
    (silence,) = alerts(plan([], day(27)), [], week_on)
    assert silence.key == f"silence:{issued}"
    assert summarize(plan([], day(27)), [], issued=day(-5)).quiet_since == day(0)  # before the start
    # two sessions planned, none done: under the alert's minimum, so not "low adherence" either
    skipped = [CheckIn(day(n), done=False) for n in (0, 1)]
    two = summarize(plan(skipped, day(2)), skipped)
    assert (two.done_recent, two.planned_recent) == (0, 2)
    assert two.status is PatientStatus.ON_TRACK and not alerts(plan(skipped, day(2)), skipped, two)
