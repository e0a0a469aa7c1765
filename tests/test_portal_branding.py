"""The clinic in every portal handout: admins set the branding (the clinic file's checks, a logo
decoded whole), handouts carry it and the patient's own clinician, are named after the patient,
and "print all" merges the chosen handouts into one PDF with each patient's own page numbers."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import re
import urllib.parse
import uuid

import pypdf
import pytest

from planner.app.branding import handout_name
from tests.clinics import NOW, Browserless, Clinic, rx
from tests.conftest import ROOT

LOGO = (ROOT / "templates" / "clinic-logo.png").read_bytes()


def multipart(client: Browserless, path: str, fields: dict[str, str], logo: bytes | None) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in {"csrf_token": client.csrf, **fields}.items()
    ]
    if logo is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
            "Content-Type: image/png\r\n\r\n".encode()
            + logo
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    headers = {"Cookie": client.cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def posted(client: Browserless, path: str, fields: dict[str, str]) -> tuple[int, str, bytes]:
    """A form posted as the list page posts it; the answer's status, type and bytes (a PDF)."""
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=120)
    headers = {"Cookie": client.cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request(
        "POST", path, body=urllib.parse.urlencode({"csrf_token": client.csrf, **fields}), headers=headers
    )
    response = connection.getresponse()
    return response.status, response.getheader("Content-Type") or "", response.read()


def text_of(body: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages).split())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zofia Wójcik", "wojcik-zofia-2026-12-07.pdf"),
        ("Łucja Żmuda-Nowak", "zmuda-nowak-lucja-2026-12-07.pdf"),
        ("Ιωάννα", "patient-2026-12-07.pdf"),
        ("  O'Connor  ", "o-connor-2026-12-07.pdf"),
    ],
)
def test_handouts_are_named_after_the_patient_in_ascii(name: str, expected: str) -> None:
    assert handout_name(name, dt.date(2026, 12, 7)) == expected


def test_admins_brand_the_handouts_and_print_all(clinic: Clinic) -> None:
    with clinic.app.store.write() as records:
        records.portal.assign(clinic.plan_id, 1, 1)  # in Alex Morgan's care
    second = clinic.app.create_plan("lbp-return-to-run", rx("Liam O'Connor"))
    clinic.caseload.adopt(second, "North")
    client = clinic.client()
    client.login("alex@north.example")
    status, _, page = client.request("GET", "/portal/branding")
    assert status == 200 and 'value="North"' in page
    base = {
        "name": "North Physio",
        "phone": "+44 20 7946 0000",
        "address": "1 River Road",
        "accent": "#aa3300",
    }
    status, page = multipart(client, "/portal/branding", {**base, "accent": "red"}, None)
    assert status == 400 and "accent" in page and "must be a colour" in page
    status, page = multipart(client, "/portal/branding", base, LOGO[: len(LOGO) // 2])  # truncated pixels
    assert status == 400 and "logo: is not a readable PNG or JPEG image" in page
    status, page = multipart(client, "/portal/branding", base, b"GIF89a" + b"\0" * 40)
    assert status == 400 and "logo:" in page
    with clinic.app.store.read() as records:
        assert records.branding.get(1) is None  # nothing stored from the refusals
    status, _ = multipart(client, "/portal/branding", base, LOGO)
    assert status == 303
    client.request("GET", f"/portal/patients/{clinic.plan_id}")
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    connection.request(
        "GET", f"/portal/patients/{clinic.plan_id}/handout.pdf", headers={"Cookie": client.cookie}
    )
    response = connection.getresponse()
    body = response.read()
    day = NOW.astimezone(dt.UTC).date().isoformat()
    assert response.getheader("Content-Disposition") == f'attachment; filename="wojcik-zofia-{day}.pdf"'
    text = text_of(body)
    assert "North Physio" in text and "+44 20 7946 0000" in text and "Alex Morgan" in text
    assert "Rehab Planner, Clinician: -" not in text
    assert any(
        "/Image" in str(p.get("/Resources", {}).get("/XObject", {})) or p.images
        for p in pypdf.PdfReader(io.BytesIO(body)).pages[:1]
    )
    client.request("GET", "/portal/")
    status, kind, merged_pdf = posted(client, "/portal/print-all", {"which": "all"})
    everyone = [clinic.plan_id, second, clinic.assigned_id, clinic.roster_id, clinic.silent_id]
    pages = pypdf.PdfReader(io.BytesIO(merged_pdf)).pages
    firsts = [n for n, p in enumerate(pages) if re.search(r"Page 1 of \d+", p.extract_text())]
    assert status == 200 and kind == "application/pdf" and len(firsts) == len(everyone)  # each numbered
    assert "Liam O'Connor" in text_of(merged_pdf) and "Zofia" in text_of(merged_pdf)
    assert "Uma Shah" not in text_of(merged_pdf)  # none of South's
    status, _, _ = client.request("POST", "/portal/print-all", {"which": "ticked"})
    assert status == 400
    other = clinic.client()
    other.login("sam@south.example")
    assert other.request("GET", "/portal/branding")[0] == 404  # not an admin
    assert other.request("POST", "/portal/print-all", {"which": "ticked", "plan": clinic.plan_id})[0] == 404


def test_print_all_prints_every_patient_of_the_search_and_filter_on_every_page(
    clinic: Clinic, monkeypatch
) -> None:
    """More patients than a page holds (five a page here): the button prints all of the list as
    searched and filtered, in its order, each patient's handout once; past the limit, one line."""
    from planner.app import caseload

    monkeypatch.setattr(caseload, "PAGE_SIZE", 5)
    clinic.issue_patients(8)
    client = clinic.client()
    client.login("alex@north.example")
    fields = {"q": "patient", "status": "silent", "sort": "name", "dir": "desc"}
    _, _, listing = client.request("POST", "/portal/", fields)
    assert (
        "8 patients · page 1 of 2" in listing and "Print all 8 patients of this list, every page" in listing
    )
    status, kind, merged = posted(client, "/portal/print-all", {**fields, "which": "all"})
    assert status == 200 and kind == "application/pdf"
    covers = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(merged)).pages]
    firsts = [text for text in covers if re.search(r"Page 1 of \d+", text)]
    named = [re.search(r"Patient (\d\d)", text) for text in firsts]
    assert [m.group(1) for m in named if m] == [f"{n:02d}" for n in reversed(range(8))]  # the list's order
    assert len(firsts) == 8 and "Zofia" not in text_of(merged) and "Ola Berg" not in text_of(merged)
    monkeypatch.setattr(caseload, "PRINT_LIMIT", 7)
    status, _, refused = posted(client, "/portal/print-all", {**fields, "which": "all"})
    assert status == 400 and b"8 patients match, more than 7" in refused
