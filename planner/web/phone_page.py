"""The phone page. The calendar's address only shows the plan; reporting needs the check-in secret.

GET  /p/<feed token>        the plan at a glance and subscribe buttons; the check-in form too when
                            this phone keeps the plan's check-in secret (a cookie set by /c/...)
GET  /c/<check-in secret>   the same page with the form, and this phone remembers the secret
GET  /p/<feed token>/run-<day>.fit, /c/<check-in secret>/run-<day>.fit
                            that day's running session as a watch workout (FIT)
POST /c/<check-in secret>/checkin
                            record a check-in: CSRF token, Origin and Sec-Fetch-Site checked, and a
                            submission id so a double submit stores one report
POST /c/<check-in secret>/morning
                            the next morning's pain for a session reported done (the second step of
                            a check-in), the same checks

The check-in comes in two steps: right after the session (done or skipped, pain during, how the
exercises felt, warning signs, flare-up), and the next morning "pain now", asked at the top of the
page for the latest session reported done in the last MORNING_DAYS days without it; any earlier
report gets its morning score from its line in the last seven days (?morning=DAY).

Knowing the feed address (a person the calendar was shared with, the calendar provider's fetcher)
is not enough to post anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file
from werkzeug.datastructures import MultiDict

from planner.app.application import PlanView
from planner.core import guide, intervals, parsing, report_answer, same_day, wording
from planner.core.exceptions import PlannerError
from planner.core.model import CheckIn, Effort, Session, SessionKind, Soreness, Status
from planner.core.redflags import SCREENING_IDS, stop_sign
from planner.export import chart, pictograms
from planner.store.database import TokenKind
from planner.web.context import application, plan_id_for, same_origin
from planner.web.headers import own_script_allowed
from planner.web.watch import workout_download

PAGE_DAYS = 14
MORNING_DAYS = 2  # the morning question waits at the top of the page this long after a session
RECENT_DAYS = 7
CHART_WEEKS = 8  # what a phone screen shows legibly; the handout carries every week
COOKIE = "rp_checkin"
COOKIE_DAYS = 365
REPORT_WORDS = {Status.DONE: "done", Status.SKIPPED: "skipped", Status.UNREPORTED: "not reported yet"}
SORENESS_CHOICES = tuple((case.value, text.choice) for case, text in wording.SORENESS.items())
TRUE, FALSE = {"on", "yes", "true", "1"}, {"", "off", "no", "false", "0"}

blueprint = Blueprint("phone_page", __name__)


def csrf_for(secret: str) -> str:
    key = hmac.new(application().feed_key, b"csrf", hashlib.sha256).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def guide_for(session: Session | None, today: dt.date) -> dict[str, Any] | None:
    """Today's session as the guided timer runs it: its steps as the planner made them, and the
    words the timer says; None when there is nothing to time."""
    if session is None or session.date != today:
        return None
    steps = guide.flat(guide.timed(session))  # an active session always has timed steps
    return {
        "key": str(session.slot),
        "date": session.date.isoformat(),
        "checkin": "checkin-form",
        "intro": wording.GUIDE_INTRO,
        "total": sum(s.seconds for s in steps),
        "steps": [
            {"kind": s.kind.value, "part": wording.PART_HEADING[s.part], "text": s.text, "seconds": s.seconds}
            for s in steps
        ],
        "words": {
            "next": wording.GUIDE_NEXT,
            "done": wording.GUIDE_DONE,
            "step": wording.GUIDE_STEP,
            "pause": wording.GUIDE_PAUSE,
            "resume": wording.GUIDE_RESUME,
        },
    }


def waiting_for_morning(view: PlanView) -> dict[dt.date, Session]:
    """The last seven days' sessions reported done that have no morning score yet."""
    today = view.today
    merged = same_day.by_day(
        view.checkins, today - dt.timedelta(days=RECENT_DAYS), today - dt.timedelta(days=1)
    )
    return {
        s.date: s
        for s in view.plan.sessions
        if s.date in merged
        and s.kind.is_active
        and merged[s.date].done
        and merged[s.date].pain_next_morning is None
    }


def morning_for(view: PlanView, waiting: dict[dt.date, Session], asked: str) -> Session | None:
    """The session whose next-morning pain the page asks for: the day in ?morning= if it waits for
    one, else the latest that does in the last MORNING_DAYS days."""
    try:
        chosen = parsing.parse_date(asked, "morning") if asked else None
    except PlannerError:
        chosen = None
    if chosen not in waiting:
        chosen = max((d for d in waiting if d >= view.today - dt.timedelta(days=MORNING_DAYS)), default=None)
    return waiting.get(chosen) if chosen else None


def session_helpers() -> dict[str, Any]:
    """What the template needs to show a session whole: the library's exercises, the main set's
    repeats, and the words for each part."""
    library = application().catalog.library
    return {
        "exercise": library.exercises.get,
        "fold": guide.fold,
        "clock": intervals.clock,
        "part_heading": wording.PART_HEADING,
        "words": {
            "walk": wording.STEP_WALK,
            "run": wording.STEP_RUN,
            "times": wording.INTERVALS_TIMES,
            "steps": wording.PART_STEPS,
            "tips": wording.PART_TIPS,
            "cautions": wording.PART_CAUTIONS,
            "length": wording.SESSION_LENGTH,
            "next_days": wording.NEXT_DAYS,
            "checkin_jump": wording.CHECKIN_JUMP,
        },
    }


def render_page(plan_id: str, checkin_secret: str | None) -> str:
    """The plan at a glance; the form only with the check-in secret."""
    app = application()
    view = app.plan(plan_id)
    today = view.today
    sessions = view.plan.sessions
    upcoming = [s for s in sessions if today <= s.date < today + dt.timedelta(days=PAGE_DAYS)]
    recent = [
        s
        for s in sessions
        if today - dt.timedelta(days=RECENT_DAYS) <= s.date < today
        and s.kind.is_active
        and s.status in REPORT_WORDS
    ]
    # The session to report: today's, else the latest one in the last week that nobody reported.
    focus = next(
        (s for s in sessions if s.date == today and s.kind.is_active and s.status is not Status.UNREPORTED),
        next((s for s in reversed(recent) if s.status is Status.UNREPORTED), None),
    )
    feed_token = app.current_token(plan_id)
    weeks = view.progress()[-CHART_WEEKS:]
    waiting = waiting_for_morning(view) if checkin_secret else {}
    morning = morning_for(view, waiting, request.args.get("morning", ""))
    from planner.web import outcome_form  # it imports this module (posted)

    answer = report_answer.answer_for(view.plan, view.checkins)
    words = wording.FOLLOWED_WORDS[app.in_clinic(plan_id)]
    reported = same_day.by_day(view.checkins, today, today).get(today) if checkin_secret else None
    # Running paused by a check-in about today's run: the run is over, and there is none to start
    paused_today = bool(
        answer
        and focus
        and focus.date == today
        and focus.kind.is_running
        and report_answer.running_paused(view.plan)
    )
    html: str = render_template(
        "plan.html",
        plan=view.plan,
        upcoming=upcoming,
        recent=recent,
        focus=focus,
        report_day=(focus.date if focus else today).isoformat(),
        not_started=view.plan.prescription.start > today,
        report_words=REPORT_WORDS,
        links=app.addresses(feed_token) if feed_token else None,
        csrf=csrf_for(checkin_secret) if checkin_secret else "",
        submission=secrets.token_urlsafe(16),
        today=today.isoformat(),
        soreness=SORENESS_CHOICES,
        pain_rule=wording.pain_rule(view.plan.rule_set),
        checkin_path=f"/c/{checkin_secret}/checkin" if checkin_secret else "",
        morning_path=f"/c/{checkin_secret}/morning" if checkin_secret else "",
        saved=request.args.get("saved") == "1",
        morning=morning,
        morning_question=(
            wording.MORNING_QUESTION.format(session=morning.title, day=morning.date.strftime("%A %d %B"))
            if morning
            else ""
        ),
        morning_words={
            "label": wording.MORNING_LABEL,
            "add": wording.MORNING_ADD,
            "saved": wording.MORNING_SAVED,
        },
        morning_saved=request.args.get("saved") == "morning",
        needs_morning=waiting,
        efforts=tuple((e.value, text) for e, text in wording.EFFORT.items()),
        effort_question=wording.EFFORT_QUESTION,
        asks_effort=focus is not None and focus.kind in (SessionKind.STRENGTH, SessionKind.MOBILITY),
        new=request.args.get("new") == "1" and checkin_secret is not None,
        handout_path=f"/c/{checkin_secret}/handout.pdf" if checkin_secret else "",
        guide=None if paused_today or (answer and answer.is_stop) else guide_for(focus, today),  # stop: alone
        paused_today=(
            {"title": wording.PAUSED_TODAY_TITLE, "text": wording.PAUSED_TODAY} if paused_today else None
        ),
        **session_helpers(),
        workout_base=f"/c/{checkin_secret}" if checkin_secret else f"/p/{feed_token}" if feed_token else "",
        chart=chart.to_svg(chart.shapes(weeks), description=chart.summary(weeks)) if weeks else "",
        outcomes=outcome_form.due_section(view, checkin_secret, words),
        followed=words,
        today_report=(
            {
                "heading": wording.TODAY_RECORDED_HEADING,
                "text": wording.reported_today(reported),
                "another": wording.TODAY_ANOTHER,
                "hint": wording.TODAY_ANOTHER_HINT,
            }
            if reported
            else None
        ),
        answer=answer,
    )
    return html


@blueprint.get("/p/<token>")
@own_script_allowed
def page(token: str) -> str:
    plan_id = plan_id_for(token)
    kept = request.cookies.get(COOKIE, "")
    secret = kept if kept and application().plan_for_token(kept, TokenKind.CHECKIN) == plan_id else None
    return render_page(plan_id, secret)


@blueprint.get("/c/<secret>")
@own_script_allowed
def checkin_page(secret: str) -> Response:
    plan_id = plan_id_for(secret, TokenKind.CHECKIN)
    response = Response(render_page(plan_id, secret), mimetype="text/html")
    response.set_cookie(
        COOKIE,
        secret,
        max_age=COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Strict",
        secure=application().settings.public_url.startswith("https://"),
    )
    return response


@blueprint.get("/c/<secret>/handout.pdf")
def handout(secret: str) -> Response:
    """The printed programme, both QR codes on it: only for whoever holds the check-in secret."""
    app = application()
    plan_id = plan_id_for(secret, TokenKind.CHECKIN)
    view = app.plan(plan_id)
    pdf = app.handout(view, token=app.current_token(plan_id), checkin=secret)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="rehab-plan.pdf"'
    return response


@blueprint.get("/pictograms/<exercise_id>")
def pictogram(exercise_id: str) -> Response:
    """An exercise's picture for the phone page: the clinic's own image, or its stick figure."""
    library = application().catalog.library
    exercise = library.exercises.get(exercise_id)
    if exercise is None:
        abort(404)
    if exercise.image:
        response = send_file(Path(exercise.origin).parent / exercise.image)
    else:
        response = Response(pictograms.pictogram_svg(library.poses[exercise.pose]), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "max-age=86400"
    return response


@blueprint.get("/p/<token>/run-<day>.fit")
def page_workout(token: str, day: str) -> Response:
    return workout_download(application().plan(plan_id_for(token)), day)


@blueprint.get("/c/<secret>/run-<day>.fit")
def checkin_workout(secret: str, day: str) -> Response:
    return workout_download(application().plan(plan_id_for(secret, TokenKind.CHECKIN)), day)


def posted(secret: str, store: Callable[[str, MultiDict[str, str], str], object], saved: str) -> Any:
    """A form of this phone's page stored by `store(plan_id, form, submission)`: refused (4xx) unless
    it comes from our own page with this plan's CSRF token and a well-formed submission id."""
    plan_id = plan_id_for(secret, TokenKind.CHECKIN)
    if not same_origin():
        return Response("Cross-site form posts are refused\n", 403, mimetype="text/plain")
    form = request.form
    if not hmac.compare_digest(form.get("csrf", ""), csrf_for(secret)):
        return Response("The form has expired: reload the page and try again\n", 403, mimetype="text/plain")
    submission = form.get("submission", "")
    if not 8 <= len(submission) <= 64 or not submission.replace("-", "").replace("_", "").isalnum():
        return Response("submission: missing or malformed\n", 400, mimetype="text/plain")
    try:
        store(plan_id, form, submission)
    except PlannerError as error:
        return Response(f"{error}\n", 400, mimetype="text/plain")
    return redirect(f"/c/{secret}?saved={saved}", code=303)


@blueprint.post("/c/<secret>/checkin")
def checkin(secret: str) -> Any:
    def store(plan_id: str, form: MultiDict[str, str], submission: str) -> object:
        return application().record_checkin(plan_id, checkin_from_form(form), submission=submission)

    return posted(secret, store, "1")


@blueprint.post("/c/<secret>/morning")
def morning(secret: str) -> Any:
    def store(plan_id: str, form: MultiDict[str, str], submission: str) -> object:
        day = parsing.parse_date(form.get("date", ""), "date")
        pain = parsing.parse_pain(form.get("pain_now", ""), "pain now")
        return application().record_morning(plan_id, day, pain, submission=submission)

    return posted(secret, store, "morning")


def checkbox(form: MultiDict[str, str], name: str) -> bool:
    """A ticked box in any of the usual spellings; anything else is an error, never a silent no."""
    value = form.get(name, "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise PlannerError(f"{name.replace('_', ' ')}: {value!r} is not a tick-box value")


def checkin_from_form(form: MultiDict[str, str]) -> CheckIn:
    done = form.get("done", "")
    if done not in ("done", "skipped", ""):
        raise PlannerError("done: must be 'done' or 'skipped'")
    soreness = form.get("soreness", "none")
    if soreness not in {s.value for s in Soreness}:
        raise PlannerError("soreness: unknown value")
    during, morning = form.get("pain_during", ""), form.get("pain_next_morning", "")
    felt = form.get("strength_felt", "")
    if felt and felt not in {e.value for e in Effort}:
        raise PlannerError("strength felt: must be easy, right or hard")
    flags = form.getlist("red_flag")
    if len(flags) > len(wording.RED_FLAGS):
        raise PlannerError("red flags: too many values")
    # a form from before screening questions left the stop list may still offer them: they stop nothing
    red_flags = tuple(dict.fromkeys(stop_sign(f).id for f in flags if f not in SCREENING_IDS))
    flare_up = checkbox(form, "flare_up")
    return CheckIn(
        date=parsing.parse_date(form.get("date", ""), "date"),
        done=parsing.session_done(done == "done" if done else None, flare_up=flare_up, red_flags=red_flags),
        pain_during=parsing.parse_pain(during, "pain during") if during else None,
        pain_next_morning=parsing.parse_pain(morning, "pain next morning") if morning else None,
        soreness=Soreness(soreness),
        red_flags=red_flags,
        flare_up=flare_up,
        note=parsing.parse_text(form.get("note", ""), "note", limit=parsing.MAX_NOTE),
        stiff_or_swollen=checkbox(form, "stiff_or_swollen"),
        strength_felt=Effort(felt) if felt else None,
    )
