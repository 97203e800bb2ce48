"""Recording a conference for one child or a sibling group, the agencies invited, and the
one-step escalation of an agency that sent no report and no apologies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.cases.models import Plan
from safeguard.conferences.models import Chair, Conference, Invitation
from safeguard.escalations.models import Escalation
from tests.factories import make_area, make_child, make_organisation_type

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: dt.date | None) -> dict:
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def conference_form(children: str, held_on: dt.date, **values) -> dict:
    data = {
        "other_children": children,
        "confirmed": "yes",  # as from the page that names every child
        "kind": "initial",
        **date_fields("held_on", held_on),
        **date_fields("strategy_discussion_on", held_on - dt.timedelta(days=14)),
        **date_fields("transfer_notification_on", None),
        "chair": "",
        "outcome": "plan",
        "category": "NEG",
        "out_of_timescale_reason": "",
        "child_attended": "",
        "advocate_involved": "",
        "views_shared_via": "",
        "preparation_session": "",
        "participation_code": "",
    }
    data.update(values)
    return data


@pytest.fixture
def siblings():
    area = make_area("North")
    return [
        make_child(child_id="SIB-1", given_name="Ann", area=area),
        make_child(child_id="SIB-2", given_name="Bo", area=area),
    ]


def test_an_initial_conference_for_two_siblings_starts_two_plans(signed_in_client, siblings):
    client = signed_in_client(Role.CHAIR)
    chair = Chair.objects.create(name="Jo Chair", user=client.user)
    held_on = timezone.localdate() - dt.timedelta(days=7)

    response = client.post(
        "/conferences/record/",
        conference_form("SIB-1, SIB-2", held_on, chair=chair.pk, child_attended="True"),
    )

    assert response.status_code == 302
    conferences = Conference.objects.order_by("child__child_id")
    assert [c.child.child_id for c in conferences] == ["SIB-1", "SIB-2"]
    assert len({c.meeting_id for c in conferences}) == 1
    assert all(c.chair == chair and c.child_attended is True for c in conferences)
    assert Plan.objects.filter(start_on=held_on).count() == 2
    meeting_page = client.get(response["Location"]).content.decode()
    assert "Conference recorded for 2 children" in meeting_page
    review_due = Plan.objects.first().next_review_due_on
    assert f"{review_due.day} {review_due:%B %Y}" in meeting_page


def test_the_conference_form_matches_child_ids_without_regard_to_case(signed_in_client, siblings):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    held_on = timezone.localdate() - dt.timedelta(days=7)
    response = client.post("/conferences/record/", conference_form("sib-1, Sib-2, SIB-1", held_on))
    assert response.status_code == 302
    children = Conference.objects.order_by("child__child_id").values_list(
        "child__child_id", flat=True
    )
    assert list(children) == ["SIB-1", "SIB-2"]


def test_an_unknown_child_id_and_a_future_date_are_refused_beside_their_fields(
    signed_in_client, siblings
):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    page = client.post(
        "/conferences/record/", conference_form("SIB-1, NOPE", timezone.localdate())
    ).content.decode()
    assert "No child is recorded with the id NOPE" in page
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = client.post(
        "/conferences/record/",
        conference_form("SIB-1", tomorrow, **date_fields("strategy_discussion_on", None)),
    ).content.decode()
    assert (
        '<a href="#id_held_on_day">Date of the conference must be today or in the past</a>' in page
    )
    assert not Conference.objects.exists()


def test_the_form_asks_for_the_type_and_outcome_in_govuk_words(signed_in_client, siblings):
    page = (
        signed_in_client(Role.CHAIR)
        .post(
            "/conferences/record/",
            conference_form("SIB-1", timezone.localdate(), kind="", outcome=""),
        )
        .content.decode()
    )
    assert "Select the type of conference" in page
    assert "Select the outcome of the conference" in page


def record_meeting(client, children="SIB-1, SIB-2"):
    held_on = timezone.localdate() - dt.timedelta(days=3)
    response = client.post("/conferences/record/", conference_form(children, held_on))
    return Conference.objects.filter(child__child_id="SIB-1").get().meeting, response


def invitation_form(organisation_type, **values) -> dict:
    data = {
        "organisation_type": organisation_type.pk,
        "organisation_name": "Hill Surgery",
        "report_requested": "True",
        "report_received": "no",
        "attended": "False",
        "apologies": "False",
    }
    data.update(values)
    return data


def test_no_report_and_no_apologies_offers_the_escalation_in_one_step(signed_in_client, siblings):
    client = signed_in_client(Role.CHAIR)
    chair = Chair.objects.create(name="Jo Chair", user=client.user)
    meeting, _ = record_meeting(client)
    gp = make_organisation_type("GP")

    response = client.post(f"/meetings/{meeting.reference}/invitations/add/", invitation_form(gp))

    invitation = Invitation.objects.get()
    assert response["Location"] == f"/invitations/{invitation.pk}/escalate/"
    offer = client.get(response["Location"]).content.decode()
    assert "sent no report and no apologies" in offer and "SIB-1, SIB-2" in offer
    raised = client.post(f"/invitations/{invitation.pk}/escalate/")
    escalation = Escalation.objects.get()
    assert raised["Location"] == f"/escalations/{escalation.escalation_id}/"
    assert escalation.reason == "no_report_no_apologies"
    assert escalation.organisation_name == "Hill Surgery"
    assert escalation.area.name == "North" and escalation.raised_by == chair
    assert escalation.raised_on == timezone.localdate()
    # once raised, it is not offered again, and a second post raises nothing
    client.post(f"/invitations/{invitation.pk}/escalate/")
    assert Escalation.objects.count() == 1
    assert (
        "Raise an escalation" not in client.get(f"/meetings/{meeting.reference}/").content.decode()
    )


def test_an_agency_that_sent_apologies_is_not_offered_an_escalation(signed_in_client, siblings):
    client = signed_in_client(Role.CHAIR)
    meeting, _ = record_meeting(client)
    gp = make_organisation_type("GP")
    response = client.post(
        f"/meetings/{meeting.reference}/invitations/add/", invitation_form(gp, apologies="True")
    )
    assert response["Location"] == f"/meetings/{meeting.reference}/"
    invitation = Invitation.objects.get()
    assert client.post(f"/invitations/{invitation.pk}/escalate/").status_code == 200
    assert not Escalation.objects.exists()


def test_business_support_records_conferences_and_agencies_but_not_escalations(
    signed_in_client, siblings
):
    """Issue 19: business support invites the agencies and chases their reports."""
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    meeting, response = record_meeting(client)
    assert response.status_code == 302
    gp = make_organisation_type("GP")
    added = client.post(
        f"/meetings/{meeting.reference}/invitations/add/",
        invitation_form(gp, report_received="no", apologies="False"),
    )
    assert added.status_code == 302
    assert "/escalate/" not in added["Location"]  # raising an escalation is for chairs
    invitation = Invitation.objects.get()
    assert client.get(f"/invitations/{invitation.pk}/escalate/").status_code == 403


def test_the_later_of_two_saves_of_an_invitation_is_refused(signed_in_client, siblings):
    first, second = signed_in_client(Role.CHAIR), signed_in_client(Role.MANAGER)
    meeting, _ = record_meeting(first)
    gp = make_organisation_type("GP")
    first.post(
        f"/meetings/{meeting.reference}/invitations/add/", invitation_form(gp, apologies="True")
    )
    invitation = Invitation.objects.get()
    url = f"/invitations/{invitation.pk}/edit/"

    first.post(url, invitation_form(gp, report_received="late", apologies="True", version=1))
    refused = second.post(url, invitation_form(gp, report_received="yes", version=1))

    page = refused.content.decode()
    assert "Somebody else changed this record" in page
    assert "Received late" in page and "Received" in page
    assert Invitation.objects.get().report_received == "late"


def test_a_conference_is_changed_for_one_child(signed_in_client, siblings):
    client = signed_in_client(Role.CHAIR)
    record_meeting(client)
    conference = Conference.objects.get(child__child_id="SIB-2")
    data = conference_form(
        "", conference.held_on, participation_code="PN1", version=conference.version
    )
    data.pop("other_children")
    response = client.post(f"/conferences/{conference.conference_id}/edit/", data)
    assert response.status_code == 302
    assert Conference.objects.get(pk=conference.pk).participation_code == "PN1"
    assert Conference.objects.get(child__child_id="SIB-1").participation_code == ""
