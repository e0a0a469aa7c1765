"""A clinic list: the `issue` command for the clinic, from an uploaded CSV, run as a job; its page
(progress, then the per-line report), the progress as JSON for the page's script, and its zip."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, redirect, render_template, request

from planner.data.roster import OPTIONAL, REQUIRED
from planner.web.headers import own_script_polling
from planner.web.portal.common import address, blueprint, caseload, me, planner_errors

# -- a clinic list ----------------------------------------------------------------------------------
ROSTER_BYTES = 1024 * 1024
COLUMNS = (REQUIRED, OPTIONAL)  # the page names the columns the parser (and the example file) use
REFRESH_SECONDS = 3  # how often the job page asks how far the job is (a reload without script)


@blueprint.route("/roster", methods=["GET", "POST"])
@planner_errors
def roster() -> Any:
    """Upload a roster CSV: stored as a job and issued outside the request; the answer is the
    job's page at once (303), however long the list takes."""
    if request.method == "GET":
        return render_template("portal_roster.html", me=me(), columns=COLUMNS)
    request.max_content_length = ROSTER_BYTES
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        return Response("roster: choose a CSV file to upload\n", 400, mimetype="text/plain")
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        return Response(
            "roster: the file is not UTF-8 text (save it as CSV UTF-8)\n", 400, mimetype="text/plain"
        )
    name = (upload.filename or "roster.csv").rsplit("/", 1)[-1][:100]
    job_id = caseload().upload_roster(me(), text, name, address())
    return redirect(f"/portal/roster/jobs/{job_id}", code=303)


@blueprint.get("/roster/jobs/<job_id>")
@planner_errors
@own_script_polling
def roster_job(job_id: str) -> Any:
    """The job's progress bar while it runs (its script polls the JSON; without script the page
    reloads itself), then the per-line report and the zip."""
    job = caseload().roster_job(me(), job_id)
    return render_template(
        "portal_roster_job.html", me=me(), job=job, columns=COLUMNS, refresh=REFRESH_SECONDS
    )


@blueprint.get("/roster/jobs/<job_id>.json")
@planner_errors
def roster_job_progress(job_id: str) -> Response:
    return jsonify(caseload().roster_job(me(), job_id).progress())


@blueprint.get("/roster/jobs/<job_id>.zip")
@planner_errors
def roster_zip(job_id: str) -> Response:
    response = Response(caseload().roster_zip(me(), job_id), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="handouts.zip"'
    return response
