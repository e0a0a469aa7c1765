"""The handout states the plan's own rules and doses (issue 20, item 10): the traffic light of the
protocol's rule set, the resume numbers of its [resume] data, the warm-up the sessions use and the
walk/run doses level by level. The exporter reads them from the plan and the protocol."""

from __future__ import annotations

import datetime as dt
import io

import attrs
import pypdf
import pytest

from planner.core import evidence, rules, wording
from planner.core.model import BlockKind, CheckIn, Prescription, ResumeCriteria, Verdict
from planner.core.pain_scale import SAFE_PAIN
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog
from planner.export import handout

CATALOG = builtin_catalog()
RX = Prescription("Ana", dt.date(2026, 3, 2), "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 1)


def flat_text(protocol_id: str, **protocol_changes: object) -> tuple[str, object]:
    protocol = attrs.evolve(CATALOG.protocol(protocol_id), **protocol_changes)
    plan = build(RX, protocol, CATALOG.library, (), RX.start)
    body = handout.render(plan, "abc", protocol, CATALOG.library, handout.HandoutOptions())
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.split()), plan


@pytest.mark.parametrize("protocol_id", sorted(CATALOG.protocols))
def test_the_traffic_light_is_the_protocols_own_rule_set(protocol_id: str) -> None:
    text, _ = flat_text(protocol_id)
    rule_set = CATALOG.protocol(protocol_id).rule_set
    for band in wording.PAIN_BANDS[rule_set]:
        assert " ".join(f"{band.scores} {band.meaning} {band.action}".split()) in text
    settled = "Fine if it has settled by the next morning"
    assert (settled in text) is (rule_set == "soreness")
    assert evidence.based_on([rules.PAIN_SCALE_SOURCE[rule_set]]) in text  # its source, in plain words


def test_the_overnight_rise_the_handout_states_is_the_one_the_rule_applies() -> None:
    """Pain-monitoring's red band says when a rise overnight means one level easier: above 3/10
    and higher than during; a rise that stays at 3/10 or less (1 then 2) does not."""
    (_, _, red) = wording.PAIN_BANDS["pain-monitoring"]
    assert f"above {SAFE_PAIN}/10 and higher than during the session" in red.action
    assert f"above {SAFE_PAIN}/10 and higher than during the session" in red.brief

    def verdict(during: int, morning: int) -> Verdict:
        report = CheckIn(RX.start, pain_during=during, pain_next_morning=morning)
        response = rules.pain_monitoring(report)
        assert response is not None
        return response.verdict

    assert verdict(1, 2) is Verdict.ADVANCE and verdict(3, 3) is Verdict.ADVANCE
    assert verdict(2, 4) is Verdict.REGRESS and verdict(4, 4) is Verdict.REPEAT


def test_the_pause_summary_states_the_protocols_resume_numbers() -> None:
    text, _ = flat_text("lbp-return-to-run", resume=ResumeCriteria(settled_reports=3, first_after_days=5))
    assert "once check-ins on 3 different days, the first at least 5 days after the pause began" in text
    one, _ = flat_text("lbp-return-to-run", resume=ResumeCriteria(settled_reports=1, first_after_days=1))
    assert "once a check-in at least a day after the pause began shows" in one


def test_the_warm_up_and_the_walk_run_doses_are_the_sessions_own() -> None:
    text, plan = flat_text("beginner-walk-run", warm_up_walk_minutes=7)
    assert wording.LEVELS_WARM_UP.format(minutes=7) in text
    assert "Brisk walk warm-up Dose: 7 min" in text
    for session in plan.sessions:  # type: ignore[attr-defined]
        if session.kind.is_running:
            item = next(b for b in session.blocks if b.kind is BlockKind.MAIN_SET).items[0]
            start = text.index(f"{CATALOG.library.exercise(item.exercise_id).name} Dose: by level: ")
            end = text.find(" Dose: ", start + 30)
            card = text[start : end if end > 0 else None]
            assert f"{session.label}: " in card and item.dose in card
