"""Every output a person reads names a coded value by its label in the one vocabulary
(safeguard.domain.vocabulary): a check that alerted all three roles reads "Social worker",
"Practice supervisor" and "Team manager" on the pages, in the email, in the audit and in the
report in every format, never the code ("social_worker") nor the code run together
("Socialworker", issue 23) nor Title Cased ("Social Worker"). The files the contract fixes (the
exchange bundle) carry the codes."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import zipfile

import docx
import openpyxl
import pytest
from django.core import mail

from safeguard.accounts.models import Role
from safeguard.cases.models import Allocation
from safeguard.conferences.models import Chair
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.domain.vocabulary import ALERT_ROLES
from safeguard.monitoring.services import monitoring_check_record
from safeguard.notifications.models import Notification
from safeguard.reporting.renderers import ReportFormat
from safeguard.reporting.services import report_download
from tests.factories import make_area, make_child, make_plan, make_user
from tests.notifications.outbox import committed, run_worker

pytestmark = pytest.mark.django_db

LABELS = [ALERT_ROLES.label(code) for code in ALERT_ROLES]  # "Social worker", ...
# A code as it is stored, run together, or Title Cased: never what a person reads.
WRONG = re.compile(
    r"\b(?:(?i:social_?worker|practice_?supervisor|team_?manager)"
    r"|Social Worker|Practice Supervisor|Team Manager)\b"
)
# Any snake_case word in text a person reads is a code that escaped its label.
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
PERIOD = "start_month=4&start_year=2022&end_month=9&end_year=2022&count_by=child"


def visible_text(page: str) -> str:
    """What a person (or a screen reader) reads of a page: no scripts, styles, tags or
    attributes (which hold the codes as form values and ids)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


def wrong_words(text: str) -> list[str]:
    return sorted(set(WRONG.findall(text)))


def snake_case_words(text: str) -> list[str]:
    return sorted(set(SNAKE_CASE.findall(text)))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.fixture
def check_alerting_every_role():
    """A child with a worker in each alerted role, and a chair's check with concerns that
    alerted all three (through the service, so the email and the audit entry are written)."""
    area = make_area("Vocabulary area")
    child = make_child(child_id="C-VOCAB", area=area)
    plan = make_plan(child=child, plan_id="P-VOCAB", start_on=dt.date(2022, 3, 1))
    for code, name in zip(ALERT_ROLES, ("Sam Sutton", "Pat Pryor", "Tina Tate"), strict=True):
        Allocation.objects.create(
            child=child,
            role=code,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            from_on=dt.date(2022, 3, 1),
        )
    chair = Chair.objects.create(name="Helen Ashworth", email="helen@example.org")
    with committed():
        recorded = monitoring_check_record(
            plan=plan,
            kind="midway",
            completed_on=dt.date(2022, 9, 5),
            chair=chair,
            core_groups_on_track=False,
            visits_on_track=True,
            outcome="concerns",
            alerted_roles=list(ALERT_ROLES),
            concern="No core group since July.",
            by=None,
            base_url="https://safeguard.example.org/",
        )
    run_worker()
    return area, child, plan, recorded


def test_the_pages_name_the_alerted_roles_by_their_labels(
    check_alerting_every_role, signed_in_client
):
    area, child, plan, _ = check_alerting_every_role
    manager = signed_in_client(Role.MANAGER)
    chair = signed_in_client(user=make_user(Role.CHAIR, areas=[area]))
    pages = {
        "child's page (chair)": chair.get(f"/children/{child.child_id}/"),
        "child's page (manager)": manager.get(f"/children/{child.child_id}/"),
        "check form": manager.get(f"/plans/{plan.plan_id}/checks/add/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        for label in LABELS:
            assert label in text, (name, label)
        assert not wrong_words(text), (name, wrong_words(text))
        assert not snake_case_words(text), (name, snake_case_words(text))


def test_the_alert_email_and_the_emails_page_name_the_roles_in_words(
    check_alerting_every_role, signed_in_client
):
    notification = Notification.objects.get(monitoring_check__isnull=False)
    sent = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)
    assert sent, "the worker sent the alert"
    for text in (f"{notification.subject}\n{notification.body}", sent):
        assert "social worker" in text.lower()
        assert not wrong_words(text), wrong_words(text)
        assert not snake_case_words(text), snake_case_words(text)
    page = signed_in_client(Role.MANAGER).get("/notifications/")
    text = visible_text(page.content.decode())
    assert not wrong_words(text) and not snake_case_words(text), snake_case_words(text)


def test_the_audit_pages_read_as_words(check_alerting_every_role, signed_in_client):
    for role in (Role.MANAGER, Role.AUDITOR):
        page = signed_in_client(role).get("/audit/")
        assert page.status_code == 200
        text = visible_text(page.content.decode())
        assert "monitoring check" in text
        assert not wrong_words(text), wrong_words(text)
        assert not snake_case_words(text), snake_case_words(text)


def _report_html() -> str:
    """The report as `safeguard report --format html` writes it (no page downloads it)."""
    report = report_download(
        period=Period(dt.date(2022, 4, 1), dt.date(2022, 9, 30)),
        count_by=CountBy.CHILD,
        include_informal=False,
        report_format=ReportFormat.html,
        by=None,
        generated_on=dt.date(2022, 10, 3),
    )
    return report.content.decode()


def test_the_report_names_the_alerted_roles_by_their_labels_in_every_format(
    check_alerting_every_role, signed_in_client
):
    client = signed_in_client(Role.MANAGER)
    texts = {
        "page": visible_text(client.get(f"/reports/?{PERIOD}").content.decode()),
        "html": visible_text(_report_html()),
        "docx": docx_text(client.get(f"/reports/download/docx/?{PERIOD}").content),
        "xlsx": xlsx_text(client.get(f"/reports/download/xlsx/?{PERIOD}").content),
    }
    for name, text in texts.items():
        assert not wrong_words(text), (name, wrong_words(text))
    for name in ("html", "docx", "xlsx"):
        for label in LABELS:
            assert label in texts[name], (name, label)
    # The JSON carries the contract's codes as keys, and only its narrative as words.
    report = json.loads(client.get(f"/reports/download/json/?{PERIOD}").content)
    assert set(report["monitoring_checks"]["alerts"]) == set(ALERT_ROLES)
    narrative = json.dumps(report["narrative"])
    assert "social worker" in narrative and not wrong_words(narrative)


def test_the_csv_downloads_a_person_opens_hold_no_run_together_codes(
    check_alerting_every_role, signed_in_client
):
    client = signed_in_client(Role.MANAGER)
    for url in ("/worklist.csv", "/escalations/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = "\n".join(cell for row in rows[1:] for cell in row)  # the header names columns
        assert not wrong_words(cells), (url, wrong_words(cells))


def test_the_exchange_bundle_carries_the_contracts_codes(
    check_alerting_every_role, signed_in_client
):
    response = signed_in_client(Role.MANAGER).post("/exports/bundle/")
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("monitoring_checks.csv"))
        rows = list(csv.DictReader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))
    assert [row["alerted"] for row in rows] == [";".join(ALERT_ROLES)]
