"""Booked and cancelled conferences (exchange format v2) are not in the census file, Annex A
or the DfE rules: an export with them equals the export without them (issue 19)."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.census.annex_a import annex_a_export
from safeguard.census.dfe_rules import dfe_rule_failures
from safeguard.census.exporter import census_export
from safeguard.census.importer import census_import
from safeguard.census.reader import CollectionYear
from safeguard.conferences.models import Conference
from safeguard.domain.periods import Period
from safeguard.exchange.importer import bundle_import
from tests.bundles import version_2_files, with_more_bookings, write_bundle
from tests.census.standards import *  # noqa: F403
from tests.census.test_annex_a import _sheet_rows
from tests.census.test_census_export import _canonical

pytestmark = pytest.mark.django_db


def _exports(folder) -> tuple:
    folder.mkdir()
    census = []
    for year in (CollectionYear(2022), CollectionYear(2023)):
        census_export(path=folder / f"census-{year.start_on.year}.xml", year=year, by=None)
        census.append(_canonical(folder / f"census-{year.start_on.year}.xml"))
    annex_a_export(path=folder / "annex-a.xlsx", as_of=dt.date(2022, 10, 31), by=None)
    lists = [_sheet_rows(folder / "annex-a.xlsx", name) for name in ("List 5", "List 7")]
    rules = dfe_rule_failures(Period(dt.date(2022, 4, 1), dt.date(2023, 3, 31)))
    return census, lists, rules


def test_booked_and_cancelled_conferences_change_no_census_annex_a_or_dfe_rule(tmp_path):
    held = write_bundle(tmp_path / "held", **version_2_files(booked_and_cancelled=False))
    assert bundle_import(path=held, by=None).ok
    before = _exports(tmp_path / "before")
    assert any(len(rows) > 1 for rows in before[1])  # Annex A lists some children

    everything = write_bundle(tmp_path / "all", **with_more_bookings(version_2_files()))
    assert bundle_import(path=everything, by=None, replace=True).ok

    assert _exports(tmp_path / "after") == before


def test_a_census_import_makes_the_booked_conference_it_reports_held_and_leaves_a_cancelled_one(
    example_census,
):
    census_import(path=example_census, by=None)
    booked = Conference.objects.filter(kind="initial").order_by("conference_id").first()
    assert booked is not None
    Conference.objects.filter(pk=booked.pk).update(status="booked")
    cancelled = Conference.objects.create(
        conference_id="CANCELLED-1",
        child=booked.child,
        meeting=booked.meeting,
        kind=booked.kind,
        held_on=booked.held_on,
        status="cancelled",
    )

    again = census_import(path=example_census, by=None)

    assert again.ok, again.result.problems
    assert Conference.objects.get(pk=booked.pk).status == "held"
    assert Conference.objects.get(pk=cancelled.pk).status == "cancelled"
