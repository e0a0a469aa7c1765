from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from planner.catalog import Catalog, builtin_catalog
from planner.cli import cli

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("REHAB_PLANNER_FEED_KEY", "test-feed-key-not-secret")


@attrs.frozen
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def catalog() -> Catalog:
    return builtin_catalog()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'plans.db'}"


@pytest.fixture
def run(db_url: str):
    """Invoke the CLI in-process against a fresh database; returns exit code, stdout, stderr."""

    def invoke(*args: str) -> Result:
        result = CliRunner().invoke(cli, ["--db", db_url, *args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def monday() -> dt.date:
    return dt.date(2026, 3, 2)
