"""The check-in in two steps, over a moving server clock: right after the session (no "next morning"
question yet), then "pain now" the next morning at the top of the page; a morning score added to an
earlier report later; refusals that store nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import same_day, wording
from planner.core.model import Prescription
from planner.web import create_app

EVENING = dt.datetime(2026, 3, 2, 19, 0, tzinfo=dt.UTC)  # Monday 2 March, a run day in Lisbon


class Phone:
    def __init__(self, tmp_path: Path) -> None:
        self.clock = [EVENING]
        self.app = App.open(Settings(db=f"sqlite:///{tmp_path / 'c.db'}"), clock=lambda: self.clock[0])
        rx = Prescription("Ana", dt.date(2026, 3, 2), "Europe/Lisbon", (1, 3, 6), (2, 4), dt.time(7), 1)
        self.plan_id = self.app.create_plan("lbp-return-to-run", rx)
        self.secret = self.app.secrets_for(self.plan_id)[1]
        self.client: FlaskClient = create_app(self.app).test_client()

    def page(self, query: str = "") -> str:
        return self.client.get(f"/c/{self.secret}{query}").get_data(as_text=True)

    def post(self, what: str, page: str, **fields: str) -> tuple[int, str]:
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        submission = re.search(r'name="submission" value="([^"]+)"', page)
        assert csrf and submission
        answer = self.client.post(
            f"/c/{self.secret}/{what}",
            data={"csrf": csrf.group(1), "submission": submission.group(1), **fields},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        return answer.status_code, answer.get_data(as_text=True)

    def merged(self, day: dt.date):  # type: ignore[no-untyped-def]
        return same_day.by_day(self.app.plan(self.plan_id).checkins, day, day)[day]

    def stored(self) -> int:
        return len(self.app.plan(self.plan_id).checkins)


@pytest.fixture
def phone(tmp_path: Path) -> Phone:
    return Phone(tmp_path)


def test_after_the_session_then_the_next_morning(phone: Phone) -> None:
    page = phone.page()
    assert 'id="checkin-form"' in page and "pain_next_morning" not in page
    assert 'id="morning-form"' not in page
    assert phone.post("checkin", page, date="2026-03-02", done="done", pain_during="2")[0] == 303

    phone.clock[0] = dt.datetime(2026, 3, 3, 7, 30, tzinfo=dt.UTC)  # the next morning
    page = phone.page()
    question = wording.MORNING_QUESTION.format(session="Run-walk · Phase 1", day="Monday 02 March")
    assert question in page
    assert page.index('id="morning-form"') < page.index('id="checkin-form"')  # at the top
    assert phone.post("morning", page, date="2026-03-02", pain_now="1")[0] == 303
    assert phone.stored() == 2  # a record of its own beside the first report
    merged = phone.merged(dt.date(2026, 3, 2))
    assert (merged.done, merged.pain_during, merged.pain_next_morning) == (True, 2, 1)
    after = phone.page("?saved=morning")
    assert wording.MORNING_SAVED in after and 'id="morning-form"' not in after


def test_a_morning_score_for_an_earlier_report(phone: Phone) -> None:
    assert phone.post("checkin", phone.page(), date="2026-03-02", done="done", pain_during="4")[0] == 303
    phone.clock[0] = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)  # four days on: not asked at the top
    page = phone.page()
    assert 'id="morning-form"' not in page
    assert 'href="?morning=2026-03-02#morning"' in page  # but one tap away from its line
    page = phone.page("?morning=2026-03-02")
    assert 'id="morning-form"' in page and 'name="date" value="2026-03-02"' in page
    assert phone.post("morning", page, date="2026-03-02", pain_now="6")[0] == 303
    assert phone.merged(dt.date(2026, 3, 2)).pain_next_morning == 6
    assert 'href="?morning=2026-03-02#morning"' not in phone.page()
    assert 'id="morning-form"' not in phone.page("?morning=2026-03-02")  # nothing waits any more
    assert 'id="morning-form"' not in phone.page("?morning=not-a-day")


def test_morning_scores_that_cannot_be_are_refused(phone: Phone) -> None:
    page = phone.page()
    assert phone.post("checkin", page, date="2026-03-02", done="skipped")[0] == 303
    phone.clock[0] = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)
    page = phone.page()
    assert 'id="morning-form"' not in page  # a skipped session has no morning after
    for day, pain, message in (
        ("2026-03-02", "2", "no session reported done"),
        ("2026-03-03", "2", "has not come yet"),
        ("2026-03-02", "11", "pain now"),
        ("", "2", "date"),
    ):
        status, text = phone.post("morning", page, date=day, pain_now=pain)
        assert status == 400 and message in text, (day, pain, text)
    assert phone.stored() == 1


def test_the_strength_question_on_a_strength_day(phone: Phone) -> None:
    phone.clock[0] = dt.datetime(2026, 3, 3, 18, 0, tzinfo=dt.UTC)  # Tuesday: strength
    page = phone.page()
    assert str(escape(wording.EFFORT_QUESTION)) in page
    status, _ = phone.post("checkin", page, date="2026-03-03", done="done", strength_felt="easy")
    assert status == 303 and phone.merged(dt.date(2026, 3, 3)).strength_felt.value == "easy"
    status, text = phone.post("checkin", page, date="2026-03-03", done="done", strength_felt="meh")
    assert status == 400 and "strength felt" in text


def test_coming_back_the_same_day_shows_todays_report_and_the_way_to_add_another(phone: Phone) -> None:
    page = phone.page()
    assert "check-in is saved." not in page and '<details class="another">' not in page
    assert phone.post("checkin", page, date="2026-03-02", done="done", pain_during="2")[0] == 303
    phone.clock[0] += dt.timedelta(hours=2)  # later that evening, the page opened afresh
    page = phone.page()
    assert (
        '<p class="note done" role="status" id="today-report">'
        "<strong>Today&#39;s check-in is saved.</strong> "
        "You reported today&#39;s session: done, pain during 2/10.</p>"
    ) in page
    _, form = page.split('<details class="another"><summary>Add another report for today</summary>', 1)
    assert 'id="checkin-form"' in form.split("</details>", 1)[0]  # the form, folded, for a second report
    assert str(escape(wording.TODAY_ANOTHER_HINT)) in form
    assert (
        phone.post("checkin", page, date="2026-03-02", done="done", pain_during="5", flare_up="yes")[0] == 303
    )
    page = phone.page()
    assert "You reported today&#39;s session: done, pain during 5/10, a flare-up." in page  # the day merged
    assert phone.stored() == 2
    phone.clock[0] += dt.timedelta(days=1)
    assert "Today&#39;s check-in is saved." not in phone.page()  # a new day asks afresh
