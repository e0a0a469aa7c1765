"""Logging in and out, the clinic admin's clinicians and settings, one-time password links, and the
audit trail."""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, abort, redirect, render_template, request, session
from flask_login import current_user, login_user, logout_user

from planner.app.throttle import Throttled
from planner.core.exceptions import InputError, NotFound, PlannerError
from planner.web.context import application
from planner.web.portal.common import PortalUser, accounts, address, blueprint, me, planner_errors
from planner.web.portal.times import time_tag


# -- logging in and out -----------------------------------------------------------------------------
@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("portal_login.html", error="", email="")
    email = request.form.get("email", "")
    try:
        person, token = accounts().login(email, request.form.get("password", ""), address())
    except Throttled as error:
        return render_template("portal_login.html", error=str(error), email=email), 429
    except PlannerError as error:
        return render_template("portal_login.html", error=str(error), email=email), 401
    session.clear()  # nothing from before the login survives it
    login_user(PortalUser(person, token))
    return redirect("/portal/", code=303)


@blueprint.post("/logout")
def logout() -> Response:
    user: PortalUser = current_user
    accounts().logout(user.token, address())
    logout_user()
    session.clear()
    return redirect("/portal/login", code=303)  # type: ignore[return-value]


# -- the clinic's admin: clinicians and settings --------------------------------------------------
@blueprint.route("/clinicians", methods=["GET", "POST"])
@planner_errors
def clinicians() -> Any:
    """Admins add clinicians (each sets a password through a one-time link) and set the number of
    days without a report that raises a silence alert and the time zone the clinic's times show in."""
    if request.method == "GET":
        return clinicians_page(link="", made=False)
    form = request.form
    what = form.get("what", "")
    try:
        if what == "silence":
            accounts().set_silence_days(me(), form.get("silence_days", ""), address())
        elif what == "zone":
            accounts().set_zone(me(), form.get("timezone", ""), address())
        else:
            token = accounts().invite(
                me(),
                form.get("email", ""),
                form.get("name", ""),
                is_admin=form.get("admin") == "yes",
                address=address(),
            )
            return clinicians_page(link=link_to(token), made=True)
    except InputError as error:  # the page again, the message beside the form, what was typed kept
        typed = {
            field: form.get(field, "") for field in ("silence_days", "timezone", "email", "name", "admin")
        }
        return clinicians_page(link="", made=False, errors={what: str(error)}, typed=typed), 400
    return clinicians_page(link="", made=False)


@blueprint.post("/clinicians/<int:clinician_id>/<what>")
@planner_errors
def clinician_account(clinician_id: int, what: str) -> Any:
    """An admin closes a colleague's account (their sessions end at once), opens it again, or
    makes a fresh set-password link (the old link and the old password stop)."""
    if what == "reset-link":
        token = accounts().reset_link(me(), clinician_id, address())
        return clinicians_page(link=link_to(token), made=False)
    if what not in ("disable", "enable"):
        abort(404)
    accounts().set_disabled(me(), clinician_id, disabled=what == "disable", address=address())
    return redirect("/portal/clinicians", code=303)


def clinicians_page(
    *, link: str, made: bool, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None
) -> str:
    """The clinicians and the clinic's settings; with `errors` (by form: invite, silence, zone) the
    forms show what was `typed`, each message beside its form."""
    people, silence, zone = accounts().clinic_settings(me())
    return render_template(
        "portal_clinicians.html",
        me=me(),
        people=people,
        silence=silence,
        zone=zone,
        errors=errors or {},
        typed={"silence_days": str(silence), "timezone": zone, **(typed or {})},
        when=functools.partial(time_tag, zone=zone),
        link=link,
        made=made,
    )


def link_to(token: str) -> str:
    return f"{application().settings.public_url}/portal/set-password/{token}"


@blueprint.route("/password", methods=["GET", "POST"])
def change_password() -> Any:
    """A clinician's own new password: the current one first; their other sessions end."""
    if request.method == "GET":
        return render_template("portal_password.html", me=me(), error="", done=False)
    password = request.form.get("password", "")
    if password != request.form.get("again", ""):
        return render_template(
            "portal_password.html", me=me(), error="The two passwords differ", done=False
        ), 400
    user: PortalUser = current_user
    try:
        accounts().change_password(me(), user.token, request.form.get("current", ""), password, address())
    except PlannerError as error:
        return render_template("portal_password.html", me=me(), error=str(error), done=False), 400
    return render_template("portal_password.html", me=me(), error="", done=True)


@blueprint.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Any:
    """A one-time link from the clinic's admin; the token is checked only when it is used."""
    if request.method == "GET":
        return render_template("portal_set_password.html", me=None, error="")
    password = request.form.get("password", "")
    if password != request.form.get("again", ""):
        return render_template("portal_set_password.html", me=None, error="The two passwords differ"), 400
    try:
        accounts().set_password(token, password, address())
    except Throttled as error:
        return render_template("portal_set_password.html", me=None, error=str(error)), 429
    except NotFound as error:
        return render_template("portal_set_password.html", me=None, error=str(error)), 404
    except PlannerError as error:
        return render_template("portal_set_password.html", me=None, error=str(error)), 400
    return redirect("/portal/login", code=303)


@blueprint.get("/audit")
@planner_errors
def audit() -> str:
    """The latest entries; ?action= and ?plan= show one action's or one patient's."""
    action, plan_id = (request.args.get(key, "").strip()[:60] for key in ("action", "plan"))
    rows, actions = accounts().audit_trail(me(), action, plan_id)
    zone = accounts().zone(me())
    return render_template(
        "portal_audit.html",
        me=me(),
        rows=rows,
        actions=actions,
        action=action,
        plan_id=plan_id,
        zone=zone,
        when=functools.partial(time_tag, zone=zone),
    )
