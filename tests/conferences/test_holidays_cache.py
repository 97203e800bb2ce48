"""The bank holidays kept in the cache folder give the same calendar as the holidays package,
and the application's shared calendars read them through it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from safeguard.conferences.holidays import bank_holidays_cached
from safeguard.domain.calendar import (
    Nation,
    WorkingDayCalendar,
    bank_holidays_from_package,
)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "safeguard"


def _same(one: WorkingDayCalendar, other: WorkingDayCalendar) -> bool:
    return (
        one._bank_holiday_names == other._bank_holiday_names
        and one._working_ordinals == other._working_ordinals
    )


@pytest.mark.parametrize("nation", list(Nation))
def test_a_calendar_read_from_the_cache_is_the_one_the_package_gives(cache_folder, nation):
    first = WorkingDayCalendar(
        nation, bank_holidays_cached(nation)
    )  # asks the package, writes the cache
    assert len(list(cache_folder.glob(f"bank-holidays-{nation.value}-*.json"))) == 1
    from_cache = WorkingDayCalendar(nation, bank_holidays_cached(nation))

    package_days = bank_holidays_from_package(nation)
    assert from_cache._bank_holiday_names == package_days
    assert _same(first, from_cache)
    assert not from_cache.is_working_day(date(2022, 9, 19))  # the State Funeral


def test_the_working_days_are_monday_to_friday_less_the_bank_holidays(cache_folder):
    england = WorkingDayCalendar(Nation.england, bank_holidays_cached(Nation.england))
    holidays = set(england._bank_holiday_names)
    day = date(2019, 12, 1)
    while day <= date(2020, 1, 31):
        expected = day.weekday() < 5 and day not in holidays
        assert england.is_working_day(day) is expected, day
        day = date.fromordinal(day.toordinal() + 1)


def test_a_damaged_or_foreign_cache_file_is_passed_over_and_rewritten(cache_folder):
    WorkingDayCalendar(Nation.england, bank_holidays_cached(Nation.england))
    (cache,) = cache_folder.glob("bank-holidays-england-*.json")
    for damaged in (
        "{not json",
        json.dumps({"identity": {"holidays": "0.0"}, "days": {"2022-09-19": "x"}}),
        json.dumps(["a list"]),
    ):
        cache.write_text(damaged, encoding="utf-8")
        rebuilt = WorkingDayCalendar(Nation.england, bank_holidays_cached(Nation.england))
        assert not rebuilt.is_working_day(date(2022, 9, 19))
        assert rebuilt._bank_holiday_names == bank_holidays_from_package(Nation.england)
        assert json.loads(cache.read_text(encoding="utf-8"))["identity"]["nation"] == "england"


def test_a_cache_folder_that_cannot_be_written_still_gives_a_calendar(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))

    wales = WorkingDayCalendar(Nation.wales, bank_holidays_cached(Nation.wales))

    assert not wales.is_working_day(date(2023, 5, 8))  # the Coronation
    assert wales.add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)


def test_the_application_hands_the_file_cache_to_the_domains_calendars():
    from safeguard.domain import calendar as calendar_module

    assert calendar_module._bank_holiday_source is bank_holidays_cached  # ConferencesConfig.ready
