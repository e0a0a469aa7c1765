"""Plan -> the printed handout (reportlab). Formats only: every choice was made by the planner.

Pages: cover, safety, overview grid, levels, exercise cards, log sheets; header with clinic and
programme, footer with the patient and "Page X of Y". Same input, same bytes (invariant=1).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

import attrs
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from planner.core import evidence, intervals, redflags, rules, wording
from planner.core.catalog import Library
from planner.core.model import BlockKind, Exercise, LevelKind, Plan, Protocol, Session, SessionKind, Urgency
from planner.core.programme import Part
from planner.core.progress import WeekProgress
from planner.core.session_contents import WARM_UP_WALK
from planner.data.branding import DEFAULT_BRANDING, Branding
from planner.export import chart, fonts
from planner.export.pictograms import pictogram
from planner.export.qr import qr_drawing

PAPERS = {"a4": A4, "letter": LETTER}
CELL_TINT = {
    SessionKind.RUN: "#d9ecf2",
    SessionKind.RUN_WALK: "#d9ecf2",
    SessionKind.WALK: "#d9ecf2",
    SessionKind.STRENGTH: "#e3f1e0",
    SessionKind.MOBILITY: "#ece6f4",
    SessionKind.CROSS_TRAINING: "#f6ecd9",
    SessionKind.REST: "#f1f1f1",
    SessionKind.REFERRAL: "#fdecea",
}
URGENCY_TINT = {Urgency.EMERGENCY: "#fdecea", Urgency.URGENT: "#fff3cd", Urgency.SOON: "#eef4f7"}
BAND_TINT = {"green": "#dff3e4", "amber": "#fff3cd", "red": "#fdecea"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@attrs.frozen
class HandoutOptions:
    paper: str = "a4"
    large_print: bool = False
    feed_url: str = ""
    checkin_url: str = ""
    clinic: Branding = DEFAULT_BRANDING
    progress: tuple[WeekProgress, ...] = ()  # a "Your progress so far" page once there are reports
    followed: bool = True  # a clinic follows the plan; False: the person's own, no clinician named


@attrs.frozen
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    scale: float


def _styles(accent: str, large: bool) -> Styles:
    scale = 1.35 if large else 1.0
    font = fonts.register()

    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        extra.setdefault("leading", size * scale * 1.3)
        return ParagraphStyle(name, fontName=extra.pop("fontName", font), fontSize=size * scale, **extra)

    ink = colors.HexColor(accent)
    return Styles(
        body=style("body", 10, spaceAfter=4),
        small=style("small", 8, textColor=colors.HexColor("#4a5d68")),
        title=style("title", 24, fontName=fonts.BOLD, textColor=ink, spaceAfter=10, leading=30 * scale),
        h1=style("h1", 16, fontName=fonts.BOLD, textColor=ink, spaceBefore=4, spaceAfter=8, keepWithNext=1),
        h2=style("h2", 12, fontName=fonts.BOLD, textColor=ink, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        cell=style("cell", 8.5),
        cell_bold=style("cellbold", 8.5, fontName=fonts.BOLD),
        scale=scale,
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(
    rows: list[list[Any]],
    widths: list[float],
    *,
    header: bool = True,
    repeat: bool = False,
    extra: Iterable[tuple[Any, ...]] = (),
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if repeat else 0)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.FAMILY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b9c7ce")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3eef2")),
            ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
        ]
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def numbered_canvas(pagesize: tuple[float, float], size: float) -> type[pdfcanvas.Canvas]:
    """A canvas that holds its pages until the end, so each can say 'Page X of Y' (bottom right)."""

    class NumberedCanvas(pdfcanvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self.pages)
            for number, state in enumerate(self.pages, 1):
                self.__dict__.update(state)
                self.setFont(fonts.FAMILY, size)
                self.drawRightString(pagesize[0] - 18 * mm, 10 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def document(
    buffer: io.BytesIO,
    pagesize: tuple[float, float],
    *,
    title: str,
    author: str,
    subject: str,
    on_page: Any,
    scale: float = 1.0,
    keywords: str = "",
    top: float = 20 * mm,
) -> BaseDocTemplate:
    """A document of one page template, its metadata set, every font embedded, the same bytes for
    the same story (invariant=1): the handout's, and the discharge summary's."""
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=top,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        creator="Rehab Planner",
        lang="en",
        displayDocTitle=True,
        invariant=1,
        initialFontName=fonts.FAMILY,
        initialFontSize=10 * scale,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    return doc


class _Document:
    """Collects the story for one handout."""

    def __init__(
        self, plan: Plan, plan_id: str, protocol: Protocol, library: Library, options: HandoutOptions
    ) -> None:
        self.plan, self.plan_id, self.protocol, self.library, self.options = (
            plan,
            plan_id,
            protocol,
            library,
            options,
        )
        self.styles = _styles(options.clinic.accent, options.large_print)
        self.words = wording.FOLLOWED_WORDS[options.followed]
        self.width = PAPERS[options.paper][0] - 36 * mm
        self.doses = {**self.doses_in_plan(), **self.level_doses()}

    def runs_a_week(self) -> str:
        """The goal's frequency as the person's own week allows it, not the protocol's ideal."""
        runs = min(self.protocol.runs_per_week, len(self.plan.prescription.run_days))
        return wording.TIMES_A_WEEK.get(runs) or wording.TIMES_A_WEEK_MANY.format(n=runs)

    # -- pages ------------------------------------------------------------------------------------
    def cover(self) -> list[Flowable]:
        s, rx, clinic = self.styles, self.plan.prescription, self.options.clinic
        story: list[Flowable] = []
        if clinic.logo:
            logo = Image(str(clinic.logo))
            ratio = 22 * mm / logo.imageHeight
            logo.drawHeight, logo.drawWidth = 22 * mm, logo.imageWidth * ratio
            logo.hAlign = "LEFT"
            story += [logo, Spacer(1, 4 * mm)]
        story += [_p(self.plan.protocol_title, s.title), _p(f"Prepared for {rx.name}", s.h1)]
        who = [
            ["Clinic", clinic.name],
            ["Clinician", clinic.clinician or "-"],
            ["Contact", ", ".join(x for x in (clinic.phone, clinic.email, clinic.website) if x) or "-"],
            ["Address", clinic.address or "-"],
        ]
        details = who if self.options.followed else [["Made by", wording.SELF_MADE]]
        if self.plan.referred:  # stopped by a warning sign: no dates or week it will not keep
            details.append([wording.HANDOUT_STOPPED_LABEL, wording.HANDOUT_STOPPED])
        else:
            details += self.course_details()
        rows = [[_p(k, s.cell_bold), _p(v, s.cell)] for k, v in details]
        story += [_table(rows, [32 * mm, self.width - 32 * mm], header=False), Spacer(1, 5 * mm)]
        if not self.plan.referred:
            story += self.how_to_use()
        story += self.codes()
        for note in self.plan.notes:
            story.append(_p(note.text, s.body))
        story += [Spacer(1, 5 * mm), _p(self.words.not_advice_handout, s.small), PageBreak()]
        return story

    def course_details(self) -> list[list[str]]:
        rx = self.plan.prescription
        return [
            ["Starts", f"{rx.start:%A %d %B %Y}"],
            ["Expected end", wording.HANDOUT_EXPECTED_END.format(end=self.plan.end)],
            ["Goal", rx.goal or f"{self.protocol.goal}; {self.runs_a_week()}"],
            [
                "Your week",
                wording.your_week(rx.run_days, rx.strength_days, f"{rx.session_time:%H:%M}"),
            ],
        ]

    def how_to_use(self) -> list[Flowable]:
        s = self.styles
        story: list[Flowable] = [_p("How to use this programme", s.h2)]
        for line in (
            "Each week page shows what to do on each day. Do the sessions on the days given; a rest day "
            "is part of the plan, not a day off from it.",
            "After each session, note in the log how it went: your pain during it and the next morning. "
            "The pain rules on the next page tell you when to move on, repeat or ease off.",
            self.words.calendar_link,
        ):
            story.append(_p(f"• {line}", s.body))
        return story

    def codes(self) -> list[Flowable]:
        """The calendar's QR code, and the check-in's while there are sessions to check in after."""
        s = self.styles
        checkin = "" if self.plan.referred else self.options.checkin_url
        codes = [
            (url, title, hint)
            for url, title, hint in (
                (self.options.feed_url, "Scan to add the plan to your phone's calendar", ""),
                (
                    checkin,
                    "Scan to check in after each session",
                    "Keep this one private: whoever has it can report for you.",
                ),
            )
            if url
        ]
        story: list[Flowable] = []
        if not self.options.feed_url:  # never issued or revoked: what to do instead of scanning
            missing = wording.NO_CALENDAR_CODE[self.options.followed].format(plan_id=self.plan_id)
            story += [Spacer(1, 3 * mm), _p(missing, s.body)]
        if codes:
            qr_size = 30 * mm * s.scale
            text_width = (self.width - len(codes) * (qr_size + 4 * mm)) / len(codes)
            cells: list[Any] = []
            for url, title, hint in codes:
                text = [_p(title, s.cell_bold), _p(url, s.small)] + ([_p(hint, s.small)] if hint else [])
                cells += [qr_drawing(url, qr_size), text]
            story += [
                Spacer(1, 4 * mm),
                _table(
                    [cells],
                    [qr_size + 4 * mm, text_width] * len(codes),
                    header=False,
                    extra=[
                        ("GRID", (0, 0), (-1, -1), 0, colors.white),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ],
                ),
            ]
        return story

    def progress(self) -> list[Flowable]:
        """The progress chart and its numbers, once anything has been reported."""
        weeks = self.options.progress
        if not weeks:
            return []
        s = self.styles
        drawing = chart.to_drawing(
            chart.shapes(weeks, self.width, 70 * mm * s.scale), self.width, 70 * mm * s.scale
        )
        rows: list[list[Any]] = [
            [
                _p(h, s.cell_bold)
                for h in ("Week of", "Running done", "Planned", "Pain during", "Next morning", "")
            ]
        ]
        for w in weeks:
            rows.append(
                [
                    _p(f"{w.monday:%d %b}", s.cell),
                    _p(f"{w.done_minutes} min", s.cell),
                    _p(f"{w.planned_minutes} min", s.cell),
                    _p("-" if w.pain_during is None else f"{w.pain_during}/10", s.cell),
                    _p("-" if w.pain_next_morning is None else f"{w.pain_next_morning}/10", s.cell),
                    _p("held" if w.held else "paused" if w.paused else "", s.cell),
                ]
            )
        return [
            _p("Your progress so far", s.h1),
            _p(
                "Bars: minutes of running planned (light) and reported done (dark) each week. Lines: the "
                "highest pain you reported during sessions (red) and the next morning (orange), 0-10. "
                "Shaded weeks: running paused or held.",
                s.small,
            ),
            drawing,
            Spacer(1, 3 * mm),
            _table(rows, [self.width / 6] * 6, repeat=True),
            PageBreak(),
        ]

    def safety(self) -> list[Flowable]:
        s = self.styles
        story: list[Flowable] = [
            _p("Safety first", s.h1),
            _p("Stop and get help: warning signs", s.h2),
            _p("If you notice any of these, stop the programme and get help as shown.", s.body),
        ]
        rows: list[list[Any]] = [[_p("If you notice", s.cell_bold), _p("Do this", s.cell_bold)]]
        extra = []
        for urgency in sorted(Urgency, reverse=True):
            signs = [_p(f"• {f.question}", s.cell) for f in wording.RED_FLAGS if f.urgency is urgency]
            extra.append(
                ("BACKGROUND", (0, len(rows)), (-1, len(rows)), colors.HexColor(URGENCY_TINT[urgency]))
            )
            advice = redflags.advice(urgency, self.plan.prescription.timezone)
            rows.append([signs, _p(advice, s.cell_bold)])
        story += [
            _table(rows, [self.width * 0.62, self.width * 0.38], extra=extra),
            _p(evidence.based_on([redflags.SOURCE]), s.small),
        ]
        if self.plan.referred:  # the pain rules are for sessions this plan does not run
            return [*story, PageBreak()]
        story.append(_p("The pain traffic light", s.h2))
        light: list[list[Any]] = [
            [_p("Pain (0-10)", s.cell_bold), _p("Meaning", s.cell_bold), _p("What to do", s.cell_bold)]
        ]
        bands = self.words.pain_bands[self.protocol.rule_set]  # this protocol's own pain rule
        light += [[_p(b.scores, s.cell), _p(b.meaning, s.cell), _p(b.action, s.cell)] for b in bands]
        light_tints = [
            ("BACKGROUND", (0, row), (0, row), colors.HexColor(BAND_TINT[band.colour]))
            for row, band in enumerate(bands, 1)
        ]
        story += [
            _table(light, [28 * mm, 28 * mm, self.width - 56 * mm], extra=light_tints),
            _p(evidence.based_on([rules.PAIN_SCALE_SOURCE[self.protocol.rule_set]]), s.small),
        ]
        story.append(_p("Soreness rules", s.h2))
        story += [_p(f"• {case.rule}", s.body) for case in wording.SORENESS.values()]
        story.append(_p(evidence.based_on([rules.SORENESS, rules.SORENESS_VARIANT]), s.small))
        story.append(_p("When running is paused", s.h2))
        chosen = self.plan.programme.ids(Part.LOW_IMPACT) if self.plan.programme else self.protocol.low_impact
        options = ", ".join(self.library.exercise(i).name.lower() for i in chosen)
        pause = wording.PAUSE_SUMMARY.format(
            options=options, until=rules.resume_condition(self.protocol.resume)
        )
        story.append(_p(f"{pause} {self.words.hold_summary}", s.body))
        story.append(PageBreak())
        return story

    def first_monday(self) -> dt.date:
        """Where the calendar and the log begin: the start's week, or this week's once the plan is
        under way. Weeks behind are history (the progress page has what was reported), not
        instructions: a handout printed months in would otherwise open with months of them."""
        start = self.plan.prescription.start
        shown = max(start, min(self.plan.as_of, self.plan.end))
        return shown - dt.timedelta(days=shown.weekday())

    def weeks_behind(self) -> list[Flowable]:
        start = self.plan.prescription.start
        week = (self.first_monday() - (start - dt.timedelta(days=start.weekday()))).days // 7 + 1
        return [_p(wording.handout_weeks_behind(week, start), self.styles.small)] if week > 1 else []

    def overview(self) -> list[Flowable]:
        s = self.styles
        start = self.plan.prescription.start
        monday = self.first_monday()
        week = (monday - (start - dt.timedelta(days=start.weekday()))).days // 7
        by_day: dict[dt.date, list[Session]] = defaultdict(list)
        for session in self.plan.sessions:
            by_day[session.date].append(session)
        rows: list[list[Any]] = [[_p("Week", s.cell_bold), *[_p(d, s.cell_bold) for d in WEEKDAYS]]]
        extra: list[tuple[Any, ...]] = []
        while monday <= self.plan.end:
            cells = []
            row = len(rows)
            for offset in range(7):
                sessions = by_day.get(monday + dt.timedelta(days=offset), [])
                cells.append(_p(" / ".join(x.label for x in sessions), s.cell))
                tint = next((CELL_TINT[x.kind] for x in sessions if x.kind in CELL_TINT), None)
                if tint:
                    extra.append(("BACKGROUND", (offset + 1, row), (offset + 1, row), colors.HexColor(tint)))
            rows.append([[_p(f"Week {week + 1}", s.cell_bold), _p(f"{monday:%d %b}", s.small)], *cells])
            monday += dt.timedelta(days=7)
            week += 1
        first = 20 * mm  # "Week 40" on one line
        story: list[Flowable] = [
            _p("Your programme at a glance", s.h1),
            _p(wording.HANDOUT_PROJECTED, s.small),
            *self.weeks_behind(),
            Spacer(1, 2 * mm),
            _table(rows, [first] + [(self.width - first) / 7] * 7, repeat=True, extra=extra),
            _p(
                "Blue: running or walking; green: strength; lilac: mobility; "
                "sand: low-impact cardio; grey: rest.",
                s.small,
            ),
            PageBreak(),
        ]
        return story

    def levels(self) -> list[Flowable]:
        s = self.styles
        rows: list[list[Any]] = [
            [_p(h, s.cell_bold) for h in ("Level", "Main set", "Effort", "Move on after")]
        ]
        for level in self.protocol.levels:
            main = " | ".join(
                intervals.describe(seg) if level.kind is not LevelKind.LOW_IMPACT else p
                for seg, p in zip(level.sessions, level.patterns, strict=True)
            )
            rows.append(
                [
                    _p(level.name, s.cell_bold),
                    _p(main, s.cell),
                    _p(level.effort or "Easy", s.cell),
                    _p(f"{level.min_sessions} sessions with pain under control", s.cell),
                ]
            )
        warm = wording.LEVELS_WARM_UP.format(minutes=self.warm_up_minutes())
        limits = wording.LEVELS_LIMITS.format(
            rises=self.protocol.max_level_rises_per_week,
            cap=f"{self.plan.growth_cap or self.protocol.max_weekly_growth:.0%}",
        )
        return [
            _p("The levels", s.h1),
            _p(warm, s.body),
            _p(self.protocol.surface_advice, s.body),
            _table(rows, [30 * mm, self.width - 100 * mm, 35 * mm, 35 * mm], repeat=True),
            _p(limits, s.body),
            _p(evidence.based_on(self.protocol.sources), s.small),
            PageBreak(),
        ]

    def exercises_in_plan(self) -> list[Exercise]:
        seen: dict[str, Exercise] = {}
        for session in self.plan.sessions:
            for block in session.blocks:
                for item in block.items:
                    if item.exercise_id in self.library.exercises and item.exercise_id not in seen:
                        seen[item.exercise_id] = self.library.exercise(item.exercise_id)
        return list(seen.values())

    def warm_up_minutes(self) -> int:
        """The warm-up walk as the plan's running sessions give it."""
        walks = [
            item.amount.minutes
            for session in self.plan.sessions
            if session.kind.is_running
            for block in session.blocks
            if block.kind is BlockKind.WARM_UP
            for item in block.items
            if item.exercise_id == WARM_UP_WALK and item.amount and item.amount.minutes
        ]
        return walks[0] if walks else self.protocol.warm_up_walk_minutes

    def level_doses(self) -> dict[str, str]:
        """Each main-set exercise's dose at every level the plan reaches (the walk/run card): the
        planner decided them, the card only lists them."""
        found: dict[str, dict[str, list[str]]] = {}
        for session in sorted(self.plan.sessions, key=lambda s: s.date):
            if session.kind not in (SessionKind.RUN, SessionKind.RUN_WALK, SessionKind.WALK):
                continue
            for block in session.blocks:
                for item in block.items if block.kind is BlockKind.MAIN_SET else ():
                    if item.exercise_id and item.dose:
                        doses = found.setdefault(item.exercise_id, {}).setdefault(session.label, [])
                        doses.extend([item.dose] if item.dose not in doses else [])
        return {
            exercise: wording.DOSE_BY_LEVEL.format(
                doses="; ".join(f"{label}: {' or '.join(doses)}" for label, doses in levels.items())
            )
            for exercise, levels in found.items()
        }

    def doses_in_plan(self) -> dict[str, str]:
        """Each exercise's dose as the plan gives it from its day on (this patient's dose, note and
        progress so far), else as it was last given: the planner decided it, the card only prints it."""
        doses: dict[str, str] = {}
        for session in sorted(self.plan.sessions, key=lambda s: (s.date < self.plan.as_of, s.date)):
            for block in session.blocks:
                for item in block.items:
                    if item.exercise_id and item.dose:
                        doses.setdefault(item.exercise_id, item.dose)
        return doses

    def card(self, exercise: Exercise) -> Flowable:
        s = self.styles
        picture_width = 48 * mm * s.scale
        if exercise.image:
            from pathlib import Path

            picture: Flowable = Image(
                str(Path(exercise.origin).parent / exercise.image),
                width=picture_width,
                height=picture_width * 0.6,
            )
        else:
            picture = pictogram(self.library.poses[exercise.pose], picture_width, self.options.clinic.accent)
        dose = self.doses.get(exercise.id) or exercise.dose.describe()
        text: list[Flowable] = [_p(exercise.name, s.h2), _p(f"Dose: {dose}", s.cell_bold)]
        text += [_p(f"{i}. {step}", s.cell) for i, step in enumerate(exercise.steps, 1)]
        if exercise.cues:
            text.append(_p("Tips: " + " ".join(exercise.cues), s.cell))
        if exercise.cautions:
            text.append(_p("Take care: " + " ".join(exercise.cautions), s.cell))
        for label, ids in (("Easier", exercise.easier), ("Harder", exercise.harder)):
            if ids:
                text.append(_p(f"{label}: " + ", ".join(self.library.exercise(i).name for i in ids), s.cell))
        table = _table(
            [[picture, text]],
            [picture_width + 4 * mm, self.width - picture_width - 4 * mm],
            header=False,
            extra=[
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(self.options.clinic.accent)),
                ("INNERGRID", (0, 0), (-1, -1), 0, colors.white),
            ],
        )
        return KeepTogether([table, Spacer(1, 3 * mm)])

    def cards(self) -> list[Flowable]:
        story: list[Flowable] = [_p("Your exercises", self.styles.h1)]
        story += [self.card(e) for e in self.exercises_in_plan()]
        return [*story, PageBreak()]

    def log(self) -> list[Flowable]:
        s = self.styles
        header = ["Date", "Session", "Done", "Pain during", "Pain next morning", "Notes"]
        rows: list[list[Any]] = [[_p(h, s.cell_bold) for h in header]]
        first = self.first_monday()
        for session in self.plan.sessions:
            if session.kind.is_active and session.date >= first:
                rows.append(
                    [_p(f"{session.date:%a %d %b}", s.cell), _p(session.title, s.cell), "", "", "", ""]
                )
        widths = [
            24 * mm,
            self.width - 24 * mm - 14 * mm - 2 * 20 * mm - 40 * mm,
            14 * mm,
            20 * mm,
            20 * mm,
            40 * mm,
        ]
        pad = 7 * s.scale
        return [
            _p("Session log", s.h1),
            _p(
                "Tick each session and write your pain scores (0 none, 10 worst). Bring this log to "
                "your appointments.",
                s.body,
            ),
            *self.weeks_behind(),
            _table(
                rows,
                widths,
                repeat=True,
                extra=[("TOPPADDING", (0, 1), (-1, -1), pad), ("BOTTOMPADDING", (0, 1), (-1, -1), pad)],
            ),
        ]

    # -- assembly ---------------------------------------------------------------------------------
    def build(self) -> bytes:
        s, clinic, rx = self.styles, self.options.clinic, self.plan.prescription
        pagesize = PAPERS[self.options.paper]
        buffer = io.BytesIO()
        header = f"{clinic.name} · {self.plan.protocol_title}"
        footer = f"{rx.name} · not medical advice"
        accent = colors.HexColor(clinic.accent)

        def decorate(canvas: pdfcanvas.Canvas, doc: BaseDocTemplate) -> None:
            canvas.saveState()
            width, height = pagesize
            canvas.setStrokeColor(accent)
            canvas.setLineWidth(1.2)
            canvas.line(18 * mm, height - 14 * mm, width - 18 * mm, height - 14 * mm)
            canvas.setFont(fonts.FAMILY, 8 * s.scale)
            canvas.setFillColor(colors.HexColor("#1b2a33"))
            canvas.drawString(18 * mm, height - 12 * mm, header)
            canvas.drawString(18 * mm, 10 * mm, footer)
            canvas.restoreState()

        doc = document(
            buffer,
            pagesize,
            title=f"{self.plan.protocol_title}: {rx.name}",
            author=clinic.clinician or clinic.name,
            subject="Return-to-running programme",
            keywords="rehabilitation, running, back pain, exercise programme",
            on_page=decorate,
            scale=s.scale,
        )
        story = [*self.cover(), *self.progress(), *self.safety()]
        if not self.plan.referred:  # a stopped plan has no programme to follow until it is cleared
            story += [*self.overview(), *self.levels(), *self.cards(), *self.log()]
        doc.build(story, canvasmaker=numbered_canvas(pagesize, 8 * s.scale))
        return buffer.getvalue()


def render(plan: Plan, plan_id: str, protocol: Protocol, library: Library, options: HandoutOptions) -> bytes:
    """The handout as PDF bytes."""
    return _Document(plan, plan_id, protocol, library, options).build()
