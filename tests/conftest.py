from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import planner
from planner.app.application import App
from planner.cli import cli
from planner.cli.root import TEST_NOW_ENV
from planner.core.catalog import Catalog
from planner.core.model import CheckIn
from planner.data.catalog import builtin_catalog
from planner.store.database import Store, StoredPlan
from tests.servers import CLI_NOW

if TYPE_CHECKING:
    from tests.clinics import Clinic

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("REHAB_PLANNER_FEED_KEY", "test-feed-key-not-secret-test-feed-key")
if os.environ.get("REHAB_PLANNER_TEST_INSTALLED") == "1":  # tests/run.sh: the wheel, not the checkout
    assert Path(planner.__file__).resolve().parent != ROOT / "planner", "testing the checkout, not the wheel"


@attrs.frozen
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def catalog() -> Catalog:
    return builtin_catalog()


PG_ENV = "REHAB_PLANNER_TEST_PG"


DATABASES = ["sqlite", "postgresql"]


@attrs.define
class Databases:
    """Fresh test databases for one test process. A migrated one is a copy of a template this
    process migrated once with the real migrations (the copy costs a tenth of migrating); a
    PostgreSQL database is dropped in the background, so no test waits for it."""

    folder: Path
    templates: dict[str, str] = attrs.Factory(dict)
    drops: ThreadPoolExecutor = attrs.Factory(lambda: ThreadPoolExecutor(max_workers=2))
    dropping: list[Future[None]] = attrs.Factory(list)

    def fresh(self, kind: str, tmp_path: Path, *, migrated: bool) -> Iterator[str]:
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / 'plans.db'}"
            if migrated:
                shutil.copyfile(self.template(kind), tmp_path / "plans.db")
            yield url
            return
        admin_url = os.environ.get(PG_ENV)
        if not admin_url:
            pytest.skip(f"set {PG_ENV} to a PostgreSQL URL to run this against PostgreSQL")
        template = f' TEMPLATE "{self.template(kind)}"' if migrated else ""
        name = f"t_{uuid.uuid4().hex[:16]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"{template}'))
        yield admin_url.rsplit("/", 1)[0] + "/" + name
        self.dropping.append(self.drops.submit(drop_database, admin, name, dispose=True))

    def template(self, kind: str) -> str:
        """The migrated template's file (SQLite) or database name (PostgreSQL), made on first use."""
        if kind not in self.templates:
            if kind == "sqlite":
                url = f"sqlite:///{self.folder / 'template.db'}"
                self.templates[kind] = str(self.folder / "template.db")
            else:
                made = self.fresh(kind, self.folder, migrated=False)
                url = next(made)
                self.templates[kind] = url.rsplit("/", 1)[1]
            Store.open(url).engine.dispose()  # no connection may stay open on a template
        return self.templates[kind]

    def close(self) -> None:
        self.drops.shutdown(wait=True)
        for dropped in self.dropping:
            dropped.result()  # a database that could not be dropped fails the run here
        admin_url = os.environ.get(PG_ENV)
        if admin_url and "postgresql" in self.templates:
            drop_database(
                sa.create_engine(admin_url, isolation_level="AUTOCOMMIT"), self.templates["postgresql"]
            )


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, databases: Databases) -> Iterator[str]:
    """Every storage test runs on SQLite and, when REHAB_PLANNER_TEST_PG names a server, PostgreSQL
    (a fresh database per test, already at the newest schema). .ci/run starts a real server and
    sets it."""
    yield from databases.fresh(request.param, tmp_path, migrated=True)


@pytest.fixture(params=DATABASES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path, databases: Databases) -> Iterator[str]:
    """A fresh database with nothing in it, for the tests of creating and upgrading the schema."""
    yield from databases.fresh(request.param, tmp_path, migrated=False)


def drop_database(admin: sa.Engine, name: str, *, dispose: bool = False) -> None:
    """FORCE ends the test's own connections, but a non-superuser cannot end an autovacuum worker
    that happens to be in the new database: wait for it to finish, for up to ten seconds."""
    for attempt in range(40):
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except sa.exc.DBAPIError:
            if attempt == 39:
                raise
            time.sleep(0.25)
    if dispose:
        admin.dispose()


@pytest.fixture
def run(db_url: str):
    """Invoke the CLI in-process against a fresh database; returns exit code, stdout, stderr."""

    def invoke(*args: str, input: str | None = None) -> Result:
        result = CliRunner(env={TEST_NOW_ENV: CLI_NOW}).invoke(cli, ["--db", db_url, *args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def monday() -> dt.date:
    return dt.date(2026, 3, 2)


def stored_plans(db_url: str) -> list[StoredPlan]:
    with Store.open(db_url).read() as records:
        return records.plans()[0]


def stored_checkins(db_url: str, plan_id: str) -> list[CheckIn]:
    with Store.open(db_url).read() as records:
        return records.checkins(plan_id)


class Loopback:
    """The real WSGI app under waitress on a free loopback port, served from a thread."""

    def __init__(self, app: App) -> None:
        from waitress.server import create_server

        from planner.web import create_app, server_options

        self.server = create_server(
            create_app(app), host="127.0.0.1", port=0, threads=4, **server_options(app.settings)
        )
        self.port: int = self.server.effective_port
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        with contextlib.suppress(OSError):  # stop() closed the listening socket: the server is done
            self.server.run()

    def stop(self) -> None:
        """Finish the answers in flight, then close the listener and every connection a client
        kept alive (a browser's would keep the serving loop, and this join, waiting)."""
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown()
        wasyncore.close_all(self.server._map)
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the loopback server did not stop"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    """Two clinics on one server, as clinics run it (tests/clinics.py), served on loopback."""
    from tests.clinics import Clinic

    made = Clinic(db_url)
    yield made
    made.loopback.stop()
