"""Keeping a clinic's view of a plan current: after every event (a report, a clinician's action,
the periodic sweep) the plan's summary is rewritten, new alerts are raised once each, and their
mail is queued in the same transaction; the outbox is then sent with retries, so an SMTP server
that is down loses nothing. Plans outside any clinic are left alone.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from planner.app.retention import erase_expired
from planner.core import follow_up
from planner.core.follow_up import PatientStatus, Summary

if TYPE_CHECKING:
    from planner.app.application import App
    from planner.app.mailer import SmtpSettings
    from planner.store.database import Records

SWEEP_SECONDS = 300
STALE_AFTER = dt.timedelta(hours=1)  # serve's sweep skips plans refreshed more recently
MAIL_SECONDS = 15
RETRY_MINUTES = (1, 5, 15, 60)  # then hourly, until the server takes it
SENDING_MINUTES = 10  # a claimed mail is retried after this if its sender died mid-send


def initials(name: str) -> str:
    """What a mail may say about a patient: "Zofia Wójcik" -> "Z.W."."""
    return "".join(f"{word[0].upper()}." for word in name.split()[:3] if word[0].isalnum()) or "?"


def attention(summary: Summary, open_alerts: int) -> int:
    """The patient list's order: status first (referred before escalated ... before discharged),
    then more open alerts first."""
    return summary.status.rank * 1000 - min(open_alerts, 999)


def summary_data(summary: Summary, open_alerts: int) -> dict[str, Any]:
    return {
        "status": summary.status.value,
        "week": summary.week,
        "level": summary.level,
        "done_recent": summary.done_recent,
        "planned_recent": summary.planned_recent,
        "done_all": summary.done_all,
        "planned_all": summary.planned_all,
        "last_report": summary.last_report.isoformat() if summary.last_report else None,
        "open_alerts": open_alerts,
    }


def refresh(app: App, plan_id: str) -> list[int]:
    """Rewrite the plan's summary and raise its new alerts (with their mail); the new alerts' ids."""
    with app.store.read() as records:
        clinic_id, clinician_id = records.clinic.owner(plan_id)
    if clinic_id is None:
        return []
    view = app.plan(plan_id)
    now = app.now()

    def work(records: Records) -> list[int]:
        clinic = records.clinic
        silence = clinic.silence_days(clinic_id)
        summary = follow_up.summarize(view.plan, view.checkins, view.actions, silence)
        raised = []
        for alert in follow_up.alerts(view.plan, view.checkins, summary, silence, view.actions):
            alert_id = clinic.raise_alert(plan_id, alert, now)
            if alert_id is None:
                continue
            raised.append(alert_id)
            people = [c for c in clinic.clinicians(clinic_id) if clinician_id in (None, c.id)]
            for person in people:
                subject, body = alert_mail(app, alert.kind.value, view.stored.prescription.name, plan_id)
                clinic.enqueue_mail(alert_id, person.email, subject, body, now)
        opened = clinic.open_alert_counts([plan_id]).get(plan_id, 0)
        clinic.put_summary(plan_id, summary_data(summary, opened), attention(summary, opened), now)
        return raised

    return app.store.write_retrying(work)


def alert_mail(app: App, kind: str, name: str, plan_id: str) -> tuple[str, str]:
    link = f"{app.settings.public_url}/portal/patients/{plan_id}"
    subject = f"Rehab Planner: a {kind} alert for patient {initials(name)}"
    body = (
        f"A {kind} alert was raised for patient {initials(name)}\n\n"
        f"Open the portal to see it and acknowledge it:\n{link}\n\n"
        "This message holds no clinical details; they are in the portal.\n"
    )
    return subject, body


def sweep(app: App, fresh_for: dt.timedelta | None = None) -> int:
    """Refresh every clinic plan that is not discharged (silence and low adherence depend on the
    date alone), skipping those refreshed within `fresh_for`; the number of new alerts. Events
    refresh their plan at once, so `serve` sweeps each plan at most hourly (STALE_AFTER) and a
    time-based alert comes within the hour of its day; `alerts sweep` refreshes all."""
    with app.store.read() as records:
        stale_before = None if fresh_for is None else app.now() - fresh_for
        plan_ids = records.clinic.followed_plan_ids(PatientStatus.DISCHARGED.value, stale_before)
    return sum(len(refresh(app, plan_id)) for plan_id in plan_ids)


def deliver_mail(app: App, smtp: SmtpSettings | None) -> int:
    """Send what the outbox holds and is due; a failure waits and is tried again. The number sent.
    (smtplib and email load here, not for every command that records a report.)"""
    import smtplib

    from planner.app.mailer import send

    if smtp is None:
        return 0
    now = app.now()
    with app.store.read() as records:
        due = records.clinic.due_mail(now)
    sent = 0
    for mail in due:
        with app.store.write() as records:
            if not records.clinic.claim_mail(mail.id, now + dt.timedelta(minutes=SENDING_MINUTES), now):
                continue  # another server took it
        try:
            send(smtp, mail.recipient, mail.subject, mail.body)
        except (OSError, smtplib.SMTPException) as error:
            wait = RETRY_MINUTES[min(mail.attempts, len(RETRY_MINUTES) - 1)]
            with app.store.write() as records:
                records.clinic.mail_failed(
                    mail.id, f"{type(error).__name__}: {error}", now + dt.timedelta(minutes=wait)
                )
            continue
        with app.store.write() as records:
            sent += records.clinic.mail_sent(mail.id, app.now())
    return sent


def keep_following(app: App, smtp: SmtpSettings | None, stop: threading.Event) -> None:
    """What `serve` runs beside the web server: the sweep every SWEEP_SECONDS, the outbox every
    MAIL_SECONDS. A failure is one line on stderr and the loop goes on: the next round retries."""
    last_sweep = -float(SWEEP_SECONDS)
    while not stop.is_set():
        try:
            if time.monotonic() - last_sweep >= SWEEP_SECONDS:
                sweep(app, STALE_AFTER)
                erase_expired(app, who="sweep")  # the clinics' retention periods
                last_sweep = time.monotonic()
            deliver_mail(app, smtp)
        except Exception as error:  # the server must outlive a database or mail hiccup
            print(f"rehab-planner: alerts: {type(error).__name__}: {error}", file=sys.stderr)
        stop.wait(MAIL_SECONDS)
