"""The child's page opens with what a chair needs at a glance, and groups the history by plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.cases.models import Allocation
from safeguard.conferences.models import Conference, Invitation, Meeting
from safeguard.monitoring.models import MonitoringCheck
from tests.factories import make_area, make_child, make_organisation_type, make_plan, make_user

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _conference(child, held_on, kind="review", reference=None, **fields) -> Conference:
    meeting = Meeting.objects.create(
        reference=reference or f"M-{child.child_id}-{held_on}", held_on=held_on
    )
    return Conference.objects.create(
        conference_id=f"CF-{child.child_id}-{held_on}-{kind}",
        child=child,
        meeting=meeting,
        kind=kind,
        held_on=held_on,
        outcome="plan",
        **fields,
    )


def _page(client, child) -> str:
    return client.get(f"/children/{child.child_id}/").content.decode()


def test_the_summary_gives_age_social_worker_plan_and_an_overdue_review(signed_in_client):
    today = _today()
    child = make_child(date_of_birth=today.replace(year=today.year - 8) - dt.timedelta(days=3))
    started = today - dt.timedelta(days=250)
    make_plan(
        child=child,
        start_on=started,
        latest_category="NEG",
        last_conference_on=started,
        next_review_due_on=today - dt.timedelta(days=2),
    )
    Allocation.objects.create(
        child=child,
        role="social_worker",
        name="Alison Ashdown",
        team="North Safeguarding Team",
        from_on=started,
    )
    Allocation.objects.create(
        child=child,
        role="social_worker",
        name="Former Worker",
        from_on=started - dt.timedelta(days=400),
        to_on=started - dt.timedelta(days=1),
    )

    page = _page(signed_in_client(Role.CHAIR), child)

    assert "8 years" in page
    assert "Alison Ashdown, North Safeguarding Team" in page and "Former Worker" not in page
    assert "On a plan since" in page and "8 months" in page and "Neglect" in page
    assert 'govuk-tag--red">Overdue' in page


def test_an_unborn_child_reads_as_unborn_with_the_expected_date(signed_in_client):
    child = make_child(date_of_birth=None, expected_date_of_birth=dt.date(2031, 1, 3))

    page = _page(signed_in_client(Role.CHAIR), child)

    assert "Unborn, expected 3 January 2031" in page


def test_a_completed_midway_check_is_never_shown_as_due(signed_in_client):
    today = _today()
    child = make_child()
    last = today - dt.timedelta(days=80)
    plan = make_plan(
        child=child,
        start_on=last,
        last_conference_on=last,
        next_review_due_on=today + dt.timedelta(days=10),
        midway_check_due_on=today - dt.timedelta(days=30),
        pre_review_check_due_on=today + dt.timedelta(days=3),
    )
    client = signed_in_client(Role.CHAIR)
    assert "Midway check due" in _page(client, child)

    MonitoringCheck.objects.create(
        check_id="K1",
        plan=plan,
        kind="midway",
        completed_on=today - dt.timedelta(days=29),
        outcome="on_track",
    )

    page = _page(client, child)
    assert "Midway check due" not in page
    assert "Pre-review check due" in page


def test_siblings_of_the_same_family_are_linked_but_only_those_the_user_may_see(signed_in_client):
    north, south = make_area("North"), make_area("South")
    child = make_child(child_id="C-A", area=north, family_id="F1")
    make_child(child_id="C-B", given_name="Ben", area=north, family_id="F1")
    make_child(child_id="C-C", given_name="Cara", area=south, family_id="F1")
    make_child(child_id="C-D", given_name="Dina", area=north, family_id="F2")
    chair = make_user(Role.CHAIR, areas=[north])

    page = _page(signed_in_client(user=chair), child)

    assert 'href="/children/C-B/"' in page and "Ben Testchild" in page
    assert "Cara" not in page and "Dina" not in page


def test_the_history_is_grouped_by_plan_with_each_meetings_agencies(signed_in_client):
    child = make_child()
    gp = make_organisation_type("GP's")
    old = make_plan(
        child=child, plan_id="P-OLD", start_on=dt.date(2019, 1, 7), end_on=dt.date(2019, 9, 2)
    )
    new = make_plan(child=child, plan_id="P-NEW", start_on=dt.date(2024, 3, 4))
    first = _conference(child, dt.date(2019, 1, 7), kind="initial", plan=old)
    _conference(child, dt.date(2019, 9, 2), plan=old, reference="M-END")
    _conference(child, dt.date(2024, 3, 4), kind="initial", plan=new)
    Invitation.objects.create(
        meeting=first.meeting, organisation_type=gp, organisation_name="Oak Tree Surgery"
    )

    page = _page(signed_in_client(Role.CHAIR), child)

    assert page.index("Plan P-NEW") < page.index("Plan P-OLD")  # newest plan first
    old_group = page[page.index("Plan P-OLD") :]
    assert "7 January 2019" in old_group and "2 September 2019" in old_group
    assert "Oak Tree Surgery" in old_group and "1 agency" in old_group
