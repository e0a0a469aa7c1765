"""The clinician's workspace on the real server: honest statuses and alerts (one per event,
acknowledged one by one or all at once, each action confirmed on the page it returns to)."""

from __future__ import annotations

import datetime as dt

from planner.core.model import CheckIn
from tests import test_portal
from tests.test_portal import Clinic

clinic = test_portal.clinic  # two clinics, a patient of North's, the server on loopback


def test_acknowledge_all_closes_every_open_alert_once_and_confirms(clinic: Clinic) -> None:
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 18), flare_up=True, pain_during=6))
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 20), red_flags=("fever",)))
    kinds = sorted(a.kind for a in clinic.alerts())
    assert kinds.count("flare-up") == 1 and "pause" not in kinds and "red flag" in kinds  # one per event
    assert all(
        a.text.startswith("The patient") for a in clinic.alerts() if a.kind in ("flare-up", "red flag")
    )
    north = clinic.client()
    north.login("alex@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert f"Acknowledge all {len(kinds)}" in page
    path = f"/portal/patients/{clinic.plan_id}/alerts/acknowledge-all"
    assert north.request("POST", path, {})[0] == 303
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert f"{len(kinds)} alerts acknowledged." in page and "Acknowledge all" not in page
    assert all(a.acknowledged_by == "Alex Morgan" for a in clinic.alerts())
    north.request("POST", path, {})
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert "0 alerts acknowledged." in page
    with clinic.app.store.read() as records:
        trail = [row for row in records.clinic.audit_trail(1) if row.action == "acknowledge-all"]
    assert len(trail) == 2 and "flare-up" in trail[-1].detail
