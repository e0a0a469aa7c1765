"""/start: the protocol the answers lead to, the weeks offered, and the flow on the real server on
loopback (red flags store nothing, answers are checked field by field, a plan is made once, plan
creation is rate-limited per address)."""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import re
import urllib.parse
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.app.application import App
from planner.app.feeds import is_loopback_host as is_loopback
from planner.app.settings import Settings
from planner.core import prescription_checks, rules, wording
from planner.core.exceptions import InputError
from planner.core.intake import BEGINNER, FLARE_UP_RESTART, MINIMAL_SHOES, RETURN_TO_RUN, Intake, choose
from planner.core.model import Prescription
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog
from planner.store.schema import metadata
from planner.web.form_fields import FieldErrors
from planner.web.start import parse_answers
from tests.calendar_checks import parse_everywhere
from tests.conftest import Loopback

CATALOG = builtin_catalog()
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)  # a Sunday
GOOD = {
    "pain_at_rest": "2",
    "walking_comfortable": "yes",
    "ran_before": "yes",
    "flare_up": "no",
    "minimal_shoes": "no",
    "run_days": "mon,wed,sat",
    "time": "07:30",
    "tz": "Europe/London",
    "start": "2026-11-23",
    "name": "Sam",
    "goal": "parkrun in March",
}


def intake(**changes: object) -> Intake:
    values: dict[str, object] = {
        "pain_at_rest": 1,
        "walking_comfortable": True,
        "ran_before": True,
        "flare_up": False,
        "minimal_shoes": False,
    }
    return Intake(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answers", "protocol", "reason"),
    [
        (intake(), RETURN_TO_RUN, wording.INTAKE_RETURN),
        (intake(ran_before=False), BEGINNER, wording.INTAKE_NEW_RUNNER),
        (intake(pain_at_rest=0, minimal_shoes=True), MINIMAL_SHOES, wording.INTAKE_MINIMAL_SHOES),
        (intake(minimal_shoes=True), RETURN_TO_RUN, wording.INTAKE_SHOES_LATER),
        (intake(flare_up=True), FLARE_UP_RESTART, wording.INTAKE_FLARE_UP),
        (intake(walking_comfortable=False), FLARE_UP_RESTART, wording.INTAKE_WALKING),
        (intake(pain_at_rest=4), FLARE_UP_RESTART, "Your pain at rest is 4/10, above the 3/10"),
        (intake(pain_at_rest=4, ran_before=False), FLARE_UP_RESTART, "above the 3/10"),
    ],
)
def test_answers_choose_the_protocol_and_say_why(answers: Intake, protocol: str, reason: str) -> None:
    choice = choose(answers, CATALOG)
    assert choice.protocol_id == protocol
    assert any(reason in text for text in choice.reasons)


@settings(max_examples=150, deadline=None)
@given(
    pain=st.integers(0, 10),
    walking=st.booleans(),
    ran=st.booleans(),
    flare=st.booleans(),
    shoes=st.booleans(),
    days=st.sampled_from(prescription_checks.run_day_patterns()),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
)
def test_no_answer_leads_to_a_refused_plan_or_to_running_before_ready(
    pain: int, walking: bool, ran: bool, flare: bool, shoes: bool, days: tuple[int, ...], start: dt.date
) -> None:
    """Whatever the answers, the chosen protocol accepts the person; when its entry criteria are not
    met (flare-up, pain above the limit, walking not comfortable) nothing runs in the first week."""
    answers = Intake(pain, walking, ran, flare, shoes)
    choice = choose(answers, CATALOG)
    if choice.see_clinician:  # severe pain at rest: advice, no plan
        assert pain >= CATALOG.protocol(FLARE_UP_RESTART).entry.refer_pain_at_rest
        return
    protocol = CATALOG.protocol(choice.protocol_id)
    rx = Prescription(
        "Sam",
        start,
        "Europe/London",
        days,
        prescription_checks.default_strength_days(days, protocol.strength_per_week),
        dt.time(7, 30),
        pain,
    )
    assert rules.entry_refusal(protocol, rx, CATALOG.protocols) is None
    not_ready = flare or not walking or pain > CATALOG.protocol(RETURN_TO_RUN).entry.max_pain_at_rest
    assert (choice.protocol_id == FLARE_UP_RESTART) == not_ready
    if not_ready:
        plan = build(rx, protocol, CATALOG.library, (), start)
        first_week = [s for s in plan.sessions if s.date < start + dt.timedelta(days=7)]
        assert first_week and not any(s.kind.is_running for s in first_week)


def test_the_weeks_offered_are_exactly_the_ones_the_planner_accepts() -> None:
    """Every two- and three-run week that passes the prescription checks, with the default strength
    days of every protocol, and no other."""
    accepted = []
    for count in (3, 2):
        for days in itertools.combinations(range(1, 8), count):
            try:
                for protocol in CATALOG.protocols.values():
                    strength = prescription_checks.default_strength_days(days, protocol.strength_per_week)
                    prescription_checks.check(
                        Prescription("Sam", dt.date(2026, 1, 5), "UTC", days, strength, dt.time(7), 0)
                    )
            except InputError:
                continue
            accepted.append(days)
    assert prescription_checks.run_day_patterns() == tuple(accepted)
    assert len(accepted) == 21


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(GOOD)), st.text(max_size=40)))
def test_any_typed_answers_are_parsed_or_named_field_by_field(changes: dict[str, str]) -> None:
    """The parser of what a runner types: every failure is a FieldErrors naming the field."""
    try:
        answers = parse_answers({**GOOD, **changes})
    except FieldErrors as problem:
        assert problem.errors and set(problem.errors) <= set(GOOD)
        assert all(message.split(":", 1)[0] for message in problem.errors.values())
    else:
        assert answers.name and 0 <= answers.intake.pain_at_rest <= 10


def test_a_personal_server_on_loopback_offers_start() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("plans.example")


class StartServer:
    """The real server on loopback with /start on, a clock the test moves, and a plain HTTP client."""

    def __init__(self, db_url: str, *, start_page: bool = True) -> None:
        self.clock = [NOW]
        self.app = App.open(
            Settings(db=db_url, base_url="http://127.0.0.1", start_page=start_page),
            clock=lambda: self.clock[0],
        )
        self.loopback = Loopback(self.app)

    def request(
        self,
        method: str,
        path: str,
        fields: dict[str, str] | list[tuple[str, str]] | None = None,
        **headers: str,
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.loopback.port, timeout=30)
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(
            method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def screened(self) -> str:
        status, _, page = self.request("POST", "/start", {"any": "none", "tz": "Europe/London"})
        assert status == 200
        return proof(page)

    def answered(self, **changes: str) -> str:
        status, _, page = self.request(
            "POST", "/start/questions", {"proof": self.screened(), **GOOD, **changes}
        )
        assert status == 200, page
        return proof(page)

    def rows(self) -> dict[str, int]:
        """How many rows each table holds: what /start has stored."""
        with self.app.store.read() as records:
            connection = records.connection
            return {
                table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in metadata.sorted_tables
            }


def proof(page: str) -> str:
    match = re.search(r'name="proof" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


@pytest.fixture
def start(db_url: str) -> Iterator[StartServer]:
    server = StartServer(db_url)
    yield server
    server.loopback.stop()


def test_start_is_off_on_a_clinic_server(db_url: str) -> None:
    server = StartServer(db_url, start_page=False)
    try:
        assert server.request("GET", "/start")[0] == 404
        assert server.request("POST", "/start/plan", {"proof": "x"})[0] == 404
    finally:
        server.loopback.stop()


def test_a_warning_sign_ends_the_flow_and_stores_nothing(start: StartServer) -> None:
    before = start.rows()
    status, headers, page = start.request(
        "POST",
        "/start",
        [
            ("red_flag", "night-pain"),
            ("red_flag", "bladder-change"),
            ("any", "none"),
            ("tz", "Europe/London"),
        ],
    )
    assert status == 200
    assert "Go to an emergency department now, or call 999" in page  # the most urgent sign decides
    assert "Constant pain at night" in page and wording.START_NOTHING_STORED.split(".")[0] in page
    assert 'name="proof"' not in page and "set-cookie" not in headers
    assert 'href="tel:999"' in page and 'href="tel:111"' in page  # tap to call: 999, then NHS 111
    assert start.rows() == before


def test_the_screen_needs_an_answer(start: StartServer) -> None:
    status, _, page = start.request("POST", "/start", {"tz": "Europe/London"})
    assert status == 400 and 'id="any-error"' in page
    status, _, page = start.request("POST", "/start", {"any": "yes"})
    assert status == 400 and "Tick the signs" in page
    assert start.request("POST", "/start", {"any": "none", "red_flag": "made-up"})[0] == 400


def test_wrong_answers_are_named_beside_their_fields(start: StartServer) -> None:
    screened = start.screened()
    fields = {
        **GOOD,
        "proof": screened,
        "pain_at_rest": "11",
        "tz": "Mars/Olympus",
        "name": " ",
        "flare_up": "",
        "walking_comfortable": "",
        "minimal_shoes": "",
    }
    status, _, page = start.request("POST", "/start/questions", fields)
    assert status == 400
    for field, message in (
        ("pain_at_rest", "pain at rest: &#39;11&#39; must be a whole number from 0 to 10"),
        ("tz", "time zone: unknown time zone &#39;Mars/Olympus&#39;"),
        ("name", "name: please answer this"),
        # a question left unanswered is named in its own words, not by its field's name
        (
            "flare_up",
            "In a flare-up now: worse over the last few days and not easing? Please answer yes or no.",
        ),
        (
            "walking_comfortable",
            "Can you walk briskly for 30 minutes without more back pain? Please answer yes or no.",
        ),
        ("minimal_shoes", "About to switch to minimal or barefoot running shoes? Please answer yes or no."),
    ):
        assert f'<p class="error" id="{field}-error">{message}' in page
        assert (
            f'aria-describedby="{field}-error"' in page or f'aria-describedby="tz-hint {field}-error"' in page
        )
    assert 'value="Mars/Olympus"' in page  # what was typed stays, to be corrected
    assert not re.search(r"(walking comfortable|flare up|minimal shoes):", page)
    assert start.rows()["plans"] == 0
    # a start date the command line refuses is refused here too, at the same field
    status, _, page = start.request(
        "POST", "/start/questions", {**GOOD, "proof": screened, "start": "2040-01-01"}
    )
    assert (
        status == 400 and '<p class="error" id="start-error">start: 2040-01-01 is more than 10 years' in page
    )


def test_a_runner_gets_a_plan_once_and_its_calendar(start: StartServer) -> None:
    answered = start.answered()
    status, headers, _ = start.request("POST", "/start/plan", {"proof": answered})
    assert status == 303
    location = headers["location"]
    assert re.fullmatch(r"/c/[A-Za-z0-9_-]+\?new=1", location)
    # the same form again (a double tap, a reload): the same plan, not a second one
    assert start.request("POST", "/start/plan", {"proof": answered})[1]["location"] == location
    assert start.rows()["plans"] == 1
    (stored,), _ = start.app.plans()
    assert stored.protocol_id == RETURN_TO_RUN and stored.prescription.goal == "parkrun in March"
    assert stored.prescription.strength_days == (2, 4)
    page = start.request("GET", location)[2]  # a plan from tomorrow: nothing to report yet
    assert "Your plan is ready" in page and "Your plan starts on Monday 23 November" in page
    today = start.request("POST", "/start/plan", {"proof": start.answered(start="2026-11-22")})[1]
    page = start.request("GET", today["location"])[2]  # a plan from today: the check-in is there
    assert "Your plan is ready" in page and 'id="checkin-form"' in page

    status, headers, page = start.request("GET", location)
    assert status == 200 and "Your plan is ready" in page
    assert "rp_checkin=" in headers["set-cookie"]  # this phone keeps the check-in secret
    feed = re.search(r'href="(http://127\.0\.0\.1/feeds/[A-Za-z0-9_-]+\.ics)"', page)
    assert feed and "webcal://127.0.0.1/feeds/" in page and "calendar.google.com" in page
    status, _, body = start.request("GET", urllib.parse.urlsplit(feed.group(1)).path)
    assert status == 200
    calendar = parse_everywhere(body.encode())
    assert calendar.events
    status, headers, _ = start.request("GET", location.split("?")[0] + "/handout.pdf")
    assert status == 200 and headers["content-type"] == "application/pdf"


def test_the_answers_expire_and_cannot_be_forged_or_skipped(start: StartServer) -> None:
    answered = start.answered()
    assert start.request("POST", "/start/plan", {"proof": answered + "x"})[0] == 400
    assert start.request("POST", "/start/plan", {"proof": start.screened()})[0] == 400  # a step skipped
    assert start.request("POST", "/start/questions", {**GOOD, "proof": answered})[0] == 400
    start.clock[0] += dt.timedelta(hours=1, minutes=1)
    status, _, page = start.request("POST", "/start/plan", {"proof": answered})
    assert status == 400 and "Start again" in page
    assert start.rows()["plans"] == 0


def test_cross_site_posts_are_refused(start: StartServer) -> None:
    status, _, _ = start.request("POST", "/start", {"any": "none"}, Sec_Fetch_Site="cross-site")
    assert status == 403
    status, _, _ = start.request(
        "POST", "/start/plan", {"proof": start.answered()}, Origin="https://evil.example"
    )
    assert status == 403 and start.rows()["plans"] == 0


def test_plans_made_per_address_are_limited(start: StartServer) -> None:
    for _ in range(3):  # a form that fails does not count
        assert start.request("POST", "/start/plan", {"proof": "forged"})[0] == 400
    for _ in range(5):
        assert start.request("POST", "/start/plan", {"proof": start.answered()})[0] == 303
    status, _, page = start.request("POST", "/start/plan", {"proof": start.answered()})
    assert status == 429 and "Too many requests" in page
    assert start.rows()["plans"] == 5


def test_pages_load_only_our_own_scripts(start: StartServer) -> None:
    """/start's time-zone helper and the phone page's guided timer are files of our own; no inline
    script runs anywhere (the timer's steps are JSON data, which a browser never executes)."""
    _, headers, page = start.request("GET", "/start")
    assert "script-src 'self'" in headers["content-security-policy"]
    assert '<script src="/static/start.js" defer></script>' in page
    assert start.request("GET", "/static/start.js")[0] == 200
    location = start.request("POST", "/start/plan", {"proof": start.answered()})[1]["location"]
    _, headers, page = start.request("GET", location)
    assert "script-src 'self';" in headers["content-security-policy"] + ";"
    assert "unsafe-inline" not in headers["content-security-policy"]
    for tag in re.findall(r"<script[^>]*>", page):
        assert tag in (
            '<script src="/static/guide.js" defer>',
            '<script type="application/json" id="guide-steps">',
        )


def test_the_first_day_offered_is_today_where_the_phone_is(start: StartServer) -> None:
    """At 11:00 UTC on Sunday 22 November it is already Monday in Kiritimati (UTC+14)."""
    for zone, offered in (
        ("Europe/London", "2026-11-22"),
        ("Pacific/Kiritimati", "2026-11-23"),
        ("", "2026-11-22"),
    ):
        start.clock[0] = NOW.replace(hour=11)
        _, _, page = start.request("POST", "/start", {"any": "none", "tz": zone})
        assert f'id="start" name="start" value="{offered}"' in page, zone
