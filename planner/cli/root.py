"""The root command group: global options, one-line errors, and the application object.

Heavy libraries (SQLAlchemy, reportlab, Flask) load only inside the commands that need them, so
`--help` and the catalogue commands stay fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from planner import __version__
from planner.app.settings import Settings
from planner.core.exceptions import PlannerError
from planner.data.paths import CLINIC_DATA_ENV, clinic_dirs

if TYPE_CHECKING:
    from planner.app.application import App
    from planner.core.catalog import Catalog

PROG = "rehab-planner"
TEST_NOW_ENV = "REHAB_PLANNER_TEST_NOW"  # for tests only: every command's "now" is this instant


def fail(message: str, status: int = 2) -> NoReturn:
    click.echo(f"{PROG}: error: {' '.join(message.split())}", err=True)
    sys.exit(status)


INTERRUPTED = 128 + 2  # the shell's status for a command ended by SIGINT (Ctrl-C)


class Interrupted(click.ClickException):
    """Ctrl-C: one line and status 130 (click would print a blank line and "Aborted!", status 1)."""

    exit_code = INTERRUPTED


def database_failure(error: Exception) -> str:
    """One line for a database failure. The server's own words only for an operational problem
    (locked, unreachable, disk full); anything else by its kind, since a database's text can quote
    the data of the statement (other people's e-mail addresses, notes)."""
    reason = getattr(error, "orig", None)
    if type(error).__name__ == "OperationalError" and reason is not None:
        return f"database error: {reason}; nothing was changed"
    return f"database error ({type(error).__name__}): nothing was changed; try again"


class PlannerGroup(click.Group):
    """Runs click without its own error printing, so every failure is one line and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted (Ctrl-C)") from None

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
        except click.Abort as error:  # a prompt turns Ctrl-C into Abort itself
            if isinstance(error.__context__, KeyboardInterrupt):
                fail("interrupted (Ctrl-C)", INTERRUPTED)
            fail("aborted", 1)
        except BrokenPipeError:
            sys.exit(1)
        except OSError as error:
            fail(f"{error.strerror or error}: {error.filename or ''}", 1)
        except Exception as error:
            if type(error).__module__.startswith("sqlalchemy"):  # no import: keeps --help fast
                fail(database_failure(error), 1)
            raise
        sys.exit(result if isinstance(result, int) else 0)


def test_clock(environ: Mapping[str, str]) -> Callable[[], dt.datetime] | None:
    """For tests only: a clock stopped at the instant REHAB_PLANNER_TEST_NOW names (ISO 8601 with
    its offset, e.g. 2026-03-10T09:00:00+00:00), so a test of the command line, or of a server it
    starts, never depends on the day it runs. None when unset: the system clock."""
    text = environ.get(TEST_NOW_ENV, "").strip()
    if not text:
        return None
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.utcoffset() is None:
        fail(f"{TEST_NOW_ENV}: {text!r} is not a date and time with its UTC offset (a setting for tests)")
    fixed = instant.astimezone(dt.UTC)
    return lambda: fixed


class Context:
    """What one command-line call shares: the settings, and the application object once built."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app: App | None = None

    def app(self) -> App:
        """Built on first use, once per call: it opens the database."""
        if self._app is None:
            from planner.app.application import App, system_clock

            self._app = App.open(self.settings, clock=test_clock(os.environ) or system_clock)
        return self._app

    def catalog(self) -> Catalog:
        """The catalogue without opening the database (the browsing commands need no store)."""
        from planner.data.catalog import builtin_catalog, load_catalog

        dirs = self.settings.clinic_dirs
        return load_catalog(dirs) if dirs else builtin_catalog()


pass_context = click.make_pass_decorator(Context)


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
    ctx.obj = Context(Settings(db=db, clinic_dirs=clinic_dirs(clinic_data), base_url=base_url))
