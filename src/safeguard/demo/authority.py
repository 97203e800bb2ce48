"""A deterministic demo authority, written as an exchange-format bundle (a folder of CSV files).

The demo lets councillors and chairs see Safeguard with records that look like a real unit's, and
that reproduce, counted by meeting for 1 April - 30 September 2022, every figure of the seed
report (tests/data/seed/seed-figures.json): the monthly meeting counts since 2015, the children on a
plan at both period ends, the unborn initial conferences, the timeliness of FY 2021/22 and of the
period, and the escalations by month and by organisation.

How it is built, and why in this order:

1. Meetings are simulated month by month for families (sibling groups that share every meeting).
   The monthly meeting counts are the hard constraint: the reviews that fall due in a month are
   held in it, a look-ahead pulls reviews a little early when a coming month could not hold its
   due reviews, and the rest of the month is filled with initial conferences (most making a
   plan), a few transfers in, early reviews and early reviews that end a plan. The number of new
   plans steers the number of families on a plan towards a target trajectory.
2. Which initial conferences were for unborn babies is chosen afterwards (it changes no meeting).
3. Family sizes are chosen last (they change no meeting count either), so that the children on a
   plan at the end of 30 September 2021 and 2022 are exactly the seed's figures.
4. Children, plans, conference rows with participation, invitations, escalations (tied to an
   invitation with no report and no apologies) and chairs' monitoring checks follow.
5. Allocations (the social worker, practice supervisor and team manager of each plan open since
   April 2021, from each area's fictional team) come from a random generator of their own, so
   adding them changed none of the records above.

Every review is held on or before its due date (Working Together 2023: 3 months after an initial
or transfer-in conference, then every 6 months) except four reviews in FY 2021/22, which the
seed reports as out of timescale. Initial conferences sit 3-10 calendar days after the strategy
discussion, always within 15 working days, so no bank-holiday calendar is needed to keep them in
time (bank holidays are still avoided as meeting days, for realism).
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random
from dataclasses import dataclass, field

from safeguard.domain.calendar import Nation, WorkingDayCalendar, add_months, calendar_for
from safeguard.exchange.schema import (
    ALLOCATIONS,
    CHILDREN,
    CONFERENCES,
    ESCALATIONS,
    FILES,
    INVITATIONS,
    MONITORING_CHECKS,
    PLANS,
)
from safeguard.spreadsheet_cells import SafeCsvWriter

__all__ = ["DEFAULT_SEED", "write_demo_bundle"]

DEFAULT_SEED = 2022

PERIOD_END = dt.date(2022, 9, 30)
YEAR_EARLIER = dt.date(2021, 9, 30)
CHILDREN_ON_PLAN_AT_PERIOD_END = 445
CHILDREN_ON_PLAN_YEAR_EARLIER = 357
UNBORN_INITIAL_MEETINGS = (
    (dt.date(2021, 10, 1), dt.date(2022, 9, 30), 44),
    (dt.date(2020, 10, 1), dt.date(2021, 9, 30), 72),
)
# The four FY 2021/22 meetings the seed reports as out of timescale, one in each of these months.
LATE_REVIEW_MONTHS = ((2021, 6), (2021, 11), (2022, 1), (2022, 3))
SIMULATION_START = (2013, 1)  # warm-up: the figures start in 2015

# Meetings held per calendar month (seed-figures.json, conferences_by_month).
MEETINGS_BY_MONTH: dict[int, tuple[int, ...]] = {
    2015: (88, 79, 91, 72, 66, 65, 92, 54, 72, 78, 83, 62),
    2016: (77, 78, 64, 70, 91, 70, 83, 74, 71, 74, 64, 67),
    2017: (97, 84, 84, 83, 67, 78, 67, 68, 57, 89, 69, 67),
    2018: (78, 57, 67, 58, 58, 55, 71, 56, 62, 71, 63, 43),
    2019: (74, 69, 61, 53, 59, 54, 84, 57, 73, 81, 61, 66),
    2020: (75, 55, 67, 59, 80, 67, 89, 53, 66, 71, 57, 70),
    2021: (73, 64, 60, 48, 56, 67, 74, 46, 62, 59, 56, 51),
    2022: (68, 57, 78, 58, 63, 63, 84, 61, 72),
}

# Formal escalations raised per month, April to March (seed-figures.json, escalations_by_month).
ESCALATIONS_BY_FINANCIAL_YEAR: dict[int, tuple[int, ...]] = {
    2018: (15, 33, 27, 27, 20, 26, 18, 26, 12, 26, 22, 30),
    2019: (23, 24, 14, 33, 15, 46, 35, 30, 14, 32, 30, 27),
    2020: (7, 8, 16, 22, 10, 19, 13, 7, 20, 17, 12, 8),
    2021: (1, 9, 17, 11, 10, 10, 18, 3, 8, 8, 3, 9),
    2022: (6, 11, 6, 5, 9, 8),
}

# Formal escalations raised in April - September 2022 by organisation type.
ESCALATIONS_BY_ORGANISATION_IN_PERIOD: dict[str, int] = {
    "GP's": 21,
    "Social Workers / Practice Supervisors": 7,
    "Education (Nurseries, Schools etc)": 6,
    "Other / Misc. Workers": 5,
    "We Are With You": 2,
    "Health Visitor": 1,
    "Housing Officer": 1,
    "PPU": 1,
    "Probation": 1,
}

AREAS = ("North", "South", "East", "West", "Central")
CHAIRS = (
    "Helen Ashworth",
    "David Okafor",
    "Sarah Pennington",
    "Rachel Lund",
    "Imran Siddiqui",
    "Claire Morton",
    "Gareth Pryce",
)
GIVEN_NAMES_F = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Ella", "Evie", "Poppy", "Chloe", "Ruby", "Millie", "Daisy", "Phoebe",
    "Holly", "Megan", "Jessica", "Lacey", "Kayla", "Amber", "Leah", "Aisha", "Zara", "Maya",
)  # fmt: skip
GIVEN_NAMES_M = (
    "Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Jack", "Charlie", "Oscar", "Jacob",
    "Thomas", "Alfie", "Freddie", "Archie", "Riley", "Mason", "Tyler", "Kai", "Logan", "Lewis",
    "Callum", "Jayden", "Reece", "Kieran", "Ethan", "Dylan", "Liam", "Adam", "Yusuf", "Ibrahim",
)  # fmt: skip
FAMILY_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Harrison", "Lewis", "Hughes", "Edwards", "Turner", "Hill", "Cooper",
    "Ward", "Morris", "Moore", "Parker", "Bennett", "Cook", "Bailey", "Bell", "Shaw", "Marshall",
    "Kelly", "Murphy", "Collins", "Price", "Barker", "Holmes", "Palmer", "Mills", "Lloyd",
    "Hussain", "Khan", "Ali", "Begum", "Nowak", "Kowalski", "Mensah", "Okoro", "Campbell",
)  # fmt: skip
ETHNICITIES = (
    ("WBRI", 78), ("WIRI", 1), ("WIRT", 1), ("WOTH", 4), ("WROM", 1), ("MWBC", 4), ("MWBA", 1),
    ("MWAS", 1), ("MOTH", 2), ("AIND", 1), ("APKN", 2), ("ABAN", 1), ("AOTH", 1), ("BCRB", 1),
    ("BAFR", 1), ("CHNE", 0.5), ("OOTH", 1), ("NOBT", 0.5),
)  # fmt: skip
CATEGORIES = (("NEG", 46), ("EMO", 34), ("PHY", 8), ("SAB", 4), ("MUL", 8))
END_REASONS = (
    ("Risk reduced: plan no longer needed; stepped down to a Child in Need plan", 70),
    ("Risk reduced: plan no longer needed; no further support required", 10),
    ("Child became looked after", 12),
    ("Family moved to another local authority", 5),
    ("Care proceedings concluded; child placed with family", 3),
)
LATE_REASONS = (
    "Rescheduled at the parents' request; parent in hospital on the planned date",
    "Chair unavailable at short notice; earliest date agreed with the family",
    "Venue unavailable; reconvened within the week",
    "Adjourned: interpreter did not attend",
)

ORGANISATION_TYPES = (
    "Social Workers / Practice Supervisors",
    "GP's",
    "Health Visitor",
    "Education (Nurseries, Schools etc)",
    "PPU",
    "Probation",
    "Housing Officer",
    "We Are With You",
    "Other / Misc. Workers",
)
GP_SURGERIES = (
    "Riverside Medical Practice", "Oak Tree Surgery", "Market Street Health Centre",
    "Hillview Family Practice", "Northgate Medical Centre", "Castle Lane Surgery",
    "Meadowbank Health Centre", "Station Road Surgery", "The Willows Practice",
    "Abbey Fields Medical Group",
)  # fmt: skip
SCHOOLS = (
    "St Mary's CE Primary School", "Greenfield Primary Academy", "Hollins Park Nursery",
    "Westbrook High School", "Ashford Community College", "Little Acorns Day Nursery",
    "Brookside Junior School", "Kingsway Academy", "Holy Family RC Primary School",
    "Moorside Infant School",
)  # fmt: skip
OTHER_WORKERS = (
    "Midwifery Service", "CAMHS", "Family Support Service", "Domestic Abuse Service",
    "Youth Justice Service", "Adult Mental Health Team", "Early Help Team",
)  # fmt: skip
ESCALATION_ORGANISATION_WEIGHTS = (
    ("GP's", 38),
    ("Education (Nurseries, Schools etc)", 14),
    ("Social Workers / Practice Supervisors", 12),
    ("Other / Misc. Workers", 10),
    ("Health Visitor", 8),
    ("PPU", 6),
    ("We Are With You", 5),
    ("Probation", 4),
    ("Housing Officer", 3),
)
ESCALATION_REASONS = (
    ("no_report_no_apologies", 80),
    ("no_report", 6),
    ("late_report", 5),
    ("non_attendance", 4),
    ("no_apologies", 3),
    ("other", 2),
)

# The fictional workers that allocations.csv names. Their names share nothing with the
# children's (a test checks), so an email that greets a worker never seems to name a child.
WORKER_GIVEN_NAMES = (
    "Alison", "Bernadette", "Caroline", "Deborah", "Fiona", "Gillian", "Janine", "Karen",
    "Lorraine", "Michelle", "Nicola", "Paula", "Sandra", "Tracey", "Wendy", "Andrew", "Brian",
    "Craig", "Darren", "Ian", "Keith", "Martin", "Neil", "Paul", "Stuart", "Wayne",
)  # fmt: skip
WORKER_FAMILY_NAMES = (
    "Ashdown", "Brennan", "Carver", "Delaney", "Ellison", "Fairbrother", "Gillespie", "Hartley",
    "Iqbal", "Jarvis", "Kendrick", "Lomax", "Maddox", "Nightingale", "Oldfield", "Pemberton",
    "Quinlan", "Radcliffe", "Stanton", "Thorne", "Underwood", "Vickers", "Whitfield", "Yates",
)  # fmt: skip
TEAM_SIZES = (("team_manager", 1), ("practice_supervisor", 2), ("social_worker", 5))
ALLOCATIONS_FROM = dt.date(2021, 4, 1)  # plans open on or after this day get allocations
ALLOCATION_SEED_OFFSET = 7_000_007  # allocations draw from their own generator
DISABILITY_SEED_OFFSET = 9_000_011  # so does the children's disability flag
DECISIONS_SEED_OFFSET = 3_000_017  # and the conferences' category, quoracy and parents

MIN_INITIALS_PER_MONTH = 4


# --- dates -----------------------------------------------------------------------------------


def _calendar() -> WorkingDayCalendar:
    """England's working days: meetings avoid bank holidays (cosmetic only: the figures count
    meetings, not days)."""
    return calendar_for(Nation.england)


def _month_bounds(month: tuple[int, int]) -> tuple[dt.date, dt.date]:
    first = dt.date(*month, 1)
    return first, add_months(first, 1) - dt.timedelta(days=1)


def _next_month(month: tuple[int, int], step: int = 1) -> tuple[int, int]:
    first = add_months(dt.date(*month, 1), step)
    return first.year, first.month


def _months_between(earlier: dt.date, later: dt.date) -> float:
    return (later - earlier).days / 30.44


def _meeting_target(month: tuple[int, int]) -> int | None:
    counts = MEETINGS_BY_MONTH.get(month[0])
    if counts is None or month[1] > len(counts):
        return None
    return counts[month[1] - 1]


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- the simulated unit ----------------------------------------------------------------------


@dataclass(eq=False)
class Family:
    number: int
    family_name: str
    area: str
    chair: str
    ethnicity: str
    eldest_age: int  # whole years at the family's first conference
    size: int  # children discussed at each meeting, an unborn baby included
    first_on: dt.date
    episodes: list[Episode] = field(default_factory=list)
    unborn_episode: Episode | None = None
    children: list[Child] = field(default_factory=list)
    dropped: list[Meeting] = field(default_factory=list)  # the living demo's unarranged meetings


@dataclass(eq=False)
class Episode:
    """One referral of a family: an initial (or transfer-in) conference and, if it made a plan,
    the reviews until the plan ended."""

    number: int
    family: Family
    start_on: dt.date
    makes_plan: bool
    planned_months: float
    initial_category: str
    latest_category: str
    meetings: list[Meeting] = field(default_factory=list)
    end_on: dt.date | None = None
    end_reason: str = ""
    due_on: dt.date | None = None  # the next review's due date while the plan is open
    effective_due_on: dt.date = dt.date.max  # the last working day on or before due_on

    def set_due(self, due_on: dt.date | None) -> None:
        self.due_on = due_on
        self.effective_due_on = (
            dt.date.max if due_on is None else _calendar().working_day_on_or_before(due_on)
        )


@dataclass(eq=False)
class Meeting:
    held_on: dt.date
    kind: str  # initial, review, transfer_in
    episode: Episode
    outcome: str
    chair: str
    strategy_discussion_on: dt.date | None = None
    transfer_notification_on: dt.date | None = None
    out_of_timescale_reason: str = ""
    meeting_id: str = ""


@dataclass(eq=False)
class Child:
    child_id: str
    given_name: str
    family_name: str
    sex: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    ethnicity: str
    area: str
    birth_on: dt.date | None = None  # an unborn baby's birth, known to the simulation


def _family_target(month: tuple[int, int]) -> float:
    """Families on a plan the simulation steers towards (children follow from family sizes)."""
    anchors = (
        ((2013, 1), 230.0),
        ((2017, 9), 240.0),
        ((2018, 12), 205.0),
        ((2021, 3), 195.0),
        ((2021, 9), 190.0),
        ((2022, 9), 236.0),
    )
    index = month[0] * 12 + month[1]
    for (m0, v0), (m1, v1) in zip(anchors, anchors[1:], strict=False):
        i0, i1 = m0[0] * 12 + m0[1], m1[0] * 12 + m1[1]
        if i0 <= index <= i1:
            return v0 + (v1 - v0) * (index - i0) / (i1 - i0)
    return anchors[-1][1]


class _Simulation:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.families: list[Family] = []
        self.episodes: list[Episode] = []
        self.meetings: list[Meeting] = []
        self.active: list[Episode] = []  # open plans

    # -- building blocks --

    def _new_family(self, first_on: dt.date) -> Family:
        rng = self.rng
        age = rng.choices(range(16), weights=[14, 9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5, 4, 4, 3])[0]
        size = rng.choices((1, 2, 3, 4), weights=(42, 32, 17, 9))[0]
        family = Family(
            number=len(self.families) + 1,
            family_name=rng.choice(FAMILY_NAMES),
            area=rng.choice(AREAS),
            chair=rng.choice(CHAIRS),
            ethnicity=_weighted(rng, ETHNICITIES),
            eldest_age=age,
            size=min(size, 1 + age),
            first_on=first_on,
        )
        self.families.append(family)
        return family

    def _repeat_family(self, on: dt.date) -> Family | None:
        """A family known before, whose last referral closed more than a year ago."""
        if not self.families:
            return None
        for _ in range(40):
            family = self.rng.choice(self.families)
            last = family.episodes[-1]
            finished_on = last.end_on if last.makes_plan else last.start_on
            if finished_on is None or (on - finished_on).days < 400:
                continue
            if family.eldest_age + (on - family.first_on).days / 365.25 > 14:
                continue
            return family
        return None

    def _planned_months(self) -> float:
        rng = self.rng
        band = rng.choices(range(5), weights=(7, 28, 40, 21, 4))[0]
        low, high = ((2.5, 4), (5, 9), (9, 15), (15, 20), (20, 28))[band]
        return rng.uniform(low, high)

    def _open_episode(self, held_on: dt.date, kind: str, makes_plan: bool) -> None:
        rng = self.rng
        family = None
        if kind == "initial" and rng.random() < 0.22:
            family = self._repeat_family(held_on)
        if family is None:
            family = self._new_family(held_on)
        elif rng.random() < 0.3:
            family.chair = rng.choice(CHAIRS)
        category = _weighted(rng, CATEGORIES)
        episode = Episode(
            number=len(self.episodes) + 1,
            family=family,
            start_on=held_on,
            makes_plan=makes_plan,
            planned_months=self._planned_months(),
            initial_category=category,
            latest_category=category if rng.random() < 0.85 else _weighted(rng, CATEGORIES),
        )
        family.episodes.append(episode)
        self.episodes.append(episode)
        days_before = rng.randint(3, 10)
        earlier = held_on - dt.timedelta(days=days_before)
        while earlier.weekday() >= 5:
            earlier -= dt.timedelta(days=1)
        meeting = Meeting(
            held_on=held_on,
            kind=kind,
            episode=episode,
            outcome="plan" if makes_plan else "no_plan",
            chair=family.chair,
            strategy_discussion_on=earlier if kind == "initial" else None,
            transfer_notification_on=earlier if kind == "transfer_in" else None,
        )
        episode.meetings.append(meeting)
        self.meetings.append(meeting)
        if makes_plan:
            episode.set_due(add_months(held_on, 3))
            self.active.append(episode)

    def _hold_review(
        self, episode: Episode, held_on: dt.date, ends: bool, late_reason: str = ""
    ) -> None:
        chair = episode.family.chair if self.rng.random() < 0.94 else self.rng.choice(CHAIRS)
        meeting = Meeting(
            held_on=held_on,
            kind="review",
            episode=episode,
            outcome="no_plan" if ends else "plan",
            chair=chair,
            out_of_timescale_reason=late_reason,
        )
        episode.meetings.append(meeting)
        self.meetings.append(meeting)
        if ends:
            episode.end_on = held_on
            episode.end_reason = _weighted(self.rng, END_REASONS)
            episode.set_due(None)
            self.active.remove(episode)
        else:
            episode.set_due(add_months(held_on, 6))

    def _review_ends_plan(self, episode: Episode, held_on: dt.date, pressure: float) -> bool:
        elapsed = _months_between(episode.start_on, held_on)
        threshold = episode.planned_months
        if pressure > 8:
            threshold = max(5.0, threshold - 4)
        elif pressure < -8:
            threshold += 4
        return elapsed >= threshold

    # -- one month --

    def _due_in(self, month: tuple[int, int], taken: list[Episode]) -> list[Episode]:
        first, last = _month_bounds(month)
        return [
            episode
            for episode in self.active
            if first <= episode.effective_due_on <= last and episode not in taken
        ]

    def _pull_needed(self, month: tuple[int, int]) -> tuple[int, int]:
        """Reviews to bring forward from next month so the coming months can hold their due
        reviews, and how many new plans this month leaves room for three months on."""
        carry = 0
        spare_total = 0
        spares = []
        for step in (3, 2, 1):
            ahead = _next_month(month, step)
            target = _meeting_target(ahead)
            load = len(self._due_in(ahead, [])) + carry
            if target is None:
                carry = 0
                spares.append(10_000)
                continue
            capacity = target - MIN_INITIALS_PER_MONTH
            carry = max(0, load - capacity)
            spares.append(max(0, capacity - load))
        spare_total = spares[0] + spares[1] // 2 + spares[2] // 3
        return carry, spare_total

    def run_month(self, month: tuple[int, int]) -> None:
        rng = self.rng
        first, last = _month_bounds(month)
        working = _calendar().working_days(first, last)
        target = _meeting_target(month)
        families_on_plan = len(self.active)
        goal = _family_target(month)
        pressure = families_on_plan - goal

        due = self._due_in(month, [])
        for episode in due:
            assert episode.effective_due_on >= first, "a review fell due unscheduled"
        pull_count, room_for_new = self._pull_needed(month)
        next_month = _next_month(month)
        upcoming = sorted(self._due_in(next_month, []), key=lambda e: (e.due_on, e.number))
        pulled = upcoming[:pull_count]
        reviews: list[tuple[Episode, str]] = [(e, "due") for e in due]
        reviews += [(e, "early") for e in pulled]

        desired_new = round(goal / 13.5 + 0.3 * (goal - families_on_plan))
        if target is None:
            new_plans = max(0, min(35, desired_new))
            transfers = 1 if rng.random() < 0.35 else 0
            no_plans = round(new_plans * rng.uniform(0.2, 0.35))
        else:
            slack = target - len(reviews)
            if slack < 0:
                raise RuntimeError(f"{month}: {len(reviews)} reviews due, target {target}")
            transfers = 1 if slack > 2 and rng.random() < 0.35 else 0
            slack -= transfers
            new_plans = max(min(2, slack), min(desired_new, room_for_new, slack))
            slack -= new_plans
            no_plans = min(slack, round((new_plans + transfers) * rng.uniform(0.2, 0.35)))
            slack -= no_plans
            if slack > 0:  # hold some of next month's reviews a little early
                more = [e for e in upcoming[pull_count:] if rng.random() < 0.7]
                more = more[: min(slack, max(0, len(more) // 2))]
                reviews += [(e, "early") for e in more]
                slack -= len(more)
            if slack > 0:  # reviews called early because the plan has done its work
                chosen = {id(e) for e, _ in reviews}
                ending = [
                    e
                    for e in self.active
                    if id(e) not in chosen
                    and _months_between(e.start_on, last) >= max(6.0, e.planned_months - 3)
                    and (last - e.meetings[-1].held_on).days >= 52
                ]
                rng.shuffle(ending)
                ending = ending[: slack // 2]
                reviews += [(e, "ending") for e in ending]
                slack -= len(ending)
            if slack > 0:
                extra_plans = round(slack * 0.6)
                new_plans += extra_plans
                no_plans += slack - extra_plans

        late_month = month in LATE_REVIEW_MONTHS
        for episode, why in reviews:
            due_on = episode.effective_due_on
            previous_on = episode.meetings[-1].held_on
            late_reason = ""
            if why == "due":
                if late_month and due_on.day <= last.day - 6:
                    late_month = False
                    window = _calendar().working_days(due_on + dt.timedelta(days=1), last)[:3]
                    late_reason = rng.choice(LATE_REASONS)
                else:
                    earliest = max(first, due_on - dt.timedelta(days=rng.choice((3, 7, 14, 21))))
                    window = _calendar().working_days(earliest, due_on)
            elif why == "early":
                earliest = max(first, due_on - dt.timedelta(days=42))
                window = _calendar().working_days(earliest, last)
            else:
                earliest = max(first, previous_on + dt.timedelta(days=42))
                window = _calendar().working_days(earliest, min(last, due_on))
            assert window, (month, why)
            held_on = rng.choice(window)
            ends = why == "ending" or self._review_ends_plan(episode, held_on, pressure)
            self._hold_review(episode, held_on, ends, late_reason)
        if late_month:
            raise RuntimeError(f"{month}: no review could be held late")

        kinds = ["transfer_in"] * transfers + ["initial"] * (new_plans + no_plans)
        plans = [True] * (transfers + new_plans) + [False] * no_plans
        for kind, makes_plan in zip(kinds, plans, strict=True):
            self._open_episode(rng.choice(working), kind, makes_plan)

    def run(self) -> None:
        month = SIMULATION_START
        while month <= (PERIOD_END.year, PERIOD_END.month):
            self.run_month(month)
            month = _next_month(month)
        self.meetings.sort(key=lambda m: (m.held_on, m.episode.family.number))


# --- after the simulation --------------------------------------------------------------------


def _choose_unborn(rng: random.Random, sim: _Simulation) -> None:
    """Mark which first-time initial conferences were for an unborn baby: exactly the seed's
    counts in its two years, about four a month otherwise."""
    candidates = [
        m for m in sim.meetings if m.kind == "initial" and m.episode.family.episodes[0] is m.episode
    ]
    chosen: list[Meeting] = []
    for start, end, count in UNBORN_INITIAL_MEETINGS:
        in_window = [m for m in candidates if start <= m.held_on <= end]
        chosen += rng.sample(in_window, count)
    windows = [(s, e) for s, e, _ in UNBORN_INITIAL_MEETINGS]
    for meeting in candidates:
        if not any(s <= meeting.held_on <= e for s, e in windows) and rng.random() < 0.19:
            chosen.append(meeting)
    for meeting in chosen:
        family = meeting.episode.family
        family.unborn_episode = meeting.episode
        if family.size > 1:
            family.eldest_age = max(family.eldest_age, 1)


def _on_plan(family: Family, day: dt.date) -> bool:
    return any(
        e.makes_plan and e.start_on <= day and (e.end_on is None or e.end_on > day)
        for e in family.episodes
    )


def _fit_family_sizes(rng: random.Random, sim: _Simulation) -> None:
    """Adjust sibling-group sizes so that the children on a plan at the two dates are exact."""

    def largest(family: Family) -> int:
        return 4 if family.unborn_episode is not None else min(4, 1 + family.eldest_age)

    at_end = [f for f in sim.families if _on_plan(f, PERIOD_END)]
    at_year_earlier = [f for f in sim.families if _on_plan(f, YEAR_EARLIER)]
    end_only = [f for f in at_end if f not in at_year_earlier]
    earlier_only = [f for f in at_year_earlier if f not in at_end]

    def adjust(group: list[Family], everyone: list[Family], wanted: int) -> None:
        shortfall = wanted - sum(f.size for f in everyone)
        order = list(group)
        rng.shuffle(order)
        while shortfall:
            step = 1 if shortfall > 0 else -1
            changed = False
            for family in order:
                if shortfall and 1 <= family.size + step <= largest(family):
                    family.size += step
                    shortfall -= step
                    changed = True
            if not changed:
                raise RuntimeError(f"family sizes cannot reach {wanted} children on a plan")

    adjust(end_only, at_end, CHILDREN_ON_PLAN_AT_PERIOD_END)
    adjust(earlier_only, at_year_earlier, CHILDREN_ON_PLAN_YEAR_EARLIER)


def _make_children(
    rng: random.Random,
    sim: _Simulation,
    *,
    families: list[Family] | None = None,
    born_by: dt.date = PERIOD_END,
    first_number: int = 1,
) -> list[Child]:
    children: list[Child] = []
    for family in sorted(sim.families if families is None else families, key=lambda f: f.first_on):
        born = family.size - (1 if family.unborn_episode is not None else 0)
        first_on = family.first_on
        dobs: list[dt.date] = []
        if born:
            # every conference of the family is held before the eldest turns 18
            last_on = max(
                (m.held_on for e in family.episodes for m in e.meetings), default=first_on
            )
            span = (last_on - first_on).days
            age_days = int(family.eldest_age * 365.25) + rng.randint(20, 330)
            age_days = max(40, min(age_days, 6540 - span))
            eldest = first_on - dt.timedelta(days=age_days)
            dobs.append(eldest)
            room = (first_on - eldest).days - 30
            for _ in range(born - 1):
                previous = dobs[-1]
                gap = rng.randint(330, 1100)
                if (previous - eldest).days + gap > room:
                    gap = max(0, room - (previous - eldest).days) // 2
                dobs.append(previous + dt.timedelta(days=gap))
        half_sibling_name = rng.choice(FAMILY_NAMES) if rng.random() < 0.2 else None
        for index, dob in enumerate(dobs):
            name = family.family_name
            if half_sibling_name and index == len(dobs) - 1 and len(dobs) > 1:
                name = half_sibling_name
            children.append(_child(rng, family, name, dob, None))
        if family.unborn_episode is not None:
            initial_on = family.unborn_episode.start_on
            expected = initial_on + dt.timedelta(days=rng.randint(21, 100))
            dob = max(
                initial_on + dt.timedelta(days=7), expected + dt.timedelta(rng.randint(-14, 10))
            )
            baby = _child(
                rng, family, family.family_name, dob if dob <= born_by else None, expected
            )
            baby.birth_on = dob
            if baby.date_of_birth is None:
                baby.given_name = ""
                baby.sex = "U"
            children.append(baby)
    for number, child in enumerate(children, start=first_number):
        child.child_id = f"C{number:06d}"
    return children


def _child(
    rng: random.Random,
    family: Family,
    family_name: str,
    dob: dt.date | None,
    expected: dt.date | None,
) -> Child:
    sex = rng.choice("MF")
    given = rng.choice(GIVEN_NAMES_M if sex == "M" else GIVEN_NAMES_F)
    child = Child("", given, family_name, sex, dob, expected, family.ethnicity, family.area)
    family.children.append(child)
    return child


def _age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _participation(rng: random.Random, child: Child, meeting: Meeting) -> dict[str, str]:
    blank = dict.fromkeys(
        ("child_attended", "advocate_involved", "views_shared_via", "preparation_session",
         "participation_code"),
        "",
    )  # fmt: skip
    dob = child.date_of_birth
    if dob is None or meeting.held_on < dob:
        return blank
    age = _age_on(dob, meeting.held_on)
    covid = dt.date(2020, 3, 23) <= meeting.held_on <= dt.date(2021, 7, 19)
    attended = advocate = prepared = False
    if age < 4:
        via, code = "not_applicable", "PN0"
    elif age < 8:
        via = _weighted(
            rng, (("written", 40), ("other", 15), ("advocate", 10), ("not_obtained", 35))
        )
        advocate = via == "advocate"
        code = {"advocate": "PN5", "not_obtained": "PN7"}.get(via, "PN6")
    else:
        pilot = meeting.held_on >= dt.date(2022, 4, 1)
        prepared = rng.random() < (0.45 if pilot else 0.2)
        attended = rng.random() < (0.35 if age >= 12 else 0.1) + (0.15 if prepared else 0)
        if attended:
            via = "virtual" if covid and rng.random() < 0.8 else "in_person"
            code = _weighted(rng, (("PN1", 70), ("PN2", 20), ("PN3", 5), ("PN4", 5)))
            advocate = code == "PN2" or rng.random() < 0.15
        else:
            via = _weighted(
                rng, (("advocate", 30), ("written", 30), ("other", 10), ("not_obtained", 30))
            )
            advocate = via == "advocate"
            code = {"advocate": "PN5", "not_obtained": "PN7"}.get(via, "PN6")
    return {
        "child_attended": _yes_no(attended),
        "advocate_involved": _yes_no(advocate),
        "views_shared_via": via,
        "preparation_session": _yes_no(prepared),
        "participation_code": code,
    }


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _invitations(rng: random.Random, meeting: Meeting) -> list[dict[str, str]]:
    family = meeting.episode.family
    ages = [
        _age_on(c.date_of_birth, meeting.held_on)
        if c.date_of_birth and c.date_of_birth <= meeting.held_on
        else -1
        for c in family.children
    ]
    invited = ["Social Workers / Practice Supervisors", "GP's"]
    if min(ages) < 5:
        invited.append("Health Visitor")
    if max(ages) >= 3:
        invited.append("Education (Nurseries, Schools etc)")
    for organisation, chance in (
        ("PPU", 0.7),
        ("Probation", 0.2),
        ("Housing Officer", 0.25),
        ("We Are With You", 0.2),
        ("Other / Misc. Workers", 0.35 if min(ages) >= 0 else 0.9),
    ):
        if rng.random() < chance:
            invited.append(organisation)
    return [
        _invitation(rng, meeting, organisation)
        for organisation in ORGANISATION_TYPES
        if organisation in invited
    ]


def _organisation_name(organisation: str, meeting: Meeting) -> str:
    family = meeting.episode.family
    if organisation == "Other / Misc. Workers" and meeting.episode is family.unborn_episode:
        return "Midwifery Service"
    return {
        "Social Workers / Practice Supervisors": f"Children's Social Care, {family.area} Team",
        "GP's": GP_SURGERIES[family.number % len(GP_SURGERIES)],
        "Health Visitor": f"{family.area} Health Visiting Team",
        "Education (Nurseries, Schools etc)": SCHOOLS[family.number % len(SCHOOLS)],
        "PPU": "Police Public Protection Unit",
        "Probation": "Probation Service",
        "Housing Officer": "Housing Options",
        "We Are With You": "We Are With You",
        "Other / Misc. Workers": OTHER_WORKERS[family.number % len(OTHER_WORKERS)],
    }[organisation]


def _invitation(rng: random.Random, meeting: Meeting, organisation: str) -> dict[str, str]:
    """One agency's invitation: most send a report and attend or send apologies; GPs seldom
    attend."""
    if organisation == "GP's":
        received = _weighted(rng, (("yes", 78), ("late", 18), ("no", 4)))
        attended = rng.random() < 0.1
    else:
        received = _weighted(rng, (("yes", 85), ("late", 12), ("no", 3)))
        attended = rng.random() < (0.97 if organisation.startswith("Social") else 0.72)
    apologies = not attended and (received != "no" or rng.random() < 0.85)
    return {
        "meeting_id": meeting.meeting_id,
        "organisation_type": organisation,
        "organisation_name": _organisation_name(organisation, meeting),
        "report_requested": "yes",
        "report_received": received,
        "attended": _yes_no(attended),
        "apologies": _yes_no(apologies),
    }


def _escalation_months() -> list[tuple[tuple[int, int], int]]:
    months = []
    for year, counts in ESCALATIONS_BY_FINANCIAL_YEAR.items():
        for index, count in enumerate(counts):
            months.append((_next_month((year, 4), index), count))
    return months


def _escalations(
    rng: random.Random,
    sim: _Simulation,
    invitations: dict[str, list[dict[str, str]]],
    rows_by_meeting: dict[str, list[dict[str, str]]],
) -> list[dict[str, str]]:
    period_organisations = [
        organisation
        for organisation, count in ESCALATIONS_BY_ORGANISATION_IN_PERIOD.items()
        for _ in range(count)
    ]
    rng.shuffle(period_organisations)
    meetings_by_month: dict[tuple[int, int], list[Meeting]] = {}
    for meeting in sim.meetings:
        meetings_by_month.setdefault((meeting.held_on.year, meeting.held_on.month), []).append(
            meeting
        )
    raised: list[dict[str, str]] = []
    used: set[tuple[str, str]] = set()  # (meeting, organisation): one escalation each
    for month, count in _escalation_months():
        in_period = month >= (2022, 4)
        meetings = meetings_by_month[month]
        for _ in range(count):
            if in_period:
                organisation = period_organisations.pop()
            else:
                organisation = _weighted(rng, ESCALATION_ORGANISATION_WEIGHTS)
            reason = _weighted(rng, ESCALATION_REASONS)
            if organisation.startswith("Social") and reason == "other":
                reason = "plan_not_progressing"
            meeting = _meeting_for_escalation(rng, meetings, organisation, used, invitations)
            used.add((meeting.meeting_id, organisation))
            raised.append(
                _escalation_row(
                    rng, meeting, organisation, reason, invitations, rows_by_meeting, True
                )
            )
    # a few informal escalations (not counted by the report unless asked)
    informal_months = [m for m, _ in _escalation_months()]
    for month in rng.sample(informal_months, 24):
        meeting = rng.choice(meetings_by_month[month])
        organisation = _weighted(rng, ESCALATION_ORGANISATION_WEIGHTS)
        reason = _weighted(rng, (("late_report", 50), ("no_apologies", 30), ("other", 20)))
        invited = any(
            r["organisation_type"] == organisation for r in invitations[meeting.meeting_id]
        )
        if not invited or (meeting.meeting_id, organisation) in used:
            continue
        used.add((meeting.meeting_id, organisation))
        raised.append(
            _escalation_row(rng, meeting, organisation, reason, invitations, rows_by_meeting, False)
        )
    raised.sort(key=lambda r: (r["date_raised"], r["conference_id"], r["organisation_type"]))
    for number, row in enumerate(raised, start=1):
        row["escalation_id"] = f"E{number:06d}"
    return raised


def _meeting_for_escalation(
    rng: random.Random,
    meetings: list[Meeting],
    organisation: str,
    used: set[tuple[str, str]],
    invitations: dict[str, list[dict[str, str]]],
) -> Meeting:
    """A meeting of the month that invited the organisation and has no escalation to it yet."""
    for attempt in range(400):
        meeting = rng.choice(meetings)
        if (meeting.meeting_id, organisation) in used:
            continue
        invited = any(
            r["organisation_type"] == organisation for r in invitations[meeting.meeting_id]
        )
        if invited or attempt >= 200:
            return meeting
    raise RuntimeError("no meeting left for an escalation")


def _escalation_row(
    rng: random.Random,
    meeting: Meeting,
    organisation: str,
    reason: str,
    invitations: dict[str, list[dict[str, str]]],
    rows_by_meeting: dict[str, list[dict[str, str]]],
    formal: bool,
) -> dict[str, str]:
    family = meeting.episode.family
    invitation = next(
        (r for r in invitations[meeting.meeting_id] if r["organisation_type"] == organisation), None
    )
    if invitation is None:  # the chair escalates to an agency that should have been invited
        invitation = _invitation(rng, meeting, organisation)
        invitations[meeting.meeting_id].append(invitation)
        invitations[meeting.meeting_id].sort(
            key=lambda r: ORGANISATION_TYPES.index(r["organisation_type"])
        )
    # the report received, then (attended, apologies) where the reason says
    fields: tuple[str, tuple[str, str] | None] | None = {
        "no_report_no_apologies": ("no", ("no", "no")),
        "no_report": ("no", ("no", "yes")),
        "late_report": ("late", None),
        "non_attendance": ("yes", ("no", "yes")),
        "no_apologies": ("yes", ("no", "no")),
    }.get(reason)
    if fields:
        received, attendance = fields
        invitation["report_received"] = received
        if attendance is not None:
            invitation["attended"], invitation["apologies"] = attendance
    _, last = _month_bounds((meeting.held_on.year, meeting.held_on.month))
    raised_on = min(last, meeting.held_on + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3))))
    resolved_on = raised_on + dt.timedelta(days=rng.randint(2, 35))
    conference = rows_by_meeting[meeting.meeting_id][0]
    return {
        "escalation_id": "",
        "date_raised": raised_on.isoformat(),
        "organisation_type": organisation,
        "organisation_name": invitation["organisation_name"],
        "area": family.area,
        "reason": reason,
        "formal": _yes_no(formal),
        "stage": str(rng.choices((1, 2, 3), weights=(86, 11, 3))[0]),
        "conference_id": conference["conference_id"],
        "child_id": conference["child_id"],
        "raised_by": meeting.chair,
        "resolved_date": resolved_on.isoformat()
        if resolved_on <= PERIOD_END and rng.random() < 0.95
        else "",
    }


def _monitoring_checks(
    rng: random.Random,
    sim: _Simulation,
    plan_ids: dict[int, list[str]],
    *,
    after: dt.date | None = None,
    until: dt.date = PERIOD_END,
    first_number: int = 1,
) -> list[dict[str, str]]:
    checks: list[tuple[dt.date, str, dict[str, str]]] = []
    for episode in sim.episodes:
        if not episode.makes_plan or episode.number not in plan_ids:
            continue
        dates = [m.held_on for m in episode.meetings]
        intervals = list(zip(dates, dates[1:], strict=False))
        if episode.end_on is None and episode.due_on is not None:
            intervals.append((dates[-1], episode.due_on))
        for previous_on, next_on in intervals:
            if (next_on - previous_on).days < 42:
                continue
            midway = _calendar().working_day_on_or_before(previous_on + (next_on - previous_on) / 2)
            pre_review = _calendar().working_day_on_or_before(
                next_on - dt.timedelta(days=rng.randint(4, 12))
            )
            for kind, completed_on in (("midway", midway), ("pre_review", pre_review)):
                if completed_on > until or (after is not None and completed_on <= after):
                    continue
                if rng.random() < 0.04:
                    continue
                concerns = rng.random() < 0.13
                core_groups = visits = True
                if concerns:  # a concern is a core group or a visit that has slipped
                    core_groups, visits = rng.choice(((False, True), (True, False), (False, False)))
                alerted = ""
                if concerns:
                    roles = ["social_worker"]
                    if rng.random() < 0.45:
                        roles.append("practice_supervisor")
                    if rng.random() < 0.15:
                        roles.append("team_manager")
                    alerted = ";".join(roles)
                chair = episode.family.chair
                for plan_id in plan_ids[episode.number]:
                    checks.append(
                        (
                            completed_on,
                            plan_id,
                            {
                                "check_id": "",
                                "plan_id": plan_id,
                                "kind": kind,
                                "date_completed": completed_on.isoformat(),
                                "chair": chair,
                                "core_groups_on_track": _yes_no(core_groups),
                                "visits_on_track": _yes_no(visits),
                                "outcome": "concerns" if concerns else "on_track",
                                "alerted": alerted,
                            },
                        )
                    )
    checks.sort(key=lambda c: (c[0], c[1], c[2]["kind"]))
    rows = []
    for number, (_, _, row) in enumerate(checks, start=first_number):
        row["check_id"] = f"MC{number:06d}"
        rows.append(row)
    return rows


def _teams(rng: random.Random) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Each area's team: (name, email) of its team manager, practice supervisors and workers."""
    people = [(g, f) for g in WORKER_GIVEN_NAMES for f in WORKER_FAMILY_NAMES]
    rng.shuffle(people)
    teams: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for area in AREAS:
        teams[area] = {}
        for role, size in TEAM_SIZES:
            chosen = [people.pop() for _ in range(size)]
            teams[area][role] = [
                (f"{given} {family}", f"{given.lower()}.{family.lower()}@example.org")
                for given, family in chosen
            ]
    return teams


def _allocations(
    seed: int,
    sim: _Simulation,
    plan_rows: list[dict[str, str]],
    plan_ids: dict[int, list[str]],
    *,
    until: dt.date = PERIOD_END,
) -> list[dict[str, str]]:
    """Who held each plan's case: a team manager, a practice supervisor and a social worker of
    the family's area, for the whole plan; about one long plan in four changes social worker."""
    rng = random.Random(seed + ALLOCATION_SEED_OFFSET)
    teams = _teams(rng)
    child_of_plan = {row["plan_id"]: row["child_id"] for row in plan_rows}
    rows: list[dict[str, str]] = []
    for episode in sorted(sim.episodes, key=lambda e: (e.start_on, e.number)):
        if not episode.makes_plan or (episode.end_on and episode.end_on < ALLOCATIONS_FROM):
            continue
        if episode.number not in plan_ids:  # a plan still to be made (the living demo)
            continue
        team = teams[episode.family.area]
        start_on, end_on = episode.start_on, episode.end_on
        spans: dict[str, list[tuple[tuple[str, str], dt.date, dt.date | None]]] = {
            role: [(rng.choice(team[role]), start_on, end_on)]
            for role in ("social_worker", "practice_supervisor", "team_manager")
        }
        last_on = end_on or until
        if (last_on - start_on).days > 120 and rng.random() < 0.25:
            change_on = start_on + dt.timedelta(
                days=rng.randint(60, (last_on - start_on).days - 30)
            )
            first = spans["social_worker"][0][0]
            second = rng.choice([w for w in team["social_worker"] if w != first])
            spans["social_worker"] = [
                (first, start_on, change_on - dt.timedelta(days=1)),
                (second, change_on, end_on),
            ]
        for plan_id in plan_ids[episode.number]:
            for role, held in spans.items():
                for (name, email), from_on, to_on in held:
                    rows.append(
                        {
                            "child_id": child_of_plan[plan_id],
                            "role": role,
                            "name": name,
                            "email": email,
                            "from": _iso(from_on),
                            "to": _iso(to_on),
                        }
                    )
    rows.sort(key=lambda r: (r["child_id"], r["role"], r["from"], r["name"]))
    return rows


# --- the bundle ------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@dataclass(eq=False)
class Authority:
    """The demo authority while it is built: the simulation and the rows written from it."""

    seed: int
    rng: random.Random
    sim: _Simulation
    children: list[Child]
    plan_rows: list[dict[str, str]]
    plan_ids: dict[int, list[str]]
    conference_rows: list[dict[str, str]]
    rows_by_meeting: dict[str, list[dict[str, str]]]
    invitations: dict[str, list[dict[str, str]]]
    escalation_rows: list[dict[str, str]]
    check_rows: list[dict[str, str]]
    extra_tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    allocations_until: dt.date = PERIOD_END


def plan_row(episode: Episode, child: Child, plan_id: str) -> dict[str, str]:
    return {
        "plan_id": plan_id,
        "child_id": child.child_id,
        "start_date": _iso(episode.start_on),
        "end_date": _iso(episode.end_on),
        "end_reason": episode.end_reason,
        "initial_category": episode.initial_category,
        "latest_category": episode.latest_category
        if episode.meetings[-1].kind == "review"
        else episode.initial_category,
    }


def conference_row(
    rng: random.Random, meeting: Meeting, child: Child, number: int
) -> dict[str, str]:
    return {
        "conference_id": f"CF{number:06d}",
        "child_id": child.child_id,
        "meeting_id": meeting.meeting_id,
        "conference_type": meeting.kind,
        "date": _iso(meeting.held_on),
        "strategy_discussion_date": _iso(meeting.strategy_discussion_on),
        "transfer_notification_date": _iso(meeting.transfer_notification_on),
        "chair": meeting.chair,
        "outcome": meeting.outcome,
        **_participation(rng, child, meeting),
        "out_of_timescale_reason": meeting.out_of_timescale_reason,
    }


def seed_authority(seed: int = DEFAULT_SEED) -> Authority:
    """The authority as the seed report saw it, on 30 September 2022."""
    rng = random.Random(seed)
    sim = _Simulation(rng)
    sim.run()
    _choose_unborn(rng, sim)
    _fit_family_sizes(rng, sim)
    children = _make_children(rng, sim)

    plan_rows: list[dict[str, str]] = []
    plan_ids: dict[int, list[str]] = {}
    for episode in sorted(sim.episodes, key=lambda e: (e.start_on, e.number)):
        if not episode.makes_plan:
            continue
        ids = plan_ids.setdefault(episode.number, [])
        for child in episode.family.children:
            plan_id = f"P{len(plan_rows) + 1:06d}"
            ids.append(plan_id)
            plan_rows.append(plan_row(episode, child, plan_id))

    conference_rows: list[dict[str, str]] = []
    rows_by_meeting: dict[str, list[dict[str, str]]] = {}
    invitations: dict[str, list[dict[str, str]]] = {}
    for number, meeting in enumerate(sim.meetings, start=1):
        meeting.meeting_id = f"M{number:06d}"
        rows = rows_by_meeting.setdefault(meeting.meeting_id, [])
        for child in meeting.episode.family.children:
            row = conference_row(rng, meeting, child, len(conference_rows) + 1)
            conference_rows.append(row)
            rows.append(row)
        invitations[meeting.meeting_id] = _invitations(rng, meeting)

    escalation_rows = _escalations(rng, sim, invitations, rows_by_meeting)
    check_rows = _monitoring_checks(rng, sim, plan_ids)
    return Authority(
        seed=seed,
        rng=rng,
        sim=sim,
        children=children,
        plan_rows=plan_rows,
        plan_ids=plan_ids,
        conference_rows=conference_rows,
        rows_by_meeting=rows_by_meeting,
        invitations=invitations,
        escalation_rows=escalation_rows,
        check_rows=check_rows,
    )


def _family_id(family: Family) -> str:
    return f"F{family.number:05d}"


def _child_rows(authority: Authority) -> list[dict[str, str]]:
    # The disability flag draws from a generator of its own, so adding it changed no record.
    rng = random.Random(authority.seed + DISABILITY_SEED_OFFSET)
    family_of = {id(c): f for f in authority.sim.families for c in f.children}
    rows = []
    for c in authority.children:
        disability = _weighted(rng, (("yes", 7), ("no", 88), ("", 5)))
        if c.date_of_birth is None:
            disability = ""
        rows.append(
            {
                "child_id": c.child_id,
                "given_name": c.given_name,
                "family_name": c.family_name,
                "date_of_birth": _iso(c.date_of_birth),
                "expected_date_of_birth": _iso(c.expected_date_of_birth),
                "sex": c.sex,
                "ethnicity": c.ethnicity,
                "area": c.area,
                "disability": disability,
                "family_id": _family_id(family_of[id(c)]),
            }
        )
    return rows


def _conference_decisions(authority: Authority) -> None:
    """The category decided at each held conference that made or continued a plan, the chair's
    judgement of quoracy and whether a parent attended (a generator of their own, so adding them
    changed no record)."""
    rng = random.Random(authority.seed + DECISIONS_SEED_OFFSET)
    meetings = {m.meeting_id: m for m in authority.sim.meetings}
    for row in authority.conference_rows:
        if row.get("status", "") not in ("", "held"):
            continue
        episode = meetings[row["meeting_id"]].episode
        category = ""
        if row["outcome"] == "plan":
            first = row["conference_type"] != "review"
            category = episode.initial_category if first else episode.latest_category
        row["category"] = category
        row["quorate"] = _weighted(rng, (("yes", 95), ("no", 3), ("", 2)))
        row["parents_attended"] = _weighted(rng, (("yes", 84), ("no", 13), ("", 3)))


def build_demo_tables(
    seed: int = DEFAULT_SEED, *, today: dt.date | None = None
) -> dict[str, list[dict[str, str]]]:
    """The demo authority's records, one list of rows per file of the bundle.

    Without `today`, the authority as it stood on 30 September 2022 (the seed report's period
    end). With it, the same records continued to `today` (safeguard.demo.living): the records up
    to 30 September 2022 give the seed's figures either way."""
    authority = seed_authority(seed)
    if today is not None:
        from .living import continue_to

        continue_to(authority, today)
    _conference_decisions(authority)
    invitation_rows = [
        row
        for meeting_id in sorted(authority.invitations)
        for row in authority.invitations[meeting_id]
    ]
    return {
        CHILDREN.filename: _child_rows(authority),
        PLANS.filename: authority.plan_rows,
        CONFERENCES.filename: authority.conference_rows,
        INVITATIONS.filename: invitation_rows,
        ESCALATIONS.filename: authority.escalation_rows,
        MONITORING_CHECKS.filename: authority.check_rows,
        ALLOCATIONS.filename: _allocations(
            authority.seed,
            authority.sim,
            authority.plan_rows,
            authority.plan_ids,
            until=authority.allocations_until,
        ),
        **authority.extra_tables,
    }


def write_demo_bundle(
    folder: pathlib.Path, *, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> None:
    """Write the demo authority's exchange-format bundle (every file of the format) into
    ``folder``.

    The same seed always writes the same bytes. The records reproduce the seed report's figures
    when counted by meeting for 1 April - 30 September 2022; a seed for which the simulation
    could not reach one of them raises RuntimeError rather than writing a bundle that misses it
    (none of seeds 0-59 does).
    """
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = build_demo_tables(seed, today=today)
    for spec in FILES:
        rows = tables.get(spec.filename, ())
        unknown = {name for row in rows for name in row} - set(spec.column_names)
        if unknown:
            raise RuntimeError(f"{spec.filename}: the demo wrote unknown columns {sorted(unknown)}")
        with (folder / spec.filename).open("w", encoding="utf-8", newline="") as handle:
            writer = SafeCsvWriter(handle, lineterminator="\r\n")
            writer.writerow(spec.column_names)
            writer.writerows([row.get(column, "") for column in spec.column_names] for row in rows)
