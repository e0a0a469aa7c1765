"""The patient list's rows as the page prints them: every cell worked out once in Python, so the
template only places strings (the list is the portal's most requested page, and per-row filters,
arithmetic and lookups in the template were most of its cost)."""

from __future__ import annotations

import datetime as dt

import attrs

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
