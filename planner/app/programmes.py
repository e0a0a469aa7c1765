"""The use cases of a patient's programme: show it, change its exercises or a dose from a day,
save it as a clinic template and start a plan from one. Every change is a clinician's recorded
action (planner.core.programme) checked against the library before anything is stored, and a line
in the audit trail.

Example:
    >>> import datetime as dt
    >>> from planner.app.application import App
    >>> from planner.app.settings import Settings
    >>> app = App.open(Settings(db="sqlite://"), clock=lambda: dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    >>> templates(app)
    []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from planner.app.application import App, PlanView
from planner.core import parsing
from planner.core import programme as programmes
from planner.core.exceptions import InputError, NotFound
from planner.core.model import Access, ActionKind, ClinicianAction, Dose, Plan, SessionKind
from planner.core.prescription_checks import within_window
from planner.core.programme import Part, Prescribed, Programme
from planner.core.scheduler import build
from planner.store.templates import Template

CLI_AUTHOR = "Clinician"


@attrs.frozen
class ProgrammeView:
    """The programme in effect on the plan's day, the changes still to come, and the doses the next
    strength and mobility sessions ask for (where progression has taken them)."""

    view: PlanView
    programme: Programme
    upcoming: tuple[programmes.Change, ...]
    next_doses: Mapping[str, str]


def _initial(app: App, view: PlanView) -> Programme:
    return programmes.from_protocol(app.catalog.protocol(view.stored.protocol_id), app.catalog.library)


def show(app: App, plan_id: str) -> ProgrammeView:
    view = app.plan(plan_id)
    day = max(view.today, view.stored.prescription.start)  # a plan yet to start: as it will start
    recorded = programmes.scheduled(view.actions, view.today)
    current = programmes.on(_initial(app, view), recorded, day)
    upcoming = tuple(c for c in recorded if c.starts > day)
    doses: dict[str, str] = {}
    for kind in (SessionKind.STRENGTH, SessionKind.MOBILITY):
        session = next((s for s in view.plan.sessions if s.kind is kind and s.date >= view.today), None)
        if session is not None:
            doses.update({i.exercise_id: i.dose for b in session.blocks for i in b.items if i.exercise_id})
    return ProgrammeView(view, current, upcoming, doses)


def _starts(view: PlanView, starts: dt.date | None) -> dt.date:
    """A change applies from today or a later day: the past stays as it was."""
    day = starts or max(view.today, view.stored.prescription.start)
    within_window(day, view.today, "from")
    if day < view.today:
        raise InputError(f"from: {day} is in the past; a programme changes from today ({view.today}) on")
    return day


@attrs.frozen
class Author:
    """Who changes a programme, as the audit trail keeps it: a name on the command line, a
    clinician of a clinic in the portal."""

    name: str = CLI_AUTHOR
    email: str = ""
    clinic_id: int | None = None
    clinician_id: int | None = None
    address: str = ""


def _record(
    app: App, plan_id: str, view: PlanView, new: Programme, starts: dt.date, by: str | Author, what: str
) -> None:
    author = by if isinstance(by, Author) else Author(by)
    programmes.check(new, app.catalog.library)
    before = programmes.on(_initial(app, view), programmes.scheduled(view.actions, view.today), starts)
    said = programmes.changes(before, new, app.catalog.library)
    if not said:
        raise InputError("nothing to change: the programme is already so")
    action = ClinicianAction(
        ActionKind.PROGRAMME, view.today, author.name, "; ".join(said), programme=new, starts=starts
    )
    with app.store.write() as records:
        app.keep_action(records, plan_id, action)
        records.portal.add_audit(
            app.now(),
            what,
            who=author.email or author.name,
            address=author.address,
            clinic_id=author.clinic_id,
            clinician_id=author.clinician_id,
            plan_id=plan_id,
            detail=f"from {starts}: {action.note}",
        )
    app.follow_up.refresh_or_record(plan_id)


def _listed(app: App, part: Part, ids: tuple[str, ...], base: Programme) -> tuple[Prescribed, ...]:
    """The named exercises, keeping the dose of any the part already had."""
    had = {p.exercise: p for p in base.part(part)}
    return tuple(had.get(i) or Prescribed(i, app.catalog.library.exercise(i).dose) for i in ids)


def set_exercises(
    app: App,
    plan_id: str,
    *,
    lists: Mapping[Part, tuple[str, ...]],
    access: tuple[Access, ...] | None = None,
    starts: dt.date | None = None,
    by: str = CLI_AUTHOR,
) -> Programme:
    """New lists and/or what the patient has, from a day; a list not named loses only what the
    patient can no longer do."""
    view = app.plan(plan_id)
    day = _starts(view, starts)
    base = programmes.on(_initial(app, view), programmes.scheduled(view.actions, view.today), day)
    new = attrs.evolve(base, access=base.access if access is None else access)
    for part, ids in lists.items():
        new = new.with_part(part, _listed(app, part, ids, base))
    if access is not None:
        reach = programmes.within_reach(new, app.catalog.library)
        for part in Part:
            if part not in lists:
                new = new.with_part(part, reach.part(part))
    _record(app, plan_id, view, new, day, by, "programme-set")
    return new


def set_dose(
    app: App,
    plan_id: str,
    exercise_id: str,
    *,
    values: Mapping[str, int | None],
    note: str | None = None,
    fixed: bool | None = None,
    starts: dt.date | None = None,
    by: str = CLI_AUTHOR,
) -> Programme:
    """One exercise's dose, note or fixed flag from a day; the other fields stay as they were."""
    view = app.plan(plan_id)
    day = _starts(view, starts)
    base = programmes.on(_initial(app, view), programmes.scheduled(view.actions, view.today), day)
    app.catalog.library.exercise(exercise_id)
    found = base.find(exercise_id)
    if found is None:
        raise InputError(f"exercise {exercise_id!r} is not in this plan's programme")
    part, item = found
    old = item.dose

    def pick(field: str, was: int | None) -> int | None:
        value = values.get(field)
        return was if value is None else value

    dose = Dose(
        sets=pick("sets", old.sets),
        reps=pick("reps", old.reps),
        hold_seconds=pick("hold_seconds", old.hold_seconds),
        minutes=pick("minutes", old.minutes),
        per_side=old.per_side,
        note=old.note if note is None else parsing.parse_text(note, "note", limit=parsing.MAX_NOTE),
    )
    new_item = Prescribed(exercise_id, dose, item.fixed if fixed is None else fixed)
    new = base.with_part(part, [new_item if p.exercise == exercise_id else p for p in base.part(part)])
    _record(app, plan_id, view, new, day, by, "programme-dose")
    return new


def draft(app: App, plan_id: str) -> tuple[PlanView, Programme, dt.date]:
    """What the editor starts from: the programme in effect on the first day a change could take."""
    view = app.plan(plan_id)
    day = _starts(view, None)
    return view, programmes.on(_initial(app, view), programmes.scheduled(view.actions, view.today), day), day


def preview(app: App, view: PlanView, new: Programme, starts: dt.date) -> Plan:
    """The plan as it would be with `new` from `starts`, built but not stored."""
    programmes.check(new, app.catalog.library)
    day = _starts(view, starts)
    action = ClinicianAction(ActionKind.PROGRAMME, view.today, "", "", programme=new, starts=day)
    protocol = app.catalog.protocol(view.stored.protocol_id)
    return build(
        view.stored.prescription,
        protocol,
        app.catalog.library,
        view.checkins,
        view.today,
        (*view.actions, action),
    )


def replace(app: App, plan_id: str, new: Programme, starts: dt.date | None, author: Author) -> None:
    """The whole programme from a day, as the portal's editor saves it."""
    view = app.plan(plan_id)
    _record(app, plan_id, view, new, _starts(view, starts), author, "programme-set")


# -- templates ------------------------------------------------------------------------------------
def _clinic_of(app: App, plan_id: str) -> int | None:
    with app.store.read() as records:
        return records.templates.clinic_of(plan_id)


def save_template(
    app: App, name: str, plan_id: str, description: str = "", *, clinic_id: int | None = None
) -> Template:
    """The plan's programme as it stands today, kept under `name` for its clinic (replacing one of
    the same name)."""
    name = parsing.parse_text(name, "name", limit=parsing.MAX_NAME, required=True)
    description = parsing.parse_text(description, "description", limit=parsing.MAX_NOTE)
    shown = show(app, plan_id)
    clinic = _clinic_of(app, plan_id) if clinic_id is None else clinic_id
    template = Template(clinic, name, description, shown.view.stored.protocol_id, shown.programme)
    with app.store.write() as records:
        records.templates.save(template, app.now())
    return template


def templates(app: App, clinic_id: int | None = None) -> list[Template]:
    with app.store.read() as records:
        return records.templates.all(clinic_id)


def template(
    app: App, name: str, clinic_id: int | None = None, *, clinic_name: str | None = None
) -> Template:
    """A clinic's template by name (a clinic named by `clinic_name` when its id is not known yet), else
    one of the command line's own."""
    with app.store.read() as records:
        if clinic_name is not None:
            clinic_id = records.templates.clinic_by_name(clinic_name)
        found = records.templates.get(clinic_id, name) if clinic_id is not None else None
        found = found or records.templates.get(None, name)
    if found is None:
        known = ", ".join(t.name for t in templates(app, clinic_id)) or "none yet"
        raise NotFound(f"unknown template {name!r} (known: {known})")
    return found


def start_from_template(app: App, plan_id: str, name: str, by: str = CLI_AUTHOR) -> None:
    """A new plan's programme from a template (of the plan's clinic, else the command line's own),
    from its first day: a recorded action like any change."""
    chosen = template(app, name, _clinic_of(app, plan_id))
    view = app.plan(plan_id)
    programme = programmes.within_reach(chosen.programme, app.catalog.library)
    programmes.check(programme, app.catalog.library)
    start = max(view.today, view.stored.prescription.start)
    action = ClinicianAction(
        ActionKind.PROGRAMME, view.today, by, f"template {name}", programme=programme, starts=start
    )
    with app.store.write() as records:
        records.add_action(plan_id, action, app.now())


def export_templates(app: App, clinic_id: int | None = None) -> str:
    """The clinic's templates in its TOML format (planner.data.templates)."""
    from planner.data.templates import templates_to_toml

    return templates_to_toml(
        (t.name, t.description, t.protocol_id, t.programme) for t in templates(app, clinic_id)
    )


def import_templates(app: App, text: str, file: str, clinic_id: int | None = None) -> list[str]:
    """Every template of a clinic's TOML file, checked whole before any is saved (one transaction)."""
    from planner.data.templates import templates_from_toml

    found = templates_from_toml(text, file, app.catalog.library)
    for name, _, protocol_id, _ in found:
        if protocol_id not in app.catalog.protocols:
            raise InputError(f"{file}: {name}: protocol: unknown protocol {protocol_id!r}")
    with app.store.write() as records:
        for name, description, protocol_id, programme in found:
            records.templates.save(Template(clinic_id, name, description, protocol_id, programme), app.now())
    return [t[0] for t in found]
