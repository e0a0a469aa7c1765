"""Whether a plan is in care: a discharge ends the programme from its day; a re-open (a clinician's
recorded action, with a note) resumes it from its own day, and only a discharged plan can be
re-opened. While discharged, the only action a clinician can take is to re-open it.

Actions are read in the order they were dated and, within a day, recorded, so a plan discharged
and re-opened on one day is in care again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from planner.core.model import ActionKind, ClinicianAction

Gap = tuple[ClinicianAction, ClinicianAction | None]  # a discharge and the re-open that ended it


def gaps(actions: Iterable[ClinicianAction]) -> list[Gap]:
    """Each time the plan left care: the discharge and the re-open after it (None: still discharged)."""
    found: list[Gap] = []
    for action in sorted(actions, key=lambda a: a.date):  # stable: a day's actions as recorded
        if action.kind is ActionKind.DISCHARGE and (not found or found[-1][1] is not None):
            found.append((action, None))
        elif action.kind is ActionKind.REOPEN and found and found[-1][1] is None:
            found[-1] = (found[-1][0], action)
    return found


def discharge_in_force(actions: Iterable[ClinicianAction]) -> ClinicianAction | None:
    """The discharge that ends the plan now, or None when it is in care."""
    found = gaps(actions)
    return found[-1][0] if found and found[-1][1] is None else None


def in_care(day: dt.date, found: list[Gap]) -> bool:
    """A session on `day` stays in the plan: on or before a discharge's day, or from its re-open."""
    return all(day <= left.date or (back is not None and day >= back.date) for left, back in found)


def refusal(actions: Iterable[ClinicianAction], kind: ActionKind) -> str | None:
    """Why a clinician's action cannot be taken now, or None."""
    discharged = discharge_in_force(actions) is not None
    if kind is ActionKind.REOPEN and not discharged:
        return "re-open: the plan is not discharged"
    if discharged and kind is not ActionKind.REOPEN:
        return "the plan is discharged: re-open it first"
    return None
