"""Recording a meeting for a sibling group: conferences, the plans they make, and their diaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Child, Plan
from safeguard.cases.services import plan_create
from safeguard.conferences.models import Conference
from safeguard.conferences.selectors import DueKind, due_items
from safeguard.conferences.services import conference_update, meeting_record
from safeguard.storage import StaleRecordError

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 1, 20)


@pytest.fixture
def siblings():
    return [
        Child.objects.create(child_id="S1", given_name="Ann", date_of_birth=dt.date(2016, 1, 1)),
        Child.objects.create(child_id="S2", given_name="Bo", date_of_birth=dt.date(2019, 1, 1)),
    ]


def record_initial(children, held_on=dt.date(2024, 1, 10), **values):
    return meeting_record(
        children=children,
        kind="initial",
        held_on=held_on,
        strategy_discussion_on=dt.date(2023, 12, 15),
        outcome="plan",
        by=None,
        today=TODAY,
        **values,
    )


def test_an_initial_conference_for_two_siblings_starts_two_plans_due_for_review_in_three_months(
    siblings,
):
    meeting = record_initial(siblings)

    conferences = Conference.objects.filter(meeting=meeting).order_by("child__child_id")
    assert [c.verdict for c in conferences] == ["within", "within"]
    assert [c.due_on for c in conferences] == [dt.date(2024, 1, 10)] * 2
    plans = Plan.objects.order_by("child__child_id")
    assert [p.start_on for p in plans] == [dt.date(2024, 1, 10)] * 2
    assert [p.next_review_due_on for p in plans] == [dt.date(2024, 4, 10)] * 2
    upcoming, overdue = due_items(as_of=dt.date(2024, 3, 20), within_days=28)
    reviews = [i for i in upcoming if i.kind is DueKind.REVIEW]
    assert [(i.child_id, i.due_on) for i in reviews] == [
        ("S1", dt.date(2024, 4, 10)),
        ("S2", dt.date(2024, 4, 10)),
    ]
    assert AuditEntry.objects.filter(record_type="conference", action="create").count() == 2


def test_a_review_that_ends_the_plan_closes_it_on_its_date(siblings):
    record_initial(siblings[:1])

    meeting_record(
        children=siblings[:1],
        kind="review",
        held_on=dt.date(2024, 1, 19),
        outcome="no_plan",
        by=None,
        today=TODAY,
    )

    plan = Plan.objects.get()
    assert plan.end_on == dt.date(2024, 1, 19)
    assert plan.next_review_due_on is None
    assert Conference.objects.get(kind="review").verdict == "within"


def test_the_same_child_type_and_date_twice_is_refused_as_a_duplicate(siblings):
    record_initial(siblings)

    with pytest.raises(ValidationError, match="already recorded for S1, S2"):
        record_initial(siblings)


def test_a_conference_in_the_future_is_refused(siblings):
    with pytest.raises(ValidationError, match="today or in the past"):
        record_initial(siblings, held_on=TODAY + dt.timedelta(days=1))


def test_the_later_of_two_saves_of_the_same_version_is_refused_with_the_other_change(siblings):
    record_initial(siblings[:1])
    first = Conference.objects.get()
    second = Conference.objects.get()

    conference_update(conference=first, expected_version=1, by=None, child_attended=True)
    with pytest.raises(StaleRecordError) as refused:
        conference_update(conference=second, expected_version=1, by=None, child_attended=False)

    assert refused.value.current.child_attended is True
    assert Conference.objects.get().child_attended is True


def test_a_plan_that_would_overlap_another_is_refused(siblings):
    plan_create(child=siblings[0], plan_id="P1", start_on=dt.date(2023, 1, 1), by=None)

    with pytest.raises(ValidationError, match="overlap plan P1"):
        plan_create(child=siblings[0], plan_id="P2", start_on=dt.date(2023, 6, 1), by=None)
