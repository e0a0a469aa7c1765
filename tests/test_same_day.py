"""Several check-ins for one day: the merge keeps the most cautious answer of each, and the
readers of stored warning-sign ids never drop a sign or stop a plan on a screening answer."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from planner.core import redflags
from planner.core.model import CheckIn, Effort, Soreness, Urgency
from planner.core.same_day import EFFORT_ORDER, SORENESS_ORDER, by_day, merge_day
from planner.core.wording import RED_FLAGS, RETIRED_RED_FLAGS

DAY = dt.date(2026, 3, 4)
scores = st.one_of(st.none(), st.integers(0, 10))
reports = st.builds(
    CheckIn,
    date=st.just(DAY),
    done=st.booleans(),
    pain_during=scores,
    pain_next_morning=scores,
    soreness=st.sampled_from(Soreness),
    red_flags=st.lists(st.sampled_from([f.id for f in RED_FLAGS[:4]]), max_size=2, unique=True).map(tuple),
    flare_up=st.booleans(),
    note=st.sampled_from(["", "tired", "windy"]),
    stiff_or_swollen=st.booleans(),
    strength_felt=st.one_of(st.none(), st.sampled_from(Effort)),
)


def highest(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


@given(st.lists(reports, min_size=1, max_size=4))
def test_the_merge_keeps_the_most_cautious_answer_of_every_check_in(day: list[CheckIn]) -> None:
    merged = merge_day(day)
    assert merged.date == DAY
    assert merged.done == any(r.done for r in day)
    assert merged.pain_during == highest([r.pain_during for r in day])
    assert merged.pain_next_morning == highest([r.pain_next_morning for r in day])
    assert merged.soreness == max((r.soreness for r in day), key=SORENESS_ORDER.index)
    assert merged.red_flags == tuple(dict.fromkeys(f for r in day for f in r.red_flags))
    assert merged.flare_up == any(r.flare_up for r in day)
    assert merged.stiff_or_swollen == any(r.stiff_or_swollen for r in day)
    assert merged.note == " / ".join(dict.fromkeys(r.note for r in day if r.note))
    felt = [r.strength_felt for r in day if r.strength_felt is not None]
    assert merged.strength_felt == (max(felt, key=EFFORT_ORDER.index) if felt else None)


def test_a_later_fine_report_never_cancels_an_earlier_warning() -> None:
    morning = CheckIn(
        DAY, pain_during=6, soreness=Soreness.WARM_UP_STAYS, strength_felt=Effort.HARD, note="sore"
    )
    evening = CheckIn(DAY, pain_during=1, pain_next_morning=0, strength_felt=Effort.EASY, note="fine")
    merged = merge_day([morning, evening])
    assert (merged.pain_during, merged.pain_next_morning) == (6, 0)
    assert merged.soreness is Soreness.WARM_UP_STAYS and merged.strength_felt is Effort.HARD
    assert merged.note == "sore / fine"
    assert merge_day([evening]) is evening  # one check-in is the day's report as it was
    skipped_then_done = merge_day([CheckIn(DAY, done=False), CheckIn(DAY, note="went after all")])
    assert skipped_then_done.done and skipped_then_done.note == "went after all"
    assert not merge_day([CheckIn(DAY, done=False), CheckIn(DAY, done=False)]).done


def test_by_day_merges_each_day_in_the_range_in_date_order() -> None:
    later, earlier, outside = DAY + dt.timedelta(days=2), DAY, DAY + dt.timedelta(days=3)
    found = by_day(
        [CheckIn(later, pain_during=2), CheckIn(earlier), CheckIn(outside), CheckIn(later, pain_during=5)],
        DAY,
        later,
    )
    assert list(found) == [earlier, later] and found[later].pain_during == 5
    assert by_day([CheckIn(DAY - dt.timedelta(days=1))], DAY, later) == {}


def test_stored_ids_read_as_the_sign_that_covers_them_and_screening_ids_stop_nothing() -> None:
    retired, successor = next(iter(RETIRED_RED_FLAGS.items()))
    screening = next(iter(redflags.SCREENING_IDS))
    stop = RED_FLAGS[0].id
    assert redflags.stored_signs([screening, retired, stop, successor]) == (successor, stop)
    assert redflags.red_flag(retired) == redflags.BY_ID[successor]
    assert redflags.red_flag(stop) is redflags.BY_ID[stop]
    unknown = redflags.red_flag("a-sign-from-a-newer-version")
    assert unknown.id == "a-sign-from-a-newer-version" and unknown.urgency is Urgency.SOON
    assert "a-sign-from-a-newer-version" in unknown.question and unknown.source == redflags.SOURCE
