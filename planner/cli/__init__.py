"""The command line: click commands by group, thin. Each parses (planner.cli.params), calls one
method of the application object, and prints; bad input ends in one line on stderr and exit 2."""

from __future__ import annotations

import signal
import sys

from planner.cli import catalog, clinic, exports, feeds, outcomes, plans, portal, programme, records, server
from planner.cli.root import PROG, cli

for command in (
    catalog.exercises,
    catalog.protocols,
    catalog.validate,
    plans.plan,
    plans.checkin,
    exports.export,
    feeds.feed,
    server.serve,
    server.db,
    clinic.issue_command,
    clinic.demo,
    portal.clinician,
    portal.alerts,
    outcomes.outcome,
    records.clinic_group,
    programme.programme,
    programme.template,  # also at the top: `rehab-planner template list`
):
    cli.add_command(command)


def main() -> None:
    # SIGTERM becomes an ordinary exit, so half-written temporary files are removed and the handout
    # workers are shut down rather than left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    cli.main(prog_name=PROG)


__all__ = ["cli", "main"]
