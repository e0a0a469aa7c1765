"""`outcome record` and `outcome show`: a plan's outcome measures (NPRS, PSFS, GROC, a clinic's own)."""

from __future__ import annotations

import datetime as dt

import click

from planner.cli.output import FORMAT, echo_json, table
from planner.cli.params import DateParam
from planner.cli.root import Context, pass_context

SOURCE = "command line"


@click.group()
def outcome() -> None:
    """Record and show a plan's outcome measures."""


@outcome.command("record")
@click.argument("plan_id")
@click.option("--measure", required=True, metavar="ID", help="nprs, psfs, groc or a clinic's own measure.")
@click.option("--date", "date_", required=True, type=DateParam("date"), metavar="YYYY-MM-DD")
@click.option("--score", default=None, metavar="N", help="The score of a one-number measure (NPRS, GROC).")
@click.option(
    "--activity",
    "activities",
    multiple=True,
    metavar='"TEXT=N"',
    help="An activity the patient names and its score (PSFS: three to five).",
)
@pass_context
def record(
    context: Context,
    plan_id: str,
    measure: str,
    date_: dt.date,
    score: str | None,
    activities: tuple[str, ...],
) -> None:
    """Record one outcome score for a plan; nothing is stored if any value is wrong."""
    from planner.app.outcomes import record_outcome

    stored = record_outcome(context.app(), plan_id, measure, date_, score, activities, SOURCE)
    click.echo(f"{stored.measure} {stored.date}: {stored.score:g}")


@outcome.command("show")
@click.argument("plan_id")
@FORMAT
@pass_context
def show(context: Context, plan_id: str, fmt: str) -> None:
    """Each measure's scores, the change from the first, and whether it reaches the minimal
    important change."""
    from planner.app.outcomes import courses
    from planner.core.outcomes import course_to_dict, reached_text

    found = courses(context.app(), plan_id)
    if fmt == "json":
        echo_json([course_to_dict(c) for c in found])
        return
    if not found:
        click.echo("No outcome scores yet.")
        return
    for progress in found:
        rows = [
            (s.date.isoformat(), f"{s.score:g}", "; ".join(f"{n} {v}" for n, v in s.items), s.source)
            for s in progress.scores
        ]
        click.echo(f"{progress.measure.title} ({progress.measure.id}; {progress.measure.source})")
        click.echo(table(rows, ("date", "score", "activities", "recorded by")))
        change = "-" if progress.change is None else f"{progress.change:+g}"
        click.echo(
            f"change from the first: {change}; minimal important change ({progress.measure.mic_text}): "
            f"{reached_text(progress)} [{progress.measure.mic_source}]\n"
        )
