"""Plan -> the machine-readable form of `plan show --format json`: the prescription, the protocol,
and every session with its blocks, status and decisions (rule, verdict, text, source)."""

from __future__ import annotations

from typing import Any

from planner.core.model import Decision, Plan, Session
from planner.core.plain_data import prescription_to_dict


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
        "slot": str(session.slot),
        "blocks": [
            {
                "name": b.kind.value,
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
