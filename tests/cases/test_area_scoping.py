"""Children are scoped by area (issue 18, finding 11): chairs and business support open the
children of their areas; a child outside them opens only after a recorded reason ("break
glass"), which the audit trail holds; managers see every area; an account with no area sees no
child and is told to ask a service manager."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import BreakGlass, Role
from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Plan
from tests.factories import make_area, make_child, make_plan, make_user

pytestmark = pytest.mark.django_db

REASON = "Covering the duty conference for the East team today"


@pytest.fixture
def north():
    return make_area("North")


@pytest.fixture
def east():
    return make_area("East")


@pytest.fixture
def northern_child(north):
    return make_child(child_id="N-1", given_name="Nora", family_name="Northfield", area=north)


@pytest.fixture
def eastern_child(east):
    return make_child(child_id="E-1", given_name="Esme", family_name="Eastwood", area=east)


def client_of(signed_in_client, role, *areas):
    return signed_in_client(user=make_user(role, areas=list(areas)))


def page(child) -> str:
    return f"/children/{child.child_id}/"


def open_with_reason(client, child, reason=REASON):
    return client.post(f"/children/{child.child_id}/open-with-reason/", {"reason": reason})


@pytest.mark.parametrize("role", [Role.CHAIR, Role.BUSINESS_SUPPORT])
def test_a_child_of_another_area_is_not_found_and_one_of_ones_own_area_opens(
    role, signed_in_client, north, northern_child, eastern_child
):
    client = client_of(signed_in_client, role, north)

    assert client.get(page(northern_child)).status_code == 200
    outside = client.get(page(eastern_child))
    assert outside.status_code == 404
    assert "Page not found" in outside.content.decode()
    assert client.get("/children/NO-SUCH-CHILD/").status_code == 404


@pytest.mark.parametrize("role", [Role.CHAIR, Role.BUSINESS_SUPPORT])
def test_a_recorded_reason_opens_a_child_outside_ones_areas_and_the_audit_holds_it(
    role, signed_in_client, north, eastern_child
):
    client = client_of(signed_in_client, role, north)
    form = client.get(f"/children/{eastern_child.child_id}/open-with-reason/")
    assert form.status_code == 200
    assert "Why do you need to open this record?" in form.content.decode()

    response = open_with_reason(client, eastern_child)

    assert response.status_code == 302
    assert response["Location"] == page(eastern_child)
    assert client.get(page(eastern_child)).status_code == 200
    entry = AuditEntry.objects.get(record_type="break_glass", child_id=eastern_child.child_id)
    assert entry.actor == client.user
    assert REASON in entry.summary
    grant = BreakGlass.objects.get(user=client.user, child=eastern_child)
    assert grant.reason == REASON
    assert grant.expires_at - grant.opened_at == dt.timedelta(hours=4)


def test_business_support_edit_a_child_outside_their_areas_only_after_a_reason(
    signed_in_client, north, eastern_child
):
    plan = make_plan(child=eastern_child)
    client = client_of(signed_in_client, Role.BUSINESS_SUPPORT, north)
    for url in (
        f"/children/{eastern_child.child_id}/edit/",
        f"/children/{eastern_child.child_id}/plans/add/",
        f"/plans/{plan.plan_id}/edit/",
    ):
        assert client.get(url).status_code == 404, url

    open_with_reason(client, eastern_child)

    for url in (
        f"/children/{eastern_child.child_id}/edit/",
        f"/children/{eastern_child.child_id}/plans/add/",
        f"/plans/{plan.plan_id}/edit/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_opening_ends_after_its_hours(signed_in_client, north, eastern_child):
    client = client_of(signed_in_client, Role.CHAIR, north)
    open_with_reason(client, eastern_child)
    BreakGlass.objects.filter(user=client.user).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert client.get(page(eastern_child)).status_code == 404


def test_the_opening_is_for_that_child_and_that_user_only(
    signed_in_client, north, east, eastern_child
):
    other_eastern = make_child(child_id="E-2", area=east)
    client = client_of(signed_in_client, Role.CHAIR, north)
    colleague = client_of(signed_in_client, Role.CHAIR, north)
    open_with_reason(client, eastern_child)

    assert client.get(page(other_eastern)).status_code == 404
    assert colleague.get(page(eastern_child)).status_code == 404


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_no_reason_or_a_token_one_opens_nothing(reason, signed_in_client, north, eastern_child):
    client = client_of(signed_in_client, Role.CHAIR, north)

    response = open_with_reason(client, eastern_child, reason)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not BreakGlass.objects.exists()
    assert not AuditEntry.objects.filter(record_type="break_glass").exists()
    assert client.get(page(eastern_child)).status_code == 404


def test_a_reason_for_a_child_that_does_not_exist_is_not_found(signed_in_client, north):
    client = client_of(signed_in_client, Role.CHAIR, north)

    assert client.get("/children/NO-SUCH/open-with-reason/").status_code == 200  # same form
    assert client.post("/children/NO-SUCH/open-with-reason/", {"reason": REASON}).status_code == 404
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.LIAISON_OFFICER, Role.AUDITOR])
def test_roles_that_never_see_children_cannot_break_glass(role, signed_in_client, eastern_child):
    client = signed_in_client(role)

    response = open_with_reason(client, eastern_child)

    assert response.status_code in (403, 404)
    assert not BreakGlass.objects.exists()


def test_a_manager_sees_every_area_with_no_area_set(
    signed_in_client, northern_child, eastern_child
):
    unplaced = make_child(child_id="U-1", area=None)
    client = signed_in_client(Role.MANAGER)

    for child in (northern_child, eastern_child, unplaced):
        assert client.get(page(child)).status_code == 200


def test_every_area_includes_children_with_no_area(signed_in_client, eastern_child):
    unplaced = make_child(child_id="U-1", area=None)
    client = signed_in_client(user=make_user(Role.CHAIR, all_areas=True))

    assert client.get(page(eastern_child)).status_code == 200
    assert client.get(page(unplaced)).status_code == 200


def test_a_child_with_no_area_is_outside_an_account_of_named_areas(signed_in_client, north):
    unplaced = make_child(child_id="U-1", area=None)
    client = client_of(signed_in_client, Role.CHAIR, north)

    assert client.get(page(unplaced)).status_code == 404


def test_an_account_with_no_area_sees_no_child_and_is_told_why(
    signed_in_client, northern_child, eastern_child
):
    client = signed_in_client(user=make_user(Role.CHAIR, areas=[]))

    home = client.get("/").content.decode()
    search = client.get("/children/", {"q": "Nora"}).content.decode()

    message = "No areas are set for your account"
    assert message in home
    assert message in search
    assert "Northfield" not in search
    assert client.get(page(northern_child)).status_code == 404


def test_search_shows_only_children_in_ones_areas(
    signed_in_client, north, northern_child, eastern_child
):
    make_child(child_id="E-9", given_name="Nora", family_name="Eastgate", area=eastern_child.area)
    client = client_of(signed_in_client, Role.CHAIR, north)

    found = client.get("/children/", {"q": "Nora"}).content.decode()

    assert "Northfield" in found
    assert "Eastgate" not in found
    assert "E-9" not in found


def test_search_by_the_exact_id_of_a_child_elsewhere_offers_the_reason_form_without_details(
    signed_in_client, north, eastern_child
):
    client = client_of(signed_in_client, Role.CHAIR, north)

    found = client.get("/children/", {"q": "E-1"}).content.decode()

    assert f"/children/{eastern_child.child_id}/open-with-reason/" in found
    assert "Esme" not in found and "Eastwood" not in found and "East" not in found


def test_conferences_meetings_checks_and_escalations_of_a_child_elsewhere_are_not_found(
    signed_in_client, north, eastern_child
):
    from tests.web.urlmap import make_meeting_samples

    plan = make_plan(child=eastern_child)
    meeting, conference, invitation = make_meeting_samples(child=eastern_child)
    from tests.factories import make_escalation

    escalation = make_escalation(child=eastern_child, area=eastern_child.area)
    client = client_of(signed_in_client, Role.CHAIR, north)
    urls = [
        f"/conferences/{conference.conference_id}/edit/",
        f"/meetings/{meeting.reference}/",
        f"/meetings/{meeting.reference}/invitations/add/",
        f"/invitations/{invitation.pk}/edit/",
        f"/invitations/{invitation.pk}/escalate/",
        f"/plans/{plan.plan_id}/checks/add/",
        f"/escalations/{escalation.escalation_id}/",
        f"/escalations/{escalation.escalation_id}/edit/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert escalation.escalation_id not in client.get("/escalations/").content.decode()

    open_with_reason(client, eastern_child)

    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_conference_cannot_be_recorded_for_a_child_elsewhere(
    signed_in_client, north, eastern_child
):
    from tests.conferences.test_views import conference_form

    client = client_of(signed_in_client, Role.CHAIR, north)
    held_on = timezone.localdate() - dt.timedelta(days=7)

    response = client.post("/conferences/record/", conference_form("E-1", held_on))

    assert response.status_code == 200
    assert "No child is recorded with the id E-1" in response.content.decode()
    assert not Plan.objects.filter(child=eastern_child).exists()


def test_the_worklist_lists_only_the_children_of_ones_areas(
    signed_in_client, north, northern_child, eastern_child
):
    soon = timezone.localdate() + dt.timedelta(days=3)
    for child in (northern_child, eastern_child):
        make_plan(child=child, start_on=timezone.localdate(), next_review_due_on=soon)
    client = client_of(signed_in_client, Role.BUSINESS_SUPPORT, north)

    worklist = client.get("/worklist/", {"show": "reviews-due"}).content.decode()

    assert "N-1" in worklist
    assert "E-1" not in worklist


def test_a_manager_sets_a_chairs_areas_on_the_users_page(signed_in_client, north, east):
    chair = make_user(Role.CHAIR, areas=[north])
    manager = signed_in_client(Role.MANAGER)
    data = {
        "first_name": "",
        "last_name": "",
        "email": "",
        "role": Role.CHAIR,
        "is_active": "on",
        "areas-areas": [north.pk, east.pk],
    }

    response = manager.post(f"/users/{chair.pk}/edit/", data)

    assert response.status_code == 302
    assert set(chair.areas.all()) == {north, east}
    entry = AuditEntry.objects.get(record_type="user_areas", record_id=str(chair.pk))
    assert entry.changes["areas"] == [["North"], ["East", "North"]]
    detail = manager.get(f"/users/{chair.pk}/").content.decode()
    assert "East, North" in detail


def test_an_escalation_cannot_be_raised_about_a_child_elsewhere(
    signed_in_client, north, eastern_child
):
    client = client_of(signed_in_client, Role.CHAIR, north)

    response = client.post("/escalations/raise/", {"child": eastern_child.child_id})

    assert response.status_code == 200
    assert f"No child is recorded with the id {eastern_child.child_id}" in (
        response.content.decode()
    )
