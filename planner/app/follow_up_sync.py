"""Keeping a clinic's view of a plan current: after every event (a report, a clinician's action,
the periodic sweep) the plan's summary is rewritten, new alerts are raised once each, alerts the
patient's own return has ended (silence) are closed as resolved, and one
message per alert and recipient is queued in the same transaction; the outbox is then sent with
retries, so an SMTP server that is down loses nothing. Plans outside any clinic are left alone.

This module never calls back into the application object: `App.follow_up` hands it the store, a
plan loader and the clock. A refresh that fails is that plan's problem alone: it is logged once,
recorded for the clinic's admins, and tried again by the next event or sweep; the report or action
that triggered it is already stored.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from planner.core import follow_up
from planner.core.follow_up import PatientStatus, Summary
from planner.core.model import CheckIn, ClinicianAction, Plan

if TYPE_CHECKING:
    from planner.app.mailer import SmtpSettings
    from planner.store.database import Records, Store
    from planner.store.portal_records import Clinician, StoredAlert

SWEEP_SECONDS = 300
STALE_AFTER = dt.timedelta(hours=1)  # serve's sweep skips plans refreshed more recently
MAIL_SECONDS = 15
RETRY_MINUTES = (1, 5, 15, 60)  # then hourly, until the server takes it
SENDING_MINUTES = 10  # a claimed mail is retried after this if its sender died mid-send


class FollowedPlan(Protocol):
    """What a refresh needs of a plan as of today (the application's PlanView has it)."""

    @property
    def plan(self) -> Plan: ...
    @property
    def checkins(self) -> tuple[CheckIn, ...]: ...
    @property
    def actions(self) -> tuple[ClinicianAction, ...]: ...
    @property
    def issued(self) -> dt.date: ...


def initials(name: str) -> str:
    """What a mail may say about a patient: "Zofia Wójcik" -> "Z.W."."""
    return "".join(f"{word[0].upper()}." for word in name.split()[:3] if word[0].isalnum()) or "?"


def attention(summary: Summary, open_alerts: int) -> int:
    """The patient list's order: status first (referred before escalated ... before discharged),
    then more open alerts first."""
    return summary.status.rank * 1000 - min(open_alerts, 999)


def summary_data(summary: Summary, open_kinds: list[str]) -> dict[str, Any]:
    """What the patient list shows of a plan, kept with it so a page of the list reads nothing else
    (its open alert kinds, most urgent first, included)."""
    return {
        "status": summary.status.value,
        "week": summary.week,
        "level": summary.level,
        "done_recent": summary.done_recent,
        "planned_recent": summary.planned_recent,
        "done_all": summary.done_all,
        "planned_all": summary.planned_all,
        "last_report": summary.last_report.isoformat() if summary.last_report else None,
        "open_alerts": len(open_kinds),
        "alert_kinds": open_kinds,
    }


def recipients(people: list[Clinician], assigned: int | None) -> list[Clinician]:
    """Who hears of a plan's alerts: its assigned clinician, or, when none is assigned (a roster
    patient) or the assigned one's account is closed, every clinician and admin of the clinic whose
    account is open."""
    active = [person for person in people if person.disabled_at is None]
    chosen = [person for person in active if assigned in (None, person.id)]
    return chosen or active


def alert_mail(portal_url: str, kind: str, name: str, plan_id: str) -> tuple[str, str]:
    link = f"{portal_url}/portal/patients/{plan_id}"
    subject = f"Rehab Planner: a {kind} alert for patient {initials(name)}"
    body = (
        f"A {kind} alert was raised for patient {initials(name)}\n\n"
        f"Open the portal to see it and acknowledge it:\n{link}\n\n"
        "This message holds no clinical details; they are in the portal.\n"
    )
    return subject, body


def unsent_because(alert: StoredAlert) -> str | None:
    """Why a queued mail about `alert` is no longer sent, or None while the alert is open: its
    message asks the clinician to open the portal and act on an alert that no longer needs it."""
    if alert.resolved_at is not None:
        return f"not sent: the alert closed before the mail went out ({alert.resolution})"
    if alert.acknowledged_at is not None:
        return f"not sent: {alert.acknowledged_by} acknowledged the alert before the mail went out"
    return None


def failure_kind(error: Exception) -> str:
    """What may be said of a failure outside the server log: its kind, never the database's text
    (which can quote parameters: e-mail addresses, mail bodies)."""
    return type(error).__name__[:200]


@attrs.frozen
class FollowUp:
    """The clinic-side follow-up of plans, given what it needs by the application."""

    store: Store
    load: Callable[[str], FollowedPlan]
    clock: Callable[[], dt.datetime]
    portal_url: str
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr)
    housekeeping: Callable[[], object] = lambda: None  # after each of serve's sweeps (retention)
    jobs: Callable[[], object] = lambda: None  # every round: clinic lists waiting for a process

    def refresh(self, plan_id: str) -> list[int]:
        """Rewrite the plan's summary and raise its new alerts (with their mail); the new alerts'
        ids. Raises when that cannot be done: see `refresh_or_record`."""
        with self.store.read() as records:
            clinic_id, clinician_id = records.portal.owner(plan_id)
        if clinic_id is None:
            return []
        view = self.load(plan_id)
        now = self.clock()
        name = view.plan.prescription.name

        def work(records: Records) -> list[int]:
            clinic = records.portal
            silence = clinic.silence_days(clinic_id)
            summary = follow_up.summarize(view.plan, view.checkins, view.actions, silence, view.issued)
            raised = []
            people = recipients(clinic.clinicians(clinic_id), clinician_id)
            # signs found at screening are the plan maker's record: their alert names them
            maker = records.branding.creator_of(plan_id) if view.plan.prescription.red_flags else ""
            for alert in follow_up.alerts(view.plan, view.checkins, summary, silence, view.actions, maker):
                alert_id = clinic.raise_alert(plan_id, alert, now)
                if alert_id is None:
                    continue
                raised.append(alert_id)
                subject, body = alert_mail(self.portal_url, alert.kind.value, name, plan_id)
                for person in people:
                    clinic.enqueue_mail(alert_id, person.email, subject, body, now)
            for stored in clinic.alerts(plan_id):  # what the patient did since may have closed one
                reason = follow_up.resolution(stored.kind, stored.key, summary) if stored.is_open else None
                if reason:
                    clinic.resolve(stored.id, reason, now)
            opened = clinic.open_alert_counts([plan_id]).get(plan_id, 0)
            kinds = clinic.open_alert_kinds([plan_id]).get(plan_id, [])
            clinic.put_summary(plan_id, summary_data(summary, kinds), attention(summary, opened), now)
            clinic.clear_refresh_failure(plan_id)
            return raised

        return self.store.write_retrying(work)

    def refresh_or_record(self, plan_id: str) -> list[int]:
        """`refresh`, and when it fails: one line in the server's log the first time, the failure
        kept for the clinic's admins, and nothing raised, so the report, action or sweep that asked
        for it goes on. The next event or sweep tries again."""
        try:
            return self.refresh(plan_id)
        except Exception as error:  # one plan's follow-up must never fail another's, or a report
            kind = failure_kind(error)
            try:
                with self.store.write() as records:
                    attempts = records.portal.record_refresh_failure(plan_id, kind, self.clock())
            except Exception:  # the database itself is down: the log is all there is
                attempts = 1
            if attempts == 1:
                self.log(
                    f"rehab-planner: the clinic follow-up of plan {plan_id} failed ({kind}); "
                    "it is tried again at the next report or sweep"
                )
            return []

    def sweep(self, fresh_for: dt.timedelta | None = None) -> int:
        """Refresh every clinic plan that is not discharged (silence and low adherence depend on
        the date alone), skipping those refreshed within `fresh_for`; the number of new alerts.
        A plan that cannot be refreshed is recorded and the sweep goes on to the next. Events
        refresh their plan at once, so `serve` sweeps each plan at most hourly (STALE_AFTER) and a
        time-based alert comes within the hour of its day; `alerts sweep` refreshes all."""
        with self.store.read() as records:
            stale_before = None if fresh_for is None else self.clock() - fresh_for
            plan_ids = records.portal.followed_plan_ids(PatientStatus.DISCHARGED.value, stale_before)
        return sum(len(self.refresh_or_record(plan_id)) for plan_id in plan_ids)

    def deliver_mail(self, smtp: SmtpSettings | None) -> int:
        """Send what the outbox holds and is due; a failure waits and is tried again. A mail whose
        alert closed before it went out (resolved, or acknowledged) is dropped with the reason
        kept (`unsent_because`). The number sent. (smtplib and email load here, not for every
        command that records a report.)"""
        import smtplib

        from planner.app.mailer import send

        if smtp is None:
            return 0
        now = self.clock()
        with self.store.read() as records:
            due = records.portal.due_mail(now)
        sent = 0
        for mail in due:
            with self.store.write() as records:
                if not records.portal.claim_mail(mail.id, now + dt.timedelta(minutes=SENDING_MINUTES), now):
                    continue  # another server took it
                alert = records.portal.alert(mail.alert_id)
                reason = None if alert is None else unsent_because(alert)
                if reason:  # closed before the mail went out: nothing left to tell
                    records.portal.skip_mail(mail.id, reason, now)
                    continue
            try:
                send(smtp, mail.recipient, mail.subject, mail.body)
            except (OSError, smtplib.SMTPException) as error:
                wait = RETRY_MINUTES[min(mail.attempts, len(RETRY_MINUTES) - 1)]
                with self.store.write() as records:
                    records.portal.mail_failed(
                        mail.id, f"{type(error).__name__}: {error}", now + dt.timedelta(minutes=wait)
                    )
                continue
            with self.store.write() as records:
                sent += records.portal.mail_sent(mail.id, self.clock())
        return sent

    def waiting_mail(self) -> int:
        """How many messages the outbox holds unsent."""
        with self.store.read() as records:
            return records.portal.unsent_mail_count()

    def keep_following(self, smtp: SmtpSettings | None, stop: threading.Event) -> None:
        """What `serve` runs beside the web server: the sweep every SWEEP_SECONDS, the outbox and the
        clinic lists waiting for a process every MAIL_SECONDS. A failure is one line on stderr and
        the loop goes on: the next round retries."""
        last_sweep = -float(SWEEP_SECONDS)
        while not stop.is_set():
            try:
                if time.monotonic() - last_sweep >= SWEEP_SECONDS:
                    self.sweep(STALE_AFTER)
                    self.housekeeping()
                    last_sweep = time.monotonic()
                self.deliver_mail(smtp)
                self.jobs()
            except Exception as error:  # the server must outlive a database or mail hiccup
                self.log(f"rehab-planner: alerts: {type(error).__name__}: {error}")
            stop.wait(MAIL_SECONDS)
