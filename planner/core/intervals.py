"""The main-set notation clinicians write in protocol templates.

Grammar: a comma-separated list of `run DURATION`, `walk DURATION` or `N x (LIST)`, where a duration
is seconds (`90s`) or minutes (`3min`, `1.5min`). Whitespace is free.

Example:
    >>> segs = parse("2 x (run 90s, walk 90s)")
    >>> [(s.action.value, s.seconds) for s in segs]
    [('run', 90), ('walk', 90), ('run', 90), ('walk', 90)]
    >>> describe(segs)
    'run 1:30 / walk 1:30, 2 times'
"""

from __future__ import annotations

import re

from planner.core.model import Segment, SegmentAction

_TOKEN = re.compile(r"\s*(?:(\d+)\s*x\s*\(|(run|walk)\s+(\d+(?:\.\d+)?)\s*(s|min)\b|(\))|(,))")
MAX_SECONDS = 4 * 3600


class NotationError(ValueError):
    """The text is not valid main-set notation; the message says where."""


def parse(text: str) -> tuple[Segment, ...]:
    segments, position = _parse_list(text, 0, nested=False)
    if position != len(text.rstrip()):
        raise NotationError(f"unexpected text at position {position + 1}: {text[position:]!r}")
    merged = _merge(segments)
    if not merged:
        raise NotationError("the main set is empty")
    if sum(s.seconds for s in merged) > MAX_SECONDS:
        raise NotationError("the main set is longer than four hours")
    return merged


def _parse_list(text: str, position: int, *, nested: bool) -> tuple[list[Segment], int]:
    segments: list[Segment] = []
    expect_item = True
    while True:
        match = _TOKEN.match(text, position)
        if not match or not match.group(0).strip():
            if expect_item:
                raise NotationError(f"expected 'run', 'walk' or 'N x (' at position {position + 1}")
            return segments, position
        repeat, action, amount, unit, close, comma = match.groups()
        if close is not None:
            if expect_item or not nested:
                raise NotationError(f"unexpected ')' at position {position + 1}")
            return segments, match.end()
        if comma is not None:
            if expect_item:
                raise NotationError(f"unexpected ',' at position {position + 1}")
            expect_item, position = True, match.end()
            continue
        if not expect_item:
            raise NotationError(f"missing ',' at position {position + 1}")
        if repeat is not None:
            count = int(repeat)
            if not 1 <= count <= 50:
                raise NotationError(f"repeat count {count} is outside 1-50")
            inner, position = _parse_list(text, match.end(), nested=True)
            if position > len(text) or text[position - 1] != ")":
                raise NotationError("a '(' is never closed")
            segments.extend(inner * count)
        else:
            seconds = float(amount) * (60 if unit == "min" else 1)
            if seconds < 10 or seconds != int(seconds):
                raise NotationError(f"'{match.group(0).strip()}' must be at least 10 whole seconds")
            segments.append(Segment(SegmentAction(action), int(seconds)))
            position = match.end()
        expect_item = False


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    """Join neighbours doing the same thing, so 'walk 1min, walk 1min' reads as 'walk 2:00'."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].action is segment.action:
            merged[-1] = Segment(segment.action, merged[-1].seconds + segment.seconds)
        else:
            merged.append(segment)
    return tuple(merged)


def clock(seconds: int) -> str:
    """90 -> '1:30': how a runner reads interval lengths on a watch."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def describe(segments: tuple[Segment, ...]) -> str:
    """A short human reading: repeated pairs are folded into 'N times'."""
    if len(segments) == 1:
        only = segments[0]
        return f"{only.action} {only.seconds // 60} min continuously"
    pair = segments[:2]
    if len(segments) % 2 == 0 and segments == pair * (len(segments) // 2):
        times = len(segments) // 2
        text = f"{pair[0].action} {clock(pair[0].seconds)} / {pair[1].action} {clock(pair[1].seconds)}"
        return text if times == 1 else f"{text}, {times} times"
    return ", ".join(f"{s.action} {clock(s.seconds)}" for s in segments)
