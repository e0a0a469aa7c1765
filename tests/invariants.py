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


def merged(checkins: list[dict[str, Any]]) -> dict[dt.date, dict[str, Any]]:
    """One report a day, the most cautious value of each field standing."""
    days: dict[dt.date, dict[str, Any]] = {}
    for c in checkins:
        day = _date(c["date"])
        seen = days.setdefault(day, {"date": c["date"], "red_flags": [], "flare_up": False, "done": False})
        for field in ("pain_during", "pain_next_morning"):
            values = [v for v in (seen.get(field), c.get(field)) if v is not None]
            seen[field] = max(values) if values else None
        seen["red_flags"] += list(c.get("red_flags", []))
        seen["flare_up"] = seen["flare_up"] or c.get("flare_up", False)
        seen["done"] = seen["done"] or c.get("done", True)
        if c.get("soreness", "none") != "none":
            seen["soreness"] = c["soreness"]
    return days


def projection_begins(
    sessions: list[dict[str, Any]], protocol: Protocol, reported: bool, start: dt.date, today: dt.date
) -> dt.date:
    """From when unreported sessions count as projected: the eve of the next lay-off step after
    today (or today), the steps counted from the last run-day session reported done; today when no
    step is to come (after the last one, or with no report at all)."""
    if not reported:
        return today
    done_runs = [
        _date(s["date"])
        for s in sessions
        if s["status"] == "done" and s["slot"].endswith("/run") and s["kind"] != "rest"
    ]
    since = max([d for d in done_runs if d <= today], default=start - dt.timedelta(days=1))
    upcoming = [since + dt.timedelta(days=n) for n in protocol.lay_off_days]
    upcoming = [step for step in upcoming if step > today]
    return max(today, min(upcoming) - dt.timedelta(days=1)) if upcoming else today


def floor_seconds(protocol: Protocol) -> int:
    """A full week at the first running level that runs every other day, or one biggest session."""
    running = [level for level in protocol.levels if level.is_running]
    first = next((level for level in running if level.min_rest_days <= 1), running[0])
    entry = protocol.runs_per_week * max(first.running_seconds(i) for i in range(len(first.sessions)))
    biggest = max(lv.running_seconds(i) for lv in protocol.levels for i in range(len(lv.sessions)))
    return max(entry, biggest)


def check_plan(
    plan: dict[str, Any], protocol: Protocol, checkins: list[dict[str, Any]], today: dt.date
) -> None:
    sessions = plan["sessions"]
    rx = plan["prescription"]
    start = _date(rx["start"])
    runs = [s for s in sessions if s["kind"] in RUNNING]
    run_dates = [_date(s["date"]) for s in runs]
    reports = merged([c for c in checkins if start <= _date(c["date"]) <= today])
    checkins = list(reports.values())

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

    # what counts: reported done, or projected from the eve of the next lay-off step on (never before
    # today); unreported and skipped count for nothing, whatever the day the plan is viewed and
    # whatever a clinician did around them
    begins = projection_begins(sessions, protocol, bool(reports), start, today)

    def counts(s: dict[str, Any]) -> bool:
        day = _date(s["date"])
        return s["status"] == "done" or (day not in reports and day >= begins)

    for s in sessions:
        if _date(s["date"]) < today and _date(s["date"]) not in reports and s["kind"] in ACTIVE:
            assert s["status"] == "unreported", f"{s['date']} has no report but says {s['status']}"

    # a level rises only after enough counted sessions at the level below
    entered: dict[int, dt.date] = {}
    for (a_day, a_level), (b_day, b_level) in itertools.pairwise(leveled):
        entered.setdefault(a_level, a_day)
        if b_level > a_level:
            done = [
                s
                for s in sessions
                if s["level"] == protocol.levels[a_level].id
                and entered[a_level] <= _date(s["date"]) < b_day
                and counts(s)
            ]
            assert len(done) >= protocol.levels[a_level].min_sessions, f"rose on {b_day} without the reports"
            entered[b_level] = b_day
        elif b_level < a_level:
            entered[b_level] = b_day
            why = next(s for s in sessions if _date(s["date"]) == b_day and s["level"])
            reasons = {(d["verdict"], d["rule"]) for d in why["decisions"]}
            assert any(v in ("regress", "resume") or r == "lay-off" for v, r in reasons), (
                f"dropped on {b_day}"
            )

    # weekly running within the growth cap (or the floor), by calendar week and over any seven days;
    # from the first report of back pain (pain at rest at the start, or a check-in's pain above 0) the
    # cap is at most the back-pain figure, 30%, whatever the protocol's own
    floor = floor_seconds(protocol)
    painful = [
        _date(c["date"]) for c in checkins if (c["pain_during"] or 0) > 0 or (c["pain_next_morning"] or 0) > 0
    ]
    back_pain = start if rx["pain"] > 0 else min(painful, default=None)

    def cap(day: dt.date) -> float:
        own = protocol.max_weekly_growth
        return min(own, 0.3) if back_pain is not None and day >= back_pain else own

    per_day: dict[dt.date, int] = defaultdict(int)
    for s in runs:
        if counts(s):
            per_day[_date(s["date"])] += s["running_seconds"]
    seconds: dict[dt.date, int] = defaultdict(int)
    for day, value in per_day.items():
        seconds[_monday(day)] += value
    for monday, total in seconds.items():
        previous = max(
            seconds.get(monday - dt.timedelta(days=7), 0), seconds.get(monday - dt.timedelta(days=14), 0)
        )
        last_run = max(day for day in per_day if _monday(day) == monday)
        allowed = max(floor, (1 + cap(last_run)) * previous)
        assert total <= allowed + 1, f"week of {monday}: {total} s running, cap {allowed}"

    def window(end: dt.date) -> int:
        return sum(per_day.get(end - dt.timedelta(days=n), 0) for n in range(7))

    for day in per_day:
        previous = max(window(day - dt.timedelta(days=7)), window(day - dt.timedelta(days=14)))
        allowed = max(floor, (1 + cap(day)) * previous)
        assert window(day) <= allowed + 1, f"seven days to {day}: {window(day)} s running, cap {allowed}"
