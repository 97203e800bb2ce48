"""Browsers and proxies keep no copy of any page or download: every response the application
itself makes says `Cache-Control: no-store`; static files keep their own caching."""

import pytest
from django.test import Client

from .urlmap import ANONYMOUS, EXPECTED, all_routes, make_url_samples, url_for

ROUTES = all_routes()


def _a_role_that_may_open(name: str) -> str:
    row = EXPECTED[name]
    allowed = [role for role, status in row.items() if status == 200 and role != ANONYMOUS]
    return allowed[0] if allowed else next(iter(row))


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_page_and_download_says_no_store(route, signed_in_client):
    url = url_for(route, make_url_samples())
    role = _a_role_that_may_open(route.name)
    client = Client() if role == ANONYMOUS else signed_in_client(role)
    for response in (client.get(url), Client().get(url)):
        assert "no-store" in response.get("Cache-Control", ""), (url, response.status_code)


@pytest.mark.django_db
def test_pages_that_do_not_exist_and_refusals_say_no_store_too(signed_in_client):
    client = signed_in_client("analyst")
    for response in (client.get("/no-such-page/"), client.get("/children/")):
        assert response.status_code in (403, 404)
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_static_files_keep_their_caching():
    response = Client().get("/static/safeguard/safeguard.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
