"""The outcome measures, read from TOML: the built-in free ones (templates/measures/) and a clinic's
own (DIR/measures/*.toml), which add to or replace the built-in ones by id. A clinic holding a
licence for a measure the program does not ship adds it this way.

Example:
    >>> sorted(builtin_measures())
    ['groc', 'nprs', 'psfs']
"""

from __future__ import annotations

import functools
from pathlib import Path

from planner.core.outcomes import Measure, MicRule, Scoring
from planner.data.fields import Fields, read_toml
from planner.data.paths import builtin_dir


def _measure(fields: Fields) -> Measure:
    scoring = Scoring(fields.text("scoring", choices=tuple(s.value for s in Scoring)))
    low = fields.integer("low", low=-100, high=100)
    high = fields.integer("high", low=low + 1, high=1000)
    items = scoring is Scoring.ACTIVITIES
    min_items = fields.integer("min_items", low=1, high=10, default=1) if items else 1
    max_items = fields.integer("max_items", low=min_items, high=10, default=min_items) if items else 1
    fraction = fields.number("mic_fraction", low=0.0, high=1.0, default=0.0)
    measure = Measure(
        id=fields.text("id"),
        title=fields.text("title"),
        question=fields.text("question"),
        scoring=scoring,
        low=low,
        high=high,
        better_higher=fields.text("better", choices=("higher", "lower")) == "higher",
        mic=fields.number("mic", low=0.0, high=float(high - low)),
        mic_rule=MicRule(fields.text("mic_rule", choices=tuple(r.value for r in MicRule))),
        source=fields.text("source"),
        mic_source=fields.text("mic_source"),
        mic_fraction=fraction or None,
        low_label=fields.text("low_label", ""),
        high_label=fields.text("high_label", ""),
        min_items=min_items,
        max_items=max_items,
        every_weeks=fields.optional_integer("every_weeks", low=1, high=26),
        at_start=fields.flag("at_start", True),
        licence=fields.text("licence"),
    )
    fields.done()
    return measure


def load_measures(path: Path) -> list[Measure]:
    """One file's measures; every error names the file, the measure and the field."""
    table = Fields(read_toml(path), file=str(path), entry="")
    found = [
        Fields(entry, file=str(path), entry=f"measure[{i}]")
        for i, entry in enumerate(table.tables("measure"))
    ]
    table.done()
    return [_measure(fields) for fields in found]


def measure_files(clinic_dirs: tuple[Path, ...] = ()) -> list[Path]:
    folders = [builtin_dir("templates") / "measures", *(d / "measures" for d in clinic_dirs)]
    return [path for folder in folders if folder.is_dir() for path in sorted(folder.glob("*.toml"))]


def all_measures(clinic_dirs: tuple[Path, ...] = ()) -> dict[str, Measure]:
    """By id, built-in first, a clinic's own replacing them."""
    return {m.id: m for path in measure_files(clinic_dirs) for m in load_measures(path)}


@functools.cache
def builtin_measures() -> dict[str, Measure]:
    return all_measures()
