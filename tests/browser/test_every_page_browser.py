"""Every page the application serves passes axe-core, at a desktop's width (1280 px) and a
phone's (390 px), and never scrolls sideways (at those widths and at 200% zoom), not only those a
journey visits: each GET page of the URL map (tests/web/urlmap.py), as a role that may see it and with real records
behind its ids; each form again after an empty POST, with its error summary showing; and the
sign-in, enrolment and error pages. Screenshots go to test-results/screenshots/page-*.png (page-*-390.png: the phone).

One browser page is reused throughout; a role's session is handed to the browser as a cookie."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from safeguard.accounts.models import Role
from safeguard.exchange.importer import bundle_import
from tests.browser.conftest import DESKTOP
from tests.browser.test_reports_exchange_administration_browser import _authority
from tests.browser.test_sign_in_browser import SCREENSHOTS, _axe_violations
from tests.factories import PASSWORD, make_user, sign_in
from tests.web.urlmap import ANONYMOUS, EXPECTED, all_routes, make_url_samples, url_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Who looks at each page: the first of these that gets a 200 for it.
ROLE_ORDER = (
    Role.MANAGER,
    Role.BUSINESS_SUPPORT,
    Role.CHAIR,
    Role.LIAISON_OFFICER,
    Role.AUDITOR,
    Role.ANALYST,
    ANONYMOUS,
)
# Pages whose form an empty POST refuses with an error summary (checked: the summary must show).
FORMS = {
    "accounts:user-add",
    "accounts:user-edit",
    "administration:area-edit",
    "administration:areas",
    "administration:chair-add",
    "administration:chair-edit",
    "administration:liaison-officer-add",
    "administration:liaison-officer-edit",
    "administration:organisation-type-edit",
    "administration:organisation-types",
    "administration:rules",
    "cases:child-add",
    "cases:child-break-glass",
    "cases:plan-add",
    "cases:plan-edit",
    "conferences:conference-edit",
    "conferences:invitation-add",
    "conferences:invitation-edit",
    "conferences:meeting-record",
    "escalations:edit",
    "escalations:good-practice-record",
    "escalations:raise",
    "escalations:step-add",
    "exchange:import",
    "ssd:import",
    "monitoring:check-record",
}
# Every field of a child is optional: an impossible date shows its error summary instead.
INVALID = {"cases:child-edit": ("date_of_birth_day", "40")}
# Visited in the sign-in steps below, not on their own.
SIGN_IN_PAGES = {"accounts:sign-in", "accounts:sign-in-code", "accounts:enrol"}  # set-up: 404

# Empty the visible fields of the page's form (then give field `name` a `value`, if named) and
# submit it as a person would, without the browser's own checks (the forms are `novalidate`).
EMPTY_SUBMIT = """([name, value]) => {
  const form = [...document.querySelectorAll('main form[method=post]')]
    .find(f => f.querySelector('input:not([type=hidden]), select, textarea'));
  if (!form) return false;
  for (const field of form.elements) {
    if (field.type === 'hidden' || field.type === 'submit' || field.type === 'button') continue;
    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
    else field.value = '';
  }
  if (name) form.elements[name].value = value;
  form.noValidate = true;
  form.requestSubmit();
  return true;
}"""


# The desktop, the desktop at 200% zoom (half as many CSS pixels: WCAG 1.4.10 Reflow) and a
# phone: (width, screenshot suffix, run axe-core).
WIDTHS = ((DESKTOP["width"], "", True), (DESKTOP["width"] // 2, "", False), (390, "-390", True))
# The page's sideways overflow, with the elements that stick out furthest; null when none.
SIDEWAYS_SCROLL = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest('.safeguard-table-scroll') || e.matches('.safeguard-table-scroll')
      || getComputedStyle(e).position === 'absolute')
    .slice(-4)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}`);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


def _role_for(name: str) -> str | None:
    statuses = EXPECTED[name]
    return next((role for role in ROLE_ORDER if statuses.get(role) == 200), None)


def _is_html_page(client: Client, url: str) -> bool:
    response = client.get(url)
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and "attachment" not in response.get("Content-Disposition", "")
    )


class Visits:
    """Looks at pages in the one browser page: a screenshot and axe-core's findings each."""

    def __init__(self, page, live_server):
        self.page, self.base = page, live_server.url
        self.problems: dict[str, object] = {}
        self.seen: list[str] = []

    def look(self, name: str) -> None:
        """At each width: the page itself never scrolls sideways; at the desktop's and the
        phone's, axe-core finds nothing and a screenshot is kept (the phone's `-390`)."""
        self.seen.append(name)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width, suffix, axe in WIDTHS:
            if width != DESKTOP["width"]:
                self.page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
            if overflow := self.page.evaluate(SIDEWAYS_SCROLL):
                self.problems[f"{name} at {width} px"] = overflow
            if axe:
                path = SCREENSHOTS / f"page-{name}{suffix}.png"
                self.page.screenshot(path=str(path), full_page=True)
                if violations := _axe_violations(self.page):
                    self.problems[f"{name} at {width} px"] = violations
        self.page.set_viewport_size(DESKTOP)

    def go(self, path: str, name: str) -> None:
        self.page.goto(self.base + path)
        assert urlsplit(self.page.url).path == urlsplit(path).path, f"{name}: sent elsewhere"
        self.look(name)

    def empty_post(self, name: str, invalid: tuple[str, str] = ("", "")) -> None:
        with self.page.expect_navigation():
            assert self.page.evaluate(EMPTY_SUBMIT, list(invalid)), f"{name}: no form to submit"
        if not self.page.locator(".govuk-error-summary").count():
            self.problems[f"{name}-errors"] = "no error summary after an empty POST"
            return
        self.look(f"{name}-errors")

    def as_user(self, user) -> None:
        client = sign_in(Client(), user)
        self.page.context.clear_cookies()
        self.page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.base}]
        )


def _sign_in_pages(visits: Visits, samples: dict[str, str]) -> None:
    """The sign-in pages and the enrolment page, with their error summaries."""
    page = visits.page
    visits.go("/sign-in/", "sign-in")
    visits.empty_post("sign-in")
    user = make_user(Role.CHAIR, username="every.page.chair")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/code/")
    visits.look("sign-in-code")
    visits.empty_post("sign-in-code")
    route = next(r for r in all_routes() if r.name == "accounts:enrol")
    visits.page.context.clear_cookies()
    visits.go(url_for(route, samples), "enrol")
    visits.empty_post("enrol")


def test_every_page_and_every_forms_errors_pass_axe(page, live_server, tmp_path):
    assert bundle_import(path=_authority(tmp_path / "authority"), by=None).ok
    samples = make_url_samples()
    visits = Visits(page, live_server)
    _sign_in_pages(visits, samples)

    by_role: dict[str, list] = {}
    for route in all_routes():
        role = _role_for(route.name)
        if role is not None and route.name not in SIGN_IN_PAGES:
            by_role.setdefault(role, []).append(route)
    assert ANONYMOUS not in by_role, by_role.get(ANONYMOUS)
    skipped = []
    for role, routes in by_role.items():
        user = make_user(role, username=f"every.page.{role}")
        client = sign_in(Client(), user)
        visits.as_user(user)
        for route in routes:
            url = url_for(route, samples)
            if not _is_html_page(client, url):  # a download, JSON or plain text
                skipped.append(route.name)
                continue
            name = route.name.replace(":", "-")
            visits.go(url, name)
            if route.name in FORMS:
                visits.empty_post(name)
            elif route.name in INVALID:
                visits.empty_post(name, INVALID[route.name])
        if role == Role.MANAGER:
            visits.go("/children/NO-SUCH-CHILD/", "not-found")
            visits.go("/import/", "forbidden")
            visits.go("/reports/?start_month=13&start_year=2022", "reporting-index-errors")

    assert sorted(skipped) == [
        "escalations:export",
        "reporting:api-report",
        "reporting:download",
        "reporting:edition-download",
        "web:healthz",
        "web:worklist-csv",
    ]
    assert len(visits.seen) >= 70, visits.seen
    # axe-core runs for real here: a picture without a text alternative is found.
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in {v["id"] for v in _axe_violations(page)}
    assert visits.problems == {}, json.dumps(visits.problems, indent=1)
