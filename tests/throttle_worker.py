"""One process of the parallel throttle tests: waits for "go" on stdin, then makes `count` attempts
of one kind at once from `count` threads, and prints each one's outcome on a line."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from planner.app.accounts import Accounts
from planner.app.application import App
from planner.app.settings import Settings
from planner.app.throttle import Throttled
from planner.core.exceptions import PlannerError
from planner.core.model import Prescription

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
RX = Prescription("Runner", dt.date(2026, 11, 23), "Europe/London", (1, 3, 6), (2, 4), dt.time(7, 30), 1)


def attempt(app: App, kind: str, n: int) -> str:
    """One attempt: "checked" when the throttle let it through, "throttled" when it refused it."""
    accounts = Accounts(app)
    try:
        if kind == "account":
            accounts.login("alex@north.example", f"wrong password {n}", f"10.0.0.{n}")
        elif kind == "address":
            accounts.login(f"nobody{n}@north.example", "wrong password", "10.9.9.9")
        elif kind == "start":
            app.create_plan("lbp-return-to-run", RX, from_address="10.1.1.1")
        elif kind == "link":
            accounts.set_password(f"made-up-link-{n}", "correct horse battery", "10.2.2.2")
    except Throttled:
        return "throttled"
    except PlannerError:
        return "checked"
    return "checked"


def run(db_url: str, kind: str, count: int, wait: bool = True) -> list[str]:
    app = App.open(Settings(db=db_url), clock=lambda: NOW)
    barrier = threading.Barrier(count)

    def together(n: int) -> str:
        barrier.wait()
        return attempt(app, kind, n)

    if wait:
        sys.stdin.readline()
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(together, range(count)))


if __name__ == "__main__":
    print("ready", flush=True)
    for outcome in run(sys.argv[1], sys.argv[2], int(sys.argv[3])):
        print(outcome)
