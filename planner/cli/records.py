"""A clinic's record-keeping settings and the erasure they lead to: `clinic settings` (how often
outcome measures are asked, how long a discharged patient's identity is kept) and
`db erase-expired`."""

from __future__ import annotations

import click

from planner.cli.root import Context, pass_context
from planner.cli.server import db


@click.group("clinic")
def clinic_group() -> None:
    """A clinic's settings."""


@clinic_group.command("settings")
@click.argument("clinic")
@click.option(
    "--outcome-weeks", type=click.IntRange(1, 26), default=None, help="Ask outcome measures every N weeks."
)
@click.option(
    "--retention-days",
    type=click.IntRange(1, 36500),
    default=None,
    help="Erase a discharged patient's identifying data this many days after discharge.",
)
@click.option("--keep-forever", is_flag=True, help="Never erase (the default).")
@pass_context
def settings(
    context: Context, clinic: str, outcome_weeks: int | None, retention_days: int | None, keep_forever: bool
) -> None:
    """Show or change a clinic's outcome interval and retention period."""
    from planner.app.retention import clinic_settings

    if keep_forever and retention_days is not None:
        raise click.UsageError("--retention-days and --keep-forever are each other's opposite: give one")
    weeks, days = clinic_settings(
        context.app(),
        clinic,
        outcome_weeks=outcome_weeks,
        retention_days=retention_days,
        keep_forever=keep_forever,
    )
    kept = f"erased {days} days after discharge" if days else "kept (no retention period set)"
    click.echo(f"{clinic}: outcome measures every {weeks} weeks; a discharged patient's identity is {kept}")


@db.command("erase-expired")
@pass_context
def erase_expired(context: Context) -> None:
    """Erase the identifying data of patients discharged longer ago than their clinic keeps it."""
    from planner.app.retention import erase_expired as erase

    erased = erase(context.app())
    click.echo(f"Erased {len(erased)} discharged patient{'s' if len(erased) != 1 else ''}' identifying data.")
    for plan_id in erased:
        click.echo(plan_id)
