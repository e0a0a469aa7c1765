"""Deployment behind a reverse proxy, and clients that hold connections open.

Two servers (two application objects on one database, as two `serve` processes would be) behind a
proxy's headers: the client's address comes from X-Forwarded-For (only with --trusted-proxies), so
the per-address login limit counts the client, not the proxy, across both servers; HSTS is on every
answer when the public address is https; a sweep run by both at once raises an alert once. Then a
real `serve --trusted-proxies 1`, and 200 idle sockets from one address that must not stop an
ordinary request."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.app.accounts import ADDRESS_FAILURES, Accounts
from planner.app.application import App
from planner.app.caseload import Caseload
from planner.app.settings import Settings
from planner.core.model import CheckIn
from planner.store.schema import outbox
from tests.clinics import ISSUED, NOW, PASSWORD, Browserless, rx
from tests.conftest import Loopback
from tests.servers import cli_env, free_port, serving

PUBLIC = "https://plans.north.example"
PROXY = {"X_Forwarded_Proto": "https", "X_Forwarded_Host": "plans.north.example"}


class Behind(Browserless):
    """A client as the proxy forwards it: its own address in X-Forwarded-For."""

    def __init__(self, port: int, client: str) -> None:
        super().__init__(port)
        self.client = client

    def request(self, method: str, path: str, fields: dict[str, str] | None = None, **headers: str):  # type: ignore[no-untyped-def]
        forwarded = {**PROXY, "X_Forwarded_For": self.client, "Origin": PUBLIC, **headers}
        return super().request(method, path, fields, **forwarded)


class TwoServers:
    def __init__(self, db_url: str, trusted: int = 1) -> None:
        self.clock = [NOW]
        settings = Settings(db=db_url, base_url=PUBLIC, trusted_proxies=trusted, start_page=True)
        self.apps = [App.open(settings, clock=lambda: self.clock[0]) for _ in range(2)]
        accounts = Accounts(self.apps[0])
        caseload = Caseload(self.apps[0])
        accounts.add_clinician("North", "alex@north.example", "Alex Morgan", PASSWORD, admin=True)
        self.clock[0] = ISSUED  # her plan was given to her on its start day, three weeks ago
        self.plan_id = self.apps[0].create_plan("lbp-return-to-run", rx("Zofia Wójcik"))
        self.clock[0] = NOW
        caseload.adopt(self.plan_id, "North")
        self.servers = [Loopback(app) for app in self.apps]

    def client(self, n: int, address: str) -> Behind:
        return Behind(self.servers[n % 2].port, address)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def login_addresses(app: App) -> set[str]:
    """Where the logins came from, as the audit trail has them."""
    with app.store.read() as records:
        return {row.address for row in records.portal.audit_trail(1) if row.action.startswith("login")}


@pytest.fixture
def two(db_url: str) -> Iterator[TwoServers]:
    made = TwoServers(db_url)
    yield made
    made.stop()


def test_two_servers_behind_a_proxy_see_the_client_and_send_hsts(two: TwoServers) -> None:
    for n in range(ADDRESS_FAILURES):  # one client, many accounts, both servers
        assert two.client(n, "203.0.113.7").login(f"nobody{n}@north.example", "wrong password") == 401
    for n in range(2):
        assert two.client(n, "203.0.113.7").login("alex@north.example") == 429
        assert two.client(n, "198.51.100.2").login("alex@north.example") == 303  # everyone else
    assert login_addresses(two.apps[0]) == {"203.0.113.7", "198.51.100.2"}  # never the proxy's 127.0.0.1
    client = two.client(0, "198.51.100.2")
    assert client.login("alex@north.example") == 303
    for path in ("/portal/", "/portal/login", "/start", "/p/unknown", "/feeds/unknown.ics", "/nowhere"):
        _, headers, _ = client.request("GET", path)
        assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains", path
    _, headers, _ = two.client(0, "198.51.100.2").request("GET", "/portal/login")
    assert "Secure" in headers["set-cookie"]


def test_a_sweep_run_by_both_servers_at_once_raises_each_alert_once(two: TwoServers) -> None:
    two.apps[0].record_checkin(
        two.plan_id, CheckIn(dt.date(2026, 11, 21), pain_during=1, pain_next_morning=0)
    )
    with two.apps[0].store.read() as records:
        before = len(records.portal.alerts(two.plan_id))  # the report refreshed the plan at once
    two.clock[0] += dt.timedelta(days=8)
    with ThreadPoolExecutor(2) as pool:  # .result() raises what a sweep raised (a lost race)
        raised = [job.result() for job in [pool.submit(app.follow_up.sweep) for app in two.apps]]
    with two.apps[1].store.read() as records:
        keys = [alert.key for alert in records.portal.alerts(two.plan_id)]
        mail = records.connection.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()
    assert sorted(keys) == [  # her return opened no low adherence: it counts from the return
        "silence:2026-11-02",  # closed by that report
        "silence:2026-11-22",  # sent on the 22nd about the 21st; silent again, so no low adherence besides
    ]
    assert before + sum(raised) == len(keys) == mail  # each alert raised by one server, mailed once


def test_without_trusted_proxies_the_forwarded_headers_are_ignored(db_url: str) -> None:
    two = TwoServers(db_url, trusted=0)
    try:
        for n in range(ADDRESS_FAILURES):  # a forged X-Forwarded-For per attempt changes nothing
            assert two.client(n, f"192.0.2.{n}").login(f"nobody{n}@north.example", "wrong password") == 401
        assert two.client(0, "192.0.2.200").login("alex@north.example") == 429
        with two.apps[0].store.read() as records:
            assert {
                row.address for row in records.portal.audit_trail(1) if row.action.startswith("login")
            } == {"127.0.0.1"}
        _, headers, _ = Browserless(two.servers[0].port).request("GET", "/portal/login")
        assert "strict-transport-security" in headers  # the public address is https
    finally:
        two.stop()


def test_serve_trusts_the_proxies_it_is_told_of(tmp_path: Path) -> None:
    port = free_port()
    db = f"sqlite:///{tmp_path / 'plans.db'}"
    env = cli_env(XDG_DATA_HOME=str(tmp_path), HOME=str(tmp_path))
    command = [sys.executable, "-m", "planner", "--db", db, "--base-url", PUBLIC, "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--trusted-proxies", "1"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        serving(process)
        for n in range(ADDRESS_FAILURES + 1):
            status = Behind(port, "203.0.113.9").login(f"nobody{n}@north.example", "wrong password")
        assert status == 429
        status, headers, _ = Behind(port, "198.51.100.3").request("GET", "/portal/login")
        assert status == 200 and "strict-transport-security" in headers
        assert Behind(port, "198.51.100.3").login("nobody@north.example", "wrong password") == 401
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_two_hundred_idle_sockets_from_one_address_do_not_stop_requests(db_url: str) -> None:
    app = App.open(Settings(db=db_url))
    server = Loopback(app)
    idle: list[socket.socket] = []
    try:
        for n in range(200):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            if n % 2:
                sock.sendall(b"GET /portal/login HTTP/1.1\r\nHost: x\r\n")  # a request never finished
            idle.append(sock)
        client = Browserless(server.port)
        client.timeout = 5  # waitress's old limit (100 connections) left this waiting for 120 s
        for _ in range(5):
            status, _, _ = client.request("GET", "/portal/login")
            assert status == 200
    finally:
        for sock in idle:
            sock.close()
        server.stop()


def test_the_server_keeps_its_start_up_objects_out_of_the_collectors_passes() -> None:
    """`serve` freezes what was made before it listens (gc.freeze), so no request waits for a full
    collection over the modules, catalog and app (the patient list's slowest requests did)."""
    import gc

    from planner.web import listening_server

    gc.unfreeze()
    server = listening_server(lambda *_: [], Settings(), host="127.0.0.1", port=0, threads=1)
    try:
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
        server.close()
