"""Plain-data forms of prescriptions, check-ins and programmes: how the store keeps them and JSON
shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.core import redflags
from planner.core.model import Access, CheckIn, Dose, Effort, Prescription, Screening, Soreness
from planner.core.programme import Part, Prescribed, Programme


def prescription_to_dict(rx: Prescription) -> dict[str, Any]:
    data = {
        "name": rx.name,
        "start": rx.start.isoformat(),
        "timezone": rx.timezone,
        "run_days": list(rx.run_days),
        "strength_days": list(rx.strength_days),
        "session_time": rx.session_time.strftime("%H:%M"),
        "pain": rx.pain,
        "red_flags": list(rx.red_flags),
        "hold_running_until": rx.hold_running_until.isoformat() if rx.hold_running_until else None,
        "goal": rx.goal,
    }
    if rx.screening != Screening():  # older plans were never asked
        data["screening"] = {"items": list(rx.screening.items), "assessed_by": rx.screening.assessed_by}
    return data


def prescription_from_dict(data: dict[str, Any]) -> Prescription:
    """Older plans listed screening items among the red flags: they are read as screening answers
    nobody recorded as assessed, which stop nothing (planner.core.redflags.stored_signs)."""
    hold = data.get("hold_running_until")
    flags = data.get("red_flags", ())
    found = data.get("screening", {})
    items = [*found.get("items", ()), *(f for f in flags if f in redflags.SCREENING_IDS)]
    return Prescription(
        name=data["name"],
        start=dt.date.fromisoformat(data["start"]),
        timezone=data["timezone"],
        run_days=tuple(data["run_days"]),
        strength_days=tuple(data["strength_days"]),
        session_time=dt.time.fromisoformat(data["session_time"]),
        pain=data["pain"],
        red_flags=redflags.stored_signs(flags),
        hold_running_until=dt.date.fromisoformat(hold) if hold else None,
        goal=data.get("goal", ""),
        screening=Screening(tuple(dict.fromkeys(items)), found.get("assessed_by", "")),
    )


def checkin_to_dict(checkin: CheckIn) -> dict[str, Any]:
    data = {
        "date": checkin.date.isoformat(),
        "done": checkin.done,
        "pain_during": checkin.pain_during,
        "pain_next_morning": checkin.pain_next_morning,
        "soreness": checkin.soreness.value,
        "red_flags": list(checkin.red_flags),
        "flare_up": checkin.flare_up,
        "note": checkin.note,
        "stiff_or_swollen": checkin.stiff_or_swollen,
    }
    if checkin.strength_felt is not None:  # older reports never asked
        data["strength_felt"] = checkin.strength_felt.value
    return data


def checkin_from_dict(data: dict[str, Any]) -> CheckIn:
    return CheckIn(
        date=dt.date.fromisoformat(data["date"]),
        done=data["done"],
        pain_during=data.get("pain_during"),
        pain_next_morning=data.get("pain_next_morning"),
        soreness=Soreness(data.get("soreness", "none")),
        red_flags=redflags.stored_signs(data.get("red_flags", ())),
        flare_up=data.get("flare_up", False),
        note=data.get("note", ""),
        stiff_or_swollen=data.get("stiff_or_swollen", False),
        strength_felt=Effort(data["strength_felt"]) if data.get("strength_felt") else None,
    )


def dose_to_dict(dose: Dose) -> dict[str, Any]:
    return {
        "sets": dose.sets,
        "reps": dose.reps,
        "hold_seconds": dose.hold_seconds,
        "minutes": dose.minutes,
        "per_side": dose.per_side,
        "note": dose.note,
    }


def programme_to_dict(programme: Programme) -> dict[str, Any]:
    """Each part's exercises with dose, note and fixed flag, and what the patient has."""
    data: dict[str, Any] = {
        part.value: [
            {"exercise": p.exercise, **dose_to_dict(p.dose), "fixed": p.fixed} for p in programme.part(part)
        ]
        for part in Part
    }
    data["access"] = [a.value for a in programme.access]
    return data


def programme_from_dict(data: dict[str, Any]) -> Programme:
    def prescribed(item: dict[str, Any]) -> Prescribed:
        dose = Dose(
            sets=item.get("sets"),
            reps=item.get("reps"),
            hold_seconds=item.get("hold_seconds"),
            minutes=item.get("minutes"),
            per_side=item.get("per_side", False),
            note=item.get("note", ""),
        )
        return Prescribed(item["exercise"], dose, item.get("fixed", False))

    parts = {part.name.lower(): tuple(prescribed(i) for i in data[part.value]) for part in Part}
    return Programme(**parts, access=tuple(Access(a) for a in data["access"]))
