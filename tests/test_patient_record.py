"""The patient's record: the course gathered once (planner.core.discharge), the discharge summary
(PDF, read back with pypdf and pdftotext's engine-free cousin pdfplumber), the FHIR R4 Bundle
(validated again by fhir.resources on reading), the portal's downloads, and erasure after the
clinic's retention period (what goes, what stays, the audit line, once only). Time is injected."""

from __future__ import annotations

import datetime as dt
import io
import json

import pypdf
import pytest
import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle

from planner.app import outcomes, patient_record, retention
from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.app.settings import Settings
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Prescription
from planner.store.schema import audit, checkins, feed_tokens
from tests.clinics import PASSWORD, Clinic

START = dt.date(2026, 9, 7)
NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)


class Course:
    """A patient of North's with six weeks of history: reports, a flare-up, a red flag cleared, a
    hold, outcome scores, and a discharge."""

    def __init__(self, db_url: str) -> None:
        self.clock = [NOW]
        self.app = App.open(Settings(db=db_url), clock=lambda: self.clock[0])
        self.accounts = Accounts(self.app)
        self.caseload = Caseload(self.app)
        self.accounts.add_clinician("North", "alex@north.example", "Alex Morgan", PASSWORD, admin=True)
        rx = Prescription(
            "Zofia Wójcik", START, "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 2, goal="5k"
        )
        self.plan_id = self.app.create_plan("lbp-return-to-run", rx)
        self.caseload.adopt(self.plan_id, "North", 1)
        self.app.secrets_for(self.plan_id)
        for offset in (2, 5, 7, 9, 12, 14, 16, 19):
            self.report(
                CheckIn(START + dt.timedelta(days=offset), pain_during=2, pain_next_morning=1, note="fine")
            )
        self.report(
            CheckIn(START + dt.timedelta(days=21), pain_during=6, flare_up=True, note="lifting boxes")
        )
        self.report(CheckIn(START + dt.timedelta(days=26), red_flags=("fever",)))
        self.act(ActionKind.CLEAR_RED_FLAG, 27, "Assessed: viral illness, no spinal signs")
        self.act(ActionKind.HOLD_RUNNING, 28, "Until the cold has gone", until=START + dt.timedelta(days=33))
        self.clock[0] = dt.datetime.combine(START + dt.timedelta(days=36), dt.time(12), dt.UTC)
        for day, nprs, psfs in (
            (0, "6", ("Running=2", "Lifting=3", "Sitting=4")),
            (35, "3", ("Running=5", "Lifting=6", "Sitting=6")),
        ):
            when = START + dt.timedelta(days=day)
            outcomes.record_outcome(self.app, self.plan_id, "nprs", when, nprs, (), "patient")
            outcomes.record_outcome(self.app, self.plan_id, "psfs", when, None, psfs, "Alex Morgan")
        outcomes.record_outcome(
            self.app, self.plan_id, "groc", START + dt.timedelta(days=35), "6", (), "patient"
        )
        self.act(ActionKind.DISCHARGE, 42, "Goal reached: running 20 minutes without pain")

    def report(self, checkin: CheckIn) -> None:
        self.clock[0] = dt.datetime.combine(checkin.date, dt.time(20), dt.UTC)
        self.app.record_checkin(self.plan_id, checkin)

    def act(self, kind: ActionKind, offset: int, note: str, **extra: object) -> None:
        day = START + dt.timedelta(days=offset)
        self.clock[0] = dt.datetime.combine(day, dt.time(12), dt.UTC)
        self.app.record_action(self.plan_id, ClinicianAction(kind, day, "Alex Morgan", note, **extra))  # type: ignore[arg-type]


@pytest.fixture
def course(db_url: str) -> Course:
    return Course(db_url)


def test_the_course_gathers_what_the_record_needs(course: Course) -> None:
    record = patient_record.course(course.app, course.plan_id)
    assert record.clinic == "North" and record.clinician == "Alex Morgan" and not record.erased
    assert record.discharged is not None and record.discharged.date == START + dt.timedelta(days=42)
    assert record.summary.status.value == "discharged"
    assert [d.text for d in record.levels][:1] == ["Phase 1"]
    assert len(record.pauses) == 1 and "flare-up" in record.pauses[0].text.lower()
    assert [d.text for d in record.red_flags] == ["Fever or chills with your back pain"]
    assert record.clearances[0].note.startswith("Assessed: viral")
    assert [c.text for c in record.changes] == [
        f"running held until {START + dt.timedelta(days=33):%d %b %Y}"
    ]
    assert [n.note.split(":")[0] for n in record.notes] == [
        "Assessed",
        "Until the cold has gone",
        "Goal reached",
    ]
    assert [c.measure.id for c in record.outcomes] == ["nprs", "psfs", "groc"]
    assert record.outcomes[0].change == -3.0 and record.outcomes[0].reached is True
    assert record.pain[0].during == 2 and len(record.sessions) >= 7


def test_the_discharge_summary_is_one_or_two_pages_with_every_section(course: Course) -> None:
    body = patient_record.summary_pdf(course.app, course.plan_id)
    pdf = pypdf.PdfReader(io.BytesIO(body))
    assert 1 <= len(pdf.pages) <= 2
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    for expected in (
        "Discharge summary",
        "Zofia Wójcik",
        "Low back pain: graded return to running",
        "Levels reported done Phase 1 (first on",
        "Adherence",
        "Numeric Pain Rating Scale (NPRS): first 6",
        "change -3",
        "a fall of 2 points or 30%: yes",
        "Ostelo",
        "Programme changes",
        "running held until",
        "Pauses",
        "Red flags and clearances",
        "Fever or chills",
        "red flag cleared after assessment",
        "Clinician's notes",
        "Goal reached: running 20 minutes without pain",
    ):
        assert expected in text, expected
    for number, page in enumerate(pdf.pages, 1):  # each page's footer counts the pages
        assert f"Page {number} of {len(pdf.pages)}" in (page.extract_text() or ""), number
    assert pdf.metadata is not None and pdf.metadata.title == "Discharge summary: Zofia Wójcik"
    assert patient_record.summary_pdf(course.app, course.plan_id) == body  # same record, same bytes


def test_the_record_is_a_valid_fhir_bundle(course: Course) -> None:
    body = patient_record.fhir_record(course.app, course.plan_id)
    Bundle.model_validate_json(body)  # reads back as a valid R4 (R4B) Bundle
    bundle = json.loads(body)
    resources = [entry["resource"] for entry in bundle["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert bundle["type"] == "collection" and len({e["fullUrl"] for e in bundle["entry"]}) == len(kinds)
    assert kinds.count("Patient") == kinds.count("Organization") == kinds.count("Practitioner") == 1
    assert (
        kinds.count("CarePlan") == 1
        and kinds.count("QuestionnaireResponse") == 5
        and kinds.count("Flag") == 1
    )
    (patient,) = (r for r in resources if r["resourceType"] == "Patient")
    assert patient["name"] == [{"text": "Zofia Wójcik"}]
    (plan,) = (r for r in resources if r["resourceType"] == "CarePlan")
    assert plan["status"] == "completed" and plan["period"]["end"] == f"{START + dt.timedelta(days=42)}"
    assert plan["activity"] and all(a["detail"]["status"] == "completed" for a in plan["activity"])
    codes = [r["code"]["coding"][0]["code"] for r in resources if r["resourceType"] == "Observation"]
    assert codes.count("72514-3") == 8 * 2 + 1 and "55411-3" in codes
    pain_texts = {r["code"]["text"] for r in resources if r["resourceType"] == "Observation"}
    assert {"Pain during the session (0-10)", "Pain the morning after the session (0-10)"} <= pain_texts
    (flag,) = (r for r in resources if r["resourceType"] == "Flag")
    assert flag["status"] == "inactive" and flag["code"]["text"] == "Fever or chills with your back pain"
    psfs = [r for r in resources if r.get("questionnaire") == "urn:rehab-planner:measure:psfs"]
    assert [i["text"] for i in psfs[0]["item"]] == [
        "Running",
        "Lifting",
        "Sitting",
        psfs[0]["item"][-1]["text"],
    ]
    assert psfs[0]["item"][-1]["answer"] == [{"valueDecimal": 3.0}]
    assert patient_record.fhir_record(course.app, course.plan_id) == body


def test_erasure_after_the_retention_period_keeps_the_clinical_rows(course: Course) -> None:
    app = course.app
    assert retention.clinic_settings(app, "North", retention_days=30) == (3, 30)
    discharged = START + dt.timedelta(days=42)
    course.clock[0] = dt.datetime.combine(discharged + dt.timedelta(days=29), dt.time(12), dt.UTC)
    assert retention.erase_expired(app) == []  # a day early
    course.clock[0] += dt.timedelta(days=1)
    assert retention.erase_expired(app, who="sweep") == [course.plan_id]
    assert retention.erase_expired(app) == []  # once only
    view = app.plan(course.plan_id)
    assert view.stored.prescription.name == "(erased)" and view.stored.prescription.goal == ""
    assert all(c.note == "" for c in view.checkins) and all(a.note == "" for a in view.actions)
    assert [c.pain_during for c in view.checkins][:2] == [2, 2]  # the clinical rows stay
    with app.store.read() as records:
        assert (
            records.connection.execute(
                sa.select(sa.func.count()).select_from(feed_tokens).where(feed_tokens.c.revoked_at.is_(None))
            ).scalar()
            == 0
        )
        scores = records.outcomes.scores(course.plan_id)
        trail = list(records.connection.execute(sa.select(audit).where(audit.c.action == "plan-erased")))
        reports = records.connection.execute(sa.select(sa.func.count()).select_from(checkins)).scalar()
    assert reports == 10 and len(scores) == 5
    assert [name for name, _ in scores[1].items] == ["activity 1", "activity 2", "activity 3"]
    assert len(trail) == 1 and trail[0].who == "sweep" and trail[0].plan_id == course.plan_id
    record = json.loads(patient_record.fhir_record(app, course.plan_id))
    text = json.dumps(record, ensure_ascii=False)
    assert "Zofia" not in text and "Running" not in text and "lifting boxes" not in text
    assert "Zofia" not in "".join(
        page.extract_text() or ""
        for page in pypdf.PdfReader(io.BytesIO(patient_record.summary_pdf(app, course.plan_id))).pages
    )


def test_clinic_settings_and_erase_expired_on_the_command_line(run, db_url: str) -> None:
    assert run("clinic", "settings", "Nowhere").code == 2
    Accounts(App.open(Settings(db=db_url))).add_clinician(
        "North", "a@north.example", "A", PASSWORD, admin=True
    )
    shown = run("clinic", "settings", "North")
    assert shown.code == 0 and "every 3 weeks" in shown.out and "no retention period set" in shown.out
    changed = run("clinic", "settings", "North", "--outcome-weeks", "4", "--retention-days", "365")
    assert "every 4 weeks" in changed.out and "erased 365 days after discharge" in changed.out
    assert "no retention period" in run("clinic", "settings", "North", "--keep-forever").out
    both = run("clinic", "settings", "North", "--keep-forever", "--retention-days", "3")
    assert both.code == 2 and len(both.err.splitlines()) == 1
    assert run("clinic", "settings", "North", "--outcome-weeks", "0").code == 2
    erased = run("db", "erase-expired")
    assert erased.code == 0 and erased.out.startswith("Erased 0 discharged patients'")


def test_export_summary_and_record_on_the_command_line(run, tmp_path) -> None:
    made = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--name", "Ana")
    plan = made.out.strip().splitlines()[-1]
    run("outcome", "record", plan, "--measure", "nprs", "--date", "2026-03-02", "--score", "5")
    pdf, record = tmp_path / "s.pdf", tmp_path / "r.json"
    assert run("export", "summary", plan, "-o", str(pdf)).code == 0 and pdf.read_bytes().startswith(b"%PDF")
    assert run("export", "record", plan, "-o", str(record)).code == 0
    Bundle.model_validate_json(record.read_bytes())
    assert run("export", "summary", "nosuchplan", "-o", str(tmp_path / "x.pdf")).code == 2
    assert not (tmp_path / "x.pdf").exists()


def test_the_portal_offers_both_downloads_and_audits_them(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert f"/portal/patients/{clinic.plan_id}/summary.pdf" in page and "record.json" in page
    status, headers, _ = north.request("GET", f"/portal/patients/{clinic.plan_id}/summary.pdf")
    assert status == 200 and headers["content-type"] == "application/pdf"
    status, headers, body = north.request("GET", f"/portal/patients/{clinic.plan_id}/record.json")
    assert status == 200 and headers["content-type"].startswith("application/fhir+json")
    Bundle.model_validate_json(body)
    with clinic.app.store.read() as records:
        trail = [row.action for row in records.portal.audit_trail(1)]
    assert "download-summary" in trail and "download-record" in trail


def test_a_re_opened_plan_keeps_its_discharge_in_the_summary_and_the_record(course: Course) -> None:
    """Reviewer's item 4: discharged with a note, then re-opened, the summary's programme changes and
    the clinician's notes, and the FHIR record's notes, hold the whole episode: the discharge with
    its note, then the re-open with its own."""
    course.act(ActionKind.REOPEN, 49, "Back after a new strain; running again from Phase 2")
    body = patient_record.summary_pdf(course.app, course.plan_id)
    text = " ".join((page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    text = " ".join(text.split())
    changes = text[text.index("Programme changes") : text.index("Clinician's notes")]
    assert changes.index("discharged") < changes.index("programme re-opened after a discharge")
    notes = text[text.index("Clinician's notes") :]
    discharged = notes.index("Goal reached: running 20 minutes without pain")
    assert discharged < notes.index("Back after a new strain")
    record = json.loads(patient_record.fhir_record(course.app, course.plan_id))
    written = [note["text"] for entry in record["entry"] for note in entry["resource"].get("note", [])]
    assert "Alex Morgan: Goal reached: running 20 minutes without pain" in written
    assert "Alex Morgan: Back after a new strain; running again from Phase 2" in written
