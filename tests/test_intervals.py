from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.core.intervals import NotationError, describe, parse
from planner.core.model import Segment


def test_examples() -> None:
    assert parse("run 20min") == (Segment("run", 1200),)
    assert sum(s.seconds for s in parse("8 x (run 60s, walk 90s)")) == 20 * 60
    assert describe(parse("6 x (walk 2min, run 3min)")) == "walk 2:00 / run 3:00, 6 times"
    assert parse("run 1.5min, run 30s") == (Segment("run", 120),)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "jog 5min",
        "run 5",
        "run 5s",
        "2 x (run 1min",
        "run 1min)",
        "0 x (run 1min)",
        "run 1min walk 1min",
        "run 300min",
    ],
)
def test_bad_notation(bad: str) -> None:
    with pytest.raises(NotationError):
        parse(bad)


segments = st.lists(
    st.tuples(st.sampled_from(["run", "walk"]), st.integers(1, 30).map(lambda n: n * 10)),
    min_size=1,
    max_size=8,
)


@given(segments, st.integers(1, 5))
def test_written_notation_parses_back(parts, repeat) -> None:
    inner = ", ".join(f"{action} {seconds}s" for action, seconds in parts)
    total = sum(seconds for _, seconds in parts) * repeat
    parsed = parse(f"{repeat} x ({inner})")
    assert sum(s.seconds for s in parsed) == total
    assert all(a.action != b.action for a, b in itertools.pairwise(parsed))


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_notation_error(text) -> None:
    with contextlib.suppress(NotationError):
        parse(text)
