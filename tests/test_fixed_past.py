"""The past is fixed: 90 days of a plan as a subscribed calendar sees it. Each day the clock moves
to that evening, the reports that arrived that day are stored, and the live feed is fetched from
the server's own route (/feeds/<token>.ics, with its SEQUENCE table), then parsed. Reports: done,
skipped, painful and late ones, a flare-up, silences of 33 and 22 days.

What must hold: no past event changes on a day without a report about that day (or an earlier one,
for a report sent late); on a silent day the feed changes only at a documented step of the
silence (7, 14, 28 and 56 days off running; two weeks of a silent pause), and after the last step
it stops changing. A plan nobody starts is projected from today as if the coming sessions go well:
it never rises without a report, its feed moves only the day after a run-day session passed
unreported, and its expected end keeps its distance from today (the same weekday, the same
distance) instead of waiting a year at its first level."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import attrs
import icalendar

from planner.app.application import App
from planner.app.settings import Settings
from planner.core.model import CheckIn, Prescription
from planner.web import create_app

START = dt.date(2027, 3, 1)  # a Monday; Europe/London changes its clocks on day 27
ZONE = "Europe/London"
RX = Prescription("Ana", START, ZONE, (1, 3, 6), (2, 4), dt.time(7, 30), pain=1)
PROTOCOL = "lbp-return-to-run"
DAYS = 90


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def good(n: int) -> CheckIn:
    return CheckIn(day(n), done=True, pain_during=1, pain_next_morning=0)


# (the day it arrives, the report): a month of reports, 33 silent days, reports again with a
# flare-up and a late one, then 22 more silent days.
ARRIVALS: list[tuple[int, CheckIn]] = [
    *((n, good(n)) for n in (0, 2, 5, 7, 9)),
    (12, CheckIn(day(12), done=False)),  # skipped
    (14, good(14)),
    (16, CheckIn(day(16), done=True, pain_during=5, pain_next_morning=2)),  # painful, settled
    (19, good(19)),
    (21, good(21)),
    # silence from day 22 to day 54
    (55, good(55)),
    (57, good(57)),
    (60, CheckIn(day(60), done=True, pain_during=6, flare_up=True)),
    (62, good(62)),
    (66, good(64)),  # about day 64, sent two days late
    (66, good(66)),
    (68, good(68)),
    # silence from day 69 to day 90
]

STEPS = (7, 14, 28, 56)  # the protocol's lay-off days: days off running since a run reported done
SAID = ("SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "STATUS")
EXPIRY = 30  # days a cancelled copy stays in the feed
TIME_OFF_ENDS = ("Running", "Walking", "Cross-training")  # a run-day session, or what replaced it


@attrs.frozen
class Event:
    day: dt.date
    sequence: int
    said: str  # title, text, times and status
    category: str

    @property
    def cancelled(self) -> bool:
        return self.said.endswith("CANCELLED")


def feeds(tmp_path: Path, arrivals: list[tuple[int, CheckIn]]) -> list[dict[str, Event]]:
    """The feed as fetched each evening from day 0 to DAYS: uid -> event."""
    zone = zoneinfo.ZoneInfo(ZONE)
    clock = [dt.datetime.combine(START, dt.time(20), tzinfo=zone)]
    settings = Settings(db=f"sqlite:///{tmp_path / 'plans.db'}", base_url="https://plans.example.org")
    app = App.open(settings, clock=lambda: clock[0])
    plan_id = app.create_plan(PROTOCOL, RX)
    token, _ = app.secrets_for(plan_id)
    client = create_app(app).test_client()
    seen = []
    for n in range(DAYS + 1):
        clock[0] = dt.datetime.combine(day(n), dt.time(20), tzinfo=zone)
        for arrived, report in arrivals:
            if arrived == n:
                app.record_checkin(plan_id, report)
        answer = client.get(f"/feeds/{token}.ics")
        assert answer.status_code == 200
        seen.append(events(answer.data))
    return seen


def events(body: bytes) -> dict[str, Event]:
    found = {}
    for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        start = event.decoded("DTSTART")
        when = start.astimezone(zoneinfo.ZoneInfo(ZONE)).date() if isinstance(start, dt.datetime) else start
        said = "\n".join(str(event.get(key, "")) for key in SAID)
        category = str(event["CATEGORIES"].cats[0]) if "CATEGORIES" in event else ""
        found[str(event["UID"])] = Event(when, int(event.get("SEQUENCE", 0)), said, category)
    return found


@attrs.frozen
class Measured:
    wrong: list[str]  # past events changed with no report about their day (or an earlier one)
    moved: list[int]  # silent days on which the feed changed (other than cancelled copies leaving)
    steps: list[int]  # silent days that are a documented step: 7, 14, 28, 56 days off running
    expired: list[int]  # days on which cancelled copies left the feed, 30 days after cancelling
    after_runs: list[int]  # silent days after a day with a run-day session (or what replaced it)
    ends: list[int]  # for each day, how many days after it the last live event falls


def measure(tmp_path: Path, arrivals: list[tuple[int, CheckIn]]) -> Measured:
    seen = feeds(tmp_path, arrivals)
    result = Measured([], [], [], [], [], [(max(e.day for e in seen[0].values()) - START).days])
    cancelled_on: dict[str, int] = {}
    for n in range(1, DAYS + 1):
        before, now = seen[n - 1], seen[n]
        reported = [c.date for arrived, c in arrivals if arrived == n]
        for uid, event in now.items():
            if event.cancelled:
                cancelled_on.setdefault(uid, n)
        left = [uid for uid in before if uid not in now and before[uid].cancelled]
        assert all(n - cancelled_on.get(uid, 0) >= EXPIRY for uid in left), f"day {n}: left too soon"
        if left:
            result.expired.append(n)
        for uid, event in before.items():
            if event.day >= day(n) or uid in left or now.get(uid) == event:
                continue
            if not reported or event.day < min(reported):
                result.wrong.append(f"day {n}: the event of {event.day} changed")
        if not reported and {u: e for u, e in before.items() if u not in left} != now:
            result.moved.append(n)
        done = [e.day for e in before.values() if "(done)" in e.said and e.category in TIME_OFF_ENDS]
        since = max(done, default=START - dt.timedelta(days=1))
        if not reported and (day(n) - since).days in STEPS:
            result.steps.append(n)
        if not reported and any(e.day == day(n - 1) and e.category in TIME_OFF_ENDS for e in before.values()):
            result.after_runs.append(n)
        result.ends.append((max(e.day for e in now.values() if not e.cancelled) - day(n)).days)
    return result


def test_ninety_days_of_reports_and_silences_never_rewrite_the_past(tmp_path: Path) -> None:
    measured = measure(tmp_path, ARRIVALS)
    assert measured.wrong == []
    # silent days move the feed exactly at the documented steps of both silences
    assert measured.moved == measured.steps == [26, 33, 47, 75, 82], measured
    assert measured.expired  # cancelled copies do leave, each 30 days after it was cancelled


def test_a_plan_nobody_starts_moves_with_today_and_keeps_its_length(tmp_path: Path) -> None:
    measured = measure(tmp_path, [])
    assert measured.wrong == []
    # the feed moves the day after a run-day session passed unreported (after the first one it
    # also says "Ready to start?"), and on no other silent day
    assert measured.moved == measured.after_runs and measured.moved[:3] == [1, 6, 10], measured
    # the expected end is as far from each day as from the same weekday a week before, and within a
    # week of the whole programme's length on the day it was made
    assert all(measured.ends[n] == measured.ends[n - 7] for n in range(8, DAYS + 1)), measured.ends
    assert all(abs(end - measured.ends[0]) < 7 for end in measured.ends), measured.ends
