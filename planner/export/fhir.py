"""CourseRecord -> the patient's whole record as a FHIR R4 Bundle (JSON), built and validated with
fhir.resources' R4B models (FHIR 4.3, the R4 line): every resource is checked against its model as
it is made, so a record that does not validate is never written. The same JSON is the GDPR access
export. Formats only: every figure was worked out in planner.core.discharge.

Resources: Patient; Organization (the clinic) and Practitioner (the assigned clinician) when known;
a CarePlan with one activity per session done; Observations for each pain score (LOINC 72514-3,
0-10 numeric rating) and each session done (LOINC 55411-3, exercise duration in minutes); one
QuestionnaireResponse per outcome score (each activity of a PSFS an item); red flags as Flags
(inactive once a clinician cleared them). Ids are derived from the plan, so the same record gives
the same Bundle.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from planner.core.discharge import CourseRecord
from planner.core.follow_up import PatientStatus
from planner.core.outcomes import OutcomeScore

LOINC, SNOMED, UCUM = "http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org"
PAIN = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
EXERCISE_MINUTES = {"system": LOINC, "code": "55411-3", "display": "Exercise duration"}
EXERCISE_THERAPY = {"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}
NAMESPACE = uuid.UUID("0b0e6a4e-4f39-4c0e-9a53-7a2f4f1f5e21")  # this program's record ids
CAREPLAN_STATUS = {PatientStatus.DISCHARGED: "completed", PatientStatus.REFERRED: "on-hold"}


def _urn(record: CourseRecord, *parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '/'.join(str(p) for p in (record.plan_id, *parts)))}"


class _Bundle:
    def __init__(self, record: CourseRecord) -> None:
        self.record = record
        self.entries: list[dict[str, Any]] = []
        self.patient = _urn(record, "patient")

    def add(self, model: Any, url: str, data: dict[str, Any]) -> None:
        """Validate one resource against its fhir.resources model and keep it."""
        resource = model.model_validate(data)
        self.entries.append({"fullUrl": url, "resource": json.loads(resource.model_dump_json())})

    def people(self) -> tuple[str | None, str | None]:
        from fhir.resources.R4B.organization import Organization
        from fhir.resources.R4B.patient import Patient
        from fhir.resources.R4B.practitioner import Practitioner

        r = self.record
        patient: dict[str, Any] = {
            "resourceType": "Patient",
            "identifier": [{"system": "urn:rehab-planner:plan", "value": r.plan_id}],
        }
        if not r.erased:
            patient["name"] = [{"text": r.name}]
        organization = practitioner = None
        if r.clinic:
            organization = _urn(r, "organization")
            self.add(Organization, organization, {"resourceType": "Organization", "name": r.clinic})
            patient["managingOrganization"] = {"reference": organization}
        if r.clinician:
            practitioner = _urn(r, "practitioner")
            self.add(
                Practitioner, practitioner, {"resourceType": "Practitioner", "name": [{"text": r.clinician}]}
            )
            patient["generalPractitioner"] = [{"reference": practitioner}]
        self.add(Patient, self.patient, patient)
        return organization, practitioner

    def care_plan(self, practitioner: str | None) -> str:
        from fhir.resources.R4B.careplan import CarePlan

        r = self.record
        url = _urn(r, "careplan")
        status = CAREPLAN_STATUS.get(r.summary.status, "active")
        period = {"start": r.start.isoformat()}
        if r.discharged:
            period["end"] = r.discharged.date.isoformat()
        activities = [
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {"coding": [EXERCISE_THERAPY], "text": s.kind.value},
                    "status": "completed",
                    "scheduledString": s.date.isoformat(),
                    "description": f"{s.title}, {s.minutes} min",
                }
            }
            for s in r.sessions
        ]
        data: dict[str, Any] = {
            "resourceType": "CarePlan",
            "status": status,
            "intent": "plan",
            "title": r.protocol_title,
            "description": f"Graded return to running: {r.protocol_id}",
            "subject": {"reference": self.patient},
            "period": period,
            "category": [{"coding": [EXERCISE_THERAPY]}],
        }
        if practitioner:
            data["author"] = {"reference": practitioner}
        if activities:
            data["activity"] = activities
        notes = [{"time": f"{n.date.isoformat()}T00:00:00Z", "text": f"{n.by}: {n.note}"} for n in r.notes]
        if notes:
            data["note"] = notes
        self.add(CarePlan, url, data)
        return url

    def observations(self, care_plan: str) -> None:
        from fhir.resources.R4B.observation import Observation

        r = self.record

        def observation(
            key: str, day: dt.date, code: dict[str, str], value: dict[str, Any], text: str
        ) -> None:
            data = {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [code], "text": text},
                "subject": {"reference": self.patient},
                "basedOn": [{"reference": care_plan}],
                "effectiveDateTime": day.isoformat(),
                **value,
            }
            self.add(Observation, _urn(r, "observation", key), data)

        for pain in r.pain:
            for when, score, text in (
                ("during", pain.during, "Pain during the session (0-10)"),
                ("next morning", pain.next_morning, "Pain the morning after the session (0-10)"),
            ):
                if score is not None:
                    observation(f"pain/{pain.date}/{when}", pain.date, PAIN, {"valueInteger": score}, text)
        for session in r.sessions:
            minutes = {
                "valueQuantity": {"value": session.minutes, "unit": "min", "system": UCUM, "code": "min"}
            }
            observation(
                f"session/{session.date}/{session.kind.value}",
                session.date,
                EXERCISE_MINUTES,
                minutes,
                f"Session done: {session.title}",
            )

    def questionnaire_responses(self) -> None:
        from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

        r = self.record
        for progress in r.outcomes:
            measure = progress.measure
            for n, score in enumerate(progress.scores):
                data = {
                    "resourceType": "QuestionnaireResponse",
                    "status": "completed",
                    "questionnaire": f"urn:rehab-planner:measure:{measure.id}",
                    "subject": {"reference": self.patient},
                    "authored": score.date.isoformat(),
                    "item": self._items(measure.question, score),
                }
                self.add(QuestionnaireResponse, _urn(r, "outcome", measure.id, n), data)

    @staticmethod
    def _items(question: str, score: OutcomeScore) -> list[dict[str, Any]]:
        total = {"linkId": "score", "text": question, "answer": [{"valueDecimal": score.score}]}
        activities = [
            {"linkId": f"activity-{n}", "text": name, "answer": [{"valueInteger": value}]}
            for n, (name, value) in enumerate(score.items, 1)
        ]
        return [*activities, total]

    def flags(self) -> None:
        from fhir.resources.R4B.flag import Flag

        r = self.record
        for n, flag in enumerate(r.red_flags):
            cleared = next((c for c in r.clearances if c.date >= flag.date), None)
            period = {
                "start": flag.date.isoformat(),
                **({"end": cleared.date.isoformat()} if cleared else {}),
            }
            data = {
                "resourceType": "Flag",
                "status": "inactive" if cleared else "active",
                "category": [{"text": "Red flag (warning sign) reported"}],
                "code": {"text": flag.text},
                "subject": {"reference": self.patient},
                "period": period,
            }
            self.add(Flag, _urn(r, "flag", n), data)


def render(record: CourseRecord, now: dt.datetime) -> bytes:
    """The Bundle as JSON bytes; fhir.resources raises if any part would not validate."""
    from fhir.resources.R4B.bundle import Bundle

    bundle = _Bundle(record)
    _, practitioner = bundle.people()
    care_plan = bundle.care_plan(practitioner)
    bundle.observations(care_plan)
    bundle.questionnaire_responses()
    bundle.flags()
    data = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:rehab-planner:record", "value": record.plan_id},
        "type": "collection",
        "timestamp": now.astimezone(dt.UTC).isoformat(),
        "entry": bundle.entries,
    }
    checked = Bundle.model_validate(data)
    return json.dumps(json.loads(checked.model_dump_json()), indent=2, ensure_ascii=False).encode() + b"\n"
