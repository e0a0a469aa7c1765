"""The architecture's guard bites: an upward import (the core reaching for the command line) breaks
the import-linter contracts that CI runs on every build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(tool), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "planner", tmp_path / "planner", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path).returncode == 0
    model = tmp_path / "planner" / "core" / "model.py"
    model.write_text(model.read_text() + "\nimport planner.cli.root  # an upward import\n")
    broken = lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "planner.core.model -> planner.cli.root" in broken.stdout
