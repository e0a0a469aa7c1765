"""Strength and mobility that progress, gated by what the patient reports, each rule beside its source.

A part of the programme (strength, mobility) is a `Ladder`: one `Line` per prescribed exercise,
climbing rungs (exercise, dose) from the clinician's prescription. The rules:

- Two sessions in a row reported easy (done, pain in the safe range, "easy"): every exercise that
  is not fixed climbs one rung: more reps up to the exercise's ceiling, then a longer hold up to
  its ceiling, then its harder variant at that variant's own dose. ACSM position stand, Med Sci
  Sports Exerc 2009;41(3):687-708 (progress after two sessions above target; the NSCA "2-for-2"
  rule); the body-weight ladder is practical convention (unverified), so steps and ceilings are
  data in exercises/*.toml.
- Reported hard (or pain above the safe range, or soreness that stays): the same doses again.
- Painful (pain above the acceptable range, a flare-up, a warning sign): one rung back down,
  never below the prescription. Pain outranks effort (Silbernagel et al. 2007; Foster et al.,
  J Strength Cond Res 2001, for effort reports gating load).
- While running is paused, sessions use each exercise's easier variant, as before, and nothing climbs.
- A fixed dose ("do not progress") never moves. A projected session has no report: nothing climbs
  ahead of the patient's own reports.

Example:
    >>> Outcome.of(None) is Outcome.NEUTRAL
    True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from planner.core import programme as programmes
from planner.core import rules, wording
from planner.core.catalog import Library
from planner.core.model import Access, CheckIn, Decision, Dose, Effort, RuleId, Soreness, Verdict
from planner.core.pain_scale import ACCEPTABLE_PAIN, SAFE_PAIN
from planner.core.programme import Change, Part, Prescribed, Programme

PROGRESSION = (
    "ACSM position stand, Med Sci Sports Exerc 2009;41(3):687-708 (progress after two sessions above "
    "target; NSCA 2-for-2 rule); body-weight ladder: reps, hold, harder variant (convention, unverified)"
)
EFFORT_GATE = (
    "Effort reports gate progression (Foster et al., J Strength Cond Res 2001); pain outranks effort "
    "(Silbernagel et al., Am J Sports Med 2007)"
)
EASY_IN_A_ROW = 2  # ACSM 2009 / NSCA: above target in two consecutive sessions
PROGRESSING = (Part.STRENGTH, Part.MOBILITY)


class Outcome(enum.Enum):
    """What a session's report means for progression."""

    EASY = "easy"
    NEUTRAL = "neutral"  # about right, skipped, or no report: nothing to act on
    HARD = "hard"
    PAINFUL = "painful"

    @classmethod
    def of(cls, report: CheckIn | None) -> Outcome:
        if report is None or not report.done:
            return cls.NEUTRAL
        pain = max(report.pain_during or 0, report.pain_next_morning or 0)
        if report.flare_up or report.red_flags or pain > ACCEPTABLE_PAIN:
            return cls.PAINFUL
        lingering = report.soreness in (Soreness.WARM_UP_STAYS, Soreness.RETURNED_DURING, Soreness.AFTER)
        if report.strength_felt is Effort.HARD or pain > SAFE_PAIN or lingering or report.stiff_or_swollen:
            return cls.HARD
        return cls.EASY if report.strength_felt is Effort.EASY else cls.NEUTRAL


@attrs.frozen
class Rung:
    exercise: str
    dose: Dose


@attrs.frozen
class Line:
    """One prescribed exercise and the rungs it has climbed above the prescription."""

    prescribed: Prescribed
    climbed: tuple[Rung, ...] = ()

    @property
    def current(self) -> Rung:
        return self.climbed[-1] if self.climbed else Rung(self.prescribed.exercise, self.prescribed.dose)


@attrs.frozen
class Ladder:
    """A part of the programme as it has progressed, with its run of easy reports."""

    part: Part
    lines: tuple[Line, ...]
    easy_in_a_row: int = 0
    news: tuple[Decision, ...] = ()  # shown on the part's next session

    def items(self, library: Library, *, easier: bool) -> tuple[Rung, ...]:
        """The session's exercises; `easier` (a pause) swaps each unfixed one for its easier variant."""
        rungs: dict[str, Rung] = {}
        for line in self.lines:
            rung = line.current
            exercise = library.exercise(rung.exercise)
            if easier and not line.prescribed.fixed and exercise.easier:
                variant = library.exercise(exercise.easier[0])
                rung = Rung(variant.id, variant.dose)
            rungs.setdefault(rung.exercise, rung)
        return tuple(rungs.values())


def _ladder(part: Part, programme: Programme, before: Ladder | None) -> Ladder:
    """A part after a programme change: exercises prescribed as before keep what they climbed."""
    kept = {line.prescribed: line for line in before.lines} if before else {}
    lines = tuple(kept.get(p, Line(p)) for p in programme.part(part))
    unchanged = before is not None and all(p in kept for p in programme.part(part))
    return Ladder(
        part, lines, before.easy_in_a_row if before and unchanged else 0, before.news if before else ()
    )


def step_up(
    line: Line, part: Part, library: Library, access: Iterable[Access], taken: set[str]
) -> Rung | None:
    """The next rung: more reps to the ceiling, then a longer hold to the ceiling, then the harder
    variant (one the patient can do and is not already doing); None at the top."""
    rung = line.current
    exercise = library.exercise(rung.exercise)
    ceiling, dose = exercise.progression, rung.dose
    if ceiling.reps_step and ceiling.max_reps and dose.reps and dose.reps < ceiling.max_reps:
        return Rung(
            rung.exercise, attrs.evolve(dose, reps=min(dose.reps + ceiling.reps_step, ceiling.max_reps))
        )
    hold = dose.hold_seconds
    if ceiling.hold_step and ceiling.max_hold_seconds and hold and hold < ceiling.max_hold_seconds:
        longer = min(hold + ceiling.hold_step, ceiling.max_hold_seconds)
        return Rung(rung.exercise, attrs.evolve(dose, hold_seconds=longer))
    for harder_id in exercise.harder:
        harder = library.exercise(harder_id)
        usable = harder.category in programmes.CATEGORIES[part] and programmes.can_do(harder, access)
        if usable and harder_id not in taken:
            return Rung(harder_id, harder.dose)
    return None


def _describe(before: Rung, after: Rung, library: Library) -> str:
    if before.exercise == after.exercise:
        return wording.PROGRESS_DOSE.format(
            name=library.exercise(after.exercise).name, dose=after.dose.describe()
        )
    return wording.PROGRESS_VARIANT.format(
        name=library.exercise(before.exercise).name,
        variant=library.exercise(after.exercise).name,
        dose=after.dose.describe(),
    )


def _climb(ladder: Ladder, library: Library, access: tuple[Access, ...], day: dt.date) -> Ladder:
    taken = {line.current.exercise for line in ladder.lines}
    lines, said = [], []
    for line in ladder.lines:
        nxt = None if line.prescribed.fixed else step_up(line, ladder.part, library, access, taken)
        if nxt is None:
            lines.append(line)
            continue
        taken.add(nxt.exercise)
        said.append(_describe(line.current, nxt, library))
        lines.append(attrs.evolve(line, climbed=(*line.climbed, nxt)))
    part = ladder.part.value
    if said:
        text = wording.PROGRESS_UP.format(part=part, changes="; ".join(said))
        decision = Decision(RuleId.PROGRESSION, Verdict.ADVANCE, text, PROGRESSION)
    else:
        decision = Decision(
            RuleId.PROGRESSION, Verdict.REPEAT, wording.PROGRESS_AT_CEILING.format(part=part), PROGRESSION
        )
    return attrs.evolve(
        ladder, lines=tuple(lines), easy_in_a_row=0, news=(*ladder.news, rules.from_report(decision, day))
    )


def _ease(ladder: Ladder, library: Library, day: dt.date) -> Ladder:
    lines, said = [], []
    for line in ladder.lines:
        if line.prescribed.fixed or not line.climbed:
            lines.append(line)
            continue
        back = attrs.evolve(line, climbed=line.climbed[:-1])
        said.append(_describe(line.current, back.current, library))
        lines.append(back)
    part = ladder.part.value
    if said:
        decision = Decision(
            RuleId.PROGRESSION,
            Verdict.REGRESS,
            wording.PROGRESS_EASE.format(part=part, changes="; ".join(said)),
            EFFORT_GATE,
        )
    else:
        decision = Decision(
            RuleId.PROGRESSION, Verdict.REPEAT, wording.PROGRESS_EASE_NONE.format(part=part), EFFORT_GATE
        )
    return attrs.evolve(
        ladder, lines=tuple(lines), easy_in_a_row=0, news=(*ladder.news, rules.from_report(decision, day))
    )


def after_session(
    ladder: Ladder, report: CheckIn | None, library: Library, access: tuple[Access, ...], *, paused: bool
) -> Ladder:
    """The ladder after one of its sessions: only real reports move it, and nothing moves in a pause."""
    outcome = Outcome.NEUTRAL if paused else Outcome.of(report)
    day = report.date if report is not None else dt.date.min
    if outcome is Outcome.EASY:
        ladder = attrs.evolve(ladder, easy_in_a_row=ladder.easy_in_a_row + 1)
        return _climb(ladder, library, access, day) if ladder.easy_in_a_row >= EASY_IN_A_ROW else ladder
    if outcome is Outcome.PAINFUL:
        return _ease(ladder, library, day)
    if outcome is Outcome.HARD:
        decision = Decision(
            RuleId.PROGRESSION,
            Verdict.REPEAT,
            wording.PROGRESS_STAY.format(part=ladder.part.value),
            EFFORT_GATE,
        )
        return attrs.evolve(ladder, easy_in_a_row=0, news=(*ladder.news, rules.from_report(decision, day)))
    return attrs.evolve(ladder, easy_in_a_row=0)


@attrs.frozen
class Track:
    """The programme as it stands on the day the plan has walked to, its progressing parts, and the
    clinician's changes still to come. Each step returns a new Track."""

    programme: Programme
    strength: Ladder
    mobility: Ladder
    upcoming: tuple[Change, ...] = ()
    news: tuple[Decision, ...] = ()  # a clinician's change, told on the next exercise session

    @classmethod
    def start(cls, initial: Programme, changes: Iterable[Change] = ()) -> Track:
        return cls(
            initial,
            _ladder(Part.STRENGTH, initial, None),
            _ladder(Part.MOBILITY, initial, None),
            tuple(changes),
        )

    def ladder(self, part: Part) -> Ladder:
        return self.strength if part is Part.STRENGTH else self.mobility

    def with_ladder(self, ladder: Ladder) -> Track:
        if ladder.part is Part.STRENGTH:
            return attrs.evolve(self, strength=ladder)
        return attrs.evolve(self, mobility=ladder)

    def on(self, day: dt.date, library: Library) -> Track:
        """The track on `day`: the clinician's changes that start by then are applied."""
        track = self
        while track.upcoming and track.upcoming[0].starts <= day:
            change, rest = track.upcoming[0], track.upcoming[1:]
            said = programmes.changes(track.programme, change.programme, library)
            news = track.news
            if said:
                text = wording.PROGRAMME_CHANGED.format(
                    by=change.action.by, day=f"{change.starts:%d %B %Y}", changes="; ".join(said)
                )
                news = (*news, Decision(RuleId.CLINICIAN_PROGRAMME, Verdict.SCHEDULE, text, rules.CLEARANCE))
            track = Track(
                change.programme,
                _ladder(Part.STRENGTH, change.programme, track.strength),
                _ladder(Part.MOBILITY, change.programme, track.mobility),
                rest,
                news,
            )
        return track

    def session(
        self, part: Part, library: Library, report: CheckIn | None, *, paused: bool
    ) -> tuple[Track, tuple[Rung, ...], tuple[Decision, ...]]:
        """One session of `part`: its exercises, the news it carries, and the track after its report."""
        ladder = self.ladder(part)
        items = ladder.items(library, easier=paused)
        news = (*self.news, *ladder.news)
        after = after_session(
            attrs.evolve(ladder, news=()), report, library, self.programme.access, paused=paused
        )
        return attrs.evolve(self.with_ladder(after), news=()), items, news

    def low_impact(self) -> tuple[str, ...]:
        return self.programme.ids(Part.LOW_IMPACT)
