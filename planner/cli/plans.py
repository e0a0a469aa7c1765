"""Making, listing and showing plans, and recording how a session went."""

from __future__ import annotations

import datetime as dt

import click

from planner.cli.output import FORMAT, echo_json, table
from planner.cli.params import (
    DateParam,
    PainParam,
    RedFlagParam,
    ScreeningParam,
    TextParam,
    TimeParam,
    WeekdaysParam,
    ZoneParam,
)
from planner.cli.root import PROG, Context, pass_context
from planner.core import parsing, report_answer, wording
from planner.core.model import CheckIn, Effort, Prescription, Screening, Soreness


@click.group()
def plan() -> None:
    """Create, list and show plans."""


SCREENING = (
    "A background risk factor found at assessment ("
    + ", ".join(item.id for item in wording.SCREENING_ITEMS)
    + "); the plan is made only with --screened-by."
)
NAME = TextParam("screened by", limit=parsing.MAX_NAME)
ASSESSOR = TextParam("screened by", limit=parsing.MAX_NAME)
SCREENED_BY = "The clinician who assessed the screening answers: recorded with the plan."


@plan.command("create")
@click.option("--protocol", "protocol_id", required=True, help="Protocol id (see 'protocols list').")
@click.option("--start", required=True, type=DateParam("start"), metavar="YYYY-MM-DD", help="First day.")
@click.option(
    "--name",
    default="Runner",
    show_default=True,
    type=TextParam("name", limit=parsing.MAX_NAME, required=True),
    help="The person's name.",
)
@click.option(
    "--tz", default="Europe/London", show_default=True, type=ZoneParam("time zone"), metavar="Area/City"
)
@click.option(
    "--run-days",
    default="mon,wed,sat",
    show_default=True,
    type=WeekdaysParam("run days"),
    help="Weekdays for runs, apart.",
)
@click.option(
    "--strength-days",
    default=None,
    type=WeekdaysParam("strength days"),
    help="Weekdays for strength work (default: chosen for you).",
)
@click.option("--time", "time_", default="07:30", show_default=True, type=TimeParam("time"), metavar="HH:MM")
@click.option(
    "--pain",
    default="0",
    show_default=True,
    type=PainParam("pain"),
    metavar="0-10",
    help="Pain at rest today.",
)
@click.option(
    "--red-flag",
    "red_flags",
    multiple=True,
    type=RedFlagParam("red flag"),
    metavar="FLAG",
    help="A warning sign found at assessment (new or changing): the plan is a referral until cleared.",
)
@click.option(
    "--screening", "screening_items", multiple=True, type=ScreeningParam("screening"), help=SCREENING
)
@click.option("--screened-by", default="", type=ASSESSOR, metavar="NAME", help=SCREENED_BY)
@click.option(
    "--hold-running-until",
    "hold",
    default=None,
    type=DateParam("hold running until"),
    metavar="YYYY-MM-DD",
    help="Clinician's hold: no running before this date.",
)
@click.option(
    "--goal",
    default="",
    type=TextParam("goal", limit=parsing.MAX_GOAL),
    help="The person's own goal, in their words (default: the protocol's).",
)
@click.option("--template", "template_name", default=None, help="Start from this programme template.")
@pass_context
def plan_create(
    context: Context,
    protocol_id: str,
    start: dt.date,
    name: str,
    tz: str,
    run_days: tuple[int, ...],
    strength_days: tuple[int, ...] | None,
    time_: dt.time,
    pain: int,
    red_flags: tuple[str, ...],
    screening_items: tuple[str, ...],
    screened_by: str,
    hold: dt.date | None,
    goal: str,
    template_name: str | None,
) -> None:
    """Create a plan and print its id on the last line."""
    from planner.core.prescription_checks import default_strength_days

    app = context.app()
    protocol = app.catalog.protocol(protocol_id)
    rx = Prescription(
        name=name,
        start=start,
        timezone=tz,
        run_days=run_days,
        strength_days=strength_days or default_strength_days(run_days, protocol.strength_per_week),
        session_time=time_,
        pain=pain,
        red_flags=red_flags,
        hold_running_until=hold,
        goal=goal,
        screening=Screening(tuple(dict.fromkeys(screening_items)), screened_by),
    )
    if template_name is not None:
        from planner.app import programmes

        programmes.template(app, template_name)  # an unknown name stores nothing
    plan_id = app.create_plan(protocol_id, rx)
    if template_name is not None:
        programmes.start_from_template(app, plan_id, template_name)
    click.echo(plan_id)


@plan.command("list")
@pass_context
def plan_list(context: Context) -> None:
    """List stored plans."""
    readable, damaged = context.app().plans()
    rows = [
        (p.id, p.prescription.name, p.protocol_id, p.prescription.start.isoformat(), p.revised_at.isoformat())
        for p in readable
    ]
    for plan_id in damaged:
        click.echo(f"{PROG}: plan {plan_id}: its stored record is damaged and cannot be shown", err=True)
    if not rows and not damaged:
        click.echo("No plans yet: create one with 'rehab-planner plan create'.")
        return
    click.echo(table(rows, ("id", "name", "protocol", "start", "last change")))


@plan.command("show")
@click.argument("plan_id")
@FORMAT
@click.option(
    "--as-of",
    default=None,
    type=DateParam("as of"),
    metavar="YYYY-MM-DD",
    help="The plan as it stood that day.",
)
@pass_context
def plan_show(context: Context, plan_id: str, fmt: str, as_of: dt.date | None) -> None:
    """Show a plan: weeks, days, what to do and why."""
    view = context.app().plan(plan_id, as_of)
    if fmt == "json":
        from planner.export.plan_json import plan_to_dict

        echo_json(plan_to_dict(view.plan, plan_id))
    else:
        from planner.export.text import plan_table

        click.echo(plan_table(view.plan, plan_id, followed=context.app().in_clinic(plan_id)))


@click.command()
@click.argument("plan_id")
@click.option("--date", "date_", required=True, type=DateParam("date"), metavar="YYYY-MM-DD", help="The day.")
@click.option(
    "--done/--skipped",
    default=None,
    help="Did the session happen? Unsaid: done, but not with a flare-up or a warning sign.",
)
@click.option("--pain-during", default=None, type=PainParam("pain during"), metavar="0-10")
@click.option("--pain-next-morning", default=None, type=PainParam("pain next morning"), metavar="0-10")
@click.option(
    "--soreness",
    type=click.Choice([s.value for s in Soreness]),
    default="none",
    show_default=True,
    help="When soreness showed up, if at all.",
)
@click.option("--red-flag", "red_flags", multiple=True, type=RedFlagParam("red flag"), metavar="FLAG")
@click.option("--flare-up", is_flag=True, help="Report a flare-up of back pain.")
@click.option("--stiff-or-swollen", is_flag=True, help="Stiffness or swelling after the session.")
@click.option(
    "--strength-felt",
    "strength_felt",
    type=click.Choice([e.value for e in Effort]),
    default=None,
    help="How the strength or mobility exercises felt (two easy sessions in a row: they step up).",
)
@click.option(
    "--note", default="", type=TextParam("note", limit=parsing.MAX_NOTE), help="A note for your clinician."
)
@pass_context
def checkin(
    context: Context,
    plan_id: str,
    date_: dt.date,
    done: bool | None,
    pain_during: int | None,
    pain_next_morning: int | None,
    soreness: str,
    red_flags: tuple[str, ...],
    flare_up: bool,
    stiff_or_swollen: bool,
    note: str,
    strength_felt: str | None,
) -> None:
    """Record how a session went; the plan adapts."""
    entry = CheckIn(
        date=date_,
        done=parsing.session_done(done, flare_up=flare_up, red_flags=red_flags),
        pain_during=pain_during,
        pain_next_morning=pain_next_morning,
        soreness=Soreness(soreness),
        red_flags=red_flags,
        flare_up=flare_up,
        note=note,
        stiff_or_swollen=stiff_or_swollen,
        strength_felt=Effort(strength_felt) if strength_felt else None,
    )
    app = context.app()
    app.record_checkin(plan_id, entry)
    click.echo(f"Recorded check-in for {entry.date} on plan {plan_id}.")
    if done is None and not entry.done:
        click.echo(wording.CHECKIN_NOT_DONE)
    if entry.red_flags or entry.flare_up:  # what to do now comes with the receipt
        view = app.plan(plan_id, as_of=entry.date)
        answer = report_answer.answer_for(view.plan, view.checkins)
        if answer is not None:
            click.echo(answer_text(answer))


def answer_text(answer: report_answer.Answer) -> str:
    """The stop screen or the pause, as lines on a terminal."""
    lines = [f"\n{answer.heading.upper()}", *answer.lines]
    lines += [f"  {call.label}" for call in answer.calls]
    return "\n".join(lines)


@plan.command("clear-red-flag")
@click.argument("plan_id")
@click.option(
    "--by", required=True, type=TextParam("by", limit=parsing.MAX_NAME, required=True), help="Clinician."
)
@click.option(
    "--note",
    required=True,
    type=TextParam("note", limit=parsing.MAX_NOTE, required=True),
    help="What the assessment found (kept with the plan).",
)
@pass_context
def plan_clear_red_flag(context: Context, plan_id: str, by: str, note: str) -> None:
    """Record a clinician's assessment after a red flag; the plan starts again tomorrow."""
    context.app().clear_red_flag(plan_id, by, note)
    click.echo(f"Recorded the assessment by {by}; plan {plan_id} starts again tomorrow.")
