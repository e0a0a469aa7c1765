"""The clinician's workspace on the real server: honest statuses and alerts (one per event,
acknowledged one by one or all at once, each action confirmed on the page it returns to)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from planner.core.model import CheckIn
from tests.clinics import NOW, Clinic, rx


def test_acknowledge_all_closes_every_open_alert_once_and_confirms(clinic: Clinic) -> None:
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 18), flare_up=True, pain_during=6))
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 20), red_flags=("fever",)))
    kinds = sorted(a.kind for a in clinic.alerts() if a.is_open)  # her silence closed as she reported
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
    assert all(a.acknowledged_by == "Alex Morgan" for a in clinic.alerts() if a.resolved_at is None)
    north.request("POST", path, {})
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert "0 alerts acknowledged." in page
    with clinic.app.store.read() as records:
        trail = [row for row in records.portal.audit_trail(1) if row.action == "acknowledge-all"]
    assert len(trail) == 2 and "flare-up" in trail[-1].detail


def test_the_list_is_paged_sorted_and_shows_alert_kinds_clinician_and_protocol(clinic: Clinic) -> None:
    for n in range(55):
        plan_id = clinic.app.create_plan("beginner-walk-run", rx(f"Patient {n:02d}"))
        clinic.caseload.adopt(plan_id, "North", 1)
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 20), red_flags=("fever",)))
    north = clinic.client()
    north.login("alex@north.example")
    _, _, first = north.request("GET", "/portal/")
    assert "59 patients · page 1 of 2" in first and first.count('<th scope="row">') == 50
    assert first.index("Zofia Wójcik") < first.index("Patient 00")  # referred first
    assert "red flag" in first and "Alex Morgan" in first and "Beginner" in first
    _, _, second = north.request("GET", "/portal/?page=2")
    assert second.count('<th scope="row">') == 9  # with Rhea, Ola and Piotr of the fixture
    _, _, by_name = north.request("GET", "/portal/?sort=name&dir=desc")
    assert by_name.index("Zofia Wójcik") < by_name.index("Rhea Quist") < by_name.index("Patient 54")
    _, _, found = north.request(
        "POST", "/portal/", {"q": "patient 0", "sort": "name", "dir": "asc", "page": "1"}
    )
    assert "10 patients" in found and "Zofia" not in found
    assert north.request("GET", "/portal/?sort=secret")[0] == 400
    _, _, last = north.request("GET", "/portal/?page=99")
    assert "page 2 of 2" in last


def test_actions_confirm_and_a_discharged_plan_offers_only_its_exports(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    north.request("POST", f"{base}/actions/hold-running", {"until": "2026-12-06", "note": "scan"})
    _, _, page = north.request("GET", base)
    assert "Running held from 22 Nov until 06 Dec 2026." in page
    north.request("POST", f"{base}/actions/level-up", {"note": "doing well"})
    assert "Running moved up a level from 22 Nov." in north.request("GET", base)[2]
    north.request("POST", f"{base}/actions/discharge", {"note": "goal reached", "confirm": "yes"})
    _, _, page = north.request("GET", base)
    assert "Discharged on 22 Nov" in page and "ended this programme" in page
    assert "actions/hold-running" not in page and "actions/level-up" not in page and "rotate/feed" not in page
    assert "summary.pdf" in page and "record.json" in page and "handout.pdf" in page


def test_the_roster_page_names_the_columns_the_example_file_uses(clinic: Clinic) -> None:
    from planner.data.paths import builtin_dir

    north = clinic.client()
    north.login("alex@north.example")
    _, _, page = north.request("GET", "/portal/roster")
    header = (builtin_dir("templates") / "roster-example.csv").read_text().splitlines()[0].split(",")
    assert all(f"<code>{column}</code>" in page for column in header) and "timezone," not in page


def test_the_demo_clinics_reports_arrived_on_their_own_days(tmp_path) -> None:
    """Seeded histories are kept as recorded the evening of each report, so the demo's statuses
    agree with its dates: the last contact is the last report's day, and a patient quiet past the
    clinic's limit is silent, not shown as merely behind."""
    from planner.app.application import App
    from planner.app.demo_clinic import seed
    from planner.app.settings import Settings
    from planner.core.follow_up import PatientStatus, summarize

    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'd.db'}"), clock=lambda: NOW)
    seed(app)
    reported = 0
    for stored in app.plans()[0]:
        view = app.plan(stored.id)
        summary = summarize(view.plan, view.checkins, view.actions)
        if view.checkins:
            reported += 1
            assert summary.last_contact == max(c.date for c in view.checkins), stored.id
        quiet = summary.last_contact and (NOW.date() - summary.last_contact).days
        if summary.status is PatientStatus.LOW_ADHERENCE:
            assert quiet is not None and quiet < 7, (stored.id, quiet)
    assert reported >= 15


class SortForms(HTMLParser):
    """Each posted sort header of the list: its button's label and the fields it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self.fields: dict[str, str] | None = None
        self.label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "th":
            self.fields = {}
        elif tag == "input" and self.fields is not None and named.get("type") == "hidden":
            self.fields[named["name"] or ""] = named.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self.fields is not None:
            self.label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self.fields:
            self.forms[self.label.strip()] = self.fields
        if tag == "th":
            self.fields, self.label = None, ""


def test_a_sort_header_keeps_the_name_search_and_the_status_filter(clinic: Clinic) -> None:
    clinic.issue_patients(12)
    north = clinic.client()
    north.login("alex@north.example")
    _, _, found = north.request("POST", "/portal/", {"q": "patient 0", "status": "silent"})
    assert "10 patients" in found and "Zofia" not in found
    parser = SortForms()
    parser.feed(found)
    by_name = parser.forms["Name"]
    assert by_name["q"] == "patient 0" and by_name["status"] == "silent" and by_name["page"] == "1"
    assert "?sort=name" not in found  # no name search ever sits in a URL: the headers post it
    sent = {k: v for k, v in by_name.items() if k != "csrf_token"}
    _, _, sorted_page = north.request("POST", "/portal/", sent)
    assert "10 patients" in sorted_page and "Zofia" not in sorted_page and "Ola Berg" not in sorted_page
    assert sorted_page.index("Patient 00") < sorted_page.index("Patient 09")
    again = SortForms()
    again.feed(sorted_page)
    assert again.forms["Name ▲"]["dir"] == "desc" and again.forms["Name ▲"]["q"] == "patient 0"
    _, _, filtered = north.request("GET", "/portal/?status=silent")
    assert "/portal/?sort=name&amp;dir=asc&amp;status=silent" in filtered  # no search: a link
