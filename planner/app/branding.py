"""The clinic in every handout its portal prints: branding set by the clinic's admins (the clinic
TOML's own fields and checks, a logo decoded whole before it is accepted), the patient's own
clinician, a file named after the patient, and "print all" as one merged PDF.

Example:
    >>> import datetime as dt
    >>> handout_name("Zofia Wójcik", dt.date(2026, 12, 7))
    'wojcik-zofia-2026-12-07.pdf'
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import attrs

from planner.app.application import App
from planner.core.exceptions import InputError
from planner.data.branding import Branding, branding_fields, image_bytes_problem
from planner.data.fields import Fields

FIELDS = ("name", "clinician", "address", "phone", "email", "website", "accent")
LOGO_BYTES = 1024 * 1024  # the portal's upload limit (a clinic file's logo may be up to 5 MB)


def _ascii(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.replace("ł", "l").replace("Ł", "L"))
    return "-".join(w for w in re.split(r"[^a-z0-9]+", plain.encode("ascii", "ignore").decode().lower()) if w)


def handout_name(name: str, day: dt.date, fallback: str = "patient") -> str:
    """`wojcik-zofia-2026-12-07.pdf`: the family name (the last word) first, ASCII letters and
    digits only, then the day; a name with no ASCII letters at all falls back to `fallback`."""
    words = name.split()
    ordered = [words[-1], *words[:-1]] if len(words) > 1 else words
    stem = "-".join(filter(None, (_ascii(w) for w in ordered)))[:60].strip("-") or fallback
    return f"{stem}-{day.isoformat()}.pdf"


def set_branding(
    app: App, clinic_id: int, values: Mapping[str, str], logo: bytes | None, *, drop_logo: bool
) -> Branding:
    """Check the fields as the clinic TOML is checked, and the logo as a clinic file's logo is, then
    store them; a refusal stores nothing."""
    table = {k: values[k].strip() for k in FIELDS if values.get(k, "").strip()}
    clinic = branding_fields(Fields(table, file="branding", entry="clinic"))
    if logo:
        if len(logo) > LOGO_BYTES:
            raise InputError(f"logo: larger than {LOGO_BYTES // 1024} KB")
        problem = image_bytes_problem(logo)
        if problem:
            raise InputError(f"logo: {problem}")
    with app.store.write() as records:
        kept = records.branding.get(clinic_id)
        stored = logo or (None if drop_logo or kept is None else kept[1])
        records.branding.save(clinic_id, table, stored, app.now())
    return clinic


def stored_branding(app: App, clinic_id: int) -> tuple[dict[str, str], bool]:
    """The form's values and whether a logo is kept."""
    with app.store.read() as records:
        found = records.branding.get(clinic_id)
    return (found[0], found[1] is not None) if found else ({}, False)


@contextmanager
def clinic_for(app: App, clinic_id: int, clinic_name: str, plan_id: str) -> Iterator[Branding]:
    """The clinic as a handout of this patient prints it: the clinic's branding (its name at least)
    and the patient's own clinician; the logo lives in a temporary file while the handout is drawn."""
    with app.store.read() as records:
        found = records.branding.get(clinic_id)
        # the patient's own clinician; none assigned (a clinic list's): the one who made the plan
        clinician = records.branding.clinician_of(plan_id) or records.branding.creator_of(plan_id)
    table, logo = found if found else ({"name": clinic_name}, None)
    clinic = branding_fields(Fields(dict(table), file="branding", entry="clinic"))
    clinic = attrs.evolve(clinic, clinician=clinician or clinic.clinician)
    with tempfile.TemporaryDirectory() as folder:
        if logo:
            path = Path(folder) / "logo.img"
            path.write_bytes(logo)
            clinic = attrs.evolve(clinic, logo=path)
        yield clinic


def handout(app: App, clinic_id: int, clinic_name: str, plan_id: str) -> tuple[bytes, str]:
    """One patient's handout as the portal prints it, and its file name."""
    view = app.plan(plan_id)
    feed, checkin = app.secrets_for(plan_id, revived=False)  # after a revoke: none (Revoked)
    with clinic_for(app, clinic_id, clinic_name, plan_id) as clinic:
        body = app.handout(view, token=feed, checkin=checkin, clinic=clinic)
    return body, handout_name(view.stored.prescription.name, view.today, f"patient-{plan_id}")


def print_all(app: App, clinic_id: int, clinic_name: str, plan_ids: Iterable[str]) -> bytes:
    """Every chosen patient's handout in one PDF, one after another: each keeps its own "Page X of Y"."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for plan_id in plan_ids:
        body, _ = handout(app, clinic_id, clinic_name, plan_id)
        writer.append(io.BytesIO(body))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
