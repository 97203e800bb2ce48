"""Random form posts to every URL of the application, as every role and as nobody: the answer is
a page, a redirect or a refusal (4xx), never a server error.

Each URL comes from the URL resolver (tests/web/urlmap.py), so a page added later is covered
without a change here. The test client re-raises any exception a view lets escape, so a view
that would answer 500 fails here with its traceback."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user, sign_in
from tests.web.urlmap import ANONYMOUS, ROLES, all_routes, make_url_samples

RANDOM = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)

# Field names the application's forms use, and some they do not.
FIELD_NAMES = [
    "version",
    "child_id",
    "children",
    "kind",
    "held_on",
    "held_on_day",
    "held_on_month",
    "held_on_year",
    "raised_on_day",
    "raised_on_month",
    "raised_on_year",
    "resolved_on_year",
    "organisation_type",
    "organisation_name",
    "reason",
    "stage",
    "formal",
    "outcome",
    "chair",
    "area",
    "areas",
    "role",
    "username",
    "password",
    "password_again",
    "code",
    "token",
    "action",
    "replace",
    "report_received",
    "attended",
    "q",
    "from",
    "to",
    "format",
    "csrfmiddlewaretoken",
    "next",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "0", "-1", "1", "2", "99999999999999999999", "yes", "no", "on", "initial", "review"]
    ),
    st.sampled_from(["2024-02-30", "31/12/9999", "0000-00-00", "29/02/2023", "1900-01-01"]),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "\x00"]),
    st.just("x" * 100_000),
)
FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12)),
    st.one_of(VALUES, st.lists(VALUES, max_size=3)),
    max_size=10,
)


def _url(route, samples: dict[str, str]) -> str:
    from django.urls import reverse

    return reverse(route.name, kwargs={p: samples.get(p, "unknown-1") for p in route.parameters})


@pytest.fixture
def urls(db) -> list[str]:
    samples = make_url_samples()
    return [_url(route, samples) for route in all_routes()]


@pytest.fixture
def client_as(db):
    """A fresh client signed in as the role (one person per role, signed in again each time:
    a post may have signed the last client out)."""
    people = {}

    def make(role: str) -> Client:
        client = Client()
        if role != ANONYMOUS:
            if role not in people:
                people[role] = make_user(role)
            sign_in(client, people[role])
        return client

    return make


def _assert_not_a_server_error(response, url: str, role: str) -> None:
    assert response.status_code < 500, f"POST {url} as {role}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_an_empty_post_to_every_url_is_never_a_server_error(urls, client_as, role):
    for url in urls:
        client = client_as(role)
        _assert_not_a_server_error(client.post(url, {}), url, role)


@pytest.mark.parametrize("role", ROLES)
def test_random_form_posts_are_never_a_server_error(urls, client_as, role):
    @RANDOM
    @given(index=st.integers(min_value=0), fields=FIELDS, query=FIELDS)
    def check(index: int, fields: dict, query: dict) -> None:
        url = urls[index % len(urls)]
        client = client_as(role)
        path = url + "?" + "&".join(f"{k}=x" for k in list(query)[:3] if k.isidentifier())
        _assert_not_a_server_error(client.post(path, fields), url, role)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_non_form_bodies_are_never_a_server_error(urls, client_as, role):
    client = client_as(role)
    for url in urls:
        for body, content_type in (
            (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
            (b'{"json": true}', "application/json"),
            (b"--boundary\r\nnot really multipart", "multipart/form-data; boundary=boundary"),
            (b"a=1", "multipart/form-data"),  # no boundary at all
        ):
            response = client.generic("POST", url, body, content_type=content_type)
            _assert_not_a_server_error(response, url, role)
