"""The patient list's fixed costs, taken out: a session check is a read (the session is written
only when its last use moves by more than a minute, or to end it), the list's rows are worked out
once in Python, and its open alert kinds come with each summary."""

from __future__ import annotations

import datetime as dt
import json
import re

import sqlalchemy as sa

from planner.app.accounts import IDLE, TOUCH_EVERY, Accounts
from planner.app.application import App
from planner.app.caseload import PatientRow
from planner.app.settings import Settings
from planner.core.model import CheckIn
from planner.store.schema import plan_summaries, portal_sessions
from planner.web.portal.listing import listed, row_html, share
from tests.clinics import NOW, PASSWORD, Clinic


def seen_at(app: App) -> str:
    with app.store.read() as records:
        return str(records.connection.execute(sa.select(portal_sessions.c.seen_at)).scalar_one())


def test_a_session_is_written_at_most_once_a_minute_and_still_times_out(db_url: str) -> None:
    clock = [NOW]
    app = App.open(Settings(db=db_url), clock=lambda: clock[0])
    accounts = Accounts(app)
    accounts.add_clinician("North", "a@north.example", "A", PASSWORD, admin=True)
    _, token = accounts.login("a@north.example", PASSWORD, "")
    first = seen_at(app)
    clock[0] += TOUCH_EVERY - dt.timedelta(seconds=1)
    assert accounts.clinician_for(token) is not None and seen_at(app) == first  # a read, no write
    clock[0] += dt.timedelta(seconds=2)
    assert accounts.clinician_for(token) is not None and seen_at(app) > first  # moved: written
    clock[0] += IDLE + dt.timedelta(seconds=1)
    assert accounts.clinician_for(token) is None  # idle too long: ended
    clock[0] += dt.timedelta(seconds=1)
    assert accounts.clinician_for(token) is None


def test_a_row_of_the_list_is_worked_out_once() -> None:
    summary = {
        "status": "low adherence",
        "week": 0,
        "level": "Level 1",
        "done_recent": 1,
        "planned_recent": 3,
        "done_all": 0,
        "planned_all": 0,
        "last_report": "2026-11-21",
    }
    row = listed(PatientRow("p1", "Ana <b>", "Walk-run", json.dumps(summary), "", ("silence", "pause")))
    assert (row.css, row.week, row.recent, row.recent_counts) == (
        "low-adherence",
        "not started",
        "33%",
        "(1/3)",
    )
    assert (row.overall, row.overall_counts, row.last, row.clinician) == ("–", "", "21 Nov 2026", "–")
    assert row.alerts == "silence, pause" and row.name == "Ana <b>"  # escaped by the template
    assert share(1, 2) == ("50%", "(1/2)") and share(0, 0) == ("–", "")


def test_the_list_reads_alert_kinds_from_the_summary_and_old_summaries_still_show_them(
    clinic: Clinic,
) -> None:
    alex = clinic.clinician("alex@north.example")
    (piotr,) = clinic.caseload.patients(alex, "Piotr").rows
    assert piotr.alert_kinds == ("silence",) and piotr.summary["alert_kinds"] == ["silence"]
    with clinic.app.store.write() as records:  # a summary written before the kinds were kept in it
        data = dict(piotr.summary)
        del data["alert_kinds"]
        records.connection.execute(
            plan_summaries.update()
            .where(plan_summaries.c.plan_id == clinic.silent_id)
            .values(data=json.dumps(data))
        )
    (again,) = clinic.caseload.patients(alex, "Piotr").rows
    assert again.alert_kinds == ("silence",)
    north = clinic.client()
    north.login("alex@north.example")
    _, _, page = north.request("GET", "/portal/")
    assert "<td>silence</td>" in page


def test_a_listed_row_is_rendered_once_and_a_change_shows_at_once(clinic: Clinic) -> None:
    """Each row's HTML is kept by its value: the same list again renders no row, and a patient
    whose status changed gets a new row at the next look (a kept row can never be stale)."""
    north = clinic.client()
    north.login("alex@north.example")
    _, _, page = north.request("GET", "/portal/")
    piotr = re.search(r'<tr class="status-([\w-]+)">\s*<th scope="row"><a [^>]*>Piotr', page)
    assert piotr and piotr.group(1) == "silent"
    before = row_html.cache_info()
    north.request("GET", "/portal/")
    after = row_html.cache_info()
    assert after.misses == before.misses
    assert after.hits - before.hits == page.count('<tr class="status-')
    clinic.app.record_checkin(clinic.silent_id, CheckIn(NOW.date(), done=True, pain_during=1))
    _, _, changed = north.request("GET", "/portal/")
    piotr = re.search(r'<tr class="status-([\w-]+)">\s*<th scope="row"><a [^>]*>Piotr', changed)
    assert piotr and piotr.group(1) != "silent" and row_html.cache_info().misses - after.misses <= 1
