"""The portal's programme editor on the real server: the patient page's programme, the library's
filters, add / remove / swap, dose fields read by the TOML's dose parser, a preview that stores
nothing, Save as a recorded and audited action, and another clinic's plan as a 404."""

from __future__ import annotations

import html
import json
import re

from planner.app import programmes
from planner.core.programme import Part
from tests.clinics import NEW_PLAN, Clinic


def draft_of(page: str) -> dict:
    return json.loads(html.unescape(re.search(r'name="draft" value="([^"]*)"', page).group(1)))


def post(client, plan_id: str, page: str, **fields: str) -> tuple[int, str]:
    """Press a button of the editor with the form as the page left it (the draft and each dose field)."""
    form = {
        "draft": json.dumps(draft_of(page)),
        "from": re.search(r'id="from" name="from" value="([^"]*)"', page).group(1),
    }
    for name, value in re.findall(
        r'<input type="text" inputmode="numeric" name="([^"]+)" value="([^"]*)"', page
    ):
        form[name] = value
    for name in re.findall(r'name="([^"]+:present)"', page):
        form[name] = "1"
    for name in re.findall(r'<input type="checkbox" name="([^"]+)" checked', page):
        form[name] = "on"
    form.update(fields)
    status, _, body = client.request("POST", f"/portal/patients/{plan_id}/programme", form)
    return status, body


def test_a_clinician_edits_a_patients_programme(clinic: Clinic) -> None:
    client = clinic.client()
    client.login("alex@north.example")
    plan_id = clinic.plan_id
    status, _, patient = client.request("GET", f"/portal/patients/{plan_id}")
    assert status == 200 and "Programme" in patient and "Curl-up 3 x 5, hold 10 s" in patient
    status, _, page = client.request("GET", f"/portal/patients/{plan_id}/programme")
    assert status == 200 and "Exercise library" in page
    status, page = post(client, plan_id, page, op="filter", q="bridge")
    assert (
        status == 200 and "Add Single-leg bridge to strength" in page and "Add Plank to strength" not in page
    )
    status, page = post(client, plan_id, page, op="add:strength:single-leg-bridge")
    assert [p["exercise"] for p in draft_of(page)["strength"]][-1] == "single-leg-bridge"
    status, page = post(client, plan_id, page, op="swap:strength:curl-up>pelvic-tilt")  # easier, one click
    assert draft_of(page)["strength"][0]["exercise"] == "pelvic-tilt"
    status, page = post(client, plan_id, page, op="remove:strength:wall-sit")
    assert "wall-sit" not in [p["exercise"] for p in draft_of(page)["strength"]]
    status, page = post(client, plan_id, page, op="preview", **{"strength:bird-dog:reps": "40"})
    assert status == 400 and "reps: 40 is outside 1-12" in page
    status, page = post(
        client,
        plan_id,
        page,
        op="preview",
        **{"strength:bird-dog:reps": "8", "strength:bird-dog:note": "slow"},
    )
    assert (
        status == 200
        and "Preview: the next two weeks" in page
        and "Bird dog 2 x 8, hold 4 s each side (slow)" in page
    )
    with clinic.app.store.read() as records:
        assert records.actions(plan_id) == []  # a preview stores nothing
    status, _, _ = client.request(
        "POST", f"/portal/patients/{plan_id}/programme", {"draft": "{", "op": "save"}
    )
    assert status == 400
    status, page = post(client, plan_id, page, op="save", **{"strength:bird-dog:fixed": "on"})
    assert status == 303
    shown = programmes.show(clinic.app, plan_id).programme
    assert shown.ids(Part.STRENGTH)[0] == "pelvic-tilt" and shown.find("bird-dog")[1].fixed
    with clinic.app.store.read() as records:
        assert any(
            r.action == "programme-set" and r.who == "alex@north.example"
            for r in records.portal.audit_trail(None) + records.portal.audit_trail(1)
        )
    status, _, pictogram = client.request("GET", "/portal/exercises/bird-dog.svg")
    assert status == 200 and "<svg" in pictogram
    other = clinic.client()
    other.login("sam@south.example")
    assert other.request("GET", f"/portal/patients/{plan_id}/programme")[0] == 404


def test_a_clinic_template_starts_a_new_plan_from_the_portal(clinic: Clinic) -> None:
    client = clinic.client()
    client.login("alex@north.example")
    plan_id = clinic.plan_id
    programmes.set_exercises(clinic.app, plan_id, lists={Part.STRENGTH: ("dead-bug", "glute-bridge")})
    client.request("GET", f"/portal/patients/{plan_id}")
    status, _, _ = client.request(
        "POST", f"/portal/patients/{plan_id}/programme/template", {"name": "Knee", "description": "no planks"}
    )
    assert status == 303
    _, _, form = client.request("GET", "/portal/patients/new")
    assert '<option value="Knee">Knee: no planks</option>' in form
    good = NEW_PLAN
    before = len(clinic.app.plans()[0])
    status, _, page = client.request("POST", "/portal/patients/new", {**good, "template": "Other"})
    assert (
        status == 400
        and "unknown template 'Other'" in html.unescape(page)
        and len(clinic.app.plans()[0]) == before
    )
    status, headers, _ = client.request("POST", "/portal/patients/new", {**good, "template": "Knee"})
    assert status == 303
    new = headers["location"].rsplit("/", 1)[1]
    assert programmes.show(clinic.app, new).programme.ids(Part.STRENGTH) == ("dead-bug", "glute-bridge")
    other = clinic.client()
    other.login("sam@south.example")
    _, _, south = other.request("GET", "/portal/patients/new")
    assert "Knee" not in south  # templates are per clinic
