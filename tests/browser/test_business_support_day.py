"""The conference's whole life in Chromium (issue 19). Business support records a strategy
discussion, sees the initial conference to book with its due date, books one meeting for two
siblings found with the picker, invites the four agencies invited last time, records one late
report, and checks the diary, the reports overdue and the organisations' register. The chair then
records the booked conference with its category and quoracy; the GP's missing report raises one
escalation linked to both children, whose stage changes twice and whose timeline shows both
steps. Every new page passes axe-core; screenshots go to test-results/screenshots/
(business-support-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from safeguard.conferences.models import Chair, Conference, Invitation, Meeting
from safeguard.conferences.timeliness import installation_rule_set
from safeguard.domain.timeliness import initial_conference_due_on
from safeguard.escalations.models import Escalation
from tests.browser.test_chair_journey import date, long_date, yes_no
from tests.browser.test_sign_in_browser import SCREENSHOTS, _axe_violations, _sign_in
from tests.factories import make_area, make_child, make_organisation_type, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCIES = ("GP", "Police", "School", "Health visiting")


class Pages:
    def __init__(self, page):
        self.page = page
        self.problems: dict[str, list] = {}

    def look(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"business-support-{name}.png"), full_page=True)
        violations = _axe_violations(self.page)
        if violations:
            self.problems[name] = violations


def _last_year_meeting(children) -> None:
    """The siblings' conference of last year, with the four agencies invited to it."""
    held_on = timezone.localdate() - dt.timedelta(days=400)
    meeting = Meeting.objects.create(reference="M-LAST-YEAR", held_on=held_on)
    for number, child in enumerate(children):
        Conference.objects.create(
            conference_id=f"C-LAST-{number}",
            child=child,
            meeting=meeting,
            kind="initial",
            held_on=held_on,
            outcome="no_plan",
        )
    for name in AGENCIES:
        Invitation.objects.create(
            meeting=meeting,
            organisation_type=make_organisation_type(name),
            organisation_name=f"{name} of the town" if name != "Police" else "",
        )


def test_business_support_books_an_initial_conference_and_chases_the_reports(page, live_server):
    today = timezone.localdate()
    north = make_area("North")
    siblings = [
        make_child(
            child_id="SIB-A", given_name="Ann", family_name="Testchild", area=north, family_id="F1"
        ),
        make_child(
            child_id="SIB-B",
            given_name="Bo",
            family_name="Testchild",
            area=north,
            family_id="F1",
            date_of_birth=dt.date(2018, 6, 1),
        ),
    ]
    _last_year_meeting(siblings)
    chair_user = make_user(Role.CHAIR, username="jo.chair", areas=[north])
    Chair.objects.create(name="Jo Chair", user=chair_user)
    user = make_user(Role.BUSINESS_SUPPORT, username="support.day", areas=[north])
    pages = Pages(page)
    discussed_on = today - dt.timedelta(days=2)
    due_on = initial_conference_due_on(discussed_on, installation_rule_set())

    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/children/SIB-A/")
    page.get_by_role("link", name="Record a strategy discussion").click()
    page.get_by_role("button", name="Save").click()  # empty: the error summary
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    pages.look("strategy-discussion-errors")
    date(page, "Date of the strategy discussion", discussed_on)
    pages.look("strategy-discussion")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Strategy discussion recorded")).to_be_visible()

    # the worklist: the initial conference to book, due 15 working days after the discussion
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("link", name="1 initial conferences to book")).to_be_visible()
    to_book = page.locator("#initial-to-book + .safeguard-table-scroll table")
    expect(to_book.get_by_role("cell", name=long_date(due_on))).to_be_visible()
    expect(to_book.get_by_text("Initial conference to book")).to_be_visible()
    pages.look("worklist")

    # book one meeting for both siblings, today: the picker offers Ann's brother
    held_on = today
    page.goto(f"{live_server.url}/children/SIB-A/")
    page.get_by_role("link", name="Book a conference").click()
    assert page.get_by_label("Child ids").input_value() == "SIB-A"
    page.get_by_role("checkbox", name="Bo Testchild, born 1 June 2018 (SIB-B)").check()
    page.get_by_role("radio", name="Initial").check()
    date(page, "Date of the conference", held_on)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place").fill("Room 2, Civic Centre")
    page.get_by_label("Chair").select_option(label="Jo Chair")
    pages.look("book")
    page.get_by_role("button", name="Book the conference").click()
    expect(page.get_by_text("Conference booked for 2 children")).to_be_visible()
    assert Conference.objects.filter(status="booked", held_on=held_on).count() == 2

    # invite the agencies invited last time
    page.get_by_role("button", name="Copy the agencies invited last time").click()
    expect(page.get_by_text("4 agencies invited from the previous meeting")).to_be_visible()
    invitations = Invitation.objects.filter(meeting__held_on=held_on)
    assert sorted(str(i.organisation_type) for i in invitations) == sorted(AGENCIES)
    report_due = invitations.first().report_due_on
    assert report_due is not None and report_due < today  # 3 working days before today
    pages.look("meeting-booked")
    meeting_url = page.url

    # the school's report came in today, after it was due: late
    page.get_by_role("link", name="Change School School of the town").click()
    date(page, "Date the report was received", today)
    pages.look("invitation")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Received late")).to_be_visible()
    assert (
        Invitation.objects.get(
            meeting__held_on=held_on, organisation_name="School of the town"
        ).report_received
        == "late"
    )

    # the three other reports are overdue
    page.get_by_role("link", name="Diary").click()
    page.get_by_label("Whose diary").select_option(label="Jo Chair")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Ann Testchild")).to_be_visible()
    pages.look("diary")
    page.get_by_role("link", name="Agencies' reports overdue").click()
    overdue = page.locator("tbody tr")
    expect(overdue).to_have_count(3)
    expect(overdue.filter(has_text="School")).to_have_count(0)  # received, late
    expect(overdue.filter(has_text="Police")).to_have_count(1)
    expect(overdue.filter(has_text="GP")).to_have_count(1)
    pages.look("reports-overdue")

    # the register of organisations
    page.goto(f"{live_server.url}/organisations/")
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name").fill("Riverside Surgery")
    page.get_by_label("Type of organisation").select_option(label="GP")
    page.get_by_label("Email address for invitations").fill("riverside@example.org")
    pages.look("organisation-add")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Riverside Surgery", exact=True)).to_be_visible()
    pages.look("organisations")

    # the initial conference is booked: no longer to book
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("link", name="0 initial conferences to book")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # the chair records the booked conference: the same records become held
    _sign_in(page, live_server, chair_user)
    page.goto(meeting_url)
    page.get_by_role("link", name="Record the conference as held").click()
    assert page.get_by_role("checkbox", name="Ann Testchild", exact=False).first.is_checked()
    assert page.get_by_role("checkbox", name="Bo Testchild, born 1 June 2018 (SIB-B)").is_checked()
    assert page.get_by_role("radio", name="Initial").is_checked()
    date(page, "Date of the strategy discussion", discussed_on)
    page.get_by_role("radio", name="Plan made or continued").check()
    page.get_by_role("radio", name="Neglect").check()
    yes_no(page, "Was the conference quorate?", "Yes")
    yes_no(page, "Did the parents or carers attend?", "Yes")
    pages.look("chair-record")
    page.get_by_role("button", name="Continue").click()
    named = page.locator("#confirm-children")
    expect(named.get_by_text("Ann Testchild")).to_be_visible()
    expect(named.get_by_text("Bo Testchild")).to_be_visible()
    pages.look("chair-confirm")
    page.get_by_role("button", name="Record the conference").click()
    expect(page.get_by_text("Conference recorded for 2 children")).to_be_visible()
    held = Conference.objects.filter(held_on=held_on)
    assert {(c.status, c.category, c.quorate) for c in held} == {("held", "NEG", True)}
    assert held.count() == 2  # the booked rows, now held: no second record

    # the GP sent no report and no apologies: one escalation, about both children
    page.get_by_role("link", name="Change GP GP of the town").click()
    yes_no(page, "Did the agency send a report?", "Not received")
    yes_no(page, "Did the agency attend?", "No")
    yes_no(page, "Did the agency send apologies?", "No")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Raise the escalation").click()
    page.wait_for_url("**/escalations/SG-E-*/")
    escalation = Escalation.objects.get()
    children = page.locator("#escalation-children")
    expect(children.get_by_role("link", name="SIB-A")).to_be_visible()
    expect(children.get_by_role("link", name="SIB-B")).to_be_visible()
    pages.look("escalation")

    # the stage changes twice; the timeline shows both steps
    for stage in ("Stage 2", "Stage 3"):
        page.get_by_role("link", name="Record a step").click()
        page.get_by_label("Stage", exact=True).select_option(label=stage)
        page.get_by_label("Note").fill(f"Moved on: {stage}")
        page.get_by_role("button", name="Record the step").click()
    titles = page.locator(".safeguard-timeline__title").all_inner_texts()
    assert titles == ["Moved to stage 3", "Moved to stage 2", "Raised at stage 1"]
    escalation.refresh_from_db()
    assert escalation.stage == 3
    pages.look("escalation-timeline")

    assert not pages.problems, pages.problems
