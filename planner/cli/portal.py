"""The clinic portal's accounts and its alert sweep, for the people who run the server."""

from __future__ import annotations

import os

import click

from planner.cli.params import TextParam
from planner.cli.root import Context, pass_context

PASSWORD_ENV = "REHAB_PLANNER_PASSWORD"


@click.group()
def clinician() -> None:
    """Clinicians who log in to the portal."""


@clinician.command("add")
@click.option(
    "--clinic", required=True, type=TextParam("clinic", limit=200, required=True), help="The clinic's name."
)
@click.option("--email", required=True, help="Their login.")
@click.option("--name", default="", help="As patients and the audit trail see it (default: from the e-mail).")
@click.option("--admin", is_flag=True, help="May manage the clinic's clinicians and read its audit trail.")
@click.option("--link", is_flag=True, help="Print a one-time link (72 hours) to set the password instead.")
@pass_context
def clinician_add(context: Context, clinic: str, email: str, name: str, admin: bool, link: bool) -> None:
    """Add a clinician to a clinic (made on first use); print their id. The password is asked for
    (typed twice, not shown), or read from REHAB_PLANNER_PASSWORD, or set by them through a one-time
    link (--link); never an option, so it stays out of shell history and the process list."""
    from planner.app.accounts import Accounts

    password = None if link else os.environ.get(PASSWORD_ENV) or ask_password()
    app = context.app()
    clinician_id, token = Accounts(app).add_clinician(clinic, email, name, password, admin=admin)
    click.echo(clinician_id)
    if token:
        click.echo(f"{app.settings.public_url}/portal/set-password/{token}")


def ask_password() -> str:
    """Typed twice, not shown. Without a terminal (a pipe), getpass says once that input may be
    echoed; Python's own GetPassWarning line (a file path and line number) is left out."""
    import getpass
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        answer: str = click.prompt(
            "Password (12 characters or more)", hide_input=True, confirmation_prompt=True, err=True
        )
    return answer


@clinician.command("list")
@pass_context
def clinician_list(context: Context) -> None:
    """Every clinician: clinic, e-mail, name, admin, account state and last login (UTC)."""
    from planner.app.accounts import UNUSABLE, Accounts

    for person in Accounts(context.app()).all_clinicians():
        state = (
            f"disabled {person.disabled_at[:16]}"
            if person.disabled_at
            else "waiting for its link"
            if person.password_hash == UNUSABLE
            else "active"
        )
        role = "admin" if person.is_admin else "clinician"
        last = person.last_login_at[:16] if person.last_login_at else "never"
        click.echo(f"{person.clinic_name}\t{person.email}\t{person.name}\t{role}\t{state}\tlast login {last}")


AT_CLINIC = click.option(
    "--clinic", default="", help="The clinic of the account, when the e-mail has one at several."
)


@clinician.command("disable")
@click.argument("email")
@AT_CLINIC
@pass_context
def clinician_disable(context: Context, email: str, clinic: str) -> None:
    """Close a clinician's account: no login, and every session of theirs ends at once."""
    set_disabled(context, email, clinic, disabled=True)


@clinician.command("enable")
@click.argument("email")
@AT_CLINIC
@pass_context
def clinician_enable(context: Context, email: str, clinic: str) -> None:
    """Open a disabled account again (its password is the one it had)."""
    set_disabled(context, email, clinic, disabled=False)


def set_disabled(context: Context, email: str, clinic: str, *, disabled: bool) -> None:
    from planner.app.accounts import Accounts

    accounts = Accounts(context.app())
    person = accounts.set_disabled(None, accounts.clinician_named(email, clinic).id, disabled=disabled)
    click.echo(f"{person.email} is {'disabled' if disabled else 'enabled'}")


@clinician.command("reset-link")
@click.argument("email")
@AT_CLINIC
@pass_context
def clinician_reset_link(context: Context, email: str, clinic: str) -> None:
    """Print a fresh one-time link (72 hours) to set a password: the old links and the old
    password stop, and every session ends."""
    from planner.app.accounts import Accounts

    app = context.app()
    accounts = Accounts(app)
    token = accounts.reset_link(None, accounts.clinician_named(email, clinic).id)
    click.echo(f"{app.settings.public_url}/portal/set-password/{token}")


@click.group()
def alerts() -> None:
    """The clinic's alerts."""


@alerts.command("sweep")
@pass_context
def alerts_sweep(context: Context) -> None:
    """Raise the alerts that time alone brings (silence, low adherence) and send waiting mail: once,
    for cron (serve does it every few minutes)."""
    from planner.app.mailer import SmtpSettings

    follow_up = context.app().follow_up
    raised = follow_up.sweep()
    smtp = SmtpSettings.from_environment()
    sent = follow_up.deliver_mail(smtp)
    click.echo(f"{raised} new alerts; {sent} e-mails sent")
    if smtp is None:
        waiting = follow_up.waiting_mail()
        if waiting:
            click.echo(
                f"{waiting} e-mails wait in the outbox: mail is not set up "
                "(set REHAB_PLANNER_SMTP_HOST; see README, 'The clinic portal')",
                err=True,
            )
