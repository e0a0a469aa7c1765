"""Measure what people wait for; print a Markdown table for the README.

    .venv/bin/python benchmarks/run.py [--runs 5] [--roster-size 200] [--seconds 5]

Every command runs as a fresh process (cold interpreter, warm disk cache) against a temporary
database; figures are medians of --runs runs. Targets from the scale issue are shown beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
COMMAND = str(Path(sys.executable).with_name("rehab-planner"))
PROTOCOL = "flare-up-restart"  # its plan runs about twelve weeks
# Plans start on the coming Monday, as a clinic issues them: a start months ago with no check-ins
# would measure a plan restarted by weeks of lay-offs instead.
TODAY = dt.date.today()
START = TODAY + dt.timedelta(days=(7 - TODAY.weekday()) % 7 or 7)


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([COMMAND, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(runs: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(runs))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@attrs.frozen
class FeedRates:
    full: float
    cached: float
    size: int
    gzipped: int


def feed_rates(command: list[str], env: dict[str, str], path: str, seconds: float) -> FeedRates:
    """Start a server process, fetch `path` once, then time 200s and 304s with the same client."""
    port = free_port()
    server = subprocess.Popen(
        [part.replace("{port}", str(port)) for part in command], env=env, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", path)
                response = connection.getresponse()
                etag, body = response.getheader("ETag") or "", response.read()
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                gzipped = len(connection.getresponse().read())
                break
            except OSError:
                time.sleep(0.1)
        full = requests_per_second(port, path, {}, seconds, 4)
        cached = requests_per_second(port, path, {"If-None-Match": etag}, seconds, 4)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return FeedRates(full, cached, len(body), gzipped)


def requests_per_second(port: int, path: str, headers: dict[str, str], seconds: float, clients: int) -> float:
    counts = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def roster_csv(size: int) -> str:
    protocols = ["lbp-return-to-run", "beginner-walk-run", "flare-up-restart", "barefoot-transition"]
    lines = ["name,start,protocol,run_days,strength_days,time,tz,pain,patient_id"]
    for i in range(size):
        lines.append(
            f"Runner {i:03d},{START + dt.timedelta(days=i % 25)},{protocols[i % 4]},"
            "mon;wed;sat,tue;thu,07:30,"
            f"Europe/London,{i % 4},B{i}"
        )
    return "\n".join(lines) + "\n"


def in_process_build(runs: int) -> tuple[float, int]:
    from planner import Prescription, build, builtin_catalog

    catalog = builtin_catalog()
    protocol = catalog.protocol(PROTOCOL)
    rx = Prescription(
        name="Bench",
        start=START,
        timezone="Europe/London",
        run_days=(1, 3, 6),
        strength_days=(2, 4),
        session_time=dt.time(7, 30),
        pain=2,
    )
    plan = build(rx, protocol, catalog.library, (), rx.start)
    weeks = (plan.end - rx.start).days // 7 + 1
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build(rx, protocol, catalog.library, (), rx.start)
        times.append(time.perf_counter() - start)
    return statistics.median(times), weeks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--roster-size", type=int, default=200)
    parser.add_argument("--roster-runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rehab-bench-"))
    env = {
        **os.environ,
        "REHAB_PLANNER_DB": str(work / "bench.db"),
        "REHAB_PLANNER_FEED_KEY": "benchmark-key-benchmark-key-benchmark-key",
    }
    rows: list[tuple[str, str, str]] = []

    rows.append(
        (
            "`rehab-planner --help`",
            f"{median_of(options.runs, lambda: timed(['--help'], env)):.2f} s",
            "< 0.3 s",
        )
    )
    create = [
        "plan",
        "create",
        "--protocol",
        PROTOCOL,
        "--start",
        START.isoformat(),
        "--name",
        "Bench Runner",
    ]
    rows.append(("`plan create`", f"{median_of(options.runs, lambda: timed(create, env)):.2f} s", "< 0.5 s"))
    listing = subprocess.run(
        [COMMAND, "plan", "list"], env=env, capture_output=True, text=True, check=True
    ).stdout
    plan_id = listing.strip().splitlines()[-1].split()[0]
    build_seconds, weeks = in_process_build(50)
    ics = median_of(options.runs, lambda: timed(["export", "ics", plan_id, "-o", str(work / "p.ics")], env))
    rows.append((f"`export ics` ({weeks}-week plan)", f"{ics:.2f} s", "< 0.6 s"))
    pdf = median_of(options.runs, lambda: timed(["export", "pdf", plan_id, "-o", str(work / "p.pdf")], env))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", (work / "p.pdf").read_bytes()))
    rows.append(
        (
            f"`export pdf` ({weeks}-week plan, {pages} pages)",
            f"{pdf:.2f} s ({pdf / pages * 1000:.0f} ms/page)",
            "< 1.2 s",
        )
    )
    rows.append((f"build a {weeks}-week plan in-process", f"{build_seconds * 1000:.1f} ms", "< 20 ms"))

    roster = work / "roster.csv"
    roster.write_text(roster_csv(options.roster_size), encoding="utf-8")

    def issue_once() -> float:
        out = tempfile.mkdtemp(dir=work)
        fresh = {**env, "REHAB_PLANNER_DB": str(Path(out) / "roster.db")}
        start = time.perf_counter()
        subprocess.run(
            [COMMAND, "issue", "--roster", str(roster), "--out", out, "--workers", "2"],
            env=fresh,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start

    issue_seconds = median_of(options.roster_runs, issue_once)
    rows.append(
        (f"`issue` a roster of {options.roster_size} (2 workers)", f"{issue_seconds:.1f} s", "< 60 s")
    )

    token_lines = subprocess.run(
        [COMMAND, "feed", "url", plan_id], env=env, capture_output=True, text=True, check=True
    ).stdout
    token = re.search(r"/feeds/([\w-]+)\.ics", token_lines)
    assert token
    ours = feed_rates(
        [COMMAND, "serve", "--port", "{port}"], env, f"/feeds/{token.group(1)}.ics", options.seconds
    )
    bare_command = [sys.executable, str(Path(__file__).with_name("bare_server.py")), "{port}", str(ours.size)]
    bare = feed_rates(bare_command, env, "/", options.seconds)
    rows.append(
        (
            "feed GET, 200 answers (4 clients, loopback)",
            f"{ours.full:.0f} req/s = {ours.full / bare.full:.2f} x bare waitress ({bare.full:.0f})",
            ">= 0.4 x",
        )
    )
    rows.append(
        (
            "feed GET, 304 answers (If-None-Match)",
            f"{ours.cached:.0f} req/s = {ours.cached / bare.cached:.2f} x bare waitress ({bare.cached:.0f})",
            ">= 0.5 x",
        )
    )
    rows.append(
        (
            f"feed size, {weeks}-week plan",
            f"{ours.size / 1024:.0f} KB, {ours.gzipped / 1024:.1f} KB gzipped",
            "measured",
        )
    )

    cpu = platform.processor() or platform.machine()
    print(
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; medians of {options.runs} runs "
        f"({options.roster_runs} for the roster).\n"
    )
    print("| what | measured | target |\n|---|---|---|")
    for what, measured, target in rows:
        print(f"| {what} | {measured} | {target} |")


if __name__ == "__main__":
    main()
