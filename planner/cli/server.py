"""Running the web edge, and looking after the database it shares with the command line."""

from __future__ import annotations

import socket
import threading

import attrs
import click

from planner.app.feeds import is_loopback_host
from planner.cli.root import Context, pass_context
from planner.core.exceptions import InputError

PROXIES_ENV = "REHAB_PLANNER_TRUSTED_PROXIES"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--start-page/--no-start-page",
    default=None,
    help="Let anyone who can reach the server make a plan at /start (default: on only on loopback).",
)
@click.option(
    "--trusted-proxies",
    default=0,
    show_default=True,
    type=click.IntRange(0, 5),
    envvar=PROXIES_ENV,
    help=f"Reverse proxies in front whose X-Forwarded-For/-Proto/-Host/-Port to believe (env {PROXIES_ENV}).",
)
@pass_context
def serve(
    context: Context, host: str, port: int, threads: int, start_page: bool | None, trusted_proxies: int
) -> None:
    """Serve calendar feeds, the check-in pages, /start and the clinic portal (waitress)."""
    context.settings = attrs.evolve(context.settings, trusted_proxies=trusted_proxies)
    run_server(
        context, host, port, threads, start_page=is_loopback_host(host) if start_page is None else start_page
    )


def run_server(context: Context, host: str, port: int, threads: int, *, start_page: bool) -> None:
    """The web server, with the alert sweep and the outbox running beside it until it stops."""
    from planner.app.feeds import listening_url
    from planner.app.mailer import SmtpSettings
    from planner.cli.feeds import warn_if_loopback
    from planner.web import SERVER_OPTIONS, create_app, listening_server

    listening = listening_url(host, port, socket.gethostname())
    public = context.settings.given_url or listening  # without --base-url: where it listens
    context.settings = attrs.evolve(context.settings, start_page=start_page, base_url=public)
    app = context.app()
    enough_descriptors(SERVER_OPTIONS["connection_limit"])
    try:  # listening before it says so: the announcement is the readiness line scripts wait for
        server = listening_server(create_app(app), app.settings, host=host, port=port, threads=threads)
    except ValueError:  # waitress's word for an address it cannot listen on
        raise InputError(f"--host {host!r}: not an address this machine can listen on") from None
    if app.settings.start_page:
        click.echo(f"Anyone who can reach it can make a plan at {app.settings.public_url}/start", err=True)
    warn_if_loopback(context, "feed addresses, QR codes and /start's calendar buttons")
    click.echo(f"Serving feeds on {listening} (public address {app.settings.public_url})", err=True)
    stop = threading.Event()
    follower = threading.Thread(
        target=app.follow_up.keep_following, args=(SmtpSettings.from_environment(), stop), daemon=True
    )
    follower.start()
    try:
        server.run()
    finally:
        stop.set()


def enough_descriptors(connections: int) -> None:
    """Raise this process's open-file limit towards what waitress may hold open (as far as the
    hard limit allows), so the connection limit, not the descriptor limit, is what applies."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 200  # the database, log files and the sweep's connections besides
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
        )


@click.group()
def db() -> None:
    """The database's schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(context: Context) -> None:
    """Bring the database to this program's schema (opening it does so too); print the revision."""
    from planner.store import migrate
    from planner.store.database import Store

    url = context.settings.database_url
    store = Store.open(url, upgrade=False)
    started = migrate.upgrade(store.engine)
    if started == migrate.HEAD:
        click.echo(f"The database is up to date (schema {migrate.HEAD}).")
    else:
        click.echo(f"Upgraded the database from {started or 'an empty database'} to schema {migrate.HEAD}.")
