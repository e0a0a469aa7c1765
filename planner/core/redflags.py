"""The red-flag screen: signs that mean stop, schedule nothing active, and refer. The questions,
their urgency and the advice a person reads are in planner.core.wording.

Sources: AHCPR 1994 acute low back problems guideline (NCBI NBK52120); NHS cauda equina
pathways (GIRFT); the seed articles for the last group. The red-flag rule always wins.
"""

from __future__ import annotations

from planner.core import emergency
from planner.core.exceptions import InputError
from planner.core.model import Urgency
from planner.core.wording import RED_FLAGS, URGENCY_ADVICE, RedFlag

SOURCE = "AHCPR 1994 acute low back problems guideline (NCBI NBK52120); NHS cauda equina pathway (GIRFT)"


BY_ID = {flag.id: flag for flag in RED_FLAGS}


def red_flag(flag_id: str) -> RedFlag:
    try:
        return BY_ID[flag_id]
    except KeyError:
        raise InputError(f"unknown red flag {flag_id!r} (known: {', '.join(BY_ID)})") from None


def most_urgent(flag_ids: tuple[str, ...]) -> RedFlag:
    return max((red_flag(f) for f in flag_ids), key=lambda flag: flag.urgency)


def advice(urgency: Urgency, zone: str) -> str:
    """What to do, and how soon, with the emergency number where the person lives."""
    return URGENCY_ADVICE[urgency].format(call=emergency.call(zone))
