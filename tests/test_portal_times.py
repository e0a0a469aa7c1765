"""The clinicians page and the audit trail show their times in the clinic's time zone, readable,
each inside <time> with the instant in UTC for machines (they printed raw ISO/UTC stamps)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from tests.clinics import Clinic


class Times(HTMLParser):
    """Every <time> of a page: (its datetime attribute, the text it shows)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "time":
            self.open = dict(attrs).get("datetime") or ""
            self.found.append((self.open, ""))

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.found[-1] = (self.open, self.found[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "time":
            self.open = None


def times(page: str) -> list[tuple[str, str]]:
    parser = Times()
    parser.feed(page)
    return parser.found


def test_account_and_audit_times_read_in_the_clinics_time_zone(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")  # at 09:00 UTC on 22 Nov 2026
    _, _, page = north.request("GET", "/portal/clinicians")
    assert "times in UTC" in page and "T09:00" not in page.replace('datetime="2026-11-22T09:00:00Z"', "")
    assert ("2026-11-22T09:00:00Z", "22 Nov 2026, 09:00 UTC") in times(page)  # Alex's last login
    status, _, refused = north.request(
        "POST", "/portal/clinicians", {"what": "zone", "timezone": "Mars/Base"}
    )
    assert status == 400 and "unknown time zone" in refused
    clinic.clock[0] += dt.timedelta(minutes=5)
    assert (
        north.request("POST", "/portal/clinicians", {"what": "zone", "timezone": "Europe/Helsinki"})[0] == 200
    )
    _, _, page = north.request("GET", "/portal/clinicians")
    assert "times in Europe/Helsinki" in page
    assert ("2026-11-22T09:00:00Z", "22 Nov 2026, 11:00 EET") in times(page)
    _, _, trail = north.request("GET", "/portal/audit")
    shown = times(trail)
    assert ("2026-11-22T09:05:00Z", "22 Nov 2026, 11:05 EET") in shown  # the zone's own change
    assert ("2026-11-22T09:00:00Z", "22 Nov 2026, 11:00 EET") in shown  # the login
    assert "+00:00" not in trail and "times in Europe/Helsinki" in trail
    with clinic.app.store.read() as records:
        changes = [r.detail for r in records.portal.audit_trail(1) if r.action == "time-zone"]
        assert changes == ["Europe/Helsinki"] and records.portal.clinic_zone(2) == "UTC"  # South's unchanged


def test_a_disabled_account_says_when_in_the_clinics_zone(clinic: Clinic) -> None:
    north = clinic.client()
    north.login("alex@north.example")
    north.request("POST", "/portal/clinicians", {"what": "zone", "timezone": "America/New_York"})
    bea = clinic.clinician("bea@north.example")
    assert north.request("POST", f"/portal/clinicians/{bea.id}/disable", {})[0] == 303
    _, _, page = north.request("GET", "/portal/clinicians")
    assert 'disabled <time datetime="2026-11-22T09:00:00Z">22 Nov 2026, 04:00 EST</time>' in page
