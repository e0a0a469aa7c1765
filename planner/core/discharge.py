"""A patient's course, gathered once for the record: what the discharge summary prints and the FHIR
export carries. Pure: worked out from the built plan, its reports, the clinician's actions and the
outcome scores; the exporters only format it.

The course: protocol and dates, the levels reached (the first day each running level was reported
done), pauses (each start of one, as the pause alerts count them), red flags and their clearances,
programme changes and holds, adherence, the outcome measures with their change, the clinician's
notes, and the pain scores and sessions done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from planner.core import care, follow_up, redflags
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Plan, RuleId, SessionKind, Status
from planner.core.outcomes import Course


@attrs.frozen
class Dated:
    """One line of the course: a day and what happened, with who and why where a person decided."""

    date: dt.date
    text: str
    by: str = ""
    note: str = ""


@attrs.frozen
class PainScore:
    date: dt.date
    during: int | None
    next_morning: int | None


@attrs.frozen
class SessionDone:
    date: dt.date
    kind: SessionKind
    title: str
    minutes: int


@attrs.frozen
class CourseRecord:
    plan_id: str
    name: str
    protocol_id: str
    protocol_title: str
    start: dt.date
    as_of: dt.date
    discharged: Dated | None
    summary: follow_up.Summary
    levels: tuple[Dated, ...]
    pauses: tuple[Dated, ...]
    red_flags: tuple[Dated, ...]
    clearances: tuple[Dated, ...]
    changes: tuple[Dated, ...]
    outcomes: tuple[Course, ...]
    pain: tuple[PainScore, ...]
    sessions: tuple[SessionDone, ...]
    clinic: str = ""
    clinician: str = ""
    erased: bool = False

    @property
    def level_standing(self) -> str:
        """The level as it stands (the latest scheduled, as the portal's list shows it) said against
        the levels reported done, so the two agree: one scheduled but never reported done says so."""
        level = self.summary.level
        if not level:
            return "no running yet"
        if any(d.text == level for d in self.levels):
            return f"{level} (the level as it stands; reported done)"
        last = f"; the last reported done: {self.levels[-1].text}" if self.levels else ""
        return f"{level} scheduled, not yet reported done{last}"

    @property
    def notes(self) -> tuple[Dated, ...]:
        """Every note a clinician wrote, oldest first."""
        kept = [*self.changes, *self.clearances, *((self.discharged,) if self.discharged else ())]
        return tuple(sorted((d for d in kept if d.note), key=lambda d: d.date))


def _change_text(action: ClinicianAction) -> str:
    if action.kind is ActionKind.HOLD_RUNNING and action.until:
        return f"running held until {action.until:%d %b %Y}"
    if action.kind is ActionKind.CHANGE_WEEK and action.session_time:
        days = ", ".join(f"{dt.date(2024, 1, d):%a}" for d in action.run_days)  # 2024-01-01 is a Monday
        return f"week changed to {days} at {action.session_time:%H:%M}"
    return {
        ActionKind.CLEAR_HOLD: "hold on running released",
        ActionKind.LEVEL_UP: "running moved up a level",
        ActionKind.LEVEL_DOWN: "running moved down a level",
        ActionKind.PROGRAMME: "exercise programme changed",
        ActionKind.DISCHARGE: "discharged",
        ActionKind.REOPEN: "programme re-opened after a discharge",
    }.get(action.kind, action.kind.value)


def _levels(plan: Plan) -> tuple[Dated, ...]:
    reached: dict[str, dt.date] = {}
    for session in plan.sessions:
        if session.kind.is_running and session.status is Status.DONE:
            reached.setdefault(session.label, session.date)
    return tuple(Dated(day, label) for label, day in reached.items())


def _pauses(plan: Plan) -> tuple[Dated, ...]:
    """The first paused session of each pause (the later ones are RuleId.PAUSED_SESSION)."""
    return tuple(
        Dated(session.date, decision.text)
        for session in plan.sessions
        if session.date <= plan.as_of
        for decision in session.decisions
        if decision.rule is RuleId.PAUSE_RUNNING
    )


def _red_flags(plan: Plan, checkins: Iterable[CheckIn]) -> tuple[Dated, ...]:
    found = [(plan.prescription.start, plan.prescription.red_flags)]
    found += [(c.date, c.red_flags) for c in checkins if c.date <= plan.as_of]
    return tuple(
        Dated(day, redflags.signs(flags)) for day, flags in sorted(found, key=lambda pair: pair[0]) if flags
    )


def course_record(
    plan_id: str,
    plan: Plan,
    checkins: Iterable[CheckIn],
    actions: Iterable[ClinicianAction],
    outcomes: Iterable[Course],
    *,
    silence_days: int = follow_up.SILENCE_DAYS,
    issued: dt.date | None = None,
    clinic: str = "",
    clinician: str = "",
    erased: bool = False,
) -> CourseRecord:
    checkins, actions = list(checkins), sorted(actions, key=lambda a: a.date)
    discharge = care.discharge_in_force(actions)
    return CourseRecord(
        plan_id=plan_id,
        name=plan.prescription.name,
        protocol_id=plan.protocol_id,
        protocol_title=plan.protocol_title,
        start=plan.prescription.start,
        as_of=plan.as_of,
        discharged=Dated(discharge.date, "discharged", discharge.by, discharge.note) if discharge else None,
        summary=follow_up.summarize(plan, checkins, actions, silence_days, issued),
        levels=_levels(plan),
        pauses=_pauses(plan),
        red_flags=_red_flags(plan, checkins),
        clearances=tuple(
            Dated(a.date, "red flag cleared after assessment", a.by, a.note)
            for a in actions
            if a.kind is ActionKind.CLEAR_RED_FLAG
        ),
        # a discharge a re-open ended is part of the episode, with its note; the one in force (and
        # the clearances) are listed on their own
        changes=tuple(
            Dated(a.date, _change_text(a), a.by, a.note)
            for a in actions
            if a.kind is not ActionKind.CLEAR_RED_FLAG and a is not discharge
        ),
        outcomes=tuple(outcomes),
        pain=tuple(
            PainScore(c.date, c.pain_during, c.pain_next_morning)
            for c in sorted(checkins, key=lambda c: c.date)
            if c.date <= plan.as_of and (c.pain_during is not None or c.pain_next_morning is not None)
        ),
        sessions=tuple(
            SessionDone(s.date, s.kind, s.title, s.minutes)
            for s in plan.sessions
            if s.status is Status.DONE and s.kind.is_active
        ),
        clinic=clinic,
        clinician=clinician,
        erased=erased,
    )
