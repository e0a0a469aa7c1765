"""Writing a plan as a calendar file or a printed handout."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.output import write_output
from planner.cli.root import Context, pass_context


@click.group()
def export() -> None:
    """Write a plan as a calendar file or a printed handout."""


@export.command("ics")
@click.argument("plan_id")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE|-")
@click.option("--rest-days", is_flag=True, help="Include rest days as all-day, free-time events.")
@click.option(
    "--reminder",
    type=click.IntRange(1, 1440),
    default=None,
    metavar="MINUTES",
    help="Add a reminder this many minutes before each session.",
)
@pass_context
def export_ics(context: Context, plan_id: str, output: str, rest_days: bool, reminder: int | None) -> None:
    """Export the plan as an iCalendar file to import (once: subscribe or import, not both)."""
    from planner.cli.feeds import warn_if_loopback

    app = context.app()
    view = app.plan(plan_id)
    token = app.current_token(plan_id)
    if token:
        warn_if_loopback(context, "the check-in links in this file")
    app.calendar(
        view,
        token=token,
        include_rest=rest_days,
        reminder_minutes=reminder,
        deliver=lambda body: write_output(body, output),
    )


@export.command("pdf")
@click.argument("plan_id")
@click.option("-o", "--output", required=True, metavar="FILE", help="Where to write the PDF.")
@click.option(
    "--clinic",
    "clinic_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Clinic branding (TOML): name, clinician, address, phone, logo, accent colour.",
)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--large-print", is_flag=True, help="Bigger type and fewer exercises a page.")
@click.option(
    "--with-feed",
    is_flag=True,
    help="Print the calendar and check-in QR codes, making the plan's addresses the first time (as "
    "`feed url` does); without it, only addresses already made are printed.",
)
@pass_context
def export_pdf(
    context: Context,
    plan_id: str,
    output: str,
    clinic_file: Path | None,
    paper: str,
    large_print: bool,
    with_feed: bool,
) -> None:
    """Print the plan as a handout: cover, safety, overview, levels, exercises, log."""
    from planner.data.branding import load_branding

    clinic = load_branding(clinic_file) if clinic_file else None
    app = context.app()
    view = app.plan(plan_id)
    from planner.cli.feeds import warn_if_loopback
    from planner.store.database import TokenKind

    token: str | None
    checkin: str | None
    if with_feed:
        app.settings.public_url  # noqa: B018 - a bad --base-url is refused before any secret is stored
        token, checkin = app.secrets_for(plan_id, revived=False)  # after `feed revoke`: refused
    else:
        token, checkin = app.current_token(plan_id), app.current_token(plan_id, TokenKind.CHECKIN)
    if token:
        warn_if_loopback(context, "the handout's QR codes")
    body = app.handout(
        view,
        token=token,
        checkin=checkin,
        clinic=clinic,
        paper=paper,
        large_print=large_print,
    )
    write_output(body, output)


@export.command("summary")
@click.argument("plan_id")
@click.option("-o", "--output", required=True, metavar="FILE.pdf", help="Where to write the PDF.")
@pass_context
def export_summary(context: Context, plan_id: str, output: str) -> None:
    """The discharge summary for the clinical record: course, adherence, outcomes, notes."""
    from planner.app.patient_record import summary_pdf

    write_output(summary_pdf(context.app(), plan_id), output)


@export.command("record")
@click.argument("plan_id")
@click.option("-o", "--output", required=True, metavar="FILE.json|-", help="Where to write the JSON.")
@pass_context
def export_record(context: Context, plan_id: str, output: str) -> None:
    """The patient's whole record as a FHIR R4 Bundle (also the GDPR access export)."""
    from planner.app.patient_record import fhir_record

    write_output(fhir_record(context.app(), plan_id), output)
