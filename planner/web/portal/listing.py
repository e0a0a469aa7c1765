"""The patient list's rows as the page prints them: every cell worked out once in Python, and each
row's HTML rendered once per distinct row value (the list is the portal's most requested page, and
escaping and placing its 50 x 11 cells was most of its cost). A row's HTML is a function of its
value alone, so a kept copy can never be stale: a row whose status, figures or names changed is a
new value and is rendered anew."""

from __future__ import annotations

import datetime as dt
import functools

import attrs
from flask import current_app
from markupsafe import Markup

from planner.app.caseload import PatientRow


@attrs.frozen
class ListedRow:
    plan_id: str
    name: str
    status: str
    css: str  # the status as a class name
    alerts: str
    week: str
    level: str
    recent: str
    recent_counts: str
    overall: str
    overall_counts: str
    last: str
    clinician: str
    protocol: str


ROWS_KEPT = 20_000  # a few clinics' lists: some hundred bytes of HTML each


@functools.lru_cache(maxsize=ROWS_KEPT)
def row_html(row: PatientRow) -> Markup:
    """The row's <tr>, worked out and rendered once for each distinct row."""
    return Markup(current_app.jinja_env.get_template("portal_patient_row.html").render(r=listed(row)))


def table_rows(rows: tuple[PatientRow, ...]) -> Markup:
    """The list's <tr>s, as one piece of HTML (each already escaped by its template)."""
    return Markup("".join(row_html(row) for row in rows))


def share(done: int, planned: int) -> tuple[str, str]:
    """ "40%", "(2/5)"; a dash and nothing when nothing was planned."""
    return (f"{round(100 * done / planned)}%", f"({done}/{planned})") if planned else ("–", "")


def listed(row: PatientRow) -> ListedRow:
    s = row.summary
    recent, recent_counts = share(s["done_recent"], s["planned_recent"])
    overall, overall_counts = share(s["done_all"], s["planned_all"])
    last = s["last_report"]
    return ListedRow(
        row.plan_id,
        row.name,
        s["status"],
        s["status"].replace(" ", "-"),
        ", ".join(row.alert_kinds),
        str(s["week"]) if s["week"] else "not started",
        s["level"],
        recent,
        recent_counts,
        overall,
        overall_counts,
        f"{dt.date.fromisoformat(last):%d %b %Y}" if last else "none",
        row.clinician or "–",
        row.protocol_title,
    )
