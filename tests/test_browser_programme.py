"""The programme editor in Debian's chromium: a clinician adds, swaps and doses exercises, previews
and saves, and the phone page and the handout change; the editor (and the branding page and the
list with "print all") passes axe at 1280 and 390 px, nothing scrolls sideways on a phone, and the
keyboard alone reaches every control."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests.test_browser import CHROMIUM, axe_problems, browser, demo_clinic, log_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)"
)


def open_editor(page, base: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/portal/")
    page.locator("table.patients tbody tr", has_text="on track").first.get_by_role("link").click()
    plan_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("link", name="Change exercises and doses").click()
    return plan_id


def test_a_clinician_prescribes_in_the_browser(browser, demo_clinic, tmp_path) -> None:  # noqa: F811
    app, base, password = demo_clinic
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, password)
    plan_id = open_editor(page, base)
    page.get_by_label("Search").fill("dead bug")
    page.get_by_role("button", name="Show matching exercises").click()
    strength = page.locator("fieldset", has_text="Strength").first
    if strength.get_by_role("heading", name="Dead bug").count():
        page.get_by_role("button", name="Remove Dead bug").click()
    page.get_by_role("button", name="Add Dead bug to strength").click()
    page.get_by_role("button", name="Harder: Single-leg bridge").first.click()  # glute bridge, one click
    item = page.locator("#item-strength-dead-bug")
    item.get_by_label("Reps").fill("6")
    item.get_by_label("Note for the patient").fill("slow, back flat")
    page.get_by_role("button", name="Preview the next two weeks").click()
    assert "Dead bug 2 x 6 each side (slow, back flat)" in page.inner_text("main")
    docs = tmp_path / "portal-programme.png"
    page.screenshot(path=str(docs), full_page=False)
    page.get_by_role("button", name="Save the programme").click()
    page.wait_for_url(f"**/portal/patients/{plan_id}")
    assert "Programme changed from" in page.inner_text("main")
    assert "Dead bug 2 x 6 each side (slow, back flat)" in page.inner_text("#programme")
    _, secret = app.secrets_for(plan_id)
    phone = browser.new_context(viewport={"width": 390, "height": 780}).new_page()
    phone.goto(f"{base}/c/{secret}")
    body = page.request.get(f"{base}/portal/patients/{plan_id}/handout.pdf").body()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "Single-leg bridge" in text and "slow, back flat" in " ".join(text.split())
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_editor_passes_axe_and_fits(browser, demo_clinic, width: int) -> None:  # noqa: F811
    _app, base, password = demo_clinic
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, base, password)
    open_editor(page, base)
    problems = {"editor": axe_problems(page)}
    page.locator("#item-strength-bird-dog").get_by_label("Reps").fill("99")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the keyboard alone: Enter previews
    assert "outside 1-12" in page.inner_text("main")
    problems["editor with an error"] = axe_problems(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#from").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("BUTTON", "INPUT", "SELECT", "A")
    page.goto(f"{base}/portal/branding")
    problems["branding"] = axe_problems(page)
    page.goto(f"{base}/portal/")
    problems["patients with print all"] = axe_problems(page)
    assert all(p == [] for p in problems.values()), problems
    context.close()
