"""`safeguard check`'s rule-book section: records written before the rules (straight into the
database) are listed by id under each rule they break, and an error fails the check."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.cli import main
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db


def test_check_lists_legacy_records_that_break_an_error_rule_and_fails(capsys):
    make_child(child_id="C 9/1<b>x</b>", date_of_birth=dt.date(2015, 1, 1))
    born_later = make_child(child_id="LATE", date_of_birth=dt.date.today() + dt.timedelta(days=9))
    make_plan(child=born_later, plan_id="LP1", start_on=dt.date(2020, 1, 1))
    make_child(child_id="FINE", date_of_birth=dt.date(2015, 1, 1), ethnicity="ZZZZ")

    status = main(["check"])

    out = capsys.readouterr().out
    assert status == 1
    section = out.split("Records that break the rule book")[1]
    assert ": 4 errors, 0 warnings:" in section
    assert "error R101 an id is 1 to 40 characters" in section
    assert "child 'C 9/1<b>x</b>' child_id" in section
    assert "error R102 the ethnicity is not one of the DfE's ethnicity codes [1]" in section
    assert "child 'LATE' date_of_birth" in section
    assert "plan 'LP1' (child 'LATE') start_on" in section  # R110, born years after the plan


def test_a_clean_database_keeps_the_rule_book():
    make_child(child_id="FINE", date_of_birth=dt.date(2015, 1, 1))

    assert main(["check"]) == 0
