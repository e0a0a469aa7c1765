"""Does the portal's cost stay independent of the clinic's size? The patient list and one patient's
page at 1,000 and then 5,000 patients, each against a bare Flask page of the same bytes in the
same run (the yardstick: what serving that many bytes costs at all).

    .venv/bin/python benchmarks/portal_scale.py [--sizes 1000,5000] [--requests 60] [--db URL]

Seeds one clinic with 200 patients (as benchmarks/portal_list.py does: every plan's summary written
as events write it), grows it to each size in turn with copies of their plan and summary rows,
starts the real server (waitress) on loopback, logs in and times GET /portal/ (the first page of
the list) and GET /portal/patients/<the same patient> end to end over HTTP, and a bare Flask app
on another port answering the same bytes. Targets (the portal-at-scale
issue): the list's p95 within 3x the bare page's at each size; the same patient's page at the largest
size within 1.2x of the smallest.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response
from portal_list import PASSWORD, request, seed  # beside this file

from planner.app.application import App
from planner.app.settings import Settings
from planner.store.portal_records import SortKey
from planner.store.schema import plan_summaries, plans

REAL = 200  # patients made the way events make them; the rest are copies of their rows


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


def timed(count: int, fetch: Callable[[], None]) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - start) * 1000)
    return times


def serve(wsgi: object, settings: Settings) -> tuple[object, int]:
    """As `rehab-planner serve` starts its server (planner.web.listening_server)."""
    from planner.web import listening_server

    server = listening_server(wsgi, settings, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return server, int(server.effective_port)


def bare(body: str) -> Flask:
    """A Flask page of the same bytes, nothing else."""
    web = Flask("bare")
    data = body.encode()
    web.add_url_rule("/", "page", lambda: Response(data, mimetype="text/html"))
    return web


def measure(app: App, requests: int) -> dict[str, float]:
    from planner.web import create_app

    server, port = serve(create_app(app), app.settings)
    try:
        _, page, cookie = request(port, "GET", "/portal/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        form = {"csrf_token": token.group(1), "email": "bench@clinic.example", "password": PASSWORD}
        status, _, cookie = request(port, "POST", "/portal/login", cookie, form)
        assert status == 303, status
        _, listing, cookie = request(port, "GET", "/portal/", cookie)
        assert listing.count("<tr class=") == 50  # one page of the list
        with app.store.read() as records:  # the same patient at every size: the first one seeded
            first = records.portal.summary_page(1, limit=1, sort=SortKey.NAME)[0][0].plan_id
        paths = {"list": "/portal/", "patient": f"/portal/patients/{first}"}
        results: dict[str, float] = {}
        for name, path in paths.items():
            _, body, cookie = request(port, "GET", path, cookie)

            def fetch(path: str = path, cookie: str = cookie) -> None:
                status, _, _ = request(port, "GET", path, cookie)
                assert status == 200, status

            fetch()  # warm
            results[name] = p95(timed(requests, fetch))
            results[f"{name}_median"] = statistics.median(timed(max(5, requests // 4), fetch))
            results[f"{name}_bytes"] = len(body.encode())
            yardstick, bare_port = serve(bare(body), app.settings)
            try:
                request(bare_port, "GET", "/")

                def fetch_bare(bare_port: int = bare_port) -> None:
                    request(bare_port, "GET", "/")

                results[f"{name}_bare"] = p95(timed(requests, fetch_bare))
            finally:
                yardstick.task_dispatcher.shutdown()  # type: ignore[attr-defined]
                yardstick.close()  # type: ignore[attr-defined]
        return results
    finally:
        server.task_dispatcher.shutdown()  # type: ignore[attr-defined]
        server.close()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--requests", type=int, default=60)
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
            rows.append((size, measure(app, options.requests)))
            print(f"measured {size} patients: {rows[-1][1]}", file=sys.stderr, flush=True)
    smallest = rows[0][1]["patient"]
    print(
        "| patients | list p95 ms | bare page p95 ms (same bytes) | list ratio | page bytes |"
        " patient page p95 ms | its ratio to the smallest clinic |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        print(
            f"| {size} | {r['list']:.1f} | {r['list_bare']:.1f} | {r['list'] / r['list_bare']:.2f}x |"
            f" {r['list_bytes']:.0f} | {r['patient']:.1f} | {r['patient'] / smallest:.2f}x |"
        )


if __name__ == "__main__":
    main()
