"""Typed, strict reading of clinician-edited TOML tables.

A `Fields` wraps one table (an exercise, a protocol, a clinic) and hands out typed values; `done()`
rejects keys nobody asked for, which is how typos are caught. Every error names file, entry and field.

Example:
    >>> f = Fields({"name": "Plank", "sets": 2}, file="core.toml", entry="plank")
    >>> f.text("name"), f.integer("sets", low=1, high=10)
    ('Plank', 2)
    >>> f.done()
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from planner.core.exceptions import DataError
from planner.data.paths import MAX_DATA_BYTES, read_regular

MAX_TEXT = 1000  # a clinic's text must fit a handout's table cell; longer breaks the page layout
MAX_ITEMS = 50


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file (a regular file of at most MAX_DATA_BYTES); syntax errors become a
    DataError naming the file and the line."""
    data = read_regular(path, MAX_DATA_BYTES)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DataError(str(path), "", "", f"not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise DataError(str(path), "", "", "not UTF-8 text") from None
    except RecursionError:
        raise DataError(str(path), "", "", "nested too deeply to be a data file") from None


class Fields:
    """One table of a data file, read field by field."""

    def __init__(self, table: Any, *, file: str, entry: str) -> None:
        if not isinstance(table, dict):
            raise DataError(file, entry, "", "must be a table of fields")
        self.table: dict[str, Any] = table
        self.file = file
        self.entry = entry
        self.seen: set[str] = set()

    def error(self, field: str, problem: str) -> DataError:
        return DataError(self.file, self.entry, field, problem)

    def _get(self, field: str, default: Any, required: bool) -> Any:
        self.seen.add(field)
        if field not in self.table:
            if required:
                raise self.error(field, "is missing")
            return default
        return self.table[field]

    def text(self, field: str, default: str | None = None, *, choices: tuple[str, ...] = ()) -> str:
        value = self._get(field, default, default is None)
        if not isinstance(value, str):
            raise self.error(field, "must be text")
        if len(value) > MAX_TEXT:
            raise self.error(field, f"is longer than {MAX_TEXT} characters")
        if default is None and not value.strip():
            raise self.error(field, "must not be empty")
        if choices and value not in choices:
            raise self.error(field, f"unknown value {value!r}; expected one of {', '.join(choices)}")
        return value

    def integer(self, field: str, *, low: int, high: int, default: int | None = None) -> int:
        value = self._get(field, default, default is None)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field, "must be a whole number")
        if not low <= value <= high:
            raise self.error(field, f"{value} is outside {low}-{high}")
        return value

    def optional_integer(self, field: str, *, low: int, high: int) -> int | None:
        if field not in self.table:
            self.seen.add(field)
            return None
        return self.integer(field, low=low, high=high)

    def number(self, field: str, *, low: float, high: float, default: float | None = None) -> float:
        value = self._get(field, default, default is None)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field, "must be a number")
        if not low <= value <= high:
            raise self.error(field, f"{value} is outside {low}-{high}")
        return float(value)

    def flag(self, field: str, default: bool = False) -> bool:
        value = self._get(field, default, False)
        if not isinstance(value, bool):
            raise self.error(field, "must be true or false")
        return value

    def texts(self, field: str, *, required: bool = True) -> tuple[str, ...]:
        value = self._get(field, [], required)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(field, "must be a list of non-empty texts")
        if any(len(v) > MAX_TEXT for v in value) or len(value) > MAX_ITEMS:
            raise self.error(
                field, f"holds more than {MAX_ITEMS} items or one longer than {MAX_TEXT} characters"
            )
        if required and not value:
            raise self.error(field, "must not be empty")
        return tuple(value)

    def tables(self, field: str) -> list[Any]:
        value = self._get(field, None, True)
        if not isinstance(value, list) or not value:
            raise self.error(field, "must be a non-empty list of tables")
        return value

    def sub(self, field: str, *, required: bool = True) -> Fields:
        value = self._get(field, {}, required)
        return Fields(value, file=self.file, entry=f"{self.entry}.{field}")

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown field (a typo?)")
