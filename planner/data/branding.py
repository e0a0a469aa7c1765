"""Clinic branding for the handout, from a validated TOML file.

Example file (templates/clinic-example.toml):
    [clinic]
    name = "Riverside Physiotherapy"
    clinician = "Alex Morgan, MCSP"
    accent = "#1f6f8b"
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from planner.core.exceptions import DataError
from planner.data.fields import Fields, read_toml
from planner.data.paths import read_regular

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


@attrs.frozen
class Branding:
    name: str
    clinician: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    logo: Path | None = None
    accent: str = "#1f6f8b"


DEFAULT_BRANDING = Branding(name="Rehab Planner")


MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000  # far more than a printed logo needs; a decompression bomb is refused


def image_problem(path: Path) -> str:
    """Why a logo cannot be printed, or "": read as a regular file of at most MAX_IMAGE_BYTES, then
    its header (width x height, read without decoding the pixels), then every pixel decoded, so a
    file whose headers and checksums pass but whose pixel data is corrupt is refused here, before
    anything is stored, not by the PDF writer later."""
    try:
        data = read_regular(path, MAX_IMAGE_BYTES)
    except DataError as error:
        return error.problem
    return image_bytes_problem(data)


def image_bytes_problem(data: bytes) -> str:
    """Why these bytes cannot be a logo, or "": PNG or JPEG, at most 4000 x 4000 pixels, every
    pixel decoded (the portal's upload and the clinic file's logo pass the same checks)."""
    import io

    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        return f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                return "is not a PNG or JPEG image"
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return (
                    f"is {image.width} x {image.height} pixels, more than a logo needs (at most 4000 x 4000)"
                )
            image.load()  # every pixel: truncated or corrupt data fails here
    except Image.DecompressionBombError:
        return "has too many pixels for a logo (at most 4000 x 4000)"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return "is not a readable PNG or JPEG image"
    return ""


def load_branding(path: Path) -> Branding:
    data = read_toml(path)
    top = Fields(data, file=str(path), entry="")
    fields = top.sub("clinic")
    top.done()
    fields.entry = "clinic"
    logo_name = fields.text("logo", "")
    logo = None
    if logo_name:
        if "\0" in logo_name:
            raise fields.error("logo", "must not contain a NUL character")
        try:
            logo = (path.parent / logo_name).resolve()
        except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop of links
            raise fields.error("logo", f"{logo_name!r} is a loop of symbolic links") from None
        if Path(logo_name).suffix.lower() not in IMAGE_SUFFIXES:
            raise fields.error("logo", f"{logo_name!r} must be a PNG or JPEG image")
        if not logo.exists():
            raise fields.error("logo", f"no image file {logo_name!r} next to the clinic file")
        problem = image_problem(logo)
        if problem:
            raise fields.error("logo", f"{logo_name!r} {problem}")
    clinic = branding_fields(fields, logo)
    fields.done()
    return clinic


def branding_fields(fields: Fields, logo: Path | None = None) -> Branding:
    """The clinic's texts and colour, as the TOML file and the portal's branding form give them."""
    accent = fields.text("accent", "#1f6f8b")
    if not HEX_COLOUR.match(accent):
        raise fields.error("accent", f"{accent!r} must be a colour like #1f6f8b")
    return Branding(
        name=fields.text("name"),
        clinician=fields.text("clinician", ""),
        address=fields.text("address", ""),
        phone=fields.text("phone", ""),
        email=fields.text("email", ""),
        website=fields.text("website", ""),
        logo=logo,
        accent=accent,
    )
