"""What a person must be told first, on every channel (phone page, /start, command line), when their
plan is stopped by a warning sign or running is paused by a flare-up: what to do, how soon, and
whom to call, with numbers they can tap. The sentences are in planner.core.wording; the numbers
and their sources in planner.core.emergency.

Example:
    >>> answer = stop_answer(("saddle-numbness",), "Europe/London")
    >>> answer.heading, [call.tel for call in answer.calls]
    ('Get help now: this is an emergency', ['tel:999', 'tel:111'])
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from planner.core import emergency, redflags, wording
from planner.core.model import CheckIn, Plan, RuleId, Urgency


@attrs.frozen
class Call:
    """A number to call, as a person reads it and as a phone dials it."""

    label: str
    number: str
    source: str

    @property
    def tel(self) -> str:
        """The `tel:` address (RFC 3966): the digits alone."""
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


@attrs.frozen
class Answer:
    """The first thing to say after a report: a stop (with its urgency) or a pause (urgency None)."""

    urgency: Urgency | None
    heading: str
    lines: tuple[str, ...]
    calls: tuple[Call, ...] = ()

    @property
    def is_stop(self) -> bool:
        return self.urgency is not None


def calls(zone: str, urgency: Urgency | None) -> tuple[Call, ...]:
    """The emergency number first when the sign is an emergency, then the urgent advice line where
    the country has one (for every urgency: it is the way to a clinician out of hours)."""
    found: list[Call] = []
    if urgency is Urgency.EMERGENCY:
        found += [
            Call(wording.CALL_EMERGENCY.format(number=n), n, emergency.SOURCE)
            for n in emergency.emergency_numbers(zone)
        ]
    line = emergency.urgent_line(zone)
    if line is not None:
        label = wording.CALL_URGENT.format(name=line.name, number=line.number)
        found.append(Call(label, line.number, line.source))
    return tuple(found)


def stop_answer(flags: Iterable[str], zone: str, *, recorded: bool = False, followed: bool = True) -> Answer:
    """Warning signs: stop the programme; the most urgent sign says how soon and whom to call.
    `recorded`: found at the assessment (the person reported none); `followed`: a clinic follows
    the plan, so it was its clinician."""
    signs = tuple(dict.fromkeys(flags))
    worst = redflags.most_urgent(signs)
    named = wording.FOLLOWED_WORDS[followed].stop_signs_recorded if recorded else wording.STOP_SIGNS
    lines = (
        redflags.advice(worst.urgency, zone),
        wording.STOP_PROGRAMME,
        named.format(signs=redflags.signs(signs)),
    )
    return Answer(worst.urgency, wording.STOP_HEADING[worst.urgency], lines, calls(zone, worst.urgency))


def pause_answer(zone: str) -> Answer:
    """A flare-up: running is paused; what that means and what to do if it gets worse."""
    lines = (wording.PAUSED_MEANS, wording.PAUSED_RESUMES, wording.PAUSED_WORSE)
    return Answer(None, wording.PAUSED_HEADING, lines, calls(zone, None))


def referral_flags(plan: Plan, checkins: Iterable[CheckIn]) -> tuple[tuple[str, ...], bool]:
    """The signs behind a stopped plan: those of the latest report that gave any, else those a
    clinician recorded at the start; and whether they are the recorded ones."""
    reported = [c.red_flags for c in checkins if c.red_flags and c.date <= plan.as_of]
    return (reported[-1], False) if reported else (plan.prescription.red_flags, True)


def running_paused(plan: Plan) -> bool:
    """Whether running is paused by the pain rules now: the latest run up to today was paused, or
    the next one is (a clinician's hold is not a pause: it has its own words)."""
    pausing = (RuleId.PAUSE_RUNNING, RuleId.PAUSED_SESSION)
    return any(d.rule in pausing for s in plan.runs_now() for d in s.decisions)


def answer_for(plan: Plan, checkins: Iterable[CheckIn]) -> Answer | None:
    """What the plan's page and the command line must lead with as of the plan's day, if anything."""
    zone = plan.prescription.timezone
    if plan.referred:
        flags, recorded = referral_flags(plan, checkins)
        if flags:
            return stop_answer(flags, zone, recorded=recorded, followed=plan.followed)
    if running_paused(plan):
        return pause_answer(zone)
    return None
