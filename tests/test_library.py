"""Loading the library and protocols, and every kind of validation error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.exceptions import DataError
from planner.core.model import Category
from planner.data.catalog import load_catalog
from planner.data.exercises import load_library
from planner.data.paths import builtin_dir
from planner.data.validate import validate_path

NAMED = [
    "abdominal-crunch",
    "curl-up",
    "wall-squat",
    "wall-sit",
    "leg-raise",
    "straight-leg-raise",
    "bird-dog",
    "glute-bridge",
    "plank",
    "side-plank",
    "dead-bug",
    "hamstring-stretch",
    "hip-flexor-stretch",
    "foam-roll-hamstrings",
    "foam-roll-glutes",
    "foam-roll-calves",
    "foam-roll-thoracic",
    "cat-cow",
    "childs-pose",
    "gentle-warm-up-stretches",
    "jumping-jacks",
    "jogging-on-the-spot",
    "cool-down-walk",
    "elliptical",
    "stair-climber",
    "swimming",
    "pool-running",
    "water-aerobics",
    "cycling",
    "walking",
    "barefoot-walking-soft",
]
GOOD = """
[[exercise]]
id = "towel-squeeze"
name = "Towel squeeze"
category = "core-strength"
body_areas = ["inner thigh"]
equipment = ["towel"]
impact = "none"
pose = "supine"
steps = ["Squeeze a rolled towel between your knees."]
cues = []
cautions = []
easier = []
harder = ["bird-dog"]
sources = ["Clinic handout"]
dose = { sets = 2, reps = 10, hold_seconds = 5 }
"""


def test_library_covers_the_design_list(catalog) -> None:
    assert len(catalog.library.exercises) >= 35
    missing = [i for i in NAMED if i not in catalog.library.exercises]
    assert missing == []
    assert {e.category for e in catalog.library.exercises.values()} == set(Category)


def test_every_exercise_has_steps_dose_pose_and_source(catalog) -> None:
    for exercise in catalog.library.exercises.values():
        assert exercise.steps and exercise.sources and exercise.dose.describe()
        assert exercise.pose in catalog.library.poses


def test_doses_follow_the_clinical_notes(catalog) -> None:
    lib = catalog.library
    assert lib.exercise("bird-dog").dose.describe() == "2 x 10, hold 4 s each side"
    assert lib.exercise("hamstring-stretch").dose.hold_seconds == 30
    assert lib.exercise("straight-leg-raise").dose.describe() == "3 x 10 each side"
    assert lib.exercise("foam-roll-calves").dose.describe() == "1 set, hold 60 s each side"
    assert not any(" 1 sets" in f" {e.dose.describe()}" for e in lib.exercises.values())


def test_clinical_review_of_the_library(catalog) -> None:
    lib = catalog.library
    assert "abdominal-crunch" not in lib.exercise("curl-up").harder  # a crunch is no step up for a sore back
    for exercise_id in ("cat-cow", "childs-pose"):
        assert any("down a leg" in c for c in lib.exercise(exercise_id).cautions)
    assert any("swimmer" in c for c in lib.exercise("pool-running").cautions)


def test_four_protocols(catalog) -> None:
    assert set(catalog.protocols) == {
        "lbp-return-to-run",
        "beginner-walk-run",
        "flare-up-restart",
        "barefoot-transition",
    }
    c25k = catalog.protocol("beginner-walk-run")
    assert len(c25k.levels) == 9 and c25k.runs_per_week == 3
    assert all(level.min_sessions >= 2 for level in catalog.protocol("lbp-return-to-run").levels)


def write(tmp_path: Path, text: str, name: str = "extra.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (('category = "core-strength"', 'category = "cardio"'), "category", "unknown value"),
        (('name = "Towel squeeze"\n', ""), "name", "is missing"),
        (('impact = "none"', 'impact = "none"\ncolour = "red"'), "colour", "unknown field"),
        (("reps = 10,", "reps = -3,"), "reps", "outside"),
        (("hold_seconds = 5", "hold_seconds = 5000"), "hold_seconds", "outside"),
        (('harder = ["bird-dog"]', 'harder = ["no-such"]'), "harder", "unknown exercise"),
        (('pose = "supine"', 'pose = "moonwalk"'), "pose", "unknown pose"),
        (('id = "towel-squeeze"', 'id = "Towel Squeeze"'), "id", "lower-case"),
        (('steps = ["Squeeze a rolled towel between your knees."]', "steps = []"), "steps", "not be empty"),
    ],
)
def test_exercise_errors_name_file_entry_and_field(tmp_path, change, field, problem) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(DataError) as error:
        load_library([builtin_dir("exercises"), path])
    message = str(error.value)
    assert str(path) in message and field in message and problem in message
    assert "\n" not in message


def test_duplicate_ids_in_one_folder(tmp_path) -> None:
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, GOOD, "b.toml")
    with pytest.raises(DataError, match=r"b\.toml: towel-squeeze: id: already defined in .*a\.toml"):
        load_library([tmp_path])


def test_syntax_error_names_the_file(tmp_path) -> None:
    path = write(tmp_path, "[[exercise]\nid = ")
    with pytest.raises(DataError, match=re.escape(str(path)) + ": not valid TOML"):
        validate_path(path)


def test_clinic_folder_adds_and_overrides(tmp_path) -> None:
    (tmp_path / "exercises").mkdir()
    override = GOOD.replace("towel-squeeze", "plank").replace("Towel squeeze", "Clinic plank")
    write(tmp_path / "exercises", GOOD + override)
    catalog = load_catalog((tmp_path,))
    assert catalog.library.exercise("towel-squeeze").name == "Towel squeeze"
    assert catalog.library.exercise("plank").name == "Clinic plank"


def test_protocol_errors(tmp_path, catalog) -> None:
    source = (builtin_dir("templates") / "protocols" / "lbp-return-to-run.toml").read_text()
    cases = [
        (source.replace("4 x (walk 2min, run 3min)", "4 x (walk 2min, run 3min"), "main", "never closed"),
        (source.replace('"curl-up",', '"curl-upp",'), "strength", "unknown exercise"),
        (source.replace("runs_per_week = 3", "runs_per_week = 6"), "runs_per_week", "outside"),
        (source.replace('rule_set = "pain-monitoring"', 'rule_set = "vibes"'), "rule_set", "unknown value"),
        (source.replace('"cat-cow",', '"plank",'), "mobility", "not mobility-stretch"),
        (source.replace("max_pain_at_rest = 3", "max_pain_at_rest = 12"), "max_pain_at_rest", "outside"),
        (source.replace('suggest = "flare-up-restart"\n', ""), "suggest", "name the protocol"),
        (source.replace("[entry]", "lay_off_days = [7, 7, 28, 56]\n\n[entry]"), "lay_off_days", "rising"),
        (source.replace("[entry]", "lay_off_days = [7, 14]\n\n[entry]"), "lay_off_days", "four"),
        (source.replace("refuse = true", "refuse = true\nmood = 1"), "entry", "unknown field"),
    ]
    for text, field, problem in cases:
        path = write(tmp_path, text, "protocol.toml")
        with pytest.raises(DataError) as error:
            validate_path(path)
        assert field in str(error.value) and problem in str(error.value), str(error.value)


def test_validate_accepts_the_shipped_files() -> None:
    for path in [
        *builtin_dir("exercises").glob("*.toml"),
        *(builtin_dir("templates") / "protocols").glob("*.toml"),
    ]:
        assert validate_path(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_corruption_is_a_data_error_never_a_crash(tmp_path_factory, data) -> None:
    """Delete, duplicate or garble a slice of a valid file: a DataError or a valid load, nothing else."""
    folder = tmp_path_factory.mktemp("corrupt")
    source = builtin_dir("exercises") / "core.toml"
    text = source.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text) - 1))
    length = data.draw(st.integers(1, 80))
    junk = data.draw(st.text(max_size=20))
    mode = data.draw(st.sampled_from(["delete", "replace", "insert"]))
    if mode == "delete":
        corrupted = text[:start] + text[start + length :]
    elif mode == "replace":
        corrupted = text[:start] + junk + text[start + length :]
    else:
        corrupted = text[:start] + junk + text[start:]
    shutil.copy(builtin_dir("exercises") / "poses.toml", folder / "poses.toml")
    (folder / "core.toml").write_text(corrupted, encoding="utf-8")
    try:
        load_library([folder])
    except DataError as error:
        assert "core.toml" in str(error) or "poses.toml" in str(error)


def test_a_suggested_protocol_must_exist(tmp_path) -> None:
    source = (builtin_dir("templates") / "protocols" / "lbp-return-to-run.toml").read_text()
    (tmp_path / "protocols").mkdir()
    text = source.replace('id = "lbp-return-to-run"', 'id = "clinic-lbp"').replace(
        'suggest = "flare-up-restart"', 'suggest = "no-such-protocol"'
    )
    (tmp_path / "protocols" / "clinic.toml").write_text(text, encoding="utf-8")
    with pytest.raises(
        DataError, match=re.escape("clinic-lbp.entry: suggest: unknown protocol 'no-such-protocol'")
    ):
        load_catalog((tmp_path,))
    custom = text.replace("[entry]", "lay_off_days = [5, 10, 20, 40]\n\n[entry]").replace(
        "no-such-protocol", "flare-up-restart"
    )
    (tmp_path / "protocols" / "clinic.toml").write_text(custom, encoding="utf-8")
    assert load_catalog((tmp_path,)).protocol("clinic-lbp").lay_off_days == (5, 10, 20, 40)
