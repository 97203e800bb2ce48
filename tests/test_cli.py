"""The `safeguard` command as a person at a terminal uses it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from safeguard.cli import main
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority(tmp_path):
    return write_bundle(
        tmp_path / "bundle",
        children=[child("C1"), child("C2")],
        cp_plans=[plan("P1", "C1", "2022-01-10"), plan("P2", "C2", "2022-08-01")],
        conferences=[
            conference("K1", "C1", "initial", "2022-01-10", strategy_discussion_date="2021-12-20"),
            conference("K2", "C1", "review", "2022-04-11"),
            conference("K3", "C2", "initial", "2022-08-01"),
        ],
    )


def test_import_prints_a_summary_per_file_and_again_reports_everything_unchanged(authority, capsys):
    assert main(["import", str(authority)]) == 0
    assert re.search(r"conferences.csv +3 added +0 changed +0 unchanged", capsys.readouterr().out)

    assert main(["import", str(authority)]) == 0
    assert re.search(r"conferences.csv +0 added +0 changed +3 unchanged", capsys.readouterr().out)


def test_a_faulty_bundle_prints_each_problem_and_exits_with_status_1(tmp_path, capsys):
    faulty = write_bundle(tmp_path, children=[child("C1", date_of_birth="yesterday")])

    assert main(["import", str(faulty)]) == 1

    err = capsys.readouterr().err
    assert "children.csv:2: date_of_birth: 'yesterday' is not a date" in err
    assert "1 problem found; nothing was imported" in err


def test_a_path_that_is_not_a_bundle_is_one_plain_sentence(tmp_path, capsys):
    assert main(["import", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("safeguard: ")


def test_timeliness_prints_a_childs_conferences_with_due_dates_verdicts_and_reasons(
    authority, capsys
):
    main(["import", str(authority)])
    capsys.readouterr()

    assert main(["timeliness", "C1"]) == 0

    out = capsys.readouterr().out
    assert "2022-01-10  Initial      due 2022-01-13  Within timescale" in out
    assert "2022-04-11  Review       due 2022-04-10  Out of timescale, 1 calendar days late" in out


def test_due_lists_what_falls_due_soonest_first_then_what_is_overdue(authority, capsys):
    main(["import", str(authority)])
    capsys.readouterr()

    assert main(["due", "--within", "28", "--as-of", "2022-09-20"]) == 0

    out = capsys.readouterr().out
    upcoming, overdue = out.split("Overdue")
    assert re.search(r"2022-10-11  Review conference +child C1", upcoming)
    assert re.search(r"2022-10-18  Pre-review check +child C2", upcoming)
    # C2's midway check fell due halfway between 1 August and 1 November
    assert re.search(r"2022-09-16  Midway check +child C2 +plan P2 +4 days overdue", overdue)


def test_report_json_goes_to_standard_output(authority, capsys):
    main(["import", str(authority)])
    capsys.readouterr()

    assert main(["report", "--from", "2022-04-01", "--to", "2022-09-30"]) == 0

    figures = json.loads(capsys.readouterr().out)
    assert figures["cp_population"]["at_period_end"] == 2
    assert figures["timeliness"]["period"]["out_of_timescale"] == 1


def test_a_report_made_at_the_command_line_is_audited_as_the_system(authority, tmp_path, capsys):
    from safeguard.audit.models import AuditAction, AuditEntry

    main(["import", str(authority)])
    output = tmp_path / "report.xlsx"

    assert main(["report", "--from", "2022-04-01", "--to", "2022-09-30", "--format", "xlsx",
                 "-o", str(output)]) == 0  # fmt: skip

    entry = AuditEntry.objects.filter(record_type="report").get()
    assert entry.action == AuditAction.DOWNLOAD
    assert (entry.actor, entry.actor_name) == (None, "system")
    assert entry.record_id == str(output)
    assert "2022" in entry.summary and "made at the command line as Excel" in entry.summary


def test_the_same_report_again_at_the_command_line_is_read_from_the_cache(authority, capsys):
    from unittest import mock

    from django.core.cache import caches

    from safeguard.reporting import cache

    main(["import", str(authority)])
    caches["reports"].clear()
    capsys.readouterr()
    command = ["report", "--from", "2022-04-01", "--to", "2022-09-30"]

    with mock.patch.object(cache, "report_build", wraps=cache.report_build) as build:
        assert main(command) == 0
        first = capsys.readouterr().out
        assert main(command) == 0
        second = capsys.readouterr().out

    assert build.call_count == 1
    assert second == first


def test_a_period_that_is_not_whole_months_is_refused_with_a_clear_message(capsys):
    assert main(["report", "--from", "2022-04-02", "--to", "2022-09-30"]) == 1
    assert "must start on the first day of a month" in capsys.readouterr().err


def test_report_fills_the_authoritys_own_word_template(authority, tmp_path, capsys):
    from docx import Document

    template = Path(__file__).resolve().parents[1] / "docs" / "examples" / "report-template.docx"
    main(["import", str(authority)])
    output = tmp_path / "branded.docx"

    assert (
        main(
            [
                "report",
                "--from",
                "2022-04-01",
                "--to",
                "2022-09-30",
                "--format",
                "docx",
                "--template",
                str(template),
                "-o",
                str(output),
            ]
        )
        == 0
    )

    text = "\n".join(p.text for p in Document(output).paragraphs)
    assert "The number of children subject to a CP Plan on 30th September 2022 was 2" in text


def test_a_template_for_another_format_is_refused(capsys):
    assert main(["report", "--format", "pdf", "--template", "x.docx"]) == 1
    assert "--template is for the Word format" in capsys.readouterr().err


def test_a_booked_review_has_no_verdict_and_the_review_stays_due(tmp_path, capsys):
    source = write_bundle(
        tmp_path / "bundle",
        children=[child("C1")],
        cp_plans=[plan("P1", "C1", "2022-01-10")],
        conferences=[
            conference("K1", "C1", "initial", "2022-01-10", strategy_discussion_date="2021-12-20"),
            conference("K2", "C1", "review", "2022-04-01", status="booked"),
            conference("K3", "C1", "review", "2022-03-25", status="cancelled"),
        ],
    )
    assert main(["import", str(source)]) == 0
    capsys.readouterr()

    assert main(["timeliness", "C1"]) == 0
    out = capsys.readouterr().out
    assert "2022-04-01  Review       Booked: no verdict (only held conferences are judged)" in out
    assert "2022-03-25  Review       Cancelled: no verdict" in out

    # The review is due three months after the initial conference; booking it does not do it.
    assert main(["due", "--within", "28", "--as-of", "2022-04-05"]) == 0
    upcoming = capsys.readouterr().out.split("Overdue")[0]
    assert re.search(r"2022-04-10  Review conference +child C1", upcoming)
    assert main(["due", "--within", "28", "--as-of", "2022-04-20"]) == 0
    overdue = capsys.readouterr().out.split("Overdue")[1]
    assert re.search(r"2022-04-10  Review conference +child C1", overdue)


def test_export_writes_every_version_2_file_and_import_reads_them_back(tmp_path, capsys):
    from tests.bundles import version_2_files

    assert main(["import", str(write_bundle(tmp_path / "in", **version_2_files()))]) == 0
    capsys.readouterr()

    assert main(["export", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"enquiries\.csv +4 rows", out)
    assert re.search(r"escalation_steps\.csv +3 rows", out)
    assert re.search(r"population\.csv +2 rows", out)

    assert main(["import", str(tmp_path / "out"), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out
    assert re.search(r"escalation_steps\.csv +0 added +0 changed +3 unchanged +0 removed", out)


def test_due_as_csv_lists_the_initial_conference_to_book_by_its_enquiry_oldest_first(
    authority, capsys
):
    from safeguard.cases.models import Child, Enquiry

    main(["import", str(authority)])
    # A new enquiry about C2 after its initial conference of 1 August: it waits to be booked.
    Enquiry.objects.create(
        enquiry_id="E1",
        child=Child.objects.get(child_id="C2"),
        strategy_discussion_on=dt.date(2022, 9, 12),
    )
    capsys.readouterr()

    assert main(["due", "--as-of", "2022-09-20", "--format", "csv"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "due_date,kind,child_id,reference,status"
    assert lines[1:] == [
        "2022-07-11,midway_check,C1,P1,overdue",
        "2022-09-16,midway_check,C2,P2,overdue",
        "2022-09-27,pre_review_check,C1,P1,due",
        # 15 working days after 12 September 2022, the Queen's funeral (19 September) not one
        "2022-10-04,initial_conference,C2,E1,due",
        "2022-10-11,review_conference,C1,P1,due",
        "2022-10-18,pre_review_check,C2,P2,due",
    ]


def test_due_as_csv_lists_nothing_outside_its_window(authority, capsys):
    main(["import", str(authority)])
    capsys.readouterr()

    assert main(["due", "--as-of", "2022-09-20", "--within", "6", "--format", "csv"]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "due_date,kind,child_id,reference,status",
        "2022-07-11,midway_check,C1,P1,overdue",
        "2022-09-16,midway_check,C2,P2,overdue",
    ]
