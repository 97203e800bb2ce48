"""The CIN census export fills what the SSD adds: an extract imported, then exported as the
year's census file, gives each child's identifiers and characteristics, disability codes,
section 47 enquiries with their initial conference (or that none was required), plans, their
categories and reviews; and D2I's cin-validator finds nothing in that file that the export
caused, only what the SSD does not carry as Safeguard reads it (docs/ssd.md, "The census")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from safeguard.cases.models import Child
from safeguard.census.exporter import census_export
from safeguard.census.models import ChildCensusDetail
from safeguard.census.reader import CollectionYear
from safeguard.ssd.services import ssd_import
from tests.census.test_cin_validator_agreement import every_cin_validator_finding

pytestmark = pytest.mark.django_db
YEAR = CollectionYear(2023)  # 1 April 2023 to 31 March 2024
TODAY = dt.date(2024, 4, 2)

S47_CONFERENCE = (
    '"{""NFA_FLAG"": ""N"", ""CP_CONFERENCE_FLAG"": ""Y"", ""TOTAL_NO_OF_OUTCOMES"": 1}"'
)
S47_NFA = '"{""NFA_FLAG"": ""Y"", ""CP_CONFERENCE_FLAG"": ""N"", ""TOTAL_NO_OF_OUTCOMES"": 1}"'

# Liquidlogic's style: datetimes with .000, NULL cells, Y/N flags, category descriptions, the
# outcome JSON. 1001 has two disabilities, an enquiry with no further action and one that led to
# an initial conference and a plan with a review; 1002 is unborn, its conference made no plan;
# 1003 (ethnicity and sex as Mosaic writes them) has no disability and an ended plan; 1004's
# plan came with her from another authority (a transfer-in, notified through a referral).
LIQUIDLOGIC = {
    "ssd_person.csv": """
pers_person_id,pers_forename,pers_surname,pers_sex,pers_ethnicity,pers_dob,pers_expected_dob
1001,Ann,Smith,F,WBRI,2015-03-04 00:00:00.000,NULL
1002,NULL,Smith,U,APKN,NULL,2024-04-20 00:00:00.000
1003,Cal,Jones,Male,Any other White background,2019-01-15 00:00:00.000,NULL
1004,Dee,Khan,F,Indian,2021-06-30 00:00:00.000,NULL
""",
    "ssd_s47_enquiry.csv": f"""
s47e_s47_enquiry_id,s47e_person_id,s47e_s47_start_date,s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json
S2,1001,2023-04-10 00:00:00.000,2023-04-20 00:00:00.000,Y,{S47_NFA}
S1,1001,2023-05-02 00:00:00.000,2023-05-19 00:00:00.000,N,{S47_CONFERENCE}
S3,1002,2023-09-01 00:00:00.000,NULL,N,{S47_CONFERENCE}
S4,1003,2023-09-11 00:00:00.000,2023-09-29 00:00:00.000,N,{S47_CONFERENCE}
""",
    "ssd_initial_cp_conference.csv": """
icpc_icpc_id,icpc_person_id,icpc_icpc_meeting_id,icpc_icpc_transfer_in,icpc_icpc_date,icpc_icpc_outcome_cp_flag,icpc_s47_enquiry_id,icpc_icpc_target_date,icpc_cp_plan_id,icpc_referral_id
I1,1001,M1,N,2023-05-19 10:30:00.000,Y,S1,2023-05-24 00:00:00.000,P1,NULL
I2,1002,M2,N,2023-09-15 10:30:00.000,N,S3,2023-09-22 00:00:00.000,NULL,NULL
I3,1003,M4,N,2023-09-29 14:00:00.000,Y,S4,2023-10-02 00:00:00.000,P3,NULL
I4,1004,M7,Y,2023-11-02 11:00:00.000,Y,NULL,NULL,P4,RF1
""",
    "ssd_cp_plans.csv": """
cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category,cppl_cp_plan_ola,cppl_icpc_id
P1,1001,2023-05-19 00:00:00.000,NULL,Neglect,Emotional abuse,N,I1
P3,1003,2023-09-29 00:00:00.000,2024-02-01 00:00:00.000,Physical abuse,Physical abuse,N,I3
P4,1004,2023-11-02 00:00:00.000,NULL,Sexual abuse,Multiple/not recommended,N,I4
""",
    "ssd_cp_reviews.csv": """
cppr_cp_review_id,cppr_person_id,cppr_cp_review_date,cppr_cp_review_meeting_id,cppr_cp_review_outcome_continue_cp,cppr_cp_review_quorate,cppr_cp_review_participation,cppr_cp_plan_id
R1,1001,2023-08-10 14:00:00.000,M3,Y,Y,NULL,P1
R2,1001,2024-01-25 14:00:00.000,M5,Y,Y,NULL,P1
R3,1003,2023-12-14 09:30:00.000,M6,N,Y,NULL,P3
""",
    "ssd_cin_episodes.csv": """
cine_referral_id,cine_person_id,cine_referral_date,cine_referral_outcome_json
RF1,1004,2023-10-20 00:00:00.000,"{""CP_TRANSFER_IN_FLAG"": ""Y"", ""NUMBER_OF_OUTCOMES"": 1}"
""",
    "ssd_disability.csv": """
disa_table_id,disa_person_id,disa_disability_code
1,1001,AUT
2,1001,comm
3,1001,AUT
4,1003,NONE
""",
}


def _extract(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in tables.items():
        (folder / name).write_text(text.strip() + "\r\n", encoding="utf-8")
    return folder


def _imported_and_exported(tmp_path: Path, tables: dict[str, str]):
    imported = ssd_import(path=_extract(tmp_path / "ssd", tables), by=None, today=TODAY)
    assert imported.ok, imported.problems
    path = tmp_path / "census.xml"
    return imported, census_export(path=path, year=YEAR, by=None), path


def _children(path: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {child.findtext("ChildIdentifiers/LAchildID"): child for child in root.iter("Child")}


def _section47s(child: etree._Element) -> list[tuple[str, str | None, str]]:
    return [
        (
            s.findtext("S47ActualStartDate"),
            s.findtext("DateOfInitialCPC"),
            s.findtext("ICPCnotRequired"),
        )
        for s in child.iter("Section47")
    ]


def _plans(child: etree._Element) -> list[tuple]:
    return [
        (
            p.findtext("CPPstartDate"),
            p.findtext("CPPendDate"),
            p.findtext("InitialCategoryOfAbuse"),
            p.findtext("LatestCategoryOfAbuse"),
            [r.text for r in p.iter("CPPreviewDate")],
        )
        for p in child.iter("ChildProtectionPlans")
    ]


def test_the_census_export_of_an_ssd_extract_holds_what_the_extract_carries(tmp_path):
    _, result, path = _imported_and_exported(tmp_path, LIQUIDLOGIC)
    children = _children(path)

    assert result.children == 4
    ann, unborn, cal = children["1001"], children["1002"], children["1003"]
    assert ann.findtext("ChildIdentifiers/PersonBirthDate") == "2015-03-04"
    assert ann.findtext("ChildIdentifiers/Sex") == "F"
    assert ann.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    # The codes as the extract gave them, in its order, each once (not DDA for "a disability")
    assert [d.text for d in ann.iter("Disability")] == ["AUT", "COMM"]
    assert _section47s(ann) == [("2023-04-10", None, "1"), ("2023-05-02", "2023-05-19", "0")]
    assert _plans(ann) == [("2023-05-19", None, "NEG", "EMO", ["2023-08-10", "2024-01-25"])]

    assert unborn.findtext("ChildIdentifiers/PersonBirthDate") is None
    assert unborn.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == "2024-04-20"
    assert unborn.findtext("ChildIdentifiers/Sex") == "U"
    assert unborn.findtext("ChildCharacteristics/Ethnicity") == "APKN"
    assert unborn.find("ChildCharacteristics/Disabilities") is None  # no row: not recorded
    assert _section47s(unborn) == [("2023-09-01", "2023-09-15", "0")]
    assert _plans(unborn) == []

    assert cal.findtext("ChildIdentifiers/Sex") == "M"
    assert cal.findtext("ChildCharacteristics/Ethnicity") == "WOTH"
    assert [d.text for d in cal.iter("Disability")] == ["NONE"]
    assert _section47s(cal) == [("2023-09-11", "2023-09-29", "0")]
    assert _plans(cal) == [("2023-09-29", "2024-02-01", "PHY", "PHY", ["2023-12-14"])]

    # A transfer-in: its episode's referral is the one the authority opened when told of the move
    dee = children["1004"]
    assert dee.findtext("CINdetails/CINreferralDate") == "2023-10-20"
    assert _plans(dee) == [("2023-11-02", None, "SAB", "MUL", [])]


def test_the_extract_owns_the_disability_codes_and_a_child_without_rows_keeps_them(tmp_path):
    _imported_and_exported(tmp_path, LIQUIDLOGIC)
    assert ChildCensusDetail.objects.get(child__child_id="1001").disabilities == "AUT COMM"
    assert Child.objects.get(child_id="1001").disability is True
    later = dict(LIQUIDLOGIC)
    # The next extract: 1001's codes changed; 1003's row gone (a blank never erases).
    later["ssd_disability.csv"] = "disa_table_id,disa_person_id,disa_disability_code\n5,1001,HEAR\n"

    result = ssd_import(path=_extract(tmp_path / "later", later), by=None, today=TODAY)

    assert result.ok, result.problems
    assert ChildCensusDetail.objects.get(child__child_id="1001").disabilities == "HEAR"
    assert ChildCensusDetail.objects.get(child__child_id="1003").disabilities == "NONE"
    assert Child.objects.get(child_id="1003").disability is False
    assert any(
        c.record_id == "1001" and "disability_codes AUT COMM -> HEAR" in c.detail
        for c in result.changes
    )


def test_a_code_that_is_not_the_censuss_reads_as_a_disability_the_export_calls_other(tmp_path):
    tables = dict(LIQUIDLOGIC)
    tables["ssd_disability.csv"] = (
        "disa_table_id,disa_person_id,disa_disability_code\n1,1001,Wheelchair user\n2,1003,NONE\n"
    )

    imported, _, path = _imported_and_exported(tmp_path, tables)

    assert (
        "ssd_disability.csv:2: disa_disability_code: 'WHEELCHAIR USER' is not a CIN census "
        "disability code; read as a disability"
    ) in imported.warnings
    assert [d.text for d in _children(path)["1001"].iter("Disability")] == ["DDA"]


def test_none_beside_a_disability_is_not_written_the_census_refuses_both(tmp_path):
    tables = dict(LIQUIDLOGIC)
    tables["ssd_disability.csv"] = (
        "disa_table_id,disa_person_id,disa_disability_code\n1,1001,NONE\n2,1001,LD\n"
    )

    _, _, path = _imported_and_exported(tmp_path, tables)

    assert [d.text for d in _children(path)["1001"].iter("Disability")] == ["LD"]


# What cin-validator may still say of the export, and why: each is a module or field the SSD
# holds in a table or column Safeguard does not read (docs/ssd.md, "The census"), never a value
# the export wrote wrongly.
NOT_READ_FROM_THE_SSD = {
    # PrimaryNeedCode: cine_cin_primary_need_code is not read (ssd_cin_episodes is read only for
    # transfer-in notification dates), so no referral has one; the export names the children.
    "8610",
    # UPN: pers_upn is not read. A child over five without one is a query.
    "8770Q",
    # Assessments: ssd_cin_assessments is not read. A section 47 with none on the episode.
    "2991Q",
    # Return-level: fewer than 8 disability codes used in the whole return (four children).
    "2887Q",
}


@pytest.mark.slow
def test_cin_validator_finds_nothing_in_the_export_of_an_extract_that_the_export_caused(
    tmp_path,
):
    _, result, path = _imported_and_exported(tmp_path, LIQUIDLOGIC)

    findings = every_cin_validator_finding(path)

    assert {rule for rule, _ in findings} <= NOT_READ_FROM_THE_SSD, sorted(findings, key=str)
    # Every error is one the export named, child by child, before it wrote the file.
    errors = {(rule, child) for rule, child in findings if not rule.endswith("Q")}
    named = {(gap.rule, child) for gap in result.gaps for child in gap.child_ids}
    assert errors == named == {("8610", child) for child in ("1001", "1002", "1003", "1004")}
