"""Plain-data forms of prescriptions, check-ins and plans: for storage and `plan show --format json`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.model import CheckIn, Decision, Plan, Prescription, Session, Soreness


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
    )


def decision_to_dict(decision: Decision) -> dict[str, str]:
    return {
        "rule": decision.rule,
        "verdict": decision.verdict.value,
        "text": decision.text,
        "source": decision.source,
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    return {
        "date": session.date.isoformat(),
        "start": session.start.strftime("%H:%M"),
        "minutes": session.minutes,
        "kind": session.kind.value,
        "title": session.title,
        "level": session.level,
        "running_minutes": round(session.running_seconds / 60, 2),
        "running_seconds": session.running_seconds,
        "status": session.status.value,
        "projected": session.projected,
        "slot": session.slot,
        "blocks": [
            {
                "name": b.name,
                "minutes": b.minutes,
                "items": [{"text": i.text, "exercise": i.exercise_id, "dose": i.dose} for i in b.items],
            }
            for b in session.blocks
        ],
        "decisions": [decision_to_dict(d) for d in session.decisions],
    }


def plan_to_dict(plan: Plan, plan_id: str = "") -> dict[str, Any]:
    return {
        "id": plan_id,
        "protocol": plan.protocol_id,
        "protocol_title": plan.protocol_title,
        "as_of": plan.as_of.isoformat(),
        "referred": plan.referred,
        "prescription": prescription_to_dict(plan.prescription),
        "notes": [decision_to_dict(d) for d in plan.notes],
        "sessions": [session_to_dict(s) for s in plan.sessions],
    }
