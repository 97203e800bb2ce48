"""Business support imports an SSD extract through the browser: check (record by record),
confirm; a broken extract lists every problem and writes nothing; the reconciliation page."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Child
from safeguard.conferences.models import Conference

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ssd-sample"


@pytest.fixture(autouse=True)
def private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def _zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sample(**changes: bytes) -> bytes:
    files = {p.name: p.read_bytes() for p in sorted(SAMPLE.iterdir())}
    files.update(changes)
    return _zipped(files)


@pytest.fixture
def support(signed_in_client):
    return signed_in_client("business_support")


def _upload(client, content: bytes):
    return client.post(
        "/ssd/import/", {"bundle": SimpleUploadedFile("ssd.zip", content, "application/zip")}
    )


def test_business_support_checks_then_confirms_an_extract_record_by_record(support):
    page = _upload(support, _sample())
    text = page.content.decode()

    assert page.status_code == 200
    assert "Check what the import would change" in text
    assert "icpc-C000082" in text or "CH0000" in text
    assert not Child.objects.exists()
    token = re.search(r'name="token" value="([^"]+)"', text)[1]

    done = support.post("/ssd/import/confirm/", {"token": token, "action": "confirm"})

    assert done.status_code == 200
    assert "Extract imported" in done.content.decode()
    assert Child.objects.count() == 127
    assert Conference.objects.count() == 408
    assert AuditEntry.objects.filter(record_type="ssd_extract").exists()
    reconcile = support.get("/ssd/reconcile/")
    assert reconcile.status_code == 200
    assert "What differs between the SSD extract and Safeguard" in reconcile.content.decode()


def test_a_broken_extract_lists_every_problem_and_writes_nothing(support):
    person = (SAMPLE / "ssd_person.csv").read_bytes()
    plans = (
        (SAMPLE / "ssd_cp_plans.csv")
        .read_bytes()
        .replace(
            b"P000001,REF-Q000001,C000001,CH000001,2019-06-28",
            b"P000001,REF-Q000001,C000001,CH999999,2019-06-99",
        )
    )
    page = _upload(support, _sample(**{"ssd_person.csv": person, "ssd_cp_plans.csv": plans}))
    text = page.content.decode()

    assert "The extract cannot be imported" in text
    assert "person &#x27;CH999999&#x27; is not in ssd_person.csv" in text
    assert "cppl_cp_plan_start_date" in text
    assert not Child.objects.exists()


def test_a_file_that_is_not_a_zip_is_refused_with_a_sentence(support):
    page = _upload(support, b"not a zip")
    assert "could not be opened as a .zip file of the SSD" in page.content.decode()
