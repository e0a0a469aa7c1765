"""CourseRecord -> the discharge summary (reportlab): one or two pages for the clinical record.
Formats only: every figure was worked out in planner.core.discharge.

Sections: the course (protocol, dates, status, levels reached), adherence, outcome measures with
their change and minimal important change (a chart each), programme changes, pauses, red flags and
clearances, the clinician's notes. Same input, same bytes (invariant=1).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import BaseDocTemplate, Flowable, Spacer

from planner.core.discharge import CourseRecord, Dated
from planner.core.outcomes import reached_text
from planner.export import chart, fonts, outcome_chart
from planner.export.handout import (  # the handout's type and tables
    _p,
    _styles,
    _table,
    document,
    numbered_canvas,
)

ACCENT = "#1f6f8b"
CHART_SCALE = 0.55


def _share(done: int, planned: int) -> str:
    return f"{done} of {planned} ({100 * done / planned:.0f}%)" if planned else "none planned yet"


def _dated_rows(items: tuple[Dated, ...], s: Any) -> list[list[Any]]:
    return [[_p(f"{d.date:%d %b %Y}", s.cell), _p(d.text, s.cell), _p(d.by or "-", s.cell)] for d in items]


class _Summary:
    def __init__(self, record: CourseRecord, printed: dt.datetime) -> None:
        self.record, self.printed = record, printed
        self.s = _styles(ACCENT, False)
        self.width = A4[0] - 36 * mm

    def section(
        self, title: str, rows: list[list[Any]], header: list[str], widths: list[float]
    ) -> list[Flowable]:
        s = self.s
        if not rows:
            return [_p(title, s.h2), _p("None.", s.body)]
        head = [_p(h, s.cell_bold) for h in header]
        return [_p(title, s.h2), _table([head, *rows], [w * self.width for w in widths])]

    def course(self) -> list[Flowable]:
        r, s = self.record, self.s
        summary = r.summary
        ended = f"{r.discharged.date:%d %B %Y} by {r.discharged.by}" if r.discharged else "not discharged"
        facts = [
            ["Patient", f"{r.name} (plan {r.plan_id})"],
            ["Clinic", ", ".join(x for x in (r.clinic, r.clinician) if x) or "-"],
            ["Protocol", r.protocol_title],
            ["Started", f"{r.start:%d %B %Y}"],
            ["Discharged", ended],
            ["Status", f"{summary.status.value}, week {summary.week}"],
            ["Level", r.level_standing],
            [
                "Levels reported done",
                "; ".join(f"{d.text} (first on {d.date:%d %b})" for d in r.levels) or "none yet",
            ],
            [
                "Adherence",
                f"{_share(summary.done_all, summary.planned_all)} sessions done overall; "
                f"{_share(summary.done_recent, summary.planned_recent)} in the last 14 days",
            ],
        ]
        rows = [[_p(k, s.cell_bold), _p(v, s.cell)] for k, v in facts]
        return [
            _p("Discharge summary", s.title),
            _table(rows, [30 * mm, self.width - 30 * mm], header=False),
            Spacer(1, 3 * mm),
        ]

    def outcomes(self) -> list[Flowable]:
        s = self.s
        rows = []
        for progress in self.record.outcomes:
            first, last = progress.scores[0], progress.scores[-1]
            # a measure that rates change itself (GROC) has no change from the first to show
            change = "" if progress.change is None else f", change {progress.change:+g}"
            drawing = chart.to_drawing(
                outcome_chart.shapes(progress), outcome_chart.WIDTH, outcome_chart.HEIGHT
            )
            drawing.scale(CHART_SCALE, CHART_SCALE)
            drawing.width, drawing.height = (
                outcome_chart.WIDTH * CHART_SCALE,
                outcome_chart.HEIGHT * CHART_SCALE,
            )
            text = (
                f"{progress.measure.title} ({progress.measure.id.upper()}): first {first.score:g} "
                f"({first.date:%d %b}), latest {last.score:g} ({last.date:%d %b}){change}. "
                f"Minimal important change, {progress.measure.mic_text}: {reached_text(progress)}."
            )
            sources = f"{progress.measure.source}. MIC: {progress.measure.mic_source}."
            rows.append([[_p(text, s.cell), _p(sources, s.small)], drawing])
        if not rows:
            return [_p("Outcome measures", s.h2), _p("None recorded.", s.body)]
        return [_p("Outcome measures", s.h2), _table(rows, [self.width - 70 * mm, 70 * mm], header=False)]

    def story(self) -> list[Flowable]:
        r, s = self.record, self.s
        three = [0.16, 0.6, 0.24]
        flags = sorted([*r.red_flags, *r.clearances], key=lambda d: d.date)
        notes = [[_p(f"{d.date:%d %b %Y}", s.cell), _p(d.note, s.cell), _p(d.by, s.cell)] for d in r.notes]
        return [
            *self.course(),
            *self.outcomes(),
            *self.section("Programme changes", _dated_rows(r.changes, s), ["Date", "Change", "By"], three),
            *self.section(
                "Pauses", [row[:2] for row in _dated_rows(r.pauses, s)], ["Date", "Why"], [0.16, 0.84]
            ),
            *self.section(
                "Red flags and clearances", _dated_rows(tuple(flags), s), ["Date", "What", "By"], three
            ),
            *self.section("Clinician's notes", notes, ["Date", "Note", "By"], three),
        ]

    def build(self) -> bytes:
        buffer = io.BytesIO()
        r = self.record
        footer = f"Discharge summary · {r.name} · plan {r.plan_id} · printed {self.printed:%d %B %Y}"

        def decorate(canvas: pdfcanvas.Canvas, doc: BaseDocTemplate) -> None:
            canvas.saveState()
            canvas.setFont(fonts.FAMILY, 7.5)
            canvas.setFillColor(colors.HexColor("#1b2a33"))
            canvas.drawString(18 * mm, 10 * mm, footer)  # and "Page X of Y" (numbered_canvas)
            canvas.restoreState()

        doc = document(
            buffer,
            A4,
            title=f"Discharge summary: {r.name}",
            author=r.clinician or r.clinic or "Rehab Planner",
            subject=r.protocol_title,
            on_page=decorate,
            top=14 * mm,
        )
        doc.build(self.story(), canvasmaker=numbered_canvas(A4, 7.5))
        return buffer.getvalue()


def render(record: CourseRecord, printed: dt.datetime) -> bytes:
    """The discharge summary as PDF bytes."""
    return _Summary(record, printed).build()
