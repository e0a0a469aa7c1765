"""build(prescription, protocol, library, checkins, today, actions) -> Plan: the pure planning core.

The plan is walked day by day from the start date by a small state machine (`_Course`) whose
transitions (record a session, pause, resume, hold, refer, clear, lay off, escalate) each make
their decisions in one place. What drives it:

- Reports. All check-ins for a day are merged, the most cautious answer winning
  (planner.core.same_day). Only sessions reported done count towards a level's repeats and towards
  running load; skipped ones count for nothing.
- Today. A past session without a report is *unreported* and counts for nothing, whatever happened
  around it (a lay-off step, a clinician's action). The future is projected as if it goes well from
  the eve of the next lay-off step (today, if that is today, or if no step is to come): the sessions
  before it count once reported, as they will count for nothing if they pass unreported, so the plan
  is the same on every silent day until the step. Which past sessions count never depends on the day
  the plan is viewed, and a silent day changes nothing in the past, nor in the future except at a
  step or, with no step to come, as each run-day session passes unreported.
- Lay-offs: time off running is measured from the last session at the progression level reported
  done (skipped sessions are time off, like silence). At the protocol's lay-off days (7, 14, 28, 56
  by default), and only then, the plan restarts from the lower of the last level reported done and
  where the last report left it, stepping down the longer the time off; a pause stays paused. After
  the last step the plan holds at its level until a report. A plan nobody has started (no check-in
  yet) is projected whole until its first session has passed; the next day it says "Ready to
  start?" and stays at its first level until the first check-in. With no step to come (not started,
  or past the last step) the rest is projected from today, so its expected end keeps its distance
  from today instead of waiting a year at that level.

The course's state is a frozen value (planner.core.course_state) that each transition replaces.
No clock, file or database is touched: the same inputs give the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from planner.core import care, clearance, prescription_checks, rules
from planner.core import programme as programmes
from planner.core.catalog import Library
from planner.core.course_state import Pause, Runs, State, TimeOff
from planner.core.model import (
    ActionKind,
    CheckIn,
    ClinicianAction,
    Decision,
    Level,
    LevelKind,
    Plan,
    Prescription,
    Protocol,
    RuleId,
    Session,
    SlotName,
    Status,
    Verdict,
)
from planner.core.programme import Part
from planner.core.progression import Track
from planner.core.same_day import by_day
from planner.core.session_contents import (
    Slot,
    level_session,
    low_impact_session,
    mobility_session,
    referral_session,
    rest_session,
    strength_session,
)

HORIZON_DAYS = 7 * 52
# How long a rise waits for room under the growth cap: after a week at the same level the week's
# running no longer grows (the days repeat), so waiting longer would wait for ever.
GROWTH_HOLD_DAYS = 7
ONE_DAY = dt.timedelta(days=1)


def _assumed_well(day: dt.date) -> CheckIn:
    """The report a projected session is taken to give: done, no pain."""
    return CheckIn(day, done=True, pain_during=0, pain_next_morning=0)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


def last_event(
    rx: Prescription, report_days: Iterable[dt.date], actions: Iterable[ClinicianAction]
) -> dt.date:
    """The last report or clinician's action: the plan is walked at least a horizon past it."""
    return max([*report_days, *(a.date for a in actions)], default=rx.start - ONE_DAY)


class _Course:
    """One build: the inputs, the state (a frozen value, replaced at each transition), and the
    transitions between days."""

    def __init__(
        self,
        rx: Prescription,
        protocol: Protocol,
        library: Library,
        reports: dict[dt.date, CheckIn],
        actions: tuple[ClinicianAction, ...],
        today: dt.date,
        track: Track,
        warning_signs: tuple[CheckIn, ...] = (),
        *,
        followed: bool = True,
    ) -> None:
        self.followed = (
            followed  # a clinic follows the plan: its holds and recorded signs are its clinician's
        )
        self.rx, self.protocol, self.library, self.reports, self.actions, self.today = (
            rx,
            protocol,
            library,
            reports,
            actions,
            today,
        )
        self.last_event = last_event(rx, reports, actions)
        # Time off is known up to today, and not after the programme ended (unless re-opened).
        ended = care.discharge_in_force(actions)
        self.known_until = min(today, ended.date) if ended else today
        self.track = track  # the patient's programme as it stands, and how far it has progressed
        # Each reported warning sign, by the day it stops the plan; clearances in recorded order.
        self.clearances = clearance.clearances(actions)
        self.signs = tuple((clearance.effective_day(c, self.clearances), c) for c in warning_signs)
        self.state = State()
        self.levels = protocol.levels
        self.floor_seconds = rules.entry_load(protocol)
        self.back_pain_from = rules.back_pain_from(rx, reports.values())
        self.set_week(rx)
        self.sessions: list[Session] = []
        self.notes: list[Decision] = []
        # The plan-wide "contact your clinician" notes still in force, by what ends them: "pain"
        # once pain settles, "pause" once running resumes (the sessions keep their own decisions).
        self.escalations: dict[str, Decision] = {}
        self.projection: dt.date | None = None  # see projection_begins
        self.first_asked: dt.date | None = None  # the day of the first session that asks for a report

    def set_week(self, rx: Prescription) -> None:
        """The week's shape from here on: run and strength days, the day for mobility, the time."""
        self.rx = rx
        self.free_days = [d for d in range(1, 8) if d not in rx.run_days and d not in rx.strength_days]
        self.mobility_day = self.free_days[0] if len(self.free_days) >= 2 else None

    def change_week(self, action: ClinicianAction) -> None:
        """A clinician's new week from the action's day; strength days follow the run days."""
        strength = prescription_checks.default_strength_days(action.run_days, self.protocol.strength_per_week)
        time = action.session_time or self.rx.session_time
        self.set_week(
            attrs.evolve(self.rx, run_days=action.run_days, strength_days=strength, session_time=time)
        )
        days = prescription_checks.day_names(action.run_days)
        self.state = self.state.with_pending(rules.week_changed(action, days, time))

    # -- helpers ------------------------------------------------------------------------------
    def evolve(self, **parts: Any) -> None:
        """The next state: the same as this one except for the parts given."""
        self.state = attrs.evolve(self.state, **parts)

    def slot(
        self,
        day: dt.date,
        name: SlotName,
        report: CheckIn | None,
        *,
        replaced: bool = False,
        asks_report: bool = True,
    ) -> Slot:
        if report is not None:
            status = Status.DONE if report.done else Status.SKIPPED
        elif day < self.today and asks_report:
            status = Status.UNREPORTED
        else:
            status = Status.REPLACED if replaced else Status.PLANNED
        return Slot(day, self.rx.session_time, name, status, report is None and day >= self.today)

    def counted_report(self, day: dt.date, report: CheckIn | None) -> CheckIn | None:
        """The report a session counts with: the real one, an assumed good one in the projected
        future, or none: an unreported past session, or one before the projection begins."""
        if report is not None:
            return report
        if day < self.today:
            return None
        return _assumed_well(day) if day >= self.projection_begins() else None

    def projection_begins(self) -> dt.date:
        """From when the future is projected as if it goes well: the eve of the next lay-off step
        (today, if that is today). The sessions before it, if nobody reports them, will have passed
        unreported by the time the step comes, so they count for nothing now as they will then, and
        the plan shown on any silent day before the step is the same. With no step to come (a plan
        nobody has started, whose one step is the day after its first session, or one silent past
        the last step) it is today: the rest of the plan from today, as if the coming sessions go
        well, rather than a year at the level where the reports left it. Worked out once, when the
        walk first needs it on or after today (time off is known up to today)."""
        if self.projection is None:
            off = self.state.time_off
            upcoming: list[dt.date] = []
            if off.last_report is not None:
                since = off.since or self.rx.start - ONE_DAY
                steps = [since + dt.timedelta(days=n) for n in self.protocol.lay_off_days]
                upcoming = [step for step in steps if step > self.today]
            self.projection = max(self.today, min(upcoming) - ONE_DAY) if upcoming else self.today
        return self.projection

    def take_pending(self) -> list[Decision]:
        pending = list(self.state.pending)
        self.evolve(pending=())
        return pending

    def next_low_impact(self) -> str:
        load = self.state.load
        choices = self.track.low_impact()
        choice = choices[load.low_impact_turn % len(choices)]
        self.evolve(load=attrs.evolve(load, low_impact_turn=load.low_impact_turn + 1))
        return choice

    def fits(self, day: dt.date, seconds: int, planned: Mapping[dt.date, int] | None = None) -> bool:
        """The weekly growth cap over every seven days that contain `day`: running in them at most
        (1 + cap) x the busier of the two seven-day spans before, or the floor. A calendar week is
        such a span too, so it is held as well. `planned` adds tentative runs, for looking ahead."""
        done, extra = self.state.load.day_seconds, planned or {}
        first = day - 20 * ONE_DAY  # the 27 days that the seven windows and their references span
        running = [done.get(first + n * ONE_DAY, 0) + extra.get(first + n * ONE_DAY, 0) for n in range(27)]
        running[20] += seconds
        cap = self.cap(day)

        def total(last: int) -> int:
            return sum(running[last - 6 : last + 1])

        return all(
            total(end) <= rules.weekly_allowance(cap, self.floor_seconds, (total(end - 7), total(end - 14)))
            for end in range(20, 27)
        )

    def cap(self, day: dt.date) -> float:
        """The weekly growth cap on `day`: the back-pain figure from the first report of back pain."""
        return rules.growth_cap(self.protocol, self.back_pain_from is not None and day >= self.back_pain_from)

    def runs_lost_to_cap(self, day: dt.date, level: Level) -> int:
        """How many of the runs at `level` that the seven days from `day` have room for (run days,
        the level's rest days, the protocol's runs a week) the growth cap would turn into low-impact
        sessions."""
        seconds, last, lost = level.running_seconds(0), None, 0
        planned: dict[dt.date, int] = {}
        week_runs = dict(self.state.load.week_runs)
        for candidate in (day + n * ONE_DAY for n in range(7)):
            monday = _monday(candidate)
            if (
                candidate.isoweekday() not in self.rx.run_days
                or (last is not None and (candidate - last).days - 1 < max(1, level.min_rest_days))
                or week_runs.get(monday, 0) >= self.protocol.runs_per_week
            ):
                continue
            last = candidate
            week_runs[monday] = week_runs.get(monday, 0) + 1
            if self.fits(candidate, seconds, planned):
                planned[candidate] = seconds
            else:
                lost += 1
        return lost

    def room_to_advance(self, day: dt.date, level: Level, following: Level) -> bool:
        """Move up only when the rise does not cost the coming week a run to the growth cap: fewer
        runs is the cap's answer to load (but see GROWTH_HOLD_DAYS)."""
        return self.runs_lost_to_cap(day, following) <= self.runs_lost_to_cap(day, level)

    # -- the run slot -------------------------------------------------------------------------
    def run_slot(self, day: dt.date, report: CheckIn | None) -> Session:
        """A run day: days off, the week's runs, a hold, a pause or the rest between runs may each
        put something else in the run's place; otherwise the level's session, after any rise."""
        runs, protocol = self.state.runs, self.protocol
        if runs.no_running_until is not None and day <= runs.no_running_until:
            since = runs.days_off_from or day
            decision = rules.days_off((day - since).days, (runs.no_running_until - since).days)
            return self.rest_instead(day, report, [decision])
        if self.state.load.week_runs.get(_monday(day), 0) >= protocol.runs_per_week:
            decision = rules.weekly_runs_reached(protocol.runs_per_week)
            return self.replace_run(day, report, [decision], replaced=False)
        decisions = self.take_pending()
        hold_until = rules.held_until(self.rx, self.actions, day)
        if hold_until is not None:
            self.evolve(pending=tuple(decisions))  # other news waits for the first session after the hold
            return self.replace_run(day, report, [rules.clinician_hold(hold_until, followed=self.followed)])
        if self.state.pause.active:  # a rise told at its first run is moot once running pauses
            decisions = [d for d in decisions if d.rule is not RuleId.LEVEL_ADVANCE]
            if not any(d.verdict is Verdict.PAUSE for d in decisions):
                decisions.append(rules.paused_session())
            return self.replace_run(day, report, decisions)
        level = self.levels[self.state.progression.level]
        if level.is_running and not rules.enough_rest(level, runs.last_run, day):
            self.evolve(pending=tuple(decisions))  # the news waits for the next run
            return self.rest_instead(day, report, [rules.rest_between_runs(level)])
        return self.progression_session(day, report, decisions)

    def progression_session(self, day: dt.date, report: CheckIn | None, decisions: list[Decision]) -> Session:
        """The session at the progression level (after any rise), or low-impact when the growth cap
        has no room for it."""
        moved = self.advance(day)
        if moved is not None:
            decisions.append(moved)
        progression = self.state.progression
        level = self.levels[progression.level]
        if level.is_running and not self.fits(day, level.running_seconds(progression.attempts)):
            # A rise is told on the first session at the new level, never on the one in its place:
            # the level is reached, and its words wait for its first run with the other news.
            rises = [d for d in decisions if d.rule is RuleId.LEVEL_ADVANCE]
            kept = [d for d in decisions if d.rule is not RuleId.LEVEL_ADVANCE]
            self.evolve(pending=(*self.state.pending, *rises))
            stays = self.levels[progression.level - 1] if rises else level  # the level last run
            return self.replace_run(day, report, [*kept, rules.growth_capped(self.cap(day), stays)])
        if not any(d.verdict is not Verdict.SCHEDULE for d in decisions):
            decisions.append(rules.repeat_level(level, progression.attempts))
        slot = self.slot(day, SlotName.RUN, report)
        if level.kind is LevelKind.LOW_IMPACT:
            decisions.append(rules.low_impact_level(level))
            minutes = level.total_seconds(progression.attempts) // 60
            session = low_impact_session(
                slot,
                self.protocol,
                self.library,
                self.next_low_impact(),
                minutes,
                tuple(decisions),
                programme=self.track.programme,
                title_level=level.name,
                level_id=level.id,
            )
        else:
            session = level_session(
                slot,
                self.protocol,
                self.library,
                level,
                progression.attempts,
                tuple(decisions),
                programme=self.track.programme,
            )
        self.evolve(load=self.state.load.with_run(_monday(day)), runs=self.ran(day, session))
        self.record_session(day, report, session)
        return session

    def ran(self, day: dt.date, session: Session) -> Runs:
        """The runs after this session: its day (when it runs), its level, and a rise if it rose."""
        runs, level = self.state.runs, self.state.progression.level
        rose = runs.last_level is not None and level > runs.last_level
        return attrs.evolve(
            runs,
            last_run=day if session.kind.is_running else runs.last_run,
            last_level=level,
            rise_days=(*runs.rise_days, day) if rose else runs.rise_days,
        )

    def rest_instead(self, day: dt.date, report: CheckIn | None, decisions: list[Decision]) -> Session:
        session = rest_session(self.slot(day, SlotName.RUN, report, asks_report=False), tuple(decisions))
        if report is not None:
            self.apply_report(day, report, counted=False, reported=True)
        return session

    def replace_run(
        self, day: dt.date, report: CheckIn | None, decisions: list[Decision], *, replaced: bool = True
    ) -> Session:
        """Low-impact cardio of about the run's length in place of the run."""
        progression = self.state.progression
        level = self.levels[progression.level]
        minutes = max(15, -(-level.total_seconds(progression.attempts) // 60))
        session = low_impact_session(
            self.slot(day, SlotName.RUN, report, replaced=replaced),
            self.protocol,
            self.library,
            self.next_low_impact(),
            minutes,
            tuple(decisions),
            programme=self.track.programme,
        )
        counted = self.counted_report(day, report)
        if counted is not None:
            self.apply_report(day, counted, counted=False, reported=report is not None)
        if report is not None and report.done:  # the session in the run's place was done: not time off
            self.evolve(time_off=attrs.evolve(self.state.time_off, since=day))
        return session

    def advance(self, day: dt.date) -> Decision | None:
        """Move up a level when its sessions are done, the last report allows it, the rise limit
        and the growth cap leave room; the decision says which, or None when not yet due."""
        progression, protocol = self.state.progression, self.protocol
        level = self.levels[progression.level]
        if (
            progression.level + 1 >= len(self.levels)
            or progression.attempts < level.min_sessions
            or not progression.ready
        ):
            return None
        if (
            progression.last_painful
            or rules.rises_in_window(self.state.runs.rise_days, day) >= protocol.max_level_rises_per_week
        ):
            return rules.rise_limit(protocol.max_level_rises_per_week)
        following = self.levels[progression.level + 1]
        if following.is_running and not self.room_to_advance(day, level, following):
            held = progression.held_since or day
            if (day - held).days < GROWTH_HOLD_DAYS:
                self.evolve(progression=attrs.evolve(progression, held_since=held))
                return rules.growth_hold(self.cap(day), level, following)
            # A week at a level whose runs all fit leaves the week where it is: holding longer would
            # repeat it for ever (Couch to 5K's +78% from week 3 to 4 under the back-pain cap), so
            # the rise goes ahead, in fewer runs; each run still fits the cap.
        self.evolve(
            progression=attrs.evolve(progression, level=progression.level + 1, attempts=0, held_since=None)
        )
        return rules.advance(level, following, level.min_sessions, reported=progression.last_counted_reported)

    # -- transitions --------------------------------------------------------------------------
    def record_session(self, day: dt.date, report: CheckIn | None, session: Session) -> None:
        """A session at the progression level: it counts only when reported done (or projected)."""
        counted = self.counted_report(day, report)
        if counted is None:
            return  # unreported: neither a repeat nor load
        if counted.done:
            progression = self.state.progression
            if report is not None:  # time off ends with a run-day session reported done
                self.evolve(time_off=attrs.evolve(self.state.time_off, since=day))
            self.evolve(
                progression=attrs.evolve(
                    progression,
                    attempts=progression.attempts + 1,
                    last_counted_reported=report is not None,
                    last_done_level=progression.level if report is not None else progression.last_done_level,
                ),
                load=self.state.load.with_seconds(day, session.running_seconds),
            )
        self.apply_report(day, counted, counted=counted.done, reported=report is not None)
        progression, last = self.state.progression, len(self.levels) - 1
        if (
            progression.level == last
            and progression.attempts >= self.levels[last].min_sessions
            and progression.ready
        ):
            self.evolve(progression=attrs.evolve(progression, completed=not self.state.pause.active))

    def apply_report(self, day: dt.date, report: CheckIn, *, counted: bool, reported: bool) -> None:
        """Pain and soreness verdicts, escalation, then pause and resume: any day's report can
        trigger them. "Two too-painful reports in a row" counts real reports only."""
        verdict = rules.evaluate(report, self.protocol.rule_set)
        level_before = self.state.progression.level
        if verdict.decisions:
            self.verdict(day, report, verdict, counted=counted, reported=reported)
        if verdict.days_off:
            until = day + dt.timedelta(days=verdict.days_off)
            self.evolve(runs=attrs.evolve(self.state.runs, no_running_until=until, days_off_from=day))
        if reported:
            self.check_escalation(day, report, settled=verdict.tolerable_and_settled)
        if self.state.pause.active:
            self.settle(day, report, verdict, reported=reported)
            return
        pause = rules.pause_for_pain(self.state.pain.consecutive_painful, report, self.protocol.resume)
        if pause is not None:
            self.pause(day, rules.from_report(pause, day) if reported else pause, level_before)

    def verdict(
        self, day: dt.date, report: CheckIn, verdict: rules.CheckInVerdict, *, counted: bool, reported: bool
    ) -> None:
        """What the pain and soreness rules said: repeat, one level easier, or carry on."""
        progression, pain = self.state.progression, self.state.pain
        if verdict.verdict is Verdict.REPEAT and counted:
            progression = attrs.evolve(progression, attempts=progression.attempts - 1)
        elif verdict.verdict is Verdict.REGRESS and not self.state.pause.active and not report.flare_up:
            progression = attrs.evolve(progression, level=max(0, progression.level - 1), attempts=0)
        pending = self.state.pending
        if verdict.verdict is not Verdict.ADVANCE:
            pending = (*pending, *(rules.from_report(d, day) for d in verdict.decisions))
            progression = attrs.evolve(progression, completed=False)
        if counted or verdict.verdict is not Verdict.ADVANCE:  # a good rest-day report proves nothing
            progression = attrs.evolve(progression, ready=verdict.verdict is Verdict.ADVANCE)
        progression = attrs.evolve(progression, last_painful=verdict.verdict is not Verdict.ADVANCE)
        if reported:
            streak = pain.consecutive_painful + 1 if verdict.too_painful else 0
            pain = attrs.evolve(pain, consecutive_painful=streak)
        self.evolve(progression=progression, pain=pain, pending=pending)

    def settle(self, day: dt.date, report: CheckIn, verdict: rules.CheckInVerdict, *, reported: bool) -> None:
        """A report while paused: the entry criteria resume on one report within them; a pause for
        pain resumes on tolerable, settled reports on the protocol's number of different days, the
        first a margin of days after the pause began. Any other report starts the count again."""
        pause = self.state.pause
        ready = verdict.tolerable_and_settled and not report.flare_up
        if pause.entry_pending:
            if ready and rules.meets_entry(self.protocol, report):
                self.resume(day, reported=reported)
            return
        if not ready:
            self.evolve(pause=attrs.evolve(pause, settled=()))
            return
        if not rules.past_resume_margin(self.protocol.resume, pause.since, day):
            return
        settled = tuple(dict.fromkeys((*pause.settled, day)))
        self.evolve(pause=attrs.evolve(pause, settled=settled))
        if len(settled) >= self.protocol.resume.settled_reports:
            self.resume(day, reported=reported)

    def pause(self, day: dt.date, decision: Decision, level_before: int) -> None:
        """Running stops; low-impact sessions take its place. It resumes one level below what was
        actually run."""
        ran = self.state.runs.last_level
        resume_level = max(0, (level_before if ran is None else min(level_before, ran)) - 1)
        self.evolve(
            pause=attrs.evolve(
                self.state.pause,
                active=True,
                since=day,
                escalated=False,
                resume_level=resume_level,
                settled=(),
            ),
            progression=attrs.evolve(self.state.progression, completed=False),
        )
        self.state = self.state.with_pending(decision)

    def resume(self, day: dt.date, *, reported: bool) -> None:
        self.end_escalation("pause", day)
        state = self.state
        level = self.levels[state.pause.resume_level]
        decision = (
            rules.entry_met(level, reported=reported)
            if state.pause.entry_pending
            else rules.resume_after_pause(level, self.protocol.resume, reported=reported)
        )
        self.evolve(
            pause=attrs.evolve(state.pause, active=False, entry_pending=False),
            progression=attrs.evolve(state.progression, level=state.pause.resume_level, attempts=0),
            pain=attrs.evolve(state.pain, consecutive_painful=0),
            runs=attrs.evolve(
                state.runs, last_level=min(state.runs.last_level or 0, state.pause.resume_level)
            ),
            pending=(*state.pending, decision),
        )

    def check_escalation(self, day: dt.date, report: CheckIn, *, settled: bool) -> None:
        """Pain that has not settled for two weeks, or a two-week pause without a settled report:
        the person is asked to contact their clinician, once per episode."""
        pain = self.state.pain
        if rules.above_safe_range(report):
            pain = attrs.evolve(pain, since=pain.since or day)
            due = pain.since is not None and (day - pain.since).days + 1 >= rules.ESCALATION_DAYS
            if not pain.escalated and due:
                pain = attrs.evolve(pain, escalated=True)
                self.escalate(day, rules.persistent_pain(followed=self.followed), ends_with="pain")
        elif report.pain_during is not None or report.pain_next_morning is not None:
            pain = attrs.evolve(pain, since=None, escalated=False)
            self.end_escalation("pain", day)
        self.evolve(pain=pain)
        pause = self.state.pause
        long_pause = pause.since is not None and (day - pause.since).days >= rules.ESCALATION_DAYS
        if pause.active and long_pause and not pause.escalated and not settled:
            self.evolve(pause=attrs.evolve(pause, escalated=True))
            self.escalate(day, rules.long_pause(followed=self.followed), ends_with="pause")

    def escalate(self, day: dt.date, decision: Decision, *, ends_with: str) -> None:
        self.state = self.state.with_pending(decision)
        self.note_escalation(rules.from_report(decision, day), ends_with)

    def note_escalation(self, note: Decision, ends_with: str) -> None:
        if ends_with in self.escalations:
            self.notes.remove(self.escalations[ends_with])
        self.escalations[ends_with] = note
        self.notes.append(note)

    def end_escalation(self, ends_with: str, day: dt.date) -> None:
        """The condition behind a plan-wide escalation note is over on `day`: the note goes (a
        handout printed later must not ask the person to call about a pause that has ended). Only
        what is known ends it: a projected resumption after today leaves the note standing."""
        if day <= self.known_until and ends_with in self.escalations:
            self.notes.remove(self.escalations.pop(ends_with))

    def time_off(self, day: dt.date) -> None:
        """A day up to today: a lay-off step when time off running reaches one, and the escalation
        of a pause that has gone silent."""
        off, report = self.state.time_off, self.reports.get(day)
        since = off.since or self.rx.start - ONE_DAY
        if off.last_report is None:  # nobody has started: one step, the day after the first session
            if report is None and self.first_asked is not None and day == self.first_asked + ONE_DAY:
                self.lay_off(0, (day - since).days, silent=True)
        else:
            step = rules.lay_off_step(self.protocol.lay_off_days, (day - since).days, HORIZON_DAYS)
            if step is not None and not (report is not None and report.done):  # done today: no time off
                self.lay_off(*step, silent=off.last_report <= since)
        pause = self.state.pause
        if pause.active and not pause.escalated and day not in self.reports:
            quiet_since = max(d for d in (pause.since, off.last_report, since) if d is not None)
            if (day - quiet_since).days >= rules.ESCALATION_DAYS:
                self.evolve(pause=attrs.evolve(pause, escalated=True))
                decision = rules.silent_pause(followed=self.followed)
                self.state = self.state.with_pending(decision)
                self.note_escalation(decision, "pause")

    def reported(self, day: dt.date, report: CheckIn) -> None:
        """A day's report was taken in. One that tells how a session went (done, or pain and
        soreness scores) also sets the level a lay-off may restart from at most; a plain "skipped"
        says nothing about that, so weeks of skips step down from the same level as silence."""
        state = self.state
        off = attrs.evolve(state.time_off, last_report=day)
        if report.done or rules.evaluate(report, self.protocol.rule_set).decisions:
            level = state.pause.resume_level if state.pause.active else state.progression.level
            off = attrs.evolve(off, report_level=level)
        self.evolve(time_off=off)

    def lay_off(self, stage: int, days: int, *, silent: bool) -> None:
        """Time off long enough to be a lay-off: restart from the lower of the last level reported
        done and where the last report left the plan, lower the longer the time off. A lay-off
        never raises the level, and a pause stays paused (it resumes no higher than this)."""
        state = self.state
        paused = state.pause.active
        done, left = state.progression.last_done_level, state.time_off.report_level
        base = min(done if done is not None else 0, left if left is not None else len(self.levels))
        target = rules.lay_off_level(stage, base)
        basis = (
            rules.LayOffBasis.NOTHING_DONE
            if done is None
            else rules.LayOffBasis.LAST_DONE
            if base == done
            else rules.LayOffBasis.LAST_REPORT
        )
        decision = (
            rules.not_started(self.levels[target])
            if state.time_off.last_report is None and not paused
            else rules.lay_off(
                stage, days, self.levels[target], basis, silent=silent, paused=paused, lower=target < base
            )
        )
        last_level = state.runs.last_level
        self.evolve(
            progression=state.progression if paused else state.progression.restart(target),
            runs=attrs.evolve(
                state.runs,
                no_running_until=None,
                last_level=None if last_level is None else min(last_level, target),
            ),
            pause=attrs.evolve(state.pause, resume_level=min(state.pause.resume_level, target)),
            pending=(*state.pending, decision),
        )

    def clear_red_flag(
        self, action: ClinicianAction, assessed: tuple[CheckIn, ...], found_at_start: tuple[str, ...]
    ) -> None:
        """A clinician's assessment ends a referral: the plan starts again one level below the last
        level reported done."""
        self.end_escalation("pause", action.date)
        state = self.state
        target = max(0, (state.progression.last_done_level or 0) - 1)
        self.evolve(
            progression=attrs.evolve(
                state.progression, level=target, attempts=0, ready=True, last_painful=False
            ),
            pause=attrs.evolve(state.pause, active=False, entry_pending=False),
            pain=attrs.evolve(state.pain, consecutive_painful=0),
            runs=attrs.evolve(state.runs, no_running_until=None, last_run=None, last_level=None),
            time_off=TimeOff(since=action.date, last_report=state.time_off.last_report),
            pending=(rules.red_flag_cleared(action, self.levels[target], assessed, found_at_start),),
        )

    def move_level(self, action: ClinicianAction) -> None:
        """A clinician moves the running one level, from that day; the count at the level restarts.
        The move is from the level the clinic sees the person at that day: a rise their reports
        earned that the day's run takes (or, during a hold, the run after it) comes first, so "up"
        is never a move onto the level already due, nor "down" one back to the level just done."""
        if self.rise_shown(action.date):
            before = self.state
            rose = self.advance(action.date)
            if rose is None or rose.rule is not RuleId.LEVEL_ADVANCE:
                self.state = before  # not due, or kept back by the rise limit or the growth cap
        progression = self.state.progression
        step = 1 if action.kind is ActionKind.LEVEL_UP else -1
        level = min(max(progression.level + step, 0), len(self.levels) - 1)
        self.evolve(progression=attrs.evolve(progression, level=level, attempts=0, ready=True))
        self.state = self.state.with_pending(rules.level_moved(action, self.levels[level]))

    def rise_shown(self, day: dt.date) -> bool:
        """Whether a rise due on `day` is one the clinic already sees (follow_up's level): the day's
        own run takes it, or a hold covers the day and the run after the hold will."""
        if rules.held_until(self.rx, self.actions, day) is not None:
            return True
        runs, level = self.state.runs, self.levels[self.state.progression.level]
        return (
            day.isoweekday() in self.rx.run_days
            and not self.state.pause.active
            and (runs.no_running_until is None or day > runs.no_running_until)
            and rules.enough_rest(level, runs.last_run, day)
        )

    # -- the other days -----------------------------------------------------------------------
    def other_day(self, day: dt.date, report: CheckIn | None) -> Session:
        weekday = day.isoweekday()
        paused = self.state.pause.active
        if weekday in self.rx.strength_days:
            decision = rules.strength_while_paused() if paused else rules.strength_day()
            self.track, rungs, news = self.track.session(Part.STRENGTH, self.library, report, paused=paused)
            slot = self.slot(day, SlotName.STRENGTH, report)
            session = strength_session(slot, self.library, rungs, (decision, *news), easier=paused)
        elif weekday == self.mobility_day:
            self.track, rungs, news = self.track.session(Part.MOBILITY, self.library, report, paused=paused)
            slot = self.slot(day, SlotName.MOBILITY, report)
            session = mobility_session(slot, self.library, rungs, (rules.mobility_day(), *news))
        else:
            slot = self.slot(day, SlotName.REST, report, asks_report=False)
            session = rest_session(slot, (rules.rest_day(),))
        if report is not None:
            self.apply_report(day, report, counted=False, reported=True)
        return session

    # -- the walk -----------------------------------------------------------------------------
    def referral(
        self, day: dt.date, waiting: tuple[CheckIn, ...], found_at_start: tuple[str, ...] = ()
    ) -> dt.date | None:
        """Warning signs stop the plan on `day`; a clearance that assessed them all restarts it the
        day after the clearance, unless a sign recorded after that clearance (and so never assessed)
        falls in the days it covered: that refers the plan again. None: the plan stays referred."""
        while True:
            flags = (*found_at_start, *(flag for c in waiting for flag in c.red_flags))
            self.refer(day, tuple(dict.fromkeys(flags)), recorded=not waiting)
            action = clearance.covering(waiting, self.clearances)
            if action is None:
                return None
            restart = max(action.date, day)
            # it assessed every sign it covers in the days it ends, not only the referral day's
            assessed = tuple(
                c for on, c in self.signs if day <= on <= restart and clearance.covers(action, c)
            )
            self.clear_red_flag(action, assessed, found_at_start)
            found_at_start = ()
            later = [
                (on, c) for on, c in self.signs if day <= on <= restart and not clearance.covers(action, c)
            ]
            if not later:
                return restart
            day, waiting = min(on for on, _ in later), tuple(c for _, c in later)

    def walk(self, first_day: dt.date, start_decision: Decision | None) -> tuple[list[Session], bool]:
        """Walk the days; `start_decision` (entry criteria not met) starts the plan paused."""
        rx = self.rx
        if start_decision is not None:
            self.evolve(
                pause=Pause(active=True, since=rx.start, resume_level=0, entry_pending=True),
                pending=(*self.state.pending, start_decision),
            )
        horizon = max(rx.start, self.last_event) + dt.timedelta(days=HORIZON_DAYS)
        day = first_day
        while day <= horizon:
            if self.state.progression.completed and day > self.last_event:
                break
            self.track = self.track.on(day, self.library)
            if day <= self.known_until:  # time off is known up to today; the future is projected
                self.time_off(day)
            for change in self.actions:
                if change.date == day and change.kind in (ActionKind.LEVEL_UP, ActionKind.LEVEL_DOWN):
                    self.move_level(change)
                elif change.kind is ActionKind.CHANGE_WEEK and rules.week_change_day(change) == day:
                    self.change_week(change)
            report = self.reports.get(day)
            if day.isoweekday() in self.rx.run_days:
                session = self.run_slot(day, report)
            else:
                session = self.other_day(day, report)
            self.sessions.append(session)
            if self.first_asked is None and session.kind.is_active:
                self.first_asked = day
            if report is not None:
                self.reported(day, report)
            waiting = tuple(c for on, c in self.signs if on == day)
            if waiting:
                restart = self.referral(day, waiting)
                if restart is None:
                    return self.sessions, True
                day = restart
            day += ONE_DAY
        return self.sessions, False

    def refer(self, day: dt.date, flags: tuple[str, ...], *, recorded: bool) -> None:
        decision = rules.red_flag_referral(flags, self.rx.timezone, recorded=recorded, followed=self.followed)
        slot = Slot(day, self.rx.session_time, SlotName.REFERRAL)
        self.sessions.append(referral_session(slot, flags, self.rx.timezone, (decision,)))
        self.notes.append(decision)


def build(
    prescription: Prescription,
    protocol: Protocol,
    library: Library,
    checkins: Iterable[CheckIn],
    today: dt.date,
    actions: Iterable[ClinicianAction] = (),
    *,
    followed: bool = True,
) -> Plan:
    """The plan as of `today`: check-ins and clinicians' actions after it are ignored. `followed`: a
    clinic follows the plan; False for a person's own plan, whose sentences name no clinician."""
    prescription_checks.check(prescription)
    rx, actions = prescription, tuple(actions)
    checkins = tuple(checkins)
    reports = by_day(checkins, rx.start, today)
    done = tuple(sorted((a for a in actions if rx.start <= a.date <= today), key=lambda a: a.date))
    # A programme may be set before the plan starts (a template at creation): it applies from its day.
    initial = programmes.from_protocol(protocol, library)
    track = Track.start(initial, programmes.scheduled(actions, today))
    notes: list[Decision] = []
    if rx.hold_running_until and rx.hold_running_until > rx.start:
        notes.append(rules.clinician_hold(rx.hold_running_until, followed=followed))
    severe = rules.severe_pain_hold(protocol, rx, followed=followed)
    if severe is not None:
        notes.append(severe)
    signs = tuple(c for c in checkins if c.red_flags and rx.start <= c.date <= today)
    course = _Course(rx, protocol, library, reports, done, today, track, signs, followed=followed)
    lowered = rules.back_pain_growth(protocol) if course.back_pain_from is not None else None
    if lowered is not None:
        notes.append(lowered)
    first_day = rx.start
    if rx.red_flags:  # the screen at the start found a warning sign: nothing until a clinician clears it
        restart = course.referral(rx.start, (), rx.red_flags)
        if restart is None:
            referral = tuple(course.sessions)
            return Plan(
                rx,
                protocol.id,
                protocol.title,
                today,
                referral,
                True,
                tuple(course.notes),
                protocol.rule_set,
                followed=followed,
            )
        first_day = restart + ONE_DAY
    entry = rules.entry_not_met(protocol, rx.pain)
    if entry is not None:
        notes.append(entry)
    sessions, referred = course.walk(first_day, entry)
    gaps = care.gaps(done)  # a discharge ends the programme that day, until a re-open
    sessions = [s for s in sessions if care.in_care(s.date, gaps)]
    for discharge, reopen in gaps:
        notes.extend((rules.discharged(discharge), *((rules.reopened(reopen),) if reopen else ())))
    # The week as it stands after any change a clinician made: what the exports print.
    week = course.rx
    now = programmes.on(initial, track.upcoming, today)
    return Plan(
        week,
        protocol.id,
        protocol.title,
        today,
        tuple(sessions),
        referred,
        (*notes, *course.notes),
        protocol.rule_set,
        now,
        growth_cap=course.cap(today),
        followed=followed,
    )
