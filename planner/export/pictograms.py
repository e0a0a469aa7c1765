"""Vector pictograms: a stick figure per exercise, drawn from the pose data in exercises/poses.toml.

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> drawing = pictogram(builtin_catalog().library.poses["plank"], width=120)
    >>> round(drawing.height)
    72
"""

from __future__ import annotations

import re

from reportlab.graphics.shapes import Circle, Drawing, Ellipse, Line, PolyLine, Rect, String
from reportlab.lib import colors

from planner.core.model import Pose

GRID_W, GRID_H = 10.0, 6.0
NEAR = ("neck", "hip", "knee", "foot")
LIMBS = (("hip", "knee", "foot"), ("neck", "elbow", "hand"))
FAR_LIMBS = (("hip", "knee2", "foot2"), ("neck", "elbow2", "hand2"))
GREY = colors.HexColor("#9aa8b0")
LIGHT = colors.HexColor("#dce6ea")


def pictogram(pose: Pose, width: float = 120, accent: str = "#1f6f8b") -> Drawing:
    """A Drawing `width` wide (height 0.6 x width): props, far limbs, trunk, near limbs, head."""
    scale = width / GRID_W
    drawing = Drawing(width, GRID_H * scale)
    ink = colors.HexColor(accent)

    def at(name: str) -> tuple[float, float] | None:
        point = pose.joint(name)
        return None if point is None else (point[0] * scale, point[1] * scale)

    _props(drawing, pose, scale, at)
    for chain in FAR_LIMBS:
        _chain(drawing, [at(j) for j in chain], GREY, scale * 0.42)
    neck, hip = at("neck"), at("hip")
    if neck and hip:
        drawing.add(Line(*neck, *hip, strokeColor=ink, strokeWidth=scale * 0.5, strokeLineCap=1))
    for chain in LIMBS:
        _chain(drawing, [at(j) for j in chain], ink, scale * 0.45)
    head = at("head")
    if head:
        drawing.add(Circle(*head, scale * 0.45, fillColor=ink, strokeColor=ink))
    return drawing


def _chain(
    drawing: Drawing, points: list[tuple[float, float] | None], colour: colors.Color, width: float
) -> None:
    known = [p for p in points if p is not None]
    if len(known) >= 2 and points[0] is not None and points[1] is not None:
        flat = [v for p in known for v in p]
        drawing.add(PolyLine(flat, strokeColor=colour, strokeWidth=width, strokeLineCap=1, strokeLineJoin=1))


def _props(drawing: Drawing, pose: Pose, scale: float, at: object) -> None:
    w, h = GRID_W * scale, GRID_H * scale
    props = set(pose.props)
    if "water" in props or "water-high" in props:
        level = (3.2 if "water-high" in props else 2.8) * scale
        drawing.add(Rect(0, 0, w, level, fillColor=colors.HexColor("#d7eef7"), strokeColor=None))
        for x in range(0, int(w), int(scale * 1.2) or 1):
            drawing.add(
                Line(x, level, x + scale * 0.6, level + scale * 0.15, strokeColor=colors.HexColor("#7fbcd6"))
            )
    if "mat" in props:
        drawing.add(
            Rect(0.3 * scale, -0.05 * scale, 9.4 * scale, 0.12 * scale, fillColor=LIGHT, strokeColor=None)
        )
    if "floor" in props:
        drawing.add(Line(0, 0, w, 0, strokeColor=GREY, strokeWidth=1))
    if "wall" in props:
        drawing.add(Rect(0.6 * scale, 0, 0.5 * scale, h, fillColor=LIGHT, strokeColor=None))
    if "wall-right" in props:
        drawing.add(Rect(9.0 * scale, 0, 0.5 * scale, h, fillColor=LIGHT, strokeColor=None))
    if "step" in props:
        drawing.add(Rect(4.0 * scale, 0, 3.2 * scale, 0.45 * scale, fillColor=LIGHT, strokeColor=GREY))
    if "chair" in props:
        drawing.add(
            Rect(2.4 * scale, 1.7 * scale, 1.8 * scale, 0.25 * scale, fillColor=LIGHT, strokeColor=GREY)
        )
        drawing.add(Line(2.5 * scale, 0, 2.5 * scale, 1.7 * scale, strokeColor=GREY))
        drawing.add(Line(2.5 * scale, 1.9 * scale, 2.2 * scale, 4.0 * scale, strokeColor=GREY))
    if "bike" in props:
        for wheel in (2.6, 7.2):
            drawing.add(Circle(wheel * scale, 1.0 * scale, 1.0 * scale, fillColor=None, strokeColor=GREY))
        drawing.add(
            PolyLine(
                [
                    2.6 * scale,
                    1.0 * scale,
                    3.8 * scale,
                    2.8 * scale,
                    6.7 * scale,
                    3.4 * scale,
                    7.2 * scale,
                    1.0 * scale,
                ],
                strokeColor=GREY,
                strokeWidth=1.2,
            )
        )
    if "machine" in props:
        drawing.add(Rect(2.5 * scale, 0, 5.5 * scale, 0.5 * scale, fillColor=LIGHT, strokeColor=GREY))
        drawing.add(
            Line(7.0 * scale, 0.5 * scale, 6.5 * scale, 4.8 * scale, strokeColor=GREY, strokeWidth=1.5)
        )
    if "strap" in props:
        foot, hand = pose.joint("foot"), pose.joint("hand")
        if foot and hand:
            drawing.add(
                Line(
                    foot[0] * scale,
                    foot[1] * scale,
                    hand[0] * scale,
                    hand[1] * scale,
                    strokeColor=colors.HexColor("#c58b2b"),
                    strokeWidth=1,
                )
            )
    for prop, joint in (("roller-knee", "knee"), ("roller-back", "neck"), ("roller-hip", "hip")):
        point = pose.joint(joint)
        if prop in props and point:
            radius = 0.45 * scale
            drawing.add(
                Circle(
                    point[0] * scale + (0.6 * scale if joint == "neck" else 0),
                    radius,
                    radius,
                    fillColor=colors.HexColor("#f0c987"),
                    strokeColor=GREY,
                )
            )
    if "arched-back" in props:
        drawing.add(
            Ellipse(5.2 * scale, 2.9 * scale, 1.6 * scale, 0.4 * scale, fillColor=None, strokeColor=LIGHT)
        )
    drawing.add(String(0, 0, "", fontSize=1))  # keeps the drawing's font the registered default


_STYLE = re.compile(r' style="([^"]*)"')


def pictogram_svg(pose: Pose, width: float = 120, accent: str = "#1f6f8b") -> bytes:
    """The same figure as an SVG file, for the phone page and the portal's exercise library.
    reportlab writes `style` attributes,
    which a Content-Security-Policy without inline styles ignores; each becomes the presentation
    attributes it lists, which every policy allows.

    >>> from planner.data.catalog import builtin_catalog
    >>> svg = pictogram_svg(builtin_catalog().library.poses["plank"])
    >>> b"style=" in svg, b'stroke-linecap="round"' in svg
    (False, True)
    """
    from reportlab.graphics import renderSVG

    def attributes(match: re.Match[str]) -> str:
        pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
        return "".join(f' {name.strip()}="{value.strip().replace("None", "none")}"' for name, value in pairs)

    svg: str = renderSVG.drawToString(pictogram(pose, width, accent))
    return _STYLE.sub(attributes, svg).encode("utf-8")
