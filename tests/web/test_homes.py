"""Each role's home page opens on its own work: a manager sees the unit's overdue items by
chair; a Senior Liaison Officer the open escalations within their cover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.conferences.models import Chair, Conference, Meeting
from tests.factories import (
    make_area,
    make_child,
    make_conference,
    make_escalation,
    make_liaison_officer,
    make_organisation_type,
    make_plan,
)

pytestmark = pytest.mark.django_db


def _plan_chaired_by(chair: Chair, *, review_overdue: bool, midway_overdue: bool) -> None:
    today = timezone.localdate()
    last = today - dt.timedelta(days=200)
    child = make_child()
    make_plan(
        child=child,
        start_on=last,
        last_conference_on=last,
        next_review_due_on=today - dt.timedelta(days=3 if review_overdue else -20),
        midway_check_due_on=today - dt.timedelta(days=60 if midway_overdue else -5),
    )
    make_conference(
        child=child,
        held_on=last,
        conference_id=f"CF-{child.child_id}",
        reference=f"M-{child.child_id}",
        chair=chair,
        outcome="plan",
    )


def test_a_managers_home_counts_the_overdue_reviews_and_checks_of_each_chair(signed_in_client):
    helen = Chair.objects.create(name="Helen Ashworth")
    david = Chair.objects.create(name="David Okafor")
    _plan_chaired_by(helen, review_overdue=True, midway_overdue=True)
    _plan_chaired_by(helen, review_overdue=True, midway_overdue=False)
    _plan_chaired_by(david, review_overdue=False, midway_overdue=True)

    page = signed_in_client(Role.MANAGER).get("/").content.decode()

    table = page[page.index("Overdue by chair") :]
    helen_row = table[table.index("Helen Ashworth") : table.index("David Okafor")]
    assert [cell for cell in ("2", "1") if f'numeric">{cell}<' in helen_row] == ["2", "1"]
    assert table.index("Helen Ashworth") < table.index("David Okafor")  # most overdue first


def test_a_liaison_officers_home_lists_the_open_escalations_in_their_cover(signed_in_client):
    north, south = make_area("North"), make_area("South")
    gp, school = make_organisation_type("GP's"), make_organisation_type("School")
    make_escalation(organisation_type=gp, area=north, organisation_name="Oak Tree Surgery")
    make_escalation(organisation_type=gp, area=south, organisation_name="Southern Surgery")
    make_escalation(organisation_type=school, area=north, organisation_name="St Mary's")
    make_escalation(
        organisation_type=gp,
        area=north,
        organisation_name="Closed Surgery",
        resolved_on=dt.date(2026, 1, 5),
    )
    officer = make_liaison_officer(organisation_types=[gp], areas=[north])

    page = signed_in_client(user=officer).get("/").content.decode()

    assert "Open escalations in your cover (1)" in page
    assert "Oak Tree Surgery" in page
    assert not any(name in page for name in ("Southern Surgery", "St Mary", "Closed Surgery"))


def test_a_liaison_officers_home_counts_the_agencies_reports_due_and_overdue_in_their_cover(
    signed_in_client,
):
    from safeguard.conferences.models import Invitation

    north = make_area("North")
    gp = make_organisation_type("GP's")
    today = timezone.localdate()
    child = make_child(area=north)
    meeting = Meeting.objects.create(reference="M-BOOKED", held_on=today + dt.timedelta(days=5))
    Conference.objects.create(
        conference_id="CF-BOOKED",
        child=child,
        meeting=meeting,
        kind="initial",
        held_on=meeting.held_on,
        status="booked",
    )
    for name, due_in in (("Oak Tree Surgery", -1), ("Hill Surgery", 2)):
        Invitation.objects.create(
            meeting=meeting,
            organisation_type=gp,
            organisation_name=name,
            report_due_on=today + dt.timedelta(days=due_in),
        )
    officer = make_liaison_officer(organisation_types=[gp], areas=[north])

    page = signed_in_client(user=officer).get("/").content.decode()

    table = page[page.index("Agencies' reports to booked conferences") :]
    assert "Oak Tree Surgery" in table and "Hill Surgery" in table
    assert 'govuk-tag--red">1<' in table
    assert child.child_id not in page
