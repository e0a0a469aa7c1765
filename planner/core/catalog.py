"""The exercise library and the protocols as values: what the planner and the exporters read.

Loading and validating the TOML files is the data layer's job (planner.data); here they are only
looked up, with a NotFound that names the unknown id.

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> builtin_catalog().library.exercise("bird-dog").dose.describe()
    '2 x 10, hold 4 s each side'
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from planner.core.exceptions import NotFound
from planner.core.model import Category, Exercise, Pose, Protocol


@attrs.frozen
class Library:
    exercises: Mapping[str, Exercise]
    poses: Mapping[str, Pose]

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise NotFound(f"unknown exercise {exercise_id!r}") from None

    def by_category(self, category: Category | None = None) -> list[Exercise]:
        chosen = [e for e in self.exercises.values() if category is None or e.category is category]
        return sorted(chosen, key=lambda e: (list(Category).index(e.category), e.name))


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
