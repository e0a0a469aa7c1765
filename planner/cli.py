"""The command line: parse, call the core, print. Heavy libraries load inside the commands that
need them, so `--help` and the catalogue commands stay fast.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from planner import __version__
from planner.datafiles import CLINIC_DATA_ENV, clinic_dirs
from planner.exceptions import PlannerError
from planner.model import Category, CheckIn, Prescription, Soreness
from planner.settings import Settings

if TYPE_CHECKING:
    from planner.catalog import Catalog
    from planner.store import Store

PROG = "rehab-planner"


def fail(message: str, status: int = 2) -> NoReturn:
    click.echo(f"{PROG}: error: {' '.join(message.split())}", err=True)
    sys.exit(status)


class PlannerGroup(click.Group):
    """Runs click without its own error printing, so every failure is one line and exit 2."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            fail(error.format_message())
        except click.ClickException as error:
            fail(error.format_message(), max(error.exit_code, 2))
        except PlannerError as error:
            fail(str(error))
        except click.Abort:
            fail("aborted", 1)
        except BrokenPipeError:
            sys.exit(1)
        except OSError as error:
            fail(f"{error.strerror or error}: {error.filename or ''}", 1)
        except Exception as error:
            if type(error).__module__.startswith("sqlalchemy"):  # no import: keeps --help fast
                fail(f"database error: {getattr(error, 'orig', None) or error}", 1)
            raise
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=PlannerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name=PROG)
@click.option(
    "--db",
    default="",
    metavar="PATH-or-URL",
    help="Database file or URL (env REHAB_PLANNER_DB); default: a SQLite file in your data folder.",
)
@click.option(
    "--clinic-data",
    "clinic_data",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help=f"A clinic folder with exercises/ and protocols/ to add or override (env {CLINIC_DATA_ENV}).",
)
@click.option(
    "--base-url",
    default="",
    metavar="URL",
    help="Public address of the feed server (env REHAB_PLANNER_BASE_URL).",
)
@click.pass_context
def cli(ctx: click.Context, db: str, clinic_data: tuple[Path, ...], base_url: str) -> None:
    """Graded return-to-run plans for runners with back pain: calendar feed and printed handout.

    Not medical advice: follow your clinician, and stop and seek help on any red flag.
    """
    ctx.obj = Settings(db=db, clinic_dirs=clinic_dirs(clinic_data), base_url=base_url)


def settings(ctx: click.Context) -> Settings:
    value = ctx.find_root().obj
    return value if isinstance(value, Settings) else Settings()


def catalog(ctx: click.Context) -> Catalog:
    from planner.catalog import builtin_catalog, load_catalog

    dirs = settings(ctx).clinic_dirs
    return load_catalog(dirs) if dirs else builtin_catalog()


def open_store(ctx: click.Context) -> Store:
    from planner.store import Store

    return Store.open(settings(ctx).database_url)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)


# -- catalogue ----------------------------------------------------------------------------------
@cli.group()
def exercises() -> None:
    """Browse the exercise library."""


@exercises.command("list")
@click.option("--category", type=click.Choice([c.value for c in Category]), help="Only this category.")
@FORMAT
@click.pass_context
def exercises_list(ctx: click.Context, category: str | None, fmt: str) -> None:
    """List exercises, by category."""
    chosen = catalog(ctx).library.by_category(Category(category) if category else None)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "name": e.name,
                        "category": e.category.value,
                        "dose": e.dose.describe(),
                        "impact": e.impact.value,
                    }
                    for e in chosen
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        table(
            [(e.id, e.name, e.category.value, e.dose.describe()) for e in chosen],
            ("id", "name", "category", "dose"),
        )
    )


@exercises.command("show")
@click.argument("exercise_id")
@click.pass_context
def exercises_show(ctx: click.Context, exercise_id: str) -> None:
    """Show one exercise in full."""
    e = catalog(ctx).library.exercise(exercise_id)
    lines = [
        f"{e.name} ({e.id})",
        f"Category: {e.category.value}; impact: {e.impact.value}",
        f"Body areas: {', '.join(e.body_areas)}",
        f"Equipment: {', '.join(e.equipment) or 'none'}",
        f"Dose: {e.dose.describe()}",
        "Steps:",
    ]
    lines += [f"  {i}. {step}" for i, step in enumerate(e.steps, 1)]
    for title, values in (
        ("Cues", e.cues),
        ("Cautions", e.cautions),
        ("Easier", e.easier),
        ("Harder", e.harder),
        ("Sources", e.sources),
    ):
        if values:
            lines.append(f"{title}: " + "; ".join(values))
    click.echo("\n".join(lines))


@cli.group()
def protocols() -> None:
    """Browse the return-to-run protocols."""


@protocols.command("list")
@FORMAT
@click.pass_context
def protocols_list(ctx: click.Context, fmt: str) -> None:
    """List protocols."""
    items = sorted(catalog(ctx).protocols.values(), key=lambda p: p.id)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "title": p.title,
                        "levels": len(p.levels),
                        "runs_per_week": p.runs_per_week,
                        "rule_set": p.rule_set,
                    }
                    for p in items
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        table(
            [(p.id, p.title, str(len(p.levels)), str(p.runs_per_week)) for p in items],
            ("id", "title", "levels", "runs/week"),
        )
    )


@protocols.command("show")
@click.argument("protocol_id")
@click.pass_context
def protocols_show(ctx: click.Context, protocol_id: str) -> None:
    """Show a protocol's levels and rules."""
    p = catalog(ctx).protocol(protocol_id)
    lines = [p.title, f"For: {p.for_whom}", f"Goal: {p.goal}", "Entry criteria:"]
    lines += [f"  - {c}" for c in p.entry_criteria]
    lines += [
        f"Runs a week: {p.runs_per_week}; strength sessions: {p.strength_per_week}; "
        f"weekly growth cap: {p.max_weekly_growth:.0%}; rules: {p.rule_set}",
        "Levels:",
    ]
    for i, level in enumerate(p.levels, 1):
        lines.append(
            f"  {i:2}. {level.name}: {' | '.join(level.patterns)} "
            f"(at least {level.min_sessions}x{', ' + level.effort if level.effort else ''})"
        )
    lines.append("Sources: " + "; ".join(p.sources))
    click.echo("\n".join(lines))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check a clinic's TOML files or folders (exercises, protocols, clinic branding)."""
    from planner.validate import validate_path

    for path in paths:
        click.echo(f"ok: {path}: {validate_path(path)}")


# -- plans --------------------------------------------------------------------------------------
@cli.group()
def plan() -> None:
    """Create, list and show plans."""


def prescription_from_options(
    name: str,
    start: str,
    tz: str,
    run_days: str,
    strength_days: str | None,
    time: str,
    pain: str,
    red_flags: tuple[str, ...],
    hold: str | None,
    strength_per_week: int,
) -> Prescription:
    from planner import parsing
    from planner.prescription import default_strength_days
    from planner.redflags import red_flag

    runs = parsing.parse_days(run_days, "run days")
    strength = (
        parsing.parse_days(strength_days, "strength days")
        if strength_days
        else default_strength_days(runs, strength_per_week)
    )
    return Prescription(
        name=parsing.parse_text(name, "name", limit=parsing.MAX_NAME, required=True),
        start=parsing.parse_date(start, "start"),
        timezone=parsing.parse_zone(tz),
        run_days=runs,
        strength_days=strength,
        session_time=parsing.parse_time(time),
        pain=parsing.parse_pain(pain, "pain"),
        red_flags=tuple(red_flag(f).id for f in red_flags),
        hold_running_until=parsing.parse_date(hold, "hold running until") if hold else None,
    )


@plan.command("create")
@click.option("--protocol", "protocol_id", required=True, help="Protocol id (see 'protocols list').")
@click.option("--start", required=True, metavar="YYYY-MM-DD", help="First day of the plan.")
@click.option("--name", default="Runner", show_default=True, help="The person's name.")
@click.option("--tz", default="Europe/London", show_default=True, metavar="Area/City")
@click.option("--run-days", default="mon,wed,sat", show_default=True, help="Weekdays for runs, apart.")
@click.option("--strength-days", default=None, help="Weekdays for strength work (default: chosen for you).")
@click.option("--time", "time_", default="07:30", show_default=True, metavar="HH:MM")
@click.option("--pain", default="0", show_default=True, metavar="0-10", help="Pain at rest today.")
@click.option("--red-flag", "red_flags", multiple=True, metavar="FLAG", help="A red flag from the screen.")
@click.option(
    "--hold-running-until",
    "hold",
    default=None,
    metavar="YYYY-MM-DD",
    help="Clinician's hold: no running before this date.",
)
@click.pass_context
def plan_create(
    ctx: click.Context,
    protocol_id: str,
    start: str,
    name: str,
    tz: str,
    run_days: str,
    strength_days: str | None,
    time_: str,
    pain: str,
    red_flags: tuple[str, ...],
    hold: str | None,
) -> None:
    """Create a plan and print its id on the last line."""
    from planner.service import create_plan

    cat = catalog(ctx)
    protocol = cat.protocol(protocol_id)
    rx = prescription_from_options(
        name, start, tz, run_days, strength_days, time_, pain, red_flags, hold, protocol.strength_per_week
    )
    plan_id = create_plan(open_store(ctx), cat, protocol_id, rx, now())
    click.echo(plan_id)


@plan.command("list")
@click.pass_context
def plan_list(ctx: click.Context) -> None:
    """List stored plans."""
    rows = [
        (p.id, p.prescription.name, p.protocol_id, p.prescription.start.isoformat(), p.revised_at.isoformat())
        for p in open_store(ctx).plans()
    ]
    if not rows:
        click.echo("No plans yet: create one with 'rehab-planner plan create'.")
        return
    click.echo(table(rows, ("id", "name", "protocol", "start", "last change")))


@plan.command("show")
@click.argument("plan_id")
@FORMAT
@click.option("--as-of", default=None, metavar="YYYY-MM-DD", help="Show the plan as it stood on this day.")
@click.pass_context
def plan_show(ctx: click.Context, plan_id: str, fmt: str, as_of: str | None) -> None:
    """Show a plan: weeks, days, what to do and why."""
    from planner import parsing
    from planner.render_text import plan_table
    from planner.serialize import plan_to_dict
    from planner.service import local_today, plan_as_of

    store = open_store(ctx)
    stored = store.plan(plan_id)
    today = parsing.parse_date(as_of, "as of") if as_of else local_today(stored.prescription.timezone, now())
    _, built = plan_as_of(store, catalog(ctx), plan_id, today)
    if fmt == "json":
        click.echo(json.dumps(plan_to_dict(built, plan_id), indent=2, ensure_ascii=False))
    else:
        click.echo(plan_table(built, plan_id))


@cli.command()
@click.argument("plan_id")
@click.option("--date", "date_", required=True, metavar="YYYY-MM-DD", help="The day of the session.")
@click.option("--done/--skipped", default=True, help="Did the session happen?")
@click.option("--pain-during", default=None, metavar="0-10")
@click.option("--pain-next-morning", default=None, metavar="0-10")
@click.option(
    "--soreness",
    type=click.Choice([s.value for s in Soreness]),
    default="none",
    show_default=True,
    help="When soreness showed up, if at all.",
)
@click.option("--red-flag", "red_flags", multiple=True, metavar="FLAG")
@click.option("--flare-up", is_flag=True, help="Report a flare-up of back pain.")
@click.option("--note", default="", help="A note for your clinician.")
@click.pass_context
def checkin(
    ctx: click.Context,
    plan_id: str,
    date_: str,
    done: bool,
    pain_during: str | None,
    pain_next_morning: str | None,
    soreness: str,
    red_flags: tuple[str, ...],
    flare_up: bool,
    note: str,
) -> None:
    """Record how a session went; the plan adapts."""
    from planner import parsing
    from planner.redflags import red_flag
    from planner.service import local_today, record_checkin

    entry = CheckIn(
        date=parsing.parse_date(date_, "date"),
        done=done,
        pain_during=parsing.parse_pain(pain_during, "pain during") if pain_during is not None else None,
        pain_next_morning=(
            parsing.parse_pain(pain_next_morning, "pain next morning")
            if pain_next_morning is not None
            else None
        ),
        soreness=Soreness(soreness),
        red_flags=tuple(red_flag(f).id for f in red_flags),
        flare_up=flare_up,
        note=parsing.parse_text(note, "note", limit=parsing.MAX_NOTE),
    )
    store = open_store(ctx)
    stored = store.plan(plan_id)
    moment = now()
    record_checkin(store, plan_id, entry, local_today(stored.prescription.timezone, moment), moment)
    click.echo(f"Recorded check-in for {entry.date} on plan {plan_id}.")


def write_output(data: bytes, output: str) -> None:
    from planner.files import write_atomic

    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), data)
        click.echo(output)


def store_and_token(ctx: click.Context, plan_id: str) -> tuple[Settings, Store, str | None]:
    """The store, after checking the plan exists, and the plan's live feed token if it has one."""
    from planner.service import current_token, settings_feed_key

    config, store = settings(ctx), open_store(ctx)
    store.plan(plan_id)
    return config, store, current_token(store, plan_id, settings_feed_key(config))


@cli.group()
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
@click.pass_context
def export_ics(ctx: click.Context, plan_id: str, output: str, rest_days: bool, reminder: int | None) -> None:
    """Export the plan as an iCalendar file."""
    from planner.service import export_calendar

    config, store, token = store_and_token(ctx, plan_id)
    exported = export_calendar(
        store,
        catalog(ctx),
        plan_id,
        now(),
        token=token,
        base_url=config.public_url,
        include_rest=rest_days,
        reminder_minutes=reminder,
    )
    write_output(exported.body, output)


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
@click.pass_context
def export_pdf(
    ctx: click.Context, plan_id: str, output: str, clinic_file: Path | None, paper: str, large_print: bool
) -> None:
    """Print the plan as a handout: cover, safety, overview, levels, exercises, log."""
    from planner.clinic import load_clinic
    from planner.service import export_handout

    clinic = load_clinic(clinic_file) if clinic_file else None
    config, store, token = store_and_token(ctx, plan_id)
    body = export_handout(
        store,
        catalog(ctx),
        plan_id,
        now(),
        token=token,
        base_url=config.public_url,
        clinic=clinic,
        paper=paper,
        large_print=large_print,
    )
    write_output(body, output)


@cli.group()
def feed() -> None:
    """The plan's secret calendar subscription address."""


def print_addresses(token: str, base_url: str) -> None:
    from planner.service import feed_addresses

    addresses = feed_addresses(base_url, token)
    click.echo(f"https:  {addresses.https}")
    click.echo(f"webcal: {addresses.webcal}")
    click.echo(f"google: {addresses.google}")
    click.echo(f"page:   {addresses.page}")


def feed_command(ctx: click.Context, plan_id: str, *, rotate: bool) -> None:
    from planner.service import ensure_feed, settings_feed_key

    config, store = settings(ctx), open_store(ctx)
    store.plan(plan_id)
    print_addresses(
        ensure_feed(store, plan_id, settings_feed_key(config), now(), rotate=rotate), config.public_url
    )


@feed.command("url")
@click.argument("plan_id")
@click.pass_context
def feed_url(ctx: click.Context, plan_id: str) -> None:
    """Print the subscription addresses, creating the feed the first time."""
    feed_command(ctx, plan_id, rotate=False)


@feed.command("rotate")
@click.argument("plan_id")
@click.pass_context
def feed_rotate(ctx: click.Context, plan_id: str) -> None:
    """Replace the address: the old one stops working at once."""
    feed_command(ctx, plan_id, rotate=True)


@feed.command("revoke")
@click.argument("plan_id")
@click.pass_context
def feed_revoke(ctx: click.Context, plan_id: str) -> None:
    """Stop the feed: its address answers 404 from now on."""
    store = open_store(ctx)
    store.plan(plan_id)
    count = store.revoke_tokens(plan_id, now())
    click.echo(f"Revoked {count} feed address{'es' if count != 1 else ''} for plan {plan_id}.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve calendar feeds and the check-in pages (waitress)."""
    import waitress

    from planner.web import create_app

    config = settings(ctx)
    app = create_app(config)
    click.echo(f"Serving feeds on http://{host}:{port} (public address {config.public_url})", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="rehab-planner")


@cli.command("issue")
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
@click.pass_context
def issue_command(
    ctx: click.Context, roster: Path, out_dir: Path, clinic_file: Path | None, workers: int | None
) -> None:
    """Issue a plan, calendar and handout for every roster row; exit 1 if any row failed."""
    from planner.batch import INDEX_NAME, issue
    from planner.clinic import load_clinic
    from planner.exceptions import DataError
    from planner.roster import parse_roster
    from planner.service import settings_feed_key

    config, cat = settings(ctx), catalog(ctx)
    clinic = load_clinic(clinic_file) if clinic_file else None
    try:
        text = roster.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(str(roster), "", "", f"cannot be read ({error})") from None
    rows, problems = parse_roster(text, str(roster), cat.protocols)

    def progress(items: Any, length: int) -> Any:
        if not sys.stderr.isatty():
            yield from items
            return
        with click.progressbar(items, length=length, label="Handouts", file=sys.stderr) as bar:
            yield from bar

    outcomes = issue(
        open_store(ctx),
        cat,
        rows,
        problems,
        out_dir,
        key=settings_feed_key(config),
        base_url=config.public_url,
        now=now(),
        clinic=clinic,
        clinic_dirs=config.clinic_dirs,
        workers=workers,
        progress=progress,
    )
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed:
        click.echo(f"{roster}: line {outcome.line}: {outcome.reason}", err=True)
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("created", "updated", "unchanged")}
    click.echo(
        f"Issued {len(outcomes) - len(failed)} of {len(outcomes)} rows "
        f"({counts['created']} new, {counts['updated']} updated, {counts['unchanged']} unchanged); "
        f"{len(failed)} failed. Index: {out_dir / INDEX_NAME}"
    )
    if failed:
        sys.exit(1)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    default="rehab-planner-demo",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
)
@click.pass_context
def demo(ctx: click.Context, out_dir: Path) -> None:
    """Write a sample plan's calendar (.ics) and handout (.pdf), and print their paths."""
    from planner.demo import run_demo
    from planner.service import settings_feed_key

    config = settings(ctx)
    paths = run_demo(
        open_store(ctx),
        catalog(ctx),
        out_dir,
        key=settings_feed_key(config),
        base_url=config.public_url,
        now=now(),
    )
    for path in paths:
        click.echo(path)


def main() -> None:
    cli.main(prog_name=PROG)
