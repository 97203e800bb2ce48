"""The plan rules, counted in the database, agree with the rules as the DfE words them, checked
plan by plan in Python, on random plans, reviews and previous-plan counts."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from safeguard.cases.models import Plan
from safeguard.census.dfe_rules import (
    Scope,
    previous_plans_consistent,
    rule_8840,
    rule_8841,
    rule_8935,
    rule_8940,
)
from safeguard.census.models import PlanCensusDetail
from safeguard.conferences.models import Conference, Meeting
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _legacy_plans(db):
    """The DfE rules are checked against legacy records too (overlapping plans among them)."""
    from tests.factories import plans_may_overlap

    plans_may_overlap()


FIRST_DAY = dt.date(2023, 1, 1)


def _day(rng: random.Random, span: int = 500) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=rng.randrange(span))


@pytest.fixture
def records():
    """Children with up to four plans each, often overlapping or sharing a start day."""
    rng = random.Random(8940)
    for number in range(60):
        child = make_child(child_id=f"R{number:03d}")
        starts = [_day(rng) for _ in range(rng.randrange(5))]
        if starts and rng.random() < 0.3:
            starts.append(starts[0])  # two plans starting on one day
        for index, start_on in enumerate(starts):
            end_on = rng.choice([None, start_on, start_on + dt.timedelta(days=rng.randrange(300))])
            plan = make_plan(child=child, plan_id=f"P{number:03d}-{index}", start_on=start_on,
                             end_on=end_on)  # fmt: skip
            if rng.random() < 0.7:
                PlanCensusDetail.objects.create(plan=plan, previous_plans=rng.randrange(4))
        for index in range(rng.randrange(4)):
            held_on = _day(rng)
            meeting = Meeting.objects.create(reference=f"M{number}-{index}", held_on=held_on)
            Conference.objects.create(conference_id=f"C{number}-{index}", child=child,
                                      meeting=meeting, kind="review", held_on=held_on)  # fmt: skip


def _plans(scope: Scope) -> dict[str, list]:
    by_child = defaultdict(list)
    for plan in Plan.objects.filter(start_on__lte=scope.end_on).select_related("child"):
        by_child[plan.child.child_id].append(plan)
    return by_child


def reference_8940(scope: Scope) -> list[str]:
    failing = []
    for plans in _plans(scope).values():
        for plan in plans:
            for other in plans:
                if other is plan or not scope.holds(plan.start_on):
                    continue
                until = other.end_on if other.end_on is not None else scope.end_on
                if other.start_on <= plan.start_on <= until and (
                    other.start_on != plan.start_on or other.plan_id < plan.plan_id
                ):
                    failing.append(plan.child.child_id)
                    break
    return sorted(failing)


def reference_8935(scope: Scope) -> list[str]:
    failing = []
    for child_id, plans in _plans(scope).items():
        open_plans = [p for p in plans if p.end_on is None or p.end_on > scope.end_on]
        failing.extend([child_id] * max(0, len(open_plans) - 1))
    return sorted(failing)


def reference_8841(scope: Scope) -> list[str]:
    plans = _plans(scope)
    return sorted(
        review.child.child_id
        for review in Conference.objects.filter(kind="review").select_related("child")
        if scope.holds(review.held_on)
        and not any(
            p.start_on < review.held_on and (p.end_on is None or review.held_on <= p.end_on)
            for p in plans.get(review.child.child_id, ())
        )
    )


def reference_8840(scope: Scope) -> list[str]:
    return sorted(
        plan.child.child_id
        for plans in _plans(scope).values()
        for plan in plans
        if plan.end_on == plan.start_on and scope.holds(plan.end_on)
    )


def reference_previous_plans(scope: Scope) -> list[str]:
    plans = _plans(scope)
    failing = []
    for detail in PlanCensusDetail.objects.select_related("plan__child"):
        plan = detail.plan
        if detail.previous_plans is None or plan.start_on > scope.end_on:
            continue
        if scope.start_on and plan.end_on is not None and plan.end_on < scope.start_on:
            continue
        earlier = sum(1 for p in plans[plan.child.child_id] if p.start_on < plan.start_on)
        if detail.previous_plans < earlier:
            failing.append(plan.child.child_id)
    return sorted(failing)


SCOPES = [
    Scope(end_on=dt.date(2023, 12, 31), start_on=dt.date(2023, 7, 1)),
    Scope(end_on=dt.date(2024, 3, 31), start_on=dt.date(2023, 4, 1)),
    Scope(end_on=dt.date(2023, 9, 30)),
    Scope(end_on=dt.date(2025, 3, 31)),
]


@pytest.mark.parametrize(
    ("rule", "reference"),
    [
        (rule_8940, reference_8940),
        (rule_8935, reference_8935),
        (rule_8841, reference_8841),
        (rule_8840, reference_8840),
        (previous_plans_consistent, reference_previous_plans),
    ],
)
def test_each_plan_rule_fails_the_records_the_reference_fails(records, rule, reference):
    failing_somewhere = 0
    for scope in SCOPES:
        expected = reference(scope)
        assert sorted(rule(scope)) == expected, scope
        failing_somewhere += len(expected)
    assert failing_somewhere, "the random records should break the rule somewhere"
