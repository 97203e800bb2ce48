"""The pages of business support's day (issue 19), through the Django test client: what each
role may do, and what each page says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.cases.models import Child, Enquiry
from safeguard.conferences.models import Chair, Conference, Organisation
from tests.factories import make_organisation_type

from .test_views import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def siblings():
    return [
        Child.objects.create(child_id="SIB-1", given_name="Ann"),
        Child.objects.create(child_id="SIB-2", given_name="Bo"),
    ]


def booking_form(children, held_on, **values):
    return {
        "children": children,
        "kind": "initial",
        **date_fields("held_on", held_on),
        "starts_at": "10:00",
        "place": "Room 2",
        **values,
    }


def test_business_support_records_a_strategy_discussion_and_sees_the_conference_to_book(
    signed_in_client, siblings
):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    child_page = client.get("/children/SIB-1/").content.decode()
    assert "Record a strategy discussion" in child_page
    discussed_on = timezone.localdate() - dt.timedelta(days=30)
    response = client.post(
        "/children/SIB-1/enquiries/add/", date_fields("strategy_discussion_on", discussed_on)
    )
    assert response.status_code == 302
    assert Enquiry.objects.get().strategy_discussion_on == discussed_on
    home = client.get("/").content.decode()
    assert "1</strong> initial conferences to book" in home
    assert "govuk-tag--red" in home  # 30 days on, 15 working days have passed: overdue


def test_a_chair_may_not_record_a_strategy_discussion_and_has_no_conferences_to_book(
    signed_in_client, siblings
):
    client = signed_in_client(Role.CHAIR)
    Chair.objects.create(name="Jo Chair", user=client.user)
    assert client.get("/children/SIB-1/enquiries/add/").status_code == 403
    assert "initial conferences to book" not in client.get("/").content.decode()


def test_booking_after_the_due_date_warns_on_the_confirmation(signed_in_client, siblings):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    today = timezone.localdate()
    Enquiry.objects.create(
        enquiry_id="E1", child=siblings[0], strategy_discussion_on=today - dt.timedelta(days=30)
    )
    response = client.post("/conferences/book/", booking_form("SIB-1, SIB-2", today))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Conference booked for 2 children" in page
    assert "it will be out of timescale" in page
    assert Conference.objects.filter(status="booked").count() == 2


def test_a_booking_without_a_place_or_video_link_is_refused_beside_the_place(
    signed_in_client, siblings
):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    page = client.post(
        "/conferences/book/", booking_form("SIB-1", timezone.localdate(), place="")
    ).content.decode()
    assert '<a href="#id_place">Enter the place of the conference or its video link</a>' in page
    assert not Conference.objects.exists()


def test_cancelling_asks_for_the_reason_and_records_it(signed_in_client, siblings):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    client.post("/conferences/book/", booking_form("SIB-1", timezone.localdate()))
    reference = Conference.objects.get().meeting.reference
    page = client.post(f"/meetings/{reference}/cancel/", {"reason": ""}).content.decode()
    assert "Enter why the conference is cancelled" in page
    client.post(f"/meetings/{reference}/cancel/", {"reason": "Family moved away"})
    conference = Conference.objects.get()
    assert (conference.status, conference.cancellation_reason) == ("cancelled", "Family moved away")


def test_a_chair_sees_their_own_booked_conferences_in_their_diary(signed_in_client, siblings):
    support = signed_in_client(Role.BUSINESS_SUPPORT)
    chair_client = signed_in_client(Role.CHAIR)
    chair = Chair.objects.create(name="Jo Chair", user=chair_client.user)
    other = Chair.objects.create(name="Sam Other")
    day = timezone.localdate() + dt.timedelta(days=3)
    support.post("/conferences/book/", booking_form("SIB-1", day, chair=chair.pk))
    support.post("/conferences/book/", booking_form("SIB-2", day, chair=other.pk))
    diary = chair_client.get("/diary/").content.decode()
    assert "Your diary" in diary and "SIB-1" in diary and "SIB-2" not in diary


def test_business_support_keeps_the_register_of_organisations(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    gp = make_organisation_type("GP")
    response = client.post(
        "/organisations/add/", {"name": "Hill Surgery", "organisation_type": gp.pk}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    client.post(
        f"/organisations/{organisation.pk}/edit/",
        {"name": "Hill Surgery", "organisation_type": gp.pk, "email": "hill@example.org",
         "version": 1},
    )  # fmt: skip
    assert Organisation.objects.get().email == "hill@example.org"
    page = client.post(
        "/organisations/add/", {"name": "Hill Surgery", "organisation_type": gp.pk}
    ).content.decode()
    assert "Hill Surgery is already in the register as GP" in page


def test_the_booking_page_offers_the_childs_brothers_and_sisters_and_books_those_ticked(
    signed_in_client,
):
    ann = Child.objects.create(
        child_id="FAM-1", given_name="Ann", family_id="F9", date_of_birth=dt.date(2015, 3, 4)
    )
    Child.objects.create(
        child_id="FAM-2", given_name="Bo", family_id="F9", date_of_birth=dt.date(2018, 6, 1)
    )
    Child.objects.create(child_id="OTHER", given_name="Cy", family_id="F8")
    client = signed_in_client(Role.BUSINESS_SUPPORT)

    page = client.get("/conferences/book/?children=FAM-1&kind=initial").content.decode()
    assert "Bo, born 1 June 2018 (FAM-2)" in page
    assert "Cy" not in page and "(FAM-1)" not in page  # the child named is not offered again

    today = timezone.localdate()
    response = client.post("/conferences/book/", booking_form("FAM-1", today, siblings=["FAM-2"]))
    assert response.status_code == 302
    booked = Conference.objects.filter(status="booked").order_by("child__child_id")
    assert [c.child.child_id for c in booked] == ["FAM-1", "FAM-2"]
    assert booked[0].meeting_id == booked[1].meeting_id and booked[0].child == ann
