"""The role matrix: every URL the application serves (found from the URL resolver, so new pages
join by themselves), requested by every role and by an anonymous visitor."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from safeguard.accounts.access import AREA_SCOPED_ROLES
from safeguard.accounts.models import Role
from tests.factories import make_area, make_user

from .urlmap import (
    ANONYMOUS,
    EXPECTED,
    ROLES,
    SAMPLE_AREA,
    all_routes,
    make_url_samples,
    url_for,
)

ROUTES = all_routes()
# URLs that open a child's record or a record about a child: scoped by area.
CHILD_RECORD_PARAMETERS = {
    "child_id",
    "plan_id",
    "conference_id",
    "reference",
    "invitation_id",
    "escalation_id",
}
CHILD_RECORD_ROUTES = [
    r
    for r in ROUTES
    if CHILD_RECORD_PARAMETERS & set(r.parameters) and r.name != "cases:child-break-glass"
]


def _client_of(role: str, signed_in_client, *, area_name: str = SAMPLE_AREA) -> Client:
    """A client signed in as `role`; chairs and business support have the one area named."""
    if role in AREA_SCOPED_ROLES:
        return signed_in_client(user=make_user(role, areas=[make_area(area_name)]))
    return signed_in_client(role)


def test_every_url_the_application_serves_has_a_row_in_the_matrix():
    unlisted = [r.name for r in ROUTES if r.name not in EXPECTED]
    assert not unlisted, f"add these URL names to EXPECTED in tests/web/urlmap.py: {unlisted}"


def test_the_matrix_lists_no_url_that_no_longer_exists():
    served = {r.name for r in ROUTES}
    assert not set(EXPECTED) - served


def test_every_row_of_the_matrix_covers_every_role_and_anonymous():
    for name, row in EXPECTED.items():
        assert set(row) == set(ROLES), name


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_each_role_gets_the_allowed_status(route, signed_in_client):
    expected = EXPECTED.get(route.name)
    assert expected is not None, f"{route.name} is not in the role matrix"
    url = url_for(route, make_url_samples())
    sign_in_url = resolve_url(settings.LOGIN_URL)
    wrong = []
    for role in ROLES:
        client = Client() if role == ANONYMOUS else _client_of(role, signed_in_client)
        response = client.get(url)
        if response.status_code != expected[role]:
            wrong.append(f"{role}: {response.status_code} (expected {expected[role]})")
        elif role == ANONYMOUS and response.status_code == 302 and route.name != "accounts:sign-in":
            assert response["Location"].startswith(sign_in_url), (route.name, response["Location"])
    assert not wrong, f"GET {url}: " + "; ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("route", CHILD_RECORD_ROUTES, ids=[r.name for r in CHILD_RECORD_ROUTES])
def test_a_child_outside_ones_areas_is_not_found_on_any_page_about_it(route, signed_in_client):
    """Chairs and business support of another area get the same 404 (or the 403 their role
    gets anyway) on every page about the sample child; a manager of no area still sees it."""
    url = url_for(route, make_url_samples())
    for role in AREA_SCOPED_ROLES:
        client = _client_of(role, signed_in_client, area_name="Another area")
        status = client.get(url).status_code
        assert status in (403, 404), f"GET {url} as {role} of another area: {status}"
        if EXPECTED[route.name][role] == 200:
            assert status == 404, f"GET {url} as {role} of another area: {status}"
    manager_status = signed_in_client(Role.MANAGER).get(url).status_code
    assert manager_status == EXPECTED[route.name][Role.MANAGER]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/children/", "/no-such-page/", "/audit/?child_id=1"])
def test_an_anonymous_visitor_is_sent_to_sign_in_even_for_addresses_that_do_not_exist(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.django_db
def test_a_view_that_declares_no_access_rule_is_refused(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from safeguard.web.middleware import AccessMiddleware

    def careless_view(request):  # no decorator
        raise AssertionError("must not run")

    request = rf.get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        AccessMiddleware(lambda r: None).process_view(request, careless_view, (), {})
