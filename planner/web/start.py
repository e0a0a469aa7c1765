"""/start: a runner makes their own plan on a phone, with no terminal and no account.

GET  /start            the warning signs, grouped by how soon they need help
POST /start            any sign ticked: what to do and how soon, and nothing is stored;
                       none: the questions (signed proof of the screen in a hidden field)
POST /start/questions  every field parsed as the command line parses it; a message beside each
                       field that is wrong, else the programme the answers lead to, and why
POST /start/plan       make the plan (throttled per address in the database), then show it on the phone page,
                       which keeps the check-in secret on this phone

Nothing is stored before the last step. The answers travel between steps in a signed, short-lived
hidden field (itsdangerous, keyed from the feed key), never in a URL. Off unless the server is
started with it (Settings.start_page: on by default only for a personal server on loopback).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from flask import Blueprint, Response, abort, redirect, render_template, request
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from planner.app.application import local_today
from planner.app.throttle import Throttled
from planner.core import evidence, parsing, redflags, report_answer, screening, wording
from planner.core.exceptions import PlannerError
from planner.core.intake import Choice, Intake, choose
from planner.core.model import Prescription
from planner.core.prescription_checks import day_names, default_strength_days
from planner.web.context import application, same_origin
from planner.web.form_fields import PATTERNS, FieldErrors, parse_fields, refused_at, run_days
from planner.web.headers import own_script_allowed

FORM_SECONDS = 3600  # an hour to answer; then the signed answers expire and the flow starts again
YES_NO = ("walking_comfortable", "ran_before", "flare_up", "minimal_shoes")

blueprint = Blueprint("start", __name__, url_prefix="/start")


@attrs.frozen
class Answers:
    """Everything /start asks, parsed; the protocol follows from `intake`."""

    intake: Intake
    name: str
    start: dt.date
    timezone: str
    run_days: tuple[int, ...]
    session_time: dt.time
    goal: str

    def prescription(self, strength_per_week: int) -> Prescription:
        return Prescription(
            name=self.name,
            start=self.start,
            timezone=self.timezone,
            run_days=self.run_days,
            strength_days=default_strength_days(self.run_days, strength_per_week),
            session_time=self.session_time,
            pain=self.intake.pain_at_rest,
            goal=self.goal,
        )


# Each field: the name its messages use and the parser the command line uses for the same value.
PARSERS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "pain_at_rest": ("pain at rest", parsing.parse_pain),
    **{name: (name.replace("_", " "), parsing.parse_yes_no) for name in YES_NO},
    "run_days": ("run days", run_days),
    "time": ("time", parsing.parse_time),
    "tz": ("time zone", parsing.parse_zone),
    "start": ("start", parsing.parse_date),
    "name": ("name", functools.partial(parsing.parse_text, limit=parsing.MAX_NAME, required=True)),
    "goal": ("goal", functools.partial(parsing.parse_text, limit=parsing.MAX_GOAL)),
    "screening": ("screening", screening.parse_items),  # the ticked boxes, joined with commas
}
OPTIONAL = {"goal", "screening"}
UNANSWERED = {
    name: wording.INTAKE_UNANSWERED.format(question=wording.INTAKE_QUESTIONS[name]) for name in YES_NO
}
FIELD_OF = {"start": "start"}  # the app's own checks (dates) name the field they refuse


def parse_answers(form: Mapping[str, str]) -> Answers:
    """All fields parsed, or FieldErrors with one message per field that is wrong."""
    values = parse_fields(form, PARSERS, OPTIONAL, UNANSWERED)
    return Answers(
        Intake(
            values["pain_at_rest"],
            values["walking_comfortable"],
            values["ran_before"],
            values["flare_up"],
            values["minimal_shoes"],
            values["screening"] or (),
        ),
        values["name"],
        values["start"],
        values["tz"],
        values["run_days"],
        values["time"],
        values["goal"] or "",
    )


def checked_plan(form: Mapping[str, str]) -> tuple[Answers, Choice, Prescription]:
    """The answers, the programme they lead to, and the prescription the app has checked as it
    checks one from the command line (dates, entry criteria, week shape)."""
    answers = parse_answers(form)
    app = application()
    choice = choose(answers.intake, app.catalog)
    rx = answers.prescription(app.catalog.protocol(choice.protocol_id).strength_per_week)
    if choice.see_clinician:  # no plan will be made, so nothing to check it against
        return answers, choice, rx
    try:
        app.check(choice.protocol_id, rx)
    except PlannerError as error:
        raise refused_at(error, FIELD_OF) from None
    return answers, choice, rx


# -- the signed hidden field that carries a step's result to the next ----------------------------
class _ClockedSigner(TimestampSigner):
    """Signs with the application's clock, so "an hour to answer" follows the same time as the
    rest of the app (and tests can move it)."""

    def __init__(self, *args: Any, clock: Callable[[], dt.datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock

    def get_timestamp(self) -> int:
        return int(self.clock().timestamp())


def _signer() -> URLSafeTimedSerializer:
    app = application()
    key = hmac.new(app.feed_key, b"start-flow", hashlib.sha256).digest()
    return URLSafeTimedSerializer(
        key, salt="rehab-planner-start", signer=_ClockedSigner, signer_kwargs={"clock": app.now}
    )


def sign(stage: str, answers: Mapping[str, str] | None = None) -> str:
    return _signer().dumps({"stage": stage, "answers": dict(answers or {})})


def unsign(stage: str) -> dict[str, str]:
    """The answers a previous step signed; a 400 when missing, forged, of another step or expired."""
    try:
        data = _signer().loads(request.form.get("proof", ""), max_age=FORM_SECONDS)
    except BadSignature:
        abort(Response(EXPIRED, 400, mimetype="text/html"))
    if not isinstance(data, dict) or data.get("stage") != stage:
        abort(Response(EXPIRED, 400, mimetype="text/html"))
    return {str(k): str(v) for k, v in data.get("answers", {}).items()}


EXPIRED = (
    '<!doctype html><html lang="en"><title>Start again</title><p>This form has expired or was not '
    'filled in here. <a href="/start">Start again</a>.</p></html>'
)


# -- the steps ------------------------------------------------------------------------------------
@blueprint.before_request
def posted_here() -> Response | None:
    if request.method == "POST" and not same_origin():
        return Response("Cross-site form posts are refused\n", 403, mimetype="text/plain")
    return None


@blueprint.get("")
@own_script_allowed
def screen() -> str:
    return render_template("start_screen.html", ticked=(), error="")


@blueprint.post("")
@own_script_allowed
def screened() -> tuple[str, int] | str:
    form = request.form
    try:
        ticked = tuple(dict.fromkeys(redflags.stop_sign(f).id for f in form.getlist("red_flag")))
    except PlannerError:
        abort(400)
    answer = form.get("any", "")
    if answer not in ("yes", "none"):
        error = "Say whether any of the signs apply to you."
        return render_template("start_screen.html", ticked=ticked, error=error), 400
    if answer == "yes" and not ticked:
        error = "Tick the signs that apply to you, or choose “None of these”."
        return render_template("start_screen.html", ticked=ticked, error=error), 400
    if ticked:  # the most cautious reading: a ticked sign counts even beside "none of these"
        return stop(ticked, form.get("tz", ""))
    return questions({"tz": form.get("tz", "")}, {})


def stop(ticked: tuple[str, ...], zone_text: str) -> str:
    """What to do and how soon; nothing about the person is kept."""
    try:
        zone = parsing.parse_zone(zone_text)
    except PlannerError:
        zone = ""
    urgent = redflags.most_urgent(ticked)
    signs = [redflags.red_flag(f) for f in ticked]
    return render_template(
        "start_stop.html",
        calls=report_answer.calls(zone, urgent.urgency),
        urgency=urgent.urgency,
        heading=wording.URGENCY_HEADING[urgent.urgency],
        advice=redflags.advice(urgent.urgency, zone),
        signs=sorted(signs, key=lambda flag: -flag.urgency),
        nothing_stored=wording.START_NOTHING_STORED,
        again=wording.START_AGAIN_SIGNS,
    )


def questions(values: Mapping[str, str], errors: Mapping[str, str]) -> str:
    """The second screen; the first day offered is today where the phone is (its time zone, when the
    first screen could read it), not where the server is."""
    try:
        zone = parsing.parse_zone(values.get("tz", ""))
    except PlannerError:
        zone = "UTC"
    today = local_today(zone, application().now())
    return render_template(
        "start_questions.html",
        proof=sign("screened"),
        values={"start": today.isoformat(), "time": "07:30", "run_days": "mon,wed,sat", **values},
        errors=errors,
        questions=wording.INTAKE_QUESTIONS,
        yes_no=YES_NO,
        screening=wording.SCREENING_ITEMS,
        screening_heading=wording.SCREENING_HEADING,
        patterns=PATTERNS,
    )


@blueprint.post("/questions")
@own_script_allowed
def answered() -> tuple[str, int] | str:
    unsign("screened")
    form = {field: request.form.get(field, "") for field in PARSERS}
    form["screening"] = ",".join(request.form.getlist("screening"))
    try:
        answers, choice, rx = checked_plan(form)
    except FieldErrors as problem:
        return questions(form, problem.errors), 400
    if choice.see_clinician:  # no plan; nothing is stored
        return render_template(
            "start_stop.html",
            calls=report_answer.calls(rx.timezone, None),  # the urgent-advice line, where known
            urgency=None,
            heading=wording.INTAKE_SEVERE_HEADING,
            advice=" ".join(choice.reasons),
            again=choice.again,
            signs=(),
            nothing_stored=wording.START_NOTHING_STORED_PAIN,
        )
    protocol = application().catalog.protocol(choice.protocol_id)
    return render_template(
        "start_confirm.html",
        proof=sign("answered", {**form, "submission": secrets.token_urlsafe(16)}),
        protocol=protocol,
        choice=choice,
        based_on=evidence.based_on([choice.source, *protocol.sources]),
        rx=rx,
        answers=answers,
        days=lambda days: ", ".join(day_names(days).title().split(",")),
    )


@blueprint.post("/plan")
def create() -> Response:
    form = unsign("answered")
    try:
        _, choice, rx = checked_plan(form)
    except FieldErrors:
        abort(Response(EXPIRED, 400, mimetype="text/html"))
    if choice.see_clinician:  # answers that make no plan never reach this step through the form
        abort(Response(EXPIRED, 400, mimetype="text/html"))
    app = application()
    try:
        plan_id = app.create_plan(
            choice.protocol_id, rx, submission=form["submission"], from_address=request.remote_addr or ""
        )
    except Throttled:
        abort(429)
    _, checkin = app.secrets_for(plan_id)
    return redirect(f"/c/{checkin}?new=1", code=303)  # type: ignore[return-value]
