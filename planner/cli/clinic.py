"""A clinic's batch work: issuing a whole roster, and the demo that issues one sample runner."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from planner.cli.root import Context, pass_context

MAX_ROSTER_BYTES = 16 * 1024 * 1024  # a clinic list of many thousand rows; more is not a roster


@click.command("issue")
@click.option(
    "--roster",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV: name,start,protocol,run_days,strength_days,time,tz,pain[,patient_id,...].",
)
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--clinic", "clinic_file", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Processes for handouts (all cores)."
)
@pass_context
def issue_command(
    context: Context, roster: Path, out_dir: Path, clinic_file: Path | None, workers: int | None
) -> None:
    """Issue a plan, calendar and handout for every roster row; exit 1 if any row failed."""
    from planner.app.roster_issue import RowStatus, issue
    from planner.core.exceptions import DataError
    from planner.data.branding import load_branding
    from planner.data.paths import read_regular
    from planner.data.roster import parse_roster

    clinic = load_branding(clinic_file) if clinic_file else None
    try:
        text = read_regular(roster, MAX_ROSTER_BYTES).decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(str(roster), "", "", f"cannot be read ({error})") from None
    app = context.app()
    rows, problems = parse_roster(text, str(roster), app.catalog.protocols)

    def progress(items: Any, length: int) -> Any:
        if not sys.stderr.isatty():
            yield from items
            return
        with click.progressbar(items, length=length, label="Handouts", file=sys.stderr) as bar:
            yield from bar

    issued = issue(app, rows, problems, out_dir, clinic=clinic, workers=workers, progress=progress)
    outcomes = issued.outcomes
    failed = [o for o in outcomes if o.status is RowStatus.FAILED]
    for outcome in failed:
        click.echo(f"{roster}: line {outcome.line}: {outcome.reason}", err=True)
    counts = {s: sum(1 for o in outcomes if o.status is s) for s in RowStatus}
    click.echo(
        f"Issued {len(outcomes) - len(failed)} of {len(outcomes)} rows "
        f"({counts[RowStatus.CREATED]} new, {counts[RowStatus.UPDATED]} updated, "
        f"{counts[RowStatus.UNCHANGED]} unchanged); {len(failed)} failed. Index: {issued.index}"
    )
    if failed:
        sys.exit(1)


@click.command()
@click.option(
    "--out",
    "out_dir",
    default="rehab-planner-demo",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
)
@click.option("--serve", is_flag=True, help="Seed a demo clinic in a fresh database and open the portal.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="With --serve.")
@pass_context
def demo(context: Context, out_dir: Path, serve: bool, port: int) -> None:
    """Write a sample plan's calendar (.ics) and handout (.pdf), and print their paths; or, with
    --serve, start the portal on loopback with a demo clinic of twenty patients."""
    if serve:
        serve_demo(context, port)
        return
    from planner.app.demo import run_demo

    for path in run_demo(context.app(), out_dir):
        click.echo(path)


def serve_demo(context: Context, port: int) -> None:
    """A throwaway database (the person's own plans are never mixed with demo patients)."""
    import tempfile

    import attrs

    from planner.app.demo_clinic import LOGIN, seed
    from planner.cli.server import run_server

    with tempfile.TemporaryDirectory(prefix="rehab-planner-demo-") as folder:
        base = f"http://127.0.0.1:{port}"
        context.settings = attrs.evolve(
            context.settings, db=f"{folder}/demo.db", base_url=base, start_page=True
        )
        click.echo("Seeding the demo clinic (twenty patients)...", err=True)
        password = seed(context.app())
        click.echo(f"Portal: {base}/portal/login\nLogin:  {LOGIN}\nPassword: {password}", err=True)
        click.echo("Stop with Ctrl+C; the demo database is deleted then.", err=True)
        run_server(context, "127.0.0.1", port, threads=8, start_page=True)
