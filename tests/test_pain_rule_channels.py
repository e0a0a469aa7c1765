"""Every channel states the protocol's own pain traffic light (issue 20, reviewer's item 1): the
phone page (its sessions and its check-in form), the page /start ends on, the calendar's
descriptions and `plan show` print wording.pain_rule for the plan's rule set, the one line built
from the bands the handout prints whole. The pain-monitoring protocols repeat the level at 4-5/10,
so nothing there may say that 4-5/10 is acceptable once it settles."""

from __future__ import annotations

import datetime as dt
import html
import re

import icalendar
import pytest

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import wording
from planner.core.intake import BEGINNER, RETURN_TO_RUN
from planner.core.model import Prescription
from planner.data.catalog import builtin_catalog
from planner.web import create_app
from tests.test_start import StartServer

CATALOG = builtin_catalog()
NOW = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)  # a Monday morning: today's run is on the page
RX = Prescription("Ana", NOW.date(), "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 0)
RULE_SETS = sorted(wording.PAIN_BANDS)
SETTLES = re.compile(r"4-5/10[^.;]*(acceptable|fine)[^.;]*settle", re.IGNORECASE)


def flat(text: str) -> str:
    return " ".join(text.split())


def others(rule_set: str) -> list[str]:
    return [wording.pain_rule(other) for other in RULE_SETS if other != rule_set]


def assert_states(text: str, rule_set: str) -> None:
    """`text` carries this rule set's line, no other's, and (pain-monitoring) no settling at 4-5."""
    assert wording.pain_rule(rule_set) in text
    assert not [line for line in others(rule_set) if line in text]
    if rule_set == "pain-monitoring":
        assert not SETTLES.search(text), SETTLES.search(text)


def test_each_rule_sets_line_is_built_from_its_own_bands() -> None:
    for rule_set in RULE_SETS:
        line = wording.pain_rule(rule_set)
        assert [b.brief in line for b in wording.PAIN_BANDS[rule_set]] == [True, True, True]
    assert SETTLES.search(wording.pain_rule("soreness"))
    assert not SETTLES.search(wording.pain_rule("pain-monitoring"))
    assert "repeat the level" in wording.pain_rule("pain-monitoring").split("4-5/10")[1].split(".")[0]


@pytest.mark.parametrize("protocol_id", sorted(CATALOG.protocols))
def test_the_phone_page_calendar_and_plan_show_state_the_protocols_own_light(
    protocol_id: str, tmp_path, run
) -> None:
    rule_set = CATALOG.protocol(protocol_id).rule_set
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'p.db'}"), clock=lambda: NOW)
    plan_id = app.create_plan(protocol_id, RX)
    _, secret = app.secrets_for(plan_id)
    page = create_app(app).test_client().get(f"/c/{secret}").get_data(as_text=True)
    page = flat(html.unescape(page))
    assert 'id="checkin-form"' in page
    form = page[page.index('id="checkin-form"') :]
    assert_states(form, rule_set)  # the check-in form's hint
    assert_states(page[: page.index('id="checkin-form"')], rule_set)  # today's session, whole
    assert_states(page, rule_set)

    body = app.calendar(app.plan(plan_id), token=None).body
    for event in icalendar.Calendar.from_ical(body).events:
        assert_states(flat(str(event["DESCRIPTION"])), rule_set)

    shown = run("plan", "create", "--protocol", protocol_id, "--start", "2026-03-02", "--pain", "0")
    cli_plan = shown.out.strip().splitlines()[-1]
    assert_states(flat(run("plan", "show", cli_plan).out), rule_set)
    json_text = run("plan", "show", cli_plan, "--format", "json").out
    assert_states(flat(json_text), rule_set)  # each session's own advice block


@pytest.mark.parametrize(("ran_before", "protocol_id"), [("yes", RETURN_TO_RUN), ("no", BEGINNER)])
def test_the_page_start_ends_on_states_the_chosen_protocols_light(
    db_url: str, ran_before: str, protocol_id: str
) -> None:
    server = StartServer(db_url)
    try:
        answered = server.answered(start="2026-11-22", ran_before=ran_before)
        status, headers, _ = server.request("POST", "/start/plan", {"proof": answered})
        assert status == 303
        (stored,), _ = server.app.plans()
        assert stored.protocol_id == protocol_id
        page = flat(html.unescape(server.request("GET", headers["location"])[2]))
        assert "Your plan is ready" in page and 'id="checkin-form"' in page
        assert_states(page, CATALOG.protocol(protocol_id).rule_set)
    finally:
        server.loopback.stop()
