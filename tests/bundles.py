"""Writing small exchange-format bundles for tests: one list of row dicts per file."""

from __future__ import annotations

import csv
from pathlib import Path

from safeguard.exchange.schema import FILES


def write_bundle(folder: Path, **files: list[dict[str, str]]) -> Path:
    """Write `children=[...]`, `cp_plans=[...]`, ... as CSV files (all columns, blanks where a
    row leaves one out). A file not given is not written."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        rows = files.get(spec.filename.removesuffix(".csv"))
        if rows is None:
            continue
        with (folder / spec.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=spec.column_names)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
    return folder


def child(child_id: str, **values: str) -> dict[str, str]:
    return {"child_id": child_id, "date_of_birth": "2015-01-01", **values}


def plan(plan_id: str, child_id: str, start: str, end: str = "", **values: str) -> dict[str, str]:
    return {
        "plan_id": plan_id,
        "child_id": child_id,
        "start_date": start,
        "end_date": end,
        **values,
    }


def conference(
    conference_id: str, child_id: str, kind: str, date: str, **values: str
) -> dict[str, str]:
    return {
        "conference_id": conference_id,
        "child_id": child_id,
        "conference_type": kind,
        "date": date,
        **values,
    }


BOOKED_IN_THE_FUTURE = "2099-01-06"


def version_2_files(*, booked_and_cancelled: bool = True) -> dict[str, list[dict[str, str]]]:
    """A small authority using every version 2 column and file: two siblings of one family, an
    enquiry each, an initial and a review conference held together, a review booked for the
    future, and a cancelled booking beside the booking that replaced it."""
    conferences = [
        conference(
            "K1", "C1", "initial", "2022-01-20", meeting_id="M1",
            strategy_discussion_date="2022-01-04", outcome="plan", status="held",
            category="NEG", quorate="yes", parents_attended="yes",
        ),
        conference(
            "K2", "C2", "initial", "2022-01-20", meeting_id="M1",
            strategy_discussion_date="2022-01-04", outcome="plan", category="NEG",
            quorate="yes", parents_attended="no",
        ),
        conference(
            "K3", "C1", "review", "2022-04-14", meeting_id="M2", outcome="plan",
            status="held", category="MUL", quorate="no",
        ),
        conference(
            "K4", "C2", "review", "2022-04-14", meeting_id="M2", outcome="plan",
            category="MUL", quorate="no",
        ),
    ]  # fmt: skip
    if booked_and_cancelled:
        conferences += [
            conference("K5", "C1", "review", BOOKED_IN_THE_FUTURE, meeting_id="M5",
                       status="booked"),
            conference("K6", "C2", "review", "2022-10-10", meeting_id="M6", status="cancelled"),
            conference("K7", "C2", "review", "2022-10-10", meeting_id="M7", status="booked"),
        ]  # fmt: skip
    return {
        "children": [
            child("C1", given_name="Amy", family_id="F-1", disability="yes", area="North"),
            child("C2", given_name="Ben", family_id="F-1", disability="no", area="North"),
            child("C3", given_name="Cal"),
        ],
        "cp_plans": [
            plan("P1", "C1", "2022-01-20", initial_category="NEG", latest_category="MUL"),
            plan("P2", "C2", "2022-01-20", initial_category="NEG", latest_category="MUL"),
        ],
        "conferences": conferences,
        "invitations": [
            # dates on time and no report_received: derived 'yes'
            {"meeting_id": "M1", "organisation_type": "GP's", "invited_date": "2022-01-10",
             "report_due_date": "2022-01-17", "report_received_date": "2022-01-17"},
            # after the due date: derived 'late'
            {"meeting_id": "M1", "organisation_type": "School", "invited_date": "2022-01-10",
             "report_due_date": "2022-01-17", "report_received_date": "2022-01-19",
             "attended": "yes"},
            # an explicit report_received stands
            {"meeting_id": "M1", "organisation_type": "Health Visitor",
             "report_due_date": "2022-01-17", "report_received_date": "2022-01-19",
             "report_received": "yes"},
        ],
        "escalations": [
            {"escalation_id": "E1", "date_raised": "2022-01-21", "organisation_type": "GP's",
             "reason": "late_report", "stage": "2", "conference_id": "K1", "child_id": "C1"},
        ],
        "allocations": [
            {"child_id": "C1", "role": "social_worker", "name": "Sam Worker", "from": "2022-01-04"},
        ],
        "enquiries": [
            {"enquiry_id": "Q1", "child_id": "C1", "strategy_discussion_date": "2022-01-04",
             "outcome": "conference", "end_date": "2022-01-14"},
            {"enquiry_id": "Q2", "child_id": "C2", "strategy_discussion_date": "2022-01-04",
             "outcome": "conference", "end_date": "2022-01-14"},
            {"enquiry_id": "Q3", "child_id": "C3", "strategy_discussion_date": "2022-03-01",
             "outcome": "no_further_action", "end_date": "2022-03-20"},
            {"enquiry_id": "Q4", "child_id": "C3", "strategy_discussion_date": "2022-11-01"},
        ],
        "escalation_steps": [
            {"escalation_id": "E1", "date": "2022-01-21", "stage": "1", "note": "Raised"},
            {"escalation_id": "E1", "date": "2022-02-01", "stage": "2", "note": "To the manager"},
            {"escalation_id": "E1", "date": "2022-02-10", "note": "Chased by phone"},
        ],
        "population": [
            {"year": "2021", "children": "52000"},
            {"year": "2022", "children": "52310"},
        ],
    }  # fmt: skip


def with_more_bookings(files: dict[str, list[dict[str, str]]]) -> dict:
    """Booked and cancelled initial conferences inside the period, quorate, with parents and
    invitations: everything a held one would be counted by."""
    files["conferences"] += [
        conference("K8", "C3", "initial", "2022-06-15", meeting_id="M8", status="booked",
                   strategy_discussion_date="2022-06-01", quorate="yes", parents_attended="yes",
                   outcome="plan", child_attended="yes", views_shared_via="in_person"),
        conference("K9", "C3", "initial", "2022-06-08", meeting_id="M9", status="cancelled",
                   strategy_discussion_date="2022-06-01", quorate="no", parents_attended="no",
                   participation_code="PN1"),
    ]  # fmt: skip
    files["invitations"] += [
        {"meeting_id": meeting, "organisation_type": "GP's", "report_received": "no",
         "attended": "no", "apologies": "no"}
        for meeting in ("M6", "M7", "M8", "M9")
    ]  # fmt: skip
    return files
