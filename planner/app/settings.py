"""One typed settings object passed from the edges to whatever needs configuration."""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from planner.core.exceptions import InputError
from planner.core.parsing import parse_base_url

DB_ENV = "REHAB_PLANNER_DB"
BASE_URL_ENV = "REHAB_PLANNER_BASE_URL"


def data_dir() -> Path:
    import platformdirs

    folder = Path(platformdirs.user_data_dir("rehab-planner", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@attrs.frozen
class Settings:
    db: str = ""
    clinic_dirs: tuple[Path, ...] = ()
    base_url: str = ""
    start_page: bool = False  # /start makes plans for anyone who can reach the server: off unless chosen
    trusted_proxies: int = 0  # reverse proxies in front of serve whose X-Forwarded-* headers are believed

    @property
    def given_url(self) -> str:
        """The public address someone chose (--base-url, else the environment), or nothing."""
        return self.base_url or os.environ.get(BASE_URL_ENV, "")

    @property
    def public_url(self) -> str:
        """Where the feed is reachable: the address someone chose, else the local server."""
        return parse_base_url(self.given_url) if self.given_url else "http://127.0.0.1:8080"

    @property
    def feed_key_file(self) -> Path:
        return data_dir() / "feed.key"

    @property
    def database_url(self) -> str:
        """A path or URL from --db or the environment; default a SQLite file in the data directory."""
        value = self.db or os.environ.get(DB_ENV, "")
        if "://" in value:
            return value
        if not value:
            value = str(data_dir() / "plans.db")
        try:
            return f"sqlite:///{Path(value).expanduser().resolve()}"
        except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop of links
            raise InputError(f"--db {value!r}: a loop of symbolic links") from None
