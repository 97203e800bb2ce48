import datetime as dt

import pytest

from safeguard.domain.ages import age_in_words, age_in_years, length_in_words, whole_months

D = dt.date


@pytest.mark.parametrize(
    ("born_on", "on", "years"),
    [
        (D(2016, 3, 5), D(2026, 3, 4), 9),
        (D(2016, 3, 5), D(2026, 3, 5), 10),
        (D(2020, 2, 29), D(2021, 2, 28), 0),  # a 29 February child is a year older on 1 March
        (D(2020, 2, 29), D(2021, 3, 1), 1),
    ],
)
def test_age_is_counted_in_whole_years(born_on, on, years):
    assert age_in_years(born_on, on) == years


@pytest.mark.parametrize(
    ("born_on", "expected_on", "on", "words"),
    [
        (D(2016, 3, 5), None, D(2026, 12, 7), "10 years"),
        (D(2024, 11, 7), None, D(2026, 12, 7), "2 years"),
        (D(2025, 10, 8), None, D(2026, 12, 7), "13 months"),
        (D(2026, 10, 7), None, D(2026, 12, 7), "2 months"),
        (D(2026, 10, 8), None, D(2026, 12, 7), "8 weeks"),
        (D(2026, 11, 30), None, D(2026, 12, 7), "1 week"),
        (None, D(2027, 1, 3), D(2026, 12, 7), "Unborn, expected 3 January 2027"),
        (D(2027, 1, 2), D(2027, 1, 3), D(2026, 12, 7), "Unborn, expected 3 January 2027"),
        (None, None, D(2026, 12, 7), "Unborn, expected date not recorded"),
    ],
)
def test_the_age_reads_in_years_months_or_weeks(born_on, expected_on, on, words):
    assert age_in_words(born_on, expected_on, on) == words


def test_whole_months_follow_the_month_rule_at_month_ends():
    assert whole_months(D(2026, 1, 31), D(2026, 2, 28)) == 1  # 31 January + 1 month = 28 Feb
    assert whole_months(D(2026, 1, 31), D(2026, 2, 27)) == 0
    assert whole_months(D(2026, 3, 31), D(2026, 4, 29)) == 0


@pytest.mark.parametrize(
    ("start_on", "on", "words"),
    [
        (D(2026, 11, 20), D(2026, 12, 7), "less than a month"),
        (D(2026, 3, 7), D(2026, 12, 7), "9 months"),
        (D(2024, 9, 7), D(2026, 12, 7), "2 years 3 months"),
        (D(2025, 12, 7), D(2026, 12, 7), "1 year"),
    ],
)
def test_a_plan_length_reads_in_years_and_months(start_on, on, words):
    assert length_in_words(start_on, on) == words
