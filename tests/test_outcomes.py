"""Outcome measures: the shipped measures as data (and a clinic's own), checked scores, the change
from the first against the minimal important change, when each is due, and the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.core import outcomes
from planner.core.exceptions import DataError, InputError, NotFound
from planner.data.measures import all_measures, builtin_measures, load_measures

MEASURES = builtin_measures()
NPRS, PSFS, GROC = MEASURES["nprs"], MEASURES["psfs"], MEASURES["groc"]
START = dt.date(2026, 3, 2)


def test_the_free_measures_ship_with_their_sources_and_no_licensed_one() -> None:
    assert sorted(MEASURES) == ["groc", "nprs", "psfs"]
    assert "Ostelo" in NPRS.mic_source and "Stratford" in PSFS.source and "Kamper" in GROC.source
    assert (NPRS.low, NPRS.high, GROC.low, GROC.high) == (0, 10, -7, 7)
    assert (PSFS.min_items, PSFS.max_items) == (3, 5)
    assert all(m.licence == "free to use" for m in MEASURES.values())


def test_a_clinic_adds_a_licensed_measure_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "measures"
    folder.mkdir()
    (folder / "odi.toml").write_text(
        '[[measure]]\nid = "odi"\ntitle = "Oswestry Disability Index"\nquestion = "Score from the form"\n'
        'scoring = "score"\nlow = 0\nhigh = 100\nbetter = "lower"\nmic_rule = "change"\nmic = 10\n'
        'source = "Fairbank 2000"\nmic_source = "Ostelo 2008"\nlicence = "licensed to North Physio"\n'
    )
    found = all_measures((tmp_path,))
    assert sorted(found) == ["groc", "nprs", "odi", "psfs"]
    assert found["odi"].every_weeks is None and found["odi"].mic_text == "a fall of 10 points"


def test_a_measure_file_with_a_typo_names_file_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[measure]]\nid = "x"\ntitle = "X"\nquestion = "?"\nscoring = "score"\nlow = 0\nhigh = 10\n'
        'better = "lower"\nmic_rule = "change"\nmic = 2\nsource = "s"\nmic_source = "m"\nlicence = "l"\n'
        "every_week = 2\n"
    )
    with pytest.raises(DataError, match=r"bad.toml: measure\[0\]: every_week: unknown field"):
        load_measures(path)


def test_change_from_the_first_and_the_minimal_important_change() -> None:
    def nprs(*values: int) -> outcomes.Course:
        scores = [
            outcomes.record(NPRS, START + dt.timedelta(weeks=i), str(v), ()) for i, v in enumerate(values)
        ]
        return outcomes.course(NPRS, scores)

    assert (nprs(6).change, nprs(6).reached) == (None, None)  # one score: nothing to judge yet
    assert (nprs(6, 4).change, nprs(6, 4).reached) == (-2.0, True)  # 2 points
    assert nprs(3, 2).reached is True  # 1 point but 33%
    assert nprs(8, 7).reached is False  # 1 point, 12%
    assert nprs(4, 6).reached is False  # worse
    psfs = [
        outcomes.record(PSFS, START, None, ["Running=2", "Lifting=3", "Sitting=4"]),
        outcomes.record(PSFS, START + dt.timedelta(weeks=3), None, ["Running=5", "Lifting=5", "Sitting=5"]),
    ]
    assert psfs[0].score == 3.0 and psfs[0].items[0] == ("Running", 2)
    assert (outcomes.course(PSFS, psfs).change, outcomes.course(PSFS, psfs).reached) == (2.0, True)
    rated = outcomes.course(GROC, [outcomes.record(GROC, START, "+5", ())])
    assert (rated.change, rated.reached) == (None, False)  # a rating of change is judged as given
    assert outcomes.course(GROC, [outcomes.record(GROC, START, "6", ())]).reached is True


@pytest.mark.parametrize(
    ("measure", "score", "activities", "message"),
    [
        (NPRS, "11", (), "score: 11 is outside 0 to 10 on the Numeric Pain Rating Scale$"),
        (NPRS, "-1", (), "score: -1 is outside 0 to 10"),
        (NPRS, "2.5", (), "is not a whole number"),
        (NPRS, None, (), "the Numeric Pain Rating Scale needs a score"),
        (NPRS, "3", ("Running=3",), "takes one score"),
        (GROC, "8", (), "8 is outside -7 to 7"),
        (
            PSFS,
            None,
            ("Running=3", "Lifting=4"),
            "the Patient-Specific Functional Scale needs 3 to 5 activities, not 2",
        ),
        (PSFS, None, ("=3", "Lifting=4", "Sitting=5"), "activity: must have a visible character"),
        (PSFS, None, ("Running", "Lifting=4", "Sitting=5"), "not in the form TEXT=N"),
        (PSFS, None, ("Running=3", "running=4", "Sitting=5"), "named twice"),
        (PSFS, "4", ("Running=3", "Lifting=4", "Sitting=5"), "scored by its activities"),
    ],
)
def test_bad_scores_are_refused_with_one_line(measure, score, activities, message) -> None:
    with pytest.raises(InputError, match=message):
        outcomes.record(measure, START, score, activities)


def test_an_unknown_measure_names_the_known_ones() -> None:
    with pytest.raises(NotFound, match="unknown measure 'odi'; known: groc, nprs, psfs"):
        outcomes.measure_for(MEASURES, "odi")


@given(st.text(max_size=12), st.integers(-20, 20))
def test_any_activity_text_is_either_refused_or_kept_as_given(name: str, value: int) -> None:
    text = f"{name}={value}"
    try:
        activity, score = outcomes.parse_activity(PSFS, text)
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert 0 <= score <= 10 and score == value and activity == " ".join(name.split())


def test_due_at_the_start_every_few_weeks_and_at_discharge() -> None:
    measures = [NPRS, PSFS, GROC]

    def due(today: dt.date, scores=(), discharged=None) -> list[str]:
        return [m.id for m in outcomes.due(measures, scores, START, today, 3, discharged)]

    assert due(START - dt.timedelta(days=1)) == []  # not started
    assert due(START) == ["nprs", "psfs"]  # no rating of change before anything changed
    baseline = [
        outcomes.record(NPRS, START, "5", ()),
        outcomes.record(PSFS, START, None, ["a=1", "b=2", "c=3"]),
    ]
    assert due(START + dt.timedelta(days=6), baseline) == []
    assert due(START + dt.timedelta(days=7), baseline) == ["nprs"]  # pain weekly
    assert due(START + dt.timedelta(weeks=3), baseline) == ["nprs", "psfs", "groc"]  # the clinic's 3 weeks
    early = [*baseline, outcomes.record(NPRS, START + dt.timedelta(days=19), "4", ())]
    assert "nprs" not in due(START + dt.timedelta(weeks=3), early)  # a few days early counts
    leaving = START + dt.timedelta(days=10)
    assert due(leaving + dt.timedelta(days=5), baseline, leaving) == ["nprs", "psfs", "groc"]


# -- the command line -----------------------------------------------------------------------------
def make_plan(run) -> str:
    made = run(
        "plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--name", "Zofia"
    )
    return made.out.strip().splitlines()[-1]


def test_record_and_show_on_the_command_line(run) -> None:
    plan = make_plan(run)
    assert (
        run("outcome", "record", plan, "--measure", "nprs", "--date", "2026-03-02", "--score", "6").code == 0
    )
    assert (
        run("outcome", "record", plan, "--measure", "NPRS", "--date", "2026-03-23", "--score", "3").code == 0
    )
    psfs = ["--activity", "Running for a bus=2", "--activity", "Lifting=3", "--activity", "Sitting=4"]
    assert run("outcome", "record", plan, "--measure", "psfs", "--date", "2026-03-02", *psfs).code == 0
    shown = run("outcome", "show", plan)
    assert "Numeric Pain Rating Scale" in shown.out and "change from the first: -3" in shown.out
    assert "(a fall of 2 points or 30%): yes" in shown.out and "Running for a bus 2" in shown.out
    data = json.loads(run("outcome", "show", plan, "--format", "json").out)
    assert [d["measure"] for d in data] == ["nprs", "psfs"]
    assert data[0]["change_from_first"] == -3.0 and data[0]["reaches_mic"] is True
    assert data[1]["scores"][0]["activities"][0] == {"activity": "Running for a bus", "score": 2}
    assert data[1]["reaches_mic"] is None and data[0]["scores"][0]["recorded_by"] == "command line"


@pytest.mark.parametrize(
    "args",
    [
        ("--measure", "nprs", "--date", "2026-03-02", "--score", "11"),
        ("--measure", "odi", "--date", "2026-03-02", "--score", "11"),
        (
            "--measure",
            "psfs",
            "--date",
            "2026-03-02",
            "--activity",
            "=3",
            "--activity",
            "b=1",
            "--activity",
            "c=1",
        ),
        ("--measure", "nprs", "--date", "2026-03-01", "--score", "2"),  # before the start
        ("--measure", "nprs", "--date", "2036-03-01", "--score", "2"),  # in the future
        ("--measure", "nprs", "--date", "2026-02-30", "--score", "2"),
    ],
)
def test_bad_values_are_one_line_exit_2_and_nothing_stored(run, args) -> None:
    plan = make_plan(run)
    result = run("outcome", "record", plan, *args)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result.err
    assert json.loads(run("outcome", "show", plan, "--format", "json").out) == []
    assert run("outcome", "show", plan).out.strip() == "No outcome scores yet."


def test_unknown_plan_is_one_line(run) -> None:
    result = run("outcome", "show", "nosuchplan")
    assert result.code == 2 and "nosuchplan" in result.err


def test_validate_reads_a_measures_file(run) -> None:
    path = Path(outcomes.__file__).resolve().parents[2] / "templates" / "measures" / "free.toml"
    if not path.is_file():  # the installed wheel keeps its data beside the package
        path = Path(outcomes.__file__).resolve().parents[1] / "_data" / "templates" / "measures" / "free.toml"
    result = run("validate", str(path))
    assert result.code == 0 and "measures file valid (nprs, psfs, groc)" in result.out
