"""Synthetic authorities of any size, written as exchange-format bundles (for benchmarks).

`write_synthetic_bundle(folder, children=N, years=Y, seed=S)` writes the six CSV files of an
authority with N children whose child-protection history spans the Y years ending on `end_on`.
Unlike the demo authority (.authority), which is fitted to one real report's
figures, this generator has no targets to meet, so it can stream: it simulates one family at a
time, writes that family's rows to all six files and forgets it. Memory stays constant however
many children are asked for (600,000 for an England-sized extract), and the same arguments
always give the same bytes.

The dynamics follow practice under Working Together 2023 (the rules are the domain's own:
`safeguard.domain.timeliness` decides every due date used here):

- families (sibling groups of one to four children, sometimes with an unborn baby) arrive
  evenly over the years; most come through a strategy discussion and an initial conference,
  a few as transfers in from another authority;
- most initial conferences make a plan; the first review falls due three months later, then
  every six months; most reviews are held a little early, a few late (with a reason), and a
  plan ends at the review after its planned length (sometimes called early for that);
- an unborn baby's conference is held before the birth, and the baby is born (or, near the end
  of the extract, still expected) later; a sibling sometimes leaves a plan before the others;
- some families come back for a second or third plan after a year or more;
- each meeting records the agencies invited and what they sent; agencies that neither reported
  nor sent apologies are sometimes escalated; chairs make midway and pre-review checks;
- a few facts are missing, as in real extracts (a strategy discussion or notification date,
  a participation record), so some verdicts are not determinable.

The sizes follow the proportions of issue 2: 2,500 children over 8 years give about 8,000
conference rows and 30,000 rows in all. Every id is zero-padded to a fixed width, so each file
is in id order both as strings and as numbers. Pure Python: imports no Django.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pathlib
import random
from dataclasses import dataclass, field
from typing import TextIO

from safeguard.domain.calendar import add_months
from safeguard.domain.timeliness import (
    ConferenceKind,
    initial_conference_due_on,
    midway_check_due_on,
    pre_review_check_due_on,
    review_conference_due_on,
    rule_set_for,
    transfer_in_conference_due_on,
)
from safeguard.exchange.schema import (
    CHILDREN,
    CONFERENCES,
    ESCALATIONS,
    FILES,
    INVITATIONS,
    MONITORING_CHECKS,
    PLANS,
)
from safeguard.spreadsheet_cells import SafeCsvWriter

from .authority import (
    AREAS,
    CATEGORIES,
    CHAIRS,
    END_REASONS,
    ESCALATION_ORGANISATION_WEIGHTS,
    ESCALATION_REASONS,
    ETHNICITIES,
    FAMILY_NAMES,
    GIVEN_NAMES_F,
    GIVEN_NAMES_M,
    GP_SURGERIES,
    LATE_REASONS,
    ORGANISATION_TYPES,
    SCHOOLS,
)

__all__ = ["DEFAULT_END_ON", "write_synthetic_bundle"]

# A fixed default, so that a seed alone decides the bytes (not the day the command is run).
DEFAULT_END_ON = dt.date(2025, 3, 31)
ID_DIGITS = 9  # room for a billion of each record: string order is numeric order

FAMILY_SIZES = ((1, 42), (2, 32), (3, 17), (4, 9))
ELDEST_AGE_WEIGHTS = (14, 9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5, 4, 4, 3)  # ages 0-15
UNBORN_FAMILY_CHANCE = 0.12
TRANSFER_IN_CHANCE = 0.03
INITIAL_MAKES_PLAN_CHANCE = 0.8
LATE_INITIAL_CHANCE = 0.04
LATE_REVIEW_CHANCE = 0.03
MISSING_STRATEGY_DISCUSSION_CHANCE = 0.015
MISSING_NOTIFICATION_CHANCE = 0.05
ENDING_REVIEW_CALLED_EARLY_CHANCE = 0.3
SIBLING_LEAVES_CHANCE = 0.02
REPEAT_AFTER_PLAN_CHANCE = 0.2
REPEAT_AFTER_NO_PLAN_CHANCE = 0.08
MAX_EPISODES = 3
NO_MEETING_ID_CHANCE = 0.03  # a one-child conference recorded without a meeting_id
ESCALATION_CHANCE = 0.09  # per meeting
INFORMAL_ESCALATION_CHANCE = 0.06
MIDWAY_CHECK_CHANCE = 0.45
PRE_REVIEW_CHECK_CHANCE = 0.35
PARTICIPATION_NOT_RECORDED_CHANCE = 0.03
# (months low, months high, weight): how long a plan is meant to last.
PLANNED_LENGTHS = ((2.5, 4, 7), (5, 9, 28), (9, 15, 40), (15, 20, 21), (20, 28, 4))
CHECK_CONCERNS_CHANCE = 0.13

_RULES = rule_set_for("england")
_CALENDAR = _RULES.calendar
_SOCIAL_CARE, _GP, _HEALTH_VISITOR, _EDUCATION, _POLICE, _PROBATION, _HOUSING, _DRUGS, _OTHER = (
    ORGANISATION_TYPES
)
_ONE_DAY = dt.timedelta(days=1)


class _Choice:
    """A weighted choice with its cumulative weights worked out once (it is called millions of
    times for an England-sized bundle)."""

    def __init__(self, pairs) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


_family_size = _Choice(FAMILY_SIZES)
_eldest_age = _Choice(list(enumerate(ELDEST_AGE_WEIGHTS)))
_ethnicity = _Choice(ETHNICITIES)
_category = _Choice(CATEGORIES)
_end_reason = _Choice(END_REASONS)
_planned_length = _Choice([((low, high), weight) for low, high, weight in PLANNED_LENGTHS])
_escalation_reason = _Choice(ESCALATION_REASONS)
_escalation_stage = _Choice(((1, 86), (2, 11), (3, 3)))
_escalation_organisation_weight = dict(ESCALATION_ORGANISATION_WEIGHTS)
_young_views = _Choice((("written", 40), ("other", 15), ("advocate", 10), ("not_obtained", 35)))
_absent_views = _Choice((("advocate", 30), ("written", 30), ("other", 10), ("not_obtained", 30)))
_present_code = _Choice((("PN1", 70), ("PN2", 20), ("PN3", 5), ("PN4", 5)))
_VIEWS_CODE = {"advocate": "PN5", "not_obtained": "PN7"}
# What an invitation says when it gave rise to an escalation for each reason:
# (report_received, attended, apologies); None leaves the drawn value.
_ESCALATED_INVITATION = {
    "no_report_no_apologies": ("no", False, False),
    "no_report": ("no", False, True),
    "late_report": ("late", None, None),
    "non_attendance": ("yes", False, True),
    "no_apologies": ("yes", False, False),
}


@dataclass(eq=False)
class _Child:
    number: int
    given_name: str
    family_name: str
    sex: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    born_on: dt.date  # the birth, even when it falls after the extract's end
    prefix: str = ""

    @property
    def child_id(self) -> str:
        return f"{self.prefix}C{self.number:0{ID_DIGITS}d}"


@dataclass(eq=False)
class _Family:
    number: int
    family_name: str
    area: str
    chair: str
    ethnicity: str
    children: list[_Child] = field(default_factory=list)


class _Ids:
    """The next number of each kind of record, in the order the rows are written."""

    def __init__(self) -> None:
        self.child = self.plan = self.conference = self.meeting = 0
        self.escalation = self.check = 0

    def next(self, kind: str) -> int:
        value = getattr(self, kind) + 1
        setattr(self, kind, value)
        return value


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "yes" if value else "no"


def _age_on(born_on: dt.date, day: dt.date) -> int:
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


class _Authority:
    def __init__(
        self,
        folder: pathlib.Path,
        *,
        children: int,
        years: int,
        seed: int,
        end_on: dt.date,
        id_prefix: str = "",
    ) -> None:
        self.rng = random.Random(seed)
        self.prefix = id_prefix
        self.total_children = children
        self.end_on = end_on
        self.start_on = add_months(end_on, -12 * years) + _ONE_DAY
        self.span_days = (end_on - self.start_on).days
        self.ids = _Ids()
        self.counts = {spec.filename: 0 for spec in FILES}
        self.folder = folder
        self._handles: dict[str, TextIO] = {}
        self._writers: dict[str, SafeCsvWriter] = {}

    # -- output --

    def __enter__(self) -> _Authority:
        self.folder.mkdir(parents=True, exist_ok=True)
        for spec in FILES:
            handle = (self.folder / spec.filename).open("w", encoding="utf-8", newline="")
            self._handles[spec.filename] = handle
            writer = SafeCsvWriter(handle, lineterminator="\r\n")
            writer.writerow(spec.column_names)
            self._writers[spec.filename] = writer
        return self

    def __exit__(self, *exc_info) -> None:
        for handle in self._handles.values():
            handle.close()

    def _write(self, filename: str, row: list[str]) -> None:
        self._writers[filename].writerow(row)
        self.counts[filename] += 1

    # -- the whole authority --

    def run(self) -> None:
        made = 0
        number = 0
        while made < self.total_children:
            number += 1
            size = min(_family_size(self.rng), self.total_children - made)
            # Arrivals are spread evenly over the years, in the order the children are numbered.
            offset = (made + self.rng.random() * size) / self.total_children * self.span_days
            first_on = self.start_on + dt.timedelta(days=int(offset))
            self._family(number, size, first_on)
            made += size

    # -- one family, from its first conference to its last --

    def _family(self, number: int, size: int, first_on: dt.date) -> None:
        rng = self.rng
        family = _Family(
            number=number,
            family_name=rng.choice(FAMILY_NAMES),
            area=rng.choice(AREAS),
            chair=rng.choice(CHAIRS),
            ethnicity=_ethnicity(rng),
        )
        strategy_on = _CALENDAR.working_day_on_or_before(first_on)
        transfer = rng.random() < TRANSFER_IN_CHANCE
        unborn = not transfer and rng.random() < UNBORN_FAMILY_CHANCE
        # The first conference is held within days of the strategy discussion or notification;
        # the children's dates of birth are drawn around it.
        held_on = self._first_conference_on(strategy_on)
        self._make_children(family, size, held_on, unborn)
        episode = 0
        kind = ConferenceKind.transfer_in if transfer else ConferenceKind.initial
        while True:
            episode += 1
            members = [c for c in family.children if c.born_on > held_on - dt.timedelta(days=6200)]
            if not members:
                return
            finished_on, made_plan = self._episode(family, members, kind, strategy_on, held_on)
            if finished_on is None or episode >= MAX_EPISODES:
                return
            chance = REPEAT_AFTER_PLAN_CHANCE if made_plan else REPEAT_AFTER_NO_PLAN_CHANCE
            if rng.random() >= chance:
                return
            strategy_on = _CALENDAR.working_day_on_or_before(
                finished_on + dt.timedelta(days=rng.randint(330, 1500))
            )
            held_on = self._first_conference_on(strategy_on)
            if held_on > self.end_on:
                return
            kind = ConferenceKind.initial
            if rng.random() < 0.3:
                family.chair = rng.choice(CHAIRS)

    def _first_conference_on(self, strategy_on: dt.date) -> dt.date:
        return _CALENDAR.working_day_on_or_after(
            strategy_on + dt.timedelta(days=self.rng.randint(4, 16))
        )

    def _make_children(self, family: _Family, size: int, first_on: dt.date, unborn: bool) -> None:
        rng = self.rng
        born = size - 1 if unborn else size
        dates: list[dt.date] = []
        if born:
            age = max(_eldest_age(rng), born - 1, 1 if unborn else 0)
            eldest = first_on - dt.timedelta(days=int(age * 365.25) + rng.randint(20, 330))
            dates.append(eldest)
            room = (first_on - eldest).days - 30
            for _ in range(born - 1):
                used = (dates[-1] - eldest).days
                gap = rng.randint(330, 1100)
                if used + gap > room:
                    gap = max(0, room - used) // 2
                dates.append(dates[-1] + dt.timedelta(days=gap))
        half_sibling = rng.choice(FAMILY_NAMES) if rng.random() < 0.2 else None
        for index, born_on in enumerate(dates):
            name = family.family_name
            if half_sibling and index == len(dates) - 1 and len(dates) > 1:
                name = half_sibling
            family.children.append(self._child(family, name, born_on, None))
        if unborn:
            expected = first_on + dt.timedelta(days=rng.randint(30, 120))
            born_on = max(
                first_on + dt.timedelta(days=7), expected + dt.timedelta(rng.randint(-14, 10))
            )
            family.children.append(self._child(family, family.family_name, born_on, expected))
        for child in family.children:
            self._write(
                CHILDREN.filename,
                [
                    child.child_id,
                    child.given_name,
                    child.family_name,
                    _iso(child.date_of_birth),
                    _iso(child.expected_date_of_birth),
                    child.sex,
                    family.ethnicity,
                    family.area,
                ],
            )

    def _child(
        self, family: _Family, family_name: str, born_on: dt.date, expected: dt.date | None
    ) -> _Child:
        rng = self.rng
        sex = rng.choice("MF")
        known = born_on <= self.end_on
        return _Child(
            prefix=self.prefix,
            number=self.ids.next("child"),
            given_name=rng.choice(GIVEN_NAMES_M if sex == "M" else GIVEN_NAMES_F) if known else "",
            family_name=family_name,
            sex=sex if known else "U",
            date_of_birth=born_on if known else None,
            expected_date_of_birth=expected,
            born_on=born_on,
        )

    # -- one episode: a first conference and, when it makes a plan, the reviews --

    def _episode(
        self,
        family: _Family,
        members: list[_Child],
        kind: ConferenceKind,
        notified_on: dt.date,
        held_on: dt.date,
    ) -> tuple[dt.date | None, bool]:
        """Write one referral's records; returns the day it finished (None while a plan is
        still open at the end of the extract) and whether it made a plan."""
        rng = self.rng
        if kind is ConferenceKind.initial:
            due_on = initial_conference_due_on(notified_on, _RULES)
            missing = rng.random() < MISSING_STRATEGY_DISCUSSION_CHANCE
        else:
            due_on = transfer_in_conference_due_on(notified_on, _RULES)
            missing = rng.random() < MISSING_NOTIFICATION_CHANCE
        late_reason = ""
        if rng.random() < LATE_INITIAL_CHANCE:
            held_on = _CALENDAR.working_day_on_or_after(
                due_on + dt.timedelta(days=rng.randint(1, 15))
            )
            late_reason = rng.choice(LATE_REASONS)
        elif held_on > due_on:
            held_on = _CALENDAR.working_day_on_or_before(due_on)
        if held_on > self.end_on:
            return None, False
        makes_plan = kind is ConferenceKind.transfer_in or rng.random() < INITIAL_MAKES_PLAN_CHANCE
        category = _category(rng)
        plans: dict[_Child, list] = {}
        if makes_plan:
            for child in members:
                # [plan number, start, end, end reason, meetings held under it]
                plans[child] = [self.ids.next("plan"), held_on, None, "", [held_on]]
        outcome = "plan" if makes_plan else "no_plan"
        self._meeting(
            family,
            members,
            kind,
            held_on,
            outcomes=dict.fromkeys(members, outcome),
            strategy_on=None if missing or kind is not ConferenceKind.initial else notified_on,
            notified_on=None if missing or kind is ConferenceKind.initial else notified_on,
            late_reason=late_reason,
        )
        if not makes_plan:
            return held_on, False

        low, high = _planned_length(rng)
        planned_days = rng.uniform(low, high) * 30.44
        latest_category = category if rng.random() < 0.85 else _category(rng)
        on_plan = list(members)
        previous_on, previous_kind = held_on, kind
        finished_on: dt.date | None = None
        while True:
            due_on = review_conference_due_on(previous_on, previous_kind, _RULES)
            ends = (due_on - plans[on_plan[0]][1]).days >= planned_days
            late_reason = ""
            if ends and rng.random() < ENDING_REVIEW_CALLED_EARLY_CHANCE:
                earliest = previous_on + dt.timedelta(days=42)
                day = earliest + dt.timedelta(days=rng.randint(0, max(0, (due_on - earliest).days)))
                review_on = _CALENDAR.working_day_on_or_before(day)
            elif rng.random() < LATE_REVIEW_CHANCE:
                review_on = _CALENDAR.working_day_on_or_after(
                    due_on + dt.timedelta(rng.randint(1, 30))
                )
                late_reason = rng.choice(LATE_REASONS)
            else:
                review_on = _CALENDAR.working_day_on_or_before(
                    due_on - dt.timedelta(days=rng.choice((0, 1, 3, 7, 10, 14, 21)))
                )
            if review_on > self.end_on:
                break
            if review_on <= previous_on:  # a review must follow the conference before it
                review_on = _CALENDAR.working_day_on_or_after(previous_on + dt.timedelta(days=28))
            outcomes = dict.fromkeys(on_plan, "no_plan" if ends else "plan")
            leaving = None
            if not ends and len(on_plan) > 1 and rng.random() < SIBLING_LEAVES_CHANCE:
                leaving = rng.choice(on_plan)
                outcomes[leaving] = "no_plan"
            self._meeting(
                family, on_plan, ConferenceKind.review, review_on, outcomes, late_reason=late_reason
            )
            for child in on_plan:
                plans[child][4].append(review_on)
            if ends:
                reason = _end_reason(rng)
                for child in on_plan:
                    plans[child][2:4] = [review_on, reason]
                finished_on = review_on
                break
            if leaving is not None:
                plans[leaving][2:4] = [review_on, "Child became looked after"]
                on_plan.remove(leaving)
            if rng.random() < 0.06:
                family.chair = rng.choice(CHAIRS)
            previous_on, previous_kind = review_on, ConferenceKind.review

        for child, (number, start_on, end_on, reason, meetings) in plans.items():
            self._write(
                PLANS.filename,
                [
                    f"{self.prefix}P{number:0{ID_DIGITS}d}",
                    child.child_id,
                    _iso(start_on),
                    _iso(end_on),
                    reason,
                    category,
                    latest_category if len(meetings) > 1 else category,
                ],
            )
        for number, _, end_on, _, meetings in plans.values():
            self._checks(
                family, f"{self.prefix}P{number:0{ID_DIGITS}d}", meetings, end_on is None, kind
            )
        return finished_on, True

    # -- one meeting: a conference row per child, the invitations, perhaps an escalation --

    def _meeting(
        self,
        family: _Family,
        members: list[_Child],
        kind: ConferenceKind,
        held_on: dt.date,
        outcomes: dict[_Child, str],
        *,
        strategy_on: dt.date | None = None,
        notified_on: dt.date | None = None,
        late_reason: str = "",
    ) -> None:
        rng = self.rng
        chair = family.chair if rng.random() < 0.94 else rng.choice(CHAIRS)
        with_id = len(members) > 1 or rng.random() >= NO_MEETING_ID_CHANCE
        meeting_id = f"{self.prefix}M{self.ids.next('meeting'):0{ID_DIGITS}d}" if with_id else ""
        first_conference = ""
        for child in members:
            conference_id = f"{self.prefix}CF{self.ids.next('conference'):0{ID_DIGITS}d}"
            first_conference = first_conference or conference_id
            self._write(
                CONFERENCES.filename,
                [
                    conference_id,
                    child.child_id,
                    meeting_id,
                    kind.value,
                    _iso(held_on),
                    _iso(strategy_on),
                    _iso(notified_on),
                    chair,
                    outcomes[child],
                    *self._participation(child, held_on),
                    late_reason,
                ],
            )
        reference = meeting_id or first_conference
        unborn = any(child.born_on > held_on for child in members)
        ages = [_age_on(c.born_on, held_on) if c.born_on <= held_on else -1 for c in members]
        invitations = self._invitations(family, ages, unborn)
        escalation = None
        if rng.random() < ESCALATION_CHANCE:
            weights = [_escalation_organisation_weight[i[0]] for i in invitations]
            invitation = rng.choices(invitations, weights=weights)[0]
            reason = _escalation_reason(rng)
            if invitation[0] == _SOCIAL_CARE and reason == "other":
                reason = "plan_not_progressing"
            fields = _ESCALATED_INVITATION.get(reason)
            if fields:
                received, attended, apologies = fields
                invitation[2] = received
                if attended is not None:
                    invitation[3], invitation[4] = attended, apologies
            escalation = (invitation, reason)
        for organisation, name, received, attended, apologies in invitations:
            self._write(
                INVITATIONS.filename,
                [
                    reference,
                    organisation,
                    name,
                    "yes",
                    received,
                    _yes_no(attended),
                    _yes_no(apologies),
                ],
            )
        if escalation:
            (organisation, name, *_), reason = escalation
            raised_on = held_on + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
            if raised_on > self.end_on:
                return
            resolved_on = raised_on + dt.timedelta(days=rng.randint(2, 35))
            resolved = resolved_on <= self.end_on and rng.random() < 0.95
            formal = rng.random() >= INFORMAL_ESCALATION_CHANCE
            self._write(
                ESCALATIONS.filename,
                [
                    f"{self.prefix}E{self.ids.next('escalation'):0{ID_DIGITS}d}",
                    _iso(raised_on),
                    organisation,
                    name,
                    family.area,
                    reason,
                    _yes_no(formal),
                    str(_escalation_stage(rng)),
                    first_conference,
                    members[0].child_id,
                    chair,
                    _iso(resolved_on) if resolved else "",
                ],
            )

    def _participation(self, child: _Child, held_on: dt.date) -> list[str]:
        rng = self.rng
        if child.born_on > held_on or rng.random() < PARTICIPATION_NOT_RECORDED_CHANCE:
            return ["", "", "", "", ""]
        age = _age_on(child.born_on, held_on)
        attended = advocate = prepared = False
        if age < 4:
            via, code = "not_applicable", "PN0"
        elif age < 8:
            via = _young_views(rng)
            advocate = via == "advocate"
            code = _VIEWS_CODE.get(via, "PN6")
        else:
            prepared = rng.random() < 0.3
            attended = rng.random() < (0.35 if age >= 12 else 0.1) + (0.15 if prepared else 0)
            if attended:
                via = "virtual" if rng.random() < 0.15 else "in_person"
                code = _present_code(rng)
                advocate = code == "PN2" or rng.random() < 0.15
            else:
                via = _absent_views(rng)
                advocate = via == "advocate"
                code = _VIEWS_CODE.get(via, "PN6")
        return [_yes_no(attended), _yes_no(advocate), via, _yes_no(prepared), code]

    def _invitations(self, family: _Family, ages: list[int], unborn: bool) -> list[list]:
        """The agencies recorded for a meeting: social care always, the others by the
        children's ages and chance. Each is [type, name, report received, attended, apologies]."""
        rng = self.rng
        invited = [_SOCIAL_CARE]
        if rng.random() < 0.75:
            invited.append(_GP)
        if (unborn or min(ages) < 5) and rng.random() < 0.45:
            invited.append(_HEALTH_VISITOR)
        if max(ages) >= 4 and rng.random() < 0.45:
            invited.append(_EDUCATION)
        if rng.random() < 0.2:
            invited.append(_POLICE)
        if unborn and rng.random() < 0.5:
            invited.append(_OTHER)
        rows = []
        for organisation in invited:
            if organisation == _GP:
                received = rng.choices(("yes", "late", "no"), cum_weights=(78, 96, 100))[0]
                attended = rng.random() < 0.1
            else:
                received = rng.choices(("yes", "late", "no"), cum_weights=(85, 97, 100))[0]
                attended = rng.random() < (0.97 if organisation == _SOCIAL_CARE else 0.72)
            apologies = not attended and (received != "no" or rng.random() < 0.85)
            rows.append([organisation, _organisation_name(family, organisation, unborn),
                         received, attended, apologies])  # fmt: skip
        return rows

    # -- chairs' checks between the conferences of one plan --

    def _checks(
        self,
        family: _Family,
        plan_id: str,
        meetings: list[dt.date],
        still_open: bool,
        first_kind: ConferenceKind,
    ) -> None:
        rng = self.rng
        intervals = []
        previous_kind = first_kind
        for previous_on, next_on in itertools.pairwise(meetings):
            intervals.append((previous_on, next_on, previous_kind))
            previous_kind = ConferenceKind.review
        if still_open:
            due_on = review_conference_due_on(meetings[-1], previous_kind, _RULES)
            intervals.append((meetings[-1], due_on, previous_kind))
        for previous_on, next_on, _ in intervals:
            if (next_on - previous_on).days < 42:
                continue
            for kind, chance, completed_on in (
                ("midway", MIDWAY_CHECK_CHANCE, midway_check_due_on(previous_on, next_on)),
                ("pre_review", PRE_REVIEW_CHECK_CHANCE, pre_review_check_due_on(next_on, _RULES)),
            ):
                if rng.random() >= chance:
                    continue
                completed_on = _CALENDAR.working_day_on_or_before(
                    completed_on + dt.timedelta(days=rng.randint(-3, 2))
                )
                if completed_on > self.end_on or not previous_on < completed_on < next_on:
                    continue
                concerns = rng.random() < CHECK_CONCERNS_CHANCE
                core_groups = visits = True
                alerted = ""
                if concerns:  # a concern is a core group or a visit that has slipped
                    core_groups, visits = rng.choice(((False, True), (True, False), (False, False)))
                    roles = ["social_worker"]
                    if rng.random() < 0.45:
                        roles.append("practice_supervisor")
                    if rng.random() < 0.15:
                        roles.append("team_manager")
                    alerted = ";".join(roles)
                self._write(
                    MONITORING_CHECKS.filename,
                    [
                        f"{self.prefix}MC{self.ids.next('check'):0{ID_DIGITS}d}",
                        plan_id,
                        kind,
                        _iso(completed_on),
                        family.chair,
                        _yes_no(core_groups),
                        _yes_no(visits),
                        "concerns" if concerns else "on_track",
                        alerted,
                    ],
                )


def _organisation_name(family: _Family, organisation: str, unborn: bool) -> str:
    if organisation == _OTHER:
        return "Midwifery Service" if unborn else "Family Support Service"
    return {
        _SOCIAL_CARE: f"Children's Social Care, {family.area} Team",
        _GP: GP_SURGERIES[family.number % len(GP_SURGERIES)],
        _HEALTH_VISITOR: f"{family.area} Health Visiting Team",
        _EDUCATION: SCHOOLS[family.number % len(SCHOOLS)],
        _POLICE: "Police Public Protection Unit",
        _PROBATION: "Probation Service",
        _HOUSING: "Housing Options",
        _DRUGS: "We Are With You",
    }[organisation]


def write_synthetic_bundle(
    folder: pathlib.Path | str,
    *,
    children: int,
    years: int,
    seed: int,
    end_on: dt.date | None = None,
    id_prefix: str = "",
) -> dict[str, int]:
    """Write a synthetic authority of `children` children whose records span the `years` years
    ending on `end_on` (default DEFAULT_END_ON) as an exchange-format bundle in `folder`.

    Deterministic: the same arguments write the same bytes. Returns the rows written per file.
    `id_prefix` starts every id, so that several authorities' bundles can be pooled in one
    database (a region, or England, loaded authority by authority)."""
    if children < 1:
        raise ValueError("children must be at least 1")
    if years < 1:
        raise ValueError("years must be at least 1")
    authority = _Authority(
        pathlib.Path(folder),
        children=children,
        years=years,
        seed=seed,
        end_on=end_on or DEFAULT_END_ON,
        id_prefix=id_prefix,
    )
    with authority:
        authority.run()
    return dict(authority.counts)
