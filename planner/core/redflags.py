"""The stop signs: new or changing signs that mean stop, schedule nothing active, and refer. The
questions, their urgency, each one's source and the advice a person reads are in
planner.core.wording. Background risk factors (a history of cancer, age over 50 ...) are not stop
signs: they are screening questions asked when a plan is made (planner.core.screening).

Sources: AHCPR 1994 acute low back problems guideline (NCBI NBK52120); NHS cauda equina
pathways (GIRFT); the seed articles for the last group. The red-flag rule always wins.

Example:
    >>> stop_sign("one-leg-weak").id  # an id older versions stored
    'one-leg-tingling'
    >>> stored_signs(("cancer-history", "fever"))  # a screening id in stored data stops nothing
    ('fever',)
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.core import emergency
from planner.core.exceptions import InputError
from planner.core.model import Urgency
from planner.core.wording import (
    RED_FLAGS,
    RETIRED_RED_FLAGS,
    SCREENING_ITEMS,
    SCREENING_NOT_A_SIGN,
    UNKNOWN_SIGN,
    URGENCY_ADVICE,
    RedFlag,
)

SOURCE = "AHCPR 1994 acute low back problems guideline (NCBI NBK52120); NHS cauda equina pathway (GIRFT)"


BY_ID = {flag.id: flag for flag in RED_FLAGS}
SCREENING_IDS = frozenset(item.id for item in SCREENING_ITEMS)


def stop_sign(text: str) -> RedFlag:
    """A stop sign someone reports (a form, the command line, a roster): a retired id reads as the
    sign that now covers it; a screening id or an unknown one is refused."""
    flag_id = RETIRED_RED_FLAGS.get(text, text)
    if flag_id in BY_ID:
        return BY_ID[flag_id]
    if flag_id in SCREENING_IDS:
        raise InputError(SCREENING_NOT_A_SIGN.format(id=flag_id))
    raise InputError(f"unknown red flag {flag_id!r} (known: {', '.join(BY_ID)})")


def red_flag(flag_id: str) -> RedFlag:
    """The sign behind a stored id. An id this version does not know still reads as a sign (the
    least urgent), so a record from another version never crashes and never loses a warning."""
    flag_id = RETIRED_RED_FLAGS.get(flag_id, flag_id)
    return BY_ID.get(flag_id) or RedFlag(flag_id, UNKNOWN_SIGN.format(id=flag_id), Urgency.SOON, SOURCE)


def stored_signs(flag_ids: Iterable[str]) -> tuple[str, ...]:
    """The stop signs among stored ids: retired ids as their successor, screening ids (which older
    versions listed as red flags) left out, since a background risk factor stops nothing."""
    return tuple(dict.fromkeys(RETIRED_RED_FLAGS.get(f, f) for f in flag_ids if f not in SCREENING_IDS))


def sign_names(flag_ids: Iterable[str]) -> tuple[str, ...]:
    """Each sign's question as a statement, once, in the order reported."""
    return tuple(dict.fromkeys(red_flag(f).question.removesuffix("?") for f in flag_ids))


def signs(flag_ids: Iterable[str]) -> str:
    """The signs as one phrase for a sentence (an alert, a stop answer, a clearance)."""
    return "; ".join(sign_names(flag_ids))


def most_urgent(flag_ids: tuple[str, ...]) -> RedFlag:
    return max((red_flag(f) for f in flag_ids), key=lambda flag: flag.urgency)


def advice(urgency: Urgency, zone: str) -> str:
    """What to do, and how soon, with the emergency number where the person lives."""
    return URGENCY_ADVICE[urgency].format(call=emergency.call(zone))
