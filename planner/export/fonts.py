"""Register the shipped DejaVu Sans family once per process, so every glyph is embedded and
Polish, Greek or Cyrillic names print the same on every machine."""

from __future__ import annotations

import functools
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "font_files"
FAMILY = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FACES = {
    FAMILY: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}


@functools.cache
def register() -> str:
    """Register the faces (about a third of a second, once) and make them every default."""
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    for bold, italic, face in (
        (0, 0, FAMILY),
        (1, 0, BOLD),
        (0, 1, "DejaVuSans-Oblique"),
        (1, 1, "DejaVuSans-BoldOblique"),
    ):
        addMapping(FAMILY, bold, italic, face)
    rl_config.defaultGraphicsFontName = FAMILY
    rl_config.canvas_basefontname = FAMILY
    return FAMILY
