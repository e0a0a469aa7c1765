"""Where a rule comes from, in words a patient understands: published research or guidelines, clinic
practice not yet checked against research, the health-advice articles the programme began from, or
the clinician's own assessment. Patients' channels (the phone page, /start, the handout, the calendar,
`plan show`) print these words (wording.EVIDENCE); clinicians' views (the plan's JSON, the portal)
keep the exact citation.

The planner's own citations (rules.py, redflags.py, progression.py, intake.py, screening.py) are each
listed with their kinds below; a decision's source may join several. Any other citation (a protocol's
or an exercise's `sources`, a clinic's own data) is read by the convention the data follows
(clinical-notes.md): one seen only second-hand says "unverified", one from the seed articles starts
"Seed articles", anything else is published.

Example:
    >>> based_on([rules.PAIN_MONITORING, rules.LOW_LEVEL_REST])
    'Based on: published research or clinical guidelines; clinic practice, not yet checked against research.'
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.core import intake, progression, redflags, rules, screening, wording
from planner.core.model import Evidence

RESEARCH, CLINIC, ARTICLES, CLINICIAN = (
    Evidence.RESEARCH,
    Evidence.CLINIC,
    Evidence.ARTICLES,
    Evidence.CLINICIAN,
)
CITED: dict[str, tuple[Evidence, ...]] = {  # every citation the planner's rules give, and its kinds
    rules.PAIN_MONITORING: (RESEARCH,),
    rules.SORENESS: (RESEARCH,),
    rules.SORENESS_VARIANT: (CLINIC,),
    rules.TRAFFIC_LIGHT: (CLINIC,),
    rules.FLARE_UP: (ARTICLES,),
    rules.RESUME_MARGIN: (CLINIC,),
    rules.CLINICIAN_HOLD: (ARTICLES,),
    rules.SPACING: (RESEARCH,),
    rules.LOW_LEVEL_REST: (CLINIC,),
    rules.RUNS_PER_WEEK: (CLINIC,),
    rules.LEVEL_REPEATS: (RESEARCH,),
    rules.LEVEL_RISES: (CLINIC,),
    rules.WEEKLY_GROWTH: (RESEARCH,),
    rules.STRENGTH: (RESEARCH,),
    rules.FLEXIBILITY: (RESEARCH,),
    rules.REST_DAY: (ARTICLES,),
    rules.ENTRY: (CLINIC,),
    rules.STIFFNESS: (RESEARCH,),
    rules.LAY_OFF: (RESEARCH, CLINIC),
    rules.ESCALATION: (RESEARCH, CLINIC),
    rules.CLEARANCE: (CLINICIAN,),
    rules.SEVERE_PAIN: (RESEARCH, CLINIC),
    redflags.SOURCE: (RESEARCH,),
    progression.PROGRESSION: (RESEARCH, CLINIC),
    progression.EFFORT_GATE: (RESEARCH,),
    intake.SOURCE: (CLINIC,),
    screening.SOURCE: (RESEARCH,),
}


def by_convention(citation: str) -> Evidence:
    """A citation from data, by the convention the data follows."""
    text = citation.strip().lower()
    if text.startswith(("seed articles", "the seed articles")):
        return ARTICLES
    return CLINIC if "unverified" in text else RESEARCH


def of(source: str) -> tuple[Evidence, ...]:
    """The kinds of evidence behind one source: the planner's citations it joins, else the data's."""
    found = [k for citation, cited in CITED.items() if citation in source for k in cited]
    return tuple(found) or (by_convention(source),)


def kinds(sources: Iterable[str]) -> tuple[Evidence, ...]:
    """The kinds of evidence behind some sources, each once, in the order of Evidence."""
    found = {k for source in sources for k in of(source)}
    return tuple(k for k in Evidence if k in found)


def plain(sources: Iterable[str]) -> str:
    """Where these rules come from, in a patient's words, without the sentence around them."""
    return "; ".join(wording.EVIDENCE[k] for k in kinds(sources))


def based_on(sources: Iterable[str]) -> str:
    """The sentence a patient reads about where these rules come from."""
    return wording.BASED_ON.format(kinds=plain(sources))
