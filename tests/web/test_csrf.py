"""Every form that posts carries a CSRF token, and a post without one is refused: checked on
every page of the role matrix, as a role that may open it."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from .urlmap import ANONYMOUS, EXPECTED, all_routes, make_url_samples, url_for


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "token": False,
            }
            self.forms.append(self._current)
        elif tag == "input" and self._current and attrs.get("name") == "csrfmiddlewaretoken":
            self._current["token"] = bool(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post"]


PAGES = [r for r in all_routes() if 200 in EXPECTED.get(r.name, {}).values()]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PAGES, ids=[r.name for r in PAGES])
def test_every_post_form_carries_a_token_and_a_post_without_one_is_refused(route, signed_in_client):
    role = next(role for role, status in EXPECTED[route.name].items() if status == 200)
    url = url_for(route, make_url_samples())

    def client(**kwargs):
        if role == ANONYMOUS:
            return Client(**kwargs)
        return signed_in_client(role, **kwargs)

    page = client().get(url)
    assert page.status_code == 200
    forms = _post_forms(page.content.decode())
    for form in forms:
        assert form["token"], f"a form on {url} posting to {form['action'] or url} has no token"
        response = client(enforce_csrf_checks=True).post(form["action"] or url, {})
        assert response.status_code == 403, (url, form["action"], response.status_code)


@pytest.mark.django_db
def test_the_sign_in_form_is_among_those_checked():
    assert _post_forms(Client().get("/sign-in/").content.decode())
