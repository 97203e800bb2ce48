"""A report for a period that has not ended (its end today or later) is refused with a message, on
the command line, the report page, its downloads and the API: a report for January to June 2027
must not be produced as if it had happened (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.cli import build_parser
from safeguard.console import UserError
from safeguard.domain.periods import Period, PeriodError, month_end, period_ended_by

pytestmark = pytest.mark.django_db


def _this_month() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(day=1), month_end(today)


def test_a_period_ending_today_or_later_has_not_ended():
    period = Period(dt.date(2027, 1, 1), dt.date(2027, 6, 30))
    with pytest.raises(PeriodError, match="has not ended: it ends on 30 June 2027"):
        period_ended_by(period, dt.date(2026, 12, 7))
    with pytest.raises(PeriodError, match="has not ended"):
        period_ended_by(period, dt.date(2027, 6, 30))
    assert period_ended_by(period, dt.date(2027, 7, 1)) == period


def test_the_cli_refuses_a_period_that_has_not_ended():
    start, end = _this_month()
    args = build_parser().parse_args(
        ["report", "--from", start.isoformat(), "--to", end.isoformat(), "--format", "json"]
    )
    with pytest.raises(UserError, match="has not ended"):
        args.handler(args)


def test_the_api_refuses_a_period_that_has_not_ended(signed_in_client):
    start, end = _this_month()
    response = signed_in_client("manager").get(
        "/api/v1/report", {"from": start.isoformat(), "to": end.isoformat()}
    )
    assert response.status_code == 400
    assert "has not ended" in response.json()["error"]


def test_the_report_page_says_the_period_has_not_ended_and_downloads_go_back(signed_in_client):
    start, end = _this_month()
    query = {
        "start_month": str(start.month),
        "start_year": str(start.year),
        "end_month": str(end.month),
        "end_year": str(end.year),
    }
    manager = signed_in_client("manager")
    page = manager.get("/reports/", query)
    download = manager.get("/reports/download/pdf/", query)
    assert page.status_code == 200
    assert "has not ended" in page.content.decode()
    assert download.status_code == 302
