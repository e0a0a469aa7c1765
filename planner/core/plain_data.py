"""Plain-data forms of prescriptions and check-ins: how the store keeps them and JSON shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.core.model import CheckIn, Prescription, Soreness


def prescription_to_dict(rx: Prescription) -> dict[str, Any]:
    return {
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


def prescription_from_dict(data: dict[str, Any]) -> Prescription:
    hold = data.get("hold_running_until")
    return Prescription(
        name=data["name"],
        start=dt.date.fromisoformat(data["start"]),
        timezone=data["timezone"],
        run_days=tuple(data["run_days"]),
        strength_days=tuple(data["strength_days"]),
        session_time=dt.time.fromisoformat(data["session_time"]),
        pain=data["pain"],
        red_flags=tuple(data.get("red_flags", ())),
        hold_running_until=dt.date.fromisoformat(hold) if hold else None,
        goal=data.get("goal", ""),
    )


def checkin_to_dict(checkin: CheckIn) -> dict[str, Any]:
    return {
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


def checkin_from_dict(data: dict[str, Any]) -> CheckIn:
    return CheckIn(
        date=dt.date.fromisoformat(data["date"]),
        done=data["done"],
        pain_during=data.get("pain_during"),
        pain_next_morning=data.get("pain_next_morning"),
        soreness=Soreness(data.get("soreness", "none")),
        red_flags=tuple(data.get("red_flags", ())),
        flare_up=data.get("flare_up", False),
        note=data.get("note", ""),
        stiff_or_swollen=data.get("stiff_or_swollen", False),
    )
