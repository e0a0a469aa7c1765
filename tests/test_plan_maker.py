"""Who made a plan in the portal is kept (plans.created_by): a warning sign found at screening is
the clinician's record, and its alert says so and by whom; a handout with no assigned clinician
names the one who made the plan."""

from __future__ import annotations

import io

import attrs
import pypdf

from tests.clinics import NEW_PLAN, Browserless, Clinic, rx


def handout_text(client: Browserless, plan_id: str) -> str:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    connection.request("GET", f"/portal/patients/{plan_id}/handout.pdf", headers={"Cookie": client.cookie})
    body = connection.getresponse().read()
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages).split())


def test_a_sign_found_at_screening_is_the_plan_makers_record_in_the_alert_and_the_handout(
    clinic: Clinic,
) -> None:
    bea = clinic.client()
    bea.login("bea@north.example")
    bea.request("GET", "/portal/patients/new")
    status, headers, _ = bea.request("POST", "/portal/patients/new", {**NEW_PLAN, "red_flag": "fever"})
    assert status == 303, headers
    plan_id = headers["location"].rstrip("/").split("/")[-1]
    with clinic.app.store.read() as records:
        (alert,) = [a for a in records.portal.alerts(plan_id) if a.kind == "red flag"]
    assert alert.text == (
        "A warning sign was recorded by Bea Lund at screening when the plan was made, on 23 Nov (urgent): "
        "Fever or chills with your back pain."
    )
    _, _, page = bea.request("GET", f"/portal/patients/{plan_id}")
    assert "recorded by Bea Lund at screening" in page and "The patient reported a warning sign" not in page
    clinic.caseload.adopt(plan_id, "North")  # no clinician assigned now: the handout names its maker
    text = handout_text(bea, plan_id)
    assert "Clinician Bea Lund" in text and "Your clinician recorded a warning sign" in text

    unmade = clinic.app.create_plan("lbp-return-to-run", attrs.evolve(rx("Uri Lev"), red_flags=("fever",)))
    clinic.caseload.adopt(unmade, "North")  # made on the command line: nobody to name
    with clinic.app.store.read() as records:
        (alert,) = [a for a in records.portal.alerts(unmade) if a.kind == "red flag"]
    assert alert.text.startswith("A warning sign was recorded at screening when the plan was made, on 02 Nov")
    assert "Clinician -" in handout_text(bea, unmade)
