"""The clinic portal's patient list with many patients: how long a logged-in clinician waits for it.

    .venv/bin/python benchmarks/portal_list.py [--patients 1000] [--requests 60] [--db URL]

Seeds one clinic with --patients plans (a third of them with a report; every plan's summary written
as the events write it), starts the real server (waitress) on loopback, logs in, and times GET
/portal/ end to end over HTTP: median and 95th percentile. The target from the portal issue is a
p95 under 150 ms for 1,000 patients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import re
import statistics
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.caseload import PAGE_SIZE, Caseload
from planner.app.settings import Settings
from planner.core.model import CheckIn, Prescription

PASSWORD = "benchmark password"
PROTOCOLS = ("lbp-return-to-run", "flare-up-restart", "beginner-walk-run")


def seed(app: App, count: int, first: int = 0) -> None:
    """`count` more patients, numbered from `first` (the clinic and its clinician come with the first)."""
    accounts = Accounts(app)
    caseload = Caseload(app)
    if first == 0:
        accounts.add_clinician("Bench Clinic", "bench@clinic.example", "Bench", PASSWORD, admin=True)
    today = app.now().date()
    for n in range(first, first + count):
        start = today - dt.timedelta(days=7 * (n % 8) + (n % 7))
        rx = Prescription(
            f"Patient {n:04d}", start, "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), n % 4
        )
        plan_id = app.create_plan(PROTOCOLS[n % len(PROTOCOLS)], rx)
        caseload.adopt(plan_id, "Bench Clinic")
        if n % 3 == 0 and start < today:
            app.record_checkin(
                plan_id, CheckIn(today - dt.timedelta(days=1), pain_during=n % 6, flare_up=n % 30 == 0)
            )


def request(
    port: int, method: str, path: str, cookie: str = "", body: dict[str, str] | None = None
) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    set_cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    return response.status, text, set_cookie or cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--db", default="")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = App.open(Settings(db=url))
        began = time.perf_counter()
        seed(app, options.patients)
        seeded = time.perf_counter() - began
        from planner.web import create_app, listening_server

        server = listening_server(create_app(app), app.settings, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        server.port = server.effective_port
        try:
            _, page, cookie = request(server.port, "GET", "/portal/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert token
            form = {"csrf_token": token.group(1), "email": "bench@clinic.example", "password": PASSWORD}
            status, _, cookie = request(server.port, "POST", "/portal/login", cookie, form)
            assert status == 303, status
            times = []
            for _ in range(options.requests):
                start = time.perf_counter()
                status, page, cookie = request(server.port, "GET", "/portal/", cookie)
                times.append((time.perf_counter() - start) * 1000)
                assert status == 200 and page.count("<tr class=") == min(options.patients, PAGE_SIZE)
        finally:
            server.task_dispatcher.shutdown()  # finish the answers in flight, then close
            server.close()
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    median = statistics.median(times)
    print("| patients | requests | median ms | p95 ms | seeding s |\n|---:|---:|---:|---:|---:|")
    print(f"| {options.patients} | {options.requests} | {median:.1f} | {p95:.1f} | {seeded:.0f} |")


if __name__ == "__main__":
    main()
