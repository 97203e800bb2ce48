"""The rule book at the import door, as the issue's acceptance reads it: impossible records
refused at file, line and column with nothing written; an unusual record imported with a
warning naming it, and listed by `safeguard check` (docs/record-rules.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from safeguard.cli import main
from safeguard.exchange.importer import bundle_import
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db

FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _impossible_bundle(folder):
    return write_bundle(
        folder,
        children=[
            child("C1"),
            child("C 9/1<b>x</b>"),  # 1 R101: an id outside the rule
            child("C3", ethnicity="ZZZZ"),  # 2 R102: not a DfE ethnicity code
            child("C4", date_of_birth=FUTURE),  # 3 R104: born in the future
            child("C5", expected_date_of_birth="1899-12-31"),  # 4 R108: before 1900
            child("C6", date_of_birth="2020-12-01"),
        ],
        cp_plans=[
            plan("P1", "C1", "2022-01-10", "2022-06-01"),
            plan("P2", "C1", "2022-05-01"),  # 5 R112: overlaps P1
            plan("P3", "C3", "2022-05-01", "2022-04-01"),  # 6 R111: ends before it starts
        ],
        conferences=[
            conference("K1", "C1", "initial", "2022-01-10", strategy_discussion_date="2022-01-03"),
            conference("K2", "C3", "initial", FUTURE, strategy_discussion_date="2022-01-03"),  # 7
            # 8 R109: eleven months before C6 was born
            conference("K3", "C6", "initial", "2020-01-01", strategy_discussion_date="2019-12-20"),
        ],
        monitoring_checks=[
            {"check_id": "M1", "plan_id": "P1", "kind": "midway", "date_completed": FUTURE,
             "outcome": "on_track"},  # 9 R106: a check completed in the future
        ],
        escalations=[
            {"escalation_id": "E1", "date_raised": FUTURE, "organisation_type": "Health",
             "reason": "no_report", "child_id": "C1"},  # 10 R107: raised in the future
        ],
    )  # fmt: skip


def test_ten_impossible_records_of_ten_kinds_get_ten_messages_and_nothing_is_written(
    tmp_path, capsys
):
    bundle_import(
        path=write_bundle(tmp_path / "held", children=[child("H1")]), by=None
    )  # something already held, which must stay as it is
    before = _row_counts()

    assert main(["import", str(_impossible_bundle(tmp_path / "bundle"))]) == 1

    err = capsys.readouterr().err
    messages = [line for line in err.splitlines() if not line.startswith("warning:")]
    assert messages[-1] == "10 problems found; nothing was imported"
    located = messages[:-1]
    assert [line.split(" ", 1)[0] for line in located] == [
        "children.csv:3:",
        "children.csv:4:",
        "children.csv:5:",
        "children.csv:6:",
        "cp_plans.csv:3:",
        "cp_plans.csv:4:",
        "conferences.csv:3:",
        "conferences.csv:4:",
        "escalations.csv:2:",
        "monitoring_checks.csv:2:",
    ]
    codes = [line.split(": ", 2)[2].split(" ", 1)[0] for line in located]
    columns = [line.split(": ", 2)[1] for line in located]
    assert sorted(codes) == sorted(
        ["R101", "R102", "R104", "R108", "R112", "R111", "R105", "R109", "R107", "R106"]
    )
    assert columns == [
        "child_id",
        "ethnicity",
        "date_of_birth",
        "expected_date_of_birth",
        "start_date",
        "end_date",
        "date",
        "date",
        "date_raised",
        "date_completed",
    ]
    assert _row_counts() == before


def test_an_unusual_record_imports_with_a_warning_naming_it_and_check_lists_it(tmp_path, capsys):
    bundle = write_bundle(
        tmp_path / "bundle",
        children=[child("C1")],
        cp_plans=[plan("P1", "C1", "2022-01-10")],
        conferences=[conference("K1", "C1", "initial", "2022-01-10")],  # no strategy discussion
    )

    assert main(["import", str(bundle)]) == 0

    captured = capsys.readouterr()
    assert "Imported" in captured.out
    assert captured.err.splitlines() == [
        "warning: conferences.csv:2: strategy_discussion_date: conference 'K1': R203 an initial "
        "conference with no strategy discussion date"
    ]

    main(["check"])

    out = capsys.readouterr().out
    assert "warning R203 an initial conference with no strategy discussion date [1]" in out
    assert "conference 'K1' (child 'C1') strategy_discussion_on" in out
