"""Load and validate protocol templates (templates/protocols/*.toml) against the library.

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> protocol = builtin_catalog().protocol("lbp-return-to-run")
    >>> protocol.levels[0].patterns
    ('4 x (walk 2min, run 3min)',)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from planner.core import intervals
from planner.core.catalog import Library
from planner.core.exceptions import DataError
from planner.core.model import (
    Category,
    EntryCriteria,
    Level,
    LevelKind,
    Protocol,
    ResumeCriteria,
    Segment,
    SegmentAction,
)
from planner.data.exercises import check_id
from planner.data.fields import Fields, read_toml

RULE_SETS = ("pain-monitoring", "soreness")
MAX_RUNS_PER_WEEK = 4  # clinic protocols: run no more than four times a week (unverified)
# Lay-off steps (coaching practice, unverified; planner.core.rules.LAY_OFF): a week, two, four, eight.
LAY_OFF_DAYS = (7, 14, 28, 56)


def _level(table: object, file: str, protocol_id: str, index: int) -> Level:
    fields = Fields(table, file=file, entry=f"{protocol_id} level {index + 1}")
    level_id = check_id(fields)
    fields.entry = f"{protocol_id} level {level_id}"
    kind = LevelKind(fields.text("kind", choices=tuple(LevelKind)))
    if kind is LevelKind.LOW_IMPACT:
        minutes = fields.integer("minutes", low=5, high=120)
        sessions: tuple[tuple[Segment, ...], ...] = ((Segment(SegmentAction.LOW_IMPACT, minutes * 60),),)
        patterns: tuple[str, ...] = (f"{minutes} min low-impact",)
    else:
        patterns = fields.texts("main")
        parsed = []
        for pattern in patterns:
            try:
                segments = intervals.parse(pattern)
            except intervals.NotationError as error:
                raise fields.error("main", f"{pattern!r}: {error}") from None
            runs = any(s.action is SegmentAction.RUN for s in segments)
            if runs != (kind is LevelKind.RUNNING):
                need = "some running" if kind is LevelKind.RUNNING else "no running"
                raise fields.error("main", f"{pattern!r}: a {kind} level needs {need}")
            parsed.append(segments)
        sessions = tuple(parsed)
    level = Level(
        id=level_id,
        name=fields.text("name"),
        kind=kind,
        sessions=sessions,
        patterns=patterns,
        effort=fields.text("effort", ""),
        min_sessions=fields.integer("min_sessions", low=1, high=12, default=2),
        min_rest_days=fields.integer("min_rest_days", low=1, high=3, default=1),
        exercise=fields.text("exercise", _default_exercise(kind, sessions)),
        advice=fields.text("advice", ""),
    )
    fields.done()
    return level


def _default_exercise(kind: LevelKind, sessions: tuple[tuple[Segment, ...], ...]) -> str:
    if kind is LevelKind.RUNNING:
        return "easy-run" if all(len(s) == 1 for s in sessions) else "walk-run"
    return "walking" if kind is LevelKind.WALKING else ""  # low-impact levels rotate the protocol's list


def _exercise_ids(
    fields: Fields, field: str, library: Library, categories: tuple[Category, ...]
) -> tuple[str, ...]:
    ids = fields.texts(field)
    for exercise_id in ids:
        if exercise_id not in library.exercises:
            raise fields.error(field, f"unknown exercise {exercise_id!r}")
        category = library.exercises[exercise_id].category
        if category not in categories:
            raise fields.error(field, f"{exercise_id!r} is {category}, not {' or '.join(categories)}")
    return ids


def _lay_off_days(fields: Fields) -> tuple[int, int, int, int]:
    """Days of silence for the four lay-off steps; rising, from a week to a year."""
    if "lay_off_days" not in fields.table:
        fields.seen.add("lay_off_days")
        return LAY_OFF_DAYS
    value = fields.table["lay_off_days"]
    fields.seen.add("lay_off_days")
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) and 3 <= v <= 365 for v in value)
        or value != sorted(set(value))
    ):
        raise fields.error("lay_off_days", "must be four rising whole numbers of days from 3 to 365")
    return (value[0], value[1], value[2], value[3])


def read_protocol(path: Path, library: Library) -> Protocol:
    data = read_toml(path)
    fields = Fields(data, file=str(path), entry=str(data.get("id", "")))
    protocol_id = check_id(fields)
    warm_up = fields.sub("warm_up")
    cool_down = fields.sub("cool_down")
    exercises = fields.sub("exercises")
    entry = fields.sub("entry", required=False)
    resume = fields.sub("resume", required=False)
    strength = (Category.CORE, Category.LOWER_BODY)
    stretch = (Category.MOBILITY, Category.FOAM_ROLLING)
    protocol = Protocol(
        id=protocol_id,
        title=fields.text("title"),
        for_whom=fields.text("for_whom"),
        goal=fields.text("goal"),
        entry_criteria=fields.texts("entry_criteria"),
        rule_set=fields.text("rule_set", choices=RULE_SETS),
        runs_per_week=fields.integer("runs_per_week", low=1, high=MAX_RUNS_PER_WEEK),
        strength_per_week=fields.integer("strength_per_week", low=2, high=3),
        max_level_rises_per_week=fields.integer("max_level_rises_per_week", low=1, high=3, default=2),
        max_weekly_growth=fields.number("max_weekly_growth", low=0.05, high=1.0),
        warm_up_walk_minutes=warm_up.integer("walk_minutes", low=0, high=20),
        warm_up_drills=_exercise_ids(warm_up, "drills", library, (Category.WARM_UP,)),
        cool_down_walk_minutes=cool_down.integer("walk_minutes", low=0, high=20),
        cool_down_stretches=_exercise_ids(cool_down, "stretches", library, stretch),
        strength_exercises=_exercise_ids(exercises, "strength", library, strength),
        mobility_exercises=_exercise_ids(exercises, "mobility", library, stretch),
        low_impact=_exercise_ids(exercises, "low_impact", library, (Category.LOW_IMPACT,)),
        surface_advice=fields.text("surface_advice"),
        levels=tuple(_level(t, str(path), protocol_id, i) for i, t in enumerate(fields.tables("level"))),
        sources=fields.texts("sources"),
        origin=str(path),
        entry=EntryCriteria(
            max_pain_at_rest=entry.integer("max_pain_at_rest", low=0, high=10, default=5),
            refuse=entry.flag("refuse"),
            suggest=entry.text("suggest", ""),
            refer_pain_at_rest=entry.integer("refer_pain_at_rest", low=1, high=10, default=7),
        ),
        resume=ResumeCriteria(
            settled_reports=resume.integer("settled_reports", low=1, high=5, default=2),
            first_after_days=resume.integer("first_after_days", low=0, high=28, default=3),
        ),
        lay_off_days=_lay_off_days(fields),
    )
    for sub in (warm_up, cool_down, exercises, entry, resume, fields):
        sub.done()
    if protocol.entry.refuse and not protocol.entry.suggest:
        raise DataError(str(path), f"{protocol_id}.entry", "suggest", "name the protocol to suggest instead")
    for level in protocol.levels:
        if level.exercise and level.exercise not in library.exercises:
            raise DataError(
                str(path),
                f"{protocol_id} level {level.id}",
                "exercise",
                f"unknown exercise {level.exercise!r}",
            )
    level_ids = [level.id for level in protocol.levels]
    duplicate = next((i for i in level_ids if level_ids.count(i) > 1), None)
    if duplicate:
        raise DataError(str(path), protocol_id, "level", f"level id {duplicate!r} appears twice")
    if not any(level.kind is LevelKind.RUNNING for level in protocol.levels):
        raise DataError(str(path), protocol_id, "level", "a protocol needs at least one running level")
    return protocol


def load_protocols(folders: Iterable[Path], library: Library) -> Mapping[str, Protocol]:
    """Later folders add to or replace earlier protocols by id; ids must be unique in a folder."""
    protocols: dict[str, Protocol] = {}
    for folder in folders:
        layer: dict[str, Protocol] = {}
        for path in sorted(folder.glob("*.toml")):
            protocol = read_protocol(path, library)
            if protocol.id in layer:
                raise DataError(str(path), protocol.id, "id", f"already used in {layer[protocol.id].origin}")
            layer[protocol.id] = protocol
        protocols.update(layer)
    for protocol in protocols.values():
        if protocol.entry.suggest and protocol.entry.suggest not in protocols:
            raise DataError(
                protocol.origin,
                f"{protocol.id}.entry",
                "suggest",
                f"unknown protocol {protocol.entry.suggest!r}",
            )
    return protocols
