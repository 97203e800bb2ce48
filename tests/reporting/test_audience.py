"""Analysts get the members' report (issue 18, finding 9): in every format, through the web page,
the downloads and the API, no child or conference id and no reason typed; chairs and managers
get the internal report with them. One rule (figures.for_audience) that every renderer reads."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from safeguard.domain.figures import Audience, for_audience
from safeguard.domain.report_json import report_to_json
from safeguard.exchange.importer import bundle_import
from safeguard.reporting.renderers.document import build_document
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db

PERIOD = {"start_month": "4", "start_year": "2022", "end_month": "9", "end_year": "2022"}
CHILD_ID = "KID-4417"
CONFERENCE_ID = "CONF-88231"
REASON = "Postponed: Jamie Reynolds' mother in hospital at 14 Elm Road"
IDENTIFIERS = (CHILD_ID, CONFERENCE_ID, "Jamie Reynolds", "Elm Road")


@pytest.fixture
def late_conference(tmp_path):
    """A review held ten weeks late with a reason that names people and an address."""
    result = bundle_import(
        path=write_bundle(
            tmp_path,
            children=[child(CHILD_ID, given_name="Amelia", family_name="Testchild")],
            cp_plans=[plan("PLAN-5521", CHILD_ID, "2022-01-10")],
            conferences=[
                conference(
                    "CONF-INIT-1",
                    CHILD_ID,
                    "initial",
                    "2022-01-10",
                    strategy_discussion_date="2022-01-03",
                ),
                conference(
                    CONFERENCE_ID,
                    CHILD_ID,
                    "review",
                    "2022-06-20",
                    out_of_timescale_reason=REASON,
                ),
            ],
        ),
        by=None,
    )
    assert result.ok, [str(p) for p in result.problems]


def _text_of(report_format: str, content: bytes) -> str:
    """Every piece of text a reader could see in the file."""
    if report_format in ("xlsx", "docx"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml") or name.endswith(".rels")
            )
    return content.decode("utf-8")


@pytest.mark.parametrize("report_format", ["json", "xlsx", "docx"])
def test_an_analysts_download_holds_no_identifier_or_reason(
    report_format, signed_in_client, late_conference
):
    response = signed_in_client("analyst").get(f"/reports/download/{report_format}/", PERIOD)

    assert response.status_code == 200
    text = _text_of(report_format, response.content)
    for identifier in IDENTIFIERS:
        assert identifier not in text
    assert "PLAN-5521" not in text


@pytest.mark.parametrize("report_format", ["json", "xlsx", "docx"])
def test_a_managers_and_a_chairs_download_keep_the_ids_and_the_reason(
    report_format, signed_in_client, late_conference
):
    for role in ("manager", "chair"):
        response = signed_in_client(role).get(f"/reports/download/{report_format}/", PERIOD)

        text = _text_of(report_format, response.content)
        assert CHILD_ID in text and CONFERENCE_ID in text, role
        assert "Jamie Reynolds" in text, role


def test_an_analysts_pdf_is_typeset_from_html_with_no_identifier(
    signed_in_client, late_conference, monkeypatch
):
    import weasyprint

    typeset = []
    real_html = weasyprint.HTML

    def capturing_html(*, string, **kwargs):
        typeset.append(string)
        return real_html(string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", capturing_html)

    analyst = signed_in_client("analyst").get("/reports/download/pdf/", PERIOD)
    manager = signed_in_client("manager").get("/reports/download/pdf/", PERIOD)

    assert analyst.content.startswith(b"%PDF") and manager.content.startswith(b"%PDF")
    analysts_html, managers_html = typeset
    for identifier in IDENTIFIERS:
        assert identifier not in analysts_html
    assert "Days late" in analysts_html  # the appendix is there, without ids and reasons
    assert CHILD_ID in managers_html and "Jamie Reynolds" in managers_html


def test_the_report_page_shows_an_analyst_no_identifier(signed_in_client, late_conference):
    analyst = signed_in_client("analyst").get("/reports/", PERIOD).content.decode()
    manager = signed_in_client("manager").get("/reports/", PERIOD).content.decode()

    for identifier in IDENTIFIERS:
        assert identifier not in analyst
    assert CHILD_ID in manager and "Jamie Reynolds" in manager


def test_the_api_gives_an_analyst_the_members_figures(signed_in_client, late_conference):
    query = {"from": "2022-04-01", "to": "2022-09-30"}

    members = signed_in_client("analyst").get("/api/v1/report", query).json()
    internal = signed_in_client("manager").get("/api/v1/report", query).json()

    assert members["audience"] == "members"
    assert members["late_conferences"]
    assert all(
        set(row) == {"type", "due", "held", "days_late", "unit"}
        for row in members["late_conferences"]
    )
    for identifier in IDENTIFIERS:
        assert identifier not in json.dumps(members)
    assert internal["audience"] == "internal"
    assert {row["conference_id"] for row in internal["late_conferences"]} >= {CONFERENCE_ID}


def test_the_members_report_keeps_every_figure_of_the_internal_one(report):
    internal, members = for_audience(report, "internal"), for_audience(report, Audience.MEMBERS)
    as_internal, as_members = report_to_json(internal), report_to_json(members)

    for key in set(as_internal) - {"audience", "late_conferences"}:
        assert as_members[key] == as_internal[key], key
    assert len(as_members["late_conferences"]) == len(as_internal["late_conferences"])
    columns = {t.key: t.columns for t in build_document(members).tables}["Late conferences"]
    assert "Child ID" not in columns and "Reason recorded" not in columns


def test_the_cli_writes_the_members_report(tmp_path, late_conference, capsys):
    from safeguard.cli import build_parser

    def run(*argv):
        args = build_parser().parse_args(list(argv))
        return args.handler(args)

    members, internal = tmp_path / "members.json", tmp_path / "internal.json"
    common = ("report", "--from", "2022-04-01", "--to", "2022-09-30", "--format", "json")
    assert run(*common, "--audience", "members", "-o", str(members)) == 0
    assert run(*common, "-o", str(internal)) == 0

    for identifier in IDENTIFIERS:
        assert identifier not in members.read_text()
    assert CHILD_ID in internal.read_text()
