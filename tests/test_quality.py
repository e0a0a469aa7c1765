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


def test_every_library_the_package_imports_is_a_dependency_of_a_plain_install() -> None:
    """`pip install .` (the demo command) must give every feature its libraries: a library only in
    an extra made the portal's record download fail with a server error. Extras hold only what the
    package never imports itself (the PostgreSQL driver, which SQLAlchemy loads by URL)."""
    import ast
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        re.split(r"[<>=\[ ;]", d, maxsplit=1)[0].lower().replace("_", "-") for d in project["dependencies"]
    }
    owners = importlib.metadata.packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "planner").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"planner", "__future__"}
    missing = {
        module: owners.get(module)
        for module in third_party
        if not {name.lower().replace("_", "-") for name in owners.get(module, [module])} & declared
    }
    assert not missing, f"imported but not in [project] dependencies: {missing}"
