"""The domain types: values are frozen attrs classes, so a plan can be compared, hashed and cached.

Example:
    >>> Dose(sets=2, reps=10, hold_seconds=4).describe()
    '2 x 10, hold 4 s'
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from planner.core.programme import Programme


class Category(enum.StrEnum):
    CORE = "core-strength"
    LOWER_BODY = "lower-body-strength"
    MOBILITY = "mobility-stretch"
    FOAM_ROLLING = "foam-rolling"
    LOW_IMPACT = "low-impact-cardio"
    WARM_UP = "warm-up"
    COOL_DOWN = "cool-down"
    WALK_RUN = "walking-running"


class Impact(enum.StrEnum):
    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Access(enum.StrEnum):
    """What a patient may not have at hand: an exercise needing one is offered only to those who do."""

    POOL = "pool"
    BIKE = "bike"
    GYM = "gym"  # an elliptical trainer, a stair climber
    FOAM_ROLLER = "foam-roller"


class Effort(enum.StrEnum):
    """How the day's strength or mobility exercises felt: the report that gates their progression."""

    EASY = "easy"
    RIGHT = "right"
    HARD = "hard"


class SessionKind(enum.StrEnum):
    RUN_WALK = "run-walk"
    RUN = "run"
    WALK = "walk"
    STRENGTH = "strength"
    MOBILITY = "mobility"
    CROSS_TRAINING = "cross-training"
    REST = "rest"
    REFERRAL = "referral"

    @property
    def is_running(self) -> bool:
        return self in (SessionKind.RUN, SessionKind.RUN_WALK)

    @property
    def is_active(self) -> bool:
        return self not in (SessionKind.REST, SessionKind.REFERRAL)


class Status(enum.StrEnum):
    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    REPLACED = "replaced"
    UNREPORTED = "unreported"  # in the past, and nobody said whether it happened


class Verdict(enum.StrEnum):
    """What a rule decided. `schedule` and `rest` cover routine placement, the rest change the course."""

    ADVANCE = "advance"
    REPEAT = "repeat"
    REGRESS = "regress"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    ESCALATE = "escalate"
    SCHEDULE = "schedule"
    REST = "rest"


class Evidence(enum.StrEnum):
    """What kind of source a rule comes from, as a patient is told (planner.core.evidence)."""

    RESEARCH = "research"  # published research or a clinical guideline
    CLINIC = "clinic"  # clinic practice, seen only second-hand (marked "unverified")
    ARTICLES = "articles"  # the health-advice articles the programme began from ("Seed articles")
    CLINICIAN = "clinician"  # the treating clinician's own assessment or decision


class Urgency(enum.IntEnum):
    """How soon a red flag needs help: the most urgent reported flag decides."""

    SOON = 1
    URGENT = 2
    EMERGENCY = 3


class Soreness(enum.StrEnum):
    """When soreness showed up, in the terms of the soreness rules (Fees et al. 1998)."""

    NONE = "none"
    WARM_UP_GONE = "warm-up-gone"
    WARM_UP_STAYS = "warm-up-stays"
    RETURNED_DURING = "returned-during"
    AFTER = "after"


class SegmentAction(enum.StrEnum):
    """What one stretch of a main set is: a low-impact stretch is neither a run nor a walk."""

    RUN = "run"
    WALK = "walk"
    LOW_IMPACT = "low-impact"


class BlockKind(enum.StrEnum):
    """The parts of a session, in the order a person does them."""

    WARM_UP = "warm-up"
    MAIN_SET = "main set"
    COOL_DOWN = "cool-down"
    EXERCISES = "exercises"
    ADVICE = "advice"
    REST = "rest"
    REFERRAL = "referral"


class ItemRole(enum.StrEnum):
    """What a line in a block is, so an exporter places it without reading its text."""

    STEP = "step"  # an exercise with its dose, or an instruction
    ADVICE = "advice"  # the level's or the protocol's advice
    PAIN_RULE = "pain-rule"  # the pain rule, which calendars print once at the end


class SlotName(enum.StrEnum):
    """Which of a day's places a session fills: with the date, it keeps a calendar UID stable."""

    RUN = "run"
    STRENGTH = "strength"
    MOBILITY = "mobility"
    REST = "rest"
    REFERRAL = "referral"


@attrs.frozen(order=True)
class SessionSlot:
    """Which of a day's places a session fills: with the plan's id, a calendar UID that stays put.
    Written "2026-03-02/run" where a text is needed (JSON, UIDs)."""

    day: dt.date
    name: SlotName

    def __str__(self) -> str:
        return f"{self.day.isoformat()}/{self.name.value}"


class LevelKind(enum.StrEnum):
    RUNNING = "running"
    WALKING = "walking"
    LOW_IMPACT = "low-impact"


@attrs.frozen
class Dose:
    """A prescribed amount of one exercise; any field may be absent."""

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    per_side: bool = False
    note: str = ""

    def describe(self) -> str:
        parts: list[str] = []
        if self.sets and self.reps:
            parts.append(f"{self.sets} x {self.reps}")
        elif self.reps:
            parts.append(f"{self.reps} reps")
        elif self.sets:
            parts.append(f"{self.sets} {'set' if self.sets == 1 else 'sets'}")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        if self.minutes:
            parts.append(f"{self.minutes} min")
        text = ", ".join(parts)
        if self.per_side:
            text += " each side"
        if self.note:
            text = f"{text} ({self.note})" if text else self.note
        return text


@attrs.frozen
class Progression:
    """How far and by how much an exercise's dose may grow: the ceiling is also the most a clinician
    may prescribe. Body-weight ladder: more reps, then a longer hold, then the harder variant."""

    reps_step: int = 0
    max_reps: int | None = None
    hold_step: int = 0
    max_hold_seconds: int | None = None
    max_sets: int | None = None
    max_minutes: int | None = None


@attrs.frozen
class Source:
    """Where a rule or a figure comes from; `verified` is False for second-hand facts."""

    label: str
    url: str = ""
    verified: bool = True

    def __str__(self) -> str:
        return self.label if self.verified else f"{self.label} (unverified)"


@attrs.frozen
class Exercise:
    id: str
    name: str
    category: Category
    body_areas: tuple[str, ...]
    equipment: tuple[str, ...]
    impact: Impact
    dose: Dose
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    cautions: tuple[str, ...]
    easier: tuple[str, ...]
    harder: tuple[str, ...]
    pose: str
    sources: tuple[str, ...]
    image: str = ""
    origin: str = ""
    needs: tuple[Access, ...] = ()
    progression: Progression = Progression()


@attrs.frozen
class Pose:
    """A stick figure on a unit grid: joint name -> (x, y), plus props drawn around it."""

    id: str
    joints: tuple[tuple[str, float, float], ...]
    props: tuple[str, ...] = ()

    def joint(self, name: str) -> tuple[float, float] | None:
        for joint, x, y in self.joints:
            if joint == name:
                return (x, y)
        return None


@attrs.frozen
class Segment:
    """One stretch of a main set: run or walk for a number of seconds."""

    action: SegmentAction
    seconds: int


@attrs.frozen
class Level:
    id: str
    name: str
    kind: LevelKind
    sessions: tuple[tuple[Segment, ...], ...]
    patterns: tuple[str, ...]
    effort: str
    min_sessions: int
    min_rest_days: int
    exercise: str
    advice: str = ""

    @property
    def is_running(self) -> bool:
        return self.kind is LevelKind.RUNNING

    def session_segments(self, nth: int) -> tuple[Segment, ...]:
        """The nth attempt at this level (0-based) cycles through the level's sessions."""
        return self.sessions[nth % len(self.sessions)]

    def running_seconds(self, nth: int) -> int:
        return sum(s.seconds for s in self.session_segments(nth) if s.action is SegmentAction.RUN)

    def total_seconds(self, nth: int) -> int:
        return sum(s.seconds for s in self.session_segments(nth))


@attrs.frozen
class EntryCriteria:
    """Who may start a protocol's running, as data: pain at rest at most `max_pain_at_rest`.
    Otherwise the plan starts with low-impact sessions, or, when `refuse` is set, is not made and
    the `suggest` protocol is named instead."""

    max_pain_at_rest: int = 5
    refuse: bool = False
    suggest: str = ""
    refer_pain_at_rest: int = 7  # at or above: a clinician's call before any self-directed plan


@attrs.frozen
class ResumeCriteria:
    """When running resumes after a pause, as data: reports on `settled_reports` different days,
    each tolerable and settled by the next morning, the first at least `first_after_days` after the
    pause began (clinic practice, unverified)."""

    settled_reports: int = 2
    first_after_days: int = 3


@attrs.frozen
class Protocol:
    id: str
    title: str
    for_whom: str
    goal: str
    entry_criteria: tuple[str, ...]
    rule_set: str
    runs_per_week: int
    strength_per_week: int
    max_level_rises_per_week: int
    max_weekly_growth: float
    warm_up_walk_minutes: int
    warm_up_drills: tuple[str, ...]
    cool_down_walk_minutes: int
    cool_down_stretches: tuple[str, ...]
    strength_exercises: tuple[str, ...]
    mobility_exercises: tuple[str, ...]
    low_impact: tuple[str, ...]
    surface_advice: str
    levels: tuple[Level, ...]
    sources: tuple[str, ...]
    origin: str = ""
    entry: EntryCriteria = EntryCriteria()
    resume: ResumeCriteria = ResumeCriteria()
    lay_off_days: tuple[int, int, int, int] = (7, 14, 28, 56)


@attrs.frozen
class Screening:
    """Background risk factors found when the plan was made (planner.core.screening ids), and the
    clinician who recorded them as assessed. Once assessed they are part of the history and never
    a stop sign; unassessed, no plan is made."""

    items: tuple[str, ...] = ()
    assessed_by: str = ""  # the clinician's name; "" when nobody has assessed them


@attrs.frozen
class Prescription:
    """What the clinician or runner asked for. Days are ISO weekday numbers, Monday = 1."""

    name: str
    start: dt.date
    timezone: str
    run_days: tuple[int, ...]
    strength_days: tuple[int, ...]
    session_time: dt.time
    pain: int
    red_flags: tuple[str, ...] = ()
    hold_running_until: dt.date | None = None
    goal: str = ""
    screening: Screening = Screening()


@attrs.frozen
class CheckIn:
    date: dt.date
    done: bool = True
    pain_during: int | None = None
    pain_next_morning: int | None = None
    soreness: Soreness = Soreness.NONE
    red_flags: tuple[str, ...] = ()
    flare_up: bool = False
    note: str = ""
    stiff_or_swollen: bool = False
    strength_felt: Effort | None = None
    # When the store recorded it (not the day it names): what a clinician's clearance covers.
    # None for a report not read from a store; then its date stands in.
    recorded_at: dt.datetime | None = attrs.field(default=None, eq=False)


class ActionKind(enum.StrEnum):
    """What a clinician did to a plan; each is kept as a record, never deleted."""

    CLEAR_RED_FLAG = "clear-red-flag"
    HOLD_RUNNING = "hold-running"  # no running from the action's date until `until`
    CLEAR_HOLD = "clear-hold"  # running may start again from the action's date
    DISCHARGE = "discharge"  # the programme ends on the action's date
    REOPEN = "reopen"  # a discharged programme goes on from the action's date (see core/care.py)
    LEVEL_UP = "level-up"  # from the action's date, one running level higher
    LEVEL_DOWN = "level-down"  # from the action's date, one running level lower
    CHANGE_WEEK = "change-week"  # from the action's date, other run days and session time
    PROGRAMME = "programme"  # from `starts`, the patient's programme is `programme`


@attrs.frozen
class ClinicianAction:
    """A clinician's decision about a plan: what, on which day, by whom and why."""

    kind: ActionKind
    date: dt.date
    by: str
    note: str
    until: dt.date | None = None  # a hold's last day off running is the day before
    run_days: tuple[int, ...] = ()  # a changed week: the new run days ...
    session_time: dt.time | None = None  # ... and the new session time
    programme: Programme | None = None  # a changed programme ...
    starts: dt.date | None = None  # ... from this day (the action's date by default)
    recorded_at: dt.datetime | None = attrs.field(default=None, eq=False)  # when the store recorded it


class RuleId(enum.StrEnum):
    """Which rule made a decision: what code, pages and exports branch on (never the sentence)."""

    PAIN_MONITORING = "pain-monitoring"
    TRAFFIC_LIGHT = "traffic-light"
    SORENESS = "soreness"
    SORENESS_DAYS_OFF = "soreness-days-off"
    STIFFNESS = "stiffness"
    PAUSE_RUNNING = "pause-running"  # running pauses from this session (a flare-up, painful sessions)
    PAUSED_SESSION = "paused-session"  # a session while running stays paused
    RESUME_RUNNING = "resume-running"
    ENTRY_CRITERIA = "entry-criteria"
    CLINICIAN_HOLD = "clinician-hold"
    CLINICIAN_LEVEL = "clinician-level"
    CLINICIAN_WEEK = "clinician-week"
    CLINICIAN_PROGRAMME = "clinician-programme"
    DISCHARGE = "discharge"
    REOPENED = "reopened"
    RED_FLAG = "red-flag"
    RED_FLAG_CLEARED = "red-flag-cleared"
    REST_BETWEEN_RUNS = "rest-between-runs"
    RUNS_PER_WEEK = "runs-per-week"
    LEVEL_ADVANCE = "level-advance"
    LEVEL_REPEAT = "level-repeat"
    LEVEL_RISES = "level-rises"
    WEEKLY_GROWTH = "weekly-growth"
    LAY_OFF = "lay-off"
    ESCALATION = "escalation"
    STRENGTH_FREQUENCY = "strength-frequency"
    MOBILITY = "mobility"
    REST_DAY = "rest-day"
    LOW_IMPACT_LEVEL = "low-impact-level"
    PROGRESSION = "progression"  # the strength and mobility exercises move up or back a step


@attrs.frozen
class Decision:
    rule: RuleId = attrs.field(converter=RuleId)  # a closed set: an unknown id fails at once
    verdict: Verdict
    text: str
    source: str


@attrs.frozen
class Item:
    """One thing to do inside a block: an exercise with its dose, a plain instruction, or advice."""

    text: str
    exercise_id: str = ""
    dose: str = ""
    role: ItemRole = ItemRole.STEP
    amount: Dose | None = None  # the dose as numbers, for a timer or a watch; `dose` is how it reads


@attrs.frozen
class Block:
    kind: BlockKind
    minutes: int
    items: tuple[Item, ...]
    segments: tuple[Segment, ...] = ()  # a walk/run main set's stretches, in order


@attrs.frozen
class Session:
    date: dt.date
    start: dt.time
    minutes: int
    kind: SessionKind
    title: str
    level: str
    blocks: tuple[Block, ...]
    status: Status
    decisions: tuple[Decision, ...]
    projected: bool
    slot: SessionSlot
    label: str  # a few words for a grid cell: the level, the low-impact choice, or the kind
    running_seconds: int = 0
    level_name: str = ""  # the progression level's name, when the session is at one (any kind)


@attrs.frozen
class Plan:
    prescription: Prescription
    protocol_id: str
    protocol_title: str
    as_of: dt.date
    sessions: tuple[Session, ...]
    referred: bool
    notes: tuple[Decision, ...]
    rule_set: str  # the protocol's rule set: which pain traffic light every channel states
    programme: Programme | None = None  # the patient's programme as it stands on `as_of`
    growth_cap: float | None = None  # the weekly growth cap in force on `as_of` (back pain lowers it)
    followed: bool = True  # a clinic follows the plan; False: the person's own, its words name no clinician

    @property
    def end(self) -> dt.date:
        return self.sessions[-1].date if self.sessions else self.prescription.start

    def runs_now(self) -> tuple[Session, ...]:
        """The latest run slot up to `as_of` and the next one after it: what running looks like now
        (a pause shows in the last one; a pause or hold decided today for the days ahead, in the next)."""
        slots = [s for s in self.sessions if s.slot.name is SlotName.RUN]
        return (
            *[s for s in slots if s.date <= self.as_of][-1:],
            *[s for s in slots if s.date > self.as_of][:1],
        )
