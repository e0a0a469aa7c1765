"""build(prescription, protocol, library, checkins, today) -> Plan: the pure planning core.

The plan is simulated day by day from the start date. Check-ins dated on or before `today` steer
it through planner.core.rules; a session without a check-in is assumed to go well, which is how the
future is projected. One exception: an unreported past low-impact session does not end a pause,
because running resumes only on a report that pain was tolerable and settled.
No clock, file or database is touched: the same inputs give the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from planner.core import prescription_checks as rx_checks
from planner.core import rules
from planner.core.catalog import Library
from planner.core.model import (
    CheckIn,
    Decision,
    LevelKind,
    Plan,
    Prescription,
    Protocol,
    Session,
    SlotName,
    Status,
    Verdict,
)
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


def _assumed_well(day: dt.date) -> CheckIn:
    """The report a session without a check-in is taken to have given: done, no pain."""
    return CheckIn(day, done=True, pain_during=0, pain_next_morning=0)


@attrs.define
class _State:
    """Where the simulation stands; private to this module and mutated as days pass."""

    level: int = 0
    attempts: int = 0
    ready: bool = True
    last_painful: bool = False
    paused: bool = False
    paused_level: int = 0
    consecutive_painful: int = 0
    no_running_until: dt.date | None = None
    last_run: dt.date | None = None
    last_session_level: int | None = None
    rise_days: list[dt.date] = attrs.Factory(list)
    week_seconds: dict[dt.date, int] = attrs.Factory(dict)
    week_runs: dict[dt.date, int] = attrs.Factory(dict)
    low_impact_turn: int = 0
    pending: list[Decision] = attrs.Factory(list)
    completed: bool = False


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


class _Planner:
    """One build: holds the inputs and the state, and walks the days."""

    def __init__(
        self,
        rx: Prescription,
        protocol: Protocol,
        library: Library,
        checkins: dict[dt.date, CheckIn],
        today: dt.date,
    ) -> None:
        self.rx, self.protocol, self.library, self.checkins, self.today = (
            rx,
            protocol,
            library,
            checkins,
            today,
        )
        self.state = _State()
        self.levels = protocol.levels
        first_running = next(lv for lv in self.levels if lv.is_running)
        self.floor_seconds = protocol.runs_per_week * max(
            first_running.running_seconds(i) for i in range(len(first_running.sessions))
        )
        self.free_days = [d for d in range(1, 8) if d not in rx.run_days and d not in rx.strength_days]
        self.mobility_day = self.free_days[0] if len(self.free_days) >= 2 else None
        self.sessions: list[Session] = []

    # -- helpers ------------------------------------------------------------------------------
    def slot(self, day: dt.date, name: SlotName, checkin: CheckIn | None, *, replaced: bool = False) -> Slot:
        status = Status.REPLACED if replaced else Status.PLANNED
        if checkin is not None:
            status = Status.DONE if checkin.done else Status.SKIPPED
        projected = checkin is None and day >= self.today
        return Slot(day, self.rx.session_time, name, status, projected)

    def take_pending(self) -> list[Decision]:
        pending, self.state.pending = self.state.pending, []
        return pending

    def next_low_impact(self) -> str:
        choice = self.protocol.low_impact[self.state.low_impact_turn % len(self.protocol.low_impact)]
        self.state.low_impact_turn += 1
        return choice

    def remaining_run_slots(self, day: dt.date) -> int:
        later = sum(1 for d in self.rx.run_days if d > day.isoweekday())
        left = self.protocol.runs_per_week - self.state.week_runs.get(_monday(day), 0) - 1
        return max(0, min(later, left))

    # -- the run slot -------------------------------------------------------------------------
    def run_slot(self, day: dt.date, checkin: CheckIn | None) -> Session:
        state, protocol = self.state, self.protocol
        if state.no_running_until is not None and day <= state.no_running_until:
            return self.rest_instead(day, checkin, [rules.days_off((state.no_running_until - day).days + 1)])
        if state.week_runs.get(_monday(day), 0) >= protocol.runs_per_week:
            return self.replace_run(
                day, checkin, [rules.weekly_runs_reached(protocol.runs_per_week)], replaced=False
            )
        decisions = self.take_pending()
        if rules.is_held(self.rx, day) and self.rx.hold_running_until:
            state.pending = decisions  # other news waits for the first session after the hold
            return self.replace_run(day, checkin, [rules.clinician_hold(self.rx.hold_running_until)])
        if state.paused:
            if not any(d.verdict is Verdict.PAUSE for d in decisions):
                decisions.append(rules.paused_session())
            return self.replace_run(day, checkin, decisions)
        level = self.levels[state.level]
        if level.is_running and not rules.enough_rest(level, state.last_run, day):
            state.pending = decisions  # the news waits for the next run
            return self.rest_instead(day, checkin, [rules.rest_between_runs(level)])
        self.maybe_advance(day, decisions)
        level = self.levels[state.level]
        chosen = self.choose_session_level(day, decisions)
        nth = state.attempts if chosen == state.level else 0
        if chosen == state.level and not any(d.verdict is not Verdict.SCHEDULE for d in decisions):
            decisions.append(rules.repeat_level(level, state.attempts))
        chosen_level = self.levels[chosen]
        if chosen_level.kind is LevelKind.LOW_IMPACT:
            decisions.append(rules.low_impact_level(chosen_level))
            session = low_impact_session(
                self.slot(day, SlotName.RUN, checkin),
                protocol,
                self.library,
                self.next_low_impact(),
                chosen_level.total_seconds(nth) // 60,
                tuple(decisions),
                title_level=chosen_level.name,
                level_id=chosen_level.id,
            )
        else:
            session = level_session(
                self.slot(day, SlotName.RUN, checkin),
                protocol,
                self.library,
                chosen_level,
                nth,
                tuple(decisions),
            )
        monday = _monday(day)
        state.week_runs[monday] = state.week_runs.get(monday, 0) + 1
        state.week_seconds[monday] = state.week_seconds.get(monday, 0) + session.running_seconds
        if session.kind.is_running:
            state.last_run = day
        if state.last_session_level is not None and chosen > state.last_session_level:
            state.rise_days.append(day)
        state.last_session_level = chosen
        self.after_run(day, checkin, at_progression_level=chosen == state.level)
        return session

    def rest_instead(self, day: dt.date, checkin: CheckIn | None, decisions: list[Decision]) -> Session:
        session = rest_session(self.slot(day, SlotName.RUN, checkin), tuple(decisions))
        if checkin is not None:
            self.apply_checkin(day, checkin)
        return session

    def replace_run(
        self, day: dt.date, checkin: CheckIn | None, decisions: list[Decision], *, replaced: bool = True
    ) -> Session:
        """Low-impact cardio of about the run's length in place of the run."""
        level = self.levels[self.state.level]
        minutes = max(15, -(-level.total_seconds(self.state.attempts) // 60))
        session = low_impact_session(
            self.slot(day, SlotName.RUN, checkin, replaced=replaced),
            self.protocol,
            self.library,
            self.next_low_impact(),
            minutes,
            tuple(decisions),
        )
        if checkin is not None:
            self.apply_checkin(day, checkin)
        elif day >= self.today:  # only the projected future is assumed to go well: resuming a
            self.apply_checkin(day, _assumed_well(day), reported=False)  # past pauses need a real report
        return session

    def maybe_advance(self, day: dt.date, decisions: list[Decision]) -> None:
        state = self.state
        level = self.levels[state.level]
        if state.level + 1 >= len(self.levels) or state.attempts < level.min_sessions or not state.ready:
            return
        if (
            state.last_painful
            or rules.rises_in_window(state.rise_days, day) >= self.protocol.max_level_rises_per_week
        ):
            decisions.append(rules.rise_limit(self.protocol.max_level_rises_per_week))
            return
        state.level += 1
        state.attempts = 0
        decisions.append(rules.advance(level, self.levels[state.level], level.min_sessions))

    def choose_session_level(self, day: dt.date, decisions: list[Decision]) -> int:
        """The progression level, or a lighter one when the weekly growth cap or rise limit bites."""
        state, protocol = self.state, self.protocol
        monday = _monday(day)
        allowance = rules.weekly_allowance(
            protocol.max_weekly_growth,
            self.floor_seconds,
            (
                state.week_seconds.get(monday - dt.timedelta(days=7), 0),
                state.week_seconds.get(monday - dt.timedelta(days=14), 0),
            ),
        )
        so_far, later = state.week_seconds.get(monday, 0), self.remaining_run_slots(day)
        chosen = 0
        for candidate in range(state.level, -1, -1):
            nth = state.attempts if candidate == state.level else 0
            if so_far + self.levels[candidate].running_seconds(nth) * (1 + later) <= allowance:
                chosen = candidate
                break
        if chosen < state.level:
            decisions.append(rules.growth_cap(protocol.max_weekly_growth, self.levels[chosen]))
        last = state.last_session_level
        if (
            last is not None
            and chosen > last
            and (
                state.last_painful
                or rules.rises_in_window(state.rise_days, day) >= protocol.max_level_rises_per_week
            )
        ):
            chosen = last
            decisions.append(rules.rise_limit(protocol.max_level_rises_per_week))
        return chosen

    # -- check-ins ----------------------------------------------------------------------------
    def after_run(self, day: dt.date, checkin: CheckIn | None, *, at_progression_level: bool) -> None:
        state = self.state
        reported = checkin is not None
        checkin = checkin if checkin is not None else _assumed_well(day)
        counted = checkin.done and at_progression_level
        if counted:
            state.attempts += 1
        self.apply_checkin(day, checkin, counted=counted, reported=reported)
        if state.level == len(self.levels) - 1 and state.attempts >= self.levels[-1].min_sessions:
            state.completed = True

    def apply_checkin(
        self, day: dt.date, checkin: CheckIn, *, counted: bool = False, reported: bool = True
    ) -> None:
        """Pain and soreness verdicts, then pause and resume: any day's check-in can trigger them.
        "Two too-painful check-ins in a row" counts reports only: an assumed session breaks no streak."""
        state = self.state
        verdict = rules.evaluate(checkin, self.protocol.rule_set)
        level_before = state.level
        if verdict.decisions:
            if verdict.verdict is Verdict.REPEAT and counted:
                state.attempts -= 1
            elif verdict.verdict is Verdict.REGRESS and not state.paused and not checkin.flare_up:
                state.level = max(0, state.level - 1)
                state.attempts = 0
            if verdict.verdict is not Verdict.ADVANCE:
                state.pending.extend(verdict.decisions)
            if counted or verdict.verdict is not Verdict.ADVANCE:  # a good rest-day report proves nothing
                state.ready = verdict.verdict is Verdict.ADVANCE
            state.last_painful = verdict.verdict is not Verdict.ADVANCE
            if reported:
                state.consecutive_painful = state.consecutive_painful + 1 if verdict.too_painful else 0
        if verdict.days_off:
            state.no_running_until = day + dt.timedelta(days=verdict.days_off)
        if state.paused:
            if verdict.tolerable_and_settled and not checkin.flare_up:
                state.paused = False
                state.level = max(0, state.paused_level - 1)
                state.attempts = 0
                state.consecutive_painful = 0
                state.last_session_level = min(state.last_session_level or 0, state.level)
                state.pending.append(rules.resume_after_pause(self.levels[state.level]))
            return
        pause = rules.pause_for_pain(state.consecutive_painful, checkin)
        if pause is not None:
            ran = state.last_session_level  # "one level lower" means lower than what was actually run
            state.paused, state.paused_level = True, level_before if ran is None else min(level_before, ran)
            state.pending.append(pause)

    # -- the other days -----------------------------------------------------------------------
    def other_day(self, day: dt.date, checkin: CheckIn | None) -> Session:
        weekday = day.isoweekday()
        if weekday in self.rx.strength_days:
            easier = self.state.paused
            decision = rules.strength_while_paused() if easier else rules.strength_day()
            session = strength_session(
                self.slot(day, SlotName.STRENGTH, checkin),
                self.protocol,
                self.library,
                (decision,),
                easier=easier,
            )
        elif weekday == self.mobility_day:
            session = mobility_session(
                self.slot(day, SlotName.MOBILITY, checkin),
                self.protocol,
                self.library,
                (rules.mobility_day(),),
            )
        else:
            session = rest_session(self.slot(day, SlotName.REST, checkin), (rules.rest_day(),))
        if checkin is not None:
            self.apply_checkin(day, checkin)
        return session

    # -- the walk -----------------------------------------------------------------------------
    def run(self, start_pain: Decision | None) -> tuple[list[Session], bool]:
        """Walk the days; `start_pain` (too much pain at rest) starts the plan paused."""
        rx = self.rx
        if start_pain is not None:
            self.state.paused, self.state.paused_level = True, 0
            self.state.pending.append(start_pain)
        last_checkin = max(self.checkins, default=rx.start)
        horizon = max(rx.start + dt.timedelta(days=HORIZON_DAYS), last_checkin)
        day = rx.start
        while day <= horizon:
            if self.state.completed and day > last_checkin:
                break
            checkin = self.checkins.get(day)
            if day.isoweekday() in rx.run_days:
                session = self.run_slot(day, checkin)
            else:
                session = self.other_day(day, checkin)
            self.sessions.append(session)
            if checkin is not None and checkin.red_flags:
                decision = rules.red_flag_referral(checkin.red_flags)
                self.sessions.append(
                    referral_session(self.slot(day, SlotName.REFERRAL, None), checkin.red_flags, (decision,))
                )
                return self.sessions, True
            day += dt.timedelta(days=1)
        return self.sessions, False


def build(
    prescription: Prescription,
    protocol: Protocol,
    library: Library,
    checkins: Iterable[CheckIn],
    today: dt.date,
) -> Plan:
    """The plan as of `today`: check-ins after it are ignored; later ones override earlier ones."""
    rx_checks.check(prescription)
    by_date = {c.date: c for c in checkins if prescription.start <= c.date <= today}
    notes: list[Decision] = []
    if prescription.hold_running_until and prescription.hold_running_until > prescription.start:
        notes.append(rules.clinician_hold(prescription.hold_running_until))
    if prescription.red_flags:
        decision = rules.red_flag_referral(prescription.red_flags)
        slot = Slot(prescription.start, prescription.session_time, SlotName.REFERRAL)
        sessions = [referral_session(slot, prescription.red_flags, (decision,))]
        return Plan(prescription, protocol.id, protocol.title, today, tuple(sessions), True, (decision,))
    severe = rules.severe_pain_at_start(prescription.pain)
    if severe is not None:
        notes.append(severe)
    sessions, referred = _Planner(prescription, protocol, library, by_date, today).run(severe)
    return Plan(prescription, protocol.id, protocol.title, today, tuple(sessions), referred, tuple(notes))
