"""Read a clinic roster (CSV) into prescriptions, one per row, with a line-numbered reason for each
row that cannot be used. Pure: text in, rows and problems out.

Columns: name, start, protocol, run_days, strength_days, time, tz, pain (required); patient_id,
hold_running_until, red_flags, notes, template (a programme template's name) (optional). Lists
inside a cell are separated by ';'.

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> text = ("name,start,protocol,run_days,strength_days,time,tz,pain\\n"
    ...         "Ana,2026-03-02,lbp-return-to-run,mon;wed;sat,tue;thu,07:30,Europe/Lisbon,2\\n")
    >>> rows, problems = parse_roster(text, "r.csv", builtin_catalog().protocols)
    >>> rows[0].prescription.run_days, problems
    ((1, 3, 6), [])
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from planner.core import parsing
from planner.core import prescription_checks as checks
from planner.core.exceptions import DataError, PlannerError
from planner.core.model import Prescription, Protocol
from planner.core.redflags import stop_sign

REQUIRED = ("name", "start", "protocol", "run_days", "strength_days", "time", "tz", "pain")
OPTIONAL = ("patient_id", "hold_running_until", "red_flags", "notes", "template")
MAX_ROWS = 5000
MAX_CELL = 4000  # characters; far above any real cell (notes stop at 2,000), so a longer one is a mistake


@attrs.frozen
class RosterRow:
    line: int
    key: str
    protocol_id: str
    prescription: Prescription
    notes: str
    template: str = ""  # the programme template a new plan starts from


@attrs.frozen
class RowProblem:
    line: int
    name: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def row_key(cells: Mapping[str, str], name: str, start: str) -> str:
    """Stable across re-issues: the clinic's patient id, else the person's name and start date."""
    patient = cells.get("patient_id", "").strip()
    basis = f"id:{patient}" if patient else f"name:{name.casefold()}|{start}"
    return "roster:" + hashlib.sha256(basis.encode()).hexdigest()[:24]


def _row(cells: Mapping[str, str], line: int, protocols: Mapping[str, Protocol]) -> RosterRow:
    protocol_id = cells["protocol"].strip()
    if protocol_id not in protocols:
        raise PlannerError(f"protocol: unknown protocol {protocol_id!r}")
    name = parsing.parse_text(cells["name"], "name", limit=parsing.MAX_NAME, required=True)
    start_text = cells["start"].strip()
    hold = cells.get("hold_running_until", "").strip()
    flags = [f.strip() for f in cells.get("red_flags", "").split(";") if f.strip()]
    rx = Prescription(
        name=name,
        start=parsing.parse_date(start_text, "start"),
        timezone=parsing.parse_zone(cells["tz"], "tz"),
        run_days=parsing.parse_days(cells["run_days"], "run_days", separator=";"),
        strength_days=parsing.parse_days(cells["strength_days"], "strength_days", separator=";"),
        session_time=parsing.parse_time(cells["time"]),
        pain=parsing.parse_pain(cells["pain"], "pain"),
        red_flags=tuple(stop_sign(f).id for f in flags),
        hold_running_until=parsing.parse_date(hold, "hold_running_until") if hold else None,
    )
    checks.check(rx)
    notes = parsing.parse_text(cells.get("notes", ""), "notes", limit=parsing.MAX_NOTE)
    template = parsing.parse_text(cells.get("template", ""), "template", limit=parsing.MAX_NAME)
    return RosterRow(line, row_key(cells, name, start_text), protocol_id, rx, notes, template)


def _records(text: str, header: list[str]) -> Iterator[tuple[int, dict[str | None, Any] | None, str]]:
    """(line, cells, problem) for each row, numbered as in the file. A row over several lines is a
    problem: when its quote never closes (it swallowed the rest of the file), reading starts again
    on the line after it, so the rows that follow are still read."""
    lines = text.split("\n")  # the csv module's line ends, not str.splitlines' (which splits at \x85)
    lines = [f"{part}\n" for part in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    start = 1  # the lines before this one are read
    while start < len(lines):
        reader = csv.DictReader(io.StringIO("".join(lines[start:]), newline=""), fieldnames=header)
        previous = 0
        for cells in reader:
            line = start + previous + 1
            breaks = sum(v.count("\n") for v in cells.values() if isinstance(v, str))
            previous = reader.line_num
            if not breaks:
                yield start + previous, cells, ""
            elif "".join(lines[line - 1 :]).count('"') % 2:  # never closed: read on from the next line
                yield line, None, "a quote is not closed on this line"
                start = line
                break
            else:
                yield line, None, f"a cell runs over several lines (to line {start + previous})"
        else:
            return


def parse_roster(
    text: str, file: str, protocols: Mapping[str, Protocol]
) -> tuple[list[RosterRow], list[RowProblem]]:
    """Good rows and bad ones; a missing column or an unreadable file fails the whole roster."""
    text = text.lstrip("\ufeff")
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # a long cell fails its own line
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataError(file, "header", missing[0], "missing column")
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise DataError(file, "header", unknown[0], "unknown column")
    rows: list[RosterRow] = []
    problems: list[RowProblem] = []
    keys: dict[str, int] = {}
    line = 1
    try:
        for line, cells, problem in _records(text, header):
            if len(rows) + len(problems) >= MAX_ROWS:
                raise DataError(file, f"line {line}", "", f"more than {MAX_ROWS} rows")
            if cells is None:
                problems.append(RowProblem(line, "", problem))
                continue
            if None in cells or any(value is None for value in cells.values()):
                problems.append(RowProblem(line, "", "wrong number of cells"))
                continue
            if not any(value.strip() for value in cells.values()):
                continue
            if any(len(value) > MAX_CELL for value in cells.values()):
                problems.append(RowProblem(line, "", f"a cell is longer than {MAX_CELL} characters"))
                continue
            named = {str(k): str(v) for k, v in cells.items()}
            try:
                row = _row(named, line, protocols)
            except PlannerError as error:
                problems.append(RowProblem(line, named.get("name", ""), str(error)))
                continue
            if row.key in keys:
                problems.append(
                    RowProblem(line, row.prescription.name, f"same person as line {keys[row.key]}")
                )
                continue
            keys[row.key] = line
            rows.append(row)
    except csv.Error as error:
        raise DataError(file, f"line {line}", "", f"not valid CSV ({error})") from None
    return rows, problems
