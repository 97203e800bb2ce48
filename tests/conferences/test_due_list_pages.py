"""A page of a worklist section is the same slice of the whole section, whichever page: the
midway and pre-review checks, read kind by kind, interleave by date as one list would (on
PostgreSQL each kind is read only up to the page's end)."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.conferences.selectors import DueList, DueScope, due_list
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def checks_interleaved() -> None:
    """Eight plans whose midway checks fall on even days and pre-review checks on odd days
    (some on the same day as another child's), none done."""
    for n in range(8):
        child = make_child(child_id=f"C-{n}", family_name=f"Family {7 - n}")
        make_plan(
            child=child,
            start_on=TODAY - dt.timedelta(days=100),
            last_conference_on=TODAY - dt.timedelta(days=100),
            next_review_due_on=TODAY + dt.timedelta(days=60),
            midway_check_due_on=TODAY + dt.timedelta(days=2 * n),
            pre_review_check_due_on=TODAY + dt.timedelta(days=n + 1),
        )


@pytest.mark.parametrize("by_child", [False, True])
def test_every_page_of_the_checks_is_its_slice_of_the_whole_list(checks_interleaved, by_child):
    scope = DueScope(as_of=TODAY, until=TODAY + dt.timedelta(weeks=12), by_child=by_child)
    whole = due_list(scope=scope, which=DueList.CHECKS_DUE)
    assert len(whole) == 16

    for offset in range(0, 16):
        for limit in (1, 3, 5):
            page = due_list(scope=scope, which=DueList.CHECKS_DUE, offset=offset, limit=limit)
            assert page == whole[offset : offset + limit], (offset, limit)
