"""`rehab-planner demo --serve`: a demo clinic whose twenty patients show every status a portal
user meets (on track, paused, held, escalated, silent, referred, discharged, low adherence), built
from report histories through the same use cases as real reports and actions."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import zoneinfo
from collections.abc import Callable

import attrs

from planner.app import outcomes
from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Prescription, Session, Status

CLINIC = "Demo Physio Clinic"
LOGIN = "demo@clinic.example"
ZONE = "Europe/London"  # the clinic's and its patients'
Report = Callable[[int, Session], CheckIn | None]  # (sessions still to come, the session)


def good(_: int, session: Session) -> CheckIn:
    return CheckIn(session.date, pain_during=1, pain_next_morning=0)


def flare_at_end(left: int, session: Session) -> CheckIn:
    return CheckIn(session.date, pain_during=6, flare_up=True) if left == 0 else good(left, session)


def sore(_: int, session: Session) -> CheckIn:
    return CheckIn(session.date, pain_during=5, pain_next_morning=5)


def red_flag_at_end(left: int, session: Session) -> CheckIn:
    return CheckIn(session.date, red_flags=("one-leg-tingling",)) if left == 0 else good(left, session)


def skips(left: int, session: Session) -> CheckIn:
    return CheckIn(session.date, done=False) if left % 3 else good(left, session)


@attrs.frozen
class Patient:
    name: str
    protocol: str
    weeks_ago: int
    report: Report | None  # None: never reports (silent)
    quiet_days: int = 0  # the last days without reports
    action: ActionKind | None = None


def patients() -> list[Patient]:
    names = iter(
        [
            "Amara Okafor", "Ben Carter", "Chloé Martin", "Dmitri Volkov", "Elif Yılmaz", "Finn O'Neill",
            "Grace Liu", "Hugo Silva", "Ines Costa", "Jonas Berg", "Kavya Rao", "Leo Schmidt",
            "Maya Cohen", "Nils Larsen", "Olivia Brown", "Pedro Alves", "Quinn Murphy", "Rosa Díaz",
            "Sofia Rossi", "Tomás Ruiz",
        ]
    )  # fmt: skip
    return [
        *(Patient(next(names), "lbp-return-to-run", weeks, good) for weeks in (1, 2, 3, 4, 5, 6)),
        *(Patient(next(names), "beginner-walk-run", weeks, good) for weeks in (2, 4)),
        Patient(next(names), "lbp-return-to-run", 3, flare_at_end),
        Patient(next(names), "flare-up-restart", 2, flare_at_end),
        Patient(next(names), "lbp-return-to-run", 4, sore),
        Patient(next(names), "flare-up-restart", 5, sore),
        Patient(next(names), "lbp-return-to-run", 3, good, quiet_days=10),
        Patient(next(names), "beginner-walk-run", 2, None),
        Patient(next(names), "lbp-return-to-run", 2, red_flag_at_end),
        Patient(next(names), "lbp-return-to-run", 3, skips),
        Patient(next(names), "flare-up-restart", 4, skips, quiet_days=4),
        Patient(next(names), "lbp-return-to-run", 2, good, action=ActionKind.HOLD_RUNNING),
        Patient(next(names), "lbp-return-to-run", 6, good, action=ActionKind.DISCHARGE),
        Patient(next(names), "barefoot-transition", 1, good),
    ]


def seed(app: App) -> str:
    """The demo clinic, its admin and its patients; the admin's one-time password."""
    password = secrets.token_urlsafe(12)
    Accounts(app).add_clinician(CLINIC, LOGIN, "Demo Clinician", password, admin=True)
    with app.store.write() as records:
        records.portal.set_clinic_zone(records.portal.clinic_id(CLINIC, app.now()), ZONE)
    caseload = Caseload(app)
    today = app.now().date()
    for patient in patients():
        start = today - dt.timedelta(days=7 * patient.weeks_ago + today.weekday())
        pain = 0 if patient.protocol == "barefoot-transition" else 1  # it starts only without pain
        rx = Prescription(patient.name, start, ZONE, (1, 3, 6), (2, 4), dt.time(7, 30), pain)
        # each patient was given their plan on its start day: the clinic's follow-up counts from it
        handed = dt.datetime.combine(start, dt.time(9), zoneinfo.ZoneInfo(ZONE)).astimezone(dt.UTC)
        plan_id = attrs.evolve(app, clock=functools.partial(_instant, handed)).create_plan(
            patient.protocol, rx
        )
        report_history(app, plan_id, patient, today)
        caseload.adopt(plan_id, CLINIC)  # the clinic sees the history as it stands today
        if patient.action is ActionKind.DISCHARGE:
            record_outcomes(app, plan_id, start, today)
        if patient.action is not None:
            until = today + dt.timedelta(days=10) if patient.action is ActionKind.HOLD_RUNNING else None
            note = "Awaiting scan results" if until else "Goal reached; discharged"
            app.record_action(plan_id, ClinicianAction(patient.action, today, "Demo Clinician", note, until))
    return password


# The discharged patient's outcome measures: at the start, half-way and at discharge, better each
# time (GROC rates the change since the start, so it has no start score).
OUTCOMES = (
    ("nprs", ("6", "4", "2"), "patient"),
    ("psfs", (("Running=2", "Carrying shopping=4", "Sitting at work=5"),
              ("Running=5", "Carrying shopping=6", "Sitting at work=6"),
              ("Running=8", "Carrying shopping=8", "Sitting at work=9")), "Demo Clinician"),
    ("groc", (None, "3", "6"), "patient"),
)  # fmt: skip


def record_outcomes(app: App, plan_id: str, start: dt.date, today: dt.date) -> None:
    days = (start, start + (today - start) // 2, today)
    for measure, scores, source in OUTCOMES:
        for day, score in zip(days, scores, strict=True):
            if isinstance(score, tuple):
                outcomes.record_outcome(app, plan_id, measure, day, None, score, source)
            elif score is not None:
                outcomes.record_outcome(app, plan_id, measure, day, score, (), source)


def _instant(moment: dt.datetime) -> dt.datetime:
    return moment


def report_history(app: App, plan_id: str, patient: Patient, today: dt.date) -> None:
    """Reports for the past sessions, as the patient would have made them, written at once, each
    kept as recorded that evening: the clinic's silence counts from when reports arrived."""
    if patient.report is None:
        return
    view = app.plan(plan_id)
    last = today - dt.timedelta(days=patient.quiet_days or 1)
    past = [
        s for s in view.plan.sessions if s.date < last and s.kind.is_active and s.status is Status.UNREPORTED
    ]
    reports = [patient.report(len(past) - 1 - n, s) for n, s in enumerate(past)]
    zone = zoneinfo.ZoneInfo(view.plan.prescription.timezone)
    with app.store.write() as records:
        for report in reports:
            if report is not None:
                evening = dt.datetime.combine(report.date, dt.time(20), zone)
                records.add_checkin(plan_id, report, min(app.now(), evening.astimezone(dt.UTC)))
