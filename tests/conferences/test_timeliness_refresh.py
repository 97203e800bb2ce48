"""Recomputing stored verdicts and plan diaries for some children or for all (timeliness_refresh)."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.cases.models import Plan
from safeguard.conferences.models import Conference
from safeguard.conferences.services import meeting_record
from safeguard.conferences.timeliness import timeliness_refresh
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 12, 31)
VERDICT_FIELDS = ("due_on", "verdict", "days_late", "days_late_unit", "verdict_reason", "plan_id")
DIARY_FIELDS = ("last_conference_on", "next_review_due_on", "first_core_group_due_on")


@pytest.fixture
def children():
    """Ten children, each with an initial conference (late for every third) and a review."""
    children = [make_child() for _ in range(10)]
    for number, child in enumerate(children):
        held_on = dt.date(2024, 1, 10) + dt.timedelta(days=number)
        meeting_record(
            children=[child],
            kind="initial",
            held_on=held_on,
            strategy_discussion_on=held_on - dt.timedelta(days=40 if number % 3 == 0 else 10),
            outcome="plan",
            out_of_timescale_reason="Rescheduled",  # the form asks it of a late conference
            by=None,
            today=TODAY,
        )
        meeting_record(
            children=[child],
            kind="review",
            held_on=held_on + dt.timedelta(days=80 + 10 * number),
            outcome="plan",
            out_of_timescale_reason="Rescheduled",  # the form asks it of a late conference
            by=None,
            today=TODAY,
        )
    return children


def stored() -> dict[int, tuple]:
    conferences = Conference.objects.values_list("child_id", *VERDICT_FIELDS)
    plans = Plan.objects.values_list("child_id", *DIARY_FIELDS)
    result: dict[int, tuple] = {}
    for child_pk, *values in [*conferences.order_by("pk"), *plans.order_by("pk")]:
        result[child_pk] = (*result.get(child_pk, ()), *values)
    return result


def spoil() -> None:
    Conference.objects.update(
        due_on=dt.date(2000, 1, 1), verdict="out", days_late=99, verdict_reason="stale"
    )
    Plan.objects.update(next_review_due_on=None, first_core_group_due_on=None)


@pytest.mark.parametrize("chosen", [[1, 2, 4], [0, 9]], ids=["a block of children", "far apart"])
def test_a_refresh_of_some_children_rewrites_theirs_and_leaves_the_others(children, chosen):
    correct = stored()
    assert {values[1] for values in correct.values()} >= {"within", "out"}
    spoil()
    spoilt = stored()

    rewritten = timeliness_refresh(child_pks=[children[n].pk for n in chosen])

    assert rewritten == 2 * len(chosen)
    after = stored()
    for number, child in enumerate(children):
        expected = correct if number in chosen else spoilt
        assert after[child.pk] == expected[child.pk], number


def test_a_full_recompute_restores_every_verdict_and_diary_and_then_changes_nothing(children):
    correct = stored()
    spoil()

    assert timeliness_refresh(child_pks=None) == 20
    assert stored() == correct
    assert timeliness_refresh(child_pks=None) == 0


def test_a_full_recompute_includes_the_diary_of_a_plan_with_no_conference_yet():
    child = make_child()
    plan = make_plan(child=child, start_on=dt.date(2024, 3, 1))
    assert plan.first_core_group_due_on is None

    timeliness_refresh(child_pks=None)

    plan.refresh_from_db()
    assert plan.first_core_group_due_on == dt.date(2024, 3, 15)  # 10 working days after
    assert plan.next_review_due_on is None


def _stored() -> tuple[list, list]:
    conferences = list(
        Conference.objects.order_by("pk").values_list("pk", *VERDICT_FIELDS, "verdict_missing")
    )
    plans = list(
        Plan.objects.order_by("pk").values_list(
            "pk", *DIARY_FIELDS, "midway_check_due_on", "pre_review_check_due_on"
        )
    )
    return conferences, plans


def test_an_import_writes_new_childrens_verdicts_as_the_refresh_would(tmp_path):
    """New children's verdicts and diaries are judged before their records are inserted; a
    refresh of every child afterwards must find nothing to change. The synthetic authority has
    every kind of conference, late ones, and children with two conferences on one day (left to
    the refresh); a second import adds children beside them, and a held child's conference."""
    from safeguard.demo.synthetic import write_synthetic_bundle
    from safeguard.exchange.importer import bundle_import

    write_synthetic_bundle(tmp_path / "first", children=300, years=6, seed=3)
    assert bundle_import(path=tmp_path / "first", by=None).ok
    write_synthetic_bundle(tmp_path / "second", children=200, years=6, seed=4, id_prefix="S")
    assert bundle_import(path=tmp_path / "second", by=None).ok
    imported = _stored()
    assert sum(1 for row in imported[0] if row[2] == "out") > 10  # late conferences among them
    assert sum(1 for row in imported[1] if row[2] is not None) > 10  # open plans' diaries

    assert timeliness_refresh(child_pks=None) == 0
    assert _stored() == imported
