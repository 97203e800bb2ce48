"""Managers' administration: organisation types, areas, chairs, Senior Liaison Officers, and
the timeliness rule set, whose change works every verdict out again."""

from __future__ import annotations

import pytest

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Area
from safeguard.conferences.models import Chair, Conference, RuleSetting
from safeguard.escalations.models import OrganisationType, SeniorLiaisonOfficer
from safeguard.exchange.importer import bundle_import
from tests.bundles import child, conference, plan, write_bundle
from tests.factories import make_area, make_organisation_type, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(signed_in_client):
    return signed_in_client("manager")


def test_the_navigation_leads_to_the_administration_index_which_links_every_page(manager):
    home = manager.get("/").content.decode()
    page = manager.get("/administration/").content.decode()

    assert 'href="/administration/"' in home
    for href in (
        "/users/",
        "/administration/organisation-types/",
        "/administration/areas/",
        "/administration/chairs/",
        "/administration/liaison-officers/",
        "/administration/timeliness-rules/",
    ):
        assert f'href="{href}"' in page


def test_an_organisation_type_is_added_renamed_and_audited(manager):
    response = manager.post("/administration/organisation-types/", {"name": " Health Visitor "})

    assert response.status_code == 302
    added = OrganisationType.objects.get(name="Health Visitor")
    manager.post(f"/administration/organisation-types/{added.pk}/", {"name": "Health visitors"})
    added.refresh_from_db()
    assert added.name == "Health visitors"
    actions = list(
        AuditEntry.objects.filter(record_type="organisation type")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.CHANGE]
    assert "Health visitors" in manager.get("/administration/organisation-types/").content.decode()


def test_a_name_already_taken_is_refused_with_a_message(manager):
    make_area("North")
    south = make_area("South")

    page = manager.post("/administration/areas/", {"name": "North"}).content.decode()
    rename = manager.post(f"/administration/areas/{south.pk}/", {"name": "North"})

    assert "There is already one called North" in page and "There is a problem" in page
    assert "There is already one called North" in rename.content.decode()
    assert sorted(Area.objects.values_list("name", flat=True)) == ["North", "South"]


def test_an_empty_name_is_refused(manager):
    page = manager.post("/administration/areas/", {"name": ""}).content.decode()

    assert "Enter the name" in page
    assert not Area.objects.exists()


def test_a_chair_is_added_with_an_email_and_their_account_then_changed(manager):
    account = make_user("chair", username="c.jones")

    manager.post(
        "/administration/chairs/add/",
        {"name": "Chris Jones", "email": "chris@example.org", "user": account.pk},
    )
    chair = Chair.objects.get(name="Chris Jones")
    assert chair.email == "chris@example.org" and chair.user == account
    manager.post(f"/administration/chairs/{chair.pk}/", {"name": "Chris Jones", "email": ""})
    chair.refresh_from_db()

    assert chair.email == "" and chair.user is None
    assert AuditEntry.objects.filter(record_type="chair", action=AuditAction.CHANGE).exists()
    assert "Chris Jones" in manager.get("/administration/chairs/").content.decode()


def test_one_account_links_to_one_chair(manager):
    account = make_user("chair")
    Chair.objects.create(name="First", user=account)

    page = manager.post(
        "/administration/chairs/add/", {"name": "Second", "email": "", "user": account.pk}
    ).content.decode()

    assert "That account is already linked to another chair" in page
    assert not Chair.objects.filter(name="Second").exists()


def test_a_senior_liaison_officer_is_added_with_a_cover_and_renamed(manager):
    health = make_organisation_type("Health")
    north = make_area("North")

    manager.post(
        "/administration/liaison-officers/add/",
        {
            "name": "Sam Officer",
            "email": "sam@example.org",
            "cover_name": "North (Health)",
            "organisation_types": [health.pk],
            "areas": [north.pk],
        },
    )
    officer = SeniorLiaisonOfficer.objects.get(name="Sam Officer")
    assert list(officer.organisation_types.all()) == [health]
    assert list(officer.areas.all()) == [north]
    manager.post(
        f"/administration/liaison-officers/{officer.pk}/",
        {
            "name": "Sam Officer-Smith",
            "email": "sam@example.org",
            "organisation_types": [health.pk],
            "covers_unassigned_areas": "on",
        },
    )
    officer.refresh_from_db()

    assert officer.name == "Sam Officer-Smith" and officer.covers_unassigned_areas
    assert list(officer.areas.all()) == []
    assert SeniorLiaisonOfficer.objects.count() == 1
    page = manager.get("/administration/liaison-officers/").content.decode()
    assert "Sam Officer-Smith" in page and "escalations with no area" in page


def test_an_officer_needs_an_email_address(manager):
    page = manager.post(
        "/administration/liaison-officers/add/", {"name": "No Email"}
    ).content.decode()

    assert "Enter the email address" in page
    assert not SeniorLiaisonOfficer.objects.exists()


def load_transfer_in(tmp_path):
    """A transfer-in conference 17 working days after its notification: late under the
    default 15 working days, in time under 20."""
    bundle = write_bundle(
        tmp_path,
        children=[child("C1")],
        cp_plans=[plan("P1", "C1", "2022-02-02")],
        conferences=[
            conference(
                "T1", "C1", "transfer_in", "2022-02-02", transfer_notification_date="2022-01-07"
            )
        ],
    )
    assert bundle_import(path=bundle, by=None).ok
    return Conference.objects.get(conference_id="T1")


def test_saving_the_rule_set_works_every_verdict_out_again_and_says_how_many_changed(
    manager, tmp_path
):
    transfer = load_transfer_in(tmp_path)
    assert transfer.verdict == "out"

    response = manager.post(
        "/administration/timeliness-rules/",
        {"nation": "england", "transfer_in_conference_working_days": "20"},
        follow=True,
    )

    transfer.refresh_from_db()
    assert transfer.verdict == "within"
    assert "1 conference changed" in response.content.decode()
    setting = RuleSetting.objects.get()
    assert setting.transfer_in_conference_working_days == 20
    assert setting.first_core_group_working_days is None
    assert AuditEntry.objects.filter(record_type="timeliness rule set").exists()
    assert AuditEntry.objects.filter(action=AuditAction.RECOMPUTE).exists()

    again = manager.post(
        "/administration/timeliness-rules/",
        {"nation": "england", "transfer_in_conference_working_days": "20"},
        follow=True,
    )
    assert "0 conferences changed" in again.content.decode()


def test_the_rule_set_page_shows_the_nation_and_refuses_nonsense(manager):
    page = manager.get("/administration/timeliness-rules/").content.decode()
    refused = manager.post(
        "/administration/timeliness-rules/",
        {"nation": "england", "pre_review_check_working_days": "ten"},
    ).content.decode()

    assert 'value="england"' in page and "checked" in page
    assert "must be a whole number" in refused
    assert not RuleSetting.objects.exists()


def test_other_roles_cannot_administer(signed_in_client):
    for role in ("chair", "business_support", "analyst", "liaison_officer", "auditor"):
        client = signed_in_client(role)
        assert client.post("/administration/areas/", {"name": "X"}).status_code == 403, role
        assert (
            client.post("/administration/timeliness-rules/", {"nation": "wales"}).status_code == 403
        )
    assert not Area.objects.exists() and not RuleSetting.objects.exists()
