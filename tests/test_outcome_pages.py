"""Outcome measures on the real server on loopback: asked on the phone page when due and answered
there, entered by the clinician in the portal (with a confirmation), charted on the patient page
with the minimal important change, and refused with one line when wrong."""

from __future__ import annotations

import datetime as dt
import re

from planner.app import outcomes
from tests.clinics import Clinic


def scores(clinic: Clinic) -> list:
    with clinic.app.store.read() as records:
        return records.outcomes.scores(clinic.plan_id)


def test_the_phone_page_asks_what_is_due_and_keeps_the_answer(clinic: Clinic) -> None:
    _, secret = clinic.app.secrets_for(clinic.plan_id)
    phone = clinic.client()
    _, _, page = phone.request("GET", f"/c/{secret}")
    assert "A few questions from your clinician" in page
    assert 'name="measure" value="nprs"' in page and 'name="measure" value="psfs"' in page
    assert 'value="groc"' not in page  # a rating of change is not asked before anything changed
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    path = f"/c/{secret}/outcomes"
    assert (
        phone.request(
            "POST",
            path,
            {"csrf": csrf.group(1), "submission": "abcdefgh1234", "measure": "nprs", "score": "11"},
        )[0]
        == 400
    )
    assert (
        phone.request(
            "POST", path, {"csrf": "0" * 64, "submission": "abcdefgh1234", "measure": "nprs", "score": "4"}
        )[0]
        == 403
    )
    evil = {"Origin": "https://evil.example"}
    assert (
        phone.request(
            "POST",
            path,
            {"csrf": csrf.group(1), "submission": "abcdefgh1234", "measure": "nprs", "score": "4"},
            **evil,
        )[0]
        == 403
    )
    assert scores(clinic) == []
    status, headers, _ = phone.request(
        "POST", path, {"csrf": csrf.group(1), "submission": "abcdefgh1234", "measure": "nprs", "score": "4"}
    )
    assert status == 303 and headers["location"].endswith("?saved=outcome")
    (stored,) = scores(clinic)
    assert (stored.measure, stored.date, stored.score) == ("nprs", dt.date(2026, 11, 22), 4.0)
    assert stored.source == "patient (phone page)"
    _, _, page = phone.request("GET", headers["location"])
    assert "your answers are saved" in page and 'name="measure" value="nprs"' not in page
    # the feed address alone shows no questions and cannot answer them
    feed = clinic.app.current_token(clinic.plan_id)
    _, _, shown = clinic.client().request("GET", f"/p/{feed}")
    assert "A few questions" not in shown
    assert clinic.client().request("POST", f"/c/{feed}/outcomes", {"measure": "nprs", "score": "1"})[0] == 404


def test_the_clinician_enters_scores_and_the_page_charts_them_with_the_mic(clinic: Clinic) -> None:
    outcomes.record_outcome(clinic.app, clinic.plan_id, "nprs", dt.date(2026, 11, 2), "7", (), "patient")
    north = clinic.client()
    north.login("alex@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert "Due now: Numeric Pain Rating Scale (NPRS), Patient-Specific Functional Scale (PSFS)" in page
    path = f"/portal/patients/{clinic.plan_id}/outcomes"
    status, headers, body = north.request(
        "POST", path, {"measure": "nprs", "date": "2026-11-20", "score": "12"}
    )
    assert status == 400 and headers["content-type"].startswith("text/html")  # the page again
    assert (
        '<p class="error" id="outcome-score-error">score: 12 is outside 0 to 10 on the Numeric Pain' in body
    )
    assert (
        'aria-describedby="outcome-score-error"' in body
        and 'name="score" step="1" min="-7" max="10" value="12"' in body
    )
    assert '<option value="nprs" selected>' in body and 'value="2026-11-20"' in body and "(nprs)" not in body
    assert '<nav class="section-nav"' in body and '<details class="entry" open>' in body
    assert "Patient-Specific Functional Scale: fill in 3 to 5 activities, each scored 0 to 10" in body
    status, _, body = north.request(
        "POST",
        path,
        {
            "measure": "psfs",
            "date": "2026-11-19",
            **{
                "activity_1": "Running",
                "activity_1_score": "3",
                "activity_2": "Lifting",
                "activity_2_score": "4",
            },
        },
    )
    assert status == 400
    assert (
        '<p class="error" id="outcome-activities-error">activity: the Patient-Specific Functional Scale '
        "needs 3 to 5 activities, not 2</p>"
    ) in body
    assert (
        'value="Running"' in body
        and 'value="Lifting"' in body
        and 'name="activity_2_score" min="0" max="10" step="1" value="4"' in body
    )
    assert '<option value="psfs" selected>' in body and 'value="2026-11-19"' in body
    assert len(scores(clinic)) == 1
    north.request("GET", f"/portal/patients/{clinic.plan_id}")
    status, _, _ = north.request("POST", path, {"measure": "nprs", "date": "2026-11-20", "score": "4"})
    assert status == 303
    fields = {"measure": "psfs", "date": "2026-11-20"}
    for n, (name, value) in enumerate((("Running", "3"), ("Lifting", "4"), ("Sitting", "5")), 1):
        fields |= {f"activity_{n}": name, f"activity_{n}_score": value}
    assert north.request("POST", path, fields)[0] == 303
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert "PSFS of 20 Nov 2026 saved: 4" in page  # the confirmation, once
    assert 'aria-labelledby="outcome-nprs-title outcome-nprs-desc"' in page and "MIC 5" in page
    assert "Change from the first: -3" in page and "<strong>reached</strong>" in page
    assert "Running 3; Lifting 4; Sitting 5" in page and "by Alex Morgan" in page
    assert "Ostelo" in page and "Stratford" in page
    assert "saved: 4" not in north.request("GET", f"/portal/patients/{clinic.plan_id}")[2]
    with clinic.app.store.read() as records:
        trail = [row.action for row in records.portal.audit_trail(1)]
    assert trail.count("record-outcome") == 2


def test_a_plan_nobody_follows_never_speaks_of_a_clinician(clinic: Clinic) -> None:
    """A plan outside any clinic (as /start makes them): the phone page's questions, the check-in
    form's note and where to find the check-in link speak of no "your clinician" (advice to see a
    clinician about a warning sign stays); a clinic's plan keeps them."""
    from tests.clinics import rx

    own = clinic.app.create_plan("lbp-return-to-run", rx("Sam Self"))
    feed, secret = clinic.app.secrets_for(own)
    phone = clinic.client()
    _, _, page = phone.request("GET", f"/c/{secret}")
    assert "A few questions about your progress" in page and "A note for yourself" in page
    assert "your clinician" not in page.lower()
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    answer = {"csrf": csrf.group(1), "submission": "abcdefgh5678", "measure": "nprs", "score": "3"}
    status, headers, _ = phone.request("POST", f"/c/{secret}/outcomes", answer)
    assert status == 303
    _, _, page = phone.request("GET", headers["location"].split("127.0.0.1", 1)[-1])
    assert "Thank you: your answers are saved with your plan." in page
    assert "your clinician" not in page.lower()
    _, _, page = clinic.client().request("GET", f"/p/{feed}")  # a phone without the check-in link
    assert "the page you saw when you made your plan" in page and "your clinician" not in page.lower()
    _, clinics_secret = clinic.app.secrets_for(clinic.plan_id)
    _, _, page = phone.request("GET", f"/c/{clinics_secret}")
    assert "A few questions from your clinician" in page and "Note for your clinician" in page
