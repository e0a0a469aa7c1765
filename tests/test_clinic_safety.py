"""The safety floor in the configurations clinics run: every warning sign reaches every clinician it
should, once; one plan's failure stays that plan's; and a patient belongs to one clinic. The fixture
(tests/clinics.py) has two clinics, an admin and two clinicians each, assigned and roster patients
and one patient already silent when issued; SQLite and PostgreSQL."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import subprocess
import sys
import zipfile

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.app.roster_issue import RowStatus, why
from planner.app.settings import Settings
from planner.cli.root import database_failure
from planner.core.model import CheckIn
from planner.store.portal_records import StoredAlert
from planner.store.schema import alerts, outbox, plans
from tests.clinics import NOW, PASSWORD, ROSTER_HEAD, Clinic, Smtp
from tests.servers import CLI_NOW, cli_env, free_port, serving


def open_alerts(clinic: Clinic, plan_id: str) -> list[StoredAlert]:
    with clinic.app.store.read() as records:
        return records.portal.alerts(plan_id)


def delivered(clinic: Clinic) -> dict[int, list[str]]:
    """Send the outbox through a real SMTP server on loopback, twice over (and a sweep between) to
    prove nothing goes twice: each alert's recipients, one entry per message received."""
    with Smtp(free_port()) as smtp:
        clinic.app.follow_up.deliver_mail(smtp.settings)
        clinic.app.follow_up.sweep()
        clinic.app.follow_up.deliver_mail(smtp.settings)
    received = collections.Counter(
        (envelope.rcpt_tos[0], envelope.content.split(b"Subject: ", 1)[1].split(b"\n", 1)[0].strip())
        for envelope in smtp.messages
    )
    with clinic.app.store.read() as records:
        rows = records.connection.execute(sa.select(outbox).order_by(outbox.c.id)).all()
    assert all(bool(row.sent_at) != bool(row.skipped_at) for row in rows)  # each sent, or dropped
    with clinic.app.store.read() as records:
        dropped = [records.portal.alert(row.alert_id) for row in rows if row.skipped_at]
    assert all(alert is not None and not alert.is_open for alert in dropped)
    rows = [row for row in rows if row.sent_at]  # dropped: their alert closed before they went out
    assert len(smtp.messages) == len(rows) and sum(received.values()) == len(rows)
    by_alert: dict[int, list[str]] = collections.defaultdict(list)
    for row in rows:
        by_alert[row.alert_id].append(row.recipient)
    return by_alert


def recipients_of(clinic: Clinic, plan_id: str, kind: str) -> list[list[str]]:
    mail = delivered(clinic)
    return [sorted(mail[a.id]) for a in open_alerts(clinic, plan_id) if a.kind == kind]


def test_every_alert_kind_reaches_each_recipient_exactly_once(clinic: Clinic) -> None:
    """Zofia (no assigned clinician) and the silent roster patient: all three of North's clinicians;
    Rhea (assigned to Bea): Bea alone; South's people hear nothing of North's patients. Days pass
    on the injected clock, reports come on their day."""
    zofia, rhea = clinic.plan_id, clinic.assigned_id
    clinic.app.record_checkin(zofia, CheckIn(dt.date(2026, 11, 21), red_flags=("saddle-numbness",)))
    clinic.app.record_checkin(rhea, CheckIn(dt.date(2026, 11, 21), flare_up=True, pain_during=6))
    for _ in range(15):  # Ola skips every session for two weeks: low adherence
        clinic.clock[0] += dt.timedelta(days=1)
        clinic.app.record_checkin(clinic.roster_id, CheckIn(clinic.clock[0].date(), done=False))
    north = sorted(clinic.north)
    mail = delivered(clinic)
    assert all(len(people) == len(set(people)) for people in mail.values())  # never twice
    expected = (
        (zofia, "red flag", north),
        (clinic.silent_id, "silence", north),
        (rhea, "flare-up", ["bea@north.example"]),  # its pause is part of the same alert
        (clinic.roster_id, "low adherence", north),
    )
    for plan_id, kind, people in expected:
        raised = [a for a in open_alerts(clinic, plan_id) if a.kind == kind]
        assert raised and all(sorted(mail[a.id]) == people for a in raised), (plan_id, kind)
        assert len(raised) == 1 or kind == "low adherence"  # that one is weekly, while it lasts
    with clinic.app.store.read() as records:
        south = {
            row.id
            for row in records.connection.execute(
                sa.select(alerts.c.id).where(alerts.c.plan_id == clinic.south_id)
            )
        }
    for alert_id, people in mail.items():
        assert all(who.endswith("@south.example") for who in people) == (alert_id in south)


def test_catching_up_on_weeks_of_reports_at_once_is_one_return_not_many_silences(clinic: Clinic) -> None:
    """Piotr (start 5 October), silent since his plan was issued on 2 November, sends a report for
    every day since his start in one sitting: silence is measured from when he was last in touch,
    so no new silence alert is raised per report."""
    before = [a.key for a in open_alerts(clinic, clinic.silent_id) if a.kind == "silence"]
    day = dt.date(2026, 10, 5)
    while day < NOW.date():
        clinic.app.record_checkin(clinic.silent_id, CheckIn(day, pain_during=1, pain_next_morning=1))
        day += dt.timedelta(days=1)
    after = [a.key for a in open_alerts(clinic, clinic.silent_id) if a.kind == "silence"]
    assert after == before == ["silence:2026-11-02"]
    assert (
        clinic.caseload.patients(clinic.clinician("bea@north.example"), "Piotr").rows[0].summary["status"]
        != "silent"
    )


def test_escalation_reaches_the_assigned_clinician_once(clinic: Clinic) -> None:
    """Two weeks of pain above the safe range: the plan asks Rhea to contact her clinician, and Bea
    hears of it once, however often the plan is refreshed."""
    for day in (2, 4, 7, 9, 11, 14, 16):
        clinic.app.record_checkin(
            clinic.assigned_id, CheckIn(dt.date(2026, 11, day), pain_during=6, pain_next_morning=6)
        )
    escalations = recipients_of(clinic, clinic.assigned_id, "escalation")
    assert escalations and all(people == ["bea@north.example"] for people in escalations)


def test_a_report_is_stored_and_answered_when_its_follow_up_fails(clinic: Clinic, capsys) -> None:
    """A refresh that fails (here: the alerts table is gone) never fails the report: it is stored,
    the failure is logged once, kept for the clinic's admins, and the next event tries again."""
    with clinic.app.store.write() as records:
        records.connection.execute(sa.text("ALTER TABLE alerts RENAME TO alerts_away"))
    try:
        for _ in range(2):
            assert clinic.app.record_checkin(
                clinic.plan_id, CheckIn(dt.date(2026, 11, 21), red_flags=("saddle-numbness",))
            )
    finally:
        with clinic.app.store.write() as records:
            records.connection.execute(sa.text("ALTER TABLE alerts_away RENAME TO alerts"))
    err = capsys.readouterr().err
    assert err.count(f"follow-up of plan {clinic.plan_id} failed") == 1 and "SELECT" not in err
    assert clinic.app.plan(clinic.plan_id).plan.referred
    admin = clinic.clinician("alex@north.example")
    assert [row[0] for row in clinic.caseload.patients(admin).failing] == [clinic.plan_id]
    assert clinic.caseload.patients(clinic.clinician("bea@north.example")).failing == ()
    clinic.app.follow_up.sweep()  # the table is back: the sweep raises what was missed
    assert "red flag" in {a.kind for a in open_alerts(clinic, clinic.plan_id)}
    assert clinic.caseload.patients(admin).failing == ()


def test_the_sweep_goes_past_a_plan_it_cannot_refresh(clinic: Clinic, capsys) -> None:
    """A damaged plan is recorded and skipped; every plan after it still gets its silence alert."""
    with clinic.app.store.write() as records:
        records.connection.execute(
            plans.update().where(plans.c.id == clinic.plan_id).values(prescription="{damaged")
        )
    clinic.clock[0] += dt.timedelta(days=9)  # everyone silent now
    clinic.app.follow_up.sweep()
    clinic.app.follow_up.sweep()
    for plan_id in (clinic.assigned_id, clinic.roster_id, clinic.south_id):
        assert "silence" in {a.kind for a in open_alerts(clinic, plan_id)}, plan_id
    assert capsys.readouterr().err.count(clinic.plan_id) == 1  # logged once, not every sweep
    failing = clinic.caseload.patients(clinic.clinician("alex@north.example")).failing
    assert [(row[0], row[3]) for row in failing] == [(clinic.plan_id, 2)]
    listing = clinic.client()
    listing.login("alex@north.example")
    _, _, page = listing.request("GET", "/portal/")
    assert "could not be brought up to date" in page and "Zofia" in page
    colleague = clinic.client()
    colleague.login("bea@north.example")
    assert "could not be brought up to date" not in colleague.request("GET", "/portal/")[2]


def test_no_database_text_reaches_a_user() -> None:
    error = sa.exc.IntegrityError(
        "INSERT INTO outbox (recipient, body) VALUES (?, ?)",
        ("bea@north.example", "A red flag alert"),
        Exception("UNIQUE constraint failed: outbox.alert_id"),
    )
    for line in (why(error), database_failure(error)):
        assert "INSERT" not in line and "bea@" not in line and "outbox" not in line
        assert "\n" not in line and "IntegrityError" in line
    locked = sa.exc.OperationalError("BEGIN", (), Exception("database is locked"))
    assert database_failure(locked) == "database error: database is locked; nothing was changed"


# -- a patient belongs to one clinic ----------------------------------------------------------------
def clinic_of(app: App, plan_id: str) -> str:
    with app.store.read() as records:
        clinic_id, _ = records.portal.owner(plan_id)
        row = records.connection.execute(sa.text("SELECT name FROM clinics WHERE id = :i"), {"i": clinic_id})
        return str(row.scalar_one())


def test_a_roster_never_takes_another_clinics_patient(clinic: Clinic) -> None:
    """South uploads North's patient number and North's patient's name and start date: South gets
    its own plans; North's patient keeps clinic, name and links."""
    before = clinic.app.plan(clinic.roster_id).stored
    feed_before = clinic.app.current_token(clinic.roster_id)
    sam = clinic.clinician("sam@south.example")
    roster = ROSTER_HEAD + (
        "1,Someone Else,2026-11-09,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
        ",Ola Berg,2026-11-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    )
    outcomes, token = clinic.caseload.issue_roster(sam, roster, "take.csv", "127.0.0.1")
    assert [o.status for o in outcomes] == [RowStatus.UPDATED, RowStatus.CREATED]
    assert outcomes[0].plan_id == clinic.south_id  # South's own patient 1
    assert clinic_of(clinic.app, outcomes[1].plan_id) == "South"
    after = clinic.app.plan(clinic.roster_id).stored
    assert clinic_of(clinic.app, clinic.roster_id) == "North" and after == before
    assert clinic.app.current_token(clinic.roster_id) == feed_before
    with zipfile.ZipFile(io.BytesIO(clinic.caseload.roster_zip(sam, token))) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert feed_before is not None and feed_before.encode() not in everything


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["", "1", "2", "3"]),  # patient_id, or none: matched by name and start
        st.sampled_from(["Ana Lee", "Ben Ode"]),
        st.sampled_from(["2026-11-02", "2026-11-09"]),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uploads=st.lists(st.tuples(st.sampled_from(["North", "South"]), ROWS), min_size=1, max_size=3))
def test_property_rosters_from_two_clinics_never_cross(uploads: list) -> None:
    """Any rosters from two clinics that number their patients alike, in any order: no plan ever
    changes clinic, no outcome names another clinic's plan, and no clinic's zip holds another
    clinic's links."""
    app = App.open(Settings(db="sqlite://", base_url="https://plans.example"), clock=lambda: NOW)
    accounts = Accounts(app)
    caseload = Caseload(app)
    people = {
        "North": accounts.add_clinician("North", "n@north.example", "N", PASSWORD, admin=True)[0],
        "South": accounts.add_clinician("South", "s@south.example", "S", PASSWORD, admin=True)[0],
    }
    owner: dict[str, str] = {}
    for clinic_name, rows in uploads:
        with app.store.read() as records:
            person = records.portal.clinician(people[clinic_name])
        assert person is not None
        text = ROSTER_HEAD + "".join(
            f"{pid},{name},{start},lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
            for pid, name, start in rows
        )
        outcomes, token = caseload.issue_roster(person, text, "r.csv", "")
        for outcome in outcomes:
            if outcome.status is RowStatus.FAILED:
                assert outcome.reason.startswith("same person as line"), outcome
                continue
            assert owner.setdefault(outcome.plan_id, clinic_name) == clinic_name
        with zipfile.ZipFile(io.BytesIO(caseload.roster_zip(person, token))) as archive:
            index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
            linked = b"".join(archive.read(name) for name in archive.namelist())
        assert {row["plan_id"] for row in index if row["plan_id"]} <= {
            p for p, c in owner.items() if c == clinic_name
        }
        for plan_id, other in owner.items():
            if other != clinic_name:
                feed = app.current_token(plan_id)
                assert feed is not None and feed.encode() not in linked
    for plan_id, clinic_name in owner.items():
        assert clinic_of(app, plan_id) == clinic_name


# -- two server processes on one database -----------------------------------------------------------
def post_checkin(port: int, secret: str, fields: dict[str, str]) -> int:
    """A phone's check-in through one server: its form (and CSRF token), then the post."""
    import http.client
    import re
    import secrets
    import urllib.parse

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", f"/c/{secret}")
    page = connection.getresponse().read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf, page[:500]
    body = urllib.parse.urlencode({"csrf": csrf.group(1), "submission": secrets.token_urlsafe(12), **fields})
    connection.request(
        "POST", f"/c/{secret}/checkin", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    status = connection.getresponse().status
    connection.close()
    return status


def test_two_servers_raise_each_alert_once_and_mail_each_clinician_once(db_url: str) -> None:
    """Two `serve` processes on one database (SQLite or PostgreSQL) and a real SMTP server: a roster
    patient silent since issue, an emergency red flag posted to one server and a flare-up to the
    other; each alert is stored once and reaches each of the three clinicians exactly once, though
    both servers sweep and send the same outbox."""
    now = dt.datetime.fromisoformat(CLI_NOW)  # the servers' clock (cli_env) and this one's
    today = now.date()
    clock = [now - dt.timedelta(days=14)]  # the roster was issued two weeks ago
    app = App.open(Settings(db=db_url, base_url="http://127.0.0.1"), clock=lambda: clock[0])
    accounts = Accounts(app)
    caseload = Caseload(app)
    for email, admin in (
        ("alex@north.example", True),
        ("bea@north.example", False),
        ("cai@north.example", False),
    ):
        accounts.add_clinician("North", email, email.split("@")[0].title(), PASSWORD, admin=admin)
    with app.store.read() as records:
        (alex,) = records.portal.clinicians_by_email("alex@north.example")
    starts = [today - dt.timedelta(days=14), today - dt.timedelta(days=2)]
    roster = ROSTER_HEAD + "".join(
        f"{n},Patient {n},{start},lbp-return-to-run,mon;wed;sat,tue;thu,07:30,UTC,1\n"
        for n, start in enumerate(starts, 1)
    )
    outcomes, _ = caseload.issue_roster(alex, roster, "north.csv", "")
    clock[0] = now  # today: the first patient silent since the issue, the second started two days ago
    for outcome in outcomes:
        app.follow_up.refresh(outcome.plan_id)
    (_, silent), (_, recent) = (app.secrets_for(o.plan_id) for o in outcomes)
    with Smtp(free_port()) as smtp:
        env = cli_env(
            REHAB_PLANNER_DB=db_url,
            REHAB_PLANNER_SMTP_HOST="127.0.0.1",
            REHAB_PLANNER_SMTP_PORT=str(smtp.port),
            REHAB_PLANNER_SMTP_SECURITY="none",
        )
        ports = [free_port(), free_port()]
        servers = [
            subprocess.Popen(
                [sys.executable, "-m", "planner", "serve", "--port", str(port), "--no-start-page"],
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for port in ports
        ]
        try:
            for server in servers:
                serving(server)
            red_flag = {"date": str(today), "red_flag": "saddle-numbness"}
            flare_up = {"date": str(today), "pain_during": "6", "flare_up": "yes"}
            assert post_checkin(ports[0], silent, red_flag) == 303
            assert post_checkin(ports[1], recent, flare_up) == 303
            with app.store.read() as records:
                raised = [records.portal.alerts(o.plan_id) for o in outcomes]
            kinds = [a.kind for alerts_of in raised for a in alerts_of]
            assert {"red flag", "silence"} <= {a.kind for a in raised[0]} and "flare-up" in kinds
            assert len(kinds) == len({a.key for alerts_of in raised for a in alerts_of})  # once each
            expected = 3 * len(kinds)
            smtp.wait_for(expected)
            # one more round here finds nothing to raise or send: the outbox is empty, so neither
            # server has anything left to send twice
            assert app.follow_up.sweep() == 0 and app.follow_up.deliver_mail(smtp.settings) == 0
            assert app.follow_up.waiting_mail() == 0
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    got = collections.Counter(
        (envelope.rcpt_tos[0], envelope.content.split(b"Subject: ", 1)[1].split(b"\n", 1)[0].strip())
        for envelope in smtp.messages
    )
    assert len(smtp.messages) == expected and set(got.values()) == {1}, got
    assert {who for who, _ in got} == {"alex@north.example", "bea@north.example", "cai@north.example"}


def test_alerts_sweep_says_when_mail_waits_and_no_server_is_set(clinic: Clinic, run, monkeypatch) -> None:
    """Without SMTP settings the messages wait in the outbox, and the sweep says so and how to fix it."""
    monkeypatch.delenv("REHAB_PLANNER_SMTP_HOST", raising=False)
    result = run("alerts", "sweep")
    assert result.code == 0 and "e-mails sent" in result.out
    assert "e-mails wait in the outbox: mail is not set up (set REHAB_PLANNER_SMTP_HOST" in result.err
    assert clinic.app.follow_up.waiting_mail() >= 3  # Piotr's silence, to North's three
