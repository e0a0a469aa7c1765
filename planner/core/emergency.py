"""The emergency number to call, from the country of the person's time zone, and where a country
has one, its number for urgent medical advice that is not an emergency.

Sources: the EU single emergency number 112 (Universal Service Directive 2002/22/EC, art. 26,
now the European Electronic Communications Code, art. 109); national numbers as their governments
publish them (UK 999, Ireland 112 or 999, USA, Canada and Mexico 911, Australia 000, New Zealand 111,
Japan 119, India 112, Singapore 995, Hong Kong 999). Anywhere else the advice names "your local
emergency number" rather than guess.

Urgent non-emergency lines, as their services publish them: NHS 111 (nhs.uk, "When to use
111", England; also NHS 24 in Scotland and NHS 111 Wales), the German 116 117 (Kassenärztliche
Bundesvereinigung, "Ärztlicher Bereitschaftsdienst"), healthdirect 1800 022 222 (healthdirect.gov.au,
Australia) and Healthline 0800 611 116 (Te Whatu Ora, New Zealand).

Example:
    >>> emergency_number("Europe/Warsaw"), emergency_number("America/Chicago")
    ('112', '911')
    >>> emergency_numbers("Europe/Dublin"), urgent_line("Europe/London").number
    (('112', '999'), '111')
"""

from __future__ import annotations

import attrs

SOURCE = (
    "EU single emergency number 112 (European Electronic Communications Code, art. 109); "
    "national numbers as their governments publish them"
)
UNKNOWN = "your local emergency number"

_EXACT = {
    "Europe/London": "999",
    "Europe/Belfast": "999",
    "Europe/Dublin": "112 or 999",
    "Pacific/Auckland": "111",
    "Pacific/Honolulu": "911",
    "Asia/Tokyo": "119",
    "Asia/Kolkata": "112",
    "Asia/Calcutta": "112",
    "Asia/Singapore": "995",
    "Asia/Hong_Kong": "999",
}
_NORTH_AMERICA = (  # zones of the USA, Canada and Mexico, which all answer 911
    "New_York",
    "Chicago",
    "Denver",
    "Los_Angeles",
    "Phoenix",
    "Anchorage",
    "Juneau",
    "Adak",
    "Boise",
    "Detroit",
    "Indiana",
    "Kentucky",
    "North_Dakota",
    "Menominee",
    "Toronto",
    "Vancouver",
    "Edmonton",
    "Winnipeg",
    "Regina",
    "Halifax",
    "St_Johns",
    "Moncton",
    "Whitehorse",
    "Yellowknife",
    "Iqaluit",
    "Mexico_City",
    "Monterrey",
    "Cancun",
    "Tijuana",
    "Chihuahua",
    "Merida",
)
_PREFIXES = (("Europe/", "112"), ("Australia/", "000"), ("US/", "911"), ("Canada/", "911"))


@attrs.frozen
class UrgentLine:
    """A country's line for urgent medical advice that is not an emergency."""

    name: str
    number: str
    source: str


_NHS_111 = UrgentLine("NHS 111", "111", 'NHS England, "When to use 111" (nhs.uk)')
_URGENT_EXACT = {
    "Europe/London": _NHS_111,
    "Europe/Belfast": _NHS_111,
    "Europe/Berlin": UrgentLine(
        "the medical on-call service", "116117", "Kassenärztliche Bundesvereinigung (116117.de)"
    ),
    "Pacific/Auckland": UrgentLine("Healthline", "0800 611 116", "Te Whatu Ora, Healthline (info.health.nz)"),
}
_HEALTHDIRECT = UrgentLine("healthdirect", "1800 022 222", "healthdirect Australia (healthdirect.gov.au)")


def urgent_line(zone: str) -> UrgentLine | None:
    """The urgent non-emergency line where `zone` is, when the table has one."""
    if zone.startswith("Australia/"):
        return _HEALTHDIRECT
    return _URGENT_EXACT.get(zone)


def emergency_numbers(zone: str) -> tuple[str, ...]:
    """The emergency numbers to dial where `zone` is (Ireland has two); none when unsure."""
    number = emergency_number(zone)
    return () if number == UNKNOWN else tuple(number.split(" or "))


def emergency_number(zone: str) -> str:
    """The number to call for an emergency where `zone` is, or a plain phrase when unsure."""
    if zone in _EXACT:
        return _EXACT[zone]
    place = zone.removeprefix("America/")
    if place != zone and place.split("/")[0] in _NORTH_AMERICA:
        return "911"
    return next((number for prefix, number in _PREFIXES if zone.startswith(prefix)), UNKNOWN)


def call(zone: str) -> str:
    """How the advice says it: "call 999", or "call your local emergency number"."""
    return f"call {emergency_number(zone)}"
