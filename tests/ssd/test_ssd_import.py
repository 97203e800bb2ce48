"""`ssd import`: the sample extract's stated totals, extracts in the Liquidlogic, Mosaic and
Eclipse styles, and hostile extracts, each refused with its exact message and nothing written."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from safeguard.cases.models import Allocation, Child, Enquiry, Plan, Visit
from safeguard.conferences.models import Conference, Meeting
from safeguard.ssd.reader import SsdError, category_code, ethnicity_code, json_flag, ssd_read
from safeguard.ssd.services import ssd_import

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ssd-sample"
TODAY = dt.date(2026, 12, 7)


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text.strip() + "\n", encoding="utf-8")
    return folder


def _messages(result) -> list[str]:
    return [str(p) for p in result.problems]


@pytest.mark.django_db
def test_the_sample_extract_imports_the_totals_its_readme_states():
    result = ssd_import(path=SAMPLE, by=None, today=TODAY)

    assert result.ok, result.problems[:5]
    assert Child.objects.count() == 127
    assert Plan.objects.count() == 119
    held = Conference.objects.filter(status="held")
    assert held.count() == 408
    assert held.filter(kind="initial").count() == 140
    assert held.filter(kind="review").count() == 261
    assert held.filter(kind="transfer_in").count() == 7
    assert Meeting.objects.count() == 278
    assert Enquiry.objects.count() == 574
    assert result.skipped_undated == 37
    assert Visit.objects.count() == 0
    assert Conference.objects.filter(conference_id="icpc-C000082").exists()
    assert Conference.objects.filter(conference_id="cppr-C000084").exists()
    assert Plan.objects.filter(plan_id="P000001", child__child_id="CH000001").exists()
    assert Enquiry.objects.filter(enquiry_id="Q000001").exists()
    assert set(Child.objects.values_list("area__name", flat=True)) == {
        "Central",
        "East",
        "North",
        "South",
        "West",
    }
    assert Allocation.objects.filter(role="social_worker").count() == 127
    assert not Conference.objects.filter(kind="initial").exclude(quorate=None).exists()
    assert Conference.objects.filter(kind="review").exclude(quorate=None).exists()


def test_the_sample_reads_from_a_zip_as_from_a_folder(tmp_path):
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in SAMPLE.iterdir():
            handle.write(path, f"ssd/{path.name.upper()}")
    folder, zipped = ssd_read(SAMPLE), ssd_read(archive)
    assert zipped.bundle.row_count == folder.bundle.row_count
    assert len(zipped.enquiries) == 574


LIQUIDLOGIC = {
    "ssd_person.csv": """
pers_person_id,pers_forename,pers_surname,pers_sex,pers_ethnicity,pers_dob,pers_expected_dob
101,Ann,Lee,F,WBRI,2015-03-02 00:00:00.000,NULL
102,NULL,NULL,U,cnhe,NULL,2027-01-20 00:00:00.000
""",
    "ssd_cp_plans.csv": """
cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_ola,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category,cppl_icpc_id
9001,101,2024-01-10 00:00:00.000,NULL,N,Neglect,Multiple/not recommended,5001
9002,101,2020-01-10 00:00:00.000,2020-06-01 00:00:00.000,Y,Neglect,Neglect,
""",
    "ssd_initial_cp_conference.csv": """
icpc_icpc_id,icpc_icpc_meeting_id,icpc_s47_enquiry_id,icpc_person_id,icpc_cp_plan_id,icpc_referral_id,icpc_icpc_transfer_in,icpc_icpc_date,icpc_icpc_outcome_cp_flag,icpc_icpc_outcome_json
5001,7001,4001,101,9001,,N,2024-01-10 10:30:00.000,NULL,"{""CP_FLAG"":""Y""}"
5002,NULL,NULL,102,NULL,NULL,N,NULL,NULL,NULL
""",
    "ssd_cp_reviews.csv": """
cppr_cp_review_id,cppr_person_id,cppr_cp_plan_id,cppr_cp_review_date,cppr_cp_review_meeting_id,cppr_cp_review_outcome_continue_cp,cppr_cp_review_quorate,cppr_cp_review_participation
6001,101,9001,2024-04-03 14:00:00.000,7002,Y,Yes,NULL
""",
    "ssd_s47_enquiry.csv": """
s47e_s47_enquiry_id,s47e_person_id,s47e_s47_start_date,s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json
4001,101,2023-12-14 00:00:00.000,2023-12-20 00:00:00.000,N,"{""NFA_FLAG"": ""N"", ""CP_CONFERENCE_FLAG"": ""Y""}"
""",
    "ssd_cp_visits.csv": """
cppv_cp_visit_id,cppv_person_id,cppv_cp_plan_id,cppv_cp_visit_date,cppv_cp_visit_seen,cppv_cp_visit_seen_alone,cppv_cp_visit_bedroom
8001,101,NULL,2024-02-01 09:00:00.000,Y,N,Y
""",
}


@pytest.mark.django_db
def test_a_liquidlogic_extract_reads_datetimes_nulls_descriptions_and_the_outcome_json(tmp_path):
    result = ssd_import(path=_write(tmp_path / "ll", LIQUIDLOGIC), by=None, today=TODAY)

    assert result.ok, _messages(result)
    plan = Plan.objects.get(plan_id="9001")
    assert (plan.start_on, plan.initial_category, plan.latest_category) == (
        dt.date(2024, 1, 10),
        "NEG",
        "MUL",
    )
    assert result.other_authority_plans == ["9002"]
    initial = Conference.objects.get(conference_id="icpc-5001")
    assert (initial.held_on, initial.outcome, initial.strategy_discussion_on) == (
        dt.date(2024, 1, 10),
        "plan",
        dt.date(2023, 12, 14),
    )
    review = Conference.objects.get(conference_id="cppr-6001")
    assert (review.quorate, review.participation_code) == (True, "")
    assert result.skipped_undated == 1
    unborn = Child.objects.get(child_id="102")
    assert (unborn.date_of_birth, unborn.expected_date_of_birth, unborn.ethnicity) == (
        None,
        dt.date(2027, 1, 20),
        "CHNE",
    )
    visit = Visit.objects.get(visit_id="8001")
    assert (visit.plan.plan_id, visit.seen, visit.seen_alone) == ("9001", True, False)


MOSAIC = {
    "ssd_person.csv": """
pers_person_id,pers_sex,pers_ethnicity,pers_dob
201,Male,White British,10/05/2016
202,Female,Any other Black background,01/02/2017 00:00
""",
    "ssd_cp_plans.csv": """
cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_ola,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category
9101,201,2024-02-05,,,a) NEG,PHY
""",
    "ssd_initial_cp_conference.csv": """
icpc_icpc_id,icpc_person_id,icpc_icpc_meeting_id,icpc_icpc_transfer_in,icpc_icpc_date,icpc_icpc_outcome_cp_flag,icpc_next_actions,icpc_cp_plan_id
5101,201,,,2024-02-05 11:00:00,,Child protection plan,9101
5102,202,,,2024-02-05 11:00:00,N,,
""",
    "ssd_cp_reviews.csv": """
cppr_cp_review_id,cppr_cp_plan_id,cppr_cp_review_date,cppr_cp_review_outcome_continue_cp,cppr_cp_review_quorate,cppr_cp_review_participation
,9101,2024-05-01,Y,No,Child attended: pn1 spoke for themself
""",
    "ssd_s47_enquiry.csv": """
s47e_s47_enquiry_id,s47e_person_id,s47e_s47_start_date,s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json
4101,202,2024-01-20,2024-01-29,N,"Strategy discussion, No further action"
""",
}


@pytest.mark.django_db
def test_a_mosaic_extract_reads_descriptions_codes_and_plans_that_name_the_child(tmp_path):
    result = ssd_import(path=_write(tmp_path / "mosaic", MOSAIC), by=None, today=TODAY)

    assert result.ok, _messages(result)
    boy = Child.objects.get(child_id="201")
    assert (boy.sex, boy.ethnicity, boy.date_of_birth) == ("M", "WBRI", dt.date(2016, 5, 10))
    assert Child.objects.get(child_id="202").ethnicity == "BOTH"
    plan = Plan.objects.get(plan_id="9101")
    assert (plan.initial_category, plan.latest_category) == ("NEG", "PHY")
    review = Conference.objects.get(conference_id="cppr-201-20240501")
    assert (review.child.child_id, review.quorate, review.participation_code) == (
        "201",
        False,
        "PN1",
    )
    # no meeting ids: each row is a meeting by itself
    assert Meeting.objects.count() == 3
    assert Conference.objects.get(conference_id="icpc-5101").outcome == "plan"
    assert Enquiry.objects.get(enquiry_id="4101").outcome == "no_further_action"
    assert any("holds no meeting ids" in w for w in result.warnings)


ECLIPSE = {
    "ssd_person.csv": """
pers_person_id,pers_sex,pers_ethnicity,pers_dob,pers_expected_dob
301,F,ORAB,2012-07-07,
""",
    "ssd_initial_cp_conference.csv": """
icpc_icpc_id,icpc_person_id,icpc_icpc_meeting_id,icpc_icpc_transfer_in,icpc_icpc_date,icpc_icpc_outcome_cp_flag,icpc_icpc_outcome_json,icpc_referral_id
5201,301,F1,Y,2024-03-01T10:00:00,,"{""OUTCOME_CP_FLAG"" : ""Y""}",R1
""",
    "ssd_cin_episodes.csv": """
cine_referral_id,cine_person_id,cine_referral_date,cine_referral_outcome_json
R1,301,2024-02-20,"{""CP_TRANSFER_IN_FLAG"":""Y""}"
""",
}


@pytest.mark.django_db
def test_an_eclipse_extract_reads_timestamps_other_json_keys_and_missing_optional_files(
    tmp_path,
):
    result = ssd_import(path=_write(tmp_path / "eclipse", ECLIPSE), by=None, today=TODAY)

    assert result.ok, _messages(result)
    conference = Conference.objects.get(conference_id="icpc-5201")
    assert (conference.kind, conference.outcome, conference.transfer_notification_on) == (
        "transfer_in",
        "plan",
        dt.date(2024, 2, 20),
    )
    assert Child.objects.get(child_id="301").ethnicity == ""
    assert (
        "ssd_person.csv:2: pers_ethnicity: 'ORAB' is not a DfE ethnicity; read as blank"
        in result.warnings
    )


def _hostile(tmp_path: Path, **changes: str) -> list[str]:
    files = dict(LIQUIDLOGIC)
    files.update(changes)
    result = ssd_import(path=_write(tmp_path / "hostile", files), by=None, today=TODAY)
    assert not result.ok
    assert not Child.objects.exists() and not Conference.objects.exists()
    return _messages(result)


@pytest.mark.django_db
def test_an_unknown_person_id_is_refused_naming_file_line_and_column(tmp_path):
    reviews = LIQUIDLOGIC["ssd_cp_reviews.csv"].replace("6001,101,", "6001,999,")
    assert _hostile(tmp_path, **{"ssd_cp_reviews.csv": reviews}) == [
        "ssd_cp_reviews.csv:2: cppr_person_id: person '999' is not in ssd_person.csv"
    ]


@pytest.mark.django_db
def test_a_bad_date_is_refused_naming_file_line_and_column(tmp_path):
    plans = LIQUIDLOGIC["ssd_cp_plans.csv"].replace("2024-01-10 00:00:00.000", "2024-13-10")
    assert _hostile(tmp_path, **{"ssd_cp_plans.csv": plans}) == [
        "ssd_cp_plans.csv:2: cppl_cp_plan_start_date: '2024-13-10' is not a date "
        "(use YYYY-MM-DD or DD/MM/YYYY, a time may follow)"
    ]


@pytest.mark.django_db
def test_overlapping_plans_are_refused_by_the_rule_book_in_the_ssds_terms(tmp_path):
    plans = LIQUIDLOGIC["ssd_cp_plans.csv"].replace(
        "9002,101,2020-01-10 00:00:00.000,2020-06-01 00:00:00.000,Y,",
        "9002,101,2024-02-10 00:00:00.000,2024-06-01 00:00:00.000,N,",
    )
    assert _hostile(tmp_path, **{"ssd_cp_plans.csv": plans}) == [
        "ssd_cp_plans.csv:3: cppl_cp_plan_start_date: R112 the plan overlaps another plan of the "
        "same child (plan '9001')"
    ]


@pytest.mark.django_db
def test_rows_of_one_meeting_on_two_dates_are_refused(tmp_path):
    reviews = LIQUIDLOGIC["ssd_cp_reviews.csv"].replace(",7002,", ",7001,")
    assert _hostile(tmp_path, **{"ssd_cp_reviews.csv": reviews}) == [
        "ssd_cp_reviews.csv:2: cppr_cp_review_meeting_id: meeting '7001' is dated 2024-01-10 "
        "at ssd_initial_cp_conference.csv:2; the rows of one meeting share its date"
    ]


@pytest.mark.django_db
def test_an_id_breaking_the_identifier_rule_and_a_conflicting_duplicate_are_refused(tmp_path):
    enquiries = LIQUIDLOGIC["ssd_s47_enquiry.csv"].strip() + (
        "\n4001,101,2023-12-15 00:00:00.000,,N,\n4002 x,101,2023-12-15,,N,"
    )
    assert _hostile(tmp_path, **{"ssd_s47_enquiry.csv": enquiries}) == [
        "ssd_s47_enquiry.csv:3: s47e_s47_enquiry_id: id '4001' is held twice with different "
        "values (first at line 2)",
        "ssd_s47_enquiry.csv:4: s47e_s47_enquiry_id: '4002 x': enter a id using only letters, "
        "numbers, hyphens (-), underscores (_) and full stops (.)",
    ]


@pytest.mark.django_db
def test_an_extract_without_ssd_person_is_refused(tmp_path):
    files = {k: v for k, v in LIQUIDLOGIC.items() if k != "ssd_person.csv"}
    result = ssd_import(path=_write(tmp_path / "x", files), by=None, today=TODAY)
    assert _messages(result) == [
        "ssd_person.csv: the extract has no ssd_person.csv; it is required"
    ]


def test_a_path_that_is_neither_a_folder_nor_a_zip_is_refused(tmp_path):
    text = tmp_path / "x.csv"
    text.write_text("a")
    with pytest.raises(SsdError, match="x.csv: not a folder or a .zip file"):
        ssd_read(text)


def test_outcome_json_is_read_leniently_whatever_the_system():
    assert json_flag('{"CP_FLAG":"Y"}', "CP_FLAG") is True
    assert json_flag('{ "OUTCOME_CP_FLAG" : "N" }', "CP_FLAG", "OUTCOME_CP_FLAG") is False
    assert json_flag("{CP_FLAG: Y, broken", "CP_FLAG") is True
    assert json_flag("", "CP_FLAG") is None
    assert json_flag('{"OUTCOME_CP_FLAG":"Y"}', "CP_FLAG") is None


def test_categories_and_ethnicities_read_descriptions_or_codes():
    assert [category_code(t) for t in ("Neglect", "b) PHY", "Sexual abuse", "SAB", "Other")] == [
        "NEG",
        "PHY",
        "SAB",
        "SAB",
        None,
    ]
    assert [ethnicity_code(t) for t in ("wbri", "CNHE", "gypsy/roma", "MWBa", "XXXX")] == [
        "WBRI",
        "CHNE",
        "WROM",
        "MWBA",
        None,
    ]


def test_the_copy_of_the_sample_is_the_standards_sample():
    assert sorted(p.name for p in SAMPLE.iterdir()) == sorted(
        [
            "ssd_cin_episodes.csv",
            "ssd_cp_plans.csv",
            "ssd_cp_reviews.csv",
            "ssd_cp_visits.csv",
            "ssd_department.csv",
            "ssd_disability.csv",
            "ssd_family.csv",
            "ssd_initial_cp_conference.csv",
            "ssd_involvements.csv",
            "ssd_person.csv",
            "ssd_professionals.csv",
            "ssd_s47_enquiry.csv",
        ]
    )


@pytest.mark.django_db
def test_annex_a_list_7_fills_the_worker_the_last_visit_and_seen_alone(tmp_path):
    from safeguard.census.annex_a import LIST_7, list_7_rows

    files = dict(LIQUIDLOGIC)
    files["ssd_involvements.csv"] = """
invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_professional_team,invo_person_id,invo_involvement_start_date,invo_involvement_end_date
1,50001,CW,1003,101,2023-12-01 00:00:00.000,NULL
"""
    files["ssd_professionals.csv"] = """
prof_professional_id,prof_staff_id,prof_professional_name
50001,STF1,Alex Okafor
"""
    files["ssd_department.csv"] = """
dept_team_id,dept_team_name
1003,North
"""
    assert ssd_import(path=_write(tmp_path / "ll", files), by=None, today=TODAY).ok

    (row,) = list_7_rows(dt.date(2024, 6, 30))
    cells = dict(zip(LIST_7, row, strict=True))
    assert cells["Date of the Last Statutory Visit"] == dt.date(2024, 2, 1)
    assert cells["Was the Child Seen Alone?"] == "No"
    assert cells["Allocated Worker"] == "Alex Okafor"
    assert cells["Allocated Team"] == "North"
    allocation = Allocation.objects.get(child__child_id="101")
    assert (allocation.team, allocation.staff_id) == ("North", "STF1")


@pytest.mark.django_db
def test_the_childs_page_shows_the_social_worker_and_the_statutory_visits(
    tmp_path, signed_in_client
):
    from safeguard.cases.models import Area

    files = dict(LIQUIDLOGIC)
    files["ssd_involvements.csv"] = """
invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_professional_team,invo_person_id,invo_involvement_start_date
1,Sam Green,CW,Sample area,101,2023-12-01
"""
    assert ssd_import(path=_write(tmp_path / "ll", files), by=None, today=TODAY).ok
    assert Child.objects.get(child_id="101").area == Area.objects.get(name="Sample area")
    client = signed_in_client("business_support")

    text = client.get("/children/101/").content.decode()

    assert "Social worker and statutory visits" in text
    assert "Sam Green, Sample area" in text
    assert "1 February 2024 (not seen alone)" in text


@pytest.mark.django_db
def test_the_childs_area_is_the_current_team_named_through_the_authoritys_table(tmp_path, settings):
    settings.SAFEGUARD_SSD_TEAM_AREAS = {"Safeguarding Team 3": "North"}
    files = dict(LIQUIDLOGIC)
    files["ssd_involvements.csv"] = """
invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_professional_team,invo_person_id,invo_involvement_start_date,invo_involvement_end_date
1,W1,CW,1003,101,2023-12-01,NULL
2,W2,CW,1004,101,2022-01-01,2023-11-30
"""
    files["ssd_department.csv"] = """
dept_team_id,dept_team_name
1003,Safeguarding Team 3
1004,Safeguarding Team 4
"""
    assert ssd_import(path=_write(tmp_path / "ll", files), by=None, today=TODAY).ok
    assert Child.objects.get(child_id="101").area.name == "North"
    assert Allocation.objects.get(name="W1").team == "Safeguarding Team 3"


@pytest.mark.django_db
def test_a_target_date_that_is_not_safeguards_due_date_is_a_data_quality_note(tmp_path):
    files = dict(LIQUIDLOGIC)
    files["ssd_initial_cp_conference.csv"] = (
        LIQUIDLOGIC["ssd_initial_cp_conference.csv"]
        .replace("icpc_icpc_date,", "icpc_icpc_target_date,icpc_icpc_date,")
        .replace(
            ",N,2024-01-10 10:30:00.000,", ",N,2024-01-12 00:00:00.000,2024-01-10 10:30:00.000,"
        )
        .replace(",N,NULL,NULL,NULL", ",N,NULL,NULL,NULL,NULL")
    )
    result = ssd_import(path=_write(tmp_path / "ll", files), by=None, today=TODAY)

    assert result.ok, _messages(result)
    due = Conference.objects.get(conference_id="icpc-5001").due_on
    assert due != dt.date(2024, 1, 12)
    assert (
        "ssd_initial_cp_conference.csv:2: icpc_icpc_target_date: conference 'icpc-5001': the "
        f"extract's target date 2024-01-12 is not Safeguard's due date {due.isoformat()} (a "
        "data-quality note; not imported)"
    ) in result.warnings
