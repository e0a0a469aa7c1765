"""The clinics the portal, alert and roster tests run in, by default as clinics run the product:
two clinics on one server, each with an admin and two clinicians, patients assigned to a clinician
and patients from a roster (one with a start weeks before it was issued); a plain HTTP client that keeps the
portal's cookie and CSRF token; and a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import http.client
import re
import threading
import urllib.parse

import sqlalchemy as sa

from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.app.mailer import SmtpSettings
from planner.app.settings import Settings
from planner.core.model import Prescription
from planner.store.portal_records import Clinician
from planner.store.schema import outbox
from tests.conftest import Loopback

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
ISSUED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # the day the clinics gave out their plans
PASSWORD = "correct horse battery"
NEW_PLAN = {  # the portal's new-plan form, filled in as a clinician would
    "name": "Kim Park",
    "protocol": "lbp-return-to-run",
    "start": "2026-11-23",
    "tz": "Europe/London",
    "run_days": "tue,thu,sat",
    "time": "18:00",
    "pain": "2",
    "goal": "",
    "hold": "",
}


def rx(name: str, start: dt.date = dt.date(2026, 11, 2)) -> Prescription:
    return Prescription(name, start, "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 1)


class Browserless:
    """A plain HTTP client that keeps the portal's session cookie and reads each form's CSRF token."""

    timeout = 30

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        body = None
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        if self.cookie:
            sent["Cookie"] = self.cookie
        if fields is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **fields}).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        connection.close()
        cookie = response.getheader("Set-Cookie") or ""
        if cookie.startswith("rp_portal="):
            self.cookie = cookie.split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', data)
        if token:
            self.csrf = token.group(1)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def upload(self, path: str, field: str, filename: str, content: bytes) -> tuple[int, dict[str, str], str]:
        """Post one file as a browser's form would (multipart, with the form's CSRF token)."""
        boundary = "----rehab-test-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{self.csrf}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Cookie": self.cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def login(self, email: str, password: str = PASSWORD) -> int:
        """Log in as a browser would, landing on the patient list (and its forms' CSRF token)."""
        self.request("GET", "/portal/login")
        status = self.request("POST", "/portal/login", {"email": email, "password": password})[0]
        if status == 303:
            self.request("GET", "/portal/")
        return status


ROSTER_HEAD = "patient_id,name,start,protocol,run_days,strength_days,time,tz,pain\n"
NORTH_ROSTER = ROSTER_HEAD + (
    "1,Ola Berg,2026-11-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
    "2,Piotr Nowak,2026-10-05,lbp-return-to-run,mon;wed;sat,tue;thu,18:00,Europe/London,2\n"
)
SOUTH_ROSTER = (
    ROSTER_HEAD + "1,Uma Shah,2026-11-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/London,1\n"
)


class Clinic:
    """Two clinics on one server, as clinics run it: each with an admin and two clinicians. North
    has Zofia (adopted with no assigned clinician, as roster patients are: every North clinician
    hears of her), a patient assigned to Bea, and two roster patients, one of them (Piotr) already
    silent for weeks when issued; South has a roster patient numbered like North's first. The plans
    were issued on 2 November (ISSUED; Piotr's with a start weeks before) and it is now NOW: all
    of them silent since the day they were issued."""

    def __init__(self, db_url: str) -> None:
        self.clock = [ISSUED]
        self.app = App.open(Settings(db=db_url, base_url="http://127.0.0.1"), clock=lambda: self.clock[0])
        self.accounts = Accounts(self.app)
        self.caseload = Caseload(self.app)
        for clinic, email, name, admin in (
            ("North", "alex@north.example", "Alex Morgan", True),
            ("North", "bea@north.example", "Bea Lund", False),
            ("North", "cai@north.example", "Cai Owusu", False),
            ("South", "sam@south.example", "Sam Reid", False),
            ("South", "dee@south.example", "Dee Park", True),
            ("South", "eli@south.example", "Eli Stone", False),
        ):
            self.accounts.add_clinician(clinic, email, name, PASSWORD, admin=admin)
        self.north = ("alex@north.example", "bea@north.example", "cai@north.example")
        self.plan_id = self.app.create_plan("lbp-return-to-run", rx("Zofia Wójcik"))
        self.caseload.adopt(self.plan_id, "North")
        self.assigned_id = self.caseload.create_plan(
            self.clinician("bea@north.example"), "lbp-return-to-run", rx("Rhea Quist"), "127.0.0.1"
        )
        north, _ = self.caseload.issue_roster(
            self.clinician("alex@north.example"), NORTH_ROSTER, "north.csv", "127.0.0.1"
        )
        south, _ = self.caseload.issue_roster(
            self.clinician("sam@south.example"), SOUTH_ROSTER, "south.csv", "127.0.0.1"
        )
        self.roster_id, self.silent_id = (o.plan_id for o in north)
        (self.south_id,) = (o.plan_id for o in south)
        assert all(o.plan_id for o in (*north, *south)), [*north, *south]
        self.clock[0] = NOW  # three weeks on: the clinics see their patients as they stand today
        for plan_id in (self.plan_id, self.assigned_id, self.roster_id, self.silent_id, self.south_id):
            self.app.follow_up.refresh(plan_id)
        self.loopback = Loopback(self.app)

    def clinician(self, email: str) -> Clinician:
        with self.app.store.read() as records:
            (person,) = records.portal.clinicians_by_email(email)
        return person

    def client(self) -> Browserless:
        return Browserless(self.loopback.port)

    def issue_patients(self, count: int) -> None:
        """`count` more of North's patients (Patient 00, 01, ...), issued with the clinic's others on
        ISSUED, their start day, and silent since: the clock is back at NOW after each."""
        for n in range(count):
            self.clock[0] = ISSUED
            plan_id = self.app.create_plan("beginner-walk-run", rx(f"Patient {n:02d}"))
            self.clock[0] = NOW
            self.caseload.adopt(plan_id, "North", 1)

    def alerts(self) -> list:
        with self.app.store.read() as records:
            return records.portal.alerts(self.plan_id)

    def mail(self) -> list:
        with self.app.store.read() as records:
            return list(records.connection.execute(sa.select(outbox).order_by(outbox.c.id)))


class Smtp:
    """aiosmtpd on a loopback port; what it receives."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.arrived = threading.Condition()
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
                with outer.arrived:
                    outer.messages.append(envelope)
                    outer.arrived.notify_all()
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.port = port
        self.settings = SmtpSettings("127.0.0.1", port, "none", "", "", "alerts@clinic.example")

    def wait_for(self, count: int, timeout: float = 120) -> list:
        """The messages once `count` have arrived (woken by each arrival, not by polling)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)

    def __enter__(self) -> Smtp:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()
