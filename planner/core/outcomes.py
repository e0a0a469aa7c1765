"""Outcome measures: what a patient reports about their pain and function over the programme, each
score checked against its measure, its change from the first score and whether that change reaches
the measure's minimal important change (MIC). Pure: the measures are data (templates/measures/),
today is an argument.

When a measure is asked (`due`): at the start (if the measure has a baseline), every few weeks (the
measure's own interval, else the clinic's setting) and at discharge; a measure stays due from one
of those days until a score is recorded (within DUE_GRACE_DAYS before it counts).

Example:
    >>> nprs = Measure("nprs", "Pain", "How bad?", Scoring.SCORE, 0, 10, better_higher=False,
    ...     mic=2, mic_fraction=0.3, mic_rule=MicRule.CHANGE, source="", mic_source="")
    >>> first = record(nprs, dt.date(2026, 3, 2), "6", ())
    >>> later = record(nprs, dt.date(2026, 3, 23), "3", ())
    >>> progress = course(nprs, (first, later))
    >>> progress.change, progress.reached
    (-3.0, True)
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence

import attrs

from planner.core.exceptions import InputError, NotFound
from planner.core.parsing import parse_text

DEFAULT_EVERY_WEEKS = 3  # the clinic's setting unless changed: "every 2-4 weeks" (clinical-notes.md)
DUE_GRACE_DAYS = 3  # a score a few days before a due day counts for it
MAX_ACTIVITY = 80


class Scoring(enum.StrEnum):
    SCORE = "score"  # one number (NPRS, GROC)
    ACTIVITIES = "activities"  # activities the patient names, each scored; the score is their mean (PSFS)


class MicRule(enum.StrEnum):
    CHANGE = "change"  # the change from the first score reaches `mic` points (or `mic_fraction`)
    RATING = "rating"  # the rating itself reaches `mic` (a rating of change needs no baseline)


@attrs.frozen
class Measure:
    id: str
    title: str
    question: str
    scoring: Scoring
    low: int
    high: int
    better_higher: bool
    mic: float
    mic_rule: MicRule
    source: str
    mic_source: str
    mic_fraction: float | None = None
    low_label: str = ""
    high_label: str = ""
    min_items: int = 1
    max_items: int = 1
    every_weeks: int | None = None  # None: the clinic's setting
    at_start: bool = True
    licence: str = ""

    @property
    def mic_text(self) -> str:
        points = f"{self.mic:g} point{'s' if self.mic != 1 else ''}"
        if self.mic_rule is MicRule.RATING:
            return f"a rating of {self.mic:+g} or more"
        share = f" or {self.mic_fraction:.0%}" if self.mic_fraction else ""
        return f"{'a rise' if self.better_higher else 'a fall'} of {points}{share}"


@attrs.frozen
class OutcomeScore:
    """One recorded score: for activities, each (activity, score) and their mean as `score`."""

    measure: str
    date: dt.date
    score: float
    items: tuple[tuple[str, int], ...] = ()
    source: str = ""


@attrs.frozen
class Course:
    """A measure's scores, oldest first, with the change from the first and whether it reaches the
    MIC (None until there is something to judge)."""

    measure: Measure
    scores: tuple[OutcomeScore, ...]
    change: float | None
    reached: bool | None


def measure_for(measures: dict[str, Measure], measure_id: str) -> Measure:
    found = measures.get(measure_id.strip().lower())
    if found is None:
        raise NotFound(f"measure: unknown measure {measure_id!r}; known: {', '.join(sorted(measures))}")
    return found


def _value(measure: Measure, text: str, field: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]{1,3}", text.strip()):
        raise InputError(f"{field}: {text!r} is not a whole number")
    value = int(text.strip())
    if not measure.low <= value <= measure.high:
        raise InputError(
            f"{field}: {value} is outside {measure.low} to {measure.high} on the {measure.title}"
        )
    return value


def parse_activity(measure: Measure, text: str) -> tuple[str, int]:
    """ "Running for a bus=4" -> ("Running for a bus", 4)."""
    name, sign, value = text.rpartition("=")
    if not sign:
        raise InputError(f"activity: {text!r} is not in the form TEXT=N")
    activity = parse_text(name, "activity", limit=MAX_ACTIVITY, required=True)
    return activity, _value(measure, value, f"activity {activity!r}")


def record(
    measure: Measure, date: dt.date, score: str | None, activities: Sequence[str], source: str = ""
) -> OutcomeScore:
    """A checked score: one value for a scored measure, MIN..MAX named activities for the other."""
    if measure.scoring is Scoring.SCORE:
        if activities:
            raise InputError(f"activity: the {measure.title} takes one score (--score), not activities")
        if score is None or not score.strip():
            raise InputError(f"score: the {measure.title} needs a score from {measure.low} to {measure.high}")
        return OutcomeScore(measure.id, date, float(_value(measure, score, "score")), (), source)
    if score is not None and score.strip():
        raise InputError(f'score: the {measure.title} is scored by its activities (--activity "TEXT=N")')
    items = tuple(parse_activity(measure, text) for text in activities)
    if not measure.min_items <= len(items) <= measure.max_items:
        raise InputError(
            f"activity: the {measure.title} needs {measure.min_items} to {measure.max_items} activities, "
            f"not {len(items)}"
        )
    names = [name.casefold() for name, _ in items]
    if len(set(names)) != len(names):
        raise InputError("activity: an activity is named twice")
    mean = round(sum(value for _, value in items) / len(items), 2)
    return OutcomeScore(measure.id, date, mean, items, source)


def course(measure: Measure, scores: Iterable[OutcomeScore]) -> Course:
    mine = tuple(sorted((s for s in scores if s.measure == measure.id), key=lambda s: s.date))
    if not mine:
        return Course(measure, (), None, None)
    latest = mine[-1]
    if measure.mic_rule is MicRule.RATING:
        return Course(measure, mine, None, latest.score >= measure.mic)
    if len(mine) < 2:
        return Course(measure, mine, None, None)
    first = mine[0].score
    change = round(latest.score - first, 2)
    better = change if measure.better_higher else -change
    share = better / abs(first) if first else 0.0
    reached = better >= measure.mic or (measure.mic_fraction is not None and share >= measure.mic_fraction)
    return Course(measure, mine, change, reached)


def due_days(
    measure: Measure, start: dt.date, today: dt.date, every_weeks: int, discharged: dt.date | None
) -> list[dt.date]:
    """The days on which the measure is asked, up to today."""
    weeks = measure.every_weeks or every_weeks
    days = [start] if measure.at_start else []
    day = start + dt.timedelta(weeks=weeks)
    end = min(today, discharged) if discharged else today
    while day <= end:
        days.append(day)
        day += dt.timedelta(weeks=weeks)
    if discharged is not None and discharged <= today:
        days.append(discharged)
    return [d for d in days if d <= today]


def due(
    measures: Iterable[Measure],
    scores: Iterable[OutcomeScore],
    start: dt.date,
    today: dt.date,
    every_weeks: int = DEFAULT_EVERY_WEEKS,
    discharged: dt.date | None = None,
) -> tuple[Measure, ...]:
    """The measures asked on or before today and not answered since."""
    scores = list(scores)
    waiting = []
    for measure in measures:
        days = due_days(measure, start, today, every_weeks, discharged)
        if not days:
            continue
        since = days[-1] - dt.timedelta(days=DUE_GRACE_DAYS)
        if not any(s.measure == measure.id and s.date >= since for s in scores):
            waiting.append(measure)
    return tuple(waiting)


def course_to_dict(progress: Course) -> dict[str, object]:
    """A measure's course as plain data: what `outcome show --format json` prints."""
    measure = progress.measure
    return {
        "measure": measure.id,
        "title": measure.title,
        "range": [measure.low, measure.high],
        "better": "higher" if measure.better_higher else "lower",
        "minimal_important_change": measure.mic_text,
        "mic_source": measure.mic_source,
        "source": measure.source,
        "scores": [
            {
                "date": s.date.isoformat(),
                "score": s.score,
                "activities": [{"activity": name, "score": value} for name, value in s.items],
                "recorded_by": s.source,
            }
            for s in progress.scores
        ],
        "change_from_first": progress.change,
        "reaches_mic": progress.reached,
    }


def reached_text(progress: Course) -> str:
    """ "yes", "no" or "not yet known" (a single score of a measure judged by its change)."""
    return {True: "yes", False: "no", None: "not yet known"}[progress.reached]
