"""The clinic in every portal handout: admins set the branding (the clinic file's checks, a logo
decoded whole), handouts carry it and the patient's own clinician, are named after the patient,
and "print all" merges the chosen handouts into one PDF with each patient's own page numbers."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import re
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
    status, _, _ = client.request("POST", "/portal/print-all", {"which": "listed", "listed": clinic.plan_id})
    assert status == 200
    _, _, listing = client.request("GET", "/portal/")
    listed = re.findall(r'name="listed" value="([^"]+)"', listing)
    everyone = [clinic.plan_id, second, clinic.assigned_id, clinic.roster_id, clinic.silent_id]
    assert sorted(listed) == sorted(everyone)  # North's patients, none of South's
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    form = "&".join([f"csrf_token={client.csrf}", "which=listed", *(f"listed={p}" for p in listed)])
    connection.request(
        "POST",
        "/portal/print-all",
        body=form,
        headers={"Cookie": client.cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    merged_pdf = response.read()
    pages = pypdf.PdfReader(io.BytesIO(merged_pdf)).pages
    firsts = [n for n, p in enumerate(pages) if re.search(r"Page 1 of \d+", p.extract_text())]
    assert response.status == 200 and len(firsts) == len(listed)  # each patient numbered on their own
    assert "Liam O'Connor" in text_of(merged_pdf) and "Zofia" in text_of(merged_pdf)
    status, _, _ = client.request("POST", "/portal/print-all", {"which": "ticked"})
    assert status == 400
    other = clinic.client()
    other.login("sam@south.example")
    assert other.request("GET", "/portal/branding")[0] == 404  # not an admin
    assert other.request("POST", "/portal/print-all", {"which": "ticked", "plan": clinic.plan_id})[0] == 404
