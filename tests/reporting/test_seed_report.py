"""The demo authority reproduces the real report that the unit built by hand (the seed)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from safeguard.demo.authority import write_demo_bundle
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.exchange.importer import bundle_import
from safeguard.reporting.selectors import report_build
from tests.factories import database_emptied_after_module

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "seed-figures.json"
PERIOD = Period(dt.date(2022, 4, 1), dt.date(2022, 9, 30))


@pytest.fixture(scope="module")
def demo_authority(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo_bundle(folder)
    with django_db_blocker.unblock():
        result = bundle_import(path=folder, by=None)
        assert result.ok, [str(p) for p in result.problems[:5]]
        yield
        database_emptied_after_module()


def _report(count_by: CountBy) -> dict:
    return report_to_json(
        report_build(period=PERIOD, count_by=count_by, generated_on=dt.date(2022, 10, 3))
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_authority_counted_by_meeting_gives_every_figure_of_the_seed(demo_authority):
    seed = json.loads(SEED.read_text())
    report = _report(CountBy.MEETING)

    assert report["period"] == seed["period"]
    assert report["count_by"] == "meeting"
    for key in ("at_period_end", "year_earlier"):
        assert report["cp_population"][key] == seed["cp_population"][key]
    for key in ("year_to_period_end", "previous_year"):
        assert report["unborn_initial_conferences"][key] == seed["unborn_initial_conferences"][key]
    assert report["conferences_by_month"] == seed["conferences_by_month"]
    for part in ("last_complete_year", "period"):
        for key, value in seed["timeliness"][part].items():
            assert report["timeliness"][part][key] == value, (part, key)
    assert report["escalations_by_organisation"] == seed["escalations_by_organisation"]
    assert report["escalations_total"] == seed["escalations_total"]
    assert report["escalations_by_month"] == seed["escalations_by_month"]
    # the cumulative table is derived from the monthly one (see the seed's notes)
    monthly = seed["conferences_by_month"]["2019"]
    assert report["conferences_cumulative"]["2019"][-1] == sum(monthly)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_per_child_report_of_the_demo_is_consistent_with_the_per_meeting_one(demo_authority):
    by_meeting = _report(CountBy.MEETING)
    by_child = _report(CountBy.CHILD)

    # children, escalations, participation and agencies do not depend on how conferences count
    for key in (
        "cp_population",
        "escalations_by_organisation",
        "escalations_by_month",
        "participation",
        "agency_contributions",
        "monitoring_checks",
        "plans",
    ):
        assert by_child[key] == by_meeting[key], key
    # a meeting holds one or more children's conferences
    for year, months in by_meeting["conferences_by_month"].items():
        for meetings, conferences in zip(
            months, by_child["conferences_by_month"][year], strict=True
        ):
            assert (meetings is None) == (conferences is None)
            assert meetings is None or conferences >= meetings
    assert by_child["timeliness"]["period"]["held"] >= by_meeting["timeliness"]["period"]["held"]
    assert by_child["timeliness"]["period"]["out_of_timescale"] == 0
