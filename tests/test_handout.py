"""The printed handout: real text and tables out of the PDF, structure and fonts checked by tools."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from planner import build
from planner.core import wording
from planner.core.exceptions import DataError
from planner.core.model import BlockKind, CheckIn, Prescription, SessionKind
from planner.core.progress import weekly_progress
from planner.core.wording import RED_FLAGS
from planner.data.branding import load_branding
from planner.data.catalog import builtin_catalog
from planner.export import handout
from planner.export.pictograms import pictogram
from tests.conftest import ROOT
from tests.test_edges import GOOD

CATALOG = builtin_catalog()
NAME = "Łucja Żmuda-Παπαδοπούλου Юлия"


def make_handout(
    paper: str = "a4",
    large: bool = False,
    feed: str = "https://plans.example.org/feeds/abc.ics",
    checkins: tuple[CheckIn, ...] = (),
    progress: bool = False,
    start: dt.date = dt.date(2026, 3, 2),
    today: dt.date = dt.date(2026, 3, 20),
) -> tuple[bytes, object]:
    rx = Prescription(
        name=NAME,
        start=start,
        timezone="Europe/Warsaw",
        run_days=(1, 3, 6),
        strength_days=(2, 4),
        session_time=dt.time(7, 30),
        pain=2,
    )
    protocol = CATALOG.protocol("lbp-return-to-run")
    plan = build(rx, protocol, CATALOG.library, checkins, today)
    clinic = load_branding(ROOT / "templates" / "clinic-example.toml")
    weeks = weekly_progress(plan, checkins) if progress else ()
    options = handout.HandoutOptions(
        paper=paper, large_print=large, feed_url=feed, clinic=clinic, progress=weeks
    )
    return handout.render(plan, "abc", protocol, CATALOG.library, options), plan


def text_of(body: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages]


def test_every_section_and_the_patient(tmp_path) -> None:
    body, _plan = make_handout()
    pages = text_of(body)
    everything = "\n".join(pages)
    assert NAME in pages[0] and "Riverside Physiotherapy" in pages[0] and "Alex Morgan" in pages[0]
    for heading in (
        "Safety first",
        "The pain traffic light",
        "Soreness rules",
        "When running is paused",
        "Your programme at a glance",
        "The levels",
        "Your exercises",
        "Session log",
    ):
        assert heading in everything, heading
    for flag in RED_FLAGS:
        assert flag.question[:30] in " ".join(everything.split()), flag.id
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, 1))
    assert all(NAME in page for page in pages)  # footer on every page
    cover = " ".join(pages[0].split())  # the week in day names, not the command line's ids
    assert "runs on Monday, Wednesday and Saturday; strength on Tuesday and Thursday; at 07:30" in cover
    assert "mon,wed" not in everything and "tue,thu" not in everything
    assert "not medical advice" in everything


def test_a_plan_nobody_started_prints_its_rest_from_today() -> None:
    """Three weeks after a start nobody checked in on, the handout projects the rest of the plan
    from today: the same expected end as a plan starting today, and about as many pages (the grid
    keeps the three weeks gone by), not a year at the first level."""
    today = dt.date(2026, 3, 23)  # a Monday, three weeks after the start
    silent, _ = make_handout(today=today)
    fresh, _ = make_handout(start=today, today=today)
    ends = [text_of(body)[0].split("Expected end\n")[1].splitlines()[0] for body in (silent, fresh)]
    assert ends[0] == ends[1] == "Monday 11 May 2026 (if sessions go well)", ends
    assert len(text_of(fresh)) <= len(text_of(silent)) <= len(text_of(fresh)) + 1


def test_every_planned_exercise_with_its_dose() -> None:
    body, plan = make_handout()
    flat = " ".join(" ".join(text_of(body)).split())
    used: dict[str, set[str]] = {}
    for item in (i for s in plan.sessions for b in s.blocks for i in b.items):
        if item.exercise_id in CATALOG.library.exercises:
            used.setdefault(item.exercise_id, set()).add(item.dose)
    assert len(used) > 15
    by_level: dict[str, dict[str, set[str]]] = {}  # the main set's doses, level by level
    for session in plan.sessions:
        for item in (i for b in session.blocks if b.kind is BlockKind.MAIN_SET for i in b.items):
            if session.kind.is_running or session.kind is SessionKind.WALK:
                by_level.setdefault(item.exercise_id or "", {}).setdefault(session.label, set()).add(
                    item.dose
                )
    for exercise_id, doses in used.items():  # the card prints a dose this plan gives, not the library's
        exercise = CATALOG.library.exercise(exercise_id)
        assert exercise.name in flat, exercise.name
        if exercise_id not in by_level:
            assert any(f"Dose: {dose}" in flat for dose in doses), exercise.name
            continue
        card = flat[flat.index(f"{exercise.name} Dose: by level: ") :][:800]
        for label, level_doses in by_level[exercise_id].items():
            assert all(f"{label}: " in card and dose in card for dose in level_doses), (label, card)


def test_log_table_header_and_rows() -> None:
    body, plan = make_handout()
    with pdfplumber.open(io.BytesIO(body)) as document:
        tables = [t for page in document.pages for t in page.extract_tables()]
    logs = [t for t in tables if t and t[0][:2] == ["Date", "Session"]]
    assert logs and [c.replace("\n", " ") for c in logs[0][0]] == [
        "Date",
        "Session",
        "Done",
        "Pain during",
        "Pain next morning",
        "Notes",
    ]
    rows = sum(len(t) - 1 for t in logs)
    this_monday = dt.date(2026, 3, 16)  # printed on Fri 20 Mar: the log begins with that week
    assert rows == sum(1 for s in plan.sessions if s.kind.is_active and s.date >= this_monday)
    assert rows < sum(1 for s in plan.sessions if s.kind.is_active)


def test_a_handout_printed_months_in_begins_with_this_week() -> None:
    """Weeks gone by are history, not instructions: printed in week 40, the calendar and the log
    begin with week 40 and say why; printed before the start, they begin with week 1."""
    late, _ = make_handout(today=dt.date(2026, 12, 2))  # a Wednesday in week 40
    pages = text_of(late)
    everything = " ".join(" ".join(pages).split())
    behind = wording.handout_weeks_behind(40, dt.date(2026, 3, 2))
    assert behind.startswith("Weeks 1 to 39 have passed since the start on 02 March 2026:")
    assert everything.count(behind) == 2  # above the calendar and above the log
    glance = next(page for page in pages if "Your programme at a glance" in page)
    rows = " ".join(glance.split())
    assert rows.index("Week 40 30 Nov") < rows.index("Week 41 07 Dec") and "Week 39" not in rows
    assert not re.search(r"\b(02|09) Mar\b", rows)  # no row for the weeks gone by
    with pdfplumber.open(io.BytesIO(late)) as document:
        tables = [t for page in document.pages for t in page.extract_tables()]
    logged = [row[0] for t in tables if t and t[0][:2] == ["Date", "Session"] for row in t[1:]]
    assert logged[0] == "Tue 01 Dec" and all("Mar" not in day for day in logged)  # Monday rests
    assert len(pages) <= 12, len(pages)  # a year of Phase 1 rows took 23 pages
    early, _ = make_handout(today=dt.date(2026, 2, 20))
    assert "have passed since the start" not in " ".join(text_of(early))


def test_identical_rebuilds_and_metadata() -> None:
    first = make_handout()[0]
    assert make_handout()[0] == first
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info is not None and NAME in str(info.title) and info.author == "Alex Morgan, MCSP"
    assert "Return-to-running" in str(info.subject)
    assert b"/Lang" in first


def test_letter_and_large_print() -> None:
    a4, _ = make_handout()
    letter, _ = make_handout(paper="letter")
    large, _ = make_handout(large=True)
    assert pypdf.PdfReader(io.BytesIO(letter)).pages[0].mediabox.width == 612
    assert pypdf.PdfReader(io.BytesIO(a4)).pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)
    assert len(pypdf.PdfReader(io.BytesIO(large)).pages) > len(pypdf.PdfReader(io.BytesIO(a4)).pages)


def test_no_qr_without_a_feed() -> None:
    with_feed, _ = make_handout()
    without, _ = make_handout(feed="")
    assert "Scan to add" in text_of(with_feed)[0] and "Scan to add" not in text_of(without)[0]


def test_a_pictogram_for_every_exercise() -> None:
    for exercise in CATALOG.library.exercises.values():
        drawing = pictogram(CATALOG.library.poses[exercise.pose], 120)
        assert len(drawing.contents) >= 5, exercise.id  # props, trunk, limbs and head


needs = pytest.mark.skipif(
    not (shutil.which("qpdf") and shutil.which("pdffonts") and shutil.which("pdftoppm")),
    reason="poppler-utils and qpdf not installed (.ci/run installs them)",
)


@needs
def test_structure_fonts_and_rendering(tmp_path: Path) -> None:
    body, _ = make_handout()
    target = tmp_path / "handout.pdf"
    target.write_bytes(body)
    assert subprocess.run(["qpdf", "--check", str(target)], capture_output=True).returncode == 0
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert all("DejaVu" in line for line in fonts)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "3", str(target), str(tmp_path / "p")], check=True
    )
    from PIL import Image

    for png in sorted(tmp_path.glob("p-*.png")):
        with Image.open(png) as image:
            extrema = image.convert("L").getextrema()
            assert extrema[0] < 100 and extrema[1] > 200, png  # ink on paper, not a blank page


def test_cli_export_pdf(run, tmp_path) -> None:
    plan_id = run(
        "plan", "create", "--protocol", "flare-up-restart", "--start", "2026-03-02", "--name", NAME
    ).out.split()[-1]
    target = tmp_path / "out.pdf"
    result = run(
        "export",
        "pdf",
        plan_id,
        "-o",
        str(target),
        "--clinic",
        str(ROOT / "templates" / "clinic-example.toml"),
        "--paper",
        "letter",
    )
    assert result.code == 0, result.err
    assert NAME in text_of(target.read_bytes())[0]
    bad = tmp_path / "clinic.toml"
    bad.write_text('[clinic]\nname = "X"\naccent = "blue"\n', encoding="utf-8")
    failed = run("export", "pdf", plan_id, "-o", str(tmp_path / "x.pdf"), "--clinic", str(bad))
    assert failed.code == 2 and "clinic: accent" in failed.err and not (tmp_path / "x.pdf").exists()


def test_an_exercise_may_bring_its_own_image(tmp_path) -> None:
    from planner.data.catalog import load_catalog

    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "bird-dog.png").write_bytes((ROOT / "templates" / "clinic-logo.png").read_bytes())
    source = (ROOT / "exercises" / "core.toml").read_text(encoding="utf-8")
    start = source.index('[[exercise]]\nid = "bird-dog"')
    entry = source[start : source.index("[[exercise]]", start + 10)]
    (folder / "clinic.toml").write_text(
        entry.replace('pose = "bird-dog"', 'pose = "bird-dog"\nimage = "bird-dog.png"'), encoding="utf-8"
    )
    catalog = load_catalog((tmp_path,))
    assert catalog.library.exercise("bird-dog").image == "bird-dog.png"
    rx = GOOD
    protocol = catalog.protocol("lbp-return-to-run")
    plan = build(rx, protocol, catalog.library, (), rx.start)
    body = handout.render(plan, "abc", protocol, catalog.library, handout.HandoutOptions())
    images = [name for page in pypdf.PdfReader(io.BytesIO(body)).pages for name in page.images]
    assert images, "the clinic's own picture is placed on the bird dog card"
    broken = entry.replace('pose = "bird-dog"', 'pose = "bird-dog"\nimage = "missing.png"')
    (folder / "clinic.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(DataError, match=r"bird-dog: image: no image file 'missing\.png'"):
        load_catalog((tmp_path,))


def test_the_goal_matches_the_run_days_chosen() -> None:
    protocol = CATALOG.protocol("lbp-return-to-run")
    rx = Prescription("Ana", dt.date(2026, 3, 2), "Europe/Lisbon", (1, 4), (2, 6), dt.time(7), pain=1)
    plan = build(rx, protocol, CATALOG.library, (), rx.start)
    cover = text_of(handout.render(plan, "abc", protocol, CATALOG.library, handout.HandoutOptions()))[0]
    assert "twice a week" in " ".join(cover.split()) and "three times" not in cover


def test_a_plan_stopped_by_a_sign_on_its_roster_line_prints_no_programme(clinic) -> None:  # type: ignore[no-untyped-def]
    """The shipped roster example with a warning sign on Zofia's line, issued as a clinic list:
    her handout (the list's zip and the portal's) says her clinician recorded the sign, gives no
    dates, week or programme the plan will not run, and no check-in QR code; her phone page
    says the same. A reported sign keeps "You reported" (the golden referred plan)."""
    import csv
    import zipfile

    from planner.app import branding

    lines = list(csv.DictReader((ROOT / "templates" / "roster-example.csv").open(encoding="utf-8")))
    lines[0]["red_flags"] = "saddle-numbness"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lines[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(lines)
    alex = clinic.clinician("alex@north.example")
    outcomes, job_id = clinic.caseload.issue_roster(alex, out.getvalue(), "roster-example.csv", "")
    zofia = next(o for o in outcomes if o.name == "Zofia Wójcik")
    with zipfile.ZipFile(io.BytesIO(clinic.caseload.roster_zip(alex, job_id))) as archive:
        issued = archive.read(zofia.pdf)
    portal, _ = branding.handout(clinic.app, alex.clinic_id, alex.clinic_name, zofia.plan_id)
    for body in (issued, portal):
        text = "\n".join(text_of(body)).replace("\n", " ")
        assert "Your clinician recorded a warning sign when your plan was made" in text
        assert "You reported" not in text
        assert "Stopped: no sessions until a clinician has checked the warning sign" in text
        for absent in (
            "Expected end",
            "Starts",
            "Your week",
            "How to use this programme",
            "Scan to check in",
            "Your programme at a glance",
            "The levels",
            "Your exercises",
            "The pain traffic light",
        ):
            assert absent not in text, absent
        assert "Stop and get help: warning signs" in text and "Scan to add the plan" in text
    _, secret = clinic.app.secrets_for(zofia.plan_id)
    _, _, page = clinic.client().request("GET", f"/c/{secret}")
    assert "Your clinician recorded, when your plan was made:" in page and "You reported" not in page
