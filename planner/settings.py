"""One typed settings object passed from the edges to whatever needs configuration."""

from __future__ import annotations

import os
from pathlib import Path

import attrs

DB_ENV = "REHAB_PLANNER_DB"


@attrs.frozen
class Settings:
    db: str = ""
    clinic_dirs: tuple[Path, ...] = ()
    base_url: str = "http://127.0.0.1:8080"

    @property
    def database_url(self) -> str:
        """A path or URL from --db or the environment; default a SQLite file in the data directory."""
        value = self.db or os.environ.get(DB_ENV, "")
        if "://" in value:
            return value
        if not value:
            import platformdirs

            folder = Path(platformdirs.user_data_dir("rehab-planner", appauthor=False))
            folder.mkdir(parents=True, exist_ok=True)
            value = str(folder / "plans.db")
        return f"sqlite:///{Path(value).expanduser().resolve()}"
