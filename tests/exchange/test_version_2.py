"""The exchange format's version 2 (docs/exchange-format.md, "Version 2 additions"): every new
column and file imported with no warning, exported, and re-imported to an identical export; each
hostile version 2 row refused with its own message; only held conferences judged.

The same tests run on SQLite and, under `make test-postgres` (DATABASE_URL), on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from safeguard.cases.models import Allocation, Child, Enquiry, Plan, Population
from safeguard.conferences.models import Conference, Invitation, Meeting
from safeguard.conferences.timeliness import timeliness_refresh
from safeguard.escalations.models import Escalation, EscalationStep
from safeguard.exchange.exporter import bundle_export
from safeguard.exchange.importer import bundle_import
from safeguard.exchange.schema import FILES
from tests.bundles import (
    BOOKED_IN_THE_FUTURE,
    child,
    conference,
    version_2_files,
    write_bundle,
)

pytestmark = pytest.mark.django_db


def _exported(folder: Path) -> dict[str, bytes]:
    bundle_export(path=folder, by=None)
    return {spec.filename: (folder / spec.filename).read_bytes() for spec in FILES}


def test_a_version_2_bundle_imports_with_no_warning_and_round_trips_byte_for_byte(tmp_path):
    first = bundle_import(path=write_bundle(tmp_path / "in", **version_2_files()), by=None)
    assert first.ok, first.problems
    assert first.warnings == []
    exported = _exported(tmp_path / "out")

    again = bundle_import(path=tmp_path / "out", by=None, replace=True)
    assert again.ok, again.problems
    assert again.warnings == []
    assert not again.changed_anything

    assert _exported(tmp_path / "out-again") == exported
    # and into an empty database (the steps' escalation, every reference, rebuilt from ids)
    _empty_the_database()
    assert bundle_import(path=tmp_path / "out", by=None).ok
    assert _exported(tmp_path / "out-fresh") == exported


def _empty_the_database() -> None:
    for model in (
        EscalationStep, Escalation, Invitation, Enquiry, Population, Conference, Meeting,
        Allocation, Plan, Child,
    ):  # fmt: skip
        model._default_manager.all().delete()


def test_the_version_2_export_writes_every_new_column_and_file(tmp_path):
    assert bundle_import(path=write_bundle(tmp_path / "in", **version_2_files()), by=None).ok
    exported = _exported(tmp_path / "out")

    assert exported["children.csv"].splitlines()[0].endswith(b",disability,family_id")
    assert (
        exported["conferences.csv"]
        .splitlines()[0]
        .endswith(b",status,category,quorate,parents_attended")
    )
    assert (
        exported["invitations.csv"]
        .splitlines()[0]
        .endswith(b",invited_date,report_due_date,report_received_date")
    )
    assert exported["enquiries.csv"].splitlines() == [
        b"enquiry_id,child_id,strategy_discussion_date,outcome,end_date",
        b"Q1,C1,2022-01-04,conference,2022-01-14",
        b"Q2,C2,2022-01-04,conference,2022-01-14",
        b"Q3,C3,2022-03-01,no_further_action,2022-03-20",
        b"Q4,C3,2022-11-01,,",
    ]
    assert exported["escalation_steps.csv"].splitlines() == [
        b"escalation_id,date,stage,note",
        b"E1,2022-01-21,1,Raised",
        b"E1,2022-02-01,2,To the manager",
        b"E1,2022-02-10,,Chased by phone",
    ]
    assert exported["population.csv"].splitlines() == [
        b"year,children",
        b"2021,52000",
        b"2022,52310",
    ]
    # a blank status is written as the 'held' it means
    assert b"K2,C2,M1,initial,2022-01-20" in exported["conferences.csv"]
    assert b",held,NEG,yes,no" in exported["conferences.csv"]


def test_the_version_2_values_are_stored_in_the_records(tmp_path):
    assert bundle_import(path=write_bundle(tmp_path / "in", **version_2_files()), by=None).ok

    amy = Child.objects.get(child_id="C1")
    assert (amy.disability, amy.family_id) == (True, "F-1")
    assert Child.objects.get(child_id="C3").disability is None
    k1 = Conference.objects.get(conference_id="K1")
    assert (k1.status, k1.category, k1.quorate, k1.parents_attended) == ("held", "NEG", True, True)
    assert Conference.objects.get(conference_id="K5").status == "booked"
    assert Conference.objects.get(conference_id="K6").status == "cancelled"
    received = dict(Invitation.objects.values_list("organisation_type__name", "report_received"))
    assert received == {"GP's": "yes", "School": "late", "Health Visitor": "yes"}
    q4 = Enquiry.objects.get(enquiry_id="Q4")
    assert (q4.child.child_id, q4.outcome, q4.end_on) == ("C3", "", None)
    steps = EscalationStep.objects.filter(escalation__escalation_id="E1").order_by("on")
    assert [(s.on.isoformat(), s.stage, s.note) for s in steps] == [
        ("2022-01-21", 1, "Raised"),
        ("2022-02-01", 2, "To the manager"),
        ("2022-02-10", None, "Chased by phone"),
    ]
    assert dict(Population.objects.values_list("year", "children")) == {2021: 52000, 2022: 52310}


def test_a_version_1_bundle_still_exports_blank_version_2_columns(tmp_path):
    source = write_bundle(
        tmp_path / "in",
        children=[child("C1")],
        conferences=[conference("K1", "C1", "initial", "2022-01-20",
                                strategy_discussion_date="2022-01-04")],
    )  # fmt: skip
    result = bundle_import(path=source, by=None)
    assert result.ok and result.warnings == []

    exported = _exported(tmp_path / "out")
    assert exported["children.csv"].splitlines()[1] == b"C1,,,2015-01-01,,,,,,"
    assert (
        exported["enquiries.csv"]
        == b"enquiry_id,child_id,strategy_discussion_date,outcome,end_date\r\n"
    )


# ---- only held conferences are judged ---------------------------------------------------------


def _verdicts() -> dict[str, tuple]:
    return {
        c.conference_id: (c.due_on, c.verdict, c.days_late, c.plan.plan_id if c.plan else None)
        for c in Conference.objects.select_related("plan")
    }


def _diaries() -> dict[str, tuple]:
    return {
        p.plan_id: (p.last_conference_on, p.next_review_due_on, p.midway_check_due_on)
        for p in Plan.objects.all()
    }


@pytest.mark.parametrize("recomputed", [False, True], ids=["at-import", "recomputed"])
def test_booked_and_cancelled_conferences_have_no_verdict_and_do_not_move_a_plan(
    tmp_path, recomputed
):
    assert bundle_import(
        path=write_bundle(tmp_path / "held", **version_2_files(booked_and_cancelled=False)), by=None
    ).ok
    held_only_verdicts, held_only_diaries = _verdicts(), _diaries()
    _empty_the_database()

    assert bundle_import(path=write_bundle(tmp_path / "all", **version_2_files()), by=None).ok
    if recomputed:
        timeliness_refresh(child_pks=None)
    verdicts = _verdicts()

    for key in ("K5", "K6", "K7"):
        assert verdicts.pop(key) == (None, "", None, None)
    assert verdicts == held_only_verdicts
    assert _diaries() == held_only_diaries
    # the next review is due 6 months after the review held, not after the booked one
    assert _diaries()["P1"][:2] == (dt.date(2022, 4, 14), dt.date(2022, 10, 14))


def test_a_booked_conference_that_is_held_is_judged_on_the_next_import(tmp_path):
    files = version_2_files()
    assert bundle_import(path=write_bundle(tmp_path / "in", **files), by=None).ok
    files["conferences"] = [
        {**row, "status": "held"} if row["conference_id"] == "K7" else row
        for row in files["conferences"]
        if row["conference_id"] != "K5"
    ]

    assert bundle_import(path=write_bundle(tmp_path / "again", **files), by=None).ok

    k7 = Conference.objects.get(conference_id="K7")
    assert (k7.due_on, k7.verdict) == (dt.date(2022, 10, 14), "within")
    assert Plan.objects.get(plan_id="P2").last_conference_on == dt.date(2022, 10, 10)


# ---- the escalation's stage and its steps ------------------------------------------------------


def test_an_escalation_stage_that_disagrees_with_its_latest_step_is_a_warning_and_the_step_stands(
    tmp_path,
):
    files = version_2_files()
    files["escalations"][0]["stage"] = "3"
    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    assert result.ok
    assert result.warnings == [
        "escalations.csv:2: stage: escalation 'E1' is at stage 3 but its latest step "
        "(escalation_steps.csv line 3) is stage 2; the step history stands and stage 2 is "
        "recorded"
    ]
    assert Escalation.objects.get(escalation_id="E1").stage == 2


def test_an_escalation_without_a_stage_takes_its_latest_step_stage(tmp_path):
    files = version_2_files()
    files["escalations"][0]["stage"] = ""
    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    assert result.ok and result.warnings == []
    assert Escalation.objects.get(escalation_id="E1").stage == 2


# ---- hostile version 2 rows --------------------------------------------------------------------

HOSTILE_ROWS: list[tuple[str, str, dict[str, str], str]] = [
    # (file, id, the row's faulty cells, the exact problem)
    ("children", "C1", {"family_id": "F 1"},
     "children.csv:2: family_id: R101 an id is 1 to 40 characters of letters, digits, '-', '_' "
     "and '.' only ('F 1')"),
    ("children", "C1", {"family_id": "F" * 41},
     "children.csv:2: family_id: R101 an id is 1 to 40 characters of letters, digits, '-', '_' "
     f"and '.' only ('{'F' * 37}...')"),
    ("children", "C1", {"disability": "sometimes"},
     "children.csv:2: disability: 'sometimes' is not yes or no"),
    ("conferences", "K1", {"status": "postponed"},
     "conferences.csv:2: status: 'postponed' is not a known code (expected one of held, "
     "booked, cancelled)"),
    ("conferences", "K1", {"category": "ABC"},
     "conferences.csv:2: category: 'ABC' is not a known code (expected one of NEG, PHY, SAB, "
     "EMO, MUL)"),
    ("conferences", "K1", {"quorate": "maybe"},
     "conferences.csv:2: quorate: 'maybe' is not yes or no"),
    ("conferences", "K1", {"parents_attended": "2"},
     "conferences.csv:2: parents_attended: '2' is not yes or no"),
    ("invitations", "", {"report_due_date": "31/02/2022"},
     "invitations.csv:2: report_due_date: '31/02/2022' is not a date (use YYYY-MM-DD or "
     "DD/MM/YYYY)"),
    ("invitations", "", {"invited_date": "tomorrow"},
     "invitations.csv:2: invited_date: 'tomorrow' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ("enquiries", "Q1", {"enquiry_id": "Q/1"},
     "enquiries.csv:2: enquiry_id: R101 an id is 1 to 40 characters of letters, digits, '-', "
     "'_' and '.' only ('Q/1')"),
    ("enquiries", "Q1", {"child_id": "C9"}, "enquiries.csv:2: child_id: unknown child 'C9'"),
    ("enquiries", "Q1", {"strategy_discussion_date": ""},
     "enquiries.csv:2: strategy_discussion_date: a value is required"),
    ("enquiries", "Q1", {"outcome": "plan"},
     "enquiries.csv:2: outcome: 'plan' is not a known code (expected one of conference, "
     "no_further_action)"),
    ("enquiries", "Q1", {"end_date": "2022-01-03"},
     "enquiries.csv:2: end_date: the enquiry ends before its strategy discussion"),
    ("enquiries", "Q1", {"strategy_discussion_date": "1899-12-31", "end_date": ""},
     "enquiries.csv:2: strategy_discussion_date: R108 the date is before 1 January 1900 "
     "(1899-12-31)"),
    ("enquiries", "Q2", {"enquiry_id": "Q1"},
     "enquiries.csv:3: enquiry_id: duplicate id 'Q1' (first on line 2)"),
    ("escalation_steps", "", {"escalation_id": "E9"},
     "escalation_steps.csv:2: escalation_id: unknown escalation 'E9'"),
    ("escalation_steps", "", {"stage": "4"},
     "escalation_steps.csv:2: stage: '4' is not a stage (expected 1, 2 or 3)"),
    ("escalation_steps", "", {"date": ""}, "escalation_steps.csv:2: date: a value is required"),
    ("population", "", {"year": "20x2"},
     "population.csv:2: year: '20x2' is not a year (expected 1900 to 2200)"),
    ("population", "", {"children": "-5"},
     "population.csv:2: children: '-5' is not a whole number"),
    ("population", "", {"children": "5.5"},
     "population.csv:2: children: '5.5' is not a whole number"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("filename", "row_id", "faults", "message"),
    HOSTILE_ROWS,
    ids=[f"{f}-{next(iter(c))}-{i}" for i, (f, _, c, _) in enumerate(HOSTILE_ROWS)],
)
def test_a_hostile_version_2_row_is_refused_with_its_file_line_column_and_reason(
    tmp_path, filename, row_id, faults, message
):
    files = version_2_files()
    rows = files[filename]
    index = next((i for i, row in enumerate(rows) if row_id and row_id in row.values()), 0)
    rows[index] = {**rows[index], **faults}

    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    assert [str(p) for p in result.problems] == [message]
    assert not Child.objects.exists()


def test_every_hostile_version_2_row_is_reported_at_once_and_nothing_is_written(tmp_path):
    files = version_2_files()
    for filename, row_id, faults, _ in HOSTILE_ROWS:
        if filename == "enquiries" and row_id == "Q2":
            continue  # its duplicate would hide behind the first row's new id
        rows = files[filename]
        index = next((i for i, row in enumerate(rows) if row_id and row_id in row.values()), 0)
        rows[index] = {**rows[index], **faults}

    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    reported = {(p.filename, p.column) for p in result.problems}
    assert {
        ("children.csv", "family_id"),
        ("conferences.csv", "status"),
        ("invitations.csv", "report_due_date"),
        ("enquiries.csv", "outcome"),
        ("escalation_steps.csv", "stage"),
        ("population.csv", "children"),
    } <= reported
    assert not Child.objects.exists() and not Population.objects.exists()


def test_a_held_conference_in_the_future_is_refused_and_a_booked_one_is_not(tmp_path):
    files = version_2_files()
    files["conferences"][4]["status"] = "held"  # K5, dated 2099

    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    today = timezone.localdate().isoformat()
    assert [str(p) for p in result.problems] == [
        f"conferences.csv:6: date: R105 a held conference cannot be dated in the future "
        f"({BOOKED_IN_THE_FUTURE}, after today {today})"
    ]


def test_two_identical_steps_are_two_records_and_both_round_trip(tmp_path):
    files = version_2_files()
    files["escalation_steps"].append(dict(files["escalation_steps"][2]))
    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)
    assert result.ok and result.warnings == []
    assert EscalationStep.objects.filter(note="Chased by phone").count() == 2

    exported = _exported(tmp_path / "out")
    assert exported["escalation_steps.csv"].count(b"E1,2022-02-10,,Chased by phone\r\n") == 2
    again = bundle_import(path=tmp_path / "out", by=None, replace=True)
    assert again.ok and not again.changed_anything
    assert EscalationStep.objects.filter(note="Chased by phone").count() == 2

    files["escalation_steps"].pop()  # one of the two goes
    gone = bundle_import(path=write_bundle(tmp_path / "less", **files), by=None, replace=True)
    assert gone.files["escalation_steps.csv"].removed == 1
    assert EscalationStep.objects.filter(note="Chased by phone").count() == 1


def test_a_population_year_given_twice_is_refused(tmp_path):
    files = version_2_files()
    files["population"][1]["year"] = "2021"

    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    assert [str(p) for p in result.problems] == [
        "population.csv:3: year: duplicate year 2021 (first on line 2)"
    ]


def test_two_held_conferences_of_a_child_on_one_day_are_still_refused(tmp_path):
    files = version_2_files()
    files["conferences"][5]["status"] = "held"  # K6 no longer cancelled: K6 and K7 collide

    result = bundle_import(path=write_bundle(tmp_path / "in", **files), by=None)

    assert (
        "conferences.csv:8: date: duplicate conference: the same child, type and date as "
        "line 7" in [str(p) for p in result.problems]
    )
