"""The tree stays clean: ruff and mypy run as part of the test command."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_lint_and_format() -> None:
    lint = run_tool("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout
    formatted = run_tool("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout


def test_mypy_strict() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout
