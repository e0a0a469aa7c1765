"""One patient's course for the record: the discharge summary (PDF) and the whole record as a FHIR
R4 Bundle (the same JSON answers a GDPR access request). Both are formats of one
planner.core.discharge.CourseRecord; they never re-decide anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.app import outcomes
from planner.core.discharge import CourseRecord, course_record

if TYPE_CHECKING:
    from planner.app.application import App


def course(app: App, plan_id: str) -> CourseRecord:
    view = app.plan(plan_id)
    with app.store.read() as records:
        clinic_id, clinician_id = records.portal.owner(plan_id)
        clinic = records.portal.clinic_name(clinic_id) if clinic_id else ""
        silence = records.portal.silence_days(clinic_id) if clinic_id else None
        person = records.portal.clinician(clinician_id) if clinician_id else None
        erased = records.retention.erased_at(plan_id) is not None
    return course_record(
        plan_id,
        view.plan,
        view.checkins,
        view.actions,
        outcomes.courses(app, plan_id),
        **({"silence_days": silence} if silence else {}),
        issued=view.issued,
        clinic=clinic,
        clinician=person.name if person else "",
        erased=erased,
    )


def summary_pdf(app: App, plan_id: str) -> bytes:
    """The discharge summary: one or two pages for the clinical record."""
    from planner.export import summary

    return summary.render(course(app, plan_id), app.now())


def fhir_record(app: App, plan_id: str) -> bytes:
    """The whole record as a FHIR R4 Bundle, validated as it is built (needs the `fhir` extra)."""
    from planner.export import fhir

    return fhir.render(course(app, plan_id), app.now())
