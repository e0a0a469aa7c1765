"""The questions a runner answers at /start, and the protocol they lead to, with the reasons.

The choice follows the built-in protocols' entry criteria (templates/protocols, rules.ENTRY): anyone
in a flare-up, with pain at rest above a running programme's entry limit, or for whom brisk walking
is not yet comfortable starts the flare-up restart, whose first levels are low-impact sessions and
walks, so nobody runs on day one before their check-ins show they are ready. Severe pain at rest, or
a yes to a screening question (planner.core.screening), makes no plan: see a clinician first. The
sentences are in planner.core.wording.

Example:
    >>> from planner.data.catalog import builtin_catalog
    >>> answers = Intake(pain_at_rest=2, walking_comfortable=True, ran_before=True, flare_up=False,
    ...                  minimal_shoes=False)
    >>> choose(answers, builtin_catalog()).protocol_id
    'lbp-return-to-run'
"""

from __future__ import annotations

import attrs

from planner.core import rules, screening, wording
from planner.core.catalog import Catalog

RETURN_TO_RUN = "lbp-return-to-run"
FLARE_UP_RESTART = "flare-up-restart"
BEGINNER = "beginner-walk-run"
MINIMAL_SHOES = "barefoot-transition"
SOURCE = "the entry criteria each programme states (clinic protocols, unverified)"


@attrs.frozen
class Intake:
    """A runner's answers: typed, already parsed."""

    pain_at_rest: int
    walking_comfortable: bool
    ran_before: bool
    flare_up: bool
    minimal_shoes: bool
    screening: tuple[str, ...] = ()  # background risk factors ticked (planner.core.screening)


@attrs.frozen
class Choice:
    protocol_id: str
    reasons: tuple[str, ...]
    source: str = SOURCE
    see_clinician: bool = False  # no plan: severe pain or a screening answer is a clinician's call first
    again: str = ""  # with see_clinician: how the person can start after all


def choose(intake: Intake, catalog: Catalog) -> Choice:
    """The protocol whose entry criteria the answers meet, and the sentences that say why."""
    if not intake.ran_before:
        wanted, reason = BEGINNER, wording.INTAKE_NEW_RUNNER
    elif intake.minimal_shoes and intake.pain_at_rest == 0:
        wanted, reason = MINIMAL_SHOES, wording.INTAKE_MINIMAL_SHOES
    else:
        wanted, reason = RETURN_TO_RUN, wording.INTAKE_RETURN
    if intake.screening:  # a clinician weighs these first
        advice = wording.INTAKE_SCREENING.format(items=screening.findings(intake.screening))
        return Choice(
            wanted, (advice,), screening.SOURCE, see_clinician=True, again=wording.START_AGAIN_SCREENED
        )
    restart = catalog.protocol(FLARE_UP_RESTART)
    if rules.severe_pain(restart, intake.pain_at_rest):
        advice = wording.INTAKE_SEVERE_PAIN.format(pain=intake.pain_at_rest)
        return Choice(
            FLARE_UP_RESTART, (advice,), rules.SEVERE_PAIN, see_clinician=True, again=wording.START_AGAIN_PAIN
        )
    limit = catalog.protocol(wanted).entry.max_pain_at_rest
    not_ready = [
        text
        for met, text in (
            (not intake.flare_up, wording.INTAKE_FLARE_UP),
            (
                intake.pain_at_rest <= limit,
                wording.INTAKE_PAIN.format(pain=intake.pain_at_rest, limit=limit),
            ),
            (intake.walking_comfortable, wording.INTAKE_WALKING),
        )
        if not met
    ]
    if not_ready:
        return Choice(FLARE_UP_RESTART, (*not_ready, wording.INTAKE_RESTART))
    if intake.minimal_shoes and wanted != MINIMAL_SHOES:
        return Choice(wanted, (reason, wording.INTAKE_SHOES_LATER))
    return Choice(wanted, (reason,))
