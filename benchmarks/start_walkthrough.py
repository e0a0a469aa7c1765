"""Walk through /start as a runner on a 390-px phone would, time each step, and save a screenshot of
each step; print a Markdown table for the README and the closing note.

    .venv/bin/python benchmarks/start_walkthrough.py [--shots docs/start] [--chromium PATH]

A real `rehab-planner serve` on loopback, Debian's chromium through Playwright. The browser does what
a person does (one tap per answer, the name typed at 5 characters a second) and waits READ_SECONDS
per screen of text, a person's reading pace for the words on that screen at 200 words a minute
(drop-down lists and small print left out: see read()). It
is an estimate of a person's time, not a usability study: the figures are only as good as that pace.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from planner.core import wording

ROOT = Path(__file__).resolve().parent.parent
COMMAND = str(Path(sys.executable).with_name("rehab-planner"))
WORDS_PER_SECOND = 200 / 60
TAP_SECONDS = 1.0  # find the next question and tap an answer
TYPE_DELAY_MS = 200  # five characters a second on a phone keyboard


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server at {url} did not start")


def read(page) -> float:  # type: ignore[no-untyped-def]
    """A person's time to read what the screen says, spent waiting: the page's words without the
    lists inside drop-downs (read only when opened) and the small print (sources, hints)."""
    text = page.evaluate(
        """() => { const main = document.querySelector("main").cloneNode(true);
        main.querySelectorAll("select, .small").forEach(e => e.remove());
        return main.textContent; }"""
    )
    seconds = len(text.split()) / WORDS_PER_SECOND
    page.wait_for_timeout(seconds * 1000)
    return seconds


def tap(page, locator) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(TAP_SECONDS * 1000)
    locator.click()


def walk(page, base: str, shots: Path) -> list[tuple[str, float, str]]:  # type: ignore[no-untyped-def]
    steps: list[tuple[str, float, str]] = []
    began = time.perf_counter()

    def done(name: str, shot: str, what: str) -> None:
        nonlocal began
        page.screenshot(path=str(shots / shot))
        steps.append((name, time.perf_counter() - began, what))
        began = time.perf_counter()

    page.goto(f"{base}/start")
    done("Open /start", "1-warning-signs.png", "the link or a QR code; the warning signs, most urgent first")
    read(page)
    tap(page, page.get_by_label("None of these"))
    tap(page, page.get_by_role("button", name="Next"))
    signs = len(wording.RED_FLAGS)
    done("Warning signs", "2-questions.png", f"read {signs} warning signs, tap 'None of these', Next")
    read(page)
    page.select_option("#pain_at_rest", "2")
    for question, answer in (
        ("walk briskly", "Yes"),
        ("running regularly", "Yes"),
        ("flare-up now", "No"),
        ("minimal or barefoot", "No"),
    ):
        group = page.get_by_role("group", name=re.compile(question))
        tap(page, group.get_by_label(answer, exact=True))
    page.wait_for_timeout(TAP_SECONDS * 1000)
    page.select_option("#run_days", "tue,thu,sat")
    page.locator("#name").click()
    page.keyboard.type("Sam", delay=TYPE_DELAY_MS)
    page.screenshot(path=str(shots / "2b-questions-answered.png"))
    tap(page, page.get_by_role("button", name="See my programme"))
    done(
        "About you",
        "3-programme.png",
        f"read; pain at rest, four yes/no taps, {len(wording.SCREENING_ITEMS)} screening questions (none "
        "ticked), run days, name (time zone filled in)",
    )
    read(page)
    tap(page, page.get_by_role("button", name="Make my plan"))
    page.wait_for_url("**new=1")
    done("Your programme", "4-plan.png", "read why this programme, tap 'Make my plan'")
    page.wait_for_timeout(TAP_SECONDS * 1000)  # the calendar buttons are on the first screen
    href = page.get_by_role("link", name="Apple Calendar or Outlook").get_attribute("href")
    assert href and href.startswith("webcal://") and page.get_by_text("Your plan is ready").is_visible()
    page.screenshot(path=str(shots / "5-plan-below.png"), full_page=True)
    steps.append(("Subscribe", TAP_SECONDS, "tap a calendar button; the phone's calendar app takes over"))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, default=ROOT / "docs" / "start")
    parser.add_argument("--chromium", default="/usr/lib/chromium/chromium")
    options = parser.parse_args()
    options.shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "REHAB_PLANNER_DB": str(Path(folder) / "plans.db"),
            "REHAB_PLANNER_BASE_URL": base,
        }
        env["XDG_DATA_HOME"] = folder  # a feed key of its own
        server = subprocess.Popen([COMMAND, "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"{base}/start")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=options.chromium, args=["--no-sandbox"])
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, timezone_id="Europe/London", is_mobile=True
                )
                steps = walk(context.new_page(), base, options.shots)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("| step | seconds | what the runner does |\n|---|---:|---|")
    for name, seconds, what in steps:
        print(f"| {name} | {seconds:.1f} | {what} |")
    print(f"| **total** | **{sum(s for _, s, _ in steps):.1f}** | from nothing to a subscribed calendar |")


if __name__ == "__main__":
    main()
