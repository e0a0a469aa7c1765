"""Every sentence a patient reads about a rule, in one table.

The rules (planner.core.rules) build their decisions from it; the handout's safety page, the phone
page, its form's choices and the calendar descriptions print it. Change a sentence here and every
channel changes with it; tests/test_wording.py renders each channel and checks every case is there.
The rules themselves, their thresholds and their sources stay in rules.py, redflags.py and
pain_scale.py.

Example:
    >>> SORENESS[Soreness.AFTER].choice
    'Sore an hour or more after, or the next day'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from planner.core.model import Access, BlockKind, CheckIn, Effort, Evidence, Soreness, Urgency
from planner.core.pain_scale import ACCEPTABLE_PAIN, SAFE_PAIN


# -- the pain scale: each rule set's own traffic light (planner.core.rules.RULE_SETS) -------------
@attrs.frozen
class PainBand:
    """One colour of the pain traffic light: the safety page prints it whole, and every other
    channel (the phone page and its check-in form, each session, the calendar, `plan show`) its
    `brief` in the one-line pain rule (pain_rule)."""

    colour: str
    low: int
    high: int
    meaning: str
    action: str
    brief: str

    @property
    def scores(self) -> str:
        return f"{self.low}-{self.high} {self.colour}"


_SEE_ABOUT_PAIN = {  # by whether a clinic follows the plan (FOLLOWED_WORDS)
    True: "Pain that stays bad for several days: see your clinician.",
    False: "Pain that stays bad for several days: see a doctor or physiotherapist.",
}


def _bands(amber: tuple[str, str], red: tuple[str, str], see: str) -> tuple[PainBand, ...]:
    """The three colours from what the rule set does in amber and red: (the safety page's action,
    the one-line rule's brief); `see` is who to see when pain stays bad."""
    return (
        PainBand("green", 0, SAFE_PAIN, "Safe", "Carry on with the plan.", "fine"),
        PainBand("amber", SAFE_PAIN + 1, ACCEPTABLE_PAIN, "Acceptable", *amber),
        PainBand("red", ACCEPTABLE_PAIN + 1, 10, "Too much", f"{red[0]} {see}", red[1]),
    )


_STOP = "stop and walk home; next time go one level easier"
_RULE_SET_ACTIONS = {  # by the protocol's rule set (planner.core.rules.RULE_SETS): what its rules do
    "pain-monitoring": (
        (
            f"You may finish the session, and you repeat the level until pain stays at {SAFE_PAIN}/10 or "
            "less during the session and the next morning.",
            f"you may finish the session; repeat the level until pain stays at {SAFE_PAIN}/10 or less",
        ),
        (
            "Stop the session. Next time go one level easier; the same when the next morning's pain "
            f"is above {SAFE_PAIN}/10 and higher than during the session.",
            f"{_STOP} (also when the next morning's pain is above {SAFE_PAIN}/10 and higher than "
            "during the session)",
        ),
    ),
    "soreness": (
        (
            "Fine if it has settled by the next morning; otherwise repeat the level.",
            "fine if it has settled by the next morning; otherwise repeat the level",
        ),
        ("Stop the session. Next time go one level easier.", _STOP),
    ),
}
PAIN_BANDS_FOR = {  # by whether a clinic follows the plan, then by rule set
    followed: {rule_set: _bands(*actions, see) for rule_set, actions in _RULE_SET_ACTIONS.items()}
    for followed, see in _SEE_ABOUT_PAIN.items()
}
PAIN_BANDS = PAIN_BANDS_FOR[True]  # a clinic's; the one-line rule's briefs are the same in both


def pain_rule(rule_set: str) -> str:
    """The protocol's traffic light in one line, from its bands.

    >>> pain_rule("soreness")[:62]
    'Pain rule. 0-3/10: fine. 4-5/10: fine if it has settled by the'
    """
    return " ".join(["Pain rule.", *(f"{b.low}-{b.high}/10: {b.brief}." for b in PAIN_BANDS[rule_set])])


# What a pain report led to: {pain} is the score reported.
PAIN_DURING_TOO_HIGH = (
    f"Pain reached {{pain}}/10 during the session, more than the {ACCEPTABLE_PAIN}/10 the "
    "pain-monitoring model allows, so the next run is one level easier."
)
PAIN_MORNING_TOO_HIGH = (
    "Pain was {pain}/10 the next morning, which is too high, so the next run is one level easier."
)
PAIN_ROSE_OVERNIGHT = (  # only when both scores were reported
    "Pain rose overnight from {during}/10 during the session to {pain}/10, a sign the load was too "
    "much, so the next run is one level easier."
)
PAIN_NOT_SETTLED = (
    "Pain had not settled by the next morning ({pain}/10), so you repeat this level before moving on."
)
PAIN_ACCEPTABLE = (
    f"Pain of {{pain}}/10 is acceptable but not yet comfortable, so you repeat this level until it stays "
    f"at {SAFE_PAIN}/10 or less."
)
_MOVE_ON = "so you can move on when you have done this level enough times."
PAIN_FINE = {  # by which scores were reported: (during, next morning)
    (
        True,
        True,
    ): f"Pain stayed at {SAFE_PAIN}/10 or less during the session and the next morning, {_MOVE_ON}",
    (True, False): f"Pain stayed at {SAFE_PAIN}/10 or less during the session, {_MOVE_ON}",
    (False, True): f"Pain was {SAFE_PAIN}/10 or less the next morning, {_MOVE_ON}",
}
LIGHT_RED = (
    "Pain reached {pain}/10 (red), so the next run is one level easier. If pain stays this bad for "
    "several days, see a clinician."
)
LIGHT_AMBER = "Pain of {pain}/10 (amber) that has not settled within a day means you repeat this level."
LIGHT_AMBER_NO_MORNING = (
    "Pain of {pain}/10 (amber), with no next-morning score to show it settled, means you repeat this level."
)
LIGHT_GREEN = "Pain stayed in the green or settled within a day: carry on."


# -- soreness (Fees et al. 1998, IJSPT 2018 Table 5) ------------------------------------------
@attrs.frozen
class SorenessWording:
    choice: str  # the check-in form's option
    rule: str  # the safety page's line
    decision: str  # what the plan says after such a report ("" when nothing changes)


SORENESS = {
    Soreness.NONE: SorenessWording("No soreness", "No soreness: move on to the next session.", ""),
    Soreness.WARM_UP_GONE: SorenessWording(
        "Sore in the warm-up, went away",
        "Sore in the warm-up but it goes away: repeat the same session next time.",
        "Soreness in the warm-up that went away means you repeat the same session next time.",
    ),
    Soreness.WARM_UP_STAYS: SorenessWording(
        "Sore in the warm-up, stayed",
        "Sore in the warm-up and it stays: stop, take 2 days off running, then go back one level.",
        "Soreness that stayed through the warm-up means 2 days off running, then one level easier.",
    ),
    Soreness.RETURNED_DURING: SorenessWording(
        "Went in the warm-up, came back during",
        "Sore in the warm-up, it went, then came back during the session: stop, take 2 days off "
        "running, then go back one level.",
        "Soreness that went in the warm-up but came back during the session means 2 days off "
        "running, then one level easier.",
    ),
    Soreness.AFTER: SorenessWording(
        "Sore an hour or more after, or the next day",
        "Sore more than an hour after, or the next day: a day off running, then repeat the session.",
        "Soreness more than an hour after, or the next day, means a day off running, then repeat "
        "the session.",
    ),
}

# -- the plan's shape: spacing, repeats, rises, strength, mobility, rest (planner.core.rules) ------
# Days without running: a strength or mobility session may fall on them (a full rest day has nothing)
REST_BETWEEN_RUNS = (
    "At {level} your back gets at least {days} days without running between runs, so today is a rest day."
)
REST_BETWEEN_RUNS_ONE = (
    "At {level} your back gets at least a day without running between runs, so today is a rest day."
)
WEEKLY_RUNS_REACHED = "You have done this week's {runs} runs, so today is low-impact cardio instead."
REPEAT_LEVEL = "{level}, attempt {attempt}: each level is done at least {times} times before the next."
RISE_LIMIT = "You have already moved up {limit} levels in the last 7 days, so today stays at the same level."
RISE_LIMIT_ONE = "You have already moved up a level in the last 7 days, so today stays at the same level."
STRENGTH_DAY = (
    "Core and leg strength work 2-3 times a week, on days apart, supports a safe return to running."
)
STRENGTH_WHILE_PAUSED = (
    "Strength work continues while running is paused, using the easier version of each exercise."
)
MOBILITY_DAY = (
    "Gentle stretching, yoga-based mobility and foam rolling on a lighter day keep your back and hips moving."
)
FULL_REST_DAY = "A full rest day: recovery is when your body adapts to the training."
LOW_IMPACT_LEVEL = (
    "{level}: low-impact cardio builds fitness without jarring your back before running starts."
)
# How long and how many, in figures (a single one in words: "a week", "a check-in")
DAYS, DAYS_ONE, WEEKS, WEEKS_ONE = "{n} days", "a day", "{n} weeks", "a week"
RESUME_REPORTS, RESUME_REPORTS_ONE = "check-ins on {n} different days", "a check-in"

# -- pausing, resuming, holding ------------------------------------------------------------------
# {until}: RESUME_CRITERIA with the protocol's numbers; {when}: RESUME_WHEN by how many check-ins
# ({reports}) and how long after the pause began the first may be ({days}; none: RESUME_WHEN_ANY)
RESUME_CRITERIA = "{when} pain you can tolerate that settled by the next morning"
RESUME_WHEN = "{reports}, the first at least {days} after the pause began, show"
RESUME_WHEN_ONE = "a check-in at least {days} after the pause began shows"
RESUME_WHEN_ANY = "{reports} since the pause began show"
RESUME_WHEN_ANY_ONE = "a check-in since the pause began shows"
PAUSE_FLARE_UP = (
    "You reported a flare-up, so running pauses. Low-impact sessions of a similar length "
    "take its place until {until}."
)
PAUSE_TOO_PAINFUL = (
    "Your last 2 sessions were too painful, so running pauses. Low-impact sessions of a "
    "similar length take its place until {until}."
)
PAUSED_SESSION = "Running is paused: today is a low-impact session of a similar length instead."
RESUME = (
    "Your pain was tolerable and settled by the morning in {reports}, so running starts again one "
    "level lower, at {level}."
)
PAUSE_SUMMARY = (
    "After a flare-up, or 2 sessions in a row that were too painful, running pauses. Keep your "
    "strength and mobility work, and do low-impact exercise of a similar length instead ({options}). "
    "Running starts again one level lower once {until}."
)
WEEK_CHANGED = "{by} changed your week from {day}: runs on {days} at {time}."
LEVEL_MOVED = "{by} moved your running {direction} a level on {day}: you continue at {level}."
DISCHARGED = "{by} ended this programme on {day}: no more sessions are planned."
REOPENED = "{by} re-opened this programme on {day}: sessions are planned again from that day."
# The handout's levels page and exercise cards (planner.export.handout prints them)
LEVELS_WARM_UP = (
    "Every run starts with a {minutes}-minute brisk walk and gentle drills, and ends with an easy walk "
    "and stretches."
)
LEVELS_LIMITS = (
    "You move up at most {rises} levels in any 7 days, and your weekly running time grows by no more "
    "than {cap}."
)
DOSE_BY_LEVEL = "by level: {doses}"
TIMES_A_WEEK = {1: "once a week", 2: "twice a week"}
TIMES_A_WEEK_MANY = "{n} times a week"
HOLD_SUMMARY = "If your clinician has put a hold on running, follow it."


# -- stop signs: new or changing signs that stop the programme (planner.core.redflags) ----------
CAUDA_EQUINA = "NHS cauda equina pathway (GIRFT); AHCPR 1994 (NCBI NBK52120)"
AHCPR = "AHCPR 1994 acute low back problems guideline (NCBI NBK52120)"
AHCPR_NERVE = f"{AHCPR}: a progressive neurological deficit, such as foot drop, is reviewed urgently"
SEED = "the seed articles: see a clinician soon"
SEED_NERVE = f"{SEED}; without weakness it is common with back pain, so a review soon, not urgently"


@attrs.frozen
class RedFlag:
    """A stop sign: new or changing, so whoever reports it stops and gets help this soon."""

    id: str
    question: str
    urgency: Urgency
    source: str


def _signs(urgency: Urgency, source: str, questions: dict[str, str]) -> tuple[RedFlag, ...]:
    return tuple(RedFlag(flag, question, urgency, source) for flag, question in questions.items())


URGENCY_ADVICE = {  # {call} is the emergency number where the person lives (planner.core.emergency)
    Urgency.EMERGENCY: "Go to an emergency department now, or {call}. Do not wait to see if it settles.",
    Urgency.URGENT: (
        "Contact your doctor or physiotherapist today, or an urgent care service if they are closed."
    ),
    Urgency.SOON: "Book an appointment with your doctor or physiotherapist within the next few days.",
}
URGENCY_HEADING = {  # the red-flag questions, grouped by how soon they need help
    Urgency.EMERGENCY: "Get help now",
    Urgency.URGENT: "Get help today",
    Urgency.SOON: "See a clinician soon",
}
URGENCY_LABEL = {Urgency.EMERGENCY: "Emergency", Urgency.URGENT: "Urgent", Urgency.SOON: "Soon"}
RED_FLAG_STOP = "You reported a warning sign ({sign}). Stop the programme. {advice}"
UNKNOWN_SIGN = "A warning sign recorded as {id!r}"  # a stored id this version does not know

RED_FLAGS: tuple[RedFlag, ...] = (
    *_signs(
        Urgency.EMERGENCY,
        CAUDA_EQUINA,
        {
            "saddle-numbness": "Numbness around your bottom, genitals or inner thighs (the saddle area)?",
            "bladder-change": "New difficulty passing urine, or loss of bladder control?",
            "bowel-control": "Loss of bowel control?",
            "both-legs-weak": "New or worsening weakness or numbness in both legs?",
            "sexual-dysfunction": "New problems with sexual function?",
        },
    ),
    *_signs(
        Urgency.URGENT,
        AHCPR,
        {
            "weight-loss": "Weight loss you cannot explain?",
            "night-pain": "Constant pain at night that does not ease with rest or changing position?",
            "fever": "Fever or chills with your back pain?",
            "recent-infection": "A recent bacterial infection?",
            "trauma": (
                "Pain after a fall or accident, or a minor knock with osteoporosis or long-term steroids?"
            ),
        },
    ),
    *_signs(
        Urgency.URGENT,
        AHCPR_NERVE,
        {
            "one-leg-marked-weakness": (
                "New or worsening weakness in one leg, such as a foot that drops or catches?"
            )
        },
    ),
    *_signs(Urgency.URGENT, SEED, {"back-swelling": "Swelling or redness on your back?"}),
    *_signs(
        Urgency.SOON,
        SEED_NERVE,
        {"one-leg-tingling": "New or worsening tingling, numbness or pain spreading down one leg?"},
    ),
    *_signs(Urgency.SOON, SEED, {"new-lump": "A new lump on your back?"}),
)
RETIRED_RED_FLAGS = {  # ids older versions stored, read as the sign that now covers them
    "one-leg-weak": "one-leg-tingling",  # "new weakness, numbness or tingling in one leg", urgency soon
}


# -- screening: background risk factors asked at the start (planner.core.screening) ---------------
@attrs.frozen
class ScreeningItem:
    """A risk factor a clinician weighs at the first assessment; once assessed it is history, not
    a warning sign (AHCPR 1994 lists these for the first visit)."""

    id: str
    question: str  # as the person is asked it
    finding: str  # as a clinician's record names it


SCREENING_ITEMS: tuple[ScreeningItem, ...] = tuple(
    ScreeningItem(item, question, finding)
    for item, (question, finding) in {
        "cancer-history": ("Have you ever had cancer?", "history of cancer"),
        "over-50-new-pain": ("Are you over 50, and is this back pain new?", "age over 50 with new back pain"),
        "weak-immunity": ("A weakened immune system (from medicines or illness)?", "weakened immune system"),
        "iv-drug-use": ("Have you ever injected drugs?", "injected drug use"),
        "leg-pain-spreading": (
            "Pain down one or both legs that you have had for a while?",
            "long-standing pain down one or both legs",
        ),
    }.items()
)
SCREENING_HEADING = "Before you start: tick any that apply to you"
SCREENING_PORTAL = "Background risk factors you have assessed (recorded as assessed by you)"
INTAKE_SCREENING = (
    "You answered yes to: {items}. A clinician weighs this before you start a running programme: "
    "see your GP or physiotherapist first, and tell them these answers."
)
START_AGAIN_SCREENED = (
    "These answers stay the same, so this page cannot make your plan. Once a doctor or "
    "physiotherapist has checked you, ask them to set up your plan with you: they record what they "
    "assessed, and the plan starts from there."
)
START_AGAIN_PAIN = (
    "When your pain at rest has eased, or a doctor or physiotherapist has checked you and says "
    "running is safe, you can start again."
)
START_AGAIN_SIGNS = (
    "Once a doctor or physiotherapist has checked you and says running is safe, you can start again."
)
SCREENING_UNASSESSED = (
    "screening: {items} must be assessed by a clinician before a plan is made; record who assessed "
    "them (screened by)"
)
SCREENING_NOT_A_SIGN = (
    "{id!r} is a screening question (a background risk factor a clinician assesses when a plan is "
    "made), not a warning sign"
)

# -- the questions at /start, and why they lead to a programme ----------------------------------
INTAKE_QUESTIONS = {
    "pain_at_rest": "Back pain now, sitting or lying still (0 none, 10 worst)",
    "walking_comfortable": "Can you walk briskly for 30 minutes without more back pain?",
    "ran_before": "Were you running regularly before the back pain?",
    "flare_up": "In a flare-up now: worse over the last few days and not easing?",
    "minimal_shoes": "About to switch to minimal or barefoot running shoes?",
}
INTAKE_UNANSWERED = "{question} Please answer yes or no."  # a yes/no question at /start left empty
INTAKE_FLARE_UP = "You are in a flare-up that has not started to settle."
INTAKE_PAIN = "Your pain at rest is {pain}/10, above the {limit}/10 that running programmes start from."
INTAKE_WALKING = "Brisk walking for 30 minutes is not comfortable yet, and it comes before running."
INTAKE_RESTART = (
    "So you start with the flare-up restart: low-impact sessions and brisk walking first, and running "
    "only once your check-ins show your back is ready. Nothing in it asks you to run on day one."
)
INTAKE_RETURN = (
    "You ran before your back pain, walking is comfortable and your pain at rest is low, so you start "
    "the graded return to running: short walk/run sessions that grow only while your pain allows."
)
INTAKE_NEW_RUNNER = (
    "You were not running before, so you start the beginner walk/run base: it builds from short runs "
    "between walks to 30 minutes, at a pace a new runner's body can adapt to."
)
INTAKE_MINIMAL_SHOES = (
    "You run without back pain and are moving to minimal shoes, so you start the minimal-shoe "
    "transition: time in the new shoes grows a little each week, so feet and calves can adapt."
)
INTAKE_SHOES_LATER = (
    "Change one thing at a time: run in the shoes you know for now, and move to minimal shoes once "
    "your back is settled and you run without pain."
)
START_NOTHING_STORED_PAIN = "Nothing you answered has been stored."
START_NOTHING_STORED = (
    "Nothing you answered has been stored. Rehab Planner cannot make a running plan while a warning "
    "sign needs checking."
)

# -- progress, lay-offs and escalation -------------------------------------------------------------
ADVANCE_REPORTED = (
    "You completed {previous} {repeats} times with pain under control, so you move up to {level}."
)
ADVANCE_PROJECTED = (
    "If your sessions at {previous} go well ({repeats} of them with pain at {safe}/10 or less), "
    "you move up to {level} here."
)
RESUME_PROJECTED = (
    "If {when} pain you can tolerate that settled by the morning, running starts again one level "
    "lower, at {level}."
)
GROWTH_CAP = (
    "Your running this week has reached the limit of {cap} more than in the last 2 weeks, so today's "
    "run becomes low-impact cardio; you stay at {level}."
)
BACK_PAIN_GROWTH = (
    "Because you have back pain, your weekly running grows by at most {cap} (this programme's own "
    "limit is {own}); a big step up may come in fewer runs that week."
)
GROWTH_HOLD = (
    "Moving up to {following} today would take this week's running past {cap} more than in the last "
    "2 weeks, so you stay at {level} and move up at the next run that fits."
)
# A lay-off restarts the plan lower the longer the time off; each sentence says only what was reported.
LAY_OFF_SILENT = "No check-in for {silence}"
LAY_OFF_NOT_DONE = "No run-day session reported done for {silence}"
LAY_OFF_BASIS = {  # planner.core.rules.LayOffBasis
    "last-done": "the last level you reported done",
    "last-report": "where your last check-in left it",
    "nothing-done": "as no session has been reported done yet",
}
LAY_OFF_SAME = "{lead}: your plan starts again from {level}, {basis}."
LAY_OFF_LOWER = {  # by stage (stage 0 restarts at its basis, never lower)
    1: "{lead}: your plan starts again one level below {basis}, at {level}.",
    2: "{lead}: fitness fades with time off, so your plan starts again half-way back, at {level}.",
    3: "{lead}: your plan starts again from the beginning, at {level}.",
}
LAY_OFF_PAUSED = "{lead}: running stays paused; when it starts again, it starts at {level}."
LAY_OFF_NOT_STARTED = (
    "Ready to start? No check-in yet: your plan stays at {level} until you check in after a session. "
    "The sessions ahead show it from your next session on, if they go well."
)
# {contact}: FOLLOWED_WORDS[...].contact (whom a plan a clinic follows, or one's own, asks to call)
ESCALATE_PERSISTENT_PAIN = (
    f"Your pain has stayed above {SAFE_PAIN}/10 in every check-in for 2 weeks. Please contact "
    "{contact} so they can check how you are; the plan carries on gently meanwhile."
)
ESCALATE_SILENT_PAUSE = (
    "Running has been paused and there has been no check-in for 2 weeks. Please contact {contact} so "
    "they can check how you are."
)
ESCALATE_LONG_PAUSE = (
    "Running has been paused for 2 weeks and your pain has not yet settled. Please contact {contact} "
    "so they can check how you are."
)
DAYS_OFF_ONE = "After the soreness you reported, today is your day off running."
DAYS_OFF = "After the soreness you reported, today is day {nth} of your {total} days off running."
STIFF_OR_SWOLLEN = "You reported stiffness or swelling after the session, so you repeat this level."
ENTRY_NOT_MET = (
    "Your pain at rest is {pain}/10, above the {limit}/10 this programme starts from. You begin with "
    "low-impact sessions; running starts when a check-in shows pain of {limit}/10 or less that settled "
    "by the next morning."
)
ENTRY_REFUSED = (
    "pain at rest {pain}/10 is above the {limit}/10 the {protocol} protocol starts from; "
    "use the {suggest} protocol instead"
)
ENTRY_REFUSED_SEE_CLINICIAN = (
    "pain at rest {pain}/10 is above the {limit}/10 the {protocol} protocol starts from, and no "
    "protocol starts from it: a GP or physiotherapist should assess it first"
)
SEVERE_PAIN_REFUSED = (
    "pain at rest {pain}/10 is at or above {limit}/10, where a GP or physiotherapist assesses first: "
    "make this plan only with a clinician's hold on running (hold running until a date)"
)
INTAKE_SEVERE_PAIN = (
    "Your pain at rest is {pain}/10. Pain this strong should be assessed before you start a "
    "programme on your own: contact a GP or physiotherapist within the next few days."
)
INTAKE_SEVERE_HEADING = "See a clinician first"
RED_FLAG_CLEARED = (
    "{by} checked {what} and cleared you to continue on {day}: the plan starts again at {level}."
)
# {the_signs}: SIGN_WORDS by how many signs; {check_ins}: CHECK_IN_WORDS by how many days
CLEARED_REPORTS = "{the_signs} in your {check_ins} of {days} ({signs})"
CLEARED_AT_START = "{the_signs} found when your plan was made ({signs})"
SIGN_WORDS = ("the warning sign", "the warning signs")
CHECK_IN_WORDS = ("check-in", "check-ins")
ENTRY_MET = "A check-in met this programme's entry criteria, so running starts, at {level}."
ENTRY_MET_PROJECTED = (
    "If a check-in shows pain within this programme's entry criteria, running starts here, at {level}."
)
REPORT_DATE = "{text} (your check-in of {day})"

# -- the session in hand: the guided timer, the watch, the two-step check-in, the home page ---------
PART_HEADING = {  # a session's parts as a runner names them
    BlockKind.WARM_UP: "Warm up",
    BlockKind.MAIN_SET: "Main set",
    BlockKind.COOL_DOWN: "Cool down",
    BlockKind.EXERCISES: "Exercises",
    BlockKind.ADVICE: "Good to know",
}
STEP_RUN, STEP_WALK, STEP_REST = "Run", "Walk", "Rest"
STEP_WARM_UP_WALK, STEP_COOL_DOWN_WALK = "Warm-up walk", "Cool-down walk"
STEP_SET = "{name}: set {nth} of {sets}"
STEP_SIDE = {"left": "{text}, left side", "right": "{text}, right side"}
PART_STEPS, PART_CAUTIONS, PART_TIPS = "How to do it", "Take care", "Tips"
INTERVALS_TIMES = "{times} times:"
SESSION_LENGTH = "about {minutes} min in all"
NEXT_DAYS = "The next days"
CHECKIN_JUMP = "Check in after the session"
GUIDE_INTRO = (
    "The timer says each change out loud, beeps and vibrates, and keeps the screen on. If the phone "
    "locks, it keeps time: unlock it to see where you are."
)
GUIDE_DONE = "Session finished. Well done! Now tell us how it went."
GUIDE_NEXT = "Next: {text}"
GUIDE_STEP = "step {nth} of {total}"
GUIDE_PAUSE, GUIDE_RESUME = "Pause", "Resume"
CHECKIN_NOT_DONE = (  # a report of a flare-up or a warning sign that did not say (planner.core.parsing)
    "Recorded as not done, as a flare-up or a warning sign often stops a session: if you did the "
    "session, check in again for that day with --done."
)
MORNING_QUESTION = "How is your back this morning, after {session} on {day}?"
MORNING_LABEL = "Pain now (0 none, 10 worst)"
MORNING_SAVED = "Thank you: your morning score is saved."
MORNING_NEEDS_REPORT = "date: {day} has no session reported done; check in for the session first"
MORNING_NOT_YET = "date: the morning after {day} has not come yet"
MORNING_ADD = "Add your morning pain"
HOME_TITLE = "Rehab Planner"
HOME_TEXT = (
    "This server keeps graded return-to-running plans. To see your plan on this phone, open your "
    "check-in link once: it is on your printed programme (the second QR code), or ask your clinician."
)
HOME_START = "New here? Make your own plan"

# -- the patient's programme and its progression (planner.core.programme, planner.core.progression) --
ACCESS = {
    Access.POOL: "a pool",
    Access.BIKE: "a bike",
    Access.GYM: "a gym (elliptical, stair climber)",
    Access.FOAM_ROLLER: "a foam roller",
}
ACCESS_NONE = "none of a pool, a bike, a gym or a foam roller"
EFFORT = {  # the check-in's question about the day's strength or mobility exercises
    Effort.EASY: "Easy: I could have done more",
    Effort.RIGHT: "About right",
    Effort.HARD: "Hard: I struggled to finish",
}
EFFORT_QUESTION = "How did today's exercises feel?"
PROGRAMME_CHANGED = "{by} changed your exercises from {day}: {changes}."
PROGRAMME_ADDED = "added {name} ({dose})"
PROGRAMME_REMOVED = "removed {name}"
PROGRAMME_DOSE = "{name} is now {dose}{fixed}"
PROGRAMME_FIXED = ", kept at this dose"
PROGRAMME_ACCESS = "sessions use only what you have: {have}"
PROGRAMME_FROM_TEMPLATE = "Your exercises come from your clinic's programme {name!r}."
PROGRESS_UP = "You reported your last 2 {part} sessions as easy, so they step up: {changes}."
PROGRESS_AT_CEILING = (
    "You reported your last 2 {part} sessions as easy; every exercise is at the most this "
    "programme asks, so keep going as you are."
)
PROGRESS_DOSE = "{name} {dose}"
PROGRESS_VARIANT = "{name} becomes {variant} ({dose})"
PROGRESS_STAY = "You said your last {part} session was hard: the same exercises and doses again."
PROGRESS_EASE = "Your last {part} session was painful, so it steps back: {changes}."
PROGRESS_EASE_NONE = "Your last {part} session was painful: the same exercises and doses again."

# -- outcome measures on the phone page -----------------------------------------------------------
OUTCOMES_ACTIVITIES = "Name each activity and rate how well you can do it today (0 unable, 10 as before)."


# -- a handout printed once the plan is under way: its calendar and log begin with this week ------


HANDOUT_EXPECTED_END = "{end:%A %d %B %Y} (if sessions go well)"
HANDOUT_PROJECTED = "Sessions after today are projected as if they go well; your check-ins can change them."


def handout_weeks_behind(first_week: int, start: dt.date) -> str:
    """Why the calendar and the log start at week `first_week`, not week 1."""
    passed = "Week 1 has" if first_week == 2 else f"Weeks 1 to {first_week - 1} have"
    return (
        f"{passed} passed since the start on {start:%d %B %Y}: the calendar and the session log "
        f"begin with this week, week {first_week}."
    )


# -- the handout of a plan a warning sign stopped: no programme it will not run ---------------------
HANDOUT_STOPPED_LABEL = "Programme"
HANDOUT_STOPPED = (
    "Stopped: no sessions until a clinician has checked the warning sign below and cleared it. "
    "Then your plan goes on, and you will be given a programme to follow."
)

# -- today's check-in, once made (the phone page; several a day are merged, planner.core.same_day) --
TODAY_RECORDED_HEADING = "Today's check-in is saved."
TODAY_RECORDED = "You reported today's session: {what}."
TODAY_ANOTHER = "Add another report for today"
TODAY_ANOTHER_HINT = (
    "It is combined with what you reported already: the most cautious answer counts (the higher pain, "
    "a flare-up or a warning sign)."
)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def your_week(run_days: Sequence[int], strength_days: Sequence[int], time: str) -> str:
    """The handout's week: "runs on Monday, Wednesday and Saturday; strength on Tuesday and
    Thursday; at 07:30" (days 1-7, Monday first)."""
    parts = [
        f"{what} on {listed([WEEKDAYS[d - 1] for d in days])}"
        for what, days in (("runs", run_days), ("strength", strength_days))
        if days
    ]
    return "; ".join([*parts, f"at {time}"])


def listed(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C": a list as a sentence says it."""
    return " and ".join(item for item in (", ".join(items[:-1]), *items[-1:]) if item)


def _one_or_more(words: tuple[str, str], count: int) -> str:
    return words[0] if count == 1 else words[1]


def cleared_reports(days: Sequence[str], signs: Sequence[str]) -> str:
    """What a clearance assessed, in the check-ins: "the warning signs in your check-ins of Sat 07
    Mar and Mon 09 Mar (Fever or chills with your back pain; Loss of bowel control)"."""
    return CLEARED_REPORTS.format(
        the_signs=_one_or_more(SIGN_WORDS, len(signs)),
        check_ins=_one_or_more(CHECK_IN_WORDS, len(days)),
        days=listed(days),
        signs="; ".join(signs),
    )


def cleared_at_start(signs: Sequence[str]) -> str:
    """What a clearance assessed at the start: "the warning sign found when your plan was made (...)"."""
    return CLEARED_AT_START.format(the_signs=_one_or_more(SIGN_WORDS, len(signs)), signs="; ".join(signs))


def reported_today(report: CheckIn) -> str:
    """ "You reported today's session: done, pain during 2/10, a flare-up." """
    parts = ["done" if report.done else "skipped"]
    if report.pain_during is not None:
        parts.append(f"pain during {report.pain_during}/10")
    if report.pain_next_morning is not None:
        parts.append(f"next morning {report.pain_next_morning}/10")
    if report.flare_up:
        parts.append("a flare-up")
    if report.note:
        parts.append("with a note")
    return TODAY_RECORDED.format(what=", ".join(parts))


NOT_MEDICAL_ADVICE = (  # every page's footer, for plans a clinic follows and plans made alone alike
    "Not medical advice: it does not replace a doctor or physiotherapist who has examined you. "
    "If you have any of the warning signs, stop and seek help."
)


@attrs.frozen
class FollowedWords:
    """The sentences that name who follows the plan and reads what the person sends (the phone
    page, the handout, the calendar, `plan show`): a clinic's clinician for a plan a clinic
    follows; nobody invented for a plan someone made for themselves (/start, or a plan outside
    any clinic), whose reports and answers only the person sees."""

    outcomes_heading: str
    outcomes_intro: str
    outcomes_saved: str
    more: str  # the check-in form's folded part
    note_label: str
    no_link: str  # where the check-in link is, on a phone that has not opened it yet
    not_advice_event: str  # every calendar event's description and the calendar's own
    not_advice_show: str  # `plan show`'s header
    not_advice_handout: str  # the handout's cover
    calendar_link: str  # the handout's "how to use" line about the calendar
    hold_summary: str  # the handout's safety page, after the pause summary
    hold: str  # a session in place of a run while a hold lasts ({until})
    severe_pain_held: str  # a plan made for severe pain at rest, with a hold ({pain}, {limit}, {until})
    red_flag_recorded: str  # a sign found at the assessment, when the plan was made ({sign}, {advice})
    stop_signs_recorded: str  # the stop screen's line naming those signs ({signs})
    contact: str  # whom an escalation asks the person to contact
    pain_bands: dict[str, tuple[PainBand, ...]] = attrs.field(eq=False)  # the safety page's light


SELF_MADE = "You made this plan yourself: no clinic or clinician follows it."  # the handout's cover

FOLLOWED_WORDS = {
    True: FollowedWords(
        "A few questions from your clinician",
        "These short questionnaires show you and your clinician how your back is changing. "
        "They take a minute; answer for how things are today.",
        "Thank you: your answers are saved for your clinician.",
        "More: soreness, stiffness, a note for your clinician",
        "Note for your clinician",
        "To check in from this phone, open your check-in link once: it is on your printed programme "
        "(the second QR code), or ask your clinician. This phone then remembers it.",
        not_advice_event="Not medical advice: follow your clinician. On any red flag, stop and seek help.",
        not_advice_show="Not medical advice: follow your clinician; on any red flag, stop and seek help.",
        not_advice_handout=(
            "This programme is not medical advice and does not replace your clinician. Follow their "
            "guidance, and stop and seek help at once if you notice any warning sign on the safety page."
        ),
        calendar_link="If your clinician gave you a calendar link, the plan in your calendar adapts as you "
        "check in.",
        hold_summary=HOLD_SUMMARY,
        hold="Your clinician has asked for no running until {until}; today is a low-impact session instead.",
        severe_pain_held=(
            "Your pain at rest was {pain}/10 when this plan was made, at or above the {limit}/10 where a "
            "clinician assesses first, so your clinician holds running until {until}. If the pain does not "
            "ease within a few days, contact them."
        ),
        red_flag_recorded=(  # signs found at the assessment: a clinician put them on the plan
            "Your clinician recorded a warning sign when your plan was made ({sign}). The programme does "
            "not start until a clinician has checked it. {advice}"
        ),
        stop_signs_recorded="Your clinician recorded, when your plan was made: {signs}.",
        contact="your clinician or physiotherapist",
        pain_bands=PAIN_BANDS_FOR[True],
    ),
    False: FollowedWords(
        "A few questions about your progress",
        "These short questionnaires show you how your back is changing. "
        "They take a minute; answer for how things are today.",
        "Thank you: your answers are saved with your plan.",
        "More: soreness, stiffness, a note",
        "A note for yourself (kept with this report)",
        "To check in from this phone, open your check-in link once: it is on your printed programme "
        "(the second QR code) and is the page you saw when you made your plan. This phone then "
        "remembers it.",
        not_advice_event="Not medical advice: it does not replace a doctor or physiotherapist. On any red "
        "flag, stop and seek help.",
        not_advice_show="Not medical advice: it does not replace a doctor or physiotherapist; on any red "
        "flag, stop and seek help.",
        not_advice_handout=(
            "This programme is not medical advice and does not replace a doctor or physiotherapist who "
            "has examined you. Stop and seek help at once if you notice any warning sign on the safety "
            "page."
        ),
        calendar_link="If you add the plan's calendar link to your calendar, the plan there adapts as you "
        "check in.",
        hold_summary="If a doctor or physiotherapist has told you not to run for a while, follow that.",
        hold="No running until {until}, as set when this plan was made; today is a low-impact session "
        "instead.",
        severe_pain_held=(
            "Your pain at rest was {pain}/10 when this plan was made, at or above the {limit}/10 where a "
            "clinician assesses first, so running is held until {until}. If the pain does not ease within "
            "a few days, contact a GP or physiotherapist."
        ),
        red_flag_recorded=(
            "A warning sign was recorded when your plan was made ({sign}). The programme does not start "
            "until a clinician has checked it. {advice}"
        ),
        stop_signs_recorded="Recorded when your plan was made: {signs}.",
        contact="a physiotherapist or doctor",
        pain_bands=PAIN_BANDS_FOR[False],
    ),
}

# -- the first thing said after a report that stops the plan or pauses running ---------------------
# (every channel: the phone page, /start's stop screen and the command line; planner.core.report_answer)
STOP_HEADING = {
    Urgency.EMERGENCY: "Get help now: this is an emergency",
    Urgency.URGENT: "Get help today",
    Urgency.SOON: "See a clinician in the next few days",
}
STOP_PROGRAMME = "Your programme is stopped: do no more sessions until a clinician has checked you."
STOP_SIGNS = "You reported: {signs}."
CALL_EMERGENCY = "Call {number} (emergency)"
CALL_URGENT = "Call {name} on {number} (urgent advice, not an emergency)"
PAUSED_HEADING = "Running is paused"
PAUSED_MEANS = (
    "Do not run for now. Your plan puts a low-impact session of a similar length (such as walking, "
    "cycling or swimming) in place of each run; keep your strength and mobility work gentle."
)
PAUSED_RESUMES = (
    "Running starts again by itself once your check-ins show that pain during sessions stays low and "
    "has settled by the next morning, so keep checking in after each session."
)
# Today's card on the phone page when running paused after a check-in about today's run
PAUSED_TODAY_TITLE = "Rest"
PAUSED_TODAY = (
    "You have checked in on today's run and running is now paused: do not run again today, rest. "
    "Your next sessions, below, are low-impact ones until your check-ins show the pain has settled."
)
PAUSED_WORSE = (
    "If the pain gets worse, spreads down a leg or keeps you awake, contact your physiotherapist or "
    "doctor today. Any warning sign (listed on your check-in form and your printed programme) "
    "means stop and get help."
)
# -- where a rule comes from, as a patient reads it (planner.core.evidence); clinicians' views --------
# (the plan's JSON, the portal) keep the exact citation
EVIDENCE = {
    Evidence.RESEARCH: "published research or clinical guidelines",
    Evidence.CLINIC: "clinic practice, not yet checked against research",
    Evidence.ARTICLES: "health advice articles on back pain, not yet checked against research",
    Evidence.CLINICIAN: "your clinician's assessment",
}
BASED_ON = "Based on: {kinds}."

# -- the calendar -----------------------------------------------------------------------------
CANCELLED_TITLE = "Cancelled: {title}"
CANCELLED_TEXT = (
    "Cancelled: this session is no longer part of your plan. Do not do it; your calendar shows "
    "what to do instead."
)
# One calendar, not two: a file imported beside a subscription shows every session twice.
SUBSCRIBE_OR_IMPORT = "Subscribe or import the calendar file, not both: both would show every session twice."
# The handout printed without the plan's calendar address (never issued, or revoked): what to do
# instead of scanning, by whether a clinic follows the plan ({plan_id} for the person's own).
NO_CALENDAR_CODE = {
    True: "This copy has no calendar code: ask your clinician for the plan's calendar link to subscribe "
    "to, or for a calendar file to import.",
    False: 'This copy has no calendar code: the command "rehab-planner feed url {plan_id}" gives the '
    'plan\'s calendar link to subscribe to ("rehab-planner export pdf {plan_id} --with-feed" prints its '
    'code here), or "rehab-planner export ics {plan_id}" a calendar file to import.',
}
