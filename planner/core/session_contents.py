"""Turn a scheduling choice into a concrete Session: blocks, exercises, doses and minutes.

The scheduler decides *what* happens on a day; this module knows *what it consists of*.
"""

from __future__ import annotations

import datetime as dt
import math

import attrs

from planner.core import intervals, redflags, wording
from planner.core.catalog import Library
from planner.core.model import (
    Block,
    BlockKind,
    Decision,
    Dose,
    Item,
    ItemRole,
    Level,
    Protocol,
    Session,
    SessionKind,
    SessionSlot,
    SlotName,
    Status,
)
from planner.core.programme import Part, Programme
from planner.core.progression import Rung

REST_BETWEEN_SETS_SECONDS = 30
SECONDS_PER_REP = 3
WARM_UP_WALK, COOL_DOWN_WALK = "brisk-walk-warm-up", "cool-down-walk"  # library ids of the walks


@attrs.frozen
class Slot:
    """When a session happens and how the plan names it (the name keeps calendar UIDs stable)."""

    day: dt.date
    start: dt.time
    name: SlotName
    status: Status = Status.PLANNED
    projected: bool = False


def dose_minutes(dose: Dose) -> int:
    """Rough time an exercise takes, rest between sets included: for session lengths only."""
    if dose.minutes:
        return dose.minutes
    sets, reps = dose.sets or 1, dose.reps or 1
    seconds = sets * reps * (dose.hold_seconds or SECONDS_PER_REP) + (sets - 1) * REST_BETWEEN_SETS_SECONDS
    if dose.per_side:
        seconds *= 2
    return max(1, math.ceil(seconds / 60))


def _exercise_items(library: Library, rungs: tuple[Rung, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(library.exercise(r.exercise).name, r.exercise, r.dose.describe(), amount=r.dose) for r in rungs
    )


def _minutes(rungs: tuple[Rung, ...]) -> int:
    return sum(dose_minutes(r.dose) for r in rungs)


def _rungs(programme: Programme, part: Part) -> tuple[Rung, ...]:
    return tuple(Rung(p.exercise, p.dose) for p in programme.part(part))


def _warm_up(protocol: Protocol, library: Library, programme: Programme, gentle: bool) -> Block:
    drills = _rungs(programme, Part.WARM_UP)
    if gentle:  # no jumping while running is off the table
        drills = tuple(d for d in drills if library.exercise(d.exercise).impact.value in ("none", "low"))
    walk = Item(
        f"Brisk walk, {protocol.warm_up_walk_minutes} min",
        WARM_UP_WALK,
        f"{protocol.warm_up_walk_minutes} min",
        amount=Dose(minutes=protocol.warm_up_walk_minutes),
    )
    items = ((walk,) if protocol.warm_up_walk_minutes else ()) + _exercise_items(library, drills)
    return Block(BlockKind.WARM_UP, protocol.warm_up_walk_minutes + _minutes(drills), items)


def _cool_down(protocol: Protocol, library: Library, programme: Programme) -> Block:
    stretches = _rungs(programme, Part.COOL_DOWN)
    walk = Item(
        f"Easy walk, {protocol.cool_down_walk_minutes} min",
        COOL_DOWN_WALK,
        f"{protocol.cool_down_walk_minutes} min",
        amount=Dose(minutes=protocol.cool_down_walk_minutes),
    )
    items = ((walk,) if protocol.cool_down_walk_minutes else ()) + _exercise_items(library, stretches)
    return Block(BlockKind.COOL_DOWN, protocol.cool_down_walk_minutes + _minutes(stretches), items)


def _advice(protocol: Protocol, level: Level | None) -> Block:
    items = [
        Item(protocol.surface_advice, role=ItemRole.ADVICE),
        Item(wording.pain_rule(protocol.rule_set), role=ItemRole.PAIN_RULE),
    ]
    if level is not None and level.advice:
        items.insert(0, Item(level.advice, role=ItemRole.ADVICE))
    return Block(BlockKind.ADVICE, 0, tuple(items))


def _session(
    slot: Slot,
    kind: SessionKind,
    title: str,
    label: str,
    level: str,
    blocks: tuple[Block, ...],
    decisions: tuple[Decision, ...],
    running_seconds: int = 0,
    level_name: str = "",
) -> Session:
    return Session(
        date=slot.day,
        start=slot.start,
        minutes=sum(b.minutes for b in blocks),
        kind=kind,
        title=title,
        level=level,
        blocks=blocks,
        status=slot.status,
        decisions=decisions,
        projected=slot.projected,
        slot=SessionSlot(slot.day, slot.name),
        label=label,
        running_seconds=running_seconds,
        level_name=level_name,
    )


def level_session(
    slot: Slot,
    protocol: Protocol,
    library: Library,
    level: Level,
    nth: int,
    decisions: tuple[Decision, ...],
    *,
    programme: Programme,
) -> Session:
    """A session at a walking or running level (low-impact levels use low_impact_session)."""
    segments = level.session_segments(nth)
    main_minutes = math.ceil(level.total_seconds(nth) / 60)
    exercise = library.exercise(level.exercise)
    pattern = intervals.describe(segments)
    items = [Item(f"{exercise.name}: {pattern}", exercise.id, f"{main_minutes} min")]
    if level.effort:
        items.append(Item(f"Effort: {level.effort}"))
    main = Block(BlockKind.MAIN_SET, main_minutes, tuple(items), segments)
    blocks = (
        _warm_up(protocol, library, programme, gentle=False),
        main,
        _cool_down(protocol, library, programme),
        _advice(protocol, level),
    )
    if level.is_running:
        continuous = len(segments) == 1
        kind = SessionKind.RUN if continuous else SessionKind.RUN_WALK
        title = f"{'Run' if continuous else 'Run-walk'} · {level.name}"
        seconds = level.running_seconds(nth)
        return _session(slot, kind, title, level.name, level.id, blocks, decisions, seconds, level.name)
    title = f"Walk · {level.name}"
    return _session(slot, SessionKind.WALK, title, level.name, level.id, blocks, decisions, 0, level.name)


def low_impact_session(
    slot: Slot,
    protocol: Protocol,
    library: Library,
    exercise_id: str,
    minutes: int,
    decisions: tuple[Decision, ...],
    *,
    programme: Programme,
    title_level: str = "",
    level_id: str = "",
) -> Session:
    """Low-impact cardio of a given length, in place of a run or as a level of its own; the
    clinician's note on the exercise goes with it."""
    exercise = library.exercise(exercise_id)
    found = programme.find(exercise_id)
    note = found[1].dose.note if found else ""
    main = Block(
        BlockKind.MAIN_SET,
        minutes,
        (
            Item(
                f"{exercise.name}, easy and steady",
                exercise.id,
                Dose(minutes=minutes, note=note).describe(),
                amount=Dose(minutes=minutes, note=note),
            ),
        ),
    )
    blocks = (
        _warm_up(protocol, library, programme, gentle=True),
        main,
        _cool_down(protocol, library, programme),
        _advice(protocol, None),
    )
    label = f"{exercise.name} {minutes} min"
    title = label + (f" · {title_level}" if title_level else "")
    name = title_level if level_id else ""
    return _session(slot, SessionKind.CROSS_TRAINING, title, label, level_id, blocks, decisions, 0, name)


def strength_session(
    slot: Slot, library: Library, rungs: tuple[Rung, ...], decisions: tuple[Decision, ...], *, easier: bool
) -> Session:
    """The patient's strength exercises at the doses they have reached (planner.core.progression)."""
    gentle_warm_up = Block(
        BlockKind.WARM_UP, 5, (Item("March on the spot and move gently, 5 min", amount=Dose(minutes=5)),)
    )
    main = Block(BlockKind.EXERCISES, _minutes(rungs), _exercise_items(library, rungs))
    title = "Strength · core and legs" + (" (easier)" if easier else "")
    return _session(slot, SessionKind.STRENGTH, title, "Strength", "", (gentle_warm_up, main), decisions)


def mobility_session(
    slot: Slot, library: Library, rungs: tuple[Rung, ...], decisions: tuple[Decision, ...]
) -> Session:
    main = Block(BlockKind.EXERCISES, _minutes(rungs), _exercise_items(library, rungs))
    return _session(
        slot, SessionKind.MOBILITY, "Mobility and foam rolling", "Mobility", "", (main,), decisions
    )


def rest_session(slot: Slot, decisions: tuple[Decision, ...]) -> Session:
    block = Block(BlockKind.REST, 0, (Item("No training today. Easy everyday walking is fine."),))
    return _session(slot, SessionKind.REST, "Rest day", "Rest", "", (block,), decisions)


def referral_session(
    slot: Slot, flags: tuple[str, ...], zone: str, decisions: tuple[Decision, ...]
) -> Session:
    flag = redflags.most_urgent(flags)
    urgency = wording.URGENCY_LABEL[flag.urgency]
    items = [Item(redflags.advice(flag.urgency, zone))]
    items += [Item(wording.STOP_SIGNS.format(signs=name)) for name in redflags.sign_names(flags)]
    items.append(Item("Stop all training in this programme until a clinician has seen you."))
    block = Block(BlockKind.REFERRAL, 0, tuple(items))
    title = f"See a clinician · {urgency}"
    return _session(slot, SessionKind.REFERRAL, title, "See clinician", "", (block,), decisions)
