"""A running session -> a FIT workout file, for Garmin, COROS, Wahoo and other FIT watches.

The steps are the session's own (planner.core.guide): the warm-up walk, each walk and run with its
duration, repeats as FIT repeat steps, the cool-down walk; drills, stretches and strength work stay
on the phone page and the handout, which show them with their pictures. Written with fit-tool
(BSD-3-Clause); garmin-fit-sdk's encoder is under Garmin's FIT Protocol License, not an open-source
licence, so it is not used. The same session gives the same bytes: the file's creation time is the
session's own start, its serial number comes from the plan and the session.

Example:
    >>> import datetime as dt
    >>> from planner.core.model import Block, BlockKind, Segment, SegmentAction, Session
    >>> from planner.core.model import SessionKind, Status
    >>> main = Block(BlockKind.MAIN_SET, 2, (), (Segment(SegmentAction.RUN, 120),))
    >>> run = Session(dt.date(2026, 3, 2), dt.time(7, 30), 2, SessionKind.RUN, "Run · 2 min", "r2",
    ...               (main,), Status.PLANNED, (), True, "2026-03-02/run", "Run 2")
    >>> render(run, "plan-1", "Europe/Warsaw")[8:12]
    b'.FIT'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    SubSport,
    WorkoutStepDuration,
    WorkoutStepTarget,
)

from planner.core import guide
from planner.core.model import BlockKind, Session

NAME_BYTES = 40  # what watches show of a workout's or a step's name
INTENSITY = {
    (BlockKind.WARM_UP, guide.StepKind.WALK): Intensity.WARMUP,
    (BlockKind.COOL_DOWN, guide.StepKind.WALK): Intensity.COOLDOWN,
    (BlockKind.MAIN_SET, guide.StepKind.WALK): Intensity.RECOVERY,
    (BlockKind.MAIN_SET, guide.StepKind.RUN): Intensity.ACTIVE,
}


class NotARun(ValueError):
    """Only running sessions go to a watch: the rest have nothing a watch can time."""


def watch_steps(session: Session) -> tuple[guide.Timed, ...]:
    """The session's walks and runs, repeats kept; drills, stretches and rests are left out."""
    if not session.kind.is_running:
        raise NotARun(f"{session.title} is not a running session")
    kept: list[guide.Timed] = []
    for step in guide.timed(session):
        if isinstance(step, guide.Repeat) or (step.part, step.kind) in INTENSITY:
            kept.append(step)
    return tuple(kept)


def _short(text: str) -> str:
    """At most NAME_BYTES of UTF-8, cut between characters."""
    return text.encode()[:NAME_BYTES].decode(errors="ignore")


def _timed_step(index: int, step: guide.Step) -> WorkoutStepMessage:
    message = WorkoutStepMessage()
    message.message_index = index
    message.workout_step_name = _short(step.text)
    message.intensity = INTENSITY[(step.part, step.kind)]
    message.duration_type = WorkoutStepDuration.TIME
    message.duration_time = float(step.seconds)
    message.target_type = WorkoutStepTarget.OPEN
    message.target_value = 0
    return message


def _repeat_step(index: int, first: int, times: int) -> WorkoutStepMessage:
    message = WorkoutStepMessage()
    message.message_index = index
    message.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
    message.duration_step = first
    message.target_type = WorkoutStepTarget.OPEN
    message.target_repeat_steps = times
    return message


def workout_messages(session: Session) -> list[WorkoutStepMessage]:
    """FIT steps, numbered in order; a repeat step points back at its first step."""
    messages: list[WorkoutStepMessage] = []
    for step in watch_steps(session):
        if isinstance(step, guide.Repeat):
            first = len(messages)
            messages.extend(_timed_step(first + i, s) for i, s in enumerate(step.steps))
            messages.append(_repeat_step(len(messages), first, step.times))
        else:
            messages.append(_timed_step(len(messages), step))
    return messages


def render(session: Session, plan_id: str, zone: str) -> bytes:
    """The FIT workout file of one running session."""
    steps = workout_messages(session)
    starts = dt.datetime.combine(session.date, session.start, zoneinfo.ZoneInfo(zone))
    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = round(starts.timestamp() * 1000)
    digest = hashlib.sha256(f"{plan_id}/{session.slot}".encode()).digest()
    file_id.serial_number = int.from_bytes(digest[:4], "big") or 1
    workout = WorkoutMessage()
    workout.workout_name = _short(session.title)
    workout.sport = Sport.RUNNING
    workout.sub_sport = SubSport.GENERIC
    workout.num_valid_steps = len(steps)
    builder = FitFileBuilder(auto_define=True, min_string_size=NAME_BYTES + 1)
    builder.add(file_id)
    builder.add(workout)
    builder.add_all(steps)
    body: bytes = builder.build().to_bytes()
    return body


def filename(session: Session) -> str:
    return f"run-{session.date.isoformat()}.fit"
