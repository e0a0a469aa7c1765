"""Programme templates as a clinic's TOML file, so a clinic can keep them in version control:
written by `programme template export`, read back (validated: errors name file, entry and field)
by `programme template import` and by `validate`.

    [[template]]
    name = "Knee friendly"
    description = "No side plank"
    protocol = "lbp-return-to-run"
    access = ["bike"]
    [[template.strength]]
    exercise = "dead-bug"
    dose = { sets = 2, reps = 6, per_side = true, note = "slow" }
    fixed = false

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> from planner.core.programme import from_protocol
    >>> catalog = builtin_catalog()
    >>> text = templates_to_toml([("Core", "", "lbp-return-to-run",
    ...     from_protocol(catalog.protocol("lbp-return-to-run"), catalog.library))])
    >>> [t[0] for t in templates_from_toml(text, "t.toml", catalog.library)]
    ['Core']
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from typing import Any

from planner.core import parsing
from planner.core import programme as programmes
from planner.core.catalog import Library
from planner.core.exceptions import DataError, PlannerError
from planner.core.model import Access, Dose
from planner.core.programme import Part, Prescribed, Programme
from planner.data.exercises import read_dose
from planner.data.fields import Fields

TemplateData = tuple[str, str, str, Programme]  # name, description, protocol id, programme
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "minutes")


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _dose(dose: Dose) -> str:
    fields = [f"{f} = {getattr(dose, f)}" for f in DOSE_FIELDS if getattr(dose, f) is not None]
    if dose.per_side:
        fields.append("per_side = true")
    if dose.note:
        fields.append(f"note = {_text(dose.note)}")
    return "{ " + ", ".join(fields) + " }"


def templates_to_toml(templates: Iterable[TemplateData]) -> str:
    lines = ["# Programme templates (rehab-planner programme template export)."]
    for name, description, protocol_id, programme in templates:
        lines += ["", "[[template]]", f"name = {_text(name)}", f"description = {_text(description)}"]
        lines += [
            f"protocol = {_text(protocol_id)}",
            f"access = {json.dumps([a.value for a in programme.access])}",
        ]
        for part in Part:
            for item in programme.part(part):
                lines += [f"[[template.{part.name.lower()}]]", f"exercise = {_text(item.exercise)}"]
                lines += [f"dose = {_dose(item.dose)}", f"fixed = {'true' if item.fixed else 'false'}"]
    return "\n".join(lines) + "\n"


def _template(table: Any, file: str, index: int, library: Library) -> TemplateData:
    entry = table.get("name", f"template #{index + 1}") if isinstance(table, dict) else f"#{index + 1}"
    fields = Fields(table, file=file, entry=str(entry))
    name = fields.text("name")
    if len(name) > parsing.MAX_NAME:
        raise fields.error("name", f"is longer than {parsing.MAX_NAME} characters")
    description = fields.text("description", "")
    protocol_id = fields.text("protocol")
    access = fields.texts("access", required=False)
    for value in access:
        if value not in tuple(Access):
            raise fields.error("access", f"unknown value {value!r}; expected one of {', '.join(Access)}")
    parts: dict[Part, list[Prescribed]] = {}
    for part in Part:
        key = part.name.lower()
        items = fields.table.get(key, [])
        fields.seen.add(key)
        if not isinstance(items, list):
            raise fields.error(key, "must be a list of tables")
        parts[part] = []
        for item in items:
            row = Fields(item, file=file, entry=f"{name}.{key}")
            exercise_id = row.text("exercise")
            if exercise_id not in library.exercises:
                raise row.error("exercise", f"unknown exercise {exercise_id!r}")
            limits = programmes.dose_limits(library.exercise(exercise_id))
            dose = read_dose(row.sub("dose"), limits)
            parts[part].append(Prescribed(exercise_id, dose, row.flag("fixed")))
            row.done()
    fields.done()
    programme = Programme(
        strength=tuple(parts[Part.STRENGTH]),
        mobility=tuple(parts[Part.MOBILITY]),
        warm_up=tuple(parts[Part.WARM_UP]),
        cool_down=tuple(parts[Part.COOL_DOWN]),
        low_impact=tuple(parts[Part.LOW_IMPACT]),
        access=tuple(Access(a) for a in access),
    )
    try:
        programmes.check(programme, library)
    except PlannerError as error:
        raise fields.error("", str(error)) from None
    return name, description, protocol_id, programme


def templates_from_toml(text: str, file: str, library: Library) -> list[TemplateData]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(file, "", "", f"not valid TOML ({error})") from None
    top = Fields(data, file=file, entry="")
    tables = top.tables("template")
    top.done()
    found = [_template(t, file, i, library) for i, t in enumerate(tables)]
    names = [t[0] for t in found]
    repeated = next((n for n in names if names.count(n) > 1), None)
    if repeated:
        raise DataError(file, repeated, "name", "appears twice in this file")
    return found
