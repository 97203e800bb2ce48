"""The DfE census rules about child protection, each failing on the record that breaks it."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from safeguard.census.dfe_rules import RULES, dfe_rule_failures, dfe_rules_check
from safeguard.census.importer import census_import
from safeguard.census.models import PlanCensusDetail, Section47Enquiry
from safeguard.conferences.models import Conference, Meeting
from safeguard.domain.periods import Period
from tests.census.standards import *  # noqa: F403
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _legacy_plans(db):
    """The DfE rules are checked against legacy records too (overlapping plans among them)."""
    from tests.factories import plans_may_overlap

    plans_may_overlap()


AS_OF = dt.date(2024, 3, 31)


def _conference(child, kind: str, held_on: dt.date) -> Conference:
    meeting = Meeting.objects.create(
        reference=f"M-{child.child_id}-{kind}-{held_on}", held_on=held_on
    )
    return Conference.objects.create(
        conference_id=f"C-{child.child_id}-{kind}-{held_on}",
        child=child,
        meeting=meeting,
        kind=kind,
        held_on=held_on,
    )


def _failing(rule: str) -> dict[str, tuple[str, ...]]:
    return {f.rule: f.child_ids for f in dfe_rules_check(end_on=AS_OF) if f.rule == rule}


def test_every_rule_is_cited_by_its_dfe_number_or_says_it_is_unconfirmed():
    for rule in RULES:
        assert rule.number[:4].isdigit() or rule.number == "(rule number not confirmed)"


def test_2885_a_plan_starts_on_the_day_of_its_initial_conference():
    good, bad = make_child(child_id="GOOD"), make_child(child_id="BAD")
    for child in (good, bad):
        make_plan(child=child, start_on=dt.date(2023, 9, 15))
    _conference(good, "initial", dt.date(2023, 9, 15))
    _conference(bad, "initial", dt.date(2023, 9, 14))

    assert _failing("2885") == {"2885": ("BAD",)}


def test_8940_plans_of_a_child_do_not_overlap_counting_the_end_day():
    child = make_child(child_id="OVER")
    make_plan(child=child, start_on=dt.date(2023, 5, 1), end_on=dt.date(2023, 8, 1))
    make_plan(child=child, start_on=dt.date(2023, 8, 1))

    assert _failing("8940") == {"8940": ("OVER",)}


def test_8935_a_child_has_one_open_plan():
    child = make_child(child_id="TWICE")
    make_plan(child=child, plan_id="A", start_on=dt.date(2023, 5, 1))
    make_plan(child=child, plan_id="B", start_on=dt.date(2023, 6, 1))

    assert _failing("8935") == {"8935": ("TWICE",)}


def test_8841_a_review_is_after_its_plan_started():
    child = make_child(child_id="EARLY")
    make_plan(child=child, start_on=dt.date(2023, 9, 15))
    _conference(child, "initial", dt.date(2023, 9, 15))
    _conference(child, "review", dt.date(2023, 9, 15))

    assert _failing("8841") == {"8841": ("EARLY",)}


def test_8840_a_plan_does_not_start_and_end_on_one_day():
    child = make_child(child_id="SAMEDAY")
    make_plan(child=child, start_on=dt.date(2023, 9, 15), end_on=dt.date(2023, 9, 15))

    assert _failing("8840") == {"8840": ("SAMEDAY",)}


def test_8875_an_initial_conference_is_held_on_a_weekday():
    child = make_child(child_id="SATURDAY")
    _conference(child, "initial", dt.date(2023, 9, 16))  # a Saturday

    assert _failing("8875") == {"8875": ("SATURDAY",)}


def test_8675q_a_section_47_older_than_15_working_days_has_a_conference():
    late, recent, waived = (make_child(child_id=c) for c in ("LATE", "RECENT", "WAIVED"))
    Section47Enquiry.objects.create(child=late, started_on=dt.date(2024, 3, 1))
    Section47Enquiry.objects.create(child=recent, started_on=dt.date(2024, 3, 25))
    Section47Enquiry.objects.create(
        child=waived, started_on=dt.date(2024, 1, 5), icpc_not_required=True
    )

    assert _failing("8675Q") == {"8675Q": ("LATE",)}


def test_8730_and_the_previous_plan_count_is_not_below_the_plans_held():
    child = make_child(child_id="THIRD")
    make_plan(child=child, start_on=dt.date(2020, 1, 6), end_on=dt.date(2021, 1, 6))
    make_plan(child=child, start_on=dt.date(2022, 1, 6), end_on=dt.date(2022, 9, 6))
    latest = make_plan(child=child, start_on=dt.date(2023, 9, 15))
    PlanCensusDetail.objects.create(plan=latest, previous_plans=1)

    failures = {f.rule: f.child_ids for f in dfe_rules_check(end_on=AS_OF)}

    assert failures["(rule number not confirmed)"] == ("THIRD",)
    assert "8730" not in failures


def test_the_example_file_breaks_none_of_the_rules(example_census):
    census_import(path=example_census, by=None)

    assert dfe_rules_check(end_on=AS_OF, start_on=dt.date(2023, 4, 1)) == []


def test_the_report_counts_the_failures_with_their_rule_numbers():
    child = make_child(child_id="SATURDAY")
    _conference(child, "initial", dt.date(2023, 9, 16))

    items = dfe_rule_failures(Period(dt.date(2023, 4, 1), dt.date(2024, 3, 31)))

    assert [(i.code, i.count) for i in items] == [("dfe_8875", 1)]
    assert "DfE rule 8875" in items[0].message


def test_the_check_command_names_the_rule_and_the_children(capsys):
    from safeguard.census.commands import cmd_check

    child = make_child(child_id="SATURDAY")
    _conference(child, "initial", dt.date(2023, 9, 16))

    status = cmd_check(argparse.Namespace(start=None, end=AS_OF, limit=20))

    out = capsys.readouterr().out
    assert status == 1
    assert "DfE rule 8875" in out
    assert "SATURDAY" in out
