"""The red-flag screen: signs that mean stop, schedule nothing active, and refer.

Sources: AHCPR 1994 acute low back problems guideline (NCBI NBK52120); NHS cauda equina
pathways (GIRFT); the seed articles for the last group. The red-flag rule always wins.
"""

from __future__ import annotations

import enum

import attrs

from planner.core.exceptions import InputError

SOURCE = "AHCPR 1994 acute low back problems guideline (NCBI NBK52120); NHS cauda equina pathway (GIRFT)"


class Urgency(enum.IntEnum):
    SOON = 1
    URGENT = 2
    EMERGENCY = 3


ADVICE = {
    Urgency.EMERGENCY: (
        "Go to an emergency department now, or call the emergency number (999 in the UK, 112 in the EU, "
        "911 in North America). Do not wait to see if it settles."
    ),
    Urgency.URGENT: (
        "Contact your doctor or physiotherapist today, or an urgent care service if they are closed."
    ),
    Urgency.SOON: "Book an appointment with your doctor or physiotherapist within the next few days.",
}


@attrs.frozen
class RedFlag:
    id: str
    group: str
    question: str
    urgency: Urgency


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "saddle-numbness",
        "cauda equina",
        "Numbness around your bottom, genitals or inner thighs (the saddle area)?",
        Urgency.EMERGENCY,
    ),
    RedFlag(
        "bladder-change",
        "cauda equina",
        "New difficulty passing urine, or loss of bladder control?",
        Urgency.EMERGENCY,
    ),
    RedFlag("bowel-control", "cauda equina", "Loss of bowel control?", Urgency.EMERGENCY),
    RedFlag(
        "both-legs-weak",
        "cauda equina",
        "New or worsening weakness or numbness in both legs?",
        Urgency.EMERGENCY,
    ),
    RedFlag("sexual-dysfunction", "cauda equina", "New problems with sexual function?", Urgency.EMERGENCY),
    RedFlag("cancer-history", "cancer", "Have you ever had cancer?", Urgency.URGENT),
    RedFlag("weight-loss", "cancer", "Weight loss you cannot explain?", Urgency.URGENT),
    RedFlag(
        "night-pain",
        "cancer",
        "Constant pain at night that does not ease with rest or changing position?",
        Urgency.URGENT,
    ),
    RedFlag("over-50-new-pain", "cancer", "Are you over 50 and is this back pain new?", Urgency.SOON),
    RedFlag("fever", "infection", "Fever or chills with your back pain?", Urgency.URGENT),
    RedFlag(
        "weak-immunity",
        "infection",
        "A weakened immune system (for example from medicines or illness)?",
        Urgency.URGENT,
    ),
    RedFlag("recent-infection", "infection", "A recent bacterial infection?", Urgency.URGENT),
    RedFlag("iv-drug-use", "infection", "Injecting drugs?", Urgency.URGENT),
    RedFlag(
        "trauma",
        "fracture",
        "Pain after a fall or accident, or a minor knock with osteoporosis or long-term steroids?",
        Urgency.URGENT,
    ),
    RedFlag("leg-pain-spreading", "nerve", "Pain spreading down one or both legs?", Urgency.SOON),
    RedFlag("back-swelling", "skin", "Swelling or redness on your back?", Urgency.URGENT),
    RedFlag("new-lump", "skin", "A new lump on your back?", Urgency.SOON),
)
BY_ID = {flag.id: flag for flag in RED_FLAGS}


def red_flag(flag_id: str) -> RedFlag:
    try:
        return BY_ID[flag_id]
    except KeyError:
        raise InputError(f"unknown red flag {flag_id!r} (known: {', '.join(BY_ID)})") from None


def most_urgent(flag_ids: tuple[str, ...]) -> RedFlag:
    return max((red_flag(f) for f in flag_ids), key=lambda flag: flag.urgency)
