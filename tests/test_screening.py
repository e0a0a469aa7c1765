"""Stop signs vs screening questions (issue 20, item 9): the stop list holds only new or changing
signs; background risk factors are asked when a plan is made, stored with it once a clinician has
assessed them, and never stop a plan; a self-service /start with one ends with advice to see a
clinician; an old screening or retired id in stored data reads without crashing."""

from __future__ import annotations

import datetime as dt
import json
import re

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import plain_data, prescription_checks, redflags, screening, wording
from planner.core.exceptions import InputError
from planner.core.intake import Intake, choose
from planner.core.model import CheckIn, Plan, Prescription, Screening, SessionKind, Urgency, Verdict
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog
from planner.store.schema import plans as plans_table
from tests.clinics import Clinic
from tests.conftest import stored_checkins, stored_plans
from tests.test_start import GOOD, StartServer

CATALOG = builtin_catalog()
START = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
RX = Prescription("Ana", START, "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 1)
SCREENING_IDS = [item.id for item in wording.SCREENING_ITEMS]
BACKGROUND = ("cancer", "over 50", "immune", "inject", "have had for a while")


def plan_of(rx: Prescription, checkins: list[CheckIn], today: dt.date) -> Plan:
    return build(rx, CATALOG.protocol("lbp-return-to-run"), CATALOG.library, checkins, today)


def test_the_stop_list_holds_only_new_or_changing_signs_each_with_its_urgency_and_source() -> None:
    questions = [flag.question.lower() for flag in wording.RED_FLAGS]
    assert not [q for q in questions if any(word in q for word in BACKGROUND)]
    assert all(flag.source for flag in wording.RED_FLAGS)
    assert not {flag.id for flag in wording.RED_FLAGS} & set(SCREENING_IDS)
    weakness, tingling = redflags.stop_sign("one-leg-marked-weakness"), redflags.stop_sign("one-leg-tingling")
    assert weakness.urgency is Urgency.URGENT and "neurological deficit" in weakness.source
    assert tingling.urgency is Urgency.SOON and "without weakness" in tingling.source
    assert redflags.stop_sign("both-legs-weak").urgency is Urgency.EMERGENCY


def test_a_screening_id_is_not_a_sign_and_an_old_id_reads_as_its_successor() -> None:
    with pytest.raises(InputError, match="'cancer-history' is a screening question"):
        redflags.stop_sign("cancer-history")
    with pytest.raises(InputError, match="unknown red flag 'tired'") as unknown_sign:
        redflags.stop_sign("tired")
    known = str(unknown_sign.value).split("(known: ", 1)[1].removesuffix(")")
    assert known.split(", ") == [flag.id for flag in wording.RED_FLAGS]  # the one line lists every sign
    assert redflags.stop_sign("one-leg-weak").id == "one-leg-tingling"
    unknown = redflags.red_flag("from-a-newer-version")  # stored: read, never a crash
    assert unknown.urgency is Urgency.SOON and "from-a-newer-version" in unknown.question
    with pytest.raises(InputError, match="unknown screening item 'tired'"):
        screening.screening_item("tired")
    with pytest.raises(InputError, match="screening: unknown screening item"):
        screening.parse_items("cancer-history,tired")
    assert screening.parse_items(" cancer-history,,iv-drug-use,cancer-history") == (
        "cancer-history",
        "iv-drug-use",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"red_flags": ("tired",)}, "unknown red flag 'tired'"),
        ({"red_flags": ("cancer-history",)}, "is a screening question"),
        ({"screening": Screening(("tired",), "Dr Lee")}, "unknown screening item 'tired'"),
    ],
)
def test_a_new_plans_answers_name_only_what_is_asked(changes: dict[str, object], message: str) -> None:
    prescription_checks.check_answers(RX)
    with pytest.raises(InputError, match=message):
        prescription_checks.check_answers(attrs.evolve(RX, **changes))  # type: ignore[arg-type]


def test_unassessed_screening_makes_no_plan_and_an_assessed_one_stops_nothing(tmp_path) -> None:
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 's.db'}"), clock=lambda: NOW)
    found = Screening(("cancer-history", "over-50-new-pain"))
    with pytest.raises(
        InputError, match="history of cancer; age over 50 with new back pain must be assessed"
    ):
        app.create_plan("lbp-return-to-run", attrs.evolve(RX, screening=found))
    assert app.plans() == ([], [])
    assessed = attrs.evolve(RX, screening=attrs.evolve(found, assessed_by="Dr Lee"))
    plan_id = app.create_plan("lbp-return-to-run", assessed)
    view = app.plan(plan_id)
    assert view.plan.prescription.screening == Screening(("cancer-history", "over-50-new-pain"), "Dr Lee")
    assert not any(s.kind is SessionKind.REFERRAL for s in view.plan.sessions)
    assert view.plan.sessions == plan_of(RX, [], view.today).sessions


def test_old_stored_ids_over_time(tmp_path) -> None:
    """A screening id ticked at a check-in (an old form, an old record) stops nothing; an old
    prescription that listed one as a red flag reads it as an unassessed screening answer; the
    retired one-leg id still refers, at its old urgency; an unknown id reads without a crash."""
    clock = [NOW]
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'o.db'}"), clock=lambda: clock[0])
    plan_id = app.create_plan("lbp-return-to-run", RX)
    app.record_checkin(
        plan_id, CheckIn(START + dt.timedelta(days=14), pain_during=1, red_flags=("cancer-history",))
    )
    view = app.plan(plan_id)
    assert view.checkins[-1].red_flags == ()
    assert not any(s.kind is SessionKind.REFERRAL for s in view.plan.sessions)
    with app.store.write() as records:  # a plan stored by an older version
        old = {**plain_data.prescription_to_dict(RX), "red_flags": ["iv-drug-use", "one-leg-weak"]}
        records.connection.execute(
            sa.update(plans_table).where(plans_table.c.id == plan_id).values(prescription=json.dumps(old))
        )
    rx = app.plan(plan_id).plan.prescription
    assert rx.red_flags == ("one-leg-tingling",) and rx.screening == Screening(("iv-drug-use",))
    referral = next(s for s in app.plan(plan_id).plan.sessions if s.kind is SessionKind.REFERRAL)
    assert wording.URGENCY_ADVICE[Urgency.SOON] in referral.decisions[0].text
    other = app.create_plan("lbp-return-to-run", RX)
    app.record_checkin(other, CheckIn(START + dt.timedelta(days=16), red_flags=("from-a-newer-version",)))
    clock[0] = NOW + dt.timedelta(days=3)
    referral = next(s for s in app.plan(other).plan.sessions if s.kind is SessionKind.REFERRAL)
    assert "'from-a-newer-version'" in referral.decisions[0].text


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.sampled_from(SCREENING_IDS), unique=True),
    reports=st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(0, 10),
            st.lists(st.sampled_from(SCREENING_IDS), max_size=3),
        ),
        max_size=12,
    ),
    view=st.integers(0, 60),
)
def test_screening_answers_never_stop_a_plan(
    items: list[str], reports: list[tuple[int, int, list[str]]], view: int
) -> None:
    """Whatever was assessed at the start and whatever screening ids a stored report carries, the
    plan is the plan of the same reports without them."""
    today = START + dt.timedelta(days=view)
    rx = attrs.evolve(RX, screening=Screening(tuple(items), "Dr Lee" if items else ""))
    plain = [CheckIn(START + dt.timedelta(days=d), pain_during=p) for d, p, _ in reports]
    ticked = [
        plain_data.checkin_from_dict(plain_data.checkin_to_dict(attrs.evolve(c, red_flags=tuple(f))))
        for c, (_, _, f) in zip(plain, reports, strict=True)
    ]
    stored_rx = plain_data.prescription_from_dict(plain_data.prescription_to_dict(rx))
    assert stored_rx == rx
    screened, unscreened = plan_of(stored_rx, ticked, today), plan_of(RX, plain, today)
    assert (screened.sessions, screened.notes) == (unscreened.sessions, unscreened.notes)


@given(items=st.lists(st.sampled_from(SCREENING_IDS), min_size=1, unique=True), pain=st.integers(0, 10))
def test_any_screening_answer_at_start_sends_a_self_service_runner_to_a_clinician(
    items: list[str], pain: int
) -> None:
    choice = choose(Intake(pain, True, True, False, False, tuple(items)), CATALOG)
    assert choice.see_clinician
    assert choice.reasons == (wording.INTAKE_SCREENING.format(items=screening.findings(tuple(items))),)


def test_plan_create_records_who_assessed_the_screening(run, db_url) -> None:
    base = ("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02", "--name", "Ana")
    refused = run(*base, "--screening", "cancer-history")
    assert refused.code == 2 and refused.out == ""
    assert "history of cancer must be assessed by a clinician" in refused.err
    assert "Traceback" not in refused.err and stored_plans(db_url) == []
    assert run(*base, "--screening", "fever").code == 2  # a warning sign is not a screening item
    made = run(
        *base, "--screening", "cancer-history", "--screening", "iv-drug-use", "--screened-by", "Dr Lee"
    )
    assert made.code == 0, made.err
    plan_id = made.out.split()[-1]
    shown = json.loads(run("plan", "show", plan_id, "--format", "json", "--as-of", "2026-03-02").out)
    assert shown["prescription"]["screening"] == {
        "items": ["cancer-history", "iv-drug-use"],
        "assessed_by": "Dr Lee",
    }
    assert shown["sessions"][0]["kind"] != "referral"
    ticked = run("checkin", plan_id, "--date", "2026-03-02", "--red-flag", "cancer-history")
    assert ticked.code == 2 and "is a screening question" in ticked.err
    assert stored_checkins(db_url, plan_id) == []


def test_start_asks_the_screening_questions_and_a_yes_stores_nothing(db_url: str) -> None:
    start = StartServer(db_url)
    try:
        status, _, page = start.request("POST", "/start", {"any": "none", "tz": "Europe/London"})
        assert status == 200 and all(
            item.question.replace("'", "&#39;") in page for item in wording.SCREENING_ITEMS
        )
        proof = re.search(r'name="proof" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        before = start.rows()
        fields = [
            *{**GOOD, "proof": proof}.items(),
            ("screening", "weak-immunity"),
            ("screening", "iv-drug-use"),
        ]
        status, headers, page = start.request("POST", "/start/questions", fields)
        assert status == 200 and wording.INTAKE_SEVERE_HEADING in page
        advice = wording.INTAKE_SCREENING.format(items="weakened immune system; injected drug use")
        assert advice in page and 'name="proof"' not in page and "set-cookie" not in headers
        assert wording.START_AGAIN_SCREENED in page  # /start cannot: a clinician makes the plan
        assert start.rows() == before
        leg = [*{**GOOD, "proof": proof}.items(), ("screening", "leg-pain-spreading")]
        page = start.request("POST", "/start/questions", leg)[2]
        assert "long-standing pain down one or both legs" in page and "referred" not in page
        severe = start.request("POST", "/start/questions", {**GOOD, "proof": proof, "pain_at_rest": "8"})[2]
        assert wording.START_AGAIN_PAIN in severe and wording.START_AGAIN_SCREENED not in severe
        bad = [*{**GOOD, "proof": proof}.items(), ("screening", "fever")]
        status, _, page = start.request("POST", "/start/questions", bad)
        assert status == 400 and 'id="screening-error"' in page
    finally:
        start.loopback.stop()


def test_an_old_check_in_form_ticking_a_screening_item_records_the_report_and_stops_nothing(tmp_path) -> None:
    from planner.web import create_app

    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'p.db'}"), clock=lambda: NOW)
    plan_id = app.create_plan("lbp-return-to-run", RX)
    _, secret = app.secrets_for(plan_id)
    client = create_app(app).test_client()
    page = client.get(f"/c/{secret}").get_data(as_text=True)
    assert not any(item.question in page for item in wording.SCREENING_ITEMS)  # the stop list only
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    day = (NOW.date() - dt.timedelta(days=1)).isoformat()
    form = {
        "csrf": csrf,
        "submission": "old-form-1",
        "date": day,
        "pain_during": "2",
        "red_flag": "cancer-history",
    }
    assert client.post(f"/c/{secret}/checkin", data=form).status_code == 303
    view = app.plan(plan_id)
    assert view.checkins[-1].pain_during == 2 and view.checkins[-1].red_flags == ()
    assert not any(d.verdict is Verdict.STOP for s in view.plan.sessions for d in s.decisions)


def test_a_plan_made_in_the_portal_records_its_clinician_as_the_screenings_assessor(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    status, _, page = north.request("GET", "/portal/patients/new")
    assert status == 200 and wording.SCREENING_PORTAL in page and "History of cancer" in page
    good = {"name": "Kim Park", "protocol": "lbp-return-to-run", "start": "2026-11-23", "pain": "2"}
    good |= {"tz": "Europe/London", "run_days": "tue,thu,sat", "time": "18:00"}
    for wrong in ({"screening": "fever"}, {"red_flag": "cancer-history"}, {"screening": "tired"}):
        assert north.request("POST", "/portal/patients/new", {**good, **wrong})[0] == 400
    status, headers, _ = north.request(
        "POST", "/portal/patients/new", {**good, "screening": "cancer-history"}
    )
    assert status == 303
    view = clinic.app.plan(headers["location"].rsplit("/", 1)[1])
    assert view.plan.prescription.screening == Screening(("cancer-history",), "Alex Morgan")
    assert not any(s.kind is SessionKind.REFERRAL for s in view.plan.sessions)
