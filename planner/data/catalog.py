"""The library and the protocols together, built-in plus a clinic's own folders.

Example:
    >>> catalog = builtin_catalog()
    >>> sorted(catalog.protocols)[:2]
    ['barefoot-transition', 'beginner-walk-run']
"""

from __future__ import annotations

import functools
from pathlib import Path

from planner.core.catalog import Catalog
from planner.core.exceptions import DataError
from planner.data.exercises import load_library
from planner.data.paths import builtin_dir
from planner.data.protocols import load_protocols


def check_clinic_dir(folder: Path) -> None:
    """A clinic folder must exist and hold exercises/, protocols/ or measures/: a misspelt one is an
    error, not a silent fallback to the built-in data."""
    if not folder.is_dir():
        raise DataError(str(folder), "", "", "no such clinic folder")
    if not any((folder / name).is_dir() for name in ("exercises", "protocols", "measures")):
        raise DataError(
            str(folder), "", "", "a clinic folder needs an exercises/, protocols/ or measures/ folder inside"
        )


def load_catalog(clinic_dirs: tuple[Path, ...] = ()) -> Catalog:
    """Built-in data first, then each clinic folder (its exercises/ and protocols/ subfolders)."""
    for folder in clinic_dirs:
        check_clinic_dir(folder)
    library = load_library(
        [builtin_dir("exercises"), *(d / "exercises" for d in clinic_dirs if (d / "exercises").is_dir())]
    )
    protocol_dirs = [builtin_dir("templates") / "protocols"]
    protocol_dirs += [d / "protocols" for d in clinic_dirs if (d / "protocols").is_dir()]
    return Catalog(library, load_protocols(protocol_dirs, library))


@functools.cache
def builtin_catalog() -> Catalog:
    return load_catalog()
