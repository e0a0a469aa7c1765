"""`programme show|set|dose|template`, `plan create --template`, `checkin --strength-felt`, and the
use cases under them (planner.app.programmes) with an injected clock."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.app import programmes
from planner.app.application import App
from planner.app.settings import Settings
from planner.core.exceptions import DataError, InputError, NotFound
from planner.core.model import Access, CheckIn, Effort, Prescription, SessionKind
from planner.core.programme import Part
from planner.store.database import Store
from tests.conftest import stored_checkins, stored_plans

START = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
RX = Prescription("Zofia Wójcik", START, "Europe/Warsaw", (1, 3, 6), (2, 5), dt.time(7, 30), 2)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def app(tmp_path) -> tuple[App, Clock]:
    clock = Clock()
    return App.open(Settings(db=f"sqlite:///{tmp_path / 'p.db'}"), clock=clock), clock


def actions(app: App, plan_id: str) -> int:
    with app.store.read() as records:
        return len(records.actions(plan_id))


def test_set_and_dose_apply_from_their_day_and_are_audited(app) -> None:
    app, clock = app
    plan_id = app.create_plan("lbp-return-to-run", RX)
    programmes.set_exercises(
        app, plan_id, lists={Part.STRENGTH: ("dead-bug", "bird-dog", "glute-bridge")}, access=(Access.BIKE,)
    )
    shown = programmes.show(app, plan_id)
    assert shown.programme.ids(Part.STRENGTH) == ("dead-bug", "bird-dog", "glute-bridge")
    assert shown.programme.ids(Part.LOW_IMPACT) == ("cycling", "walking")
    later = START + dt.timedelta(days=7)
    programmes.set_dose(app, plan_id, "bird-dog", values={"reps": 8}, note="slow", fixed=True, starts=later)
    shown = programmes.show(app, plan_id)
    assert shown.upcoming[0].starts == later and shown.upcoming[0].programme.find("bird-dog")[1].fixed
    plan = app.plan(plan_id, START + dt.timedelta(days=20)).plan
    strength = [s for s in plan.sessions if s.kind is SessionKind.STRENGTH]
    first, after = strength[0].blocks[1].items, strength[2].blocks[1].items
    assert [i.exercise_id for i in first] == ["dead-bug", "bird-dog", "glute-bridge"]
    assert (
        first[1].dose == "2 x 10, hold 4 s each side" and after[1].dose == "2 x 8, hold 4 s each side (slow)"
    )
    with app.store.read() as records:
        assert [row.action for row in records.portal.audit_trail(None)][:2] in (
            ["programme-set", "programme-dose"],
            ["programme-dose", "programme-set"],
        )
    clock.now = NOW + dt.timedelta(days=3)
    with pytest.raises(InputError, match="in the past"):
        programmes.set_dose(app, plan_id, "bird-dog", values={"reps": 9}, starts=START)
    with pytest.raises(InputError, match="not in this plan's programme"):
        programmes.set_dose(app, plan_id, "plank", values={"reps": 9})
    with pytest.raises(InputError, match="nothing to change"):
        programmes.set_exercises(
            app, plan_id, lists={Part.STRENGTH: ("dead-bug", "bird-dog", "glute-bridge")}
        )
    assert actions(app, plan_id) == 2


def test_easy_reports_from_the_check_in_progress_the_next_sessions(app) -> None:
    app, clock = app
    plan_id = app.create_plan("lbp-return-to-run", RX)
    clock.now = NOW + dt.timedelta(days=6)
    for day in (START + dt.timedelta(days=1), START + dt.timedelta(days=4)):  # Tuesday and Friday
        app.record_checkin(
            plan_id, CheckIn(day, pain_during=1, pain_next_morning=0, strength_felt=Effort.EASY)
        )
    assert stored_checkins(app.settings.database_url, plan_id)[0].strength_felt is Effort.EASY
    shown = programmes.show(app, plan_id)
    assert shown.next_doses["bird-dog"] == "2 x 12, hold 4 s each side"


def test_templates_start_new_plans(app) -> None:
    app, _ = app
    plan_id = app.create_plan("lbp-return-to-run", RX)
    programmes.set_exercises(app, plan_id, lists={Part.STRENGTH: ("dead-bug", "glute-bridge")})
    saved = programmes.save_template(app, "  Knee friendly ", plan_id, "no side plank")
    assert saved.name == "Knee friendly"
    programmes.save_template(app, "Knee friendly", plan_id, "replaced")
    assert [(t.name, t.description) for t in programmes.templates(app)] == [("Knee friendly", "replaced")]
    later = app.create_plan(
        "lbp-return-to-run",
        Prescription(
            "Ana", START + dt.timedelta(days=14), "Europe/Warsaw", (1, 3, 6), (2, 5), dt.time(7, 30), 1
        ),
    )
    programmes.start_from_template(app, later, "Knee friendly")
    plan = app.plan(later).plan
    first = next(s for s in plan.sessions if s.kind is SessionKind.STRENGTH)
    assert [i.exercise_id for i in first.blocks[1].items] == ["dead-bug", "glute-bridge"]
    with pytest.raises(NotFound, match="known: Knee friendly"):
        programmes.template(app, "nope")


def test_the_command_line(run, db_url) -> None:
    created = run(
        "plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--name", "Zofia"
    )
    plan_id = created.out.strip().splitlines()[-1]
    shown = json.loads(run("programme", "show", plan_id, "--format", "json").out)
    assert shown["strength"][0]["exercise"] == "curl-up" and shown["access"] == [
        "pool",
        "bike",
        "gym",
        "foam-roller",
    ]
    for args, message in (
        (("set", plan_id, "--strength", "nope"), "unknown exercise 'nope'"),
        (
            ("set", plan_id, "--strength", "bird-dog,,plank"),
            "strength: 'bird-dog,,plank' must be exercise ids",
        ),
        (("set", plan_id, "--mobility", "plank"), "'plank' is core-strength"),
        (("set", plan_id, "--equipment", "boat"), "equipment: unknown 'boat'"),
        (("set", plan_id, "--low-impact", "swimming", "--equipment", "bike"), "'swimming' needs pool"),
        (("set", plan_id), "name a list"),
        (("dose", plan_id, "bird-dog", "--reps", "40"), "reps 40 is outside 1-12 for bird-dog"),
        (("dose", plan_id, "bird-dog", "--hold", "0"), "hold seconds 0 is outside"),
        (("dose", plan_id, "plank", "--reps", "4"), "'plank' is not in this plan's programme"),
        (("set", plan_id, "--strength", "plank", "--from", "2020-01-01"), "in the past"),
    ):
        result = run("programme", *args)
        assert result.code == 2, (args, result.out)
        assert result.err.count("\n") == 1 and message in result.err, result.err
    with Store.open(db_url).read() as records:
        assert records.actions(plan_id) == []
    assert run("programme", "set", plan_id, "--strength", "dead-bug,plank", "--equipment", "none").code == 0
    assert (
        run("programme", "dose", plan_id, "plank", "--hold", "25", "--note", "knees down if needed").code == 0
    )
    table = run("programme", "show", plan_id).out
    assert (
        "plank" in table and "hold 25 s (knees down if needed)" in table and "The patient has: none" in table
    )
    assert run("programme", "template", "save", "Core", "--plan", plan_id, "--description", "two").code == 0
    assert "Core" in run("template", "list").out
    assert (
        json.loads(run("template", "show", "Core", "--format", "json").out)["strength"][1]["hold_seconds"]
        == 25
    )
    bad = run(
        "plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--template", "Nope"
    )
    assert bad.code == 2 and "unknown template 'Nope'" in bad.err
    assert len(stored_plans(db_url)) == 1
    second = run(
        "plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--template", "Core"
    )
    other = second.out.strip().splitlines()[-1]
    assert json.loads(run("programme", "show", other, "--format", "json").out)["access"] == []
    assert run("checkin", plan_id, "--date", "2026-03-03", "--strength-felt", "easy").code == 0
    assert stored_checkins(db_url, plan_id)[0].strength_felt is Effort.EASY
    assert run("checkin", plan_id, "--date", "2026-03-03", "--strength-felt", "meh").code == 2
    plan = json.loads(run("plan", "show", plan_id, "--format", "json", "--as-of", "2026-03-04").out)
    items = [i for s in plan["sessions"] for b in s["blocks"] for i in b["items"]]
    assert all(set(i) >= {"exercise", "dose"} for i in items)


def test_templates_go_to_the_clinic_toml_format_and_back(app, tmp_path) -> None:
    from planner.data.catalog import builtin_catalog
    from planner.data.templates import templates_from_toml

    app, _ = app
    plan_id = app.create_plan("lbp-return-to-run", RX)
    programmes.set_exercises(
        app, plan_id, lists={Part.STRENGTH: ("dead-bug", "plank")}, access=(Access.POOL,)
    )
    programmes.set_dose(
        app, plan_id, "plank", values={"hold_seconds": 25}, note='knees down "if" needed', fixed=True
    )
    programmes.save_template(app, "Core ładny", plan_id, "two exercises")
    text = programmes.export_templates(app)
    [(name, description, protocol, programme)] = templates_from_toml(
        text, "t.toml", builtin_catalog().library
    )
    assert (name, description, protocol) == ("Core ładny", "two exercises", "lbp-return-to-run")
    assert programme == programmes.template(app, "Core ładny").programme
    other = App.open(Settings(db=f"sqlite:///{tmp_path / 'other.db'}"), clock=Clock())
    assert programmes.import_templates(other, text, "t.toml") == ["Core ładny"]
    assert programmes.template(other, "Core ładny").programme == programme
    bad = text.replace("hold_seconds = 25", "hold_seconds = 99")
    with pytest.raises(DataError) as error:
        programmes.import_templates(other, bad.replace("Core ładny", "Second"), "t.toml")
    assert str(error.value).startswith("t.toml") and "Second.strength" in str(error.value)
    assert "hold_seconds" in str(error.value) and "outside 1-30" in str(error.value)
    with pytest.raises(DataError, match="fixd: unknown field"):
        programmes.import_templates(other, text.replace("fixed = true", "fixd = true"), "t.toml")
    with pytest.raises(InputError, match="unknown protocol 'nope'"):
        programmes.import_templates(other, text.replace('"lbp-return-to-run"', '"nope"'), "t.toml")
    assert [t.name for t in programmes.templates(other)] == [
        "Core ładny"
    ]  # nothing stored from the bad files


def test_a_roster_row_starts_from_a_template(run, db_url, tmp_path) -> None:
    created = run(
        "plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--name", "Zofia"
    )
    plan_id = created.out.strip().splitlines()[-1]
    assert run("programme", "set", plan_id, "--strength", "dead-bug,glute-bridge").code == 0
    assert run("programme", "template", "save", "Knee", "--plan", plan_id).code == 0
    header = "name,start,protocol,run_days,strength_days,time,tz,pain,template\n"
    roster = tmp_path / "r.csv"
    roster.write_text(
        header
        + "Ana,2026-03-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/Lisbon,1,Knee\n"
        + "Ben,2026-03-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/Lisbon,1,Nope\n",
        encoding="utf-8",
    )
    result = run("issue", "--roster", str(roster), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.code == 1 and "unknown template 'Nope'" in (tmp_path / "out" / "index.csv").read_text(
        encoding="utf-8"
    )
    names = {p.prescription.name: p.id for p in stored_plans(db_url)}
    assert "Ben" not in names
    shown = json.loads(run("programme", "show", names["Ana"], "--format", "json").out)
    assert [p["exercise"] for p in shown["strength"]] == ["dead-bug", "glute-bridge"]
    exported = tmp_path / "templates.toml"
    assert run("programme", "template", "export", "-o", str(exported)).code == 0
    assert run("template", "import", str(exported)).code == 0
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[template]]\nname = "X"\nprotocol = "lbp-return-to-run"\n'
        '[[template.strength]]\nexercise = "nope"\ndose = { reps = 1 }\n',
        encoding="utf-8",
    )
    failed = run("template", "import", str(broken))
    assert failed.code == 2 and "unknown exercise 'nope'" in failed.err and failed.err.count("\n") == 1


@given(st.text(max_size=80))
def test_list_options_parse_or_refuse_in_one_line(text: str) -> None:
    from planner.cli.programme import AccessParam, IdsParam

    for param in (IdsParam("strength"), AccessParam("equipment")):
        try:
            parsed = param.parse(text)
        except InputError as error:
            assert "\n" not in str(error)
        else:
            assert all(parsed)


@given(st.text(max_size=80), st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
def test_handout_names_are_always_ascii_file_names(name: str, day: dt.date) -> None:
    from planner.app.branding import handout_name

    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*-\d{4}-\d\d-\d\d\.pdf", handout_name(name, day))
