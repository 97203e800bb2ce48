"""The report pages: choosing a period of whole months, reading the report with its charts,
downloading it (audited), and the JSON API."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.domain.periods import latest_completed_half_year
from safeguard.exchange.importer import bundle_import
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db

APRIL_TO_SEPTEMBER_2022 = {
    "start_month": "4",
    "start_year": "2022",
    "end_month": "9",
    "end_year": "2022",
}


def load_authority(folder, children: int) -> None:
    """`children` children, each with a plan and an initial and a review conference in 2022."""
    rows = [child(f"C{n}", given_name="Amelia", family_name="Testchild") for n in range(children)]
    plans = [plan(f"P{n}", f"C{n}", "2022-01-10") for n in range(children)]
    conferences = [
        conference(f"I{n}", f"C{n}", "initial", "2022-01-10", strategy_discussion_date="2022-01-03")
        for n in range(children)
    ] + [conference(f"R{n}", f"C{n}", "review", "2022-04-08") for n in range(children)]
    result = bundle_import(
        path=write_bundle(folder, children=rows, cp_plans=plans, conferences=conferences), by=None
    )
    assert result.ok, [str(p) for p in result.problems]


@pytest.fixture
def manager(signed_in_client):
    return signed_in_client("manager")


# ---- the page --------------------------------------------------------------------------------


def test_without_a_choice_the_page_shows_the_latest_completed_half_year(manager):
    period = latest_completed_half_year(timezone.localdate())

    response = manager.get("/reports/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h2 class="govuk-heading-m">{period}</h2>' in page
    assert f'name="start_month" value="{period.start_on.month}"' in page
    assert f'name="end_year" value="{period.end_on.year}"' in page
    assert 'value="child" checked' in page.replace("\n", " ") or re.search(
        r'value="child"[^>]*checked', page
    )


def test_the_charts_are_labelled_images_without_inline_styles_the_csp_would_block(manager):
    page = manager.get("/reports/", APRIL_TO_SEPTEMBER_2022).content.decode()

    charts = re.findall(r"<svg[^>]*>\s*<title>[^<]+</title>", page)
    assert len(charts) >= 4
    assert all('role="img"' in svg and "aria-label=" in svg for svg in charts)
    assert " style=" not in page and "<style" not in page
    assert 'fill="#1f3b63"' in page  # the palette survives as presentation attributes
    for caption in re.findall(r"<caption>([^<]*)</caption>", page):
        assert caption.startswith("Table ")
    assert '<th scope="col"' in page


def test_a_period_is_chosen_by_month_and_year_and_counted_by_meeting(manager, tmp_path):
    load_authority(tmp_path, 3)

    page = manager.get(
        "/reports/", {**APRIL_TO_SEPTEMBER_2022, "count_by": "meeting", "include_informal": "on"}
    ).content.decode()

    assert "1 April 2022 to 30 September 2022" in page
    assert "Conferences counted by meeting; formal and informal escalations." in page
    assert (
        "/reports/download/pdf/?start_month=4&amp;start_year=2022&amp;end_month=9&amp;"
        "end_year=2022&amp;count_by=meeting&amp;include_informal=on"
    ) in page


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {**APRIL_TO_SEPTEMBER_2022, "end_month": "3"},
            "A period cannot end (31 March 2022) before it starts (1 April 2022)",
        ),
        ({**APRIL_TO_SEPTEMBER_2022, "start_year": ""}, "Start month must include a year"),
        ({**APRIL_TO_SEPTEMBER_2022, "end_month": "13"}, "End month must be a real month"),
        (
            {**APRIL_TO_SEPTEMBER_2022, "end_month": "", "end_year": ""},
            "Enter the month the report",
        ),
    ],
)
def test_a_period_that_is_not_whole_months_in_order_is_refused_with_a_message(
    manager, query, message
):
    response = manager.get("/reports/", query)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "govuk-form-group--error" in page
    assert "<svg" not in page and "Download this report" not in page
    assert page.startswith("<!DOCTYPE html>") or "<title>Error:" in page


def test_the_error_summary_links_to_the_month_box(manager):
    page = manager.get("/reports/", {**APRIL_TO_SEPTEMBER_2022, "end_year": ""}).content.decode()

    assert 'href="#id_end_month"' in page and 'id="id_end_month"' in page


def test_the_report_page_makes_the_same_number_of_queries_however_many_records(
    manager, tmp_path, django_assert_max_num_queries
):
    load_authority(tmp_path / "small", 2)
    manager.get("/reports/", APRIL_TO_SEPTEMBER_2022)  # warm the session and caches
    caches["reports"].clear()  # count the queries of building the report, not of the cache
    with CaptureQueriesContext(connection) as small:
        assert manager.get("/reports/", APRIL_TO_SEPTEMBER_2022).status_code == 200

    load_authority(tmp_path / "large", 40)
    caches["reports"].clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert manager.get("/reports/", APRIL_TO_SEPTEMBER_2022).status_code == 200
    # two: the commentary and the last edition; two: the meetings' quoracy and parents; three:
    # the rule book's unusual records; eight: the version 2 figures' records (plans, children,
    # enquiries and whether any exist, conferences, escalations, population, the rule setting's
    # calendar) and the participation of children under 4; six: the national comparison (its
    # plans, initial conferences, days on a plan, population, and one query of categories for
    # each year England's data file asks for, whatever the records)
    assert len(small.captured_queries) <= 62


# ---- downloads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "report_format, media_type, magic",
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("json", "application/json", b"{"),
    ],
)
def test_each_download_is_named_for_its_period_and_audited(
    signed_in_client, report_format, media_type, magic
):
    analyst = signed_in_client("analyst")

    response = analyst.get(f"/reports/download/{report_format}/", APRIL_TO_SEPTEMBER_2022)

    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="child-protection-report-2022-04-01-2022-09-30.{report_format}"'
    )
    assert response.content.startswith(magic)
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert entry.actor == analyst.user
    assert entry.record_type == "report"
    assert entry.record_id == f"child-protection-report-2022-04-01-2022-09-30.{report_format}"
    assert "1 April 2022 to 30 September 2022" in entry.summary


def test_the_json_download_is_the_contract(manager, tmp_path):
    load_authority(tmp_path, 2)

    figures = json.loads(
        manager.get(
            "/reports/download/json/", {**APRIL_TO_SEPTEMBER_2022, "count_by": "meeting"}
        ).content
    )

    assert figures["period"] == {"start": "2022-04-01", "end": "2022-09-30"}
    assert figures["count_by"] == "meeting"
    assert figures["cp_population"]["at_period_end"] == 2


def test_a_download_with_a_bad_period_goes_back_to_the_page_and_writes_nothing(manager):
    query = {**APRIL_TO_SEPTEMBER_2022, "end_year": "2021"}

    response = manager.get("/reports/download/pdf/", query)

    assert response.status_code == 302
    assert response["Location"].startswith("/reports/?")
    assert "There is a problem" in manager.get(response["Location"]).content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


@pytest.mark.parametrize("report_format", ["html", "exe", "PDF"])
def test_an_unknown_format_is_not_found(manager, report_format):
    assert manager.get(f"/reports/download/{report_format}/").status_code == 404


def test_roles_without_reports_cannot_download(signed_in_client):
    for role in ("business_support", "liaison_officer", "auditor"):
        response = signed_in_client(role).get("/reports/download/json/")
        assert response.status_code == 403, role
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


# ---- the API ---------------------------------------------------------------------------------


def test_the_api_gives_the_clis_json_for_a_period(manager, tmp_path):
    load_authority(tmp_path, 3)

    response = manager.get(
        "/api/v1/report", {"from": "2022-04-01", "to": "2022-09-30", "count_by": "meeting"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    figures = response.json()
    assert figures["period"] == {"start": "2022-04-01", "end": "2022-09-30"}
    assert figures["count_by"] == "meeting"
    assert figures["include_informal"] is False
    assert figures["cp_population"]["at_period_end"] == 3
    assert figures["timeliness"]["period"]["held"] == 3
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert entry.record_id == "child-protection-report-2022-04-01-2022-09-30.json"
    assert "API" in entry.summary


def test_the_api_defaults_to_the_latest_completed_half_year_and_reads_include_informal(manager):
    period = latest_completed_half_year(timezone.localdate())

    figures = manager.get("/api/v1/report", {"include_informal": "1"}).json()

    assert figures["period"] == {
        "start": period.start_on.isoformat(),
        "end": period.end_on.isoformat(),
    }
    assert figures["count_by"] == "child"
    assert figures["include_informal"] is True


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2022-04-02", "to": "2022-09-30"}, "must start on the first day of a month"),
        ({"from": "2022-04-01", "to": "2022-09-29"}, "must end on the last day of a month"),
        ({"from": "2022-10-01", "to": "2022-09-30"}, "cannot end"),
        ({"from": "2022-04-01"}, "give both from and to"),
        ({"from": "1/4/2022", "to": "2022-09-30"}, "from: expected a date as YYYY-MM-DD"),
        ({"from": "2022-02-30", "to": "2022-09-30"}, "from: expected a date"),
        ({"count_by": "family"}, "count_by: expected child or meeting"),
        ({"include_informal": "maybe"}, "include_informal: expected 1 or 0"),
    ],
)
def test_a_bad_query_is_a_400_with_a_message_never_a_500(manager, query, message):
    response = manager.get("/api/v1/report", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_the_api_answers_401_in_json_to_a_client_not_signed_in():
    response = Client().get("/api/v1/report", {"from": "2022-04-01", "to": "2022-09-30"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"]
    assert "Sign in" in response.json()["error"]


def test_the_api_answers_403_in_json_to_a_role_without_reports(signed_in_client):
    response = signed_in_client("business_support").get("/api/v1/report")

    assert response.status_code == 403
    assert response.json() == {"error": "Your role does not include this."}


def test_a_password_without_the_second_factor_is_not_signed_in_for_the_api():
    from tests.factories import make_user

    client = Client()
    client.force_login(make_user("analyst"))  # a password, but no authenticator code yet

    assert client.get("/api/v1/report").status_code == 401


def test_an_unknown_api_address_still_sends_an_anonymous_visitor_to_sign_in():
    response = Client().get("/api/v1/no-such-thing")

    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_api_refuses_a_post(manager):
    assert manager.post("/api/v1/report").status_code in (403, 405)


def test_generated_on_is_today(manager):
    figures = manager.get("/api/v1/report").json()

    assert figures["generated_on"] == dt.date.today().isoformat() or figures["generated_on"] == (
        timezone.localdate().isoformat()
    )


def test_counting_by_child_is_shown_chosen_when_the_query_does_not_say(manager):
    page = manager.get("/reports/", APRIL_TO_SEPTEMBER_2022).content.decode()

    assert re.search(r'<input type="radio" name="count_by" value="child"[^>]*checked', page)
