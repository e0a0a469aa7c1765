"""The catalogue commands, through click's runner and as the real installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.servers import cli_env
from tests.test_library import NAMED


def test_exercises_list_json(run) -> None:
    result = run("exercises", "list", "--format", "json")
    items = json.loads(result.out)
    assert result.code == 0 and len(items) >= 35
    assert set(NAMED) <= {i["id"] for i in items}


def test_exercises_by_category(run) -> None:
    items = json.loads(run("exercises", "list", "--category", "foam-rolling", "--format", "json").out)
    assert {i["id"] for i in items} == {
        "foam-roll-hamstrings",
        "foam-roll-glutes",
        "foam-roll-calves",
        "foam-roll-thoracic",
    }


def test_show_commands(run) -> None:
    assert "Hold, return slowly" in run("exercises", "show", "bird-dog").out
    shown = run("protocols", "show", "lbp-return-to-run").out
    assert "Phase 8" in shown and "Trials 2023" in shown
    assert len(json.loads(run("protocols", "list", "--format", "json").out)) == 4


def test_bad_input_is_one_line_and_status_2(run, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[exercise]]\nid = "x"\nname = "X"\ncategory = "nope"\n', encoding="utf-8")
    for args in (
        ["exercises", "show", "nope"],
        ["protocols", "show", "nope"],
        ["validate", str(bad)],
        ["exercises", "list", "--category", "nope"],
        ["no-such-command"],
    ):
        result = run(*args)
        assert result.code == 2, args
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    message = run("validate", str(bad)).err
    assert str(bad) in message and ": x: category: unknown value 'nope'" in message


def test_help_on_every_command(run) -> None:
    for args in (
        ["--help"],
        ["exercises", "list", "--help"],
        ["plan", "create", "--help"],
        ["checkin", "--help"],
        ["validate", "--help"],
    ):
        assert run(*args).code == 0


def installed_command() -> str:
    return shutil.which("rehab-planner", path=str(Path(sys.executable).parent)) or "rehab-planner"


def test_real_subprocess_outside_the_checkout(tmp_path) -> None:
    env = cli_env(REHAB_PLANNER_DB=str(tmp_path / "x.db"))
    done = subprocess.run(
        [installed_command(), "protocols", "list", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 4
    done = subprocess.run(
        [sys.executable, "-m", "planner", "exercises", "show", "nope"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


option_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=15)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    args=st.lists(
        st.sampled_from(
            [
                "plan",
                "create",
                "show",
                "checkin",
                "--protocol",
                "--start",
                "--pain",
                "--run-days",
                "--date",
                "exercises",
                "list",
                "--format",
                "lbp-return-to-run",
                "2026-02-30",
                "11",
                "mon,tue",
            ]
        )
        | option_values,
        max_size=6,
    )
)
def test_random_arguments_never_crash(run, args) -> None:
    result = run(*args)
    assert result.code in (0, 2), (args, result)
    assert "Traceback" not in result.err
