import datetime as dt

import pytest

from safeguard.notifications.quarters import Quarter, QuarterError


@pytest.mark.parametrize("text", ["2022Q3", "2022q3", "2022-Q3", " 2022Q3 "])
def test_a_quarter_is_written_as_the_year_then_q_and_its_number(text):
    assert Quarter.parse(text) == Quarter(2022, 3)


@pytest.mark.parametrize("text", ["2022Q5", "2022Q0", "Q3 2022", "2022", ""])
def test_anything_else_is_refused_with_the_form_to_use(text):
    with pytest.raises(QuarterError, match="2022Q3"):
        Quarter.parse(text)


@pytest.mark.parametrize(
    ("quarter", "start_on", "end_on", "label"),
    [
        (Quarter(2022, 1), dt.date(2022, 1, 1), dt.date(2022, 3, 31), "January-March 2022"),
        (Quarter(2024, 1), dt.date(2024, 1, 1), dt.date(2024, 3, 31), "January-March 2024"),
        (Quarter(2022, 2), dt.date(2022, 4, 1), dt.date(2022, 6, 30), "April-June 2022"),
        (Quarter(2022, 3), dt.date(2022, 7, 1), dt.date(2022, 9, 30), "July-September 2022"),
        (Quarter(2022, 4), dt.date(2022, 10, 1), dt.date(2022, 12, 31), "October-December 2022"),
    ],
)
def test_quarters_are_calendar_quarters(quarter, start_on, end_on, label):
    assert (quarter.start_on, quarter.end_on, quarter.label) == (start_on, end_on, label)
    assert Quarter.of(start_on) == Quarter.of(end_on) == quarter
    assert str(Quarter.parse(str(quarter))) == str(quarter)
