"""The report page and the JSON API keep the built report until the records change: the same
report again is read from the cache, and after a change made in any way (a service, an import,
the rule set) the next report is the new one, exactly as if nothing had been kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguard.conferences.models import Conference
from safeguard.conferences.services import conference_update
from safeguard.escalations.services import escalation_raise
from safeguard.exchange.importer import bundle_import
from tests.bundles import child, conference, plan, write_bundle
from tests.factories import make_organisation_type
from tests.reporting.test_views import load_authority

pytestmark = pytest.mark.django_db

JANUARY_TO_JUNE_2022 = {
    "start_month": "1",
    "start_year": "2022",
    "end_month": "6",
    "end_year": "2022",
}
API_QUERY = {"from": "2022-01-01", "to": "2022-06-30"}


@pytest.fixture
def manager(signed_in_client):
    return signed_in_client("manager")


def report_body(client) -> str:
    """The report as the page shows it (the page around it carries a fresh CSP nonce)."""
    page = client.get("/reports/", JANUARY_TO_JUNE_2022).content.decode()
    body = page.split('<div class="safeguard-report">', 1)[1].split("</main>", 1)[0]
    assert "<svg" in body
    return body


def built_afresh(client) -> tuple[str, dict]:
    """The page's report and the API's figures with nothing kept."""
    caches["reports"].clear()
    body = report_body(client)
    caches["reports"].clear()
    return body, client.get("/api/v1/report", API_QUERY).json()


def both(client) -> tuple[str, dict]:
    return report_body(client), client.get("/api/v1/report", API_QUERY).json()


def assert_new_and_exact(client, before: tuple[str, dict]) -> None:
    after = both(client)
    assert after[0] != before[0], "the page showed the report from before the change"
    assert after[1] != before[1], "the API gave the figures from before the change"
    assert after == built_afresh(client)


def test_the_same_report_again_is_read_from_the_cache(manager, tmp_path):
    load_authority(tmp_path / "authority", 3)
    first = report_body(manager)
    with CaptureQueriesContext(connection) as again:
        assert report_body(manager) == first
    tables = " ".join(query["sql"] for query in again.captured_queries)
    assert "conferences_conference" not in tables and "cases_plan" not in tables
    assert (
        len(again.captured_queries) <= 13
    )  # 3 of them: the audit entry of the view; 2 the commentary and the last edition


def test_a_change_through_a_service_shows_in_the_next_report(manager, tmp_path):
    load_authority(tmp_path / "authority", 3)
    before = both(manager)

    escalation_raise(
        raised_on=dt.date(2022, 5, 3),
        organisation_type=make_organisation_type("School"),
        reason="no_report",
        by=None,
        today=dt.date(2022, 10, 1),
    )

    assert_new_and_exact(manager, before)


def test_an_edit_through_a_versioned_save_shows_in_the_next_report(manager, tmp_path):
    load_authority(tmp_path / "authority", 3)
    before = both(manager)

    review = Conference.objects.get(conference_id="R0")
    conference_update(
        conference=review,
        expected_version=review.version,
        by=None,
        held_on=dt.date(2022, 6, 20),
        out_of_timescale_reason="Rescheduled",  # a form requires it of a late conference
    )

    assert_new_and_exact(manager, before)


def test_an_import_shows_in_the_next_report(manager, tmp_path):
    load_authority(tmp_path / "authority", 3)
    before = both(manager)

    bundle = write_bundle(
        tmp_path / "more",
        children=[child("NEW1")],
        cp_plans=[plan("NEWP1", "NEW1", "2022-03-14")],
        conferences=[
            conference(
                "NEWI1", "NEW1", "initial", "2022-03-14", strategy_discussion_date="2022-03-01"
            )
        ],
    )
    assert bundle_import(path=bundle, by=None).ok

    assert_new_and_exact(manager, before)


def test_a_change_of_the_rule_set_shows_in_the_next_report(manager, tmp_path):
    bundle = write_bundle(
        tmp_path / "transfer",
        children=[child("C1")],
        cp_plans=[plan("P1", "C1", "2022-02-02")],
        conferences=[
            conference(
                "T1", "C1", "transfer_in", "2022-02-02", transfer_notification_date="2022-01-07"
            )
        ],
    )
    assert bundle_import(path=bundle, by=None).ok  # 17 working days: late under the default 15
    before = both(manager)

    manager.post(
        "/administration/timeliness-rules/",
        {"nation": "england", "transfer_in_conference_working_days": "20"},
    )

    assert Conference.objects.get(conference_id="T1").verdict == "within"
    assert_new_and_exact(manager, before)


def test_a_report_is_kept_per_choice(manager, tmp_path):
    load_authority(tmp_path / "authority", 3)
    by_child = report_body(manager)
    page = manager.get("/reports/", {**JANUARY_TO_JUNE_2022, "count_by": "meeting"})
    by_meeting = page.content.decode().split('<div class="safeguard-report">', 1)[1]
    assert "Conferences counted by meeting" in page.content.decode()
    assert by_meeting.split("</main>", 1)[0] != by_child
