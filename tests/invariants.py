"""Independent checks of a plan in its JSON form (`plan show --format json`): they re-derive each
invariant from dates, kinds and levels instead of trusting the planner's own decisions."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from planner.core.model import Protocol

RUNNING = {"run", "run-walk"}
ACTIVE = {"run", "run-walk", "walk", "strength", "mobility", "cross-training"}


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def check_plan(plan: dict[str, Any], protocol: Protocol, checkins: list[dict[str, Any]]) -> None:
    sessions = plan["sessions"]
    rx = plan["prescription"]
    start = _date(rx["start"])
    runs = [s for s in sessions if s["kind"] in RUNNING]
    run_dates = [_date(s["date"]) for s in runs]

    # no runs on consecutive days (nor two on one day)
    for a, b in itertools.pairwise(run_dates):
        assert (b - a).days >= 2, f"runs on {a} and {b}"

    # every session explains itself, with a source
    for s in sessions:
        assert s["decisions"], f"no decision on {s['date']}"
        assert all(d["source"] and d["text"] for d in s["decisions"])

    # a referral ends the plan; nothing active on or after it other than what was already done
    referrals = [s for s in sessions if s["kind"] == "referral"]
    if referrals:
        assert sessions[-1]["kind"] == "referral" and len(referrals) == 1
        assert not any(s["kind"] in ACTIVE and s["date"] > referrals[0]["date"] for s in sessions)

    # clinician hold: no running before the date
    if rx["hold_running_until"]:
        hold = _date(rx["hold_running_until"])
        assert all(d >= hold for d in run_dates), "ran during a clinician's hold"

    # paused: after a flare-up (or two too-painful reports), the next run carries a resume decision
    painful_streak = 0
    for checkin in sorted(checkins, key=lambda c: c["date"]):
        day = _date(checkin["date"])
        too_painful = (checkin.get("pain_during") or 0) > 5 or (checkin.get("pain_next_morning") or 0) > 5
        painful_streak = painful_streak + 1 if too_painful else 0
        if checkin.get("flare_up") or painful_streak >= 2:
            later = [s for s in sessions if _date(s["date"]) > day and s["level"]]
            if later:
                assert any(d["verdict"] == "resume" for d in later[0]["decisions"]), (
                    f"level session on {later[0]['date']} while paused since {day}"
                )
                assert not any(day < d < _date(later[0]["date"]) for d in run_dates)

    # full weeks: a rest day, and strength 2-3 times unless paused, held or referred
    by_week: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for s in sessions:
        by_week[_monday(_date(s["date"]))].append(s)
    for monday, week in by_week.items():
        days = {s["date"] for s in week}
        if len(days) < 7 or monday < start:
            continue
        rest_days = [
            d for d in days if all(s["kind"] in ("rest", "referral") for s in week if s["date"] == d)
        ]
        assert rest_days, f"no rest day in the week of {monday}"
        strength = sum(1 for s in week if s["kind"] == "strength")
        assert 2 <= strength <= 3, f"{strength} strength sessions in the week of {monday}"

    # level rises: at most the protocol's limit in any seven days, none right after a painful report
    index = {level.id: i for i, level in enumerate(protocol.levels)}
    leveled = [(_date(s["date"]), index[s["level"]]) for s in sessions if s["level"] in index]
    rises = [b[0] for a, b in itertools.pairwise(leveled) if b[1] > a[1]]
    for day in rises:
        window = [r for r in rises if 0 <= (day - r).days < 7]
        assert len(window) <= protocol.max_level_rises_per_week, f"too many rises by {day}"
    for checkin in checkins:
        day = _date(checkin["date"])
        painful = (
            (checkin.get("pain_during") or 0) > 5
            or (checkin.get("pain_next_morning") or 0) > 3
            or checkin.get("soreness", "none") != "none"
        )
        before = [lv for d, lv in leveled if d <= day]
        after = [lv for d, lv in leveled if d > day]
        if painful and before and after:
            assert after[0] <= before[-1], f"level rose right after a painful check-in on {day}"

    # weekly running minutes within the growth cap (or the entry load)
    first = next(level for level in protocol.levels if level.is_running)
    floor = protocol.runs_per_week * max(first.running_seconds(i) for i in range(len(first.sessions)))
    seconds: dict[dt.date, int] = defaultdict(int)
    for s in runs:
        seconds[_monday(_date(s["date"]))] += s["running_seconds"]
    for monday, total in seconds.items():
        previous = max(
            seconds.get(monday - dt.timedelta(days=7), 0), seconds.get(monday - dt.timedelta(days=14), 0)
        )
        allowed = max(floor, (1 + protocol.max_weekly_growth) * previous)
        assert total <= allowed + 1, f"week of {monday}: {total} s running, cap {allowed}"
