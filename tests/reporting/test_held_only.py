"""Only held conferences count in the report: booked and cancelled ones, with their invitations,
change no figure (issue 19). And the project's per-meeting figures: quoracy and parents'
attendance of the meetings held in the period (docs/report-figures.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.exchange.importer import bundle_import
from safeguard.reporting.selectors import report_build
from tests.bundles import version_2_files, with_more_bookings, write_bundle

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
GENERATED_ON = dt.date(2023, 1, 10)


def _report_json(count_by: CountBy) -> dict:
    return report_to_json(report_build(period=PERIOD, count_by=count_by, generated_on=GENERATED_ON))


@pytest.mark.parametrize("count_by", [CountBy.CHILD, CountBy.MEETING], ids=["child", "meeting"])
def test_booked_and_cancelled_conferences_change_no_report_figure(tmp_path, count_by):
    held_only = write_bundle(tmp_path / "held", **version_2_files(booked_and_cancelled=False))
    assert bundle_import(path=held_only, by=None).ok
    before = _report_json(count_by)

    everything = write_bundle(tmp_path / "all", **with_more_bookings(version_2_files()))
    result = bundle_import(path=everything, by=None, replace=True)
    assert result.ok, result.problems

    assert _report_json(count_by) == before


def test_the_report_counts_quoracy_and_parents_attendance_per_meeting_held(tmp_path):
    files = with_more_bookings(version_2_files())
    assert bundle_import(path=write_bundle(tmp_path / "in", **files), by=None).ok

    report = _report_json(CountBy.CHILD)

    # M1: both rows quorate, a parent at one: quorate, attended. M2: not quorate, parents blank.
    assert report["meetings_quoracy"] == {"quorate": 1, "not_quorate": 1, "not_recorded": 0}
    assert report["parents_attendance"] == {"attended": 1, "not_attended": 0, "not_recorded": 1}


def test_a_meeting_with_one_row_not_quorate_is_not_quorate(tmp_path):
    files = version_2_files(booked_and_cancelled=False)
    files["conferences"][1]["quorate"] = "no"  # K2 of M1 (K1 says yes)
    files["conferences"][2]["quorate"] = ""  # K3 of M2 blank, K4 says no
    files["conferences"][1]["parents_attended"] = ""
    files["conferences"][0]["parents_attended"] = "no"
    assert bundle_import(path=write_bundle(tmp_path / "in", **files), by=None).ok

    report = _report_json(CountBy.MEETING)

    assert report["meetings_quoracy"] == {"quorate": 0, "not_quorate": 2, "not_recorded": 0}
    assert report["parents_attendance"] == {"attended": 0, "not_attended": 1, "not_recorded": 1}


def test_meetings_outside_the_period_are_not_counted(tmp_path):
    assert bundle_import(path=write_bundle(tmp_path / "in", **version_2_files()), by=None).ok

    report = report_to_json(
        report_build(
            period=Period(dt.date(2022, 4, 1), dt.date(2022, 9, 30)),
            count_by=CountBy.CHILD,
            generated_on=GENERATED_ON,
        )
    )

    assert report["meetings_quoracy"] == {"quorate": 0, "not_quorate": 1, "not_recorded": 0}
