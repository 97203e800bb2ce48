"""The role matrix: every URL the application serves (found from the URL resolver, so new pages
join by themselves), requested by every role and by an anonymous visitor."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from .urlmap import ANONYMOUS, EXPECTED, ROLES, all_routes, make_url_samples, url_for

ROUTES = all_routes()


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
        client = Client() if role == ANONYMOUS else signed_in_client(role)
        response = client.get(url)
        if response.status_code != expected[role]:
            wrong.append(f"{role}: {response.status_code} (expected {expected[role]})")
        elif role == ANONYMOUS and response.status_code == 302 and route.name != "accounts:sign-in":
            assert response["Location"].startswith(sign_in_url), (route.name, response["Location"])
    assert not wrong, f"GET {url}: " + "; ".join(wrong)


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
