"""Editions (issue 20, item 3): `safeguard report --issue` stores the report as issued and
prints its id last; `--changes-since` names each figure the records now give differently and
the records changed since, with who changed them and when; an edition's files are never
rendered again."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cli import main
from safeguard.conferences.models import Conference
from safeguard.conferences.services import conference_update
from safeguard.domain.editions import Priority
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.reporting import editions
from safeguard.reporting.editions import commentary_for, commentary_save, edition_issue
from safeguard.reporting.models import Edition, EditionFile
from safeguard.reporting.renderers import ReportFormat, render
from safeguard.reporting.selectors import report_build
from tests.factories import make_user
from tests.notifications.outbox import committed, run_worker
from tests.reporting.test_audience import PERIOD as APRIL_TO_SEPTEMBER
from tests.reporting.test_audience import late_conference  # noqa: F401
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

    assert "has not ended" in capsys.readouterr().err
    assert not Edition.objects.exists()


# ---- the web ---------------------------------------------------------------------------------

ISSUE_FORM = {
    "start_month": "1",
    "start_year": "2022",
    "end_month": "6",
    "end_year": "2022",
    "count_by": "child",
}


@pytest.fixture
def light_editions(monkeypatch):
    monkeypatch.setattr(editions, "EDITION_FORMATS", (ReportFormat.json, ReportFormat.xlsx))


def test_a_manager_issues_an_edition_and_an_analyst_downloads_its_members_file(
    tmp_path, signed_in_client, light_editions
):
    load_authority(tmp_path / "authority", 3)
    manager = signed_in_client("manager")

    with committed():
        response = manager.post("/reports/editions/issue/", ISSUE_FORM)
    run_worker()

    assert response.status_code == 302
    edition = Edition.objects.get()
    assert edition.issued_by_name
    listing = manager.get("/reports/editions/").content.decode()
    assert edition.edition_id in listing
    analyst = signed_in_client("analyst")
    download = analyst.get(f"/reports/editions/{edition.edition_id}/download/json/")
    assert download.status_code == 200
    stored = edition.files.get(audience="members", report_format="json")
    assert download.content == bytes(stored.content)
    assert b'"child_id"' not in download.content


def test_the_report_pages_editions_link_carries_its_period_and_lists_that_periods_editions(
    tmp_path, capsys, signed_in_client, light_editions
):
    load_authority(tmp_path / "authority", 3)
    assert main(["report", *PERIOD, "--issue"]) == 0
    assert main(["report", "--from", "2022-01-01", "--to", "2022-03-31", "--issue"]) == 0
    capsys.readouterr()
    manager = signed_in_client("manager")
    query = "start_month=1&start_year=2022&end_month=6&end_year=2022&count_by=child"

    page = manager.get(f"/reports/?{query}").content.decode()
    listing = manager.get(f"/reports/editions/?{query}").content.decode()
    everything = manager.get("/reports/editions/").content.decode()

    assert f'href="/reports/editions/?{query.replace("&", "&amp;")}"' in page
    assert "CPR-20220101-20220630-1" in listing
    assert "CPR-20220101-20220331-1" not in listing
    assert "Editions of 1 January 2022 to 30 June 2022, newest first" in listing
    assert 'href="/reports/editions/">Show every edition' in listing
    # the period is the one offered for issue
    assert 'name="end_month" value="6"' in listing
    assert "CPR-20220101-20220630-1" in everything
    assert "CPR-20220101-20220331-1" in everything


def test_a_period_without_an_edition_says_so_and_a_bad_period_lists_every_edition(
    signed_in_client,
):
    manager = signed_in_client("manager")
    none_yet = manager.get(
        "/reports/editions/?start_month=1&start_year=2021&end_month=6&end_year=2021"
    ).content.decode()
    bad = manager.get("/reports/editions/?start_month=13&start_year=2021&end_month=6")

    assert "No edition of the report for" in none_yet
    assert bad.status_code == 200
    assert "No edition of the report has been issued yet." in bad.content.decode()


def test_the_changes_page_names_the_figure_and_the_record(
    tmp_path, signed_in_client, light_editions
):
    load_authority(tmp_path / "authority", 3)
    manager = signed_in_client("manager")
    with committed():
        manager.post("/reports/editions/issue/", ISSUE_FORM)
    run_worker()
    edition = Edition.objects.get()
    review = Conference.objects.get(conference_id="R2")
    conference_update(
        conference=review,
        expected_version=review.version,
        by=None,
        held_on=dt.date(2022, 7, 4),
        out_of_timescale_reason="Rearranged",
    )

    page = manager.get(f"/reports/editions/{edition.edition_id}/changes/").content.decode()

    assert "timeliness.period.held" in page
    assert "conference R2" in page
    assert "held_on: 2022-04-08 -&gt; 2022-07-04" in page


def test_an_edition_of_a_period_not_over_is_refused_on_the_page(signed_in_client):
    response = signed_in_client("manager").post(
        "/reports/editions/issue/", {**ISSUE_FORM, "start_year": "2099", "end_year": "2099"}
    )

    assert response.status_code == 400
    assert not Edition.objects.exists()


# ---- commentary and priorities ---------------------------------------------------------------


def test_the_next_periods_report_opens_with_what_we_said_what_we_did_what_changed(
    tmp_path, light_editions
):
    load_authority(tmp_path / "authority", 3)
    manager = make_user("manager", username="pat.manager")
    first_half = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    second_half = Period(dt.date(2022, 7, 1), dt.date(2022, 12, 31))
    commentary_save(
        period=first_half,
        executive_summary="Every conference was held on time.",
        sections={"timeliness": "The unit kept a reserve chair."},
        priorities=[Priority("Hold more reviews in the child's school", "timeliness.period.held")],
        progress={},
        by=manager,
    )
    edition_issue(
        period=first_half,
        count_by=CountBy.CHILD,
        include_informal=False,
        by=manager,
        generated_on=dt.date(2022, 7, 15),
    )
    commentary_save(
        period=second_half,
        executive_summary="",
        sections={},
        priorities=[],
        progress={"1": "Two schools now host reviews."},
        by=manager,
    )
    report = report_build(period=second_half, generated_on=dt.date(2023, 1, 15))

    commentary = commentary_for(second_half, report_to_json(report))
    page = render(report, ReportFormat.html, commentary=commentary).decode()

    assert commentary.previous_edition == "CPR-20220101-20220630-1"
    assert "What we said" in page and "What we did" in page and "What changed" in page
    assert "Hold more reviews in the child&#x27;s school" in page
    assert "Two schools now host reviews." in page
    assert "timeliness.period.held: 6 in the last report, 0 in this one." in page


def test_the_commentary_is_in_the_edition_and_its_word_file(tmp_path):
    load_authority(tmp_path / "authority", 1)
    manager = make_user("manager", username="pat.manager")
    period = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    commentary_save(
        period=period,
        executive_summary="Referrals rose after the spring campaign.",
        sections={},
        priorities=[Priority("Cut late reports from GPs")],
        progress={},
        by=manager,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(editions, "EDITION_FORMATS", (ReportFormat.docx,))
        edition = edition_issue(
            period=period,
            count_by=CountBy.CHILD,
            include_informal=False,
            by=manager,
            generated_on=dt.date(2022, 7, 15),
        )

    assert edition.commentary["executive_summary"] == "Referrals rose after the spring campaign."
    word = bytes(edition.files.get(audience="members", report_format="docx").content)
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        text = archive.read("word/document.xml").decode()
    assert "Referrals rose after the spring campaign." in text
    assert "Cut late reports from GPs" in text
    assert edition.edition_id in text


COMMENTARY_PAGE = "/reports/commentary/?start_month=1&start_year=2022&end_month=6&end_year=2022"


def test_a_manager_writes_the_commentary_and_the_report_page_shows_it(tmp_path, signed_in_client):
    load_authority(tmp_path / "authority", 1)
    manager = signed_in_client("manager")

    response = manager.post(
        COMMENTARY_PAGE,
        {
            **ISSUE_FORM,
            "executive_summary": "Fewer children came to conference this spring.",
            "section_timeliness": "Every review was on time.",
            "priority_1": "Keep every review on time",
            "priority_1_figure": "timeliness.period.compliance_percent",
        },
    )

    assert response.status_code == 302
    page = manager.get(response["Location"]).content.decode()
    assert "Fewer children came to conference this spring." in page
    assert "Every review was on time." in page
    assert "Keep every review on time" in page


def test_a_priority_may_not_name_a_figure_the_report_lacks(tmp_path, signed_in_client):
    load_authority(tmp_path / "authority", 1)

    response = signed_in_client("manager").post(
        COMMENTARY_PAGE,
        {**ISSUE_FORM, "priority_1": "Something", "priority_1_figure": "timeliness.period.nope"},
    )

    assert response.status_code == 400
    assert "The report has no figure called timeliness.period.nope" in response.content.decode()


def test_a_priority_may_not_name_an_identifier(signed_in_client, late_conference):  # noqa: F811
    april_to_september = {**APRIL_TO_SEPTEMBER, "count_by": "child"}
    query = "&".join(f"{k}={v}" for k, v in april_to_september.items())
    manager = signed_in_client("manager")

    response = manager.post(
        f"/reports/commentary/?{query}",
        {
            **april_to_september,
            "priority_1": "Something",
            "priority_1_figure": "late_conferences[0].child_id",
        },
    )

    assert response.status_code == 400
    assert "The report has no figure called late_conferences[0].child_id" in (
        response.content.decode()
    )
    ok = manager.post(
        f"/reports/commentary/?{query}",
        {
            **april_to_september,
            "priority_1": "Something",
            "priority_1_figure": "late_conferences[0].days_late",
        },
    )
    assert ok.status_code == 302


# ---- how long an internal edition keeps identifiers (decision 0026) ----------------------------


def test_an_editions_identifiers_are_withdrawn_six_years_after_its_period_by_retention(
    capsys,
    signed_in_client,
    light_editions,
    late_conference,  # noqa: F811
):
    # a review held late, with a reason typed: the internal edition names the child
    edition = editions.edition_issue(
        period=Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30)),
        count_by=CountBy.CHILD,
        include_informal=False,
        by=None,
        generated_on=dt.date(2022, 7, 1),
    )
    issued = edition.edition_id
    assert '"child_id"' in json.dumps(edition.figures)
    members_json = bytes(edition.files.get(audience="members", report_format="json").content)

    assert main(["retention", "--dry-run", "--as-of", "2028-06-29"]) == 0
    assert issued not in capsys.readouterr().out
    assert main(["retention", "--dry-run", "--as-of", "2028-06-30"]) == 0
    assert f"{issued}\tidentifiers due for withdrawal since 2028-06-30" in capsys.readouterr().out
    assert Edition.objects.get(edition_id=issued).identifiers_withdrawn_on is None

    assert main(["retention", "--as-of", "2028-06-30"]) == 0
    assert "Withdrew the identifiers of 1 edition(s)" in capsys.readouterr().out

    edition.refresh_from_db()
    assert edition.identifiers_withdrawn_on == dt.date(2028, 6, 30)
    assert not edition.files.filter(audience="internal").exists()
    assert edition.files.filter(audience="members").count() == 2
    assert '"child_id"' not in json.dumps(edition.figures)
    assert edition.figures == {**json.loads(members_json), "audience": "members"}
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, record_id=issued)
    assert "Withdrew the identifiers" in entry.summary
    # a manager, who reads the internal version, now gets the members' file and figures only
    manager = signed_in_client("manager")
    download = manager.get(f"/reports/editions/{issued}/download/json/")
    assert download.status_code == 200 and download.content == members_json
    changes = manager.get(f"/reports/editions/{issued}/changes/").content.decode()
    assert "identifiers were withdrawn on 30 June 2028" in changes
    assert "Members' version only" in manager.get("/reports/editions/").content.decode()
    # withdrawing again does nothing
    assert main(["retention", "--as-of", "2030-01-01"]) == 0
    assert "Withdrew the identifiers of 0 edition(s)" in capsys.readouterr().out


def test_how_long_an_edition_keeps_identifiers_is_a_setting(issued, settings):
    settings.SAFEGUARD_EDITION_IDENTIFIERS_YEARS = 2
    assert [
        e.edition_id for e in editions.editions_identifiers_due(as_of=dt.date(2024, 6, 30))
    ] == [issued]
    settings.SAFEGUARD_EDITION_IDENTIFIERS_YEARS = 3
    assert editions.editions_identifiers_due(as_of=dt.date(2024, 6, 30)) == []
