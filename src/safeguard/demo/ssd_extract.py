"""An SSD extract, as Liquidlogic's script writes one, of the records in an exchange bundle: the
case management system's view of a synthetic authority (docs/ssd.md), for tests and `make bench`.

The extract carries what the SSD carries and nothing of Safeguard's own (chairs, attendance,
invitations, checks, escalations, end reasons). Conference ids are the bundle's, so Safeguard
derives `icpc-<id>` and `cppr-<id>` and matches each to the bundle's conference by child, type
and date. Each child gets one allocated case worker (`CW`) in the team named after its area, and
a child whose disability is recorded one row of `ssd_disability`: `NONE` for no, else a CIN
census code (the bundle holds only yes or no). The bundle's enquiries are the SSD's section 47
enquiries; an initial conference with a strategy discussion and no enquiry gets one."""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
from collections import defaultdict
from typing import Any

from safeguard.exchange.reader import read_bundle
from safeguard.exchange.schema import CHILDREN, CONFERENCES, ENQUIRIES, PLANS

CATEGORY_NAMES = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple/not recommended",
}
_JSON_ICPC = '{{"NFA_FLAG":"","CP_FLAG":"{flag}","TOTAL_NO_OF_OUTCOMES":1,"COMMENTS":""}}'
_JSON_S47 = '{{"NFA_FLAG": "N", "CP_CONFERENCE_FLAG": "Y", "TOTAL_NO_OF_OUTCOMES": 1}}'
_JSON_S47_OUTCOME = (
    '{{"NFA_FLAG": "{nfa}", "CP_CONFERENCE_FLAG": "{conference}", "TOTAL_NO_OF_OUTCOMES": 1}}'
)
_JSON_REFERRAL = '{{"CP_TRANSFER_IN_FLAG": "{flag}", "NUMBER_OF_OUTCOMES": 1}}'
# The codes a disabled child of the bundle is given, in turn (any code but NONE reads as yes).
DISABILITY_CODES = ("LD", "COMM", "BEH", "AUT", "MOB")


def _when(day: dt.date | None, time: str = "00:00:00") -> str:
    return f"{day.isoformat()} {time}.000" if day else ""


def _yn(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def ssd_rows_of_bundle(bundle_folder: pathlib.Path) -> dict[str, list[dict[str, Any]]]:
    """The SSD tables' rows for the records of the bundle at `bundle_folder`."""
    bundle = read_bundle(pathlib.Path(bundle_folder))
    if bundle.problems:
        raise ValueError(f"the bundle has problems: {bundle.problems[0]}")
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    teams: dict[str, int] = {}
    children = [row.values for row in bundle.of(CHILDREN)]
    for child in children:
        tables["ssd_person.csv"].append(
            {
                "pers_person_id": child["child_id"],
                "pers_forename": child["given_name"],
                "pers_surname": child["family_name"],
                "pers_sex": child["sex"],
                "pers_gender": child["sex"],
                "pers_ethnicity": child["ethnicity"],
                "pers_dob": _when(child["date_of_birth"]),
                "pers_expected_dob": ""
                if child["date_of_birth"]
                else _when(child["expected_date_of_birth"]),
            }
        )
        disability = child.get("disability")
        if disability is not None:
            rows = tables["ssd_disability.csv"]
            code = DISABILITY_CODES[len(rows) % len(DISABILITY_CODES)] if disability else "NONE"
            rows.append(
                {
                    "disa_table_id": 900000 + len(rows),
                    "disa_person_id": child["child_id"],
                    "disa_disability_code": code,
                }
            )
    plans_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in bundle.of(PLANS):
        plan = row.values
        plans_of[plan["child"]].append(plan)
        tables["ssd_cp_plans.csv"].append(
            {
                "cppl_cp_plan_id": plan["plan_id"],
                "cppl_person_id": plan["child"],
                "cppl_cp_plan_start_date": _when(plan["start_on"]),
                "cppl_cp_plan_end_date": _when(plan["end_on"]),
                "cppl_cp_plan_ola": "N",
                "cppl_cp_plan_initial_category": CATEGORY_NAMES.get(plan["initial_category"], ""),
                "cppl_cp_plan_latest_category": CATEGORY_NAMES.get(plan["latest_category"], ""),
            }
        )
    # The bundle's enquiries (version 2), each the SSD's enquiry of the same id; an initial
    # conference names the one of its child and strategy discussion, else one of its own.
    enquiry_of: dict[tuple[str, dt.date], str] = {}
    for row in bundle.of(ENQUIRIES):
        e = row.values
        enquiry_of[(e["child"], e["strategy_discussion_on"])] = e["enquiry_id"]
        tables["ssd_s47_enquiry.csv"].append(
            {
                "s47e_s47_enquiry_id": e["enquiry_id"],
                "s47e_person_id": e["child"],
                "s47e_s47_start_date": _when(e["strategy_discussion_on"]),
                "s47e_s47_end_date": _when(e["end_on"]),
                "s47e_s47_nfa": _yn(e["outcome"] == "no_further_action"),
                "s47e_s47_outcome_json": _JSON_S47_OUTCOME.format(
                    nfa=_yn(e["outcome"] == "no_further_action"),
                    conference=_yn(e["outcome"] == "conference"),
                ),
            }
        )
    for row in bundle.of(CONFERENCES):
        c = row.values
        held = _when(c["held_on"], "10:00:00")
        outcome = {"plan": "Y", "no_plan": "N"}.get(c["outcome"], "")
        if c["kind"] == "review":
            tables["ssd_cp_reviews.csv"].append(
                {
                    "cppr_cp_review_id": c["conference_id"],
                    "cppr_person_id": c["child"],
                    "cppr_cp_review_date": held,
                    "cppr_cp_review_meeting_id": c["meeting"],
                    "cppr_cp_review_outcome_continue_cp": outcome,
                    "cppr_cp_review_quorate": "",
                    "cppr_cp_review_participation": c["participation_code"],
                }
            )
            continue
        enquiry = referral = ""
        if c["strategy_discussion_on"]:
            enquiry = enquiry_of.get((c["child"], c["strategy_discussion_on"]), "")
        if c["strategy_discussion_on"] and not enquiry:
            enquiry = f"S{c['conference_id']}"
            tables["ssd_s47_enquiry.csv"].append(
                {
                    "s47e_s47_enquiry_id": enquiry,
                    "s47e_person_id": c["child"],
                    "s47e_s47_start_date": _when(c["strategy_discussion_on"]),
                    "s47e_s47_end_date": "",
                    "s47e_s47_nfa": "N",
                    "s47e_s47_outcome_json": _JSON_S47.format(),
                }
            )
        if c["transfer_notification_on"]:
            referral = f"R{c['conference_id']}"
            tables["ssd_cin_episodes.csv"].append(
                {
                    "cine_referral_id": referral,
                    "cine_person_id": c["child"],
                    "cine_referral_date": _when(c["transfer_notification_on"]),
                    "cine_referral_outcome_json": _JSON_REFERRAL.format(flag="Y"),
                }
            )
        tables["ssd_initial_cp_conference.csv"].append(
            {
                "icpc_icpc_id": c["conference_id"],
                "icpc_icpc_meeting_id": c["meeting"],
                "icpc_s47_enquiry_id": enquiry,
                "icpc_person_id": c["child"],
                "icpc_referral_id": referral,
                "icpc_icpc_transfer_in": "Y" if c["kind"] == "transfer_in" else "N",
                "icpc_icpc_date": held,
                "icpc_icpc_outcome_cp_flag": outcome,
                "icpc_icpc_outcome_json": _JSON_ICPC.format(flag=outcome),
            }
        )
    for number, child in enumerate(children, start=1):
        area = child["area"]
        if not area:
            continue
        team = teams.setdefault(area, 1001 + len(teams))
        dates = [p["start_on"] for p in plans_of[child["child_id"]]]
        start = min(dates) if dates else child["date_of_birth"] or child["expected_date_of_birth"]
        if start is None:
            continue
        worker = 50000 + (number % 40)
        tables["ssd_involvements.csv"].append(
            {
                "invo_involvements_id": 700000 + number,
                "invo_professional_id": worker,
                "invo_professional_role_id": "CW",
                "invo_professional_team": team,
                "invo_person_id": child["child_id"],
                "invo_involvement_start_date": _when(start),
                "invo_involvement_end_date": "",
            }
        )
    for worker in range(50000, 50040):
        tables["ssd_professionals.csv"].append(
            {
                "prof_professional_id": worker,
                "prof_staff_id": f"STF{worker}",
                "prof_professional_name": f"Worker {worker - 49999}",
            }
        )
    for area, team in teams.items():
        tables["ssd_department.csv"].append({"dept_team_id": team, "dept_team_name": area})
    return tables


HEADERS = {
    "ssd_person.csv": (
        "pers_legacy_id,pers_person_id,pers_upn,pers_forename,pers_surname,pers_sex,pers_gender,"
        "pers_ethnicity,pers_dob,pers_single_unique_id,pers_upn_unknown,pers_send_flag,"
        "pers_expected_dob,pers_death_date,pers_is_mother,pers_nationality"
    ),
    "ssd_cp_plans.csv": (
        "cppl_cp_plan_id,cppl_referral_id,cppl_icpc_id,cppl_person_id,cppl_cp_plan_start_date,"
        "cppl_cp_plan_end_date,cppl_cp_plan_ola,cppl_cp_plan_initial_category,"
        "cppl_cp_plan_latest_category"
    ),
    "ssd_initial_cp_conference.csv": (
        "icpc_icpc_id,icpc_icpc_meeting_id,icpc_s47_enquiry_id,icpc_person_id,icpc_cp_plan_id,"
        "icpc_referral_id,icpc_icpc_transfer_in,icpc_icpc_target_date,icpc_icpc_date,"
        "icpc_icpc_outcome_cp_flag,icpc_icpc_outcome_json,icpc_icpc_team,icpc_icpc_worker_id"
    ),
    "ssd_cp_reviews.csv": (
        "cppr_cp_review_id,cppr_person_id,cppr_cp_plan_id,cppr_cp_review_due,cppr_cp_review_date,"
        "cppr_cp_review_meeting_id,cppr_cp_review_outcome_continue_cp,cppr_cp_review_quorate,"
        "cppr_cp_review_participation"
    ),
    "ssd_s47_enquiry.csv": (
        "s47e_s47_enquiry_id,s47e_referral_id,s47e_person_id,s47e_s47_start_date,"
        "s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json,s47e_s47_completed_by_team,"
        "s47e_s47_completed_by_worker_id"
    ),
    "ssd_cin_episodes.csv": (
        "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_outcome_json"
    ),
    "ssd_involvements.csv": (
        "invo_involvements_id,invo_professional_id,invo_professional_role_id,"
        "invo_professional_team,invo_person_id,invo_involvement_start_date,"
        "invo_involvement_end_date"
    ),
    "ssd_professionals.csv": "prof_professional_id,prof_staff_id,prof_professional_name",
    "ssd_department.csv": "dept_team_id,dept_team_name",
    "ssd_cp_visits.csv": (
        "cppv_cp_visit_id,cppv_person_id,cppv_cp_plan_id,cppv_cp_visit_date,cppv_cp_visit_seen,"
        "cppv_cp_visit_seen_alone,cppv_cp_visit_bedroom"
    ),
    "ssd_family.csv": "fami_table_id,fami_family_id,fami_person_id",
    "ssd_disability.csv": "disa_table_id,disa_person_id,disa_disability_code",
}


def write_ssd_tables(folder: pathlib.Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Write the tables as the SSD's CSV files (Liquidlogic's columns; NULL for blank dates)."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, header in HEADERS.items():
        columns = header.split(",")
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            for row in tables.get(name, ()):
                writer.writerow([row.get(c, "") for c in columns])


def write_ssd_extract(bundle_folder: pathlib.Path, folder: pathlib.Path) -> dict[str, int]:
    """Write the SSD extract of the bundle at `bundle_folder` into `folder`; rows per file."""
    tables = ssd_rows_of_bundle(bundle_folder)
    write_ssd_tables(folder, tables)
    return {name: len(tables.get(name, ())) for name in HEADERS}
