"""Clinical rules, second pass (issue 20): a flare-up resumes with a margin, severe pain at rest is a
clinician's call, back pain caps weekly growth whatever the protocol, and refusals lead somewhere."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from planner.core import intake, rules, wording
from planner.core.model import CheckIn, Prescription, RuleId, Verdict
from planner.core.prescription_checks import default_strength_days
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog

CATALOG = builtin_catalog()
START = dt.date(2026, 3, 2)  # a Monday


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def rx(pain: int = 1, **changes: object) -> Prescription:
    base = Prescription(
        "Ana", START, "Europe/London", (1, 3, 6), default_strength_days((1, 3, 6), 2), dt.time(7), pain
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def plan(checkins, today, protocol="lbp-return-to-run", prescription=None):
    return build(prescription or rx(), CATALOG.protocol(protocol), CATALOG.library, checkins, today)


def settled(n: int) -> CheckIn:
    return CheckIn(day(n), pain_during=2, pain_next_morning=1)


def resumed_on(p) -> dt.date | None:
    return next((s.date for s in p.sessions for d in s.decisions if d.rule is RuleId.RESUME_RUNNING), None)


# -- item 4: a flare-up resumes with a margin -------------------------------------------------------
def test_one_tolerable_report_after_a_flare_up_does_not_restart_running() -> None:
    """Pain 7/10 in a flare-up on day 2, one tolerable low-impact session on day 4: still paused."""
    flare = CheckIn(day(2), flare_up=True, pain_during=7)
    p = plan([settled(0), flare, settled(4)], today=day(6))
    assert resumed_on(p) is None or resumed_on(p) >= day(6)  # only a projection may resume
    assert not any(s.kind.is_running for s in p.sessions if day(2) < s.date <= day(6))


def test_reports_on_two_days_after_the_margin_restart_running() -> None:
    resume = CATALOG.protocol("lbp-return-to-run").resume
    flare = CheckIn(day(2), flare_up=True, pain_during=7)
    first = 2 + resume.first_after_days
    p = plan([settled(0), flare, settled(first), settled(first + 2)], today=day(first + 2))
    decision = next(d for s in p.sessions for d in s.decisions if d.rule is RuleId.RESUME_RUNNING)
    assert decision.text.startswith(
        wording.RESUME.format(reports="check-ins on 2 different days", level="X")[:40]
    )
    assert resumed_on(p) > day(first + 2)
    assert rules.RESUME_MARGIN in decision.source


def test_a_report_too_early_or_an_unsettled_one_starts_the_count_again() -> None:
    flare = CheckIn(day(2), flare_up=True, pain_during=7)
    early = plan([flare, settled(3), settled(5)], today=day(5))  # day 3 is inside the margin
    assert resumed_on(early) is None or resumed_on(early) > day(5)
    broken = [flare, settled(5), CheckIn(day(6), pain_during=3, pain_next_morning=5), settled(7)]
    p = plan(broken, today=day(7))
    assert resumed_on(p) is None or resumed_on(p) > day(7)
    assert resumed_on(plan([*broken, settled(9)], today=day(9))) > day(9)


def test_the_pause_says_what_resumes_it() -> None:
    flare = CheckIn(day(2), flare_up=True, pain_during=7)
    pause = next(
        d for s in plan([flare], today=day(3)).sessions for d in s.decisions if d.rule is RuleId.PAUSE_RUNNING
    )
    assert "check-ins on 2 different days, the first at least 3 days after the pause began" in pause.text


# -- item 5: severe pain at rest is a clinician's call ----------------------------------------------
def test_severe_pain_at_rest_ends_start_with_advice() -> None:
    answers = intake.Intake(
        pain_at_rest=10, walking_comfortable=False, ran_before=True, flare_up=False, minimal_shoes=False
    )
    choice = intake.choose(answers, CATALOG)
    assert choice.see_clinician and choice.reasons == (wording.INTAKE_SEVERE_PAIN.format(pain=10),)
    moderate = intake.choose(attrs.evolve(answers, pain_at_rest=6), CATALOG)
    assert not moderate.see_clinician and moderate.protocol_id == intake.FLARE_UP_RESTART


@pytest.mark.parametrize("pain", [7, 9, 10])
def test_severe_pain_needs_a_clinicians_hold(pain: int) -> None:
    restart = CATALOG.protocol("flare-up-restart")
    refusal = rules.entry_refusal(restart, rx(pain), CATALOG.protocols)
    assert refusal == wording.SEVERE_PAIN_REFUSED.format(pain=pain, limit=7)
    held = rx(pain, hold_running_until=day(14))
    assert rules.entry_refusal(restart, held, CATALOG.protocols) is None
    p = build(held, restart, CATALOG.library, (), day(0))
    note = next(d for d in p.notes if rules.SEVERE_PAIN in d.source)
    assert f"{pain}/10" in note.text and "16 March 2026" in note.text and note.verdict is Verdict.PAUSE
    assert rules.entry_refusal(restart, rx(6), CATALOG.protocols) is None


# -- item 8: refusals that lead somewhere; barefoot's entry matches its criteria ------------------
def test_a_refusal_names_a_protocol_that_accepts_the_person() -> None:
    barefoot = CATALOG.protocol("barefoot-transition")
    refusal = rules.entry_refusal(barefoot, rx(5), CATALOG.protocols)
    assert refusal is not None and "use the flare-up-restart protocol instead" in refusal
    assert "lbp-return-to-run protocol instead" in (
        rules.entry_refusal(barefoot, rx(2), CATALOG.protocols) or ""
    )
    assert rules.entry_refusal(barefoot, rx(0), CATALOG.protocols) is None
    assert "running regularly without pain" in " ".join(barefoot.entry_criteria).lower()
    assert barefoot.entry.max_pain_at_rest == 0
    severe = rules.entry_refusal(CATALOG.protocol("lbp-return-to-run"), rx(8), CATALOG.protocols)
    assert severe is not None and "GP or physiotherapist" in severe
