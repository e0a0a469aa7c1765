"""The account lifecycle end to end in a real browser (Debian's chromium through Playwright): an
admin adds a clinician, who sets a password through the one-time link (a weak one is refused with
the reason) and logs in; the admin sees the last login, disables them (their open page is logged
out at once), enables them, makes a fresh link (the old password stops); the clinician changes
their own password; the audit trail shows every change; the new pages pass axe."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import CHROMIUM, axe_problems, browser, demo_clinic, log_in

__all__ = ["browser", "demo_clinic"]  # the fixtures, used by name
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)"
)
FIRST, SECOND, THIRD = "maple seventeen quietly", "harbour lantern gravel", "orchid tandem seventy"


def set_password(page, link: str, base: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(link.replace("http://127.0.0.1", base))
    page.get_by_label("New password").fill(password)
    page.get_by_label("The same again").fill(password)
    page.get_by_role("button", name="Set password").click()


def log_in_as(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/portal/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_admin_and_a_clinician_go_through_the_account_lifecycle(browser, demo_clinic) -> None:
    _app, base, password = demo_clinic
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
    log_in(admin, base, password)
    admin.goto(f"{base}/portal/clinicians")
    admin.get_by_label("E-mail").fill("jo@clinic.example")
    admin.get_by_label("Name", exact=True).fill("Jo Bell")
    admin.get_by_role("button", name="Add and make a one-time link").click()
    link = admin.locator("code").inner_text()

    jo = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    set_password(jo, link, base, "password1234")
    assert "too easy to guess" in jo.get_by_role("alert").inner_text()
    set_password(jo, link, base, FIRST)
    jo.wait_for_url("**/portal/login")
    log_in_as(jo, base, "jo@clinic.example", FIRST)
    jo.wait_for_url("**/portal/")

    admin.goto(f"{base}/portal/clinicians")
    row = admin.locator("tr", has_text="jo@clinic.example")
    assert re.search(r"active\s+21 Oct 2026, 18:00 BST", row.inner_text())  # the last login, clinic time
    assert axe_problems(admin) == []
    row.get_by_role("button", name="Disable Jo Bell").click()
    assert "disabled" in admin.locator("tr", has_text="jo@clinic.example").inner_text()
    jo.goto(f"{base}/portal/")
    assert jo.url.endswith("/portal/login")  # logged out at once
    log_in_as(jo, base, "jo@clinic.example", FIRST)
    assert "E-mail or password is wrong" in jo.get_by_role("alert").inner_text()

    admin.get_by_role("button", name="Enable Jo Bell").click()
    admin.get_by_role("button", name="New set-password link for Jo Bell").click()
    fresh = admin.locator("code").inner_text()
    assert fresh != link and "old password no longer work" in admin.get_by_role("status").inner_text()
    log_in_as(jo, base, "jo@clinic.example", FIRST)
    assert "E-mail or password is wrong" in jo.get_by_role("alert").inner_text()
    set_password(jo, fresh, base, SECOND)
    log_in_as(jo, base, "jo@clinic.example", SECOND)
    jo.wait_for_url("**/portal/")

    jo.get_by_role("link", name="Password").click()
    jo.get_by_label("Current password").fill(SECOND)
    jo.get_by_label("New password (12 characters").fill(THIRD)
    jo.get_by_label("The new password again").fill(THIRD)
    jo.get_by_role("button", name="Change password").click()
    assert "Password changed" in jo.get_by_role("status").inner_text()
    admin.goto(f"{base}/portal/password")
    assert axe_problems(admin) == []

    admin.goto(f"{base}/portal/audit")
    trail = admin.locator("table").inner_text()
    for action in (
        "clinician-added",
        "password-set",
        "clinician-disabled",
        "clinician-enabled",
        "password-link",
        "password-changed",
        "login-failed",
    ):
        assert action in trail, action
