"""The plan's two secrets: the read-only calendar address, and the check-in address that alone can
post reports. Show, rotate, revoke."""

from __future__ import annotations

import click

from planner.cli.root import Context, pass_context


@click.group()
def feed() -> None:
    """The plan's calendar address and its check-in secret."""


def warn_if_loopback(context: Context, what: str) -> None:
    """Once per command: addresses meant for a phone that only this computer can open."""
    from planner.app.feeds import is_loopback_url
    from planner.app.settings import BASE_URL_ENV

    url = context.settings.public_url
    if is_loopback_url(url):
        click.echo(
            f"warning: {what} point at {url}, which a phone cannot open; give the public address "
            f"with --base-url https://your.server or {BASE_URL_ENV}",
            err=True,
        )


def print_addresses(context: Context, plan_id: str, rotate: str | None) -> None:
    from planner.store.database import TokenKind

    app = context.app()
    app.settings.public_url  # noqa: B018 - a bad --base-url is refused before any secret is stored
    token, checkin = app.secrets_for(plan_id, rotate=TokenKind(rotate) if rotate else None, revived=False)
    addresses = app.addresses(token, checkin)
    warn_if_loopback(context, "these addresses")
    click.echo(f"https:    {addresses.https}")
    click.echo(f"webcal:   {addresses.webcal}")
    click.echo(f"google:   {addresses.google}")
    click.echo(f"page:     {addresses.page}")
    click.echo(f"check-in: {addresses.checkin}   (private: whoever has it can report for this person)")


@feed.command("url")
@click.argument("plan_id")
@pass_context
def feed_url(context: Context, plan_id: str) -> None:
    """Print the addresses, making them the first time; after `feed revoke`, none (rotate makes new ones)."""
    print_addresses(context, plan_id, None)


@feed.command("rotate")
@click.argument("plan_id")
@click.option(
    "--checkin", "which", flag_value="checkin", default="feed", help="Rotate the check-in secret instead."
)
@pass_context
def feed_rotate(context: Context, plan_id: str, which: str) -> None:
    """Replace the calendar address (or, with --checkin, the check-in secret): the old one stops at once.
    After `feed revoke`, both are made anew."""
    print_addresses(context, plan_id, which)


@feed.command("revoke")
@click.argument("plan_id")
@pass_context
def feed_revoke(context: Context, plan_id: str) -> None:
    """Stop the feed and the check-in address: both answer 404 from now on."""
    count = context.app().revoke_feed(plan_id)
    click.echo(f"Revoked {count} address{'es' if count != 1 else ''} for plan {plan_id}.")
