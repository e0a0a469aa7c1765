"""Load and validate the exercise library (exercises/*.toml) and its pictogram poses.

Example:
    >>> from planner.data.paths import builtin_dir
    >>> library = load_library([builtin_dir("exercises")])
    >>> library.exercise("bird-dog").dose.describe()
    '2 x 10, hold 4 s each side'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from planner.core.catalog import Library
from planner.core.exceptions import DataError
from planner.core.model import Access, Category, Dose, Exercise, Impact, Pose, Progression
from planner.core.programme import DOSE_BOUNDS, dose_problem
from planner.data.fields import Fields, read_toml

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
JOINTS = ("head", "neck", "hip", "knee", "foot", "knee2", "foot2", "elbow", "hand", "elbow2", "hand2")
REQUIRED_JOINTS = ("head", "neck", "hip", "knee", "foot", "elbow", "hand")
PROPS = (
    "floor",
    "wall",
    "wall-right",
    "mat",
    "water",
    "water-high",
    "bike",
    "step",
    "machine",
    "chair",
    "strap",
    "arched-back",
    "roller-knee",
    "roller-back",
    "roller-hip",
)


def check_id(fields: Fields, field: str = "id") -> str:
    value = fields.text(field)
    if not ID_PATTERN.match(value):
        raise fields.error(field, f"{value!r} must be lower-case words joined by hyphens")
    return value


def read_dose(fields: Fields, limits: dict[str, int] | None = None) -> Dose:
    """A dose table (the library's TOML, a clinic template, the portal's dose fields): each field
    within its bounds, or within an exercise's ceilings when `limits` are given."""
    high = limits or DOSE_BOUNDS
    dose = Dose(
        sets=fields.optional_integer("sets", low=1, high=high["sets"]),
        reps=fields.optional_integer("reps", low=1, high=high["reps"]),
        hold_seconds=fields.optional_integer("hold_seconds", low=1, high=high["hold_seconds"]),
        minutes=fields.optional_integer("minutes", low=1, high=high["minutes"]),
        per_side=fields.flag("per_side"),
        note=fields.text("note", ""),
    )
    fields.done()
    if not (dose.sets or dose.reps or dose.hold_seconds or dose.minutes):
        raise fields.error("", "a dose needs sets, reps, hold_seconds or minutes")
    return dose


def _progression(fields: Fields) -> Progression:
    """Steps and ceilings: a step needs its ceiling, so no dose grows without an end."""
    progression = Progression(
        reps_step=fields.integer("reps_step", low=0, high=10, default=0),
        max_reps=fields.optional_integer("max_reps", low=1, high=DOSE_BOUNDS["reps"]),
        hold_step=fields.integer("hold_step", low=0, high=60, default=0),
        max_hold_seconds=fields.optional_integer("max_hold_seconds", low=1, high=DOSE_BOUNDS["hold_seconds"]),
        max_sets=fields.optional_integer("max_sets", low=1, high=DOSE_BOUNDS["sets"]),
        max_minutes=fields.optional_integer("max_minutes", low=1, high=DOSE_BOUNDS["minutes"]),
    )
    fields.done()
    if progression.reps_step and progression.max_reps is None:
        raise fields.error("max_reps", "a reps_step needs its ceiling")
    if progression.hold_step and progression.max_hold_seconds is None:
        raise fields.error("max_hold_seconds", "a hold_step needs its ceiling")
    return progression


def _exercise(table: object, file: str, index: int) -> Exercise:
    entry = table.get("id", f"exercise #{index + 1}") if isinstance(table, dict) else f"#{index + 1}"
    fields = Fields(table, file=file, entry=str(entry))
    exercise = Exercise(
        id=check_id(fields),
        name=fields.text("name"),
        category=Category(fields.text("category", choices=tuple(Category))),
        body_areas=fields.texts("body_areas"),
        equipment=fields.texts("equipment", required=False),
        impact=Impact(fields.text("impact", choices=tuple(Impact))),
        dose=read_dose(fields.sub("dose")),
        steps=fields.texts("steps"),
        cues=fields.texts("cues", required=False),
        cautions=fields.texts("cautions", required=False),
        easier=fields.texts("easier", required=False),
        harder=fields.texts("harder", required=False),
        pose=fields.text("pose"),
        sources=fields.texts("sources"),
        image=fields.text("image", ""),
        origin=file,
        needs=tuple(Access(n) for n in _needs(fields)),
        progression=_progression(fields.sub("progression", required=False)),
    )
    fields.done()
    problem = dose_problem(exercise, exercise.dose)
    if problem:
        raise fields.error("dose", f"above the exercise's ceiling: {problem}")
    if exercise.image and not (Path(file).parent / exercise.image).is_file():
        raise fields.error("image", f"no image file {exercise.image!r} next to the library file")
    return exercise


def _needs(fields: Fields) -> tuple[str, ...]:
    needs = fields.texts("needs", required=False)
    for need in needs:
        if need not in tuple(Access):
            raise fields.error("needs", f"unknown value {need!r}; expected one of {', '.join(Access)}")
    return needs


def _poses(path: Path, data: dict[str, object]) -> dict[str, Pose]:
    top = Fields(data, file=str(path), entry="")
    table = top.sub("pose")
    top.done()
    poses = {}
    for pose_id, joints in table.table.items():
        fields = Fields(joints, file=str(path), entry=f"pose.{pose_id}")
        found = []
        for joint in JOINTS:
            if joint not in fields.table:
                if joint in REQUIRED_JOINTS:
                    raise fields.error(joint, "is missing")
                continue
            fields.seen.add(joint)
            point = fields.table[joint]
            if (
                not isinstance(point, list)
                or len(point) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
                or not (0 <= point[0] <= 10 and 0 <= point[1] <= 6)
            ):
                raise fields.error(joint, "must be [x, y] with x in 0-10 and y in 0-6")
            found.append((joint, float(point[0]), float(point[1])))
        props = fields.texts("props", required=False)
        for prop in props:
            if prop not in PROPS:
                raise fields.error("props", f"unknown prop {prop!r}; expected one of {', '.join(PROPS)}")
        fields.done()
        poses[pose_id] = Pose(pose_id, tuple(found), props)
    return poses


def read_exercise_file(path: Path, data: dict[str, object]) -> list[Exercise]:
    top = Fields(data, file=str(path), entry="")
    tables = top.tables("exercise")
    top.done()
    exercises = [_exercise(table, str(path), i) for i, table in enumerate(tables)]
    seen: dict[str, int] = {}
    for exercise in exercises:
        if exercise.id in seen:
            raise DataError(str(path), exercise.id, "id", "appears twice in this file")
        seen[exercise.id] = 1
    return exercises


def load_library(sources: Iterable[Path]) -> Library:
    """Read each folder (or single file) in turn; later entries add to or replace earlier ones by id."""
    exercises: dict[str, Exercise] = {}
    poses: dict[str, Pose] = {}
    for source in sources:
        layer: dict[str, Exercise] = {}
        for path in [source] if source.is_file() else sorted(source.glob("*.toml")):
            data = read_toml(path)
            if "pose" in data:
                poses.update(_poses(path, data))
                continue
            for exercise in read_exercise_file(path, data):
                if exercise.id in layer:
                    raise DataError(
                        str(path), exercise.id, "id", f"already defined in {layer[exercise.id].origin}"
                    )
                layer[exercise.id] = exercise
        exercises.update(layer)
    _check_references(exercises, poses)
    return Library(exercises, poses)


def _check_references(exercises: Mapping[str, Exercise], poses: Mapping[str, Pose]) -> None:
    for exercise in exercises.values():
        for field in ("easier", "harder"):
            for other in getattr(exercise, field):
                if other not in exercises:
                    raise DataError(exercise.origin, exercise.id, field, f"unknown exercise {other!r}")
                if other == exercise.id:
                    raise DataError(exercise.origin, exercise.id, field, "names the exercise itself")
        if not exercise.image and exercise.pose not in poses:
            raise DataError(exercise.origin, exercise.id, "pose", f"unknown pose {exercise.pose!r}")
