"""A session as timed steps: what the guided timer on the phone and a watch workout both follow.

The steps come from the session's own blocks (the walk/run stretches of its main set, each item's
dose), so the page, the watch and the plan never disagree. Sets are timed as session lengths are
estimated (`session_contents.dose_minutes`): a rep takes SECONDS_PER_REP unless it is held, each
side in turn when the dose is per side, and sets are REST_BETWEEN_SETS_SECONDS apart.

Example:
    >>> from planner.core.model import Dose, Item
    >>> plank = Item("Plank", "plank", amount=Dose(sets=2, hold_seconds=20))
    >>> [(s.text, s.seconds) for s in item_steps(plank, BlockKind.EXERCISES)]
    [('Plank: set 1 of 2', 20), ('Rest', 30), ('Plank: set 2 of 2', 20)]
    >>> item_steps(Item("Effort: easy, 3 out of 10"), BlockKind.MAIN_SET)  # advice takes no time
    ()
"""

from __future__ import annotations

import enum

import attrs

from planner.core import wording
from planner.core.model import Block, BlockKind, Dose, Item, Segment, SegmentAction, Session
from planner.core.session_contents import (
    COOL_DOWN_WALK,
    REST_BETWEEN_SETS_SECONDS,
    SECONDS_PER_REP,
    WARM_UP_WALK,
)


class StepKind(enum.StrEnum):
    """What a person does during a step; a timer and a watch each show them their own way."""

    WALK = "walk"
    RUN = "run"
    LOW_IMPACT = "low-impact"
    EXERCISE = "exercise"
    REST = "rest"


@attrs.frozen
class Step:
    """One timed stretch: what to do, for how long, in which part of the session."""

    kind: StepKind
    part: BlockKind
    text: str
    seconds: int
    exercise_id: str = ""


@attrs.frozen
class Repeat:
    """The same steps several times over (a watch shows it as a repeat step)."""

    times: int
    steps: tuple[Step, ...]


Timed = Step | Repeat
SEGMENT_STEP = {SegmentAction.RUN: StepKind.RUN, SegmentAction.WALK: StepKind.WALK}
TIMED_PARTS = (BlockKind.WARM_UP, BlockKind.MAIN_SET, BlockKind.COOL_DOWN, BlockKind.EXERCISES)
WALKS = {WARM_UP_WALK: wording.STEP_WARM_UP_WALK, COOL_DOWN_WALK: wording.STEP_COOL_DOWN_WALK}


def fold(segments: tuple[Segment, ...]) -> tuple[tuple[int, tuple[Segment, ...]], ...]:
    """A main set with its repeats found again, as (copies, stretches): at each place, the run of
    whole copies of one pattern that covers the most stretches (two copies at least) is one entry.

    >>> fold(tuple(Segment(SegmentAction(a), 60) for a in ("walk", "run", "walk", "run", "walk")))[0][0]
    2
    """
    out: list[tuple[int, tuple[Segment, ...]]] = []
    at = 0
    while at < len(segments):
        best = (1, segments[at : at + 1])
        for length in range(1, (len(segments) - at) // 2 + 1):
            pattern = segments[at : at + length]
            copies = 1
            while segments[at + copies * length : at + (copies + 1) * length] == pattern:
                copies += 1
            if copies >= 2 and copies * length > best[0] * len(best[1]):
                best = (copies, pattern)
        out.append(best)
        at += best[0] * len(best[1])
    return tuple(out)


def segment_step(segment: Segment) -> Step:
    text = wording.STEP_RUN if segment.action is SegmentAction.RUN else wording.STEP_WALK
    return Step(SEGMENT_STEP[segment.action], BlockKind.MAIN_SET, text, segment.seconds)


def _set_seconds(dose: Dose) -> int:
    return (dose.reps or 1) * (dose.hold_seconds or SECONDS_PER_REP)


def item_steps(item: Item, part: BlockKind) -> tuple[Step, ...]:
    """An item's timed steps: a walk or cardio for its minutes, an exercise set by set (and side by
    side), with rests between sets. An item with no dose (advice, effort) takes no time."""
    dose = item.amount
    if dose is None:
        return ()
    if item.exercise_id in WALKS:
        return (
            Step(StepKind.WALK, part, WALKS[item.exercise_id], (dose.minutes or 0) * 60, item.exercise_id),
        )
    if dose.minutes:
        kind = StepKind.LOW_IMPACT if part is BlockKind.MAIN_SET else StepKind.EXERCISE
        return (Step(kind, part, item.text, dose.minutes * 60, item.exercise_id),)
    sets = dose.sets or 1
    steps: list[Step] = []
    for nth in range(1, sets + 1):
        text = wording.STEP_SET.format(name=item.text, nth=nth, sets=sets) if sets > 1 else item.text
        sides = ("left", "right") if dose.per_side else ("",)
        for side in sides:
            said = wording.STEP_SIDE[side].format(text=text) if side else text
            steps.append(Step(StepKind.EXERCISE, part, said, _set_seconds(dose), item.exercise_id))
        if nth < sets:
            steps.append(Step(StepKind.REST, part, wording.STEP_REST, REST_BETWEEN_SETS_SECONDS))
    return tuple(steps)


def block_steps(block: Block) -> tuple[Timed, ...]:
    if block.segments:
        folded = fold(block.segments)
        return tuple(
            Repeat(times, tuple(segment_step(s) for s in pattern)) if times > 1 else segment_step(pattern[0])
            for times, pattern in folded
        )
    return tuple(step for item in block.items for step in item_steps(item, block.kind))


def timed(session: Session) -> tuple[Timed, ...]:
    """The session's steps in order, repeats kept as Repeat (for a watch)."""
    return tuple(step for b in session.blocks if b.kind in TIMED_PARTS for step in block_steps(b))


def flat(steps: tuple[Timed, ...]) -> tuple[Step, ...]:
    """The steps one after another, repeats written out (for a timer)."""
    out: list[Step] = []
    for step in steps:
        if isinstance(step, Repeat):
            out.extend(s for _ in range(step.times) for s in step.steps)
        else:
            out.append(step)
    return tuple(step for step in out if step.seconds > 0)
