"""Where the data lives: built-in folders (inside the wheel, or the checkout) plus clinic folders."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CLINIC_DATA_ENV = "REHAB_PLANNER_CLINIC_DATA"


def builtin_dir(name: str) -> Path:
    """exercises/ or templates/: shipped under planner/_data in a wheel, at the top of a checkout."""
    installed = PACKAGE_DIR / "_data" / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def clinic_dirs(option: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Clinic folders from the command line, else from the environment (os.pathsep-separated)."""
    if option:
        return option
    value = os.environ.get(CLINIC_DATA_ENV, "")
    return tuple(Path(part) for part in value.split(os.pathsep) if part)
