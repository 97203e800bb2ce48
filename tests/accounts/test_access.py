"""The role table and the access-checked fetchers: the same 404 for missing and not yours."""

import pytest
from django.http import Http404

from safeguard.accounts.access import ROLE_PERMISSIONS, Permission, can
from safeguard.accounts.models import Role
from safeguard.cases.selectors import child_get_for_user
from safeguard.escalations.selectors import escalation_get_for_user, escalations_visible_to
from tests.factories import (
    make_area,
    make_child,
    make_escalation,
    make_liaison_officer,
    make_organisation_type,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db


def _verified(user, client):
    """The user as the middleware presents them: signed in with both factors."""
    sign_in(client, user)
    return client.get("/").wsgi_request.user


def test_every_role_has_a_row_in_the_permission_table():
    assert set(ROLE_PERMISSIONS) == set(Role.values)


@pytest.mark.parametrize(
    "role, permission, allowed",
    [
        (Role.CHAIR, Permission.VIEW_CHILD, True),
        (Role.CHAIR, Permission.EDIT_ESCALATION, True),
        (Role.CHAIR, Permission.EDIT_CHILD, False),
        (Role.BUSINESS_SUPPORT, Permission.EDIT_CHILD, True),
        (Role.BUSINESS_SUPPORT, Permission.IMPORT, True),
        (Role.BUSINESS_SUPPORT, Permission.VIEW_ESCALATIONS, False),
        (Role.MANAGER, Permission.ADMINISTER, True),
        (Role.MANAGER, Permission.EDIT_CHECK, True),
        (Role.ANALYST, Permission.VIEW_REPORTS, True),
        (Role.ANALYST, Permission.EXPORT_PSEUDONYMISED, True),
        (Role.ANALYST, Permission.VIEW_CHILD, False),
        (Role.ANALYST, Permission.EXPORT_RECORDS, False),
        (Role.LIAISON_OFFICER, Permission.VIEW_ESCALATIONS, True),
        (Role.LIAISON_OFFICER, Permission.VIEW_CHILD, False),
        (Role.AUDITOR, Permission.VIEW_AUDIT, True),
        (Role.AUDITOR, Permission.VIEW_REPORTS, False),
        (Role.MANAGER, Permission.VIEW_ALL_AREAS, True),
        (Role.CHAIR, Permission.VIEW_ALL_AREAS, False),
        (Role.BUSINESS_SUPPORT, Permission.VIEW_ALL_AREAS, False),
        (Role.CHAIR, Permission.VIEW_REPORT_IDENTIFIERS, True),
        (Role.MANAGER, Permission.VIEW_REPORT_IDENTIFIERS, True),
        (Role.ANALYST, Permission.VIEW_REPORT_IDENTIFIERS, False),
    ],
)
def test_the_role_table(role, permission, allowed, client):
    assert can(_verified(make_user(role), client), permission) is allowed


def test_a_user_without_a_second_factor_can_do_nothing():
    manager = make_user(Role.MANAGER)
    manager.is_verified = lambda: False
    assert not any(can(manager, p) for p in Permission)


def test_an_analyst_asking_for_a_childs_page_gets_404(signed_in_client):
    make_child(child_id="C-1")
    analyst = signed_in_client(Role.ANALYST)
    assert analyst.get("/children/C-1/").status_code == 404
    assert analyst.get("/children/C-NONE/").status_code == 404
    assert signed_in_client(Role.CHAIR).get("/children/C-1/").status_code == 200


@pytest.mark.parametrize("role", [Role.ANALYST, Role.LIAISON_OFFICER, Role.AUDITOR])
def test_the_child_fetcher_answers_the_same_for_missing_and_not_yours(role, client):
    make_child(child_id="C-2")
    user = _verified(make_user(role), client)
    with pytest.raises(Http404) as not_yours:
        child_get_for_user(user=user, child_id="C-2")
    with pytest.raises(Http404) as missing:
        child_get_for_user(user=user, child_id="C-404")
    assert str(not_yours.value) == str(missing.value)


def test_viewing_a_childs_page_is_audited(signed_in_client):
    from safeguard.audit.models import AuditAction, AuditEntry

    make_child(child_id="C-3")
    chair = signed_in_client(Role.CHAIR)
    chair.get("/children/C-3/")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.actor, entry.child_id) == (chair.user, "C-3")


def test_a_liaison_officer_sees_only_the_escalations_they_cover(client):
    police, health = make_organisation_type("Police"), make_organisation_type("Health")
    north, south = make_area("North"), make_area("South")
    mine = make_escalation(organisation_type=police, area=north)
    other_area = make_escalation(organisation_type=police, area=south)
    other_agency = make_escalation(organisation_type=health, area=north)
    no_area = make_escalation(organisation_type=police, area=None)
    officer = _verified(make_liaison_officer(organisation_types=[police], areas=[north]), client)

    assert list(escalations_visible_to(user=officer)) == [mine]
    assert escalation_get_for_user(user=officer, escalation_id=mine.escalation_id) == mine
    for guessed in (other_area, other_agency, no_area):
        with pytest.raises(Http404) as not_yours:
            escalation_get_for_user(user=officer, escalation_id=guessed.escalation_id)
        with pytest.raises(Http404) as missing:
            escalation_get_for_user(user=officer, escalation_id="E-NO-SUCH")
        assert str(not_yours.value) == str(missing.value)


def test_a_liaison_officer_covering_every_area_sees_their_agency_everywhere(client):
    police, health = make_organisation_type("Police"), make_organisation_type("Health")
    a = make_escalation(organisation_type=police, area=make_area("East"))
    b = make_escalation(organisation_type=police, area=None)
    make_escalation(organisation_type=health, area=None)
    officer = _verified(make_liaison_officer(organisation_types=[police], all_areas=True), client)
    assert set(escalations_visible_to(user=officer)) == {a, b}


@pytest.mark.parametrize(
    "role, sees_all",
    [
        (Role.CHAIR, True),
        (Role.MANAGER, True),
        (Role.BUSINESS_SUPPORT, False),
        (Role.ANALYST, False),
        (Role.AUDITOR, False),
        (Role.LIAISON_OFFICER, False),  # without a cover: nothing
    ],
)
def test_who_sees_escalations(role, sees_all, client):
    make_escalation()
    user = _verified(make_user(role), client)
    assert escalations_visible_to(user=user).count() == (1 if sees_all else 0)
