"""A handout printed without the plan's calendar address says in one line what to do instead of
scanning; `export pdf --with-feed` makes the address (as `feed url` does) and prints its code."""

from __future__ import annotations

import io

import pypdf

from planner.core import wording
from tests.conftest import ROOT

BASE = "https://plans.example.org"


def text_of(path) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )


def test_a_handout_without_a_feed_says_where_the_calendar_comes_from(run, tmp_path) -> None:
    plan_id = run("plan", "create", "--protocol", "lbp-return-to-run", "--start", "2026-03-02").out.split()[
        -1
    ]
    bare = tmp_path / "bare.pdf"
    assert run("--base-url", BASE, "export", "pdf", plan_id, "-o", str(bare)).code == 0
    text = text_of(bare)
    own = " ".join(wording.NO_CALENDAR_CODE[False].format(plan_id=plan_id).split())
    assert own in text and f"rehab-planner feed url {plan_id}" in text and "Scan to add" not in text
    clinic = tmp_path / "clinic.pdf"
    branding = str(ROOT / "templates" / "clinic-example.toml")
    assert (
        run("--base-url", BASE, "export", "pdf", plan_id, "-o", str(clinic), "--clinic", branding).code == 0
    )
    assert "ask your clinician for the plan's calendar link" in text_of(clinic) and "feed url" not in text_of(
        clinic
    )

    fed = tmp_path / "fed.pdf"
    result = run("--base-url", BASE, "export", "pdf", plan_id, "-o", str(fed), "--with-feed")
    assert result.code == 0, result.err
    text = text_of(fed)
    https = next(
        line.split()[-1]
        for line in run("--base-url", BASE, "feed", "url", plan_id).out.splitlines()
        if line.startswith("https:")
    )
    assert "Scan to add the plan to your phone's calendar" in text and "no calendar code" not in text
    assert https.removeprefix(BASE) in text.replace(" ", "")  # the address `feed url` gives, not a new one
    again = tmp_path / "again.pdf"
    assert run("--base-url", BASE, "export", "pdf", plan_id, "-o", str(again)).code == 0
    assert "Scan to add" in text_of(again)  # made once, printed from then on

    assert run("feed", "revoke", plan_id).code == 0
    refused = run("--base-url", BASE, "export", "pdf", plan_id, "-o", str(tmp_path / "x.pdf"), "--with-feed")
    assert (
        refused.code == 2 and len(refused.err.strip().splitlines()) == 1 and not (tmp_path / "x.pdf").exists()
    )
    after = tmp_path / "after.pdf"
    assert run("--base-url", BASE, "export", "pdf", plan_id, "-o", str(after)).code == 0
    assert "no calendar code" in text_of(after)  # revoked: what to do instead, again
