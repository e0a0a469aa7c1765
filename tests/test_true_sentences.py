"""Every sentence true (issue 20, item 8): a pain sentence states only the scores that were
reported ("rose overnight" only with both), resuming after a pause needs both scores because its
sentence says the pain was tolerable and settled, and numbers are written one way (figures)."""

from __future__ import annotations

import datetime as dt
import re

import attrs
from hypothesis import given
from hypothesis import strategies as st

from planner.core import rules, wording
from planner.core.model import CheckIn, Prescription, RuleId, SessionKind, Verdict
from planner.core.pain_scale import ACCEPTABLE_PAIN, SAFE_PAIN
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog

CATALOG = builtin_catalog()
DAY = dt.date(2026, 3, 2)
SCORE = st.none() | st.integers(0, 10)


def pain(during: int | None, morning: int | None) -> rules.Response:
    response = rules.pain_monitoring(CheckIn(DAY, pain_during=during, pain_next_morning=morning))
    assert response is not None
    return response


def test_pain_rose_overnight_only_when_both_scores_were_reported() -> None:
    only_morning = pain(None, 4)
    assert only_morning.verdict is Verdict.REPEAT
    assert only_morning.decision.text == wording.PAIN_NOT_SETTLED.format(pain=4)
    rose = pain(2, 4)
    assert rose.verdict is Verdict.REGRESS and rose.too_painful
    assert rose.decision.text == wording.PAIN_ROSE_OVERNIGHT.format(during=2, pain=4)
    assert "from 2/10 during the session to 4/10" in rose.decision.text
    assert pain(4, 4).verdict is Verdict.REPEAT  # not a rise


def test_a_fine_report_says_which_scores_it_had() -> None:
    assert pain(2, 1).decision.text.startswith(
        "Pain stayed at 3/10 or less during the session and the next morning"
    )
    assert pain(2, None).decision.text.startswith("Pain stayed at 3/10 or less during the session,")
    assert pain(None, 1).decision.text.startswith("Pain was 3/10 or less the next morning,")
    assert all("settled" not in pain(d, None).decision.text for d in range(SAFE_PAIN + 1))


def test_amber_without_a_morning_score_does_not_say_it_did_not_settle() -> None:
    light = rules.traffic_light(CheckIn(DAY, pain_during=4))
    assert light is not None and light.verdict is Verdict.REPEAT
    assert light.decision.text == wording.LIGHT_AMBER_NO_MORNING.format(pain=4)
    reported = rules.traffic_light(CheckIn(DAY, pain_during=4, pain_next_morning=4))
    assert reported is not None and reported.decision.text == wording.LIGHT_AMBER.format(pain=4)


@given(during=SCORE, morning=SCORE)
def test_a_pain_sentence_names_only_reported_scores(during: int | None, morning: int | None) -> None:
    checkin = CheckIn(DAY, pain_during=during, pain_next_morning=morning)
    for response in (rules.pain_monitoring(checkin), rules.traffic_light(checkin)):
        if response is None:
            assert during is None and morning is None
            continue
        text = response.decision.text
        scores = {int(n) for n in re.findall(r"\b(\d+)/10", text)}
        assert scores <= {s for s in (during, morning) if s is not None} | {SAFE_PAIN, ACCEPTABLE_PAIN}
        if "overnight" in text or "has not settled" in text or "had not settled" in text:
            assert morning is not None
        if "overnight" in text or "during the session" in text:
            assert during is not None


def test_running_resumes_only_on_reports_with_both_scores() -> None:
    """A flare-up, then settled next-morning scores with no score for the session: the resumption
    sentence would claim tolerable pain nobody reported, so running stays paused until reports
    with both scores arrive."""
    rx = Prescription("Ana", DAY, "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 1)
    protocol = CATALOG.protocol("lbp-return-to-run")
    flare = CheckIn(DAY + dt.timedelta(days=7), pain_during=6, flare_up=True)
    mornings = [CheckIn(DAY + dt.timedelta(days=n), pain_next_morning=1) for n in (11, 14, 16, 18)]
    today = DAY + dt.timedelta(days=19)

    def resumed(reports: list[CheckIn]) -> list[dt.date]:
        plan = build(rx, protocol, CATALOG.library, [flare, *reports], today)
        return [
            s.date
            for s in plan.sessions
            if s.date <= today
            for d in s.decisions
            if d.rule is RuleId.RESUME_RUNNING
        ]

    assert resumed(mornings) == []
    both = [attrs.evolve(c, pain_during=2) for c in mornings]
    assert resumed(both) != []
    plan = build(rx, protocol, CATALOG.library, [flare, *mornings], today)
    assert not any(s.kind.is_running for s in plan.sessions if flare.date < s.date <= today)
    assert SessionKind.CROSS_TRAINING in {s.kind for s in plan.sessions if flare.date < s.date <= today}


NUMBER_WORDS = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.IGNORECASE)


def sentences(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in sentences(v)]
    if isinstance(value, tuple | list):
        return [s for v in value for s in sentences(v)]
    if attrs.has(type(value)):
        return [s for v in attrs.astuple(value, recurse=False) for s in sentences(v)]
    return []


def test_numbers_are_written_as_figures_in_every_sentence() -> None:
    texts = [s for name in dir(wording) if name.isupper() for s in sentences(getattr(wording, name))]
    assert len(texts) > 150
    assert [t for t in texts if NUMBER_WORDS.search(t)] == []
