"""The plan as a terminal table: weeks, days, what to do, and why."""

from __future__ import annotations

import textwrap
from itertools import groupby

from planner.core import evidence, wording
from planner.core.model import Plan, Session, Verdict
from planner.core.prescription_checks import day_names

ROUTINE = (Verdict.SCHEDULE, Verdict.REST)


def _why(session: Session) -> list[str]:
    important = [d for d in session.decisions if d.verdict not in ROUTINE] or list(session.decisions[:1])
    return [f"{d.text} [{evidence.plain([d.source])}]" for d in important]


def plan_table(plan: Plan, plan_id: str = "", width: int = 100, *, followed: bool = True) -> str:
    """`followed`: a clinic follows the plan (App.in_clinic), so the header may name its clinician."""
    rx = plan.prescription
    lines = [
        f"Plan {plan_id} · {rx.name} · {plan.protocol_title}".replace("Plan  · ", ""),
        f"Starts {rx.start:%a %d %b %Y} · runs {day_names(rx.run_days)}, strength "
        f"{day_names(rx.strength_days)}, at {rx.session_time:%H:%M} ({rx.timezone}) · as of {plan.as_of}",
        wording.FOLLOWED_WORDS[followed].not_advice_show,
        *textwrap.wrap(wording.pain_rule(plan.rule_set), width),
    ]
    for note in plan.notes:
        lines.append(f"Note: {note.text}")
    start = rx.start
    for week, sessions in groupby(plan.sessions, key=lambda s: (s.date - start).days // 7):
        days = list(sessions)
        lines += ["", f"Week {week + 1} (from {days[0].date:%a %d %b})"]
        for s in days:
            mark = " (projected)" if s.projected and s.kind.is_active else ""
            minutes = f"{s.minutes} min" if s.minutes else ""
            lines.append(f"  {s.date:%a %d %b}  {s.title:<38} {minutes:>7}  {s.status.value}{mark}")
            for why in _why(s):
                lines += textwrap.wrap(
                    why, width, initial_indent="      why: ", subsequent_indent="           "
                )
    return "\n".join(lines)
