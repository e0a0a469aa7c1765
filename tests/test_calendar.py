"""iCalendar export: accepted by three parsers, stable, and moving when the plan moves."""

from __future__ import annotations

import datetime as dt
import re

from planner.store.database import TokenKind
from tests.calendar_checks import parse_everywhere, sequences
from tests.clinics import Clinic

NOW = dt.datetime(2026, 10, 14, 9, tzinfo=dt.UTC)

CREATE = [
    "plan",
    "create",
    "--protocol",
    "lbp-return-to-run",
    "--start",
    "2026-10-05",
    "--name",
    "Małgorzata Żółć",
    "--tz",
    "Europe/Warsaw",
    "--time",
    "07:30",
]


def create(run) -> str:
    return run(*CREATE).out.strip().splitlines()[-1]


def export(run, plan_id: str, *extra: str) -> bytes:
    result = run("export", "ics", plan_id, "-o", "-", *extra)
    assert result.code == 0, result.err
    return result.out.encode()


def test_export_parses_everywhere_and_keeps_local_times_across_dst(run) -> None:
    plan_id = create(run)
    calendar = parse_everywhere(export(run, plan_id))
    assert str(calendar["X-WR-CALNAME"]) == "Rehab plan: Małgorzata Żółć"
    timed = [e for e in calendar.events if isinstance(e.start, dt.datetime)]
    assert timed and all(e.start.time() == dt.time(7, 30) for e in timed)
    offsets = {e.start.utcoffset() for e in timed}
    assert offsets == {dt.timedelta(hours=2), dt.timedelta(hours=1)}  # CEST then CET on 25 October
    tzids = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert tzids == ["Europe/Warsaw"]


def test_calendar_properties(run) -> None:
    body = export(run, create(run)).decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body
    assert "X-PUBLISHED-TTL:PT6H" in body and "COLOR:" in body and "X-WR-TIMEZONE:Europe/Warsaw" in body
    calendar = parse_everywhere(body.encode())
    first = calendar.events[0]
    assert len(str(first["SUMMARY"])) <= 40
    description = str(first["DESCRIPTION"])
    for part in ("Warm-up", "Main set", "Cool-down", "Pain rule", "Why:", "Based on:", "Not medical advice"):
        assert part in description


def test_identical_bytes_stable_uids_and_rising_sequence(run) -> None:
    plan_id = create(run)
    first = export(run, plan_id)
    assert export(run, plan_id) == first
    before = sequences(parse_everywhere(first))
    assert set(before.values()) == {0}
    assert run("checkin", plan_id, "--date", "2026-10-12", "--flare-up", "--pain-during", "6").code == 0
    after_calendar = parse_everywhere(export(run, plan_id))
    after = sequences(after_calendar)
    changed = {uid for uid in before if uid in after and after[uid] > before[uid]}
    assert changed, "a flare-up must change some events"
    assert all(after.get(uid, 1) >= seq for uid, seq in before.items())
    assert len(set(before) & set(after)) > len(before) // 2  # same UIDs for the same slots
    replaced = [e for e in after_calendar.events if str(e["UID"]) in changed and "min" in str(e["SUMMARY"])]
    assert replaced, "runs are replaced by low-impact sessions with the same UIDs"


def test_dropped_sessions_are_published_as_cancelled(run) -> None:
    plan_id = create(run)
    before = sequences(parse_everywhere(export(run, plan_id)))
    run("checkin", plan_id, "--date", "2026-10-07", "--red-flag", "fever")
    calendar = parse_everywhere(export(run, plan_id))
    cancelled = [e for e in calendar.events if str(e.get("STATUS")) == "CANCELLED"]
    assert cancelled and all(int(e["SEQUENCE"]) == before[str(e["UID"])] + 1 for e in cancelled)
    assert any("See a clinician" in str(e["SUMMARY"]) for e in calendar.events)


def test_rest_days_and_reminders_are_optional(run) -> None:
    plan_id = create(run)
    calendar = parse_everywhere(export(run, plan_id, "--rest-days", "--reminder", "30"))
    rest = [e for e in calendar.events if str(e["SUMMARY"]) == "Rest day"]
    assert rest and all(isinstance(e.start, dt.date) and not isinstance(e.start, dt.datetime) for e in rest)
    assert all(str(e["TRANSP"]) == "TRANSPARENT" for e in rest)
    assert all(e.end - e.start == dt.timedelta(days=1) for e in rest)
    assert calendar.walk("VALARM")


def test_feed_commands(run) -> None:
    plan_id = create(run)
    urls = run("feed", "url", plan_id).out
    token = re.search(r"/feeds/([\w-]+)\.ics", urls)
    assert token and len(token.group(1)) >= 22  # at least 128 bits
    assert run("feed", "url", plan_id).out == urls  # shown again, though only a hash is stored
    assert "webcal://" in urls and "calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in urls
    checkin = re.search(r"check-in: (\S+)", urls)
    assert checkin and "/c/" in checkin.group(1) and token.group(1) not in checkin.group(1)
    rotated = run("feed", "rotate", plan_id).out
    assert rotated != urls and checkin.group(1) in rotated  # the check-in secret stays
    new_secret = run("feed", "rotate", plan_id, "--checkin").out
    assert checkin.group(1) not in new_secret and rotated.splitlines()[0] == new_secret.splitlines()[0]
    assert "Revoked 2 addresses" in run("feed", "revoke", plan_id).out  # the feed and the check-in secret
    assert run("feed", "url", "nope").code == 2


def test_a_changed_feed_key_is_an_error_not_a_dead_address(run, monkeypatch) -> None:
    plan_id = create(run)
    assert run("feed", "url", plan_id).code == 0
    monkeypatch.setenv("REHAB_PLANNER_FEED_KEY", "another-key-entirely-another-key-entirely")
    changed = run("feed", "url", plan_id)
    assert changed.code == 2 and "feed key does not match" in changed.err and changed.out == ""


def test_output_file_is_written_whole(run, tmp_path) -> None:
    plan_id = create(run)
    target = tmp_path / "plan.ics"
    assert run("export", "ics", plan_id, "-o", str(target)).code == 0
    parse_everywhere(target.read_bytes())
    assert not list(tmp_path.glob(".*tmp"))
    assert run("export", "ics", plan_id, "-o", str(tmp_path / "missing" / "x.ics")).code == 2


def test_an_export_with_rest_days_never_touches_the_feed(run) -> None:
    plan_id = create(run)
    plain = export(run, plan_id)
    with_rest = parse_everywhere(export(run, plan_id, "--rest-days", "--reminder", "15"))
    assert any(str(e["SUMMARY"]) == "Rest day" for e in with_rest.events)
    again = export(run, plan_id)
    assert again == plain  # no rest day cancelled, no SEQUENCE raised, same DTSTAMP
    assert all(int(e.get("SEQUENCE", 0)) == 0 for e in with_rest.events)


def test_referral_is_a_timed_busy_event_on_the_day_it_was_raised(run) -> None:
    plan_id = create(run)
    assert run("checkin", plan_id, "--date", "2026-10-07", "--red-flag", "saddle-numbness").code == 0
    calendar = parse_everywhere(export(run, plan_id))
    (referral,) = [e for e in calendar.events if str(e["SUMMARY"]).startswith("See a clinician")]
    assert isinstance(referral.start, dt.datetime) and referral.start.date() == dt.date(2026, 10, 7)
    assert str(referral.get("TRANSP", "OPAQUE")) == "OPAQUE"
    assert "Check in after the session" not in str(referral["DESCRIPTION"])
    assert "call 112" in str(referral["DESCRIPTION"])  # Poland: the EU number


def test_a_failed_export_records_nothing(run, db_url, tmp_path) -> None:
    import sqlalchemy as sa

    plan_id = create(run)
    export(run, plan_id)
    assert run("checkin", plan_id, "--date", "2026-10-07", "--red-flag", "fever").code == 0

    def recorded() -> list[tuple[object, ...]]:
        engine = sa.create_engine(db_url)
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT uid, sequence, cancelled_at FROM file_event_sequences")
            ).all()
            stamp = connection.execute(sa.text("SELECT file_changed_at FROM plans")).scalar()
        engine.dispose()
        return [*sorted(tuple(r) for r in rows), ("stamp", stamp)]

    before = recorded()
    failed = run("export", "ics", plan_id, "-o", str(tmp_path / "missing" / "plan.ics"))
    assert failed.code == 2 and "does not exist" in failed.err
    assert recorded() == before  # the sync rolled back with the failed write
    assert run("export", "ics", plan_id, "-o", str(tmp_path / "plan.ics")).code == 0
    assert recorded() != before


def test_file_exports_with_any_option_or_base_url_leave_the_feed_as_it_was(run, db_url) -> None:
    """The feed's bytes, SEQUENCE numbers and Last-Modified depend only on the plan and the server's
    public address: file exports keep their own bookkeeping."""
    from planner.app.application import App
    from planner.app.settings import Settings

    plan_id = create(run)
    assert run("--base-url", "https://plans.example.org", "feed", "url", plan_id).code == 0
    app = App.open(Settings(db=db_url, base_url="https://plans.example.org"), clock=lambda: NOW)
    token = app.current_token(plan_id)
    assert token is not None
    feed = app.feed(app.plan(plan_id), token)
    files = []
    for options in ([], ["--rest-days"], ["--reminder", "30"], ["--rest-days", "--reminder", "5"]):
        for base in ([], ["--base-url", "https://other.example"], ["--base-url", "http://127.0.0.1:9999"]):
            result = run(*base, "export", "ics", plan_id, "-o", "-", *options)
            assert result.code == 0, result.err
            files.append(parse_everywhere(result.out.encode()))
    assert app.feed(app.plan(plan_id), token) == feed  # the same bytes and Last-Modified
    assert max(max(sequences(f).values()) for f in files) > 0  # the files did change among themselves
    assert set(sequences(parse_everywhere(feed.body)).values()) == {0}


def test_loopback_links_are_announced_once_on_stderr(run) -> None:
    plan_id = create(run)
    shown = run("feed", "url", plan_id)
    assert shown.err.count("warning:") == 1 and "http://127.0.0.1:8080" in shown.err
    assert "--base-url" in shown.err and "REHAB_PLANNER_BASE_URL" in shown.err
    exported = run("export", "ics", plan_id, "-o", "-")
    assert exported.code == 0 and exported.err.count("warning:") == 1 and "check-in links" in exported.err
    public = run("--base-url", "https://plans.example.org", "export", "ics", plan_id, "-o", "-")
    assert public.code == 0 and "warning" not in public.err
    assert "warning" not in run("--base-url", "https://plans.example.org", "feed", "url", plan_id).err


def test_feed_url_after_revoke_prints_no_address(run) -> None:
    plan_id = create(run)
    first = run("feed", "url", plan_id).out
    run("feed", "revoke", plan_id)
    after = run("feed", "url", plan_id)
    assert after.code == 2 and after.out == ""
    assert "no live address" in after.err and "feed rotate" in after.err
    assert run("export", "ics", plan_id, "-o", "-").out.count("/p/") == 0  # the file carries no dead link
    rotated = run("feed", "rotate", plan_id)
    assert rotated.code == 0 and "/feeds/" in rotated.out
    assert not {w for w in rotated.out.split() if "://" in w} & {w for w in first.split() if "://" in w}
    assert run("feed", "url", plan_id).out == rotated.out


def test_after_a_revoke_the_portal_shows_no_address_until_a_rotation(clinic: Clinic) -> None:
    """`feed revoke` stops both addresses: the patient page says so and offers the rotations; its QR
    codes, the handout and print-all refuse (409) instead of issuing live addresses again."""
    plan_id = clinic.plan_id
    feed, secret = clinic.app.secrets_for(plan_id)
    clinic.app.revoke_feed(plan_id)
    north = clinic.client()
    north.login("alex@north.example")
    base = f"/portal/patients/{plan_id}"
    status, _, page = north.request("GET", base)
    assert status == 200 and "no live address" in page
    assert "/qr/feed.svg" not in page and "/handout.pdf" not in page
    assert f"{base}/rotate/feed" in page and f"{base}/rotate/checkin" in page
    for path in (f"{base}/qr/feed.svg", f"{base}/qr/checkin.svg", f"{base}/handout.pdf"):
        status, _, body = north.request("GET", path)
        assert status == 409 and "no live address" in body and "New calendar address" in body, path
    status, _, body = north.request("POST", "/portal/print-all", {"plan": plan_id})
    assert status == 409 and plan_id in body
    assert clinic.app.current_token(plan_id) is None  # nothing was issued again
    assert clinic.app.current_token(plan_id, TokenKind.CHECKIN) is None
    assert (
        north.request("GET", f"/feeds/{feed}.ics")[0] == 404
        and north.request("GET", f"/c/{secret}")[0] == 404
    )
    assert north.request("POST", f"{base}/rotate/feed", {"confirm": "yes"})[0] == 303
    status, _, page = north.request("GET", base)
    assert "no live address" not in page and "/qr/feed.svg" in page
    assert north.request("GET", f"{base}/qr/checkin.svg")[0] == 200
    new = clinic.app.current_token(plan_id)
    assert new is not None and new != feed and north.request("GET", f"/feeds/{new}.ics")[0] == 200


def test_a_cancelled_copy_says_so_in_its_title_and_text(run) -> None:
    plan_id = create(run)
    titles = {str(e["UID"]): str(e["SUMMARY"]) for e in parse_everywhere(export(run, plan_id)).events}
    run("checkin", plan_id, "--date", "2026-10-07", "--red-flag", "fever")
    calendar = parse_everywhere(export(run, plan_id))
    cancelled = [e for e in calendar.events if str(e.get("STATUS")) == "CANCELLED"]
    assert cancelled
    for event in cancelled:
        assert str(event["SUMMARY"]) == f"Cancelled: {titles[str(event['UID'])]}"
        assert str(event["DESCRIPTION"]).startswith("Cancelled:")
    live = [e for e in calendar.events if str(e.get("STATUS")) != "CANCELLED"]
    assert not any(str(e["SUMMARY"]).startswith("Cancelled") for e in live)


def test_every_text_property_is_escaped(run) -> None:
    import vobject

    args = [*CREATE]
    args[args.index("Małgorzata Żółć")] = "O'Brien, Ana; \\ test"
    plan_id = run(*args).out.strip().splitlines()[-1]
    text = export(run, plan_id).decode()
    parse_everywhere(text.encode())
    read = vobject.readOne(text, validate=True)
    expected = "Rehab plan: O'Brien, Ana; \\ test"
    assert read.contents["x-wr-calname"][0].value == expected
    assert read.contents["name"][0].value == expected
    assert "Ana; \\" not in text and "O'Brien\\, Ana\\; \\\\ test" in text
    assert "X-WR-CALDESC:" in text and read.contents["x-wr-caldesc"][0].value.endswith("seek help.")


def test_serve_without_a_base_url_announces_and_uses_the_address_it_listens_on(run, db_url) -> None:
    import subprocess
    import sys
    import urllib.request

    from tests.servers import cli_env, free_port, serving

    plan_id = create(run)
    token = re.search(r"/feeds/([\w-]+)\.ics", run("feed", "url", plan_id).out)
    assert token
    port = free_port()
    env = {k: v for k, v in cli_env().items() if k != "REHAB_PLANNER_BASE_URL"}
    server = subprocess.Popen(
        [sys.executable, "-m", "planner", "--db", db_url, "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = serving(server)  # /start, the warning, then the readiness line: it listens now
        address = f"http://127.0.0.1:{port}"
        assert lines[-1].strip() == f"Serving feeds on {address} (public address {address})"
        assert lines[0].strip().endswith(f"{address}/start")
        assert lines[1].startswith("warning:") and "/start's calendar buttons" in lines[1]
        with urllib.request.urlopen(f"{address}/p/{token.group(1)}", timeout=60) as response:
            page = response.read().decode()
        assert f"webcal://127.0.0.1:{port}/feeds/{token.group(1)}.ics" in page
        assert "Subscribe or import the calendar file, not both" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
