"""The clinic in every handout the portal prints: admins set the branding (the clinic file's fields,
a logo decoded whole before it is accepted); handouts carry it and the patient's own clinician, are
named after the patient, and "print all" gives one PDF for the chosen patients or the whole list."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request

from planner.app import branding
from planner.app.caseload import PRINT_LIMIT
from planner.core.exceptions import PlannerError
from planner.web.context import application
from planner.web.portal.common import address, blueprint, caseload, me, planner_errors
from planner.web.portal.list_query import list_query

UPLOAD_BYTES = branding.LOGO_BYTES + 64 * 1024  # the logo and the form's few fields


def _page(values: dict[str, str], has_logo: bool, error: str = "", saved: bool = False) -> str:
    return render_template(
        "portal_branding.html", me=me(), values=values, has_logo=has_logo, error=error, saved=saved
    )


@blueprint.route("/branding", methods=["GET", "POST"])
def clinic_branding() -> Any:
    if not me().is_admin:
        abort(404)
    app = application()
    if request.method == "GET":
        values, has_logo = branding.stored_branding(app, me().clinic_id)
        return _page(values or {"name": me().clinic_name}, has_logo, saved=request.args.get("saved") == "1")
    request.max_content_length = UPLOAD_BYTES
    form = request.form
    values = {field: form.get(field, "") for field in branding.FIELDS}
    upload = request.files.get("logo")
    logo = upload.read(branding.LOGO_BYTES + 1) if upload is not None and upload.filename else None
    try:
        branding.set_branding(app, me().clinic_id, values, logo, drop_logo="drop_logo" in form)
    except PlannerError as error:
        _, has_logo = branding.stored_branding(app, me().clinic_id)
        return _page(values, has_logo, str(error)), 400
    caseload().audit(me(), "branding", address(), None)  # the portal's one audit line
    return redirect("/portal/branding?saved=1", code=303)


def _attachment(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def patient_handout(plan_id: str) -> Response:
    """The patient's handout with the clinic's branding and their clinician, named after them."""
    caseload().download(me(), plan_id, "handout", address())
    body, name = branding.handout(application(), me().clinic_id, me().clinic_name, plan_id)
    return _attachment(body, name)


@blueprint.post("/print-all")
@planner_errors
def print_all() -> Response:
    """One PDF: the patients ticked on the list, or every patient of the list as it is searched and
    filtered, on all its pages, in its order."""
    if request.form.get("which") == "all":
        chosen = list(caseload().listed_ids(me(), list_query().wanted))
    else:
        chosen = request.form.getlist("plan")[:PRINT_LIMIT]
    if not chosen:
        return Response("print all: no patient ticked or listed\n", 400, mimetype="text/plain")
    for plan_id in chosen:
        caseload().download(me(), plan_id, "handout", address())  # another clinic's id is a 404
    body = branding.print_all(application(), me().clinic_id, me().clinic_name, dict.fromkeys(chosen))
    day = application().now().date().isoformat()
    return _attachment(body, f"handouts-{day}.pdf")
