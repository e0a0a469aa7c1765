"""A patient's programme on the command line: show it, change its exercises or one dose from a day,
and keep it as a template to start other plans from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from planner.cli.output import FORMAT, echo_json, table
from planner.cli.params import DateParam, TextParam, _Parsed
from planner.cli.root import Context, pass_context
from planner.core import parsing
from planner.core.exceptions import InputError
from planner.core.model import Access
from planner.core.programme import Part, Programme

FROM = click.option(
    "--from",
    "starts",
    default=None,
    type=DateParam("from"),
    metavar="YYYY-MM-DD",
    help="The first day it applies (default today; never a past day).",
)
BY = click.option(
    "--by",
    default="Clinician",
    type=TextParam("by", limit=parsing.MAX_NAME, required=True),
    help="Who decided.",
)


class IdsParam(_Parsed[tuple[str, ...]]):
    """Comma-separated exercise ids."""

    name = "ids"

    def parse(self, text: str) -> tuple[str, ...]:
        ids = tuple(i.strip() for i in text.split(","))
        if not all(ids):
            raise InputError(f"{self.field}: {text!r} must be exercise ids separated by commas")
        return ids


class AccessParam(_Parsed[tuple[Access, ...]]):
    """What the patient has: pool, bike, gym, foam-roller, comma-separated, or none."""

    name = "equipment"

    def parse(self, text: str) -> tuple[Access, ...]:
        if text.strip() == "none":
            return ()
        found = []
        for item in (i.strip() for i in text.split(",")):
            if item not in tuple(Access):
                known = ", ".join(Access)
                raise InputError(f"{self.field}: unknown {item!r}; expected some of {known}, or none")
            found.append(Access(item))
        return tuple(dict.fromkeys(found))


@click.group()
def programme() -> None:
    """A patient's exercises and doses, and clinic templates."""


def _rows(shown_programme: Programme, next_doses: dict[str, str]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for part in Part:
        for item in shown_programme.part(part):
            now = next_doses.get(item.exercise, "")
            prescribed = item.dose.describe()
            rows.append(
                (
                    part.value,
                    item.exercise,
                    prescribed,
                    now if now and now != prescribed else "",
                    "fixed" if item.fixed else "",
                )
            )
    return rows


@programme.command("show")
@click.argument("plan_id")
@FORMAT
@pass_context
def programme_show(context: Context, plan_id: str, fmt: str) -> None:
    """The plan's exercises with doses and notes, what the patient has, and changes to come."""
    from planner.app import programmes
    from planner.core.plain_data import programme_to_dict

    shown = programmes.show(context.app(), plan_id)
    if fmt == "json":
        data = programme_to_dict(shown.programme)
        data["plan"] = plan_id
        data["as_of"] = shown.view.today.isoformat()
        data["next_doses"] = dict(sorted(shown.next_doses.items()))
        data["upcoming"] = [
            {"from": c.starts.isoformat(), "by": c.action.by, "programme": programme_to_dict(c.programme)}
            for c in shown.upcoming
        ]
        echo_json(data)
        return
    header = ("part", "exercise", "prescribed", "next session", "")
    click.echo(table(_rows(shown.programme, dict(shown.next_doses)), header))
    have = ", ".join(shown.programme.access) or "none"
    click.echo(f"\nThe patient has: {have}")
    for change in shown.upcoming:
        click.echo(f"From {change.starts}: {change.action.note} (by {change.action.by})")


@programme.command("set")
@click.argument("plan_id")
@click.option("--strength", default=None, type=IdsParam("strength"), metavar="IDS")
@click.option("--mobility", default=None, type=IdsParam("mobility"), metavar="IDS")
@click.option("--low-impact", "low_impact", default=None, type=IdsParam("low-impact"), metavar="IDS")
@click.option("--warm-up", "warm_up", default=None, type=IdsParam("warm-up"), metavar="IDS")
@click.option("--cool-down", "cool_down", default=None, type=IdsParam("cool-down"), metavar="IDS")
@click.option(
    "--equipment",
    default=None,
    type=AccessParam("equipment"),
    metavar="LIST",
    help="pool,bike,gym,foam-roller or none.",
)
@FROM
@BY
@pass_context
def programme_set(
    context: Context,
    plan_id: str,
    strength: tuple[str, ...] | None,
    mobility: tuple[str, ...] | None,
    low_impact: tuple[str, ...] | None,
    warm_up: tuple[str, ...] | None,
    cool_down: tuple[str, ...] | None,
    equipment: tuple[Access, ...] | None,
    starts: dt.date | None,
    by: str,
) -> None:
    """Choose the plan's exercises (comma-separated ids) and what the patient has, from a day."""
    from planner.app import programmes

    named = {
        Part.STRENGTH: strength,
        Part.MOBILITY: mobility,
        Part.LOW_IMPACT: low_impact,
        Part.WARM_UP: warm_up,
        Part.COOL_DOWN: cool_down,
    }
    lists = {part: ids for part, ids in named.items() if ids is not None}
    if not lists and equipment is None:
        raise InputError("name a list (--strength, --mobility, --low-impact ...) or --equipment")
    programmes.set_exercises(context.app(), plan_id, lists=lists, access=equipment, starts=starts, by=by)
    click.echo(f"Changed the programme of plan {plan_id}.")


@programme.command("dose")
@click.argument("plan_id")
@click.argument("exercise")
@click.option("--sets", default=None, type=int, metavar="N")
@click.option("--reps", default=None, type=int, metavar="N")
@click.option("--hold", "hold_seconds", default=None, type=int, metavar="SECONDS")
@click.option("--minutes", default=None, type=int, metavar="N")
@click.option("--note", default=None, type=TextParam("note", limit=parsing.MAX_NOTE), help="For the patient.")
@click.option(
    "--fixed/--progress", "fixed", default=None, help="Keep this dose (do not progress), or let it progress."
)
@FROM
@BY
@pass_context
def programme_dose(
    context: Context,
    plan_id: str,
    exercise: str,
    sets: int | None,
    reps: int | None,
    hold_seconds: int | None,
    minutes: int | None,
    note: str | None,
    fixed: bool | None,
    starts: dt.date | None,
    by: str,
) -> None:
    """Change one exercise's dose, note or fixed flag, from a day."""
    from planner.app import programmes

    values = {"sets": sets, "reps": reps, "hold_seconds": hold_seconds, "minutes": minutes}
    programmes.set_dose(
        context.app(), plan_id, exercise, values=values, note=note, fixed=fixed, starts=starts, by=by
    )
    click.echo(f"Changed {exercise} in plan {plan_id}.")


@programme.group("template")
def template() -> None:
    """Programmes kept by name, to start other plans from."""


@template.command("save")
@click.argument("name")
@click.option("--plan", "plan_id", required=True, help="The plan whose programme to keep.")
@click.option("--description", default="", type=TextParam("description", limit=parsing.MAX_NOTE))
@pass_context
def template_save(context: Context, name: str, plan_id: str, description: str) -> None:
    """Keep a plan's programme as it stands today as a template."""
    from planner.app import programmes

    saved = programmes.save_template(context.app(), name, plan_id, description)
    click.echo(f"Saved template {saved.name!r}.")


@template.command("list")
@FORMAT
@pass_context
def template_list(context: Context, fmt: str) -> None:
    """The templates kept so far."""
    from planner.app import programmes

    found = programmes.templates(context.app())
    if fmt == "json":
        echo_json([{"name": t.name, "description": t.description, "protocol": t.protocol_id} for t in found])
        return
    if not found:
        click.echo(
            "No templates yet: save one with 'rehab-planner programme template save NAME --plan PLAN'."
        )
        return
    click.echo(
        table(
            [(t.name, t.protocol_id, t.description) for t in found], ("name", "from protocol", "description")
        )
    )


@template.command("export")
@click.option(
    "-o", "--output", default="-", show_default=True, metavar="FILE|-", help="Where to write the TOML."
)
@pass_context
def template_export(context: Context, output: str) -> None:
    """All templates as a clinic TOML file, to keep in version control."""
    from planner.app import programmes
    from planner.cli.output import write_output

    write_output(programmes.export_templates(context.app()).encode(), output)


@template.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def template_import(context: Context, file: Path) -> None:
    """Templates from a clinic TOML file (as export writes it); a bad entry stores none of them."""
    from planner.app import programmes

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{file}: cannot be read ({error})") from None
    names = programmes.import_templates(context.app(), text, str(file))
    click.echo(f"Imported {len(names)} templates: {', '.join(names)}.")


@template.command("show")
@click.argument("name")
@FORMAT
@pass_context
def template_show(context: Context, name: str, fmt: str) -> None:
    """A template's exercises and doses."""
    from planner.app import programmes
    from planner.core.plain_data import programme_to_dict

    found = programmes.template(context.app(), name)
    if fmt == "json":
        echo_json(
            {"name": found.name, "description": found.description, **programme_to_dict(found.programme)}
        )
        return
    click.echo(f"{found.name}: {found.description}" if found.description else found.name)
    click.echo(table(_rows(found.programme, {}), ("part", "exercise", "prescribed", "", "")))
