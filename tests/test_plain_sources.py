"""Patients read where a rule comes from in words they understand (issue 20, reviewer's item 4):
the phone page, /start, the handout, the calendar and `plan show` say "published research or
clinical guidelines", "clinic practice, not yet checked against research" and so on
(planner.core.evidence, wording.EVIDENCE), never a raw citation such as "Seed articles: ..." or
"(clinic protocols, unverified)"; the plan's JSON and the portal keep the exact citation."""

from __future__ import annotations

import datetime as dt
import html
import io
import json

import icalendar
import pypdf
import pytest

from planner.app.application import App
from planner.app.settings import Settings
from planner.core import evidence, intake, rules, wording
from planner.core.model import CheckIn, Evidence, Prescription, Soreness
from planner.data.catalog import builtin_catalog
from planner.web import create_app
from tests.test_start import GOOD, StartServer

CATALOG = builtin_catalog()
START = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)
RX = Prescription("Ana", START, "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 0)
REPORTS = [
    *(CheckIn(START + dt.timedelta(days=n), pain_during=1, pain_next_morning=0) for n in (0, 2, 5, 7)),
    CheckIn(START + dt.timedelta(days=9), soreness=Soreness.RETURNED_DURING, pain_during=3),
    CheckIn(START + dt.timedelta(days=14), flare_up=True, pain_during=6, done=False),
    CheckIn(START + dt.timedelta(days=21), pain_during=2, pain_next_morning=1),
]
# What a patient must never read: the citations' own labels and the markers of the data's convention
RAW = (
    "Seed articles",
    "seed articles",
    "unverified",
    "Clinic protocols",
    "et al.",
    "doi",
    "NBK",
    "Trials 2023",
)


def flat(text: str) -> str:
    return " ".join(text.split())


def raw_in(text: str) -> list[str]:
    citations = [c for c in evidence.CITED if c in text]
    sources = [s for p in CATALOG.protocols.values() for s in p.sources if s in text]
    return [*citations, *sources, *(marker for marker in RAW if marker in text)]


@pytest.fixture(params=sorted(CATALOG.protocols))
def plan(request, tmp_path) -> tuple[App, str]:
    app = App.open(Settings(db=f"sqlite:///{tmp_path / 'p.db'}"), clock=lambda: NOW)
    plan_id = app.create_plan(request.param, RX)
    for report in REPORTS:
        app.record_checkin(plan_id, report)
    return app, plan_id


def test_patients_channels_name_no_raw_source(plan: tuple[App, str], run) -> None:
    app, plan_id = plan
    view = app.plan(plan_id)
    sources = {d.source for s in view.plan.sessions for d in s.decisions}
    assert len(sources) >= 4  # a plan that gives several rules' reasons

    body = app.handout(view, token=None)
    handout = flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages))
    assert raw_in(handout) == []
    assert evidence.based_on(app.catalog.protocol(view.plan.protocol_id).sources) in handout

    events = icalendar.Calendar.from_ical(app.calendar(view, token=None).body).events
    for event in events:
        description = flat(str(event["DESCRIPTION"]))
        assert raw_in(description) == [], description
        assert "Based on: " in description

    _, secret = app.secrets_for(plan_id)
    page = flat(html.unescape(create_app(app).test_client().get(f"/c/{secret}").get_data(as_text=True)))
    assert raw_in(page) == []

    created = run(
        "plan", "create", "--protocol", view.plan.protocol_id, "--start", "2026-03-02", "--pain", "0"
    )
    cli_plan = created.out.strip().splitlines()[-1]
    for report in ("--date=2026-03-02 --pain-during=1 --pain-next-morning=0", "--date=2026-03-16 --flare-up"):
        run("checkin", cli_plan, *report.split())
    shown = flat(run("plan", "show", cli_plan).out)
    assert raw_in(shown) == []
    assert wording.EVIDENCE[Evidence.RESEARCH] in shown and wording.EVIDENCE[Evidence.ARTICLES] in shown

    # the clinician's views keep the exact citation
    exact = json.loads(run("plan", "show", cli_plan, "--format", "json").out)
    cited = {d["source"] for s in exact["sessions"] for d in s["decisions"]}
    assert rules.FLARE_UP in " ".join(cited)


def test_start_says_where_the_programme_comes_from_in_plain_words(db_url: str) -> None:
    server = StartServer(db_url)
    try:
        status, _, page = server.request("POST", "/start/questions", {"proof": server.screened(), **GOOD})
        assert status == 200
        page = flat(html.unescape(page))
        assert raw_in(page) == [], raw_in(page)
        protocol = CATALOG.protocol("lbp-return-to-run")
        assert "Why this programme" in page
        assert evidence.based_on([intake.SOURCE, *protocol.sources]) in page
    finally:
        server.loopback.stop()


def test_every_source_the_planner_gives_is_listed_with_its_kinds(plan: tuple[App, str]) -> None:
    app, plan_id = plan
    for session in app.plan(plan_id).plan.sessions:
        for decision in session.decisions:
            assert any(citation in decision.source for citation in evidence.CITED), decision.source


def test_the_planners_citations_follow_the_datas_convention() -> None:
    """Where a citation has one kind, the data's convention reads it the same way, so a clinic's own
    protocol that cites as the built-in ones do is told to patients the same way too."""
    for citation, kinds in evidence.CITED.items():
        if len(kinds) == 1 and kinds != (Evidence.CLINICIAN,):
            assert evidence.by_convention(citation) is kinds[0], citation
    for protocol in CATALOG.protocols.values():
        for source in protocol.sources:
            unverified = "unverified" in source
            assert (Evidence.CLINIC in evidence.of(source)) is unverified, source
