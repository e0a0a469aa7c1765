"""Does the portal's cost stay independent of the clinic's size? The patient list and one patient's
page at 1,000 and then 5,000 patients, each against a bare Flask page of the same bytes in the
same run (the yardstick: what serving that many bytes costs at all).

    .venv/bin/python benchmarks/portal_scale.py [--sizes 1000,5000] [--requests 200] [--db URL]

Seeds one clinic with 200 patients (as benchmarks/portal_list.py does: every plan's summary written
as events write it) and grows it to each size in turn with copies of their plan and summary rows.
At each size it starts `rehab-planner serve` on loopback in a process of its own, logs in, and
times GET /portal/ (the first page of the list) and GET /portal/patients/<the same patient> end to
end over HTTP, in turns with the same bytes from a bare Flask page served the same way in another
process (benchmarks/bare_page.py), so a busy moment of the machine slows both alike. Targets (the
portal-at-scale issue): the list's p95 within 3x the bare page's at each size; the same patient's
page at the largest size within 1.2x of the smallest.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from bare_page import READY as BARE_READY  # beside this file
from portal_list import PASSWORD, request, seed

from planner.app.application import App
from planner.app.settings import Settings
from planner.store.portal_records import SortKey
from planner.store.schema import plan_summaries, plans

REAL = 200  # patients made the way events make them; the rest are copies of their rows
BARE = Path(__file__).with_name("bare_page.py")
COMMAND = shutil.which("rehab-planner", path=str(Path(sys.executable).parent)) or "rehab-planner"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def grow(app: App, size: int) -> None:
    """Copies of the real patients' plan and summary rows (new ids and names) up to `size`: what
    the list and a patient's page read is there row for row, without planning thousands of plans."""
    with app.store.write() as records:
        connection = records.connection
        real = list(connection.execute(sa.select(plans).order_by(plans.c.id).limit(REAL)))
        summaries = {r.plan_id: r for r in connection.execute(sa.select(plan_summaries))}
        have = connection.execute(sa.select(sa.func.count()).select_from(plans)).scalar_one()
        new_plans, new_summaries = [], []
        for n in range(have, size):
            source = real[n % len(real)]
            plan_id = f"c{n:07d}"
            name = f"Patient {n:04d}"
            new_plans.append({**source._mapping, "id": plan_id, "name": name, "roster_key": None})
            summary = summaries[source.id]._mapping
            new_summaries.append({**summary, "plan_id": plan_id, "name_key": name.casefold()})
        if new_plans:
            connection.execute(plans.insert(), new_plans)
            connection.execute(plan_summaries.insert(), new_summaries)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def interleaved(count: int, *fetches: Callable[[], None]) -> list[list[float]]:
    """Each fetch's times in ms, `count` each, taken in turns."""
    times: list[list[float]] = [[] for _ in fetches]
    for _ in range(count):
        for fetch, kept in zip(fetches, times, strict=True):
            start = time.perf_counter()
            fetch()
            kept.append((time.perf_counter() - start) * 1000)
    return times


READY = "Serving feeds on"  # serve's readiness line (tests/servers.py waits on it too)


def started(command: list[str], ready: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """A server process, once it has said it listens; its stderr is drained from then on."""
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith(ready):
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process
    raise SystemExit(f"{command[0]} ended before it listened")


def stopped(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=30)


def measure(app: App, url: str, requests: int, folder: Path) -> dict[str, float]:
    """The list and the patient's page from `rehab-planner serve` in its own process, each in
    turns with a bare Flask page of the same bytes in another (benchmarks/bare_page.py)."""
    env = {**os.environ, "REHAB_PLANNER_DB": url}
    port = free_port()
    server = started([COMMAND, "serve", "--port", str(port), "--threads", "8"], READY, env)
    try:
        _, page, cookie = request(port, "GET", "/portal/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        form = {"csrf_token": token.group(1), "email": "bench@clinic.example", "password": PASSWORD}
        status, _, cookie = request(port, "POST", "/portal/login", cookie, form)
        assert status == 303, status
        with app.store.read() as records:  # the same patient at every size: the first one seeded
            first = records.portal.summary_page(1, limit=1, sort=SortKey.NAME).rows[0].plan_id
        paths = {"list": "/portal/", "patient": f"/portal/patients/{first}"}
        results: dict[str, float] = {}
        for name, path in paths.items():
            began = time.perf_counter()
            _, body, cookie = request(port, "GET", path, cookie)
            results[f"{name}_first"] = (time.perf_counter() - began) * 1000  # nothing kept yet
            if name == "list":
                assert body.count("<tr class=") == 50  # one page of the list
            results[f"{name}_bytes"] = len(body.encode())
            (folder / "page.html").write_text(body)
            bare_port = free_port()
            bare = started(
                [sys.executable, str(BARE), str(bare_port), str(folder / "page.html")], BARE_READY, env
            )

            def fetch(path: str = path, cookie: str = cookie) -> None:
                status, _, _ = request(port, "GET", path, cookie)
                assert status == 200, status

            def fetch_bare(bare_port: int = bare_port) -> None:
                request(bare_port, "GET", "/")

            try:
                fetch()  # warm
                fetch_bare()
                # in turns, so both see the same machine: a busy moment slows each alike
                ours, yardsticks = interleaved(requests, fetch, fetch_bare)
            finally:
                stopped(bare)
            results[name], results[f"{name}_bare"] = p95(ours), p95(yardsticks)
            results[f"{name}_median"] = statistics.median(ours)
        return results
    finally:
        stopped(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", default="")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = options.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = App.open(Settings(db=url))
        seed(app, REAL)
        for size in sizes:
            grow(app, size)
            rows.append((size, measure(app, url, options.requests, Path(folder))))
            print(f"measured {size} patients: {rows[-1][1]}", file=sys.stderr, flush=True)
    smallest = rows[0][1]["patient"]
    print(
        "| patients | list p95 ms (median) | bare page p95 ms (same bytes) | list ratio | page bytes |"
        " first list after start ms | patient page p95 ms (median) | its ratio to the smallest clinic |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        print(
            f"| {size} | {r['list']:.1f} ({r['list_median']:.1f}) | {r['list_bare']:.1f} |"
            f" {r['list'] / r['list_bare']:.2f}x | {r['list_bytes']:.0f} | {r['list_first']:.0f} |"
            f" {r['patient']:.1f} ({r['patient_median']:.1f}) | {r['patient'] / smallest:.2f}x |"
        )


if __name__ == "__main__":
    main()
