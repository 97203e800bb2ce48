"""Each of the six roles walks its main task in Chromium (issue 23), on a desktop (1280 px) and
on a phone (390 px), clicking where a person would click:

- a chair goes from the worklist to a child's summary (age, social worker and team, the next
  review with its Overdue tag, siblings as links) and back; the worklist's "Record the review"
  opens the conference form with the type, today's date and the child filled in, and "Record the
  check" the check form with the check due and today's date; recorded, the check is no longer due;
- business support books the initial conference waiting on the worklist and invites an agency;
- a service manager goes from the unit's overdue items by chair to that chair's worklist, reads
  the report of a past period and issues it as an edition;
- an analyst reads the report in the members' version and downloads it;
- a Senior Liaison Officer's home shows the open escalations and the overdue reports in their
  cover, and opens the escalation;
- an auditor reads the audit trail, newest first, with people's names, and searches it by child.

Every page visited passes axe-core (WCAG 2.2 AA and best practices) and never scrolls sideways.
Screenshots: test-results/screenshots/role-<role>-<step>-<width>.png."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguard.accounts.models import Role, User
from safeguard.cases.models import Allocation, Area, Enquiry
from safeguard.conferences.models import Chair, Conference, Invitation, Meeting
from safeguard.monitoring.models import MonitoringCheck
from tests.browser.test_chair_journey import date, long_date
from tests.browser.test_every_page_browser import SIDEWAYS_SCROLL
from tests.browser.test_sign_in_browser import SCREENSHOTS, _axe_violations
from tests.factories import (
    make_area,
    make_child,
    make_escalation,
    make_liaison_officer,
    make_organisation_type,
    make_plan,
    make_user,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
PHONE_UP_TO = 640  # GOV.UK Frontend's service navigation folds into a Menu button below 641 px


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request, page: Page) -> int:
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


class Walk:
    """One role's walk at one width: each page looked at is screenshotted, checked with axe-core
    and for sideways scrolling; the problems are asserted at the end, all at once."""

    def __init__(self, page: Page, live_server, role: str, width: int):
        self.page, self.base, self.role, self.width = page, live_server.url, role, width
        self.problems: dict[str, object] = {}

    def sign_in(self, user: User) -> None:
        """Signed in as `user` (the sign-in pages have their own tests): the session's cookie."""
        client = sign_in(Client(), user)
        self.page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.base}]
        )
        self.page.goto(self.base + "/")

    def look(self, step: str, *, axe: bool = True) -> None:
        """The page never scrolls sideways and, unless another test checks this very page with
        axe-core (`axe=False`: then the screenshot shows only its top), axe-core finds nothing."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"role-{self.role}-{step}-{self.width}"
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=axe)
        if overflow := self.page.evaluate(SIDEWAYS_SCROLL):
            self.problems[f"{name}: scrolls sideways"] = overflow
        if axe and (violations := _axe_violations(self.page)):
            self.problems[f"{name}: axe-core"] = violations

    def menu(self, label: str) -> None:
        """Follow the service navigation's link `label`, opening the Menu first on a phone."""
        if self.width <= PHONE_UP_TO:
            self.page.get_by_role("button", name="Menu").click()
        navigation = self.page.get_by_role("navigation", name="Menu")
        navigation.get_by_role("link", name=label, exact=True).click()

    def assert_no_problems(self) -> None:
        assert self.problems == {}, json.dumps(self.problems, indent=1)


# ---- the unit: one chair's caseload ----------------------------------------------------------


def _chair(first_name: str = "Jo", last_name: str = "Chair") -> tuple[User, Chair]:
    user = make_user(
        Role.CHAIR, username=f"{first_name.lower()}.chair", first_name=first_name,
        last_name=last_name,
    )  # fmt: skip
    return user, Chair.objects.create(name=f"{first_name} {last_name}", user=user)


def _held(child, chair: Chair, held_on: dt.date, kind: str, plan) -> Conference:
    meeting = Meeting.objects.create(reference=f"M-{child.child_id}-{kind}", held_on=held_on)
    return Conference.objects.create(
        conference_id=f"CF-{child.child_id}-{kind}",
        child=child,
        meeting=meeting,
        kind=kind,
        held_on=held_on,
        chair=chair,
        plan=plan,
        outcome="plan",
        category="NEG",
    )


def _caseload(chair: Chair, area: Area) -> None:
    """Two siblings on plans chaired by `chair`: Ann, 8, whose review is two days overdue, with
    her social worker; Bo, 5, whose midway check falls due in five days."""
    today = timezone.localdate()
    ann = make_child(
        child_id="C-ANN", given_name="Ann", area=area, family_id="F-1",
        date_of_birth=today - dt.timedelta(days=8 * 365 + 40),
    )  # fmt: skip
    bo = make_child(
        child_id="C-BO", given_name="Bo", area=area, family_id="F-1",
        date_of_birth=today - dt.timedelta(days=5 * 365 + 40),
    )  # fmt: skip
    started, last = today - dt.timedelta(days=250), today - dt.timedelta(days=184)
    ann_plan = make_plan(
        child=ann, plan_id="P-ANN", start_on=started, initial_category="NEG",
        latest_category="NEG", last_conference_on=last,
        next_review_due_on=today - dt.timedelta(days=2),
    )  # fmt: skip
    _held(ann, chair, started, "initial", ann_plan)
    _held(ann, chair, last, "review", ann_plan)
    Allocation.objects.create(
        child=ann, role="social_worker", name="Alison Ashdown",
        team="North Safeguarding Team", from_on=started,
    )  # fmt: skip
    bo_started = today - dt.timedelta(days=40)
    bo_plan = make_plan(
        child=bo, plan_id="P-BO", start_on=bo_started, initial_category="NEG",
        latest_category="NEG", last_conference_on=bo_started,
        next_review_due_on=today + dt.timedelta(days=50),
        midway_check_due_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    _held(bo, chair, bo_started, "initial", bo_plan)


def _row(page: Page, scope: str, key: str):
    """The summary list row `key` within `scope` (a CSS selector)."""
    return page.locator(f"{scope} .govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=key)
    )


# ---- the six walks ---------------------------------------------------------------------------


def test_a_chair_works_from_the_worklist(page: Page, live_server, width: int):
    today = timezone.localdate()
    user, chair = _chair()
    _caseload(chair, make_area("North"))
    walk = Walk(page, live_server, "chair", width)

    walk.sign_in(user)
    expect(page.get_by_role("heading", name="Your worklist")).to_be_visible()
    expect(page.get_by_role("link", name="1 overdue reviews")).to_be_visible()
    walk.look("worklist")

    # each item's action shows beside it, without scrolling the table sideways on a phone
    overdue = page.locator("#reviews-overdue + .safeguard-table-scroll table")
    ann = overdue.get_by_role("row").filter(has_text="C-ANN")
    ann.get_by_role("link", name="Ann Testchild", exact=True).scroll_into_view_if_needed()
    expect(ann.get_by_role("link", name="Record the review of Ann Testchild")).to_be_in_viewport()

    # the child's page opens with what a chair needs at a glance
    overdue.get_by_role("link", name="Ann Testchild", exact=True).click()
    expect(page.get_by_role("heading", name="Ann Testchild")).to_be_visible()
    expect(_row(page, "#summary", "Age")).to_contain_text("8 years")
    expect(_row(page, "#summary", "Social worker")).to_contain_text(
        "Alison Ashdown, North Safeguarding Team"
    )
    review = _row(page, "#summary", "Next review")
    expect(review).to_contain_text(f"Due {long_date(today - dt.timedelta(days=2))}")
    expect(review.locator(".govuk-tag--red")).to_have_text("Overdue")
    sibling = _row(page, "#summary", "Siblings").get_by_role("link", name="Bo Testchild")
    expect(sibling).to_have_attribute("href", "/children/C-BO/")
    walk.look("child")

    # back to the worklist: "Record the review" opens the conference form filled in
    page.go_back()
    overdue.get_by_role("link", name="Record the review of Ann Testchild").click()
    expect(page.get_by_role("radio", name="Review", exact=True)).to_be_checked()
    held_on = page.get_by_role("group", name="Date of the conference", exact=True)
    expect(held_on.get_by_label("Day")).to_have_value(str(today.day))
    expect(held_on.get_by_label("Month")).to_have_value(str(today.month))
    expect(held_on.get_by_label("Year")).to_have_value(str(today.year))
    expect(page.get_by_role("checkbox", name="Ann Testchild")).to_be_checked()
    walk.look("record-review")

    # and "Record the check" the check form, with the check that is due
    page.go_back()
    checks = page.locator("#checks-due + .safeguard-table-scroll table")
    checks.get_by_role("link", name="Record the check of Bo Testchild").click()
    expect(page.get_by_role("radio", name="Midway check")).to_be_checked()
    completed_on = page.get_by_role("group", name="Date of the check", exact=True)
    expect(completed_on.get_by_label("Day")).to_have_value(str(today.day))
    expect(completed_on.get_by_label("Year")).to_have_value(str(today.year))
    page.get_by_role("radio", name="On track").check()
    walk.look("record-check")
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_role("heading", name="Bo Testchild")).to_be_visible()
    assert MonitoringCheck.objects.filter(plan__plan_id="P-BO", kind="midway").exists()

    # recorded: no longer due, on the child's page or the worklist
    expect(_row(page, "#summary", "Next check")).not_to_contain_text("Midway check")
    walk.menu("Home")
    expect(page.get_by_role("link", name="0 midway and pre-review checks due")).to_be_visible()
    expect(page.get_by_role("link", name="Record the check of Bo Testchild")).to_have_count(0)
    walk.assert_no_problems()


def test_business_support_books_the_initial_conference_waiting(page: Page, live_server, width: int):
    today = timezone.localdate()
    north = make_area("North")
    make_organisation_type("GP")
    _chair()
    child = make_child(child_id="C-CAL", given_name="Cal", area=north)
    Enquiry.objects.create(
        enquiry_id="EQ-CAL", child=child, strategy_discussion_on=today - dt.timedelta(days=3)
    )
    user = make_user(Role.BUSINESS_SUPPORT, username="support", areas=[north])
    walk = Walk(page, live_server, "business-support", width)

    walk.sign_in(user)
    expect(page.get_by_role("link", name="1 initial conferences to book")).to_be_visible()
    walk.look("worklist")

    to_book = page.locator("#initial-to-book + .safeguard-table-scroll table")
    to_book.get_by_role("link", name="Book the initial conference of C-CAL").click()
    expect(page.get_by_label("Child ids")).to_have_value("C-CAL")
    expect(page.get_by_role("radio", name="Initial")).to_be_checked()
    date(page, "Date of the conference", today + dt.timedelta(days=7))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place").fill("Room 2, Civic Centre")
    page.get_by_label("Chair").select_option(label="Jo Chair")
    walk.look("book")
    page.get_by_role("button", name="Book the conference").click()
    expect(page.get_by_text("Conference booked for 1 child")).to_be_visible()
    walk.look("meeting")

    page.get_by_role("link", name="Add an agency invited").click()
    page.get_by_label("Type of organisation").select_option(label="GP")
    page.get_by_label("Name of the organisation").fill("Hill Surgery")
    walk.look("invite")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("GP saved").or_(page.get_by_text("GP recorded"))).to_be_visible()
    expect(page.get_by_text("Hill Surgery").first).to_be_visible()
    assert Invitation.objects.filter(organisation_name="Hill Surgery").exists()

    walk.menu("Home")
    expect(page.get_by_role("link", name="0 initial conferences to book")).to_be_visible()
    walk.assert_no_problems()


def test_a_manager_follows_the_overdue_items_and_issues_a_report(
    page: Page, live_server, width: int
):
    _, chair = _chair()
    _caseload(chair, make_area("North"))
    manager = make_user(Role.MANAGER, username="mo.hart", first_name="Mo", last_name="Hart")
    walk = Walk(page, live_server, "manager", width)

    walk.sign_in(manager)
    by_chair = page.locator("#overdue-by-chair + .safeguard-table-scroll table")
    row = by_chair.get_by_role("row").filter(has_text="Jo Chair")
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")
    walk.look("home")
    row.get_by_role("link", name="Jo Chair").click()
    expect(page.get_by_text("Jo Chair's reviews, checks and escalations.")).to_be_visible()
    expect(page.get_by_role("link", name="Ann Testchild", exact=True)).to_be_visible()

    # the report of a past period, and the editions issued (issuing one prepares every file, up
    # to a minute: tests/reporting/test_editions.py issues them)
    walk.menu("Reports")
    today = timezone.localdate()
    start = (today - dt.timedelta(days=250)).replace(day=1)  # Ann's plan began that month
    end = today.replace(day=1) - dt.timedelta(days=1)  # the last month ended
    for legend, month in (("Start month", start), ("End month", end)):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Month").fill(str(month.month))
        group.get_by_label("Year").fill(str(month.year))
    page.get_by_role("button", name="Show the report").click()
    period = f"{long_date(start)} to {long_date(end)}"
    expect(page.get_by_role("heading", name=period, exact=True)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"subject to a CP Plan on .* was 2 compared to"))
    ).to_be_visible()
    walk.look("report", axe=False)  # axe-core: test_every_page_browser, as a manager
    page.get_by_role("link", name="Editions issued").click()
    expect(page.get_by_role("button", name="Issue the report")).to_be_visible()
    walk.look("editions")
    walk.assert_no_problems()


def test_an_analyst_reads_and_downloads_the_members_report(page: Page, live_server, width: int):
    _, chair = _chair()
    _caseload(chair, make_area("North"))
    analyst = make_user(Role.ANALYST, username="an.analyst", first_name="Ana", last_name="Lyst")
    walk = Walk(page, live_server, "analyst", width)

    walk.sign_in(analyst)
    walk.look("home")
    page.get_by_role("main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Child Protection Report", exact=True)).to_be_visible()
    expect(page.get_by_text("C-ANN")).to_have_count(0)  # the members' version: no identifiers
    walk.look("report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert download.value.path().read_bytes()[:2] == b"PK"
    walk.assert_no_problems()


def test_a_liaison_officer_sees_their_cover(page: Page, live_server, width: int):
    today = timezone.localdate()
    north = make_area("North")
    gp = make_organisation_type("GP")
    child = make_child(child_id="C-DEE", given_name="Dee", area=north)
    escalation = make_escalation(
        organisation_type=gp, organisation_name="Hill Surgery", area=north, child=child,
        raised_on=today - dt.timedelta(days=10),
    )  # fmt: skip
    booked = Meeting.objects.create(reference="M-NEXT", held_on=today + dt.timedelta(days=2))
    Conference.objects.create(
        conference_id="CF-NEXT", child=child, meeting=booked, kind="review", status="booked",
        held_on=booked.held_on,
    )  # fmt: skip
    Invitation.objects.create(
        meeting=booked, organisation_type=gp, organisation_name="Hill Surgery",
        report_requested=True, report_due_on=today - dt.timedelta(days=1),
    )  # fmt: skip
    officer = make_liaison_officer(organisation_types=[gp], areas=[north])
    officer.first_name, officer.last_name = "Lee", "Aison"
    officer.save()
    walk = Walk(page, live_server, "liaison-officer", width)

    walk.sign_in(officer)
    heading = page.get_by_role("heading", name="Open escalations in your cover (1)")
    expect(heading).to_be_visible()
    reports = page.locator("#cover-reports + .safeguard-table-scroll table")
    expect(reports.get_by_role("row").filter(has_text="GP: Hill Surgery")).to_contain_text("1")
    expect(page.get_by_text("Dee")).to_have_count(0)  # never a child's name
    walk.look("home")

    opened = page.locator("#cover-escalations + .safeguard-table-scroll table")
    opened.get_by_role("link", name=f"escalation {escalation.escalation_id}").click()
    expect(page.get_by_role("heading", name="GP: Hill Surgery", level=1)).to_be_visible()
    expect(page.get_by_text(f"Escalation {escalation.escalation_id}")).to_be_visible()
    walk.look("escalation")
    walk.assert_no_problems()


def test_an_auditor_reads_the_audit_trail_newest_first(page: Page, live_server, width: int):
    user, chair = _chair()
    _caseload(chair, make_area("North"))
    manager = make_user(Role.MANAGER, username="mo.hart", first_name="Mo", last_name="Hart")
    sign_in(Client(), user).get("/children/C-ANN/")
    sign_in(Client(), manager).get("/children/C-BO/")
    auditor = make_user(Role.AUDITOR, username="au.ditor", first_name="Aud", last_name="Itor")
    walk = Walk(page, live_server, "auditor", width)

    walk.sign_in(auditor)
    walk.menu("Audit")
    rows = page.locator("main tbody tr")
    who = rows.locator("td:nth-child(2)")
    expect(who.first).to_contain_text("Mo Hart")  # Mo looked at Bo's page after Jo at Ann's
    expect(rows.filter(has_text="C-BO").first.locator("td").nth(1)).to_contain_text("Mo Hart")
    names = who.all_inner_texts()
    mo = next(i for i, name in enumerate(names) if "Mo Hart" in name)
    jo = next(i for i, name in enumerate(names) if "Jo Chair" in name)
    assert mo < jo, names  # Mo looked after Jo: newest first
    assert all(name.split("\n")[0] in ("Aud Itor", "Mo Hart", "Jo Chair") for name in names), names
    walk.look("audit")

    page.get_by_label("Child id").fill("c-ann")
    page.get_by_role("button", name="Search").click()
    expect(who.first).to_contain_text("Aud Itor")  # their search a moment ago showed Ann's id
    expect(who.filter(has_text="Jo Chair")).not_to_have_count(0)
    expect(who.filter(has_text="Mo Hart")).to_have_count(0)  # Mo looked at Bo only
    walk.look("audit-search")
    walk.assert_no_problems()
