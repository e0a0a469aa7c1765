"""The progress chart: its weekly figures agree with the plan and the reports, its SVG is valid and
accessible, and the handout carries it once something has been reported (and only then)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from planner import build
from planner.core.model import CheckIn, Status
from planner.core.progress import weekly_progress
from planner.export import chart
from tests.test_handout import make_handout, text_of
from tests.test_over_time import CATALOG, START, day, rx

SVG = "{http://www.w3.org/2000/svg}"

reports = st.lists(
    st.builds(
        CheckIn,
        st.integers(0, 55).map(day),
        st.booleans(),
        st.none() | st.integers(0, 10),
        st.none() | st.integers(0, 10),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(checkins=reports, today=st.integers(0, 70))
def test_weekly_figures_agree_with_the_plan_and_the_reports(checkins, today) -> None:
    plan = build(rx(), CATALOG.protocol("lbp-return-to-run"), CATALOG.library, checkins, day(today))
    weeks = weekly_progress(plan, checkins)
    last_monday = plan.as_of - dt.timedelta(days=plan.as_of.weekday())
    shown = [s for s in plan.sessions if s.date < last_monday + dt.timedelta(days=7)]
    assert weeks[0].monday == START and weeks[-1].monday == last_monday
    assert sum(w.planned_seconds for w in weeks) == sum(s.running_seconds for s in shown)
    assert sum(w.done_seconds for w in weeks) == sum(
        s.running_seconds for s in shown if s.status is Status.DONE
    )
    for week in weeks:
        assert 0 <= week.done_seconds <= week.planned_seconds
        during = [
            c.pain_during
            for c in checkins
            if c.pain_during is not None
            and week.monday <= c.date < week.monday + dt.timedelta(days=7)
            and c.date <= plan.as_of
        ]
        assert week.pain_during == (max(during) if during else None)


def test_the_svg_is_valid_and_describes_itself() -> None:
    checkins = (
        CheckIn(day(0), pain_during=2, pain_next_morning=1),
        CheckIn(day(2), flare_up=True, pain_during=5, pain_next_morning=4),
        CheckIn(day(9), pain_during=1, pain_next_morning=0),
    )
    plan = build(rx(), CATALOG.protocol("lbp-return-to-run"), CATALOG.library, checkins, day(16))
    weeks = weekly_progress(plan, checkins)
    svg = ET.fromstring(chart.to_svg(chart.shapes(weeks), description=chart.summary(weeks)))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "chart-title chart-desc"
    desc = svg.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("3 weeks:") and "pain 5/10 during, 4/10 next morning" in desc.text
    assert weeks[0].paused and not any(w.held for w in weeks)  # the flare-up paused running
    assert desc.text.count("running paused") == sum(w.paused for w in weeks)
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"02 Mar", "09 Mar", "16 Mar"} <= set(labels)
    assert not list(svg.iter(f"{SVG}script")) and "style" not in ET.tostring(svg, encoding="unicode")
    first = build(rx(), CATALOG.protocol("lbp-return-to-run"), CATALOG.library, checkins[:1], day(2))
    assert chart.summary(weekly_progress(first, checkins[:1])).startswith("1 week: ")  # not "1 weeks"


def test_the_handout_shows_progress_once_there_are_reports() -> None:
    before, _ = make_handout()
    assert not any("Your progress so far" in page for page in text_of(before))
    checkins = (CheckIn(dt.date(2026, 3, 3), pain_during=3, pain_next_morning=2),)
    body, plan = make_handout(checkins=checkins, progress=True)
    pages = text_of(body)
    page = next(p for p in pages if "Your progress so far" in p)
    week = weekly_progress(plan, checkins)[0]  # type: ignore[arg-type]
    assert pages.index(page) == 1  # straight after the cover
    assert f"{week.done_minutes} min" in page and "3/10" in page and "2/10" in page
