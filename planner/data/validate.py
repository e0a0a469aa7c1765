"""`rehab-planner validate`: check a clinic's files before they are used."""

from __future__ import annotations

from pathlib import Path

from planner.core.exceptions import DataError
from planner.data.catalog import load_catalog
from planner.data.exercises import load_library
from planner.data.fields import read_toml
from planner.data.paths import builtin_dir
from planner.data.protocols import read_protocol


def validate_path(path: Path) -> str:
    """A one-line summary of what the file or folder holds; raises DataError on the first problem."""
    if path.is_dir():
        catalog = load_catalog((path,))
        return f"{len(catalog.library.exercises)} exercises and {len(catalog.protocols)} protocols in all"
    if not path.exists() and not path.is_symlink():
        raise DataError(str(path), "", "", "no such file or folder")
    data = read_toml(path)
    if "exercise" in data or "pose" in data:
        library = load_library([builtin_dir("exercises"), path])
        return f"library file valid ({len(library.exercises)} exercises with the built-in ones)"
    if "level" in data:
        protocol = read_protocol(path, load_library([builtin_dir("exercises")]))
        return f"protocol {protocol.id!r} valid ({len(protocol.levels)} levels)"
    if "measure" in data:
        from planner.data.measures import load_measures

        ids = ", ".join(m.id for m in load_measures(path))
        return f"measures file valid ({ids})"
    if "clinic" in data:
        from planner.data.branding import load_branding

        clinic = load_branding(path)
        return f"clinic file valid ({clinic.name})"
    raise DataError(str(path), "", "", "not an exercise, pose, protocol, measure or clinic file")
