"""The clinic portal, under /portal: log in, see who needs attention first, open a patient, act.

Sessions are Flask-Login's, keyed by a server-side session (planner.app.accounts: a new id at every
login, ended by logout, idle and absolute timeouts); every form carries a Flask-WTF CSRF token.
URLs hold nothing but opaque ids: the search is posted, not put in the address. Another clinic's
plan or alert is a 404, exactly like an id that does not exist.

One blueprint; its routes by subject: accounts (login, clinicians, audit), patients (the list, a
patient, actions), branding (the clinic on its handouts, print all), outcomes (a patient's outcome
measures), programme (a patient's exercises and doses: the editor), records (the discharge summary
and the FHIR record), roster (a clinic list).
"""

from planner.web.portal import accounts, branding, outcomes, patients, programme, records, roster
from planner.web.portal.common import blueprint, install
from planner.web.portal.roster import ROSTER_BYTES

__all__ = [
    "ROSTER_BYTES",
    "accounts",
    "blueprint",
    "branding",
    "install",
    "outcomes",
    "patients",
    "programme",
    "records",
    "roster",
]
