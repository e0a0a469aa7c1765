"""The progress chart: weekly running planned against reported done (bars, minutes), the highest
pain reported during and the next morning (lines, 0-10), and weeks paused or held (shaded).

One drawing, two backends: `shapes()` lays the chart out once as plain shapes; `to_svg()` writes
them for the web (no script; a title and description for screen readers) and `to_drawing()` for the
handout (reportlab graphics, imported only there). Every page that shows it also shows the numbers
as a table.

Example:
    >>> import datetime as dt
    >>> from planner.core.progress import WeekProgress
    >>> weeks = (WeekProgress(dt.date(2026, 3, 2), 1440, 720, 3, 1, False, False),)
    >>> svg = to_svg(shapes(weeks), description=summary(weeks))
    >>> svg.startswith("<svg") and "12 of 24 min planned" in svg
    True
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import attrs

from planner.core.progress import WeekProgress

PLANNED, DONE, DURING, MORNING, PAUSED, HELD, INK = (
    "#b9d6e2",
    "#14536a",
    "#b3261e",
    "#b86e00",
    "#fdecea",
    "#ece6f4",
    "#1b2a33",
)


@attrs.frozen
class Shape:
    kind: str  # rect, line, text
    x: float
    y: float
    w: float = 0.0  # rect width, or a line's end x
    h: float = 0.0  # rect height, or a line's end y
    colour: str = INK
    text: str = ""
    size: float = 9.0
    anchor: str = "middle"  # where a text sits against x: start, middle or end


def shapes(weeks: Sequence[WeekProgress], width: float = 360, height: float = 200) -> list[Shape]:
    """The chart as shapes, with y growing downwards (SVG's way; the PDF backend flips it)."""
    left, right, top, bottom = 34.0, 26.0, 12.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max([1, *(max(w.planned_minutes, w.done_minutes) for w in weeks)])
    step = plot_w / max(1, len(weeks))
    base = top + plot_h
    out: list[Shape] = []
    for i, week in enumerate(weeks):
        x = left + i * step
        if week.paused or week.held:
            out.append(Shape("rect", x, top, step, plot_h, HELD if week.held else PAUSED))
        for offset, minutes, colour in (
            (0.15, week.planned_minutes, PLANNED),
            (0.5, week.done_minutes, DONE),
        ):
            bar = plot_h * minutes / most
            out.append(Shape("rect", x + step * offset, base - bar, step * 0.35, bar, colour))
        out.append(Shape("text", x + step / 2, base + 12, text=f"{week.monday:%d %b}", size=7))
    for field, colour in (("pain_during", DURING), ("pain_next_morning", MORNING)):
        points = [
            (left + i * step + step / 2, top + plot_h * (1 - value / 10))
            for i, w in enumerate(weeks)
            if (value := getattr(w, field)) is not None
        ]
        out += [Shape("line", a[0], a[1], b[0], b[1], colour) for a, b in itertools.pairwise(points)]
        out += [Shape("rect", px - 3, py - 3, 6, 6, colour) for px, py in points]
    out += [
        Shape("line", left, base, left + plot_w, base),
        Shape("text", left - 3, top + 4, text=f"{most} min", size=7, anchor="end"),
        Shape("text", left + plot_w + 3, top + 4, text="10", size=7, anchor="start"),
        Shape("text", left + plot_w + 3, base, text="0", size=7, anchor="start"),
        Shape(
            "text",
            width / 2,
            height - 4,
            text="Bars: running planned and done a week; lines: pain 0-10",
            size=7,
        ),
    ]
    return out


def summary(weeks: Sequence[WeekProgress]) -> str:
    """The chart in one sentence, for its description."""
    done = sum(w.done_minutes for w in weeks)
    planned = sum(w.planned_minutes for w in weeks)
    span = "1 week" if len(weeks) == 1 else f"{len(weeks)} weeks"
    return f"{span}: {done} of {planned} minutes of running done as planned; " + "; ".join(
        f"week of {w.monday:%d %b}: {w.done_minutes} of {w.planned_minutes} min planned"
        + (f", pain {w.pain_during}/10 during" if w.pain_during is not None else "")
        + (f", {w.pain_next_morning}/10 next morning" if w.pain_next_morning is not None else "")
        + (", running held" if w.held else ", running paused" if w.paused else "")
        for w in weeks
    )


def to_svg(
    chart: list[Shape],
    width: float = 360,
    height: float = 200,
    description: str = "",
    *,
    title: str = "Your progress so far",
    key: str = "chart",
) -> str:
    """An accessible SVG (role img, title, description) drawn with presentation attributes only,
    so a Content-Security-Policy without inline styles allows it. `key` keeps the ids of several
    charts on one page apart."""
    body = []
    for s in chart:
        if s.kind == "rect":
            body.append(
                f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.colour}"/>'
            )
        elif s.kind == "line":
            body.append(
                f'<line x1="{s.x:.1f}" y1="{s.y:.1f}" x2="{s.w:.1f}" y2="{s.h:.1f}" '
                f'stroke="{s.colour}" stroke-width="1.5"/>'
            )
        else:
            body.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size}" text-anchor="{s.anchor}" '
                f'fill="{s.colour}">'
                f"{escape(s.text)}</text>"
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc"><title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>{"".join(body)}</svg>'
    )


def to_drawing(chart: list[Shape], width: float = 360, height: float = 200) -> Any:
    """The same shapes as a reportlab Drawing for the handout (y flipped: PDF's y grows upwards)."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    for s in chart:
        if s.kind == "rect":
            drawing.add(
                Rect(s.x, height - s.y - s.h, s.w, s.h, fillColor=colors.HexColor(s.colour), strokeColor=None)
            )
        elif s.kind == "line":
            drawing.add(
                Line(
                    s.x,
                    height - s.y,
                    s.w,
                    height - s.h,
                    strokeColor=colors.HexColor(s.colour),
                    strokeWidth=1.5,
                )
            )
        else:
            drawing.add(
                String(
                    s.x,
                    height - s.y,
                    s.text,
                    fontSize=s.size,
                    textAnchor=s.anchor,
                    fillColor=colors.HexColor(s.colour),
                )
            )
    return drawing
