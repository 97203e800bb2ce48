"""The homes of a service manager, a chair and business support read a fixed number of queries,
however many children, plans, checks, escalations and enquiries the records hold (issue 23: every
daily page under 200 ms for a large authority). A query added per chair, per section or per row
shows here as a count that grows with the records."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.cases.models import Enquiry
from safeguard.conferences.models import Chair, Conference, Meeting
from safeguard.monitoring.models import MonitoringCheck
from tests.factories import make_area, make_child, make_conference, make_escalation, make_plan

pytestmark = pytest.mark.django_db

# The queries of one visit: the session, the user and their second factor; a chair's open plans
# (read once for a chair's worklist); the worklist's counts, each section's page and its
# children's chairs (read once for a child on two sections, as here: the checks overdue are
# those of the children whose reviews are overdue), the overdue by chair (managers and business
# support), the initial conferences to book (read once), the open escalations; the filters'
# choices; the audit entry of what was shown.
HOME_QUERIES = {Role.MANAGER: 25, Role.CHAIR: 19, Role.BUSINESS_SUPPORT: 23}

_numbers = itertools.count(1)


def _records(chairs: list[Chair], *, per_chair: int) -> None:
    """For each chair, `per_chair` children of each kind: a review overdue, a midway check
    overdue, a check done, a review due soon with one booked; an escalation the chair raised;
    and an enquiry waiting for its initial conference."""
    today = timezone.localdate()
    last = today - dt.timedelta(days=200)
    areas = itertools.cycle([make_area("North"), make_area("South")])
    for chair in chairs:
        for _ in range(per_chair):
            for review_in, midway_in, done in ((-3, -60, False), (20, -5, True), (10, 30, False)):
                n = next(_numbers)
                child = make_child(child_id=f"C-Q{n}", family_name=f"Family {n}", area=next(areas))
                plan = make_plan(
                    child=child,
                    start_on=last,
                    last_conference_on=last,
                    next_review_due_on=today + dt.timedelta(days=review_in),
                    midway_check_due_on=today + dt.timedelta(days=midway_in),
                    pre_review_check_due_on=today + dt.timedelta(days=review_in - 7),
                )
                make_conference(
                    child=child,
                    held_on=last,
                    conference_id=f"CF-Q{n}",
                    reference=f"M-Q{n}",
                    chair=chair,
                    outcome="plan",
                )
                if done:
                    MonitoringCheck.objects.create(
                        check_id=f"K-Q{n}",
                        plan=plan,
                        kind="midway",
                        completed_on=last + dt.timedelta(days=90),
                        outcome="on_track",
                    )
                if review_in == 10:
                    booked = Meeting.objects.create(
                        reference=f"M-QB{n}", held_on=today + dt.timedelta(days=9)
                    )
                    Conference.objects.create(
                        conference_id=f"CF-QB{n}",
                        child=child,
                        meeting=booked,
                        kind="review",
                        status="booked",
                        held_on=today + dt.timedelta(days=9),
                        chair=chair,
                    )
            n = next(_numbers)
            waiting = make_child(child_id=f"C-QE{n}", area=next(areas))
            Enquiry.objects.create(
                enquiry_id=f"EQ-{n}",
                child=waiting,
                strategy_discussion_on=today - dt.timedelta(days=10),
                outcome="conference",
            )
            make_escalation(raised_by=chair, raised_on=today - dt.timedelta(days=5))


def _queries_of_a_visit(client) -> int:
    with CaptureQueriesContext(connection) as visit:
        response = client.get("/")
    assert response.status_code == 200
    return len(visit.captured_queries)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CHAIR, Role.BUSINESS_SUPPORT])
def test_a_home_reads_as_many_queries_for_a_large_authority_as_for_a_small_one(
    role, signed_in_client
):
    client = signed_in_client(role)
    chairs = [Chair.objects.create(name=f"Chair {i}") for i in range(3)]
    if role == Role.CHAIR:
        chairs[0].user = client.user
        chairs[0].save(update_fields=["user"])
    _records(chairs, per_chair=1)
    client.get("/")  # the first visit settles the session
    few = _queries_of_a_visit(client)
    page = client.get("/").content.decode()
    assert "Overdue reviews (" in page and "None." not in page  # every section shows rows

    _records(
        [*chairs, *(Chair.objects.create(name=f"Chair {i}") for i in range(3, 9))], per_chair=4
    )
    many = _queries_of_a_visit(client)

    assert (few, many) == (HOME_QUERIES[role], HOME_QUERIES[role])
