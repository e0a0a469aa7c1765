"""An outcome measure's course as a small chart: each score on its date, joined by a line, and the
minimal important change marked (the score the first one must reach to count, or the rating that
counts). Drawn as planner.export.chart's shapes, so the portal (SVG) and the discharge summary
(reportlab) show the same drawing.

Example:
    >>> import datetime as dt
    >>> from planner.data.measures import builtin_measures
    >>> from planner.core.outcomes import course, record
    >>> nprs = builtin_measures()["nprs"]
    >>> scores = [record(nprs, dt.date(2026, 3, 2), "6", ()), record(nprs, dt.date(2026, 3, 23), "3", ())]
    >>> "MIC 4" in to_svg(course(nprs, scores))
    True
"""

from __future__ import annotations

from planner.core.outcomes import Course, MicRule
from planner.export.chart import DONE, DURING, INK, Shape
from planner.export.chart import to_svg as shapes_to_svg

WIDTH, HEIGHT = 360.0, 150.0
LINE, TARGET = DONE, DURING


def mic_level(progress: Course) -> float | None:
    """The score that reaches the minimal important change (None before a first score)."""
    measure = progress.measure
    if measure.mic_rule is MicRule.RATING:
        return measure.mic
    if not progress.scores:
        return None
    first = progress.scores[0].score
    level = first + measure.mic if measure.better_higher else first - measure.mic
    return min(max(level, measure.low), measure.high)


def shapes(progress: Course, width: float = WIDTH, height: float = HEIGHT) -> list[Shape]:
    left, right, top, bottom = 30.0, 46.0, 10.0, 26.0
    measure = progress.measure
    plot_w, plot_h = width - left - right, height - top - bottom
    span = measure.high - measure.low

    def y(value: float) -> float:
        return top + plot_h * (measure.high - value) / span

    scores = progress.scores
    first_day = scores[0].date if scores else None
    days = max(1, (scores[-1].date - scores[0].date).days) if scores else 1

    def x(index: int) -> float:
        if first_day is None or len(scores) == 1:
            return left + plot_w / 2
        return left + plot_w * (scores[index].date - first_day).days / days

    out = [
        Shape("line", left, top, left, top + plot_h),
        Shape("line", left, top + plot_h, left + plot_w, top + plot_h),
        Shape("text", left - 4, y(measure.high) + 3, text=f"{measure.high:g}", anchor="end"),
        Shape("text", left - 4, y(measure.low) + 3, text=f"{measure.low:g}", anchor="end"),
    ]
    target = mic_level(progress)
    if target is not None:
        out.append(Shape("line", left, y(target), left + plot_w, y(target), colour=TARGET))
        out.append(
            Shape(
                "text",
                left + plot_w + 4,
                y(target) + 3,
                colour=TARGET,
                text=f"MIC {target:g}",
                anchor="start",
            )
        )
    for index, score in enumerate(scores):
        px, py = x(index), y(score.score)
        if index:
            out.append(Shape("line", x(index - 1), y(scores[index - 1].score), px, py, colour=LINE))
        out.append(Shape("rect", px - 3, py - 3, 6, 6, colour=LINE))
    if scores:
        out.append(
            Shape("text", x(0), height - 8, text=f"{scores[0].date:%d %b}", anchor="start", colour=INK)
        )
        if len(scores) > 1:
            out.append(
                Shape("text", x(len(scores) - 1), height - 8, text=f"{scores[-1].date:%d %b}", anchor="end")
            )
    return out


def description(progress: Course) -> str:
    measure = progress.measure
    values = ", ".join(f"{s.date:%d %b} {s.score:g}" for s in progress.scores) or "no scores yet"
    return (
        f"{measure.title}, {measure.low} to {measure.high} ({'higher' if measure.better_higher else 'lower'} "
        f"is better): {values}. Minimal important change: {measure.mic_text}."
    )


def to_svg(progress: Course) -> str:
    return shapes_to_svg(
        shapes(progress),
        WIDTH,
        HEIGHT,
        description(progress),
        title=progress.measure.title,
        key=f"outcome-{progress.measure.id}",
    )
