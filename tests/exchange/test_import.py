"""The exchange-format import: whole bundles checked first, written whole or not at all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Child, Plan
from safeguard.conferences.models import Conference, Invitation, Meeting
from safeguard.escalations.models import Escalation
from safeguard.exchange.exporter import bundle_export
from safeguard.exchange.importer import bundle_import
from safeguard.monitoring.models import MonitoringCheck
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db


def _clean_bundle(folder: Path) -> Path:
    return write_bundle(
        folder,
        children=[
            child("C1", given_name="Amy", family_name="Stone", area="North", sex="F"),
            child("C2", given_name="Ben", family_name="Stone", area="North", sex="M"),
            child("C3", date_of_birth="", expected_date_of_birth="2022-07-01"),
        ],
        cp_plans=[
            plan("P1", "C1", "2022-01-10", "2022-07-05", latest_category="NEG"),
            plan("P2", "C2", "2022-01-10", latest_category="EMO"),
        ],
        conferences=[
            conference(
                "K1",
                "C1",
                "initial",
                "2022-01-10",
                meeting_id="M1",
                strategy_discussion_date="2021-12-20",
                outcome="plan",
            ),
            conference(
                "K2",
                "C2",
                "initial",
                "2022-01-10",
                meeting_id="M1",
                strategy_discussion_date="2021-12-20",
                outcome="plan",
            ),
            conference("K3", "C1", "review", "2022-04-08", meeting_id="M2", outcome="plan"),
            conference("K4", "C2", "review", "2022-04-08", meeting_id="M2", outcome="plan"),
            conference("K5", "C1", "review", "2022-07-05", meeting_id="M3", outcome="no_plan"),
            conference("K6", "C3", "initial", "2022-05-03", strategy_discussion_date="03/05/2022"),
        ],
        invitations=[
            {
                "meeting_id": "M1",
                "organisation_type": "GP's",
                "report_received": "no",
                "attended": "no",
                "apologies": "no",
            },
            {"meeting_id": "K6", "organisation_type": "Health Visitor", "report_received": "yes"},
        ],
        escalations=[
            {
                "escalation_id": "E1",
                "date_raised": "2022-01-11",
                "organisation_type": "GP's",
                "reason": "no_report_no_apologies",
                "conference_id": "K1",
                "child_id": "C1",
                "organisation_name": '=HYPERLINK("http://x")',
                "area": "North",
                "stage": "1",
            },
        ],
        monitoring_checks=[
            {
                "check_id": "X1",
                "plan_id": "P2",
                "kind": "midway",
                "date_completed": "2022-02-25",
                "outcome": "concerns",
                "alerted": "team_manager;social_worker",
            },
        ],
    )


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Child, Plan, Meeting, Conference, Invitation, Escalation, MonitoringCheck)
    }


def test_a_clean_bundle_is_written_with_every_record_and_its_timeliness(tmp_path):
    result = bundle_import(path=_clean_bundle(tmp_path), by=None)

    assert result.ok, result.problems
    assert _counts() == {
        "Child": 3,
        "Plan": 2,
        "Meeting": 4,
        "Conference": 6,
        "Invitation": 2,
        "Escalation": 1,
        "MonitoringCheck": 1,
    }
    review = Conference.objects.get(conference_id="K3")
    assert review.due_on == dt.date(2022, 4, 10)
    assert review.verdict == "within"
    assert review.plan.plan_id == "P1"
    assert Conference.objects.get(conference_id="K6").strategy_discussion_on == dt.date(2022, 5, 3)
    check = MonitoringCheck.objects.get()
    assert check.roles_alerted == ["social_worker", "team_manager"]
    assert Escalation.objects.get().organisation_name == '=HYPERLINK("http://x")'
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_importing_the_same_bundle_again_changes_nothing(tmp_path):
    folder = _clean_bundle(tmp_path)
    bundle_import(path=folder, by=None)

    again = bundle_import(path=folder, by=None)

    assert again.ok
    assert not again.changed_anything
    assert again.files["conferences.csv"].unchanged == 6


def test_a_newer_extract_updates_changed_records_and_adds_new_ones(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "old"), by=None)
    newer = write_bundle(
        tmp_path / "new",
        children=[child("C1", given_name="Amelia", family_name="Stone"), child("C4")],
        cp_plans=[plan("P1", "C1", "2022-01-10", "2022-07-05", latest_category="PHY")],
    )

    result = bundle_import(path=newer, by=None)

    assert result.ok, result.problems
    assert vars(result.files["children.csv"]) == {
        "added": 1,
        "changed": 1,
        "unchanged": 0,
        "removed": 0,
    }
    assert Child.objects.get(child_id="C1").given_name == "Amelia"
    assert Child.objects.get(child_id="C1").version == 2
    assert Child.objects.count() == 4  # nothing removed without --replace


def test_replace_makes_the_database_equal_to_the_bundle(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "old"), by=None)
    smaller = write_bundle(
        tmp_path / "new",
        children=[child("C2")],
        cp_plans=[plan("P2", "C2", "2022-01-10")],
        conferences=[
            conference(
                "K2",
                "C2",
                "initial",
                "2022-01-10",
                meeting_id="M1",
                strategy_discussion_date="2021-12-20",
                outcome="plan",
            )
        ],
    )

    result = bundle_import(path=smaller, by=None, replace=True)

    assert result.ok, result.problems
    assert result.files["children.csv"].removed == 2
    assert result.files["conferences.csv"].removed == 5
    assert _counts() == {
        "Child": 1,
        "Plan": 1,
        "Meeting": 1,
        "Conference": 1,
        "Invitation": 0,
        "Escalation": 0,
        "MonitoringCheck": 0,
    }
    # C2's plan diary now counts from its initial conference alone
    assert Plan.objects.get().next_review_due_on == dt.date(2022, 4, 10)


def test_a_dry_run_counts_and_writes_nothing(tmp_path):
    result = bundle_import(path=_clean_bundle(tmp_path), by=None, dry_run=True)

    assert result.ok
    assert result.files["children.csv"].added == 3
    assert set(_counts().values()) == {0}
    assert not AuditEntry.objects.exists()


def test_ten_faults_give_ten_precise_messages_and_the_database_is_unchanged(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "first"), by=None)
    before = _counts()
    faulty = write_bundle(
        tmp_path / "faulty",
        children=[
            child("C1"),
            child("C1"),  # 1 duplicate id
            child("C2", date_of_birth="31/02/2015"),  # 2 not a date
            child("C3", sex="X"),  # 3 unknown code
        ],
        cp_plans=[
            plan("P1", "C1", "2022-01-10"),
            plan("P2", "C1", "2022-03-01", "2022-06-01"),  # 4 overlapping plans
            plan("P3", "C9", "2022-01-10"),  # 5 unknown child
            plan("P4", "C2", "2022-05-01", "2022-04-01"),  # 6 ends before it starts
        ],
        conferences=[
            conference("K1", "C1", "initial", "2022-01-10", meeting_id="M1"),
            conference("K2", "C3", "initial", "2022-01-11", meeting_id="M1"),  # 7 meeting date
            conference("K3", "C1", "initial", "2022-01-10"),  # 8 duplicate conference
            conference("K4", "C2", "review", "2022-02-01", child_attended="perhaps"),  # 9
        ],
    )
    # 10: a missing required column
    (faulty / "escalations.csv").write_text(
        "escalation_id,date_raised,reason\nE9,2022-01-01,other\n"
    )

    result = bundle_import(path=faulty, by=None)

    assert [str(p) for p in result.problems] == [
        "children.csv:3: child_id: duplicate id 'C1' (first on line 2)",
        "children.csv:4: date_of_birth: '31/02/2015' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "children.csv:5: sex: 'X' is not a known code (expected one of M, F, U)",
        "cp_plans.csv:3: start_date: R112 the plan overlaps another plan of the same child "
        "(plan 'P1')",
        "cp_plans.csv:4: child_id: unknown child 'C9'",
        "cp_plans.csv:5: end_date: R111 the plan ends before it starts (2022-04-01 before "
        "2022-05-01)",
        "conferences.csv:3: date: meeting 'M1' was held on 2022-01-10 (line 2); the rows of one "
        "meeting share its date",
        "conferences.csv:4: date: duplicate conference: the same child, type and date as line 2",
        "conferences.csv:5: child_attended: 'perhaps' is not yes or no",
        "escalations.csv:1: organisation_type: a required column is missing",
    ]
    assert _counts() == before


def test_a_bundle_that_clashes_with_records_it_does_not_hold_is_refused(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "first"), by=None)
    clashing = write_bundle(
        tmp_path / "second",
        children=[child("C2")],
        cp_plans=[plan("P9", "C2", "2022-03-01")],
    )

    result = bundle_import(path=clashing, by=None)

    assert [str(p) for p in result.problems] == [
        "cp_plans.csv:2: start_date: plan 'P9' overlaps plan 'P2' of the same child, which is "
        "already recorded (import with --replace to remove records that the bundle does not hold)"
    ]
    assert not Plan.objects.filter(plan_id="P9").exists()


def test_unknown_columns_are_ignored_with_one_warning_each_and_headers_are_forgiving(tmp_path):
    (tmp_path / "children.csv").write_bytes(
        "\ufeff Child_ID ,Date_Of_Birth,colour\nC1,2015-01-01,blue\nC2,,red\n".encode()
    )

    result = bundle_import(path=tmp_path, by=None)

    assert result.ok, result.problems
    assert result.warnings == ["children.csv:1: colour: unknown column ignored"]
    assert Child.objects.count() == 2


def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    (tmp_path / "children.csv").write_bytes(b"child_id,given_name\nC1,Zo\xe9\n")

    result = bundle_import(path=tmp_path, by=None)

    assert [str(p) for p in result.problems] == [
        "children.csv:2: -: the file is not UTF-8 text (save it as CSV UTF-8)"
    ]


def test_a_missing_children_file_is_named(tmp_path):
    tmp_path.joinpath("cp_plans.csv").write_text("plan_id,child_id,start_date\n")

    result = bundle_import(path=tmp_path, by=None)

    assert [str(p) for p in result.problems] == [
        "children.csv: the file is required but missing from the bundle"
    ]


def test_export_then_import_into_an_empty_database_then_export_gives_identical_files(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "source"), by=None)
    bundle_export(path=tmp_path / "first", by=None)
    bundle_export(path=tmp_path / "first.zip", by=None)
    empty = write_bundle(tmp_path / "empty", children=[])
    bundle_import(path=empty, by=None, replace=True)
    assert Child.objects.count() == 0

    result = bundle_import(path=tmp_path / "first.zip", by=None)
    assert result.ok, result.problems
    bundle_export(path=tmp_path / "second", by=None)
    bundle_export(path=tmp_path / "second.zip", by=None)

    for name in sorted(p.name for p in (tmp_path / "first").iterdir()):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()


def test_export_writes_formula_like_cells_safely_and_rows_in_id_order(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "source"), by=None)

    bundle_export(path=tmp_path / "out", by=None)

    escalations = (tmp_path / "out" / "escalations.csv").read_text()
    assert "'=HYPERLINK" in escalations
    conferences = (tmp_path / "out" / "conferences.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in conferences[1:]] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    # a conference recorded without a meeting_id is exported without one
    assert conferences[6].split(",")[2] == ""
    assert (tmp_path / "out" / "escalations.csv").read_text().splitlines()[1].split(",")[6] == "yes"


def test_replace_can_move_a_kept_record_away_from_a_child_that_the_bundle_removes(tmp_path):
    bundle_import(path=_clean_bundle(tmp_path / "old"), by=None)
    # K3 now belongs to C2, and C1 (with its plan and other conferences) has gone
    moved = write_bundle(
        tmp_path / "new",
        children=[child("C2")],
        cp_plans=[plan("P2", "C2", "2022-01-10")],
        conferences=[
            conference("K2", "C2", "initial", "2022-01-10", meeting_id="M1", outcome="plan"),
            conference("K3", "C2", "review", "2022-04-08", meeting_id="M2"),
        ],
    )

    result = bundle_import(path=moved, by=None, replace=True)

    assert result.ok, [str(p) for p in result.problems]
    assert Conference.objects.get(conference_id="K3").child.child_id == "C2"
    assert list(Child.objects.values_list("child_id", flat=True)) == ["C2"]


def test_two_conferences_that_swap_dates_in_a_newer_extract_are_both_changed(tmp_path):
    children = [child("C1")]
    first = [
        conference("K1", "C1", "review", "2022-04-01"),
        conference("K2", "C1", "review", "2022-05-01"),
    ]
    bundle_import(path=write_bundle(tmp_path / "a", children=children, conferences=first), by=None)
    escalation = {
        "escalation_id": "E1",
        "date_raised": "2022-05-02",
        "organisation_type": "PPU",
        "reason": "other",
        "conference_id": "K2",
    }
    swapped = [
        conference("K1", "C1", "review", "2022-05-01"),
        conference("K2", "C1", "review", "2022-04-01"),
    ]

    result = bundle_import(
        path=write_bundle(
            tmp_path / "b", children=children, conferences=swapped, escalations=[escalation]
        ),
        by=None,
    )

    assert result.ok, [str(p) for p in result.problems]
    assert result.files["conferences.csv"].changed == 2
    assert Conference.objects.get(conference_id="K1").held_on == dt.date(2022, 5, 1)
    assert Conference.objects.get(conference_id="K1").version == 2
    assert Escalation.objects.get().conference.conference_id == "K2"


def test_identifiers_codes_and_emails_are_neutralised_too_and_import_restores_them(tmp_path):
    source = write_bundle(
        tmp_path / "source",
        children=[child("C1", area="-North")],
        cp_plans=[plan("P1", "C1", "2022-01-10")],
        allocations=[
            {"child_id": "C1", "role": "social_worker", "name": "=Sandy",
             "email": "-sandy@example.org", "from": "2022-01-01"},
        ],
    )  # fmt: skip
    assert bundle_import(path=source, by=None).ok
    bundle_export(path=tmp_path / "clean.zip", by=None)
    # Ids and codes loaded before the rule book (straight into the database) can start with a
    # formula sign; the export neutralises them as well
    Child.objects.update(child_id="@C1", ethnicity="=1+1")
    Plan.objects.update(plan_id="+P1")

    bundle_export(path=tmp_path / "first.zip", by=None)
    bundle_export(path=tmp_path / "first", by=None)

    children = (tmp_path / "first" / "children.csv").read_text().splitlines()
    assert children[1].startswith("'@C1,,,2015-01-01,,,'=1+1,'-North")
    assert (
        (tmp_path / "first" / "cp_plans.csv").read_text().splitlines()[1].startswith("'+P1,'@C1,")
    )
    allocation = (tmp_path / "first" / "allocations.csv").read_text().splitlines()[1]
    assert allocation.startswith("'@C1,social_worker,'=Sandy,'-sandy@example.org,")

    # the import restores each value before the rule book judges it: the ids and the code as
    # they were stored, refused by the rules (R101, R102), not their neutralised form
    refused = bundle_import(path=tmp_path / "first.zip", by=None)
    assert [str(p) for p in refused.problems] == [
        "children.csv:2: child_id: R101 an id is 1 to 40 characters of letters, digits, '-', '_' "
        "and '.' only ('@C1')",
        "children.csv:2: ethnicity: R102 the ethnicity is not one of the DfE's ethnicity codes "
        "('=1+1')",
        "cp_plans.csv:2: plan_id: R101 an id is 1 to 40 characters of letters, digits, '-', '_' "
        "and '.' only ('+P1')",
    ]

    bundle_import(path=write_bundle(tmp_path / "empty", children=[]), by=None, replace=True)
    assert bundle_import(path=tmp_path / "clean.zip", by=None).ok
    assert Child.objects.get().area.name == "-North"
    bundle_export(path=tmp_path / "second.zip", by=None)
    assert (tmp_path / "clean.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()
