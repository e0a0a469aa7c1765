"""The clinic portal on the real server on loopback, on SQLite and PostgreSQL: logins (throttled in
the database), sessions (new id at login, logout, idle and absolute timeouts), authorization on
every URL, alerts raised once, mail through a real SMTP server on loopback (aiosmtpd) with an
outbox that survives the server being down, the sweep, clinicians' actions reaching the phone page
and the feed, and the audit trail. Time is the app's injected clock."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import itertools
import re
import xml.etree.ElementTree as ET
import zipfile

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.app import follow_up_sync
from planner.app.accounts import ACCOUNT_FAILURES, ADDRESS_FAILURES, Accounts
from planner.app.application import App
from planner.app.mailer import SmtpSettings
from planner.app.settings import Settings
from planner.core.model import ActionKind, CheckIn, ClinicianAction, Screening
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog
from tests.calendar_checks import parse_everywhere
from tests.clinics import NEW_PLAN, PASSWORD, Browserless, Clinic, Smtp, rx
from tests.servers import cli_env, free_port, serving

CATALOG = builtin_catalog()


def test_every_portal_url_hides_another_clinics_ids(clinic: Clinic) -> None:
    """North's plan and alert, asked for by South's clinician on every route that names one: 404,
    the same answer as for an id that does not exist; and nothing changes."""
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 21), red_flags=("fever",)))
    alert_id = clinic.alerts()[0].id
    south = clinic.client()
    assert south.login("sam@south.example") == 303
    from planner.web import create_app

    routes = [r for r in create_app(clinic.app).url_map.iter_rules() if r.rule.startswith("/portal")]
    named = [r for r in routes if "plan_id" in r.arguments or "alert_id" in r.arguments]
    assert len(named) >= 6
    before = (clinic.alerts(), clinic.app.plan(clinic.plan_id).actions)
    for rule in named:
        for plan_id, alert in ((clinic.plan_id, alert_id), ("00000000", 999999)):
            path = rule.rule.replace("<plan_id>", plan_id).replace("<int:alert_id>", str(alert))
            path = path.replace("<kind>", "discharge").replace("<which>", "feed")
            method = "POST" if "POST" in rule.methods else "GET"
            fields = {"note": "x", "until": "2026-12-31"} if method == "POST" else None
            status, _, _ = south.request(method, path, fields)
            assert status == 404, (method, path, status)
    assert (clinic.alerts(), clinic.app.plan(clinic.plan_id).actions) == before
    assert south.request("GET", "/portal/audit")[0] == 404  # the audit trail is for admins
    status, _, page = south.request("GET", "/portal/")
    assert status == 200 and "Zofia" not in page


def test_login_is_throttled_per_account_and_per_address_in_the_database(clinic: Clinic, db_url: str) -> None:
    client = clinic.client()
    for _ in range(ACCOUNT_FAILURES):
        assert client.login("alex@north.example", "wrong password!") == 401
    assert client.login("alex@north.example") == 429  # even the right password, for a while
    # another server process on the same database agrees
    other = Accounts(App.open(Settings(db=db_url), clock=lambda: clinic.clock[0]))
    with pytest.raises(Exception, match="Too many failed logins"):
        other.login("alex@north.example", PASSWORD, "127.0.0.1")
    clinic.clock[0] += dt.timedelta(minutes=16)
    assert client.login("alex@north.example") == 303
    # per address: many accounts tried from one address
    for n in range(ADDRESS_FAILURES):
        assert clinic.client().login(f"nobody{n}@north.example") == 401
    assert clinic.client().login("sam@south.example") == 429
    with clinic.app.store.read() as records:
        trail = [row.action for row in records.portal.audit_trail(1)]
    assert trail.count("login-failed") == ACCOUNT_FAILURES and "login-throttled" in trail and "login" in trail


def test_sessions_start_new_end_at_logout_and_time_out(clinic: Clinic) -> None:
    client = clinic.client()
    client.request("GET", "/portal/login")
    before = client.cookie
    assert client.login("alex@north.example") == 303 and client.cookie != before
    first = client.cookie
    assert client.request("GET", "/portal/")[0] == 200
    assert client.login("alex@north.example") == 303 and client.cookie != first  # a new id each time
    kept = client.cookie
    client.request("GET", "/portal/")  # the page the logout button is on
    assert client.request("POST", "/portal/logout", {})[0] == 303
    replay = clinic.client()
    replay.cookie = kept  # the cookie from before logout no longer opens anything
    assert replay.request("GET", "/portal/")[0] == 303
    # idle: 30 minutes without a request ends the session
    assert client.login("alex@north.example") == 303
    clinic.clock[0] += dt.timedelta(minutes=29)
    assert client.request("GET", "/portal/")[0] == 200
    clinic.clock[0] += dt.timedelta(minutes=31)
    assert client.request("GET", "/portal/")[0] == 303
    # absolute: twelve hours however busy
    assert client.login("alex@north.example") == 303
    for _ in range(25):
        clinic.clock[0] += dt.timedelta(minutes=29)
        client.request("GET", "/portal/")
    assert client.request("GET", "/portal/")[0] == 303
    _, headers, _ = clinic.client().request("GET", "/portal/login")
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Lax" in headers["set-cookie"]


def test_forms_need_the_csrf_token_and_our_origin(clinic: Clinic) -> None:
    client = clinic.client()
    client.login("alex@north.example")
    client.csrf = "forged"
    path = f"/portal/patients/{clinic.plan_id}/actions/discharge"
    assert client.request("POST", path, {"note": "x"})[0] == 400
    client.request("GET", "/portal/")
    assert client.request("POST", path, {"note": "x"}, Origin="https://evil.example")[0] == 403
    assert clinic.app.plan(clinic.plan_id).actions == ()


def test_a_red_flag_on_the_phone_page_reaches_the_portal_and_each_clinician_once(clinic: Clinic) -> None:
    """Zofia has no assigned clinician: all three of North's hear of her emergency, once each."""
    _, secret = clinic.app.secrets_for(clinic.plan_id)
    phone = clinic.client()
    _, _, page = phone.request("GET", f"/c/{secret}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    status, _, _ = phone.request(
        "POST",
        f"/c/{secret}/checkin",
        {
            "csrf": csrf.group(1),
            "submission": "abcdefgh1234",
            "date": "2026-11-21",
            "red_flag": "saddle-numbness",
        },
    )
    assert status == 303
    port = free_port()
    with Smtp(port) as smtp:
        sent = clinic.app.follow_up.deliver_mail(smtp.settings)
        again = clinic.app.follow_up.deliver_mail(smtp.settings)
        clinic.app.follow_up.sweep()  # seeing the same report again raises nothing new
        clinic.app.follow_up.deliver_mail(smtp.settings)
    red = [m for m in smtp.messages if b"red flag" in m.content]
    assert sorted(m.rcpt_tos[0] for m in red) == sorted(clinic.north) and all(
        len(m.rcpt_tos) == 1 for m in red
    )
    assert again == 0 and sent == len(smtp.messages)
    body = red[0].content.decode()
    assert "Z.W." in body and "Zofia" not in body and "saddle" not in body.lower()
    assert f"/portal/patients/{clinic.plan_id}" in body
    assert [a.kind for a in clinic.alerts()].count("red flag") == 1
    north = clinic.client()
    north.login("alex@north.example")
    _, _, listing = north.request("GET", "/portal/")
    assert re.search(r'Zofia Wójcik</a></th>\s*<td><span class="badge[^"]*">referred</span></td>', listing)
    _, _, record = north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert "Numbness around your bottom" in record and "(emergency)" in record
    assert "saddle-numbness" not in record  # the reports table names the sign in words, not its id


def test_mail_waits_while_the_smtp_server_is_down_and_goes_once_later(clinic: Clinic) -> None:
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 21), flare_up=True, pain_during=6))
    port = free_port()
    down = SmtpSettings("127.0.0.1", port, "none", "", "", "alerts@clinic.example")
    assert clinic.app.follow_up.deliver_mail(down) == 0
    waiting = unskipped(clinic)  # Zofia's silence, closed by her report, is dropped, not waiting
    assert waiting and all(m.sent_at is None and m.attempts == 1 and m.last_error for m in waiting)
    with Smtp(port) as smtp:
        assert clinic.app.follow_up.deliver_mail(smtp.settings) == 0  # not due yet
        clinic.clock[0] += dt.timedelta(minutes=2)
        assert clinic.app.follow_up.deliver_mail(smtp.settings) == len(waiting)
        assert clinic.app.follow_up.deliver_mail(smtp.settings) == 0
    assert len(smtp.messages) == len(waiting)
    assert all(m.sent_at for m in unskipped(clinic))


def unskipped(clinic: Clinic) -> list:
    """The outbox but the mails dropped because their alert closed before they went out (here:
    Zofia's silence, which her report ended); asserts that is why each one was dropped."""
    mail = clinic.mail()
    dropped = [m for m in mail if m.skipped_at]
    closed = {a.id for a in clinic.alerts() if not a.is_open}
    assert all(m.alert_id in closed and m.skip_reason.startswith("not sent:") for m in dropped)
    return [m for m in mail if not m.skipped_at]


def test_the_sweep_raises_silence_once(clinic: Clinic) -> None:
    """Each stretch of silence is one alert: the one since the start, then the one since the last report."""
    assert [a.key for a in clinic.alerts() if a.kind == "silence"] == ["silence:2026-11-02"]
    clinic.app.record_checkin(  # sent on the 22nd about the 21st: in touch on the 22nd
        clinic.plan_id, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0)
    )
    clinic.clock[0] += dt.timedelta(days=6)  # six days since the check-in
    clinic.app.follow_up.sweep()
    assert len([a for a in clinic.alerts() if a.kind == "silence"]) == 1
    clinic.clock[0] += dt.timedelta(days=1)
    clinic.app.follow_up.sweep()
    clinic.app.follow_up.sweep()
    silent = [a for a in clinic.alerts() if a.key == "silence:2026-11-22"]
    assert len(silent) == 1 and "No check-in since 22 Nov" in silent[0].text


def test_a_hold_and_a_discharge_reach_the_phone_page_and_the_feed(clinic: Clinic) -> None:
    feed, secret = clinic.app.secrets_for(clinic.plan_id)
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", f"/portal/patients/{clinic.plan_id}")
    status, _, _ = north.request(
        "POST",
        f"/portal/patients/{clinic.plan_id}/actions/hold-running",
        {"until": "2026-12-06", "note": "scan"},
    )
    assert status == 303
    _, _, page = north.request("GET", f"/c/{secret}")
    assert "Your clinician has asked for no running until 06 December 2026" in page
    _, _, body = north.request("GET", f"/feeds/{feed}.ics")
    calendar = parse_everywhere(body.encode())
    held = [e for e in calendar.events if dt.date(2026, 11, 22) <= e.DTSTART.date() < dt.date(2026, 12, 6)]
    assert held and not any(
        "Run" in str(e["SUMMARY"]) and "low-impact" not in str(e["SUMMARY"]).lower() for e in held
    )
    assert (
        north.request(
            "POST",
            f"/portal/patients/{clinic.plan_id}/actions/hold-running",
            {"until": "2026-11-01", "note": "x"},
        )[0]
        == 400
    )
    path = f"/portal/patients/{clinic.plan_id}/actions/discharge"
    status, _, asked = north.request("POST", path, {"note": "goal reached"})  # asks to confirm first
    assert status == 200 and "Confirm discharge" in asked and "goal reached" in asked
    assert clinic.app.plan(clinic.plan_id).actions[-1].kind is not ActionKind.DISCHARGE
    north.request("POST", path, {"note": "goal reached", "confirm": "yes"})
    _, _, body = north.request("GET", f"/feeds/{feed}.ics")
    after = parse_everywhere(body.encode())
    live = [
        e for e in after.events if e.get("STATUS") != "CANCELLED" and e.DTSTART.date() > dt.date(2026, 11, 22)
    ]
    assert live == [] and any(e.get("STATUS") == "CANCELLED" for e in after.events)
    _, _, listing = north.request("GET", "/portal/")
    assert re.search(r'Zofia Wójcik</a></th>\s*<td><span class="badge[^"]*">discharged</span></td>', listing)
    _, _, page = north.request("GET", f"/c/{secret}")
    assert (
        "Your programme has ended." in page and "Alex Morgan ended this programme on 22 November 2026" in page
    )
    with clinic.app.store.read() as records:
        trail = [(row.action, row.detail) for row in records.portal.audit_trail(1)]
    assert ("discharge", "goal reached") in trail and ("hold-running", "until 2026-12-06: scan") in trail


def test_acknowledging_is_recorded_with_who_and_when(clinic: Clinic) -> None:
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 21), flare_up=True))
    north = clinic.client()
    north.login("alex@north.example")
    flare = next(a for a in clinic.alerts() if a.kind == "flare-up")
    north.request("GET", f"/portal/patients/{clinic.plan_id}")
    assert north.request("POST", f"/portal/alerts/{flare.id}/acknowledge", {})[0] == 303
    acknowledged = next(a for a in clinic.alerts() if a.id == flare.id)
    assert acknowledged.acknowledged_by == "Alex Morgan" and acknowledged.acknowledged_at.startswith(
        "2026-11-22"
    )


def test_closed_alerts_show_when_in_the_patients_time_zone_never_raw_timestamps(clinic: Clinic) -> None:
    """A Warsaw patient's flare-up acknowledged at 09:00 UTC reads 10:00 CET, as the page's days
    are counted in the patient's zone; Piotr's silence, closed by his report, reads 09:00 GMT."""
    bea = clinic.clinician("bea@north.example")
    warsaw = attrs.evolve(rx("Ola Nowak"), timezone="Europe/Warsaw")
    plan_id = clinic.caseload.create_plan(bea, "lbp-return-to-run", warsaw, "127.0.0.1")
    clinic.app.record_checkin(plan_id, CheckIn(dt.date(2026, 11, 21), flare_up=True))
    with clinic.app.store.read() as records:
        (flare,) = [a for a in records.portal.alerts(plan_id) if a.kind == "flare-up"]
    clinic.caseload.acknowledge(bea, flare.id, "127.0.0.1")
    clinic.app.record_checkin(clinic.silent_id, CheckIn(dt.date(2026, 11, 21), pain_during=1))
    north = clinic.client()
    north.login("bea@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{plan_id}")
    assert "(acknowledged by Bea Lund, 22 Nov 2026, 10:00 CET)" in page
    _, _, page_of_piotr = north.request("GET", f"/portal/patients/{clinic.silent_id}")
    assert (
        "(closed: the patient checked in again on 22 Nov 2026, at 09:00 GMT)" in page_of_piotr
    )  # the day once
    for shown in (page, page_of_piotr):
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", shown)  # no ISO instant anywhere


def test_the_patient_record_shows_the_screening_answers_and_who_assessed_them(clinic: Clinic) -> None:
    bea = clinic.clinician("bea@north.example")
    screened = attrs.evolve(rx("Ola Nowak"), screening=Screening(("cancer-history", "over-50-new-pain")))
    plan_id = clinic.caseload.create_plan(bea, "lbp-return-to-run", screened, "127.0.0.1")
    north = clinic.client()
    north.login("bea@north.example")
    _, _, page = north.request("GET", f"/portal/patients/{plan_id}")
    record = page.split('id="exports"', 1)[1].split("</section>", 1)[0]  # the patient's record section
    assert (
        "<strong>Screening at the start:</strong> history of cancer; age over 50 with new back pain; "
        "assessed by Bea Lund" in record
    )
    _, _, page = north.request("GET", f"/portal/patients/{clinic.assigned_id}")
    assert "none of the screening items was recorded when the plan was made" in page


def test_clinician_add_asks_for_the_password(run) -> None:
    result = run(
        "clinician",
        "add",
        "--clinic",
        "East",
        "--email",
        "Kim@East.example",
        "--admin",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.code == 0, result.err
    again = run(
        "clinician",
        "add",
        "--clinic",
        "East",
        "--email",
        "kim@east.example",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert again.code == 2 and "already has an account" in again.err
    short = run("clinician", "add", "--clinic", "East", "--email", "lee@east.example", input="short\nshort\n")
    assert short.code == 2 and "at least 12 characters" in short.err
    assert run("alerts", "sweep").out.strip() == "0 new alerts; 0 e-mails sent"


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.integers(0, 60), min_size=1, max_size=3),
    lengths=st.lists(st.integers(1, 30), min_size=3, max_size=3),
    release=st.one_of(st.none(), st.integers(0, 80)),
)
def test_no_running_while_a_clinicians_hold_lasts(
    starts: list[int], lengths: list[int], release: int | None
) -> None:
    """Holds set from the portal, released or not: no running session on a held day."""
    start = dt.date(2026, 3, 2)
    holds = [
        ClinicianAction(
            ActionKind.HOLD_RUNNING, start + dt.timedelta(days=d), "A", "n", start + dt.timedelta(days=d + n)
        )
        for d, n in zip(starts, lengths, strict=False)
    ]
    actions = sorted(holds, key=lambda a: a.date)
    if release is not None:
        actions = sorted(
            [*actions, ClinicianAction(ActionKind.CLEAR_HOLD, start + dt.timedelta(days=release), "A", "")],
            key=lambda a: a.date,
        )
    plan = build(
        rx("A", start),
        CATALOG.protocol("lbp-return-to-run"),
        CATALOG.library,
        (),
        start + dt.timedelta(days=90),
        actions,
    )
    for session in plan.sessions:
        latest = [a for a in actions if a.date <= session.date]
        held = (
            bool(latest)
            and latest[-1].kind is ActionKind.HOLD_RUNNING
            and session.date < (latest[-1].until or start)
        )
        if held:
            assert not session.kind.is_running, session


def test_a_plan_made_in_the_portal_is_checked_as_the_command_line_checks_it(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", "/portal/patients/new")
    good = NEW_PLAN
    status, _, page = north.request(
        "POST", "/portal/patients/new", {**good, "pain": "11", "tz": "Mars/Base", "name": ""}
    )
    assert status == 400
    for field in ("pain", "tz", "name"):
        assert f'<p class="error" id="{field}-error">' in page
    status, _, page = north.request("POST", "/portal/patients/new", {**good, "pain": "5"})
    assert status == 400 and "use the flare-up-restart protocol instead" in page  # entry criteria
    status, _, page = north.request("POST", "/portal/patients/new", {**good, "hold": "2026-11-01"})
    assert status == 400 and '<p class="error" id="hold-error">hold running until: 2026-11-01' in page
    before = len(clinic.app.plans()[0])
    status, headers, _ = north.request("POST", "/portal/patients/new", good)
    assert status == 303
    plan_id = headers["location"].rsplit("/", 1)[1]
    assert len(clinic.app.plans()[0]) == before + 1
    with clinic.app.store.read() as records:
        assert records.portal.owner(plan_id)[0] == 1  # North's, in Alex's care
    status, _, _ = north.request(
        "POST", "/portal/patients/new", {**good, "name": "Lee Park", "red_flag": "fever"}
    )
    assert status == 303
    _, _, listing = north.request("GET", "/portal/")
    assert re.search(r'Lee Park</a></th>\s*<td><span class="badge[^"]*">referred</span></td>', listing)
    assert clinic.client().request("GET", "/portal/patients/new")[0] == 303  # logged out: to the login


def test_a_clinic_list_uploaded_in_the_portal_is_issued_and_zipped(clinic: Clinic) -> None:
    from planner.data.paths import builtin_dir

    roster = (builtin_dir("templates") / "roster-example.csv").read_bytes()
    roster += b"Nobody,2026-11-23,no-such-protocol,mon;wed;sat,tue;thu,07:30,Europe/London,1,,,,\n"
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", "/portal/roster")
    status, headers, _ = north.upload("/portal/roster", "roster", "list.csv", roster)
    assert status == 303  # at once, to the job's page: the list is issued outside the request
    job_page = headers["location"]
    assert re.fullmatch(r"/portal/roster/jobs/[A-Za-z0-9_-]{20,}", job_page), job_page
    assert clinic.app.background.wait(timeout=600)  # woken when the job's thread ends
    status, _, page = north.request("GET", job_page)
    assert status == 200
    assert "created" in page and "unknown protocol" in page, re.sub(r"<[^>]+>", " ", page)[-1500:]
    download = re.search(r'href="(/portal/roster/jobs/[A-Za-z0-9_-]+\.zip)"', page)
    assert download
    status, headers, _ = north.request("GET", download.group(1))
    assert status == 200 and headers["content-type"] == "application/zip"
    connection = http.client.HTTPConnection("127.0.0.1", clinic.loopback.port, timeout=30)
    connection.request("GET", download.group(1), headers={"Cookie": north.cookie})
    archive = zipfile.ZipFile(io.BytesIO(connection.getresponse().read()))
    names = archive.namelist()
    assert (
        "index.csv" in names
        and any(n.endswith(".pdf") for n in names)
        and any(n.endswith(".ics") for n in names)
    )
    south = clinic.client()
    south.login("sam@south.example")
    assert south.request("GET", download.group(1))[0] == 404  # another clinic's download
    assert south.request("GET", job_page)[0] == 404  # and its job
    clinic.clock[0] += dt.timedelta(minutes=11)
    assert north.request("GET", download.group(1))[0] == 404  # kept ten minutes
    _, _, listing = north.request("GET", "/portal/")
    assert listing.count("<tr class=") >= 1 + len([n for n in names if n.endswith(".pdf")])


def test_rotating_secrets_releasing_a_hold_and_downloads(clinic: Clinic) -> None:
    feed, secret = clinic.app.secrets_for(clinic.plan_id)
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    north.request("POST", f"{base}/actions/hold-running", {"until": "2026-12-06", "note": "scan"})
    assert north.request("POST", f"{base}/actions/clear-hold", {"note": ""})[0] == 303
    _, _, page = north.request("GET", f"/c/{secret}")
    assert "no running until" not in page
    assert north.request("POST", f"{base}/actions/teleport", {"note": "x"})[0] == 404
    assert north.request("POST", f"{base}/rotate/everything", {})[0] == 404
    assert north.request("POST", f"{base}/rotate/feed", {"confirm": "yes"})[0] == 303
    assert north.request("GET", f"/feeds/{feed}.ics")[0] == 404  # the old address stops at once
    assert north.request("POST", f"{base}/rotate/checkin", {"confirm": "yes"})[0] == 303
    assert north.request("GET", f"/c/{secret}")[0] == 404
    for which in ("feed", "checkin"):
        status, headers, svg = north.request("GET", f"{base}/qr/{which}.svg")
        assert status == 200 and headers["content-type"].startswith("image/svg+xml")
        ET.fromstring(svg)  # well-formed SVG
    assert north.request("GET", f"{base}/qr/other.svg")[0] == 404
    status, headers, body = north.request("GET", f"{base}/calendar.ics")
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    parse_everywhere(body.encode())
    assert north.request("POST", "/portal/", {"q": "zofia", "status": "on track"})[0] == 200
    assert north.request("POST", "/portal/", {"status": "lost"})[0] == 400
    with clinic.app.store.read() as records:
        trail = [row.action for row in records.portal.audit_trail(1)]
    assert {"clear-hold", "rotate-feed", "rotate-checkin", "download-calendar"} <= set(trail)
    assert not [action for action in trail if action.startswith("download-qr")]  # images the page shows


def test_a_new_calendar_address_or_check_in_secret_is_confirmed_first(clinic: Clinic) -> None:
    """One click on "New calendar address" asks first, as discharge does: the patient's
    subscription and handout keep working until the clinician confirms."""
    feed, secret = clinic.app.secrets_for(clinic.plan_id)
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    for which, old, stops in (
        ("feed", f"/feeds/{feed}.ics", "calendar"),
        ("checkin", f"/c/{secret}", "link"),
    ):
        status, _, page = north.request("POST", f"{base}/rotate/{which}", {})
        assert status == 200 and "stops at once" in page and stops in page
        assert f'action="{base}/rotate/{which}"' in page and 'name="confirm" value="yes"' in page
        assert f'href="{base}">Cancel' in page
        assert north.request("GET", old)[0] == 200  # nothing changed yet
        assert north.request("POST", f"{base}/rotate/{which}", {"confirm": "yes"})[0] == 303
        assert north.request("GET", old)[0] == 404
    with clinic.app.store.read() as records:
        trail = [row.action for row in records.portal.audit_trail(1)]
    assert trail.count("rotate-feed") == 1 and trail.count("rotate-checkin") == 1
    south = clinic.client()
    south.login("sam@south.example")
    assert south.request("POST", f"{base}/rotate/feed", {})[0] == 404  # another clinic's plan


def test_the_audit_trail_shows_one_action_or_one_plan(clinic: Clinic) -> None:
    other = clinic.app.create_plan("lbp-return-to-run", rx("Piotr Nowak"))
    clinic.caseload.adopt(other, "North")
    north = clinic.client()
    north.login("alex@north.example")
    for plan_id in (clinic.plan_id, other, clinic.plan_id):
        assert north.request("GET", f"/portal/patients/{plan_id}/calendar.ics")[0] == 200
    assert north.request("GET", f"/portal/patients/{other}/handout.pdf")[0] == 200

    def shown(query: str) -> list[tuple[str, str]]:
        status, _, page = north.request("GET", f"/portal/audit{query}")
        assert status == 200
        return re.findall(
            r'<tr><td>.*?</td><td>[^<]*</td><td>([^<]+)</td><td><a href="/portal/patients/(\w+)"', page
        )

    assert shown("?action=download-calendar") == [
        ("download-calendar", p) for p in (clinic.plan_id, other, clinic.plan_id)
    ]
    assert shown(f"?plan={other}") == [("download-handout", other), ("download-calendar", other)]
    assert shown(f"?action=download-handout&plan={clinic.plan_id}") == []
    _, _, page = north.request("GET", "/portal/audit?action=download-calendar")
    assert (
        '<option value="download-calendar" selected>' in page and '<option value="download-handout">' in page
    )
    assert f'href="/portal/audit?plan={other}"' in page and "Every entry" in page
    south = clinic.client()
    south.login("dee@south.example")  # South's admin
    _, _, page = south.request("GET", "/portal/audit?action=download-calendar")
    assert clinic.plan_id not in page and "No entries match" in page


def test_viewing_a_patient_writes_no_download_to_the_audit_trail(clinic: Clinic) -> None:
    """The patient page embeds its two QR images: opening it (and them) is not a download; the
    handout and the calendar file, which the clinician takes away, are."""
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    with clinic.app.store.read() as records:
        before = len(records.portal.audit_trail(1))
    for _ in range(3):
        _, _, page = north.request("GET", base)
        for which in ("checkin", "feed"):
            assert f"{base}/qr/{which}.svg" in page
            assert north.request("GET", f"{base}/qr/{which}.svg")[0] == 200
    with clinic.app.store.read() as records:
        assert len(records.portal.audit_trail(1)) == before
    assert north.request("GET", f"{base}/handout.pdf")[0] == 200
    assert north.request("GET", f"{base}/calendar.ics")[0] == 200
    with clinic.app.store.read() as records:
        trail = [row.action for row in records.portal.audit_trail(1)]
    assert trail[:2] == ["download-calendar", "download-handout"]
    assert len(trail) == before + 2
    south = clinic.client()
    south.login("sam@south.example")
    assert south.request("GET", f"{base}/qr/feed.svg")[0] == 404  # another clinic's plan


def test_smtp_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.core.exceptions import InputError

    monkeypatch.delenv("REHAB_PLANNER_SMTP_HOST", raising=False)
    assert SmtpSettings.from_environment() is None  # no host: mail waits in the outbox
    monkeypatch.setenv("REHAB_PLANNER_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("REHAB_PLANNER_SMTP_SECURITY", "tls")
    assert SmtpSettings.from_environment() == SmtpSettings(
        "smtp.example.org", 465, "tls", "", "", "rehab-planner@localhost"
    )
    monkeypatch.setenv("REHAB_PLANNER_SMTP_SECURITY", "carrier-pigeon")
    with pytest.raises(InputError, match="REHAB_PLANNER_SMTP_SECURITY"):
        SmtpSettings.from_environment()
    monkeypatch.setenv("REHAB_PLANNER_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("REHAB_PLANNER_SMTP_PORT", "99999")
    with pytest.raises(InputError, match="REHAB_PLANNER_SMTP_PORT"):
        SmtpSettings.from_environment()


def test_mail_with_a_login_over_starttls_that_the_server_refuses_waits(clinic: Clinic) -> None:
    """A server without STARTTLS: the mail is not sent in the clear; it waits, with the reason."""
    clinic.app.record_checkin(clinic.plan_id, CheckIn(dt.date(2026, 11, 21), flare_up=True))
    with Smtp(free_port()) as smtp:
        secure = SmtpSettings("127.0.0.1", smtp.port, "starttls", "alex", "secret", "alerts@clinic.example")
        assert clinic.app.follow_up.deliver_mail(secure) == 0
    waiting = unskipped(clinic)
    assert smtp.messages == [] and waiting
    assert all(m.sent_at is None and "starttls" in m.last_error.lower() for m in waiting)


def test_demo_serve_opens_the_portal_with_a_login(tmp_path) -> None:
    import subprocess
    import sys

    port = free_port()
    env = cli_env(XDG_DATA_HOME=str(tmp_path), HOME=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "demo", "--serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = serving(process)  # the demo's login lines come first, then it listens
        password = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("Password:"))
        client = Browserless(port)
        assert client.login("demo@clinic.example", password) == 303
        _, _, page = client.request("GET", "/portal/")
        assert page.count("<tr class=") == 20 and "referred" in page and "escalated" in page
        assert client.request("GET", "/start")[0] == 200  # a personal server on loopback
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_clinician_moves_the_running_level_with_a_reason(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    assert north.request("POST", f"{base}/actions/level-up", {"note": ""})[0] == 400  # a reason is required
    assert north.request("POST", f"{base}/actions/level-up", {"note": "strong on assessment"})[0] == 303
    view = clinic.app.plan(clinic.plan_id)
    moved = [d for s in view.plan.sessions for d in s.decisions if d.rule == "clinician-level"]
    assert moved and "Alex Morgan moved your running up a level on 22 November 2026" in moved[0].text
    north.request("POST", f"{base}/actions/level-down", {"note": "sore after the weekend"})
    after = clinic.app.plan(clinic.plan_id)
    downs = [d for s in after.plan.sessions for d in s.decisions if d.rule == "clinician-level"]
    assert len(downs) == 2 and "moved your running down" in downs[1].text
    with clinic.app.store.read() as records:
        trail = [(row.action, row.detail) for row in records.portal.audit_trail(1)]
    assert ("level-up", "strong on assessment") in trail and ("level-down", "sore after the weekend") in trail


def test_an_admin_adds_a_clinician_who_sets_a_password_through_a_one_time_link(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", "/portal/clinicians")
    status, _, page = north.request(
        "POST", "/portal/clinicians", {"what": "invite", "email": "Jo@North.example", "name": "Jo Bell"}
    )
    assert status == 200
    link = re.search(r"http://127\.0\.0\.1(/portal/set-password/[A-Za-z0-9_-]+)", page)
    assert link
    assert clinic.client().login("jo@north.example", "") == 401  # no password until the link is used
    jo = clinic.client()
    jo.request("GET", link.group(1))
    assert jo.request("POST", link.group(1), {"password": PASSWORD, "again": "different!!!!"})[0] == 400
    assert jo.request("POST", link.group(1), {"password": "short", "again": "short"})[0] == 400
    assert jo.request("POST", link.group(1), {"password": PASSWORD, "again": PASSWORD})[0] == 303
    assert jo.request("POST", link.group(1), {"password": PASSWORD, "again": PASSWORD})[0] == 404  # spent
    assert jo.login("jo@north.example") == 303
    assert jo.request("GET", "/portal/clinicians")[0] == 404  # not an admin
    _, _, listing = jo.request("GET", "/portal/")
    assert "Zofia Wójcik" in listing  # the same clinic's patients
    # a link not used within 72 hours expires
    north.request("GET", "/portal/clinicians")
    _, _, page = north.request(
        "POST", "/portal/clinicians", {"what": "invite", "email": "kai@north.example", "name": "Kai"}
    )
    late = re.search(r"http://127\.0\.0\.1(/portal/set-password/[A-Za-z0-9_-]+)", page)
    assert late
    clinic.clock[0] += dt.timedelta(hours=73)
    kai = clinic.client()
    kai.request("GET", late.group(1))
    assert kai.request("POST", late.group(1), {"password": PASSWORD, "again": PASSWORD})[0] == 404


def test_the_clinic_sets_its_own_silence_threshold(clinic: Clinic) -> None:
    clinic.app.record_checkin(
        clinic.plan_id, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0)
    )
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", "/portal/clinicians")
    assert north.request("POST", "/portal/clinicians", {"what": "silence", "silence_days": "1"})[0] == 400
    assert north.request("POST", "/portal/clinicians", {"what": "silence", "silence_days": "3"})[0] == 200
    clinic.clock[0] += dt.timedelta(days=3)  # three days since the check-in (sent on the 22nd)
    clinic.app.follow_up.sweep()
    assert any(a.key == "silence:2026-11-22" and "limit is 3" in a.text for a in clinic.alerts())


def test_a_refused_clinic_setting_shows_the_page_again_with_the_message_beside_its_field(
    clinic: Clinic,
) -> None:
    """The clinicians page, not a bare line of text: its navigation, the message beside the field,
    what the admin typed kept, nothing stored."""
    north = clinic.client()
    north.login("alex@north.example")
    north.request("GET", "/portal/clinicians")
    for what, field, typed, message in (
        ("silence", "silence_days", "0", "silence days: a whole number of days from 2 to 60"),
        ("zone", "timezone", "Mars/Olympus", "unknown time zone &#39;Mars/Olympus&#39;"),
        ("invite", "new-email", "not-an-address", "e-mail"),
    ):
        fields = {"what": what, field.removeprefix("new-"): typed, "name": "Kai Berg"}
        status, headers, page = north.request("POST", "/portal/clinicians", fields)
        assert status == 400 and headers["content-type"].startswith("text/html")
        assert "<nav" in page and "Clinicians and settings" in page
        assert re.search(f'<p class="error" id="{field}-error">[^<]*{message}', page), what
        assert f'value="{typed}"' in page and f'aria-describedby="{field}-error"' in page
    assert 'value="Kai Berg"' in page  # the name typed with a refused e-mail
    assert 'min="2" max="60"' in page and "a name like Europe/London" in page  # the hints
    with clinic.app.store.read() as records:
        kept = (
            records.portal.silence_days(1),
            records.portal.clinic_zone(1),
            len(records.portal.clinicians(1)),
        )
    assert kept == (7, "UTC", 3)


def test_clinician_add_can_print_a_one_time_link(run) -> None:
    result = run(
        "--base-url",
        "https://plans.example.org",
        "clinician",
        "add",
        "--clinic",
        "East",
        "--email",
        "ana@east.example",
        "--link",
    )
    assert result.code == 0, result.err
    assert re.fullmatch(r"\d+\nhttps://plans\.example\.org/portal/set-password/[A-Za-z0-9_-]+\n", result.out)


def test_a_new_week_applies_from_monday_and_keeps_runs_apart(clinic: Clinic) -> None:
    """Runs move to the new days from the next Monday (this week keeps its shape, the past stays as
    it was), at the new time, and the rest rule keeps runs off consecutive days across the change."""
    feed, _ = clinic.app.secrets_for(clinic.plan_id)
    for session in clinic.app.plan(clinic.plan_id).plan.sessions:
        if session.kind.is_active and session.date < dt.date(2026, 11, 22):  # a patient who reports
            clinic.app.record_checkin(
                clinic.plan_id, CheckIn(session.date, pain_during=1, pain_next_morning=0)
            )
    before = clinic.app.plan(clinic.plan_id).plan.sessions
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{clinic.plan_id}"
    north.request("GET", base)
    assert (
        north.request("POST", f"{base}/actions/change-week", {"run_days": "mon,tue", "time": "18:00"})[0]
        == 400
    )
    status, _, _ = north.request(
        "POST", f"{base}/actions/change-week", {"run_days": "tue,thu,sun", "time": "18:15"}
    )
    assert status == 303
    after = clinic.app.plan(clinic.plan_id).plan.sessions
    monday = dt.date(2026, 11, 23)
    assert [s for s in after if s.date < monday] == [s for s in before if s.date < monday]
    runs = [s for s in after if s.date >= monday and s.kind.is_running]
    assert runs and all(s.date.isoweekday() in (2, 4, 7) and s.start == dt.time(18, 15) for s in runs)
    every_run = sorted(s.date for s in after if s.kind.is_running)
    assert all((b - a).days > 1 for a, b in itertools.pairwise(every_run))
    assert any(
        "changed your week from 23 November 2026: runs on tue,thu,sun at 18:15" in d.text
        for s in after
        for d in s.decisions
    )
    _, _, page = north.request("GET", base)
    assert '<option value="tue,thu,sun" selected>' in page and 'value="18:15"' in page
    week = clinic.app.plan(clinic.plan_id).plan.prescription  # what the handout and text print
    assert (week.run_days, week.session_time, week.strength_days) == ((2, 4, 7), dt.time(18, 15), (1, 3))
    parse_everywhere(north.request("GET", f"/feeds/{feed}.ics")[2].encode())


def test_serves_sweep_skips_plans_refreshed_within_the_hour(clinic: Clinic) -> None:
    """Events refresh their plan at once; the periodic sweep only revisits plans left alone for an
    hour, and a silence that starts meanwhile is raised at the next sweep after that."""
    clinic.app.record_checkin(
        clinic.plan_id, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0)
    )

    def due() -> list[str]:
        with clinic.app.store.read() as records:
            return records.portal.followed_plan_ids(
                "discharged", clinic.clock[0] - follow_up_sync.STALE_AFTER
            )

    assert due() == []
    clinic.clock[0] += dt.timedelta(minutes=61)
    everyone = (clinic.plan_id, clinic.assigned_id, clinic.roster_id, clinic.silent_id, clinic.south_id)
    assert due() == sorted(everyone)
    clinic.clock[0] += dt.timedelta(days=7)
    assert clinic.app.follow_up.sweep(follow_up_sync.STALE_AFTER) >= 1  # the new silence
    assert due() == []
