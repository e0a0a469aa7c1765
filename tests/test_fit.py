"""The run on the watch: every running session's FIT workout, decoded by a second library (fitdecode)
and checked step by step against the plan's own main set."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import fitdecode
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import guide, intervals
from planner.core.model import Prescription, Segment, SegmentAction, SessionKind
from planner.export import fit
from planner.web import create_app

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
PROTOCOLS = ("lbp-return-to-run", "beginner-walk-run", "flare-up-restart", "barefoot-transition")


def decode(body: bytes) -> dict[str, list[dict[str, Any]]]:
    """Every data message by name, with its fields; fitdecode checks the header and the CRCs."""
    found: dict[str, list[dict[str, Any]]] = {}
    with fitdecode.FitReader(io.BytesIO(body), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                found.setdefault(frame.name, []).append({f.name: f.value for f in frame.fields})
    return found


def unrolled(steps: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """The decoded workout as a watch runs it: (name, seconds) with repeat steps played out."""
    out: list[tuple[str, float]] = []
    by_index = {s["message_index"]: s for s in steps}
    index = 0
    done: dict[int, int] = {}
    while index < len(steps):
        step = by_index[index]
        if step["duration_type"] == "repeat_until_steps_cmplt":
            done[index] = done.get(index, 1) + 1
            if done[index] <= step["repeat_steps"]:
                index = step["duration_step"]
                continue
        else:
            out.append((step["wkt_step_name"], step["duration_time"]))
        index += 1
    return out


def app_with(protocol: str) -> tuple[App, str]:
    app = App.open(Settings(db="sqlite://"), clock=lambda: NOW)
    pain = 0 if protocol == "barefoot-transition" else 2  # minimal shoes start only without pain
    rx = Prescription(
        "Zofia Wójcik", dt.date(2026, 3, 2), "Europe/Warsaw", (1, 3, 6), (2, 5), dt.time(7, 30), pain
    )
    return app, app.create_plan(protocol, rx)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_running_session_decodes_to_its_plan(protocol: str) -> None:
    app, plan_id = app_with(protocol)
    view = app.plan(plan_id)
    runs = [s for s in view.plan.sessions if s.kind.is_running]
    assert runs
    protocol_data = app.catalog.protocol(protocol)
    for session in runs:
        decoded = decode(fit.render(session, plan_id, "Europe/Warsaw"))
        assert decoded["file_id"][0]["type"] == "workout"
        workout = decoded["workout"][0]
        assert workout["wkt_name"] == session.title[: fit.NAME_BYTES]
        assert workout["sport"] == "running"
        steps = decoded["workout_step"]
        assert workout["num_valid_steps"] == len(steps)
        main = next(b for b in session.blocks if b.segments)
        expected = [("Warm-up walk", protocol_data.warm_up_walk_minutes * 60.0)]
        expected += [
            ("Run" if s.action is SegmentAction.RUN else "Walk", float(s.seconds)) for s in main.segments
        ]
        expected += [("Cool-down walk", protocol_data.cool_down_walk_minutes * 60.0)]
        assert unrolled(steps) == [e for e in expected if e[1]]
        assert steps[0]["intensity"] == "warmup" and steps[-1]["intensity"] == "cooldown"
        assert sum(s["duration_time"] for s in steps if "duration_time" in s) <= session.minutes * 60


def test_repeats_are_repeat_steps_and_the_bytes_are_stable() -> None:
    """4 x (walk 2 min, run 3 min) is one walk, one run and a repeat step of 4 on the watch."""
    app, plan_id = app_with("lbp-return-to-run")
    session = next(s for s in app.plan(plan_id).plan.sessions if s.kind is SessionKind.RUN_WALK)
    body = fit.render(session, plan_id, "Europe/Warsaw")
    assert body == fit.render(session, plan_id, "Europe/Warsaw")
    steps = decode(body)["workout_step"]
    repeats = [s for s in steps if s["duration_type"] == "repeat_until_steps_cmplt"]
    assert len(repeats) == 1 and repeats[0]["repeat_steps"] == 4
    assert [s.get("wkt_step_name") for s in steps[repeats[0]["duration_step"] : steps.index(repeats[0])]] == [
        "Walk",
        "Run",
    ]
    created = decode(body)["file_id"][0]["time_created"]
    assert created == dt.datetime.combine(session.date, session.start).replace(tzinfo=dt.UTC) - dt.timedelta(
        hours=1
    )


def test_a_session_that_is_not_a_run_is_refused() -> None:
    app, plan_id = app_with("lbp-return-to-run")
    strength = next(s for s in app.plan(plan_id).plan.sessions if s.kind is SessionKind.STRENGTH)
    with pytest.raises(fit.NotARun):
        fit.render(strength, plan_id, "Europe/Warsaw")


NOTATION = st.lists(
    st.tuples(st.integers(1, 4), st.sampled_from(["walk", "run"]), st.integers(1, 8)), min_size=1, max_size=4
)


@settings(max_examples=60, deadline=None)
@given(NOTATION)
def test_folding_repeats_keeps_every_stretch(parts: list[tuple[int, str, int]]) -> None:
    """Whatever the notation, the folded main set played out is the main set."""
    text = ", ".join(f"{n} x ({a} {m}min, {'run' if a == 'walk' else 'walk'} 1min)" for n, a, m in parts)
    segments = intervals.parse(text)
    folded = guide.fold(segments)
    assert tuple(s for times, pattern in folded for _ in range(times) for s in pattern) == segments
    assert all(times == 1 or len(pattern) * times >= 2 for times, pattern in folded)


def test_fold_finds_the_longest_repeat() -> None:
    walk, run = Segment(SegmentAction.WALK, 60), Segment(SegmentAction.RUN, 120)
    assert guide.fold((walk, run) * 3 + (walk,)) == ((3, (walk, run)), (1, (walk,)))


def test_downloads_from_the_phone_page() -> None:
    app, plan_id = app_with("lbp-return-to-run")
    token, secret = app.secrets_for(plan_id)
    client = create_app(app).test_client()
    page = client.get(f"/c/{secret}").get_data(as_text=True)
    assert f'href="/c/{secret}/run-2026-03-02.fit"' in page
    for base in (f"/c/{secret}", f"/p/{token}"):
        answer = client.get(f"{base}/run-2026-03-02.fit")
        assert answer.status_code == 200 and answer.mimetype == "application/vnd.ant.fit"
        assert 'filename="run-2026-03-02.fit"' in answer.headers["Content-Disposition"]
        assert decode(answer.data)["workout"][0]["sport"] == "running"
        assert client.get(f"{base}/run-2026-03-03.fit").status_code == 404  # a strength day
        assert client.get(f"{base}/run-2026-02-30.fit").status_code == 404
    assert client.get("/c/not-a-secret/run-2026-03-02.fit").status_code == 404


def test_downloads_from_the_portal_patient_page(tmp_path) -> None:
    from tests.clinics import Clinic

    clinic = Clinic(f"sqlite:///{tmp_path / 'clinic.db'}")
    try:
        north, south = clinic.client(), clinic.client()
        assert north.login("alex@north.example") == 303 and south.login("sam@south.example") == 303
        page = north.request("GET", f"/portal/patients/{clinic.plan_id}")[2]
        link = f"/portal/patients/{clinic.plan_id}/run-2026-11-25.fit"
        assert f'href="{link}"' in page
        status, headers, _ = north.request("GET", link)
        assert status == 200 and headers["content-type"] == "application/vnd.ant.fit"
        assert south.request("GET", link)[0] == 404  # another clinic's patient
    finally:
        clinic.loopback.stop()
