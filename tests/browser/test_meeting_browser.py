"""The chair at the meeting, in Chromium (issue 19): a conference for two siblings chosen with
the picker, its type revealing only its own date, its category and quoracy, confirmed on a page
naming both children; the GP's missing report escalated from the meeting, linked to both
children; the escalation's stage changed twice, and its timeline shows both steps; good
practice recorded and listed. Every page passes axe-core; screenshots go to
test-results/screenshots/meeting-*.png."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from safeguard.cases.models import Plan
from safeguard.conferences.models import Chair, Conference
from safeguard.escalations.models import Escalation
from tests.browser.test_chair_journey import Pages, date, yes_no
from tests.browser.test_sign_in_browser import SCREENSHOTS, _sign_in
from tests.factories import make_area, make_child, make_organisation_type, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class MeetingPages(Pages):
    def look(self, name: str, *, guide: bool = False) -> None:
        super().look(f"meeting-{name}", guide=guide)


def test_the_chair_records_siblings_escalates_the_gp_and_the_timeline_shows_each_step(
    page, live_server
):
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=2)
    north = make_area("North")
    make_child(
        child_id="ROW-A",
        given_name="Ann",
        family_name="Rowe",
        area=north,
        family_id="FAM-9",
        date_of_birth=dt.date(2014, 3, 3),
    )
    make_child(
        child_id="ROW-B",
        given_name="Bo",
        family_name="Rowe",
        area=north,
        family_id="FAM-9",
        date_of_birth=dt.date(2017, 9, 21),
    )
    make_child(child_id="OTH-1", given_name="Dee", family_name="Other", area=north)  # fmt: skip
    make_organisation_type("GP")
    user = make_user(Role.CHAIR, username="chair.meeting", first_name="Jo", last_name="Chair")
    Chair.objects.create(name="Jo Chair", user=user)
    pages = MeetingPages(page)

    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/children/ROW-A/")
    page.get_by_role("link", name="Record a conference for this child").click()

    # the picker lists Ann's family, with names and dates of birth; Ann is already chosen
    ann = page.get_by_role("checkbox", name="Ann Rowe, born 3 March 2014 (ROW-A)")
    bo = page.get_by_role("checkbox", name="Bo Rowe, born 21 September 2017 (ROW-B)")
    assert ann.is_checked() and not bo.is_checked()
    expect(page.get_by_text("OTH-1")).to_have_count(0)
    # the type reveals only its own date (GOV.UK conditional reveal)
    strategy = page.get_by_role("group", name="Date of the strategy discussion", exact=True)
    transfer = page.get_by_role("group", name="Date the transfer was notified", exact=True)
    # the reveal is GOV.UK Frontend's script: wait for it rather than race the page's start
    expect(strategy).to_be_hidden()
    expect(transfer).to_be_hidden()
    page.get_by_role("radio", name="Transfer in").check()
    expect(transfer).to_be_visible()
    expect(strategy).to_be_hidden()
    page.get_by_role("radio", name="Initial").check()
    expect(strategy).to_be_visible()
    expect(transfer).to_be_hidden()
    pages.look("record-empty")

    bo.check()
    date(page, "Date of the conference", held_on)
    date(page, "Date of the strategy discussion", held_on - dt.timedelta(days=12))
    page.get_by_role("radio", name="Plan made or continued").check()
    page.get_by_role("radio", name="Physical abuse").check()
    yes_no(page, "Was the conference quorate?", "Yes")
    yes_no(page, "Did the parents or carers attend?", "Yes")
    page.evaluate("window.scrollTo(0, 0)")  # the guide's picture: the picker and the type
    pages.look("record-filled", guide=True)
    page.get_by_role("button", name="Continue").click()

    # the page naming every child before anything is saved
    expect(
        page.get_by_role("heading", name="Check the conference before recording it")
    ).to_be_visible()
    named = page.locator("#confirm-children")
    expect(named.get_by_text("Ann Rowe")).to_be_visible()
    expect(named.get_by_text("Bo Rowe")).to_be_visible()
    assert "born 21 September 2017 (ROW-B)" in named.inner_text()
    assert not Conference.objects.exists()
    pages.look("confirm", guide=True)
    page.get_by_role("button", name="Record the conference").click()

    expect(
        page.get_by_text("Conference recorded for 2 children: Ann Rowe, Bo Rowe")
    ).to_be_visible()
    assert {(c.category, c.quorate, c.parents_attended) for c in Conference.objects.all()} == {
        ("PHY", True, True)
    }
    assert {p.latest_category for p in Plan.objects.all()} == {"PHY"}
    pages.look("meeting")

    # the GP sent no report and no apologies: escalated from the meeting, about both children
    page.get_by_role("link", name="Add an agency invited").click()
    page.get_by_label("Type of organisation").select_option(label="GP")
    page.get_by_label("Name of the organisation").fill("Hill Surgery")
    yes_no(page, "Was a report requested?", "Yes")
    yes_no(page, "Did the agency send a report?", "Not received")
    yes_no(page, "Did the agency attend?", "No")
    yes_no(page, "Did the agency send apologies?", "No")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Raise the escalation").click()
    page.wait_for_url("**/escalations/SG-E-*/")
    escalation = Escalation.objects.get()
    children = page.locator("#escalation-children")
    expect(children.get_by_role("link", name="ROW-A")).to_be_visible()
    expect(children.get_by_role("link", name="ROW-B")).to_be_visible()
    pages.look("escalation-raised")

    # the stage changes twice; the timeline shows each step with its date, note and who
    for stage, note in (("Stage 2", "Practice manager phoned; no reply"), ("Stage 3", "")):
        page.get_by_role("link", name="Record a step").click()
        page.get_by_label("Stage", exact=True).select_option(label=stage)
        if note:
            page.get_by_label("Note").fill(note)
        pages.look(f"step-{stage[-1]}")
        page.get_by_role("button", name="Record the step").click()
        expect(
            page.get_by_text(f"Step recorded on escalation {escalation.escalation_id}")
        ).to_be_visible()
    timeline = page.locator(".safeguard-timeline")
    titles = timeline.locator(".safeguard-timeline__title").all_inner_texts()
    assert titles == ["Moved to stage 3", "Moved to stage 2", "Raised at stage 1"]
    expect(timeline.get_by_text("Practice manager phoned; no reply")).to_be_visible()
    expect(timeline.get_by_text("recorded by Jo Chair")).to_have_count(3)
    escalation.refresh_from_db()
    assert escalation.stage == 3
    pages.look("escalation-timeline", guide=True)

    # each child's page shows the escalation
    for child_id in ("ROW-A", "ROW-B"):
        page.goto(f"{live_server.url}/children/{child_id}/")
        expect(page.get_by_text(escalation.escalation_id).first).to_be_visible()
        expect(page.get_by_role("cell", name="Physical abuse").first).to_be_visible()
    pages.look("child")

    # good practice, beside the escalations
    page.get_by_role("link", name="Escalations", exact=True).first.click()
    page.get_by_role("link", name="Good practice").click()
    page.get_by_role("link", name="Record good practice").click()
    pages.look("good-practice-form")
    page.get_by_label("Type of organisation").select_option(label="GP")
    page.get_by_label("Name of the organisation or professional").fill("Health visitor, Hill")
    page.get_by_label("The good practice").fill("Report on time, and attended in person.")
    page.get_by_role("button", name="Record the good practice").click()
    expect(page.get_by_role("cell", name="Report on time, and attended in person.")).to_be_visible()
    pages.look("good-practice", guide=True)

    assert pages.problems == {}, json.dumps(pages.problems, indent=1)


def test_without_javascript_the_form_shows_every_date_and_keeps_only_the_types(
    browser, live_server
):
    north = make_area("North")
    make_child(child_id="NJ-1", given_name="Nia", family_name="Jones", area=north)
    user = make_user(Role.CHAIR, username="chair.nojs")
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/conferences/record/?children=NJ-1")
    strategy = page.get_by_role("group", name="Date of the strategy discussion", exact=True)
    transfer = page.get_by_role("group", name="Date the transfer was notified", exact=True)
    expect(strategy).to_be_visible()
    expect(transfer).to_be_visible()
    expect(page.get_by_role("group", name="Category of abuse")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "meeting-record-no-javascript.png"), full_page=True)
    held_on = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_role("radio", name="Review").check()
    date(page, "Date of the conference", held_on)
    date(page, "Date of the strategy discussion", held_on - dt.timedelta(days=3))
    page.get_by_role("radio", name="No plan (not made, or ended)").check()
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Check the conference before recording it")
    ).to_be_visible()
    expect(page.get_by_text("Strategy discussion")).to_have_count(0)  # a review takes no such date
    page.get_by_role("button", name="Record the conference").click()
    # a review with no plan in force is unusual (R201): confirmed, it is recorded
    expect(page.get_by_text("R201 A review conference with no plan in force").first).to_be_visible()
    page.get_by_label("The record is right although it is unusual").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the conference").click()
    page.wait_for_url("**/meetings/SG-M-*/")
    conference = Conference.objects.get()
    assert conference.kind == "review" and conference.strategy_discussion_on is None
    context.close()
