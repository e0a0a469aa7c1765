"""A clinic list: the `issue` command for the clinic, from an uploaded CSV, and its zip."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from planner.data.roster import OPTIONAL, REQUIRED
from planner.web.portal.common import address, blueprint, caseload, me, planner_errors

# -- a clinic list ----------------------------------------------------------------------------------
ROSTER_BYTES = 1024 * 1024
COLUMNS = (REQUIRED, OPTIONAL)  # the page names the columns the parser (and the example file) use


@blueprint.route("/roster", methods=["GET", "POST"])
@planner_errors
def roster() -> Any:
    """Upload a roster CSV: the `issue` command for this clinic, its per-line report, and the
    handouts, calendars and index as one zip (kept ten minutes in the database, for this clinic)."""
    if request.method == "GET":
        return render_template("portal_roster.html", me=me(), outcomes=None, download="", columns=COLUMNS)
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
    outcomes, download = caseload().issue_roster(me(), text, name, address())
    return render_template(
        "portal_roster.html", me=me(), outcomes=outcomes, download=download, columns=COLUMNS
    )


@blueprint.get("/roster/<download>.zip")
@planner_errors
def roster_zip(download: str) -> Response:
    response = Response(caseload().roster_zip(me(), download), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="handouts.zip"'
    return response
