"""The members' PDF holds no identifier (issue 20, item 5): every id of the data set (children,
plans, conferences, meetings) is searched for in the text of the PDF an analyst downloads."""

from __future__ import annotations

import subprocess

import pytest

from safeguard.cases.models import Child, Plan
from safeguard.conferences.models import Conference, Meeting
from tests.reporting.test_audience import IDENTIFIERS, PERIOD, late_conference  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_members_pdf_holds_no_identifier_of_the_data_set(
    signed_in_client,
    late_conference,  # noqa: F811
    tmp_path,
):
    response = signed_in_client("analyst").get("/reports/download/pdf/", PERIOD)
    assert response.status_code == 200
    path = tmp_path / "members.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

    identifiers = [
        *Child.objects.values_list("child_id", flat=True),
        *Plan.objects.values_list("plan_id", flat=True),
        *Conference.objects.values_list("conference_id", flat=True),
        *Meeting.objects.values_list("reference", flat=True),
        *IDENTIFIERS,
    ]
    assert len(identifiers) >= 6
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
    for identifier in identifiers:
        assert identifier not in text, identifier
