"""Importing a bundle through the browser (check, then confirm) and exporting it."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Child, Population
from safeguard.exchange.uploads import (
    SESSION_KEY,
    UPLOAD_ALLOWANCE_BYTES,
    BundleUploadHandler,
    upload_folder,
)
from tests.bundles import child, plan, version_2_files, write_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def bundle_zip(tmp_path, name="bundle", **files) -> bytes:
    return zipped(write_bundle(tmp_path / name, **files))


def upload(client, content: bytes, name="extract.zip", **fields):
    return client.post(
        "/import/",
        {"bundle": SimpleUploadedFile(name, content, "application/zip"), **fields},
    )


def uploads_left() -> list[Path]:
    return list(upload_folder().iterdir())


@pytest.fixture
def support(signed_in_client):
    return signed_in_client("business_support")


GOOD = {
    "children": [child("C1", given_name="Amelia"), child("C2")],
    "cp_plans": [plan("P1", "C1", "2022-01-10")],
}


def test_a_clean_bundle_is_checked_and_shows_what_it_would_change(support, tmp_path):
    response = upload(support, bundle_zip(tmp_path, **GOOD))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Check what the import would change" in page and "extract.zip" in page
    assert re.search(r"children\.csv</th>\s*<td[^>]*>2</td>", page)
    assert "Removed" not in page
    assert Child.objects.count() == 0  # a dry run
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()
    token = support.session[SESSION_KEY]["token"]
    assert f'name="token" value="{token}"' in page
    assert str(upload_folder()) not in page and "/uploads/" not in page
    (folder,) = uploads_left()
    assert folder.name == token and (folder.stat().st_mode & 0o777) == 0o700
    assert (upload_folder().stat().st_mode & 0o777) == 0o700


def test_confirming_imports_the_upload_audits_it_and_deletes_the_file(support, tmp_path):
    upload(support, bundle_zip(tmp_path, **GOOD))
    token = support.session[SESSION_KEY]["token"]

    response = support.post("/import/confirm/", {"token": token, "action": "confirm"})

    assert response.status_code == 200
    assert "Bundle imported" in response.content.decode()
    assert Child.objects.count() == 2
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.actor == support.user and entry.record_id == "extract.zip"
    assert uploads_left() == []
    assert SESSION_KEY not in support.session
    again = support.post("/import/confirm/", {"token": token, "action": "confirm"})
    assert "no longer waiting" in again.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_replace_shows_what_would_be_removed(support, tmp_path):
    upload(support, bundle_zip(tmp_path, **GOOD))
    support.post(
        "/import/confirm/", {"token": support.session[SESSION_KEY]["token"], "action": "confirm"}
    )

    page = upload(
        support, bundle_zip(tmp_path, "smaller", children=[child("C1")]), replace="on"
    ).content.decode()

    assert "Removed" in page and "will be removed" in page
    assert re.search(r"children\.csv</th>(\s*<td[^>]*>\d+</td>){3}\s*<td[^>]*>1</td>", page)


def test_cancelling_deletes_the_upload_and_imports_nothing(support, tmp_path):
    upload(support, bundle_zip(tmp_path, **GOOD))

    response = support.post(
        "/import/confirm/", {"token": support.session[SESSION_KEY]["token"], "action": "cancel"}
    )

    assert response.status_code == 302
    assert Child.objects.count() == 0 and uploads_left() == []


def test_a_token_from_another_session_imports_nothing(support, signed_in_client, tmp_path):
    upload(support, bundle_zip(tmp_path, **GOOD))
    token = support.session[SESSION_KEY]["token"]

    other = signed_in_client("business_support")
    response = other.post("/import/confirm/", {"token": token, "action": "confirm"})

    assert "no longer waiting" in response.content.decode()
    assert Child.objects.count() == 0
    assert [p.name for p in uploads_left()] == [token]  # still waiting for its own session


def test_every_problem_is_shown_with_file_line_column_and_reason(support, tmp_path):
    content = bundle_zip(
        tmp_path,
        children=[child("C1", date_of_birth="2015-13-01"), child("C1")],
        cp_plans=[plan("P1", "NOBODY", "2022-01-10")],
    )

    response = upload(support, content)

    page = response.content.decode()
    assert "The bundle cannot be imported" in page
    rows = re.findall(
        r"<tr class=\"govuk-table__row\">\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>"
        r"\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>",
        page,
    )
    assert ("children.csv", "2", "date_of_birth") in [r[:3] for r in rows]
    assert any(r[0] == "cp_plans.csv" and r[1] == "2" and r[2] == "child_id" for r in rows)
    assert len(rows) >= 3
    assert uploads_left() == [] and SESSION_KEY not in support.session
    assert Child.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a zip file",
        b"PK\x03\x04" + b"\x00" * 200,  # looks like a zip, is not one
        b"",
    ],
)
def test_a_broken_file_gives_a_sentence_never_a_trace(support, content):
    response = upload(support, content, name="broken.zip")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Traceback" not in page
    assert "could not be opened as a .zip file" in page or "The selected file is empty" in page
    assert uploads_left() == []


def test_a_zip_with_a_damaged_member_gives_a_sentence(support, tmp_path):
    content = bytearray(bundle_zip(tmp_path, **GOOD))
    header = content.index(b"PK\x03\x04")
    start = header + 30 + int.from_bytes(content[header + 26 : header + 28], "little")
    content[start : start + 20] = b"\xff" * 20  # corrupt children.csv's data (CRC fails)

    page = upload(support, bytes(content)).content.decode()

    assert "could not be opened as a .zip file" in page
    assert uploads_left() == []


def test_a_zip_holding_a_file_twice_is_refused_with_a_sentence_naming_it(support):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is told to write
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("children.csv", "child_id\nFIRST\n")
            archive.writestr("children.csv", "child_id\nSECOND\n")

    page = upload(support, buffer.getvalue()).content.decode()

    assert "children.csv: the bundle holds this file twice" in page
    assert "Traceback" not in page
    assert uploads_left() == [] and Child.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(support, settings, tmp_path):
    settings.SAFEGUARD_MAX_UPLOAD_BYTES = 1024

    response = upload(support, b"x" * 5000)

    page = response.content.decode()
    assert "The file must be smaller than 0.0009765625 MB" in page or "must be smaller" in page
    assert "There is a problem" in page
    assert uploads_left() == []


def _zip_file(tmp_path, name):
    return SimpleUploadedFile(name, bundle_zip(tmp_path, name=name, **GOOD), "application/zip")


@pytest.mark.parametrize("second_field", ["bundle", "other"])
def test_several_files_in_one_upload_are_refused_and_none_is_kept(support, tmp_path, second_field):
    files = {"bundle": _zip_file(tmp_path, "first.zip")}
    if second_field == "bundle":
        files["bundle"] = [files["bundle"], _zip_file(tmp_path, "second.zip")]
    else:
        files[second_field] = _zip_file(tmp_path, "second.zip")

    page = support.post("/import/", files).content.decode()

    assert "Upload one bundle at a time: this upload held more than one file" in page
    assert uploads_left() == [] and SESSION_KEY not in support.session
    assert Child.objects.count() == 0


def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(support, settings):
    settings.SAFEGUARD_MAX_UPLOAD_BYTES = 1024 * 1024
    too_large = 1024 * 1024 + UPLOAD_ALLOWANCE_BYTES + 1

    # the body is small, but the request says it is larger: reading it would fail
    response = support.post(
        "/import/",
        {"bundle": SimpleUploadedFile("a.zip", b"PK", "application/zip")},
        CONTENT_LENGTH=str(too_large),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file must be smaller than 1 MB" in page
    assert uploads_left() == []


def test_an_upload_that_fails_midway_leaves_no_file(support, tmp_path, monkeypatch):
    received = BundleUploadHandler.receive_data_chunk

    def disk_full_after_the_first_chunk(handler, raw_data, start):
        if start > 0:
            raise OSError(28, "No space left on device")
        return received(handler, raw_data, start)

    monkeypatch.setattr(BundleUploadHandler, "chunk_size", 1024)
    monkeypatch.setattr(BundleUploadHandler, "receive_data_chunk", disk_full_after_the_first_chunk)
    content = bundle_zip(tmp_path, **GOOD) + b"\0" * 4096

    page = upload(support, content).content.decode()

    assert "The upload did not complete, and nothing of it was kept" in page
    assert uploads_left() == []


def test_a_failure_while_checking_the_upload_leaves_no_file(support, tmp_path, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("safeguard.exchange.views.uploaded_bundle_apply", broken)

    with pytest.raises(RuntimeError):
        upload(support, bundle_zip(tmp_path, **GOOD))

    assert uploads_left() == []


def test_the_upload_form_needs_a_file(support):
    page = support.post("/import/", {}).content.decode()

    assert "Select a bundle (.zip file)" in page


def test_an_upload_without_a_csrf_token_is_refused_and_leaves_no_file(signed_in_client, tmp_path):
    client = signed_in_client("business_support", enforce_csrf_checks=True)

    response = upload(client, bundle_zip(tmp_path, **GOOD))

    assert response.status_code == 403
    assert uploads_left() == []


def test_only_business_support_may_import(signed_in_client, tmp_path):
    for role in ("chair", "manager", "analyst", "auditor", "liaison_officer"):
        response = upload(signed_in_client(role), bundle_zip(tmp_path / role, **GOOD))
        assert response.status_code == 403, role
    assert not upload_folder().exists() or uploads_left() == []


# ---- exports ---------------------------------------------------------------------------------


def load(tmp_path):
    from safeguard.exchange.importer import bundle_import

    assert bundle_import(path=write_bundle(tmp_path / "records", **GOOD), by=None).ok


def test_the_whole_bundle_downloads_as_a_zip_and_is_audited(support, tmp_path):
    load(tmp_path)

    response = support.post("/exports/bundle/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="safeguard-bundle-\d{4}-\d\d-\d\d\.zip"',
        response["Content-Disposition"],
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "Amelia" in archive.read("children.csv").decode()
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == support.user and entry.record_id.startswith("safeguard-bundle-")


def test_an_analyst_downloads_only_the_pseudonymised_bundle(signed_in_client, tmp_path):
    load(tmp_path)
    analyst = signed_in_client("analyst")

    page = analyst.get("/exports/").content.decode()
    response = analyst.post("/exports/pseudonymised/")

    assert "Download the pseudonymised bundle" in page and "Download the bundle<" not in page
    assert analyst.post("/exports/bundle/").status_code == 403
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        children = archive.read("children.csv").decode()
    assert "Amelia" not in children and "C1," not in children
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == analyst.user and entry.summary.startswith("Pseudonymised")


def test_exports_leave_no_file_behind(signed_in_client, tmp_path):
    load(tmp_path)
    manager = signed_in_client("manager")

    manager.post("/exports/bundle/")
    manager.post("/exports/pseudonymised/")

    assert uploads_left() == []


def test_the_check_page_lists_the_rule_books_warnings_naming_each_record(support, tmp_path):
    from tests.bundles import conference

    unusual = {
        **GOOD,
        "conferences": [conference("K1", "C1", "initial", "2022-01-10")],  # no strategy date
    }
    page = upload(support, bundle_zip(tmp_path, **unusual)).content.decode()

    assert "Check what the import would change" in page
    assert (
        "conferences.csv:2: strategy_discussion_date: conference &#x27;K1&#x27;: R203 an initial "
        "conference with no strategy discussion date"
    ) in page
    assert Child.objects.count() == 0


def test_the_import_preview_counts_every_version_2_file(support, tmp_path):
    response = upload(support, bundle_zip(tmp_path, **version_2_files()))

    page = response.content.decode()
    assert "Check what the import would change" in page
    assert re.search(r"enquiries\.csv</th>\s*<td[^>]*>4</td>", page)
    assert re.search(r"escalation_steps\.csv</th>\s*<td[^>]*>3</td>", page)
    assert re.search(r"population\.csv</th>\s*<td[^>]*>2</td>", page)
    assert "unknown column" not in page

    support.post("/import/confirm/", {"token": support.session[SESSION_KEY]["token"],
                                      "action": "confirm"})  # fmt: skip
    assert Population.objects.count() == 2
