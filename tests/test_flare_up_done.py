"""A flare-up report stores what the person said about the session (issue 20, reviewer's item 3): one
that does not say whether the session was done is not done (a flare-up, like a warning sign, often
stops a session), so it counts neither as a repeat nor as load; what the person says stands. The
command line, the phone page and the portal's record of the report agree (parsing.session_done)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from planner.core import parsing, wording
from planner.core.model import Status
from tests.clinics import Clinic

DAY = dt.date(2026, 11, 21)  # a Saturday, a run day of every plan in the clinics


@given(st.none() | st.booleans(), st.booleans(), st.lists(st.sampled_from(["fever", "new-lump"]), max_size=2))
def test_what_is_said_stands_and_a_flare_up_unsaid_is_not_done(
    stated: bool | None, flare_up: bool, flags: list[str]
) -> None:
    done = parsing.session_done(stated, flare_up=flare_up, red_flags=tuple(flags))
    assert done is (stated if stated is not None else not (flare_up or flags))


def stored(clinic: Clinic, plan_id: str) -> list[tuple[bool, bool]]:
    with clinic.app.store.read() as records:
        return [(c.done, c.flare_up) for c in records.checkins(plan_id) if c.date == DAY]


def phone_post(clinic: Clinic, plan_id: str, submission: str, **fields: str) -> str:
    _, secret = clinic.app.secrets_for(plan_id)
    phone = clinic.client()
    _, _, page = phone.request("GET", f"/c/{secret}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    form = {"csrf": csrf.group(1), "submission": submission, "date": DAY.isoformat(), **fields}
    assert phone.request("POST", f"/c/{secret}/checkin", form)[0] == 303
    return page


def test_a_flare_up_without_done_is_not_done_on_every_channel(clinic: Clinic, run) -> None:
    # the command line: stored not done, and the receipt says so and how to say otherwise
    result = run("checkin", clinic.assigned_id, "--date", DAY.isoformat(), "--flare-up", "--pain-during", "6")
    assert result.code == 0 and wording.CHECKIN_NOT_DONE in result.out
    assert stored(clinic, clinic.assigned_id) == [(False, True)]
    # the phone page: nothing is chosen for the person, and the same report is stored the same way
    page = phone_post(clinic, clinic.plan_id, "flare-no-done", flare_up="yes", pain_during="6")
    assert re.search(r'name="done" value="done">', page) and 'value="done" checked' not in page
    assert stored(clinic, clinic.plan_id) == [(False, True)]
    for plan_id in (clinic.assigned_id, clinic.plan_id):
        (session,) = [s for s in clinic.app.plan(plan_id).plan.sessions if s.date == DAY]
        assert session.status is Status.SKIPPED  # counted neither as a repeat nor as load
    # the portal's record of both reports: not done, a flare-up
    north = clinic.client()
    assert north.login("alex@north.example") == 303
    for plan_id in (clinic.assigned_id, clinic.plan_id):
        _, _, record = north.request("GET", f"/portal/patients/{plan_id}")
        row = re.search(r'<th scope="row">Sat 21 Nov</th>(.*?)</tr>', record, re.DOTALL)
        assert row and "<td>skipped</td>" in row.group(1) and "flare-up" in row.group(1), record


def test_what_the_person_says_about_a_flare_up_day_stands(clinic: Clinic, run) -> None:
    result = run("checkin", clinic.assigned_id, "--date", DAY.isoformat(), "--flare-up", "--done")
    assert result.code == 0 and wording.CHECKIN_NOT_DONE not in result.out
    assert stored(clinic, clinic.assigned_id) == [(True, True)]
    phone_post(clinic, clinic.plan_id, "flare-done", flare_up="yes", done="done")
    phone_post(clinic, clinic.roster_id, "flare-skip", flare_up="yes", done="skipped")
    assert stored(clinic, clinic.plan_id) == [(True, True)]
    assert stored(clinic, clinic.roster_id) == [(False, True)]
    # a report with neither a flare-up nor a warning sign still reports on a session: done
    run("checkin", clinic.south_id, "--date", DAY.isoformat(), "--pain-during", "2")
    phone_post(clinic, clinic.silent_id, "plain-report", pain_during="2")
    assert stored(clinic, clinic.south_id) == [(True, False)]
    assert stored(clinic, clinic.silent_id) == [(True, False)]
    # a warning sign unsaid is not done either (the plan stops; the report keeps what was said)
    run("checkin", clinic.assigned_id, "--date", "2026-11-20", "--red-flag", "fever")
    with clinic.app.store.read() as records:
        (sign,) = [c for c in records.checkins(clinic.assigned_id) if c.red_flags]
    assert not sign.done
