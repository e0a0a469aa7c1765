"""The real server (waitress) on loopback: feeds, conditional requests, the check-in page."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import http.client
import re
import secrets
import socket
import subprocess
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import wording
from planner.core.model import Prescription
from planner.web import create_app
from tests.calendar_checks import parse_everywhere, sequences
from tests.conftest import Loopback
from tests.servers import CLI_NOW, cli_env, free_port, serving

NOW = dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC)


class Server:
    def __init__(self, db_url: str, tmp_path) -> None:
        self.clock = [NOW]
        self.app = App.open(
            Settings(db=db_url, base_url="https://plans.example.org"), clock=lambda: self.clock[0]
        )
        self.store = self.app.store
        self.loopback = Loopback(self.app)
        self.port = self.loopback.port
        rx = Prescription(
            name="Ιωάννα Παπαδοπούλου",
            start=dt.date(2026, 10, 5),
            timezone="Europe/Athens",
            run_days=(1, 3, 6),
            strength_days=(2, 4),
            session_time=dt.time(18, 0),
            pain=1,
        )
        self.plan_id = self.app.create_plan("lbp-return-to-run", rx)
        self.token, self.secret = self.app.secrets_for(self.plan_id)
        self.token_for_forms = ""

    def checkins(self) -> list:
        with self.store.read() as records:
            return records.checkins(self.plan_id)

    def stop(self) -> None:
        self.loopback.stop()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def post_form(
        self, fields: dict[str, str] | list[tuple[str, str]], headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Post the check-in form with the check-in secret; a fresh submission id unless given."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if not any(name == "submission" for name, _ in pairs):
            pairs.append(("submission", secrets.token_urlsafe(12)))
        body = urllib.parse.urlencode(pairs).encode()
        return self.request(
            "POST",
            f"/c/{self.secret}/checkin",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def csrf(self) -> str:
        """The form's token, read from the page once: it depends on the check-in secret alone, and
        after a warning sign the page is the stop screen, with no form to read it from."""
        if not self.token_for_forms:
            status, _, page = self.request("GET", f"/c/{self.secret}")
            assert status == 200
            match = re.search(rb'name="csrf" value="([0-9a-f]+)"', page)
            assert match
            self.token_for_forms = match.group(1).decode()
        return self.token_for_forms


@pytest.fixture
def server(db_url, tmp_path) -> Iterator[Server]:
    live = Server(db_url, tmp_path)
    yield live
    live.stop()


def test_feed_headers_and_body(server) -> None:
    status, headers, body = server.request("GET", f"/feeds/{server.token}.ics")
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    calendar = parse_everywhere(body)
    assert f"https://plans.example.org/p/{server.token}" in str(calendar.events[0]["DESCRIPTION"])
    head_status, head_headers, head_body = server.request("HEAD", f"/feeds/{server.token}.ics")
    assert head_status == 200 and head_body == b"" and head_headers["etag"] == headers["etag"]


def test_conditional_requests(server) -> None:
    path = f"/feeds/{server.token}.ics"
    _, headers, _ = server.request("GET", path)
    etag, modified = headers["etag"], headers["last-modified"]
    assert server.request("GET", path, headers={"If-None-Match": etag})[0] == 304
    assert server.request("GET", path, headers={"If-None-Match": '"other"'})[0] == 200
    assert (
        server.request("GET", path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})[0]
        == 200
    )
    assert server.request("GET", path, headers={"If-Modified-Since": modified})[0] == 304
    assert (
        server.request("GET", path, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    )
    assert server.request("GET", path, headers={"If-Modified-Since": "not a date"})[0] == 200
    assert server.request("HEAD", path, headers={"If-None-Match": etag})[0] == 304


def test_unknown_and_revoked_tokens_say_nothing(server) -> None:
    status, _, body = server.request("GET", "/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")
    assert status == 404 and body == b"Not found\n"
    assert server.request("GET", "/p/nope")[0] == 404
    assert server.request("GET", "/no/such/path")[0] == 404
    server.app.revoke_feed(server.plan_id)
    assert server.request("GET", f"/feeds/{server.token}.ics")[0] == 404


def test_check_in_through_the_page_updates_the_feed(server) -> None:
    path = f"/feeds/{server.token}.ics"
    _, first_headers, first = server.request("GET", path)
    before = sequences(parse_everywhere(first))
    status, headers, _ = server.post_form(
        {
            "csrf": server.csrf(),
            "date": "2026-10-14",
            "done": "done",
            "pain_during": "7",
            "pain_next_morning": "6",
            "soreness": "none",
            "flare_up": "yes",
            "note": "Sore after the hill",
        }
    )
    assert status == 303 and headers["location"].endswith("?saved=1")
    status, headers, after_body = server.request(
        "GET", path, headers={"If-None-Match": first_headers["etag"]}
    )
    assert status == 200 and headers["etag"] != first_headers["etag"]
    after = sequences(parse_everywhere(after_body))
    raised = [uid for uid in before if after.get(uid, 0) > before[uid]]
    assert raised and set(raised) <= set(after)
    assert "saved" in server.request("GET", f"/p/{server.token}?saved=1")[2].decode()


def test_a_warning_sign_is_answered_with_the_stop_screen_alone(server) -> None:
    """After an emergency sign the page is the stop screen: what to do, how soon, numbers to tap
    (Greece: 112); no session card and no check-in form."""
    status, headers, _ = server.post_form(
        {"csrf": server.csrf(), "date": "2026-10-19", "done": "done", "red_flag": "saddle-numbness"}
    )
    assert status == 303
    page = server.request("GET", headers["location"])[2].decode()
    main = page[page.index("<main") :]
    assert main.index("Get help now: this is an emergency") < main.index('href="tel:112"')
    assert "Go to an emergency department now, or call 112" in main
    assert 'name="csrf"' not in main and 'class="today"' not in main and "The next days" not in main
    assert "guide.js" not in page and "guide-steps" not in page  # no timer to start either
    assert "saved" not in main  # no cheerful receipt above an emergency


def test_a_flare_up_report_leads_with_running_is_paused(server) -> None:
    status, headers, _ = server.post_form(
        {"csrf": server.csrf(), "date": "2026-10-19", "done": "done", "pain_during": "6", "flare_up": "yes"}
    )
    assert status == 303
    page = server.request("GET", headers["location"])[2].decode()
    main = page[page.index("<main") :]
    paused = main.index("Running is paused")
    assert paused < main.index("saved") < main.index('id="checkin"')  # the form stays, below
    assert "If the pain gets worse" in main and "tel:" not in main  # Greece: no advice line known


def test_form_protection_and_validation(server) -> None:
    csrf = server.csrf()
    good = {"csrf": csrf, "date": "2026-10-14", "done": "done"}
    assert server.post_form({**good, "csrf": "0" * 64})[0] == 403
    assert server.post_form(good, {"Sec-Fetch-Site": "cross-site"})[0] == 403
    for field, value in (
        ("date", "2026-02-30"),
        ("date", "2026-12-01"),
        ("pain_during", "11"),
        ("soreness", "awful"),
        ("done", "maybe"),
        ("note", "x" * 2500),
    ):
        status, _, body = server.post_form({**good, field: value})
        assert status == 400 and body.count(b"\n") == 1, (field, value, body)
    assert server.post_form([*good.items(), ("red_flag", "not-a-flag")])[0] == 400
    big = server.post_form({**good, "note": "x" * 20000})
    assert big[0] == 413
    assert server.checkins() == []


field_values = st.one_of(
    st.text(max_size=30),
    st.integers(-5, 15).map(str),
    st.sampled_from(["2026-10-14", "2026-10-05", "done", "skipped", "warm-up-stays", "yes", "fever", ""]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "date",
                "done",
                "pain_during",
                "pain_next_morning",
                "soreness",
                "flare_up",
                "red_flag",
                "note",
                "extra",
            ]
        ),
        field_values,
    )
)
def test_random_form_posts_never_500(server, fields) -> None:
    stored = len(server.checkins())
    status, _, _ = server.post_form({"csrf": server.csrf(), **fields})
    assert status in (303, 400), (fields, status)
    assert len(server.checkins()) == stored + (status == 303)


def test_concurrent_first_fetches_all_succeed(server) -> None:
    results: list[int] = []

    def fetch() -> None:
        results.append(server.request("GET", f"/feeds/{server.token}.ics")[0])

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [200] * 8


def test_the_page_shows_what_was_reported_this_week(server) -> None:
    assert "Your progress so far" not in server.request("GET", f"/p/{server.token}")[2].decode()
    csrf = server.csrf()
    assert (
        server.post_form({"csrf": csrf, "date": "2026-10-14", "done": "done", "pain_during": "1"})[0] == 303
    )
    assert server.post_form({"csrf": csrf, "date": "2026-10-17", "done": "skipped"})[0] == 303
    page = server.request("GET", f"/p/{server.token}")[2].decode()
    recent = page[page.index("The last seven days") : page.index("Add to your calendar")]
    assert "Wed 14 Oct" in recent and "done" in recent
    assert "Sat 17 Oct" in recent and "skipped" in recent
    assert "Thu 15 Oct" in recent and "not reported yet" in recent
    figure = page[page.index("<figure") : page.index("</figure>")]
    svg = ET.fromstring(figure[figure.index("<svg") : figure.index("</svg>") + 6])
    description = svg.findtext("{http://www.w3.org/2000/svg}desc") or ""
    assert "week of 12 Oct:" in description and "pain 1/10 during" in description
    calendar = parse_everywhere(server.request("GET", f"/feeds/{server.token}.ics")[2])
    titles = {str(e["SUMMARY"]) for e in calendar.events}
    assert any(t.endswith("(done)") for t in titles) and any(t.endswith("(skipped)") for t in titles), titles


def test_http_semantics(server) -> None:
    path = f"/feeds/{server.token}.ics"
    status, headers, plain = server.request("GET", path)
    assert status == 200 and headers["vary"] == "Accept-Encoding" and "content-encoding" not in headers
    weak = "W/" + headers["etag"]
    assert server.request("GET", path, headers={"If-None-Match": weak})[0] == 304  # weak comparison
    status, zipped_headers, zipped = server.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
    assert status == 200 and zipped_headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped) == plain and len(zipped) < len(plain) / 4
    assert zipped_headers["etag"] != headers["etag"]  # one tag per representation
    gz_304 = server.request(
        "GET", path, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped_headers["etag"]}
    )
    assert gz_304[0] == 304
    refused = server.request("GET", path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused[1]
    status, allow_headers, _ = server.request("POST", path)
    assert status == 405 and {m.strip() for m in allow_headers["allow"].split(",")} >= {"GET", "HEAD"}


def test_an_oversized_body_is_refused_before_it_is_read(server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            f"POST /p/{server.token}/checkin HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\n".encode()
        )
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")


def test_last_modified_moves_when_cancelled_events_leave_the_feed(server) -> None:
    path = f"/feeds/{server.token}.ics"
    assert server.request("GET", path)[0] == 200  # the calendar has seen every session
    server.clock[0] = NOW + dt.timedelta(hours=1)
    csrf = server.csrf()
    assert server.post_form({"csrf": csrf, "date": "2026-10-20", "red_flag": "fever"})[0] == 303
    _, cancelled_headers, cancelled_body = server.request("GET", path)
    cancelled = [e for e in parse_everywhere(cancelled_body).events if str(e.get("STATUS")) == "CANCELLED"]
    assert cancelled
    server.clock[0] = NOW + dt.timedelta(days=31)
    status, headers, body = server.request(
        "GET", path, headers={"If-Modified-Since": cancelled_headers["last-modified"]}
    )
    assert status == 200 and headers["last-modified"] != cancelled_headers["last-modified"]
    assert not [e for e in parse_everywhere(body).events if str(e.get("STATUS")) == "CANCELLED"]
    assert server.request("GET", path, headers={"If-Modified-Since": headers["last-modified"]})[0] == 304


def test_the_feed_address_cannot_post(server) -> None:
    page = server.request("GET", f"/p/{server.token}")[2].decode()
    assert 'name="csrf"' not in page and "open your check-in link" in page
    body = urllib.parse.urlencode({"date": "2026-10-14", "done": "done"}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert server.request("POST", f"/p/{server.token}/checkin", body, form)[0] in (404, 405)
    assert (
        server.request("POST", f"/c/{server.token}/checkin", body, form)[0] == 404
    )  # a feed token is no secret
    assert server.request("GET", f"/c/{server.token}")[0] == 404
    assert server.checkins() == []


def test_the_check_in_link_is_remembered_on_this_phone(server) -> None:
    status, headers, _ = server.request("GET", f"/c/{server.secret}")
    cookie = headers["set-cookie"]
    assert status == 200 and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    remembered = server.request("GET", f"/p/{server.token}", headers={"Cookie": cookie.split(";")[0]})[2]
    assert b'name="csrf"' in remembered and f"/c/{server.secret}/checkin".encode() in remembered
    other = server.request("GET", f"/p/{server.token}", headers={"Cookie": "rp_checkin=forged"})[2]
    assert b'name="csrf"' not in other


def test_form_hardening(server) -> None:
    csrf = server.csrf()
    good = {"csrf": csrf, "date": "2026-10-14", "done": "done"}
    assert server.post_form(good, {"Origin": "https://evil.example"})[0] == 403
    assert server.post_form(good, {"Sec-Fetch-Site": "same-site"})[0] == 403
    assert server.post_form(good, {"Origin": "null"})[0] == 403  # null needs Sec-Fetch-Site: same-origin
    for digit in ("３", "٣", "𝟑"):
        assert server.post_form({**good, "pain_during": digit})[0] == 400
    assert server.post_form({**good, "flare_up": "maybe"})[0] == 400
    twice = {**good, "submission": "same-form-twice", "flare_up": "on"}
    assert server.post_form(twice, {"Origin": f"http://127.0.0.1:{server.port}"})[0] == 303
    assert server.post_form(twice)[0] == 303  # the double submit is answered, not stored again
    (stored,) = server.checkins()
    assert stored.flare_up


def test_security_headers_on_pages_feeds_and_errors(server) -> None:
    for path, method in (
        (f"/c/{server.secret}", "GET"),
        (f"/p/{server.token}", "GET"),
        (f"/feeds/{server.token}.ics", "GET"),
        ("/feeds/unknown.ics", "GET"),
        (f"/feeds/{server.token}.ics", "POST"),
    ):
        _, headers, _ = server.request(method, path)
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
        # the phone page loads its own timer script, nothing else; the feed and errors none at all
        assert ("script-src 'self'" in csp) if path.startswith(("/c/", "/p/")) else ("script-src" not in csp)
        assert headers["referrer-policy"] == "no-referrer" and headers["x-content-type-options"] == "nosniff"
        if path.startswith(("/c/", "/p/")):
            assert headers["cache-control"] == "no-store"


def test_a_plan_that_starts_later_says_when(tmp_path) -> None:
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'later.db'}"), clock=lambda: NOW)
    rx = Prescription("Ana", dt.date(2026, 11, 2), "Europe/Lisbon", (1, 3, 6), (2, 4), dt.time(7), 1)
    _, secret = app.secrets_for(app.create_plan("lbp-return-to-run", rx))
    page = create_app(app).test_client().get(f"/c/{secret}").get_data(as_text=True)
    assert "starts on Monday 02 November" in page and 'type="date"' not in page


def test_two_serve_processes_on_one_database_give_the_same_etag(db_url, tmp_path) -> None:
    """Several servers behind one address must agree, or calendars would refetch on every switch.
    On loopback /start is on unless turned off."""
    settings = Settings(db=db_url, base_url="https://plans.example.org")
    app = App.open(settings, clock=lambda: dt.datetime.fromisoformat(CLI_NOW))
    rx = Prescription("Ana", dt.date(2026, 11, 2), "Europe/Lisbon", (1, 3, 6), (2, 4), dt.time(7), 1)
    token, _ = app.secrets_for(app.create_plan("lbp-return-to-run", rx))
    env = cli_env(REHAB_PLANNER_DB=db_url, REHAB_PLANNER_BASE_URL="https://plans.example.org")
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "planner", "serve", "--port", str(port), *extra],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port, extra in zip(ports, ([], ["--no-start-page"]), strict=True)
    ]
    try:
        for server in servers:
            serving(server)
        tags = [fetch(port, f"/feeds/{token}.ics")[1] for port in ports]
        starts = [fetch(port, "/start")[0] for port in ports]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    assert tags[0] and tags[0] == tags[1]
    assert starts == [200, 404]


def fetch(port: int, path: str) -> tuple[int, str]:
    """The status and ETag of one request to a server that is listening (see tests.servers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("ETag") or ""
    finally:
        connection.close()


def test_a_flare_up_in_a_second_check_in_of_the_day_leaves_no_run_to_start(server) -> None:
    """Reviewer's item 2: today's run reported done with low pain, then a flare-up the same day:
    running is paused, so today's card says what to do now (rest) and offers no run, no timer to
    start and no run for the watch; the check-in form stays for another report."""
    server.clock[0] = dt.datetime(2026, 10, 21, 16, 0, tzinfo=dt.UTC)  # a Wednesday, a run day
    csrf = server.csrf()
    today = "2026-10-21"
    before = server.request("GET", f"/c/{server.secret}")[2].decode()
    assert "data-guide-start" in before and f"run-{today}.fit" in before  # today's run, to start
    assert server.post_form({"csrf": csrf, "date": today, "done": "done", "pain_during": "1"})[0] == 303
    assert server.post_form({"csrf": csrf, "date": today, "pain_during": "6", "flare_up": "yes"})[0] == 303
    page = server.request("GET", f"/c/{server.secret}")[2].decode()
    main = page[page.index("<main") :]
    card = main[main.index('class="today"') : main.index("</section>", main.index('class="today"'))]
    assert main.index("Running is paused") < main.index('class="today"')
    assert "Today · Rest" in card and wording.PAUSED_TODAY in html.unescape(card)
    assert "guide.js" not in page and "data-guide-start" not in page and f"run-{today}.fit" not in main
    assert "Run-walk" not in card and "Phase 1" not in card
    assert 'id="checkin-form"' in main  # another report can still be added
