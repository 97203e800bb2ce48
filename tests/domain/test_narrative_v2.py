"""The version 2 sentences explain rather than list: the change in children on a plan as joined
less left, what grew most, agencies whose escalations rose or fell, plans reaching two years."""

from __future__ import annotations

from datetime import date

from safeguard.domain.calendar import Nation, WorkingDayCalendar
from safeguard.domain.figures import build_report
from safeguard.domain.figures_v2 import (
    ChildRecord,
    EscalationRecord,
    PlanRecord,
    RecordsV2,
    figures_v2,
)
from safeguard.domain.narrative import narrative_for
from safeguard.domain.periods import Period
from tests.factories_report import seed_like_inputs

PERIOD = Period(date(2022, 4, 1), date(2022, 9, 30))
CALENDAR = WorkingDayCalendar(Nation.england, bank_holidays={})


def narrative(records: RecordsV2, **changes):
    on_plan = {
        date(2022, 9, 30): sum(
            1
            for p in records.plans
            if p.start_on <= date(2022, 9, 30)
            and (p.end_on is None or p.end_on > date(2022, 9, 30))
        ),
        date(2021, 9, 30): sum(
            1
            for p in records.plans
            if p.start_on <= date(2021, 9, 30)
            and (p.end_on is None or p.end_on > date(2021, 9, 30))
        ),
    }
    additions = figures_v2(records, period=PERIOD, include_informal=False, calendar=CALENDAR)
    return narrative_for(
        build_report(seed_like_inputs(on_plan_at=on_plan, additions=additions, **changes))
    )


def _records() -> RecordsV2:
    children = {
        "A": ChildRecord("A", date(2020, 1, 1)),
        "B": ChildRecord("B", date(2019, 1, 1)),
        "C": ChildRecord("C", None),
        "D": ChildRecord("D", date(2010, 1, 1)),
        "E": ChildRecord("E", date(2015, 1, 1)),
    }
    plans = [
        PlanRecord("A", date(2022, 5, 1), None, "NEG"),
        PlanRecord("B", date(2022, 6, 1), None, "NEG"),
        PlanRecord("C", date(2022, 9, 1), None, "EMO"),
        PlanRecord("D", date(2020, 12, 1), date(2022, 5, 1), "PHY"),  # left
        PlanRecord("E", date(2020, 12, 15), None, "PHY"),  # two years on 15 December 2022
    ]
    return RecordsV2(children=children, plans=plans)


def test_the_change_is_explained_as_joined_less_left_with_what_grew_most():
    sentences = narrative(_records()).population_change
    assert sentences[0] == (
        "Between 30th September 2021 and 30th September 2022, 3 children were made subject to a "
        "plan and 1 ceased to be, so the number on a plan rose by 2 (3 joined less 1 left)."
    )
    assert sentences[1] == (
        "The largest rises were among children aged 1 to 4 (from 0 to 2) and in plans for "
        "neglect (from 0 to 2)."
    )
    assert sentences[2] == "Unborn children on a plan rose from 0 to 1."


def test_plans_reaching_two_years_within_six_months_are_named():
    sentences = narrative(_records()).population_profile
    assert sentences[1] == (
        "0 children had been on a plan for two years or more; a further 1 will reach two years "
        "by 30th March 2023 unless their plans end, and their reviews should test whether the "
        "plan is still working."
    )


def test_agencies_whose_escalations_rose_or_fell_against_the_previous_period_are_named():
    escalations = [
        EscalationRecord(date(2021, 11, 1), "GP's"),
        EscalationRecord(date(2021, 12, 1), "Police"),
        EscalationRecord(date(2022, 1, 1), "Police"),
        EscalationRecord(date(2022, 2, 1), "Education"),
    ]
    sentences = narrative(
        RecordsV2(escalations=escalations),
        escalations_by_organisation={"GP's": 21, "Education": 1},
    ).escalation_changes
    assert sentences[0] == (
        "Compared with the previous period (1st October 2021 – 31st March 2022), escalations "
        "rose for GP's (from 1 to 21), and fell for Police (from 2 to 0)."
    )
    assert sentences[1] == "0 escalations were resolved in the period; 4 remained open at its end."
