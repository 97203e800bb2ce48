"""Issue 17, items 3 and 5 in Chromium: a new child's id that breaks the identifier rule is
refused at the field; a child stored with such an id before the rule is found by search, opens
on its own page and is linked from the escalations log; a search with no result says so."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from safeguard.cases.models import Child
from tests.browser.test_sign_in_browser import _axe_violations, _sign_in
from tests.factories import (
    make_area,
    make_child,
    make_escalation,
    make_organisation_type,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEGACY = "C 9/1<b>x</b>"


def test_a_child_id_with_a_slash_and_markup_is_refused_at_the_field(page, live_server):
    user = make_user(Role.BUSINESS_SUPPORT, username="bs.legacy", areas=[make_area("North")])
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/children/add/")
    page.get_by_label("Child id").fill(LEGACY)
    page.get_by_role("button", name="Save").click()

    field_error = page.locator("#id_child_id-error")
    expect(field_error).to_be_visible()
    assert "Enter a child id using only letters, numbers" in field_error.inner_text()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link").first.click()  # the summary's link takes the cursor to the field
    assert page.evaluate("document.activeElement.id") == "id_child_id"
    assert page.get_by_label("Child id").input_value() == LEGACY
    assert not Child.objects.filter(child_id=LEGACY).exists()
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_a_child_stored_before_the_rule_is_found_opened_and_linked_from_the_log(page, live_server):
    north = make_area("North")
    child = make_child(child_id=LEGACY, given_name="Old", family_name="Recordchild", area=north)
    make_escalation(
        child=child,
        area=north,
        organisation_type=make_organisation_type("Police"),
        raised_on=dt.date(2022, 3, 1),
    )
    chair = make_user(Role.CHAIR, username="chair.legacy", areas=[north])
    _sign_in(page, live_server, chair)

    # search, by name and by the id itself
    for query in ("Recordchild", "C 9/1"):
        page.goto(f"{live_server.url}/children/")
        page.get_by_label("Child id or name").fill(query)
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("1 child found"), query).to_be_visible()
        expect(page.get_by_role("link", name=LEGACY, exact=True), query).to_be_visible()
    expect(page.locator("b", has_text="x")).to_have_count(0)  # the markup is text, never markup
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)

    # the child's own page
    page.get_by_role("link", name=LEGACY, exact=True).click()
    expect(page.get_by_role("heading", name="Old Recordchild")).to_be_visible()
    assert page.locator(".govuk-caption-l").first.inner_text() == f"Child {LEGACY}"
    assert "does not follow it" in page.locator("#id-problem").inner_text()
    expect(page.get_by_role("cell", name="Police")).to_be_visible()  # its escalation

    # the escalations log links back to the child's page
    page.goto(f"{live_server.url}/escalations/")
    link = page.get_by_role("link", name=LEGACY, exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name="Old Recordchild")).to_be_visible()


def test_a_search_with_no_result_says_so_and_suggests_what_to_try(page, live_server):
    chair = make_user(Role.CHAIR, username="chair.none", areas=[make_area("North")])
    _sign_in(page, live_server, chair)
    page.goto(f"{live_server.url}/children/")
    page.get_by_label("Child id or name").fill("Nobody")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No child matches ‘Nobody’")).to_be_visible()
    expect(page.get_by_text("search by the family name")).to_be_visible()
    expect(page.get_by_text("only the children of your areas")).to_be_visible()
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_a_sibling_groups_escalation_is_on_each_childs_page(page, live_server):
    from safeguard.conferences.models import Conference, Meeting

    north = make_area("North")
    meeting = Meeting.objects.create(reference="MEET-1", held_on=dt.date(2022, 1, 10))
    first, second = (
        make_child(child_id=child_id, family_name="Sibling", area=north)
        for child_id in ("SIB-A", "SIB-B")
    )
    conferences = [
        Conference.objects.create(
            conference_id=f"CONF-{child.child_id}",
            child=child,
            meeting=meeting,
            kind="initial",
            held_on=meeting.held_on,
            outcome="plan",
        )
        for child in (first, second)
    ]
    make_escalation(
        child=first,
        area=north,
        conference=conferences[0],
        reason="no_report_no_apologies",
        organisation_type=make_organisation_type("GP"),
        escalation_id="E-SIB",
    )
    _sign_in(page, live_server, make_user(Role.CHAIR, username="chair.sib", areas=[north]))
    page.goto(f"{live_server.url}/children/SIB-B/")
    page.get_by_role("link", name="escalation E-SIB").click()
    assert page.url.endswith("/escalations/E-SIB/")
    children = page.locator("#escalation-children")
    expect(children.get_by_role("link", name="SIB-A")).to_be_visible()
    expect(children.get_by_role("link", name="SIB-B")).to_be_visible()
