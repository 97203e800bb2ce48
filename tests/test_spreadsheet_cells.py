"""OWASP's CSV-injection rule, in the one place every spreadsheet and CSV writer uses."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from safeguard.spreadsheet_cells import SafeCsvWriter, neutralised, restored

RUNNABLE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("text", RUNNABLE)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 2.5, dt.date(2022, 1, 1), None, "", "Chair unwell", "'"])
def test_numbers_dates_and_ordinary_text_are_written_unchanged(value):
    assert neutralised(value) == value


@pytest.mark.parametrize(
    "text", [*RUNNABLE, "'=already quoted", "''-twice", "'plain", "plain", "", "'", "=", "-"]
)
def test_restoring_what_was_neutralised_gives_back_the_text_exactly(text):
    assert restored(neutralised(text)) == text


def test_an_apostrophe_before_ordinary_text_is_kept_on_reading():
    assert restored("'tis") == "'tis"


def test_the_csv_writer_neutralises_every_text_cell_and_keeps_numbers():
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, lineterminator="\n").writerows([["=1+1", -5, "ok"], ["@x", 3, ""]])
    assert buffer.getvalue() == "'=1+1,-5,ok\n'@x,3,\n"
