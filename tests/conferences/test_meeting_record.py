"""The chair at the meeting (issue 19): the record form asks only for the dates the type needs,
picks siblings from the family, confirms every child by name before saving, and records the
category of abuse (which the plan follows), quoracy and the parents' attendance. Opened from a
booked meeting it saves onto the booked rows. An escalation of a missing report raised from the
meeting is about every child of it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Plan
from safeguard.conferences.models import Chair, Conference, Invitation, Meeting, RuleSetting
from safeguard.conferences.services import meeting_record
from safeguard.escalations.models import Escalation
from tests.conferences.test_views import conference_form, date_fields
from tests.factories import make_area, make_child, make_organisation_type, make_plan

pytestmark = pytest.mark.django_db

URL = "/conferences/record/"


@pytest.fixture
def family():
    north, south = make_area("North"), make_area("South")
    return {
        "ann": make_child(child_id="FAM-A", given_name="Ann", family_name="Rowe", area=north,
                          family_id="F-1", date_of_birth=dt.date(2014, 3, 3)),
        "bo": make_child(child_id="FAM-B", given_name="Bo", family_name="Rowe", area=north,
                         family_id="F-1", date_of_birth=dt.date(2017, 9, 21)),
        "cy": make_child(child_id="FAM-C", given_name="Cy", family_name="Rowe", area=south,
                         family_id="F-1"),
        "other": make_child(child_id="OTH-1", given_name="Dee", family_name="Other", area=north,
                            family_id="F-2"),
        "north": north,
    }  # fmt: skip


def checked(page: str, name: str) -> set[str]:
    """The values of the inputs called `name` that the page has checked."""
    inputs = re.findall(r"<input[^>]*>", page)
    return {
        re.search(r'value="([^"]*)"', i).group(1)
        for i in inputs
        if f'name="{name}"' in i and re.search(r"\schecked[\s>]", i)
    }


def picked(*child_ids: str, **values) -> dict:
    data = conference_form("", timezone.localdate() - dt.timedelta(days=3), **values)
    data["children"] = list(child_ids)
    return data


def test_the_picker_lists_the_family_in_sight_with_names_and_dates_of_birth(
    signed_in_client, family
):
    from tests.factories import make_user

    client = signed_in_client(user=make_user(Role.CHAIR, areas=[family["north"]]))
    page = client.get(URL, {"children": "fam-a"}).content.decode()
    assert "Ann Rowe, born 3 March 2014 (FAM-A)" in page
    assert "Bo Rowe, born 21 September 2017 (FAM-B)" in page
    assert "FAM-C" not in page  # the same family, outside the chair's areas
    assert "OTH-1" not in page  # another family
    assert checked(page, "children") == {"FAM-A"}
    entry = AuditEntry.objects.filter(actor=client.user, record_type="meeting").get()
    assert "FAM-A" in entry.shown_ids and "FAM-B" in entry.shown_ids


def test_the_page_names_every_child_before_anything_is_saved(signed_in_client, family):
    client = signed_in_client(Role.CHAIR)
    data = picked("FAM-A", "FAM-B")
    del data["confirmed"]
    page = client.post(URL, data).content.decode()
    assert "Check the conference before recording it" in page
    assert "2 children discussed" in page
    assert "<strong>Ann Rowe</strong>, born 3 March 2014 (FAM-A)" in page
    assert "<strong>Bo Rowe</strong>, born 21 September 2017 (FAM-B)" in page
    assert "Neglect" in page
    assert not Conference.objects.exists()
    # its answers go back with the button pressed
    assert '<input type="hidden" name="children" value="FAM-B">' in page
    again = client.post(URL, {**data, "change": "yes"}).content.decode()
    assert "Record a conference" in again and not Conference.objects.exists()
    saved = client.post(URL, {**data, "confirmed": "yes"})
    assert saved.status_code == 302
    assert set(Conference.objects.values_list("child__child_id", flat=True)) == {"FAM-A", "FAM-B"}


def test_typed_ids_are_a_fallback_matched_whatever_their_case(signed_in_client, family):
    client = signed_in_client(Role.CHAIR)
    response = client.post(URL, picked("FAM-A", other_children="oth-1, fam-a"))
    assert response.status_code == 302
    assert set(Conference.objects.values_list("child__child_id", flat=True)) == {"FAM-A", "OTH-1"}


def test_no_child_chosen_is_an_error_at_the_picker(signed_in_client, family):
    page = signed_in_client(Role.CHAIR).post(URL + "?children=FAM-A", picked()).content.decode()
    assert (
        '<a href="#id_children_0">Select each child discussed, or enter their child ids</a>' in page
    )


def test_an_initial_conference_starts_each_plan_with_its_category(signed_in_client, family):
    client = signed_in_client(Role.CHAIR)
    client.post(URL, picked("FAM-A", "FAM-B", category="EMO", quorate="True",
                            parents_attended="False"))  # fmt: skip
    for plan in Plan.objects.all():
        assert (plan.initial_category, plan.latest_category) == ("EMO", "EMO")
    for conference in Conference.objects.all():
        assert (conference.category, conference.quorate, conference.parents_attended) == (
            "EMO",
            True,
            False,
        )


def test_a_plan_made_needs_its_category(signed_in_client, family):
    page = signed_in_client(Role.CHAIR).post(URL, picked("FAM-A", category="")).content.decode()
    assert '<a href="#id_category_0">Select the category of abuse</a>' in page
    assert not Conference.objects.exists()


def test_a_review_that_continues_the_plan_changes_its_latest_category_and_keeps_the_history(
    signed_in_client, family
):
    client = signed_in_client(Role.CHAIR)
    today = timezone.localdate()
    plan = make_plan(child=family["ann"], start_on=today - dt.timedelta(days=90),
                     initial_category="NEG", latest_category="NEG")  # fmt: skip
    response = client.post(
        URL,
        picked("FAM-A", kind="review", category="PHY", out_of_timescale_reason="Late",
               **date_fields("strategy_discussion_on", None)),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("NEG", "PHY")
    child_page = client.get("/children/FAM-A/").content.decode()
    assert "Physical abuse" in child_page  # the review's row: the history is the conferences


def test_the_form_keeps_only_the_dates_of_the_type_chosen(signed_in_client, family):
    client = signed_in_client(Role.CHAIR)
    held_on = timezone.localdate() - dt.timedelta(days=3)
    client.post(
        URL,
        picked("FAM-A", kind="transfer_in",
               **date_fields("transfer_notification_on", held_on - dt.timedelta(days=5))),
    )  # fmt: skip
    conference = Conference.objects.get()
    assert conference.strategy_discussion_on is None  # typed, but a transfer-in does not take it
    assert conference.transfer_notification_on == held_on - dt.timedelta(days=5)


def test_the_service_refuses_a_date_the_type_does_not_take(family):
    with pytest.raises(ValidationError, match="this type of conference does not take it"):
        meeting_record(
            children=[family["ann"]],
            kind="review",
            held_on=dt.date(2026, 1, 5),
            strategy_discussion_on=dt.date(2026, 1, 1),
            by=None,
            today=dt.date(2026, 1, 6),
        )


def test_the_type_radios_reveal_their_dates_the_govuk_way(signed_in_client, family):
    page = signed_in_client(Role.CHAIR).get(URL).content.decode()
    assert 'value="initial" data-safeguard-reveal="conditional-kind-initial"' in page
    assert 'value="transfer_in" data-safeguard-reveal="conditional-kind-transfer"' in page
    assert 'value="plan" data-safeguard-reveal="conditional-outcome-plan"' in page
    initial = page.index('id="conditional-kind-initial"')
    assert (
        initial
        < page.index("id_strategy_discussion_on_day")
        < page.index('id="conditional-kind-transfer"')
    )


# ---- a booked meeting becomes held (the seam with booking) ----------------------------------


@pytest.fixture
def booked(family):
    today = timezone.localdate()
    chair = Chair.objects.create(name="Jo Chair")
    meeting = Meeting.objects.create(reference="BOOKED-1", held_on=today - dt.timedelta(days=1))
    for child in (family["ann"], family["bo"]):
        Conference.objects.create(
            conference_id=f"BK-{child.child_id}", child=child, meeting=meeting, kind="initial",
            status="booked", held_on=meeting.held_on, chair=chair,
        )  # fmt: skip
    for name, attended in (("Social Workers", True), ("GP's", True), ("PPU", True),
                           ("Health Visitor", False)):  # fmt: skip
        Invitation.objects.create(
            meeting=meeting, organisation_type=make_organisation_type(name), attended=attended
        )
    return meeting


def test_opened_from_a_booked_meeting_the_form_is_prefilled_and_suggests_the_quorum(
    signed_in_client, booked
):
    page = signed_in_client(Role.CHAIR).get(URL, {"meeting": "BOOKED-1"}).content.decode()
    assert checked(page, "children") == {"FAM-A", "FAM-B"}
    assert checked(page, "kind") == {"initial"}
    assert checked(page, "chair") == set() and "selected>Jo Chair</option>" in page
    assert "Suggested from the agencies recorded as attending: quorate" in page
    assert checked(page, "quorate") == {"True"}


def test_the_quorum_follows_the_authoritys_number_of_other_agencies(signed_in_client, booked):
    RuleSetting.objects.create(quorum_other_agencies=3)
    page = signed_in_client(Role.CHAIR).get(URL, {"meeting": "BOOKED-1"}).content.decode()
    assert "Suggested from the agencies recorded as attending: not quorate" in page


def test_recording_a_booked_meeting_makes_the_same_rows_held(signed_in_client, booked):
    client = signed_in_client(Role.CHAIR)
    data = picked("FAM-A", "FAM-B", meeting="BOOKED-1", quorate="True")
    data.update(date_fields("held_on", booked.held_on))
    response = client.post(URL, data)
    assert response["Location"] == "/meetings/BOOKED-1/"
    rows = Conference.objects.order_by("conference_id")
    assert [(c.conference_id, c.status, c.quorate) for c in rows] == [
        ("BK-FAM-A", "held", True),
        ("BK-FAM-B", "held", True),
    ]
    assert Meeting.objects.count() == 1


def test_a_meeting_that_is_not_booked_does_not_open_the_booked_form(signed_in_client, booked):
    Conference.objects.update(status="held")
    assert signed_in_client(Role.CHAIR).get(URL, {"meeting": "BOOKED-1"}).status_code == 404


# ---- an escalation raised from the meeting is about every child of it -----------------------


def test_a_missing_gp_report_escalated_from_the_meeting_names_every_child(signed_in_client, family):
    client = signed_in_client(Role.CHAIR)
    client.post(URL, picked("FAM-A", "FAM-B"))
    meeting = Meeting.objects.get()
    invitation = Invitation.objects.create(
        meeting=meeting, organisation_type=make_organisation_type("GP"), report_received="no",
        attended=False, apologies=False, organisation_name="Hill Surgery",
    )  # fmt: skip
    client.post(f"/invitations/{invitation.pk}/escalate/")
    escalation = Escalation.objects.get()
    page = client.get(f"/escalations/{escalation.escalation_id}/").content.decode()
    assert 'href="/children/FAM-A/"' in page and 'href="/children/FAM-B/"' in page
    for child_id in ("FAM-A", "FAM-B"):
        child_page = client.get(f"/children/{child_id}/").content.decode()
        assert escalation.escalation_id in child_page
