"""Verdicts do not depend on the order in which an extract lists its rows."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.conferences.models import Conference
from safeguard.exchange.importer import bundle_import
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db

CHILDREN = [child("A"), child("B"), child("U", date_of_birth="")]
PLANS = [
    plan("P1", "A", "2021-01-04", "2021-09-01"),
    plan("P2", "A", "2022-02-01"),
    plan("P3", "B", "2022-02-01", "2022-08-02"),
]
CONFERENCES = [
    conference("K1", "A", "initial", "2021-01-04", strategy_discussion_date="2020-12-11"),
    conference("K2", "A", "review", "2021-04-01"),
    conference("K3", "A", "review", "2021-09-01"),
    conference(
        "K4", "A", "initial", "2022-02-01", meeting_id="M4", strategy_discussion_date="2022-01-10"
    ),
    conference(
        "K5", "B", "initial", "2022-02-01", meeting_id="M4", strategy_discussion_date="2022-01-10"
    ),
    conference("K6", "A", "review", "2022-05-02", meeting_id="M6"),
    conference("K7", "B", "review", "2022-05-02", meeting_id="M6"),
    conference("K8", "B", "review", "2022-08-02"),
    conference("K9", "U", "transfer_in", "2022-03-01", transfer_notification_date="2022-02-01"),
    conference("K10", "A", "review", "2022-11-03"),
]


def _verdicts() -> dict[str, tuple]:
    return {
        c.conference_id: (c.due_on, c.verdict, c.days_late, c.plan_id and c.plan.plan_id)
        for c in Conference.objects.select_related("plan")
    }


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plans=st.permutations(PLANS),
    conferences=st.permutations(CONFERENCES),
    children=st.permutations(CHILDREN),
)
def test_the_verdicts_are_the_same_whatever_the_order_of_the_rows(
    tmp_path_factory, plans, conferences, children
):
    folder = tmp_path_factory.mktemp("ordered")
    empty = write_bundle(folder / "empty", children=[])
    expected_bundle = write_bundle(
        folder / "sorted", children=CHILDREN, cp_plans=PLANS, conferences=CONFERENCES
    )
    shuffled_bundle = write_bundle(
        folder / "shuffled", children=children, cp_plans=plans, conferences=conferences
    )
    assert bundle_import(path=expected_bundle, by=None, replace=True).ok
    expected = _verdicts()
    bundle_import(path=empty, by=None, replace=True)

    assert bundle_import(path=shuffled_bundle, by=None, replace=True).ok

    assert _verdicts() == expected
    assert expected["K2"][1] == "within" and expected["K10"][1] == "out"
    bundle_import(path=empty, by=None, replace=True)
