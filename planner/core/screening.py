"""Screening questions: background risk factors asked when a plan is made, never at a check-in.

A history of cancer, age over 50 with new back pain, a weakened immune system, injected drug use
and known referred leg pain are risk factors a clinician weighs at the first assessment (AHCPR 1994
lists them for the first visit); once assessed they are part of the history, not new warning signs
(clinical notes, second pass). So: a plan with any of them is made only when a clinician records
them as assessed (`plan create --screened-by`, the portal's new plan), and a self-service /start
ends with advice to see a clinician first. The questions are in planner.core.wording.

Example:
    >>> refusal(Screening(("cancer-history",)))
    'screening: history of cancer must be assessed by a clinician before a plan is made; record who assessed them (screened by)'
    >>> refusal(Screening(("cancer-history",), assessed_by="Dr Lee")) is None
    True
"""  # noqa: E501

from __future__ import annotations

from planner.core.exceptions import InputError
from planner.core.model import Screening
from planner.core.wording import SCREENING_ITEMS, SCREENING_UNASSESSED, ScreeningItem

SOURCE = "AHCPR 1994 acute low back problems guideline (NCBI NBK52120): risk factors for the first visit"
BY_ID = {item.id: item for item in SCREENING_ITEMS}


def screening_item(text: str) -> ScreeningItem:
    try:
        return BY_ID[text]
    except KeyError:
        raise InputError(f"unknown screening item {text!r} (known: {', '.join(BY_ID)})") from None


def parse_items(text: str, field: str = "screening") -> tuple[str, ...]:
    """ "cancer-history,iv-drug-use" (a form's ticked boxes, joined) as ids, each known, each once."""
    try:
        return tuple(dict.fromkeys(screening_item(t.strip()).id for t in text.split(",") if t.strip()))
    except InputError as error:
        raise InputError(f"{field}: {error}") from None


def findings(items: tuple[str, ...]) -> str:
    """How a record names them: "history of cancer; injected drug use"."""
    return "; ".join(BY_ID[i].finding if i in BY_ID else i for i in items)


def refusal(screening: Screening) -> str | None:
    """Why no plan may be made yet: risk factors that no clinician has recorded as assessed."""
    if screening.items and not screening.assessed_by.strip():
        return SCREENING_UNASSESSED.format(items=findings(screening.items))
    return None
