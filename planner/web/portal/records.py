"""A patient's record from the portal: the discharge summary (PDF) and the whole record as a FHIR
R4 Bundle (JSON, also the GDPR access export); each download is in the audit trail."""

from __future__ import annotations

from flask import Response

from planner.app import patient_record
from planner.web.context import application
from planner.web.portal.common import address, blueprint, caseload, me, planner_errors


def attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blueprint.get("/patients/<plan_id>/summary.pdf")
@planner_errors
def discharge_summary(plan_id: str) -> Response:
    caseload().download(me(), plan_id, "summary", address())
    body = patient_record.summary_pdf(application(), plan_id)
    return attachment(body, "application/pdf", f"discharge-summary-{plan_id}.pdf")


@blueprint.get("/patients/<plan_id>/record.json")
@planner_errors
def whole_record(plan_id: str) -> Response:
    caseload().download(me(), plan_id, "record", address())
    body = patient_record.fhir_record(application(), plan_id)
    return attachment(body, "application/fhir+json", f"record-{plan_id}.json")
