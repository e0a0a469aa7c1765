"""The clinic's retention period: after it, a discharged patient's identifying data is erased
(planner.store.retention_records says what goes and what stays), by `db erase-expired` and by
serve's sweep. Each erasure is a line of the clinic's audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.app.application import App

MAX_RETENTION_DAYS = 36500  # a hundred years: the longest period a clinic may set


def erase_expired(app: App, who: str = "command line") -> list[str]:
    """Erase every plan whose clinic's retention period has passed since discharge; their ids."""
    now = app.now()
    erased = []
    with app.store.write() as records:
        for plan_id, clinic_id in records.retention.expired(now.date()):
            if records.retention.erase(plan_id, now):
                records.portal.add_audit(
                    now,
                    "plan-erased",
                    who=who,
                    address="",
                    clinic_id=clinic_id,
                    plan_id=plan_id,
                    detail="identifying data erased after the clinic's retention period",
                )
                erased.append(plan_id)
    return erased


def clinic_settings(
    app: App,
    clinic: str,
    *,
    outcome_weeks: int | None = None,
    retention_days: int | None = None,
    keep_forever: bool = False,
    who: str = "command line",
) -> tuple[int, int | None]:
    """Change what is given (audited) and return the clinic's outcome interval and retention days."""
    from planner.core.exceptions import NotFound

    now = app.now()
    with app.store.write() as records:
        clinic_id = records.portal.clinic_id_by_name(clinic)
        if clinic_id is None:
            raise NotFound(f"clinic: no clinic named {clinic!r}")
        changes = []
        if outcome_weeks is not None:
            records.portal.set_outcome_weeks(clinic_id, outcome_weeks)
            changes.append(f"outcome measures every {outcome_weeks} weeks")
        if retention_days is not None or keep_forever:
            records.retention.set_retention_days(clinic_id, None if keep_forever else retention_days)
            changes.append(f"retention {retention_days} days" if retention_days else "kept forever")
        if changes:
            records.portal.add_audit(
                now, "clinic-settings", who=who, address="", clinic_id=clinic_id, detail="; ".join(changes)
            )
        return records.portal.outcome_weeks(clinic_id), records.retention.retention_days(clinic_id)
