"""The README's pictures of the clinic portal: the demo clinic's patient list and one patient.

    .venv/bin/python docs/portal_screenshots.py [--chromium PATH] [--out DIR]

Seeds the demo clinic (planner.app.demo_clinic) in a temporary database, serves it on loopback and
photographs the pages with Debian's chromium at 1280x800 (as a desk screen shows them), and says how
many patients the list shows above the fold.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from planner.app.application import App
from planner.app.demo_clinic import LOGIN, seed
from planner.app.settings import Settings

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/lib/chromium/chromium")
    parser.add_argument("--out", type=Path, default=HERE)
    options = parser.parse_args()
    out: Path = options.out
    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    from planner.web import SERVER_OPTIONS, create_app

    with tempfile.TemporaryDirectory() as folder:
        app = App.open(Settings(db=f"sqlite:///{folder}/demo.db"))
        password = seed(app)
        server = create_server(create_app(app), host="127.0.0.1", port=0, **SERVER_OPTIONS)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=options.chromium, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{base}/portal/login")
                page.get_by_label("E-mail").fill(LOGIN)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url("**/portal/")
                page.screenshot(path=str(out / "portal-patients.png"))
                rows = page.locator("table.patients tbody tr")
                boxes = [rows.nth(i).bounding_box() for i in range(rows.count())]
                seen = sum(1 for box in boxes if box and box["y"] + box["height"] <= 800)
                print(f"patients above the fold at 1280x800: {seen}")
                escalated = page.locator("table.patients tbody tr", has_text="escalated").first
                escalated.get_by_role("link").click()
                page.screenshot(path=str(out / "portal-patient.png"))
                browser.close()
        finally:
            server.task_dispatcher.shutdown()  # finish the answers in flight, then close
            server.close()


if __name__ == "__main__":
    main()
