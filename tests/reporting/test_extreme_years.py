"""A report period in an extreme year (0001, 9999, 10000, ...) is refused with a message: a 400
with a JSON error from the API, a message beside the field on the page, a clean CLI error; never a
500 or a stack trace (issue 18, finding 12)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.cli import build_parser
from safeguard.console import UserError
from safeguard.domain.periods import REPORT_FIRST_YEAR, REPORT_LAST_YEAR

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
    derandomize=True,
)

OUT_OF_RANGE_YEARS = st.integers(min_value=1, max_value=REPORT_FIRST_YEAR - 1) | st.integers(
    min_value=REPORT_LAST_YEAR + 1, max_value=9999
)


def _whole_year(year: int) -> dict[str, str]:
    return {"from": f"{year:04d}-01-01", "to": f"{year:04d}-12-31"}


@pytest.fixture
def manager(signed_in_client):
    return signed_in_client("manager")


@pytest.mark.parametrize(
    "query",
    [
        _whole_year(1),
        _whole_year(9999),
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "9999-12-01", "to": "9999-12-31"},
        {"from": "10000-01-01", "to": "10000-12-31"},
        {"from": "0000-01-01", "to": "0000-12-31"},
        {"from": "-001-01-01", "to": "2022-12-31"},
    ],
)
def test_an_extreme_year_is_a_400_with_a_json_error(manager, query):
    response = manager.get("/api/v1/report", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_any_year_outside_the_reports_range_is_a_400_never_a_500(manager):
    @EXAMPLES
    @given(start=OUT_OF_RANGE_YEARS, months=st.integers(min_value=0, max_value=24))
    def check(start: int, months: int) -> None:
        end_year, end_month = divmod(months, 12)
        end_year = min(start + end_year, 9999)
        end_month += 1
        last_day = calendar.monthrange(end_year, end_month)[1]
        query = {
            "from": f"{start:04d}-01-01",
            "to": dt.date(end_year, end_month, last_day).isoformat(),
        }
        response = manager.get("/api/v1/report", query)
        assert response.status_code == 400, query
        assert "must fall between" in response.json()["error"]

    check()


def test_the_first_year_of_the_range_gives_a_report(manager):
    response = manager.get("/api/v1/report", _whole_year(REPORT_FIRST_YEAR))

    assert response.status_code == 200
    assert response.json()["period"]["start"] == f"{REPORT_FIRST_YEAR}-01-01"


def test_the_last_year_of_the_range_is_refused_as_a_period_that_has_not_ended(manager):
    response = manager.get("/api/v1/report", _whole_year(REPORT_LAST_YEAR))

    assert response.status_code == 400
    assert "has not ended" in response.json()["error"]


def test_the_page_says_what_is_wrong_with_an_extreme_year(manager):
    query = {"start_month": "1", "start_year": "9999", "end_month": "12", "end_year": "9999"}

    page = manager.get("/reports/", query)
    download = manager.get("/reports/download/pdf/", query)

    assert page.status_code == 200
    assert "must fall between 1900 and 2999" in page.content.decode()
    assert download.status_code == 302  # back to the page, which says what is wrong


def test_the_cli_refuses_an_extreme_year_with_a_message():
    args = build_parser().parse_args(["report", "--from", "9999-01-01", "--to", "9999-12-31"])

    with pytest.raises(UserError, match="must fall between 1900 and 2999"):
        args.handler(args)
