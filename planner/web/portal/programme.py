"""A patient's programme in the portal: a section on the patient's page and the editor.

The editor is one form and needs no script: the library browser (search; category, body area,
equipment, impact), the programme being edited (add, remove, swap for an easier or harder variant,
dose fields), what the patient has, the day it starts, a preview of the next two weeks and Save.
The draft travels in a hidden field between presses; every dose field goes through the library
TOML's own dose parser (planner.data.exercises.read_dose) with the exercise's ceilings, and nothing
is stored before Save, which checks the whole programme again (planner.core.programme.check).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
from flask import Response, abort, render_template, request

from planner.app import programmes as use
from planner.app.application import PlanView
from planner.core import parsing
from planner.core import programme as programmes
from planner.core.exceptions import DataError, PlannerError
from planner.core.model import Access, Category, Exercise, Impact
from planner.core.plain_data import programme_from_dict, programme_to_dict
from planner.core.programme import CATEGORIES, Part, Prescribed, Programme
from planner.data.exercises import read_dose
from planner.data.fields import Fields
from planner.export.pictograms import pictogram_svg
from planner.store.templates import Template
from planner.web.context import application
from planner.web.form_fields import FieldErrors
from planner.web.portal.common import address, back_to, blueprint, caseload, me, planner_errors

PREVIEW_DAYS = 14
COUNTS = ("sets", "reps", "hold_seconds", "minutes")
PART_NAMES = {
    Part.STRENGTH: "Strength",
    Part.MOBILITY: "Mobility",
    Part.WARM_UP: "Warm-up",
    Part.COOL_DOWN: "Cool-down",
    Part.LOW_IMPACT: "Low-impact",
}


def section(view: PlanView) -> dict[str, Any]:
    """The patient page's programme: each part's exercises with the dose the next session asks for."""
    shown = use.show(application(), view.id)
    library = application().catalog.library
    parts = [
        (
            PART_NAMES[part],
            [
                (
                    library.exercise(p.exercise).name,
                    shown.next_doses.get(p.exercise) or p.dose.describe(),
                    p.fixed,
                )
                for p in shown.programme.part(part)
            ],
        )
        for part in Part
    ]
    access = ", ".join(shown.programme.access) or "none of a pool, a bike, a gym or a foam roller"
    return {"parts": parts, "access": access, "upcoming": shown.upcoming}


# -- the editor's form ----------------------------------------------------------------------------
@attrs.frozen
class Filters:
    q: str = ""
    category: str = ""
    area: str = ""
    equipment: str = ""
    impact: str = ""

    def matches(self, exercise: Exercise) -> bool:
        words = f"{exercise.name} {exercise.id} {' '.join(exercise.body_areas)}".lower()
        return (
            (not self.q or all(w in words for w in self.q.lower().split()))
            and (not self.category or exercise.category == self.category)
            and (not self.area or self.area in exercise.body_areas)
            and (not self.equipment or self.equipment in exercise.equipment)
            and (not self.impact or exercise.impact == self.impact)
        )


def _filters(form: Any) -> Filters:
    return Filters(
        q=form.get("q", "")[:100],
        category=form.get("category", ""),
        area=form.get("area", ""),
        equipment=form.get("equipment", ""),
        impact=form.get("impact", ""),
    )


def _whole_number(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise DataError("dose", "", field, "must be a whole number")
    return int(text)


def _doses(form: Any, draft: Programme, errors: dict[str, str]) -> Programme:
    """The dose fields of each exercise in the draft, read by the TOML's dose parser."""
    library = application().catalog.library
    for part in Part:
        items = []
        for item in draft.part(part):
            key = f"{part.value}:{item.exercise}"
            if f"{key}:present" not in form:
                items.append(item)
                continue
            exercise = library.exercise(item.exercise)
            try:
                table: dict[str, Any] = {}
                for field in COUNTS:
                    value = _whole_number(form.get(f"{key}:{field}", ""), field)
                    if value is not None:
                        table[field] = value
                if item.dose.per_side:
                    table["per_side"] = True
                note = parsing.parse_text(form.get(f"{key}:note", ""), "note", limit=parsing.MAX_NOTE)
                if note:
                    table["note"] = note
                dose = read_dose(
                    Fields(table, file="dose", entry=exercise.id), programmes.dose_limits(exercise)
                )
            except (DataError, PlannerError) as error:
                errors[key] = str(error).removeprefix("dose: ")
                items.append(item)
                continue
            items.append(Prescribed(item.exercise, dose, f"{key}:fixed" in form))
        draft = draft.with_part(part, items)
    return draft


def _operate(op: str, draft: Programme) -> Programme:
    """One press: add, remove or swap an exercise of a part."""
    library = application().catalog.library
    verb, _, rest = op.partition(":")
    part_name, _, target = rest.partition(":")
    try:
        part = Part(part_name)
    except ValueError:
        abort(400)
    items = list(draft.part(part))
    if verb == "add":
        exercise = library.exercise(target)
        if exercise.category not in CATEGORIES[part] or target in draft.ids(part):
            abort(400)
        items.append(Prescribed(target, exercise.dose))
    elif verb == "remove":
        items = [p for p in items if p.exercise != target]
    elif verb == "swap":
        old, _, new = target.partition(">")
        variant = library.exercise(new)
        if new not in (*library.exercise(old).easier, *library.exercise(old).harder):
            abort(400)
        items = [Prescribed(new, variant.dose) if p.exercise == old else p for p in items]
    else:
        abort(400)
    return draft.with_part(part, items)


def _editor(
    view: PlanView,
    draft: Programme,
    starts: str,
    filters: Filters,
    errors: dict[str, str],
    preview: Any = None,
) -> str:
    library = application().catalog.library
    exercises = [e for e in library.by_category() if e.category is not Category.WALK_RUN]
    fits = {
        e.id: [p for p in Part if e.category in CATEGORIES[p] and e.id not in draft.ids(p)] for e in exercises
    }
    return render_template(
        "portal_programme.html",
        me=me(),
        plan=view.plan,
        plan_id=view.id,
        draft=draft,
        draft_json=json.dumps(programme_to_dict(draft), sort_keys=True),
        parts=[(p, PART_NAMES[p], draft.part(p)) for p in Part],
        library=library,
        shown=[e for e in exercises if filters.matches(e)],
        fits=fits,
        part_names=PART_NAMES,
        filters=filters,
        categories=[c.value for c in Category if c is not Category.WALK_RUN],
        areas=sorted({a for e in exercises for a in e.body_areas}),
        equipment=sorted({q for e in exercises for q in e.equipment}),
        impacts=[i.value for i in Impact],
        access=[(a.value, a in draft.access) for a in Access],
        starts=starts,
        today=view.today,
        errors=errors,
        preview=preview,
    )


@blueprint.get("/patients/<plan_id>/programme")
@planner_errors
def editor(plan_id: str) -> str:
    caseload().patient(me(), plan_id)  # another clinic's plan is a 404
    view, draft, starts = use.draft(application(), plan_id)
    return _editor(view, draft, starts.isoformat(), Filters(), {})


@blueprint.post("/patients/<plan_id>/programme")
@planner_errors
def edit(plan_id: str) -> Any:
    caseload().patient(me(), plan_id)
    app = application()
    form = request.form
    view = app.plan(plan_id)
    try:
        draft = programme_from_dict(json.loads(form.get("draft", "")))
    except (ValueError, KeyError, TypeError):
        abort(400)
    draft = attrs.evolve(draft, access=tuple(a for a in Access if f"access:{a.value}" in form))
    errors: dict[str, str] = {}
    draft = _doses(form, draft, errors)
    op = form.get("op", "")
    filters = _filters(form)
    if op.startswith(("add:", "remove:", "swap:")):
        draft = _operate(op, draft)
    starts_text = form.get("from", "")
    preview = None
    if op in ("preview", "save") and not errors:
        try:
            starts = parsing.parse_date(starts_text, "from")
            if op == "save":
                author = use.Author(me().name, me().email, me().clinic_id, me().id, address())
                use.replace(app, plan_id, draft, starts, author)
                return back_to(plan_id, f"Programme changed from {starts.isoformat()}.")
            plan = use.preview(app, view, draft, starts)
            preview = [
                s for s in plan.sessions if starts <= s.date < starts + dt.timedelta(days=PREVIEW_DAYS)
            ]
        except PlannerError as error:
            errors["programme"] = str(error)
    status = 400 if errors else 200
    return _editor(view, draft, starts_text, filters, errors, preview), status


# -- templates ------------------------------------------------------------------------------------
def clinic_templates() -> list[Template]:
    return use.templates(application(), me().clinic_id)


def checked_template(name: str) -> str:
    """The new-plan form's template: one of the clinic's, or a refusal beside its field."""
    if name and name not in {t.name for t in clinic_templates()}:
        raise FieldErrors({"template": f"template: unknown template {name!r}"})
    return name


def start_from(plan_id: str, name: str) -> None:
    use.start_from_template(application(), plan_id, name, by=me().name)


@blueprint.post("/patients/<plan_id>/programme/template")
@planner_errors
def save_template(plan_id: str) -> Response:
    caseload().patient(me(), plan_id)
    form = request.form
    saved = use.save_template(
        application(), form.get("name", ""), plan_id, form.get("description", ""), clinic_id=me().clinic_id
    )
    return back_to(plan_id, f"Saved the clinic template {saved.name!r}.")


@blueprint.get("/exercises/<exercise_id>.svg")
@planner_errors
def pictogram(exercise_id: str) -> Response:
    library = application().catalog.library
    exercise = library.exercise(exercise_id)
    if exercise.image or exercise.pose not in library.poses:
        abort(404)
    return Response(pictogram_svg(library.poses[exercise.pose], 120), mimetype="image/svg+xml")
