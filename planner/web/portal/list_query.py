"""The patient list's search, status filter and sort as a request gives them: the list's pages and
its "print all" read the same patients."""

from __future__ import annotations

import attrs
from flask import abort, request

from planner.app.caseload import ListFilter
from planner.core.follow_up import PatientStatus
from planner.store.portal_records import SortKey

SORTS = {  # the list's ?sort= values and what they sort by
    "status": SortKey.ATTENTION,
    "name": SortKey.NAME,
    "recent": SortKey.RECENT,
    "overall": SortKey.OVERALL,
    "last": SortKey.LAST_REPORT,
}


@attrs.frozen
class ListQuery:
    search: str
    status: str
    sort: str  # a key of SORTS
    descending: bool

    @property
    def key(self) -> SortKey:
        return SORTS[self.sort]

    @property
    def wanted(self) -> ListFilter:
        return ListFilter(self.search.strip(), self.status, self.key, self.descending)


def list_query() -> ListQuery:
    """The list's fields from the query string, or from a posted form (a search is only ever posted:
    no name sits in a URL); an unknown status or sort is a 400."""
    fields = request.form if request.method == "POST" else request.args
    search = request.form.get("q", "")[:200] if request.method == "POST" else ""
    status = fields.get("status", "")
    sort = fields.get("sort", "status")
    if (status and status not in {s.value for s in PatientStatus}) or sort not in SORTS:
        abort(400)
    return ListQuery(search, status, sort, fields.get("dir", "") == "desc")
