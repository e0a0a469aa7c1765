"""Parse what a person types (command line, form, roster cell) into typed values.

Every function raises InputError with a message that names the field, so the CLI, the web form
and the roster can all report it in one line. Digits are ASCII digits only: "３" or "٣" is not a pain
score.

Example:
    >>> parse_days("mon, wed,SAT", "run days")
    (1, 3, 6)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import urllib.parse
import zoneinfo

from planner.core.exceptions import InputError
from planner.core.prescription_checks import DAY_NAMES

FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_NOTE = 2000
MAX_NAME = 120
MAX_GOAL = 200
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


def parse_date(text: str, field: str) -> dt.date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        raise InputError(f"{field}: {text!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{field}: {text!r} is not a real date") from None


def parse_time(text: str, field: str = "time") -> dt.time:
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InputError(f"{field}: {text!r} is not a time in the form HH:MM")
    return dt.time(int(match[1]), int(match[2]))


def parse_days(text: str, field: str, *, separator: str = ",") -> tuple[int, ...]:
    days = []
    for part in text.split(separator):
        name = part.strip().lower()
        if not name:
            continue
        if name not in DAY_NAMES and name not in FULL_DAY_NAMES:
            raise InputError(f"{field}: {part.strip()!r} is not a weekday (mon, tue, ... sun)")
        day = DAY_NAMES.index(name[:3]) + 1
        if day in days:
            raise InputError(f"{field}: {part.strip()!r} is given twice")
        days.append(day)
    return tuple(sorted(days))


def parse_pain(value: str | int, field: str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,2}", text) or not 0 <= int(text) <= 10:
        raise InputError(f"{field}: {text!r} must be a whole number from 0 to 10")
    return int(text)


def session_done(stated: bool | None, *, flare_up: bool, red_flags: tuple[str, ...]) -> bool:
    """Whether a report says its session was done: what the person said stands. One that does not
    say is done (it reports on a session), unless it reports a flare-up or a warning sign, which
    often stop a session: that one is not done unless the person says so, so it counts neither as a
    repeat nor as load. The command line, the phone page and the stored report agree on it.

    >>> session_done(None, flare_up=True, red_flags=()), session_done(True, flare_up=True, red_flags=())
    (False, True)
    """
    if stated is not None:
        return stated
    return not (flare_up or red_flags)


def parse_yes_no(text: str, field: str) -> bool:
    """An answer that must be given: an empty one is an error, never a silent no."""
    answer = text.strip().lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise InputError(f"{field}: answer yes or no")


def parse_zone(text: str, field: str = "time zone") -> str:
    name = text.strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", name) or name.lower() == "localtime":
        raise InputError(f"{field}: {text!r} is not a time zone name like Europe/London")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        raise InputError(f"{field}: unknown time zone {text!r} (use a name like Europe/London)") from None
    return name


def parse_text(text: str, field: str, *, limit: int, required: bool = False) -> str:
    """Free text: whitespace folded, valid UTF-8, no control characters; a required one needs at
    least one visible character (a name of zero-width spaces is no name)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{field}: not valid UTF-8 text") from None
    cleaned = " ".join(text.split())
    if required and not any(unicodedata.category(c)[0] not in "CZ" for c in cleaned):
        raise InputError(f"{field}: must have a visible character")
    if len(cleaned) > limit:
        raise InputError(f"{field}: longer than {limit} characters")
    if any(unicodedata.category(c) == "Cc" for c in cleaned):
        raise InputError(f"{field}: contains control characters")
    return cleaned


def parse_base_url(text: str, field: str = "base URL") -> str:
    """The public address of the server: http or https, a host, nothing that could split a header.

    >>> parse_base_url("https://plans.example.org/")
    'https://plans.example.org'
    """
    if any(unicodedata.category(c) == "Cc" or c.isspace() for c in text):
        raise InputError(f"{field}: must not contain spaces or control characters")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{field}: {text!r} must look like https://plans.example.org")
    if parts.query or parts.fragment:
        raise InputError(f"{field}: {text!r} must not have a query or fragment")
    return text.rstrip("/")
