"""The rule book, rule by rule (docs/record-rules.md)."""

import datetime as dt

import pytest

from safeguard.domain import record_rules as rb
from safeguard.domain.record_rules import ChildRecords, child_check, record_check
from safeguard.domain.timeliness import rule_set_for

TODAY = dt.date(2024, 6, 1)
D = dt.date
START = D(2023, 1, 10)


def child(**values):
    return {"child_id": "C1", "date_of_birth": D(2015, 1, 1), "ethnicity": "WBRI", **values}


def plan(plan_id="P1", start=START, end=None, **values):
    return {"plan_id": plan_id, "child": "C1", "start_on": start, "end_on": end, **values}


def conference(conference_id="K1", kind="initial", held=START, **values):
    values.setdefault("strategy_discussion_on", held - dt.timedelta(days=7))
    return {"conference_id": conference_id, "child": "C1", "kind": kind, "held_on": held, **values}


def codes(findings):
    return sorted(f.code for f in findings)


def check(**parts):
    parts.setdefault("child", child())
    return codes(child_check(ChildRecords(**parts), TODAY))


def test_a_plain_record_breaks_no_rule():
    assert check(plans=[plan()], conferences=[conference()]) == []


@pytest.mark.parametrize("value", ["C 9/1<b>x</b>", "", "x" * 41, "C/1", "é1"])
def test_r101_ids_are_1_to_40_letters_digits_dash_underscore_dot(value):
    findings = record_check("child", {"child_id": value}, TODAY)
    assert codes(findings) == (["R101"] if value else [])


def test_r101_allows_the_v2_characters():
    assert record_check("child", {"child_id": "A-b_9.x" + "1" * 33}, TODAY) == []


def test_r102_ethnicity_outside_the_dfe_list():
    assert codes(record_check("child", child(ethnicity="XXXX"), TODAY)) == ["R102"]
    assert record_check("child", child(ethnicity="REFU"), TODAY) == []


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("child", child(sex="Q")),
        ("plan", plan(initial_category="ABC")),
        ("conference", conference(participation_code="PN9")),
        ("conference", conference(kind="annual")),
        ("escalation", {"escalation_id": "E1", "reason": "bad", "raised_on": D(2024, 1, 1)}),
        ("escalation", {"escalation_id": "E1", "stage": 4, "raised_on": D(2024, 1, 1)}),
        ("monitoring check", {"check_id": "M1", "outcome": "fine"}),
    ],
)
def test_r103_codes_outside_their_list(kind, record):
    assert "R103" in codes(record_check(kind, record, TODAY))


def test_r104_date_of_birth_in_the_future():
    assert codes(record_check("child", child(date_of_birth=D(2024, 6, 2)), TODAY)) == ["R104"]
    assert record_check("child", child(date_of_birth=TODAY), TODAY) == []


def test_r105_r106_r107_held_checked_raised_in_the_future():
    tomorrow = TODAY + dt.timedelta(days=1)
    assert "R105" in codes(record_check("conference", conference(held=tomorrow), TODAY))
    assert codes(
        record_check("monitoring check", {"check_id": "M", "completed_on": tomorrow}, TODAY)
    ) == ["R106"]
    assert codes(
        record_check("escalation", {"escalation_id": "E", "raised_on": tomorrow}, TODAY)
    ) == ["R107"]


def test_r108_any_date_before_1900():
    assert codes(record_check("plan", plan(end=D(1899, 12, 31), start=D(1899, 1, 1)), TODAY)) == [
        "R108",
        "R108",
    ]
    assert record_check("plan", plan(start=D(1900, 1, 1)), TODAY) == []


def test_r109_conference_more_than_10_months_before_birth():
    kid = child(date_of_birth=D(2023, 11, 10))
    assert check(child=kid, conferences=[conference(held=D(2023, 1, 9))]) == ["R109"]
    assert check(child=kid, conferences=[conference(held=D(2023, 1, 10))]) == []


def test_r110_plan_more_than_10_months_before_birth():
    kid = child(date_of_birth=D(2023, 11, 10))
    assert check(child=kid, plans=[plan(start=D(2023, 1, 9))]) == ["R110"]


def test_r111_plan_ends_before_it_starts():
    assert check(plans=[plan(start=D(2023, 5, 1), end=D(2023, 4, 30))]) == ["R111"]
    assert check(plans=[plan(start=D(2023, 5, 1), end=D(2023, 5, 1))]) == []


def test_r112_overlapping_plans_of_one_child():
    plans = [plan("P1", D(2023, 1, 1), D(2023, 6, 1)), plan("P2", D(2023, 5, 31))]
    findings = child_check(ChildRecords(child(), plans=plans), TODAY)
    assert [(f.code, f.record_id) for f in findings] == [("R112", "P2")]
    touching = [plan("P1", D(2023, 1, 1), D(2023, 6, 1)), plan("P2", D(2023, 6, 1))]
    assert check(plans=touching) == []


def test_r113_free_text_over_4000_characters():
    long = conference(out_of_timescale_reason="x" * 4001)
    assert codes(record_check("conference", long, TODAY)) == ["R113"]
    assert record_check("conference", conference(out_of_timescale_reason="x" * 4000), TODAY) == []


def test_r201_review_with_no_plan_in_force():
    review = conference("K2", "review", D(2023, 4, 1))
    assert check(conferences=[review]) == ["R201"]
    assert check(plans=[plan()], conferences=[review]) == []


def test_r202_initial_conference_while_a_plan_is_open():
    second = conference("K2", "initial", D(2023, 3, 1))
    assert check(plans=[plan()], conferences=[second]) == ["R202"]
    assert check(plans=[plan(end=D(2023, 3, 1))], conferences=[second]) == []


def test_r203_initial_with_no_strategy_discussion_date():
    assert check(conferences=[conference(strategy_discussion_on=None)]) == ["R203"]


def test_r204_transfer_in_with_no_notification_date():
    transfer = conference(kind="transfer_in", transfer_notification_on=None)
    assert check(conferences=[transfer]) == ["R204"]


def test_r205_out_of_timescale_with_no_reason():
    late = conference(held=D(2023, 3, 1), strategy_discussion_on=D(2023, 1, 2))
    rules = rule_set_for("england")
    assert codes(child_check(ChildRecords(child(), conferences=[late]), TODAY, rules)) == ["R205"]
    excused = dict(late, out_of_timescale_reason="family in hospital")
    assert child_check(ChildRecords(child(), conferences=[excused]), TODAY, rules) == []
    stored = dict(late, verdict="out")
    assert check(conferences=[stored]) == ["R205"]


def test_r206_r207_child_18_or_over():
    kid = child(date_of_birth=D(2005, 1, 10))
    assert check(child=kid, plans=[plan(start=D(2023, 1, 10))], conferences=[conference()]) == [
        "R206",
        "R207",
    ]
    assert (
        check(
            child=kid,
            plans=[plan(start=D(2023, 1, 9))],
            conferences=[conference(held=D(2023, 1, 9))],
        )
        == []
    )


def test_r208_expected_birth_passed_with_no_date_of_birth():
    unborn = child(date_of_birth=None, expected_date_of_birth=D(2024, 5, 31))
    assert codes(record_check("child", unborn, TODAY)) == ["R208"]
    assert record_check("child", dict(unborn, expected_date_of_birth=TODAY), TODAY) == []


def test_every_rule_has_a_unique_code_and_a_severity():
    assert len(rb.RULES_BY_CODE) == len(rb.RULES)
    assert {r.severity for r in rb.RULES} == {rb.Severity.error, rb.Severity.warning}
