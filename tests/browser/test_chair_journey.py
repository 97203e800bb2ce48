"""A chair's journey in Chromium (issue 5): sign in, record an initial conference for two
siblings, see their first review's due date on the worklist, record that the GP sent no report
and no apologies and raise the escalation in one step; then the report is downloaded. Every
page passes axe-core; the escalation is raised with the keyboard alone. Screenshots of the main
pages go to test-results/screenshots/ (and, with SAFEGUARD_GUIDE_IMAGES=1, the visible part of a
few to docs/images/ for the user guide)."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Plan
from safeguard.conferences.models import Chair
from safeguard.escalations.models import Escalation
from tests.browser.test_sign_in_browser import ROOT, SCREENSHOTS, _axe_violations, _sign_in
from tests.factories import make_area, make_child, make_organisation_type, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE_IMAGES = ROOT / "docs" / "images"


class Pages:
    """Screenshots and axe results of the pages visited."""

    def __init__(self, page):
        self.page = page
        self.problems: dict[str, list] = {}

    def look(self, name: str, *, guide: bool = False) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)
        if guide and os.environ.get("SAFEGUARD_GUIDE_IMAGES"):
            # the user guide's pictures, when asked for: the visible part only, to keep them small
            GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(GUIDE_IMAGES / f"{name}.png"), scale="css")
        violations = _axe_violations(self.page)
        if violations:
            self.problems[name] = violations


def date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def yes_no(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_chair_records_a_sibling_conference_and_escalates_a_missing_gp_report(page, live_server):
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=70)  # so the first review falls due within four weeks
    north = make_area("North")
    make_child(child_id="SIB-A", given_name="Ann", family_name="Testchild", area=north)
    make_child(child_id="SIB-B", given_name="Bo", family_name="Testchild", area=north)
    make_organisation_type("GP")
    make_organisation_type("Police")
    user = make_user(Role.CHAIR, username="chair.journey", first_name="Jo", last_name="Chair")
    Chair.objects.create(name="Jo Chair", user=user)
    pages = Pages(page)

    _sign_in(page, live_server, user)
    expect(page.get_by_role("heading", name="Your worklist")).to_be_visible()
    pages.look("home-empty")

    # find the first child and start recording a conference from their page
    page.get_by_role("link", name="Children").click()
    page.get_by_label("Child id or name").fill("Testchild")
    page.get_by_role("button", name="Search").click()
    pages.look("child-search", guide=True)
    page.get_by_role("link", name="SIB-A").click()
    page.get_by_role("link", name="Record a conference for this child").click()

    # an empty form first: the GOV.UK error summary, and messages beside the fields
    page.get_by_role("checkbox", name="Ann Testchild").uncheck()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    pages.look("conference-errors")
    page.get_by_role("link", name="Select each child discussed, or enter their child ids").click()
    assert page.evaluate("document.activeElement.id") == "id_children_0"

    page.get_by_role("checkbox", name="Ann Testchild").check()
    page.get_by_label("Child ids").fill("sib-b")  # typed, whatever the case: Bo has no family id
    page.get_by_role("radio", name="Initial").check()
    date(page, "Date of the conference", held_on)
    date(page, "Date of the strategy discussion", held_on - dt.timedelta(days=10))
    page.get_by_role("radio", name="Plan made or continued").check()
    page.get_by_role("radio", name="Neglect").check()
    yes_no(page, "Did the child attend?", "No")
    page.get_by_label("Participation code").select_option("PN0")
    pages.look("conference-record")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Check the conference before recording it")
    ).to_be_visible()
    pages.look("conference-confirm")
    page.get_by_role("button", name="Record the conference").click()

    expect(page.get_by_text("Conference recorded for 2 children")).to_be_visible()
    review_due = Plan.objects.get(child__child_id="SIB-A").next_review_due_on
    assert review_due is not None and today <= review_due <= today + dt.timedelta(days=28)
    expect(page.get_by_role("cell", name=long_date(review_due))).to_have_count(2)
    meeting_url = page.url
    pages.look("meeting", guide=True)

    # the worklist shows both siblings' first review
    page.get_by_role("link", name="Home").click()
    reviews = page.locator("#reviews-due + .safeguard-table-scroll table")  # tables.js wraps it
    expect(page.get_by_role("link", name="2 reviews due in the next four weeks")).to_be_visible()
    expect(reviews.get_by_role("cell", name=long_date(review_due))).to_have_count(2)
    expect(reviews.get_by_text("SIB-A")).to_be_visible()
    expect(reviews.get_by_text("SIB-B")).to_be_visible()
    pages.look("worklist", guide=True)

    # the GP sent no report and no apologies: recording it offers the escalation
    page.goto(meeting_url)
    page.get_by_role("link", name="Add an agency invited").click()
    page.get_by_label("Type of organisation").select_option(label="GP")
    page.get_by_label("Name of the organisation").fill("Hill Surgery")
    yes_no(page, "Was a report requested?", "Yes")
    yes_no(page, "Did the agency send a report?", "Not received")
    yes_no(page, "Did the agency attend?", "No")
    yes_no(page, "Did the agency send apologies?", "No")
    pages.look("invitation", guide=True)
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name="GP (Hill Surgery) sent no report and no apologies")
    ).to_be_visible()
    pages.look("escalation-offer", guide=True)

    # by keyboard alone: Tab to the button and press Enter
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Raise the escalation":
            break
    else:
        pytest.fail("the Raise the escalation button cannot be reached with the Tab key")
    page.keyboard.press("Enter")
    page.wait_for_url("**/escalations/SG-E-*/")
    escalation = Escalation.objects.get()
    assert escalation.reason == "no_report_no_apologies" and escalation.area == north
    assert escalation.raised_by.name == "Jo Chair" and escalation.raised_on == today
    expect(page.get_by_text(f"Escalation {escalation.escalation_id} raised")).to_be_visible()
    pages.look("escalation", guide=True)

    page.get_by_role("link", name="Escalations", exact=True).first.click()
    page.get_by_label("Open or resolved").select_option("open")
    page.get_by_role("button", name="Show escalations").click()
    pages.look("escalations-log", guide=True)
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download as CSV").click()
    assert escalation.escalation_id in csv_download.value.path().read_text()

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("link", name="1 open escalation you raised")).to_be_visible()
    page.goto(f"{live_server.url}/children/SIB-B/")
    pages.look("child", guide=True)

    # the chair reads the report and downloads it
    reports_url = reverse("reporting:index")
    page.get_by_role("link", name="Reports").click()
    assert page.url.endswith(reports_url)
    page.screenshot(path=str(SCREENSHOTS / "journey-reports.png"), full_page=True)
    with page.expect_download() as report_download:
        page.get_by_role("link", name="Excel").first.click()
    assert report_download.value.suggested_filename.endswith(".xlsx")
    assert report_download.value.path().read_bytes()[:2] == b"PK"
    assert AuditEntry.objects.filter(actor=user, action=AuditAction.DOWNLOAD).exists()

    assert pages.problems == {}, json.dumps(pages.problems, indent=1)


def test_the_other_record_pages_pass_axe_with_their_errors_and_a_refused_stale_save(
    page, live_server
):
    from safeguard.cases.services import child_update
    from tests.factories import make_escalation, make_plan

    today = timezone.localdate()
    child = make_child(child_id="C-AXE", area=make_area("North"))
    plan = make_plan(child=child, start_on=today - dt.timedelta(days=40))
    escalation = make_escalation(child=child, organisation_type=make_organisation_type("GP"))
    pages = Pages(page)

    support = make_user(Role.BUSINESS_SUPPORT, username="support.axe")
    _sign_in(page, live_server, support)
    for name, path in [
        ("child-add", "/children/add/"),
        ("plan-edit", f"/plans/{plan.plan_id}/edit/"),
        ("plan-add", "/children/C-AXE/plans/add/"),
    ]:
        page.goto(live_server.url + path)
        pages.look(name)
    page.goto(f"{live_server.url}/children/add/")
    page.get_by_role("group", name="Date of birth", exact=True).get_by_label("Day").fill("31")
    page.get_by_role("button", name="Save").click()
    pages.look("child-add-errors")
    page.get_by_role("link", name="Date of birth must include a month and a year").click()
    assert page.evaluate("document.activeElement.id") == "id_date_of_birth_day"

    page.goto(f"{live_server.url}/children/C-AXE/edit/")
    page.get_by_label("Given name").fill("Mine")
    child_update(child=child, expected_version=child.version, by=None, given_name="Theirs")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Somebody else changed this record")).to_be_visible()
    pages.look("stale-save", guide=True)
    page.get_by_role("button", name="Sign out").click()

    manager = make_user(Role.MANAGER, username="manager.axe")
    _sign_in(page, live_server, manager)
    for name, path in [
        ("home-manager-worklist", "/"),
        ("worklist-page", "/worklist/?show=checks-due"),
        ("check-record", f"/plans/{plan.plan_id}/checks/add/"),
        ("escalation-raise", "/escalations/raise/?child=C-AXE"),
        ("escalation-edit", f"/escalations/{escalation.escalation_id}/edit/"),
    ]:
        page.goto(live_server.url + path)
        pages.look(name)
    page.goto(f"{live_server.url}/plans/{plan.plan_id}/checks/add/")
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_role("link", name="Select the check you made")).to_be_visible()
    page.get_by_role("radio", name="Midway check").check()
    date(page, "Date of the check", today)
    page.get_by_role("radio", name="Concerns").check()
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("Select who to alert about the concerns").first).to_be_visible()
    pages.look("check-errors", guide=True)

    assert pages.problems == {}, json.dumps(pages.problems, indent=1)
