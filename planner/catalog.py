"""The library and the protocols together, built-in plus a clinic's own folders.

Example:
    >>> catalog = builtin_catalog()
    >>> sorted(catalog.protocols)[:2]
    ['barefoot-transition', 'beginner-walk-run']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import attrs

from planner.datafiles import builtin_dir
from planner.exceptions import NotFound
from planner.library import Library, load_library
from planner.model import Protocol
from planner.protocols import load_protocols


@attrs.frozen
class Catalog:
    library: Library
    protocols: Mapping[str, Protocol]

    def protocol(self, protocol_id: str) -> Protocol:
        try:
            return self.protocols[protocol_id]
        except KeyError:
            known = ", ".join(sorted(self.protocols))
            raise NotFound(f"unknown protocol {protocol_id!r} (known: {known})") from None


def load_catalog(clinic_dirs: tuple[Path, ...] = ()) -> Catalog:
    """Built-in data first, then each clinic folder (its exercises/ and protocols/ subfolders)."""
    library = load_library(
        [builtin_dir("exercises"), *(d / "exercises" for d in clinic_dirs if (d / "exercises").is_dir())]
    )
    protocol_dirs = [builtin_dir("templates") / "protocols"]
    protocol_dirs += [d / "protocols" for d in clinic_dirs if (d / "protocols").is_dir()]
    return Catalog(library, load_protocols(protocol_dirs, library))


@functools.cache
def builtin_catalog() -> Catalog:
    return load_catalog()
