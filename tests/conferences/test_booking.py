"""Business support's day (issue 19): a strategy discussion puts an initial conference on the
worklist to book; booking, cancelling and holding a booked conference; the agencies invited
before the meeting and their reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Child
from safeguard.cases.services import enquiry_record
from safeguard.conferences.models import Chair, Conference, Invitation, Meeting, RuleSetting
from safeguard.conferences.selectors import (
    DueKind,
    DueList,
    DueScope,
    agency_reports_overdue,
    chair_diary,
    due_items,
    due_list,
    initial_conferences_to_book,
)
from safeguard.conferences.services import (
    booked_conference_hold,
    conference_book,
    conference_cancel,
    invitation_record,
    invitation_update,
    invitations_copy_previous,
    meeting_record,
)
from safeguard.domain.enquiries import (
    EnquiryFacts,
    InitialConferenceRow,
    waits_for_initial_conference,
)
from tests.factories import make_organisation_type, make_plan, make_user

pytestmark = pytest.mark.django_db
DISCUSSION = dt.date(2026, 3, 2)  # a Monday: the initial conference is due on 23 March 2026
DUE = dt.date(2026, 3, 23)
TODAY = dt.date(2026, 3, 9)


@pytest.fixture
def siblings():
    return [
        Child.objects.create(child_id="S1", given_name="Ann", family_id="F1"),
        Child.objects.create(child_id="S2", given_name="Bo", family_id="F1"),
    ]


@pytest.fixture
def support():
    user = make_user(Role.BUSINESS_SUPPORT)
    user.is_verified = lambda: True  # signed in with both factors, as django-otp marks it
    return user


def discuss(child, by, on=DISCUSSION, enquiry_id=None, outcome=""):
    return enquiry_record(
        child=child,
        strategy_discussion_on=on,
        enquiry_id=enquiry_id or f"E-{child.child_id}",
        outcome=outcome,
        by=by,
        today=TODAY,
    )


def scope(as_of=TODAY, days=28):
    return DueScope(as_of=as_of, until=as_of + dt.timedelta(days=days))


def book(children, by, held_on=dt.date(2026, 3, 20), kind="initial", **values):
    return conference_book(
        children=children,
        kind=kind,
        held_on=held_on,
        place=values.pop("place", "Room 2, Civic Centre"),
        by=by,
        today=TODAY,
        **values,
    )


def test_a_strategy_discussion_puts_the_initial_conference_to_book_on_the_worklist(
    siblings, support
):
    discuss(siblings[0], support)
    [item] = initial_conferences_to_book(scope=scope())
    assert (item.kind, item.child_id, item.reference, item.due_on, item.overdue) == (
        DueKind.INITIAL_CONFERENCE,
        "S1",
        "E-S1",
        DUE,
        False,
    )
    assert AuditEntry.objects.filter(record_type="enquiry", record_id="E-S1").exists()


def test_the_initial_conference_to_book_is_overdue_after_its_due_date(siblings, support):
    discuss(siblings[0], support)
    [item] = initial_conferences_to_book(scope=scope(as_of=DUE + dt.timedelta(days=1)))
    assert item.overdue


def test_a_strategy_discussion_in_the_future_is_refused(siblings, support):
    with pytest.raises(ValidationError):
        discuss(siblings[0], support, on=TODAY + dt.timedelta(days=1))


# The domain's table of cases, stored: the worklist's selector agrees with the rule.
STORED_CASES = [
    ("no further action", "no_further_action", [], False),
    ("nothing booked", "", [], True),
    ("booked after the day", "conference", [("booked", dt.date(2026, 3, 20))], False),
    ("held on or before the day", "", [("held", dt.date(2026, 3, 6))], False),
    ("held row after the day", "", [("held", dt.date(2026, 3, 12))], True),
    ("cancelled", "", [("cancelled", dt.date(2026, 3, 6))], True),
    ("before the discussion", "", [("held", dt.date(2026, 2, 27))], True),
]


@pytest.mark.parametrize(
    ("outcome", "rows", "waits"),
    [case[1:] for case in STORED_CASES],
    ids=[case[0] for case in STORED_CASES],
)
def test_the_worklist_lists_exactly_the_enquiries_the_rule_says_wait(
    siblings, support, outcome, rows, waits
):
    child = siblings[0]
    discuss(child, support, outcome=outcome)
    for number, (status, on) in enumerate(rows):
        meeting = Meeting.objects.create(reference=f"M{number}", held_on=on)
        Conference.objects.create(
            conference_id=f"C{number}",
            child=child,
            meeting=meeting,
            kind="initial",
            held_on=on,
            status=status,
        )
    listed = [i.enquiry_id for i in initial_conferences_to_book(scope=scope())]
    assert (listed == ["E-S1"]) is waits
    rule = waits_for_initial_conference(
        EnquiryFacts("E-S1", "S1", DISCUSSION, outcome),
        [InitialConferenceRow(on, status) for status, on in rows],
        TODAY,
    )
    assert rule is waits


def test_booking_a_sibling_group_makes_one_meeting_with_a_booked_conference_per_child(
    siblings, support
):
    discuss(siblings[0], support)
    discuss(siblings[1], support)
    chair = Chair.objects.create(name="Chair One")
    booking = book(siblings, support, chair=chair, video_link="https://meet.example.org/x")
    rows = list(booking.meeting.conferences.order_by("child__child_id"))
    assert [(c.child.child_id, c.status, c.kind, c.chair) for c in rows] == [
        ("S1", "booked", "initial", chair),
        ("S2", "booked", "initial", chair),
    ]
    assert booking.warnings == ()
    assert initial_conferences_to_book(scope=scope()) == []
    [day] = chair_diary(user=support, from_on=TODAY, chair=chair)
    assert day.day == dt.date(2026, 3, 20)
    assert [c.child.child_id for c in day.meetings[0].conferences] == ["S1", "S2"]
    assert AuditEntry.objects.filter(record_type="conference", action="create").count() == 2


def test_a_booking_after_the_due_date_is_flagged_when_it_is_booked(siblings, support):
    discuss(siblings[0], support)
    booking = book(siblings[:1], support, held_on=dt.date(2026, 3, 25))
    [warning] = booking.warnings
    assert "after it is due on 23 March 2026" in warning


def test_a_booking_needs_a_place_or_a_video_link_and_a_date_from_today(siblings, support):
    with pytest.raises(ValidationError):
        book(siblings, support, place="")
    with pytest.raises(ValidationError):
        book(siblings, support, held_on=TODAY - dt.timedelta(days=1))


def test_a_cancelled_booking_keeps_its_reason_and_the_enquiry_waits_again(siblings, support):
    discuss(siblings[0], support)
    booking = book(siblings[:1], support)
    conference_cancel(meeting=booking.meeting, reason="Parent in hospital", by=support)
    conference = booking.meeting.conferences.get()
    assert (conference.status, conference.cancellation_reason) == (
        "cancelled",
        "Parent in hospital",
    )
    assert [i.enquiry_id for i in initial_conferences_to_book(scope=scope())] == ["E-S1"]
    # The same date may be booked again once the first booking is cancelled.
    book(siblings[:1], support)


def test_a_booked_conference_becomes_held_when_the_chair_records_it(siblings, support):
    booking = book(siblings[:1], support, held_on=TODAY)
    conference = booking.meeting.conferences.get()
    held = booked_conference_hold(
        conference=conference,
        by=support,
        today=TODAY,
        outcome="plan",
        strategy_discussion_on=DISCUSSION,
    )
    assert held.pk == conference.pk
    assert Conference.objects.get(pk=conference.pk).status == "held"
    assert siblings[0].plans.get().start_on == TODAY


def test_a_booked_review_shows_on_the_worklist_in_place_of_review_due(siblings, support):
    plan = make_plan(child=siblings[0], start_on=dt.date(2025, 12, 1))
    plan.next_review_due_on = dt.date(2026, 3, 1)
    plan.save()
    book(siblings[:1], support, kind="review", held_on=dt.date(2026, 3, 16))
    [item] = due_list(scope=scope(), which=DueList.REVIEWS_OVERDUE)
    assert item.booked_on == dt.date(2026, 3, 16)


def test_an_agencys_report_is_due_three_working_days_before_an_initial_conference(
    siblings, support
):
    meeting = book(siblings[:1], support).meeting  # Friday 20 March 2026
    gp = invitation_record(
        meeting=meeting,
        organisation_type=make_organisation_type("GP"),
        report_requested=True,
        by=support,
    )
    assert gp.report_due_on == dt.date(2026, 3, 17)


def test_the_authority_sets_how_many_working_days_before_a_review_reports_are_due(
    siblings, support
):
    RuleSetting.objects.create(review_report_due_working_days=2)
    meeting = book(siblings[:1], support, kind="review").meeting
    gp = invitation_record(
        meeting=meeting,
        organisation_type=make_organisation_type("GP"),
        report_requested=True,
        by=support,
    )
    assert gp.report_due_on == dt.date(2026, 3, 18)


def test_a_report_received_after_its_due_date_is_late(siblings, support):
    meeting = book(siblings[:1], support).meeting
    gp = invitation_record(
        meeting=meeting,
        organisation_type=make_organisation_type("GP"),
        report_requested=True,
        by=support,
    )
    assert [i.pk for i in agency_reports_overdue(user=support, as_of=dt.date(2026, 3, 18))] == [
        gp.pk
    ]
    invitation_update(
        invitation=gp,
        expected_version=gp.version,
        by=support,
        report_received_on=dt.date(2026, 3, 18),
    )
    assert Invitation.objects.get(pk=gp.pk).report_received == "late"
    assert agency_reports_overdue(user=support, as_of=dt.date(2026, 3, 18)) == []


def test_the_agencies_invited_last_time_are_copied_to_the_booked_meeting(siblings, support):
    earlier = meeting_record(
        children=siblings,
        kind="initial",
        held_on=dt.date(2025, 9, 1),
        by=support,
        today=TODAY,
        outcome="plan",
        strategy_discussion_on=dt.date(2025, 8, 20),
    )
    for name in ("GP", "School", "Police", "Health visiting"):
        invitation_record(
            meeting=earlier, organisation_type=make_organisation_type(name), by=support
        )
    meeting = book(siblings, support, kind="review").meeting
    copied = invitations_copy_previous(meeting=meeting, by=support, today=TODAY)
    assert sorted(str(i.organisation_type) for i in copied) == [
        "GP",
        "Health visiting",
        "Police",
        "School",
    ]
    assert {(i.invited_on, i.report_due_on) for i in copied} == {(TODAY, dt.date(2026, 3, 13))}
    assert invitations_copy_previous(meeting=meeting, by=support, today=TODAY) == []


def test_due_items_list_the_initial_conference_to_book_with_its_enquiry(siblings, support):
    discuss(siblings[0], support)
    upcoming, overdue = due_items(as_of=TODAY, within_days=28)
    assert [(i.kind.code, i.reference, i.due_on) for i in upcoming] == [
        ("initial_conference", "E-S1", DUE)
    ]
    assert overdue == []
