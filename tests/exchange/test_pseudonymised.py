"""The pseudonymised export for analysts: no names, months of birth, keyed-hash ids that join."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Child
from safeguard.exchange.importer import bundle_import
from safeguard.exchange.pseudonymised import (
    DECISIONS,
    Pseudonymiser,
    Treatment,
    bundle_export_pseudonymised,
    pseudonym_key,
)
from safeguard.exchange.reader import read_bundle
from safeguard.exchange.schema import FILES
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db

NAMES = [
    "Amelia",
    "Zephyrine",
    "Oakenshield",
    "Quillon",
    "Marguerite Chairwoman",
    "Doctor Fairweather",
    "Riverside Surgery",
    "Sandy Socialworker",
    "sandy@example.org",
]
FREE_TEXT = ["Mother asked Quillon to", "Moved to live with Aunt Zephyrine"]


def load_named_authority(folder):
    bundle = write_bundle(
        folder,
        children=[
            child(
                "C1",
                given_name="Amelia",
                family_name="Oakenshield",
                date_of_birth="2015-06-14",
                area="North",
            ),
            child(
                "C2",
                given_name="Zephyrine",
                family_name="Quillon",
                date_of_birth="",
                expected_date_of_birth="2022-11-23",
                area="South",
            ),
        ],
        cp_plans=[
            plan(
                "P1",
                "C1",
                "2022-01-10",
                "2022-08-01",
                end_reason="Moved to live with Aunt Zephyrine",
            ),
            plan("P2", "C2", "2022-03-01"),
        ],
        conferences=[
            conference(
                "CF1",
                "C1",
                "initial",
                "2022-01-10",
                meeting_id="MT1",
                strategy_discussion_date="2022-01-03",
                chair="Marguerite Chairwoman",
            ),
            conference(
                "CF2",
                "C1",
                "review",
                "2022-04-08",
                chair="Marguerite Chairwoman",
                out_of_timescale_reason="Mother asked Quillon to",
            ),
            conference("CF3", "C2", "initial", "2022-03-01", strategy_discussion_date="2022-02-20"),
        ],
        invitations=[
            {
                "meeting_id": "MT1",
                "organisation_type": "GP's",
                "organisation_name": "Riverside Surgery",
                "report_received": "no",
            },
            {
                "meeting_id": "CF2",
                "organisation_type": "GP's",
                "organisation_name": "Doctor Fairweather",
                "attended": "yes",
            },
        ],
        escalations=[
            {
                "escalation_id": "E1",
                "date_raised": "2022-04-09",
                "organisation_type": "GP's",
                "organisation_name": "Doctor Fairweather",
                "reason": "no_report",
                "conference_id": "CF2",
                "child_id": "C1",
                "raised_by": "Marguerite Chairwoman",
                "area": "North",
            },
        ],
        monitoring_checks=[
            {
                "check_id": "K1",
                "plan_id": "P1",
                "kind": "midway",
                "date_completed": "2022-03-01",
                "chair": "Marguerite Chairwoman",
                "outcome": "concerns",
                "alerted": "social_worker",
            },
        ],
        allocations=[
            {
                "child_id": "C1",
                "role": "social_worker",
                "name": "Sandy Socialworker",
                "email": "sandy@example.org",
                "from": "2022-01-01",
            },
        ],
    )
    result = bundle_import(path=bundle, by=None)
    assert result.ok, [str(p) for p in result.problems]


def files_of(path) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def all_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


@pytest.fixture
def exported(tmp_path):
    load_named_authority(tmp_path / "in")
    path = tmp_path / "pseudonymised.zip"
    bundle_export_pseudonymised(path=path, by=None)
    return path


def test_the_export_holds_no_name_no_free_text_and_no_email(exported):
    text = all_text(exported)

    for name in NAMES + FREE_TEXT:
        assert name not in text
    for original_id in ("C1", "C2", "P1", "CF1", "MT1", "E1", "K1"):
        assert f",{original_id}," not in text and f"\n{original_id}," not in text


def test_the_export_holds_no_full_date_of_birth_only_the_month(exported):
    children = files_of(exported)["children.csv"]
    text = all_text(exported)

    assert "2015-06-14" not in text and "2022-11-23" not in text
    assert sorted(row["date_of_birth"] for row in children) == ["", "2015-06-01"]
    assert sorted(row["expected_date_of_birth"] for row in children) == ["", "2022-11-01"]
    assert all(row["given_name"] == row["family_name"] == "" for row in children)
    assert sorted(row["area"] for row in children) == ["North", "South"]


def test_references_between_files_still_join(exported):
    files = files_of(exported)
    children = {row["child_id"] for row in files["children.csv"]}
    plans = {row["plan_id"]: row["child_id"] for row in files["cp_plans.csv"]}
    conferences = files["conferences.csv"]

    assert set(plans.values()) == children
    assert {row["child_id"] for row in conferences} == children
    meetings = {row["meeting_id"] or row["conference_id"] for row in conferences}
    assert {row["meeting_id"] for row in files["invitations.csv"]} <= meetings
    escalation = files["escalations.csv"][0]
    assert escalation["conference_id"] in {row["conference_id"] for row in conferences}
    assert escalation["child_id"] in children
    assert escalation["raised_by"] == conferences[0]["chair"] or escalation["raised_by"] in {
        row["chair"] for row in conferences
    }
    assert escalation["raised_by"].startswith("CHAIR-")
    assert files["monitoring_checks.csv"][0]["plan_id"] in plans
    assert files["allocations.csv"][0]["child_id"] in children
    assert files["allocations.csv"][0]["email"] == ""
    # The reader's own cross-file checks find nothing wrong: the bundle can be imported.
    assert read_bundle(exported).problems == []


def test_free_text_that_may_name_people_is_blank_and_the_figures_dates_are_kept(exported):
    files = files_of(exported)

    assert {row["end_reason"] for row in files["cp_plans.csv"]} == {""}
    assert {row["out_of_timescale_reason"] for row in files["conferences.csv"]} == {""}
    assert sorted(row["date"] for row in files["conferences.csv"]) == [
        "2022-01-10",
        "2022-03-01",
        "2022-04-08",
    ]


def test_the_same_child_gets_the_same_pseudonym_in_every_export_with_the_same_key(
    exported, tmp_path
):
    again = tmp_path / "again.zip"
    bundle_export_pseudonymised(path=again, by=None)

    assert all_text(again) == all_text(exported)
    pseudonym = Pseudonymiser(pseudonym_key()).pseudonym("child", "C1")
    assert pseudonym in {row["child_id"] for row in files_of(exported)["children.csv"]}


def test_another_key_gives_other_pseudonyms_and_the_default_key_is_not_the_secret_key(
    settings, tmp_path
):
    settings.SAFEGUARD_PSEUDONYM_KEY, settings.DATA_DIR = "", tmp_path  # a fresh installation
    derived = pseudonym_key()
    settings.SAFEGUARD_PSEUDONYM_KEY = "another key held by the authority"

    assert derived != settings.SECRET_KEY.encode()
    assert Pseudonymiser(derived).pseudonym("child", "C1") != Pseudonymiser(
        pseudonym_key()
    ).pseudonym("child", "C1")
    # Namespaces differ: a plan and a child with the same id do not share a pseudonym.
    one = Pseudonymiser(derived)
    assert one.pseudonym("child", "X1")[2:] != one.pseudonym("plan", "X1")[2:]


def test_the_export_is_audited_as_pseudonymised(exported):
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)

    assert entry.record_id == "pseudonymised.zip"
    assert entry.summary.startswith("Pseudonymised")


def test_every_column_of_every_file_has_a_decision():
    fields = {column.field for spec in FILES for column in spec.columns}

    assert fields - set(DECISIONS) == set()
    assert DECISIONS["given_name"][0] is Treatment.BLANK


def test_the_kept_codes_and_names_are_neutralised_for_a_spreadsheet(tmp_path):
    source = write_bundle(
        tmp_path / "in",
        children=[child("C1", area="@North")],
        escalations=[
            {"escalation_id": "E1", "date_raised": "2022-04-09", "organisation_type": "-GP",
             "reason": "no_report", "child_id": "C1"},
        ],
    )  # fmt: skip
    assert bundle_import(path=source, by=None).ok
    Child.objects.update(ethnicity="=1+1")  # a code loaded before the rule book

    bundle_export_pseudonymised(path=tmp_path / "out.zip", by=None)

    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        children = list(csv.DictReader(io.StringIO(archive.read("children.csv").decode())))
        escalations = list(csv.DictReader(io.StringIO(archive.read("escalations.csv").decode())))
    assert (children[0]["ethnicity"], children[0]["area"]) == ("'=1+1", "'@North")
    assert escalations[0]["organisation_type"] == "'-GP"
