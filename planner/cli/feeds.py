"""The plan's secret calendar subscription address: show, rotate, revoke."""

from __future__ import annotations

import click

from planner.cli.root import Context, pass_context


@click.group()
def feed() -> None:
    """The plan's secret calendar subscription address."""


def print_addresses(context: Context, plan_id: str, *, rotate: bool) -> None:
    app = context.app()
    addresses = app.addresses(app.feed_token(plan_id, rotate=rotate))
    click.echo(f"https:  {addresses.https}")
    click.echo(f"webcal: {addresses.webcal}")
    click.echo(f"google: {addresses.google}")
    click.echo(f"page:   {addresses.page}")


@feed.command("url")
@click.argument("plan_id")
@pass_context
def feed_url(context: Context, plan_id: str) -> None:
    """Print the subscription addresses, creating the feed the first time."""
    print_addresses(context, plan_id, rotate=False)


@feed.command("rotate")
@click.argument("plan_id")
@pass_context
def feed_rotate(context: Context, plan_id: str) -> None:
    """Replace the address: the old one stops working at once."""
    print_addresses(context, plan_id, rotate=True)


@feed.command("revoke")
@click.argument("plan_id")
@pass_context
def feed_revoke(context: Context, plan_id: str) -> None:
    """Stop the feed: its address answers 404 from now on."""
    count = context.app().revoke_feed(plan_id)
    click.echo(f"Revoked {count} feed address{'es' if count != 1 else ''} for plan {plan_id}.")
