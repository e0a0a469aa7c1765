"""Forms parsed field by field with the parsers the command line uses, so a person sees every
wrong answer at once, each beside its field, in the command line's own words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from planner.core import parsing
from planner.core.exceptions import PlannerError
from planner.core.prescription_checks import day_names, run_day_patterns

Parser = Callable[[str, str], Any]
PATTERNS = {day_names(days): days for days in run_day_patterns()}


class FieldErrors(Exception):
    """Messages to show beside the fields that hold them ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def run_days(text: str, field: str) -> tuple[int, ...]:
    """One of the weeks the planner accepts, as the forms offer them."""
    days = parsing.parse_days(text, field)
    if days not in PATTERNS.values():
        raise PlannerError(f"{field}: choose one of the weeks offered")
    return days


def parse_fields(
    form: Mapping[str, str],
    parsers: Mapping[str, tuple[str, Parser]],
    optional: set[str],
    unanswered: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Every field parsed (an empty optional one is None), or FieldErrors naming each field that is
    missing or wrong; `unanswered`, a field's own message when left empty (a question's words)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, (label, parse) in parsers.items():
        text = form.get(field, "")
        if not text.strip():
            if field in optional:
                values[field] = None
            else:
                errors[field] = (unanswered or {}).get(field, f"{label}: please answer this")
            continue
        try:
            values[field] = parse(text, label)
        except PlannerError as error:
            errors[field] = str(error)
    if errors:
        raise FieldErrors(errors)
    return values


def refused_at(error: PlannerError, fields: Mapping[str, str]) -> FieldErrors:
    """An error from the app's own checks, put beside the field its message names (else the form)."""
    label = str(error).split(":", 1)[0]
    return FieldErrors({fields.get(label, ""): str(error)})
