"""Editions (issue 20, item 3): `safeguard report --issue` stores the report as issued and
prints its id last; `--changes-since` names each figure the records now give differently and
the records changed since, with who changed them and when; an edition's files are never
rendered again."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from safeguard.cli import main
from safeguard.conferences.models import Conference
from safeguard.conferences.services import conference_update
from safeguard.reporting import editions
from safeguard.reporting.models import Edition, EditionFile
from safeguard.reporting.renderers import ReportFormat
from tests.factories import make_user
from tests.reporting.test_views import load_authority

pytestmark = pytest.mark.django_db

PERIOD = ["--from", "2022-01-01", "--to", "2022-06-30"]


@pytest.fixture
def issued(tmp_path, capsys, monkeypatch) -> str:
    """Three children's conferences in January and April 2022, issued as an edition (stored as
    JSON and Excel only: the documents take seconds each, and one test stores them all)."""
    monkeypatch.setattr(editions, "EDITION_FORMATS", (ReportFormat.json, ReportFormat.xlsx))
    return _issue(tmp_path, capsys)


def _issue(tmp_path, capsys) -> str:
    load_authority(tmp_path / "authority", 3)
    assert main(["report", *PERIOD, "--issue"]) == 0
    output = capsys.readouterr().out
    return output.split()[-1]


def test_issuing_prints_the_edition_id_as_the_last_word_and_stores_every_file(tmp_path, capsys):
    issued = _issue(tmp_path, capsys)
    edition = Edition.objects.get(edition_id=issued)

    assert issued == "CPR-20220101-20220630-1"
    assert edition.figures["timeliness"]["period"]["held"] == 6
    assert edition.data_version
    assert edition.issued_by_name == "system"
    stored = {(f.audience, f.report_format) for f in edition.files.all()}
    assert stored == {
        (audience, fmt)
        for audience in ("internal", "members")
        for fmt in ("pdf", "docx", "xlsx", "html", "json")
    }
    for stored_file in edition.files.all():
        assert hashlib.sha256(bytes(stored_file.content)).hexdigest() == stored_file.sha256


def test_a_second_edition_of_the_same_period_is_numbered_after_the_first(issued, capsys):
    assert main(["report", *PERIOD, "--issue"]) == 0

    assert capsys.readouterr().out.split()[-1] == "CPR-20220101-20220630-2"


def test_an_unchanged_record_set_gives_no_changed_figure(issued, capsys):
    assert main(["report", "--changes-since", issued]) == 0

    output = capsys.readouterr().out
    assert "Every figure is as issued" in output
    assert "No record has been changed since the edition was issued." in output


def test_a_mistyped_date_corrected_after_issue_names_the_figure_and_the_record(issued, capsys):
    manager = make_user("manager", username="pat.manager")
    review = Conference.objects.get(conference_id="R1")
    conference_update(
        conference=review,
        expected_version=review.version,
        by=manager,
        held_on=dt.date(2022, 7, 4),  # the review was typed as April; it was held in July
        out_of_timescale_reason="Rearranged",  # a form requires it of a late conference
    )

    assert main(["report", "--changes-since", issued]) == 0

    output = capsys.readouterr().out
    assert "timeliness.period.held: 6 -> 5" in output
    assert "timeliness.period_by_type.review.held: 3 -> 2" in output
    assert "conference R1 (child C1) changed by pat.manager on " in output
    assert "held_on: 2022-04-08 -> 2022-07-04" in output


def test_an_editions_files_are_never_rendered_again_after_a_change(issued):
    before = {f.pk: bytes(f.content) for f in EditionFile.objects.all()}
    review = Conference.objects.get(conference_id="R1")
    conference_update(
        conference=review,
        expected_version=review.version,
        by=None,
        held_on=dt.date(2022, 7, 4),
        out_of_timescale_reason="Rearranged",
    )

    assert main(["report", "--changes-since", issued]) == 0

    assert {f.pk: bytes(f.content) for f in EditionFile.objects.all()} == before


def test_changes_since_an_unknown_edition_is_one_plain_sentence(db, capsys):
    assert main(["report", "--changes-since", "CPR-NOPE"]) == 1

    assert "CPR-NOPE: no such edition" in capsys.readouterr().err


def test_an_edition_of_a_period_not_yet_over_is_refused(db, capsys):
    assert main(["report", "--from", "2026-01-01", "--to", "2099-12-31", "--issue"]) == 1

    assert "not over yet" in capsys.readouterr().err
    assert not Edition.objects.exists()
