"""What every portal page shares: the blueprint, the logged-in clinician, the login requirement and
the same-site check on every form, and how refusals become answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, abort, flash, redirect, request
from flask_login import LoginManager, UserMixin, current_user

from planner.app.accounts import Accounts
from planner.app.caseload import Caseload
from planner.core.exceptions import NotFound, PlannerError, Revoked
from planner.store.portal_records import Clinician
from planner.web.context import application, same_origin

blueprint = Blueprint("portal", __name__, url_prefix="/portal")
OPEN_PAGES = ("portal.login", "portal.set_password")  # the only pages without a session
NO_LIVE_ADDRESS = (  # after `feed revoke`: the portal shows, prints and embeds no address until a rotation
    "This plan has no live address: its calendar address and check-in link were revoked, so there are "
    'no QR codes or handout to give. "New calendar address" or "New check-in secret" on the '
    "patient's page makes new ones."
)


class PortalUser(UserMixin):  # type: ignore[misc]
    """The logged-in clinician; Flask-Login keeps the server-side session token as the user id."""

    def __init__(self, clinician: Clinician, token: str) -> None:
        self.clinician, self.token = clinician, token

    def get_id(self) -> str:
        return self.token


def accounts() -> Accounts:
    return Accounts(application())


def caseload() -> Caseload:
    return Caseload(application())


def me() -> Clinician:
    user: PortalUser = current_user
    return user.clinician


def address() -> str:
    return (request.remote_addr or "")[:64]


def install(web: Flask) -> None:
    """Flask-Login on the app; the portal's session cookie is HttpOnly, SameSite=Lax, and Secure
    behind https (set in planner.web)."""
    manager = LoginManager()
    manager.init_app(web)

    manager.user_loader(load_user)


def load_user(token: str) -> PortalUser | None:
    """The session's clinician, while the session lives (the timeouts are checked in the store)."""
    person = accounts().clinician_for(token)
    return None if person is None else PortalUser(person, token)


@blueprint.before_request
def logged_in_and_same_site() -> Response | None:
    """Every portal page but the login needs a live session; every form post must come from us."""
    if request.method == "POST" and not same_origin():
        return Response("Cross-site form posts are refused\n", 403, mimetype="text/plain")
    if request.endpoint not in OPEN_PAGES and not current_user.is_authenticated:
        return redirect("/portal/login", code=303)  # type: ignore[return-value]
    return None


def planner_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """A refused action (bad date, missing note) is a 400 with its one line; another clinic's id, 404."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFound:
            abort(404)
        except Revoked as error:
            return Response(f"plan {error.plan_id}: {NO_LIVE_ADDRESS}\n", 409, mimetype="text/plain")
        except PlannerError as error:
            return Response(f"{error}\n", 400, mimetype="text/plain")

    return wrapped


def back_to(plan_id: str, done: str = "") -> Response:
    """After an action, the patient's page again (303: a reload does not post twice), with `done`,
    what changed and from when, shown once at its top (kept in the signed session cookie)."""
    if done:
        flash(done)
    return redirect(f"/portal/patients/{plan_id}", code=303)  # type: ignore[return-value]
