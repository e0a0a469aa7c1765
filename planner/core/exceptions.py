"""Errors the edges turn into one line on stderr (exit 2) or a 4xx answer.

Every error a user can cause derives from `PlannerError`; anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class PlannerError(Exception):
    """Base of every error caused by input: its message is a single line meant for the user."""


class DataError(PlannerError):
    """A TOML or CSV file a clinician edits is wrong; the message names file, entry and field."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        where = ": ".join(part for part in (file, entry, field) if part)
        super().__init__(f"{where}: {problem}")


class InputError(PlannerError):
    """A value typed on the command line or posted in a form is not acceptable."""


class Revoked(InputError):
    """A plan whose addresses were revoked: nothing live to print, show or embed until a rotation
    makes new ones (only a rotation does)."""

    def __init__(self, plan_id: str) -> None:
        self.plan_id = plan_id
        super().__init__(
            f"plan {plan_id} has no live address: its addresses were revoked "
            f"(`feed rotate {plan_id}` makes new ones)"
        )


class NotFound(PlannerError):
    """An id (plan, exercise, protocol, feed token) that does not exist."""
