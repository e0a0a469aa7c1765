"""Rehab Planner: graded return-to-run plans for runners with back pain.

The public API is the pure core: load the catalog, describe a prescription, build a plan.

Example:
    >>> import datetime as dt
    >>> from planner import Prescription, build, builtin_catalog
    >>> catalog = builtin_catalog()
    >>> rx = Prescription(name="Ana", start=dt.date(2026, 3, 2), timezone="Europe/London",
    ...     run_days=(1, 3, 6), strength_days=(2, 5), session_time=dt.time(7, 30), pain=2)
    >>> plan = build(rx, catalog.protocol("lbp-return-to-run"), catalog.library, (), dt.date(2026, 3, 2))
    >>> plan.sessions[0].kind.value
    'run-walk'
"""

from planner.core.catalog import Catalog
from planner.core.exceptions import DataError, InputError, NotFound, PlannerError
from planner.core.model import (
    CheckIn,
    Decision,
    Dose,
    Exercise,
    Level,
    Plan,
    Prescription,
    Protocol,
    Screening,
    Session,
    SessionKind,
    Status,
    Verdict,
)
from planner.core.scheduler import build
from planner.data.catalog import builtin_catalog, load_catalog

__version__ = "0.1.0"

__all__ = [
    "Catalog",
    "CheckIn",
    "DataError",
    "Decision",
    "Dose",
    "Exercise",
    "InputError",
    "Level",
    "NotFound",
    "Plan",
    "PlannerError",
    "Prescription",
    "Protocol",
    "Screening",
    "Session",
    "SessionKind",
    "Status",
    "Verdict",
    "__version__",
    "build",
    "builtin_catalog",
    "load_catalog",
]
