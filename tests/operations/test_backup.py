"""`safeguard backup` and `safeguard restore`: a backup restores every table exactly, and a
damaged, foreign or mismatched file is refused with a clear message before anything changes.

Runs on whichever database the suite runs on (SQLite in memory, or PostgreSQL's test_test)."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from django.db import connection

from safeguard import cli
from safeguard.audit.models import AuditChainHead, AuditEntry
from safeguard.cases.models import Child, Plan
from safeguard.conferences.models import Conference
from safeguard.data_version.models import DataVersion
from safeguard.demo.synthetic import write_synthetic_bundle
from safeguard.escalations.models import Escalation
from safeguard.exchange.importer import bundle_import
from safeguard.operations import backup
from safeguard.operations.commands import register
from tests.factories import make_user

# A restore replaces the database underneath the connection, so these tests cannot run inside
# the transaction that an ordinary test is rolled back with.
transactional = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cli_has_backup(monkeypatch):
    """Until safeguard.cli lists safeguard.operations.commands among its extensions."""
    original = cli._extensions
    if register not in [r for r in original() if r.__module__ == register.__module__]:
        monkeypatch.setattr(cli, "_extensions", lambda: [*original(), register])


def run(*argv: str) -> int:
    return cli.main([str(a) for a in argv])


def tables_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            snapshot[table] = sorted(cursor.fetchall(), key=repr)
    return snapshot


@pytest.fixture
def authority(tmp_path):
    """A small authority (synthetic records, users, audit entries) in the database."""
    folder = tmp_path / "bundle"
    write_synthetic_bundle(folder, children=40, years=3, seed=7)
    result = bundle_import(path=folder, by=None)
    assert result.ok, result.problems
    make_user("chair", username="chair-before")
    make_user("manager", username="manager-before")
    return folder


def change_records() -> None:
    child = Child.objects.order_by("pk").first()
    Child.objects.filter(pk=child.pk).update(given_name="Changed-after-backup")
    Conference.objects.filter(pk__in=Conference.objects.order_by("pk").values("pk")[:5]).delete()
    Escalation.objects.order_by("pk").last().delete()
    Plan.objects.filter(child=child).update(end_reason="changed")
    make_user("analyst", username="added-after-backup")


@transactional
def test_a_backup_restores_every_table_exactly(authority, tmp_path, capsys, monkeypatch):
    file = tmp_path / "nightly.safeguard-backup"
    before = tables_snapshot()
    assert sum(len(rows) for rows in before.values()) > 500

    assert run("backup", file) == 0
    assert f"to {file}" in capsys.readouterr().out
    with zipfile.ZipFile(file) as archive:
        stored = json.loads(archive.read("manifest.json"))
    assert stored["format"] == "safeguard-backup"
    assert stored["engine"] == connection.vendor
    assert ["cases", "0001_initial"] in stored["migrations"]
    assert run("restore", file, "--check") == 0
    assert "its checksum is correct" in capsys.readouterr().out

    change_records()
    changed = tables_snapshot()
    assert changed != before
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run("restore", file) == 1, "without --yes and no terminal to ask, nothing happens"
    assert "--yes" in capsys.readouterr().err
    assert tables_snapshot() == changed

    assert run("restore", file, "--yes") == 0
    assert "Restored" in capsys.readouterr().out
    after = tables_snapshot()
    assert after.keys() == before.keys()
    version = DataVersion._meta.db_table  # not records: a restore moves it on, so nothing kept
    assert after[version] != before[version]  # from before the restore is served after it
    # The audit trail is not rewound: it keeps the backup's and the restore's entries on top
    # (tests/audit/test_restore_chain.py).
    trail = {AuditEntry._meta.db_table, AuditChainHead._meta.db_table}
    for table in before.keys() - {version} - trail:
        assert after[table] == before[table], f"{table} differs after the restore"
    entries = AuditEntry._meta.db_table
    assert after[entries][: len(before[entries])] == before[entries]

    # The restored database takes new records (its keys and sequences are intact).
    make_user("chair", username="added-after-restore")


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(tmp_path, capsys):
    file = tmp_path / "taken.zip"
    file.write_bytes(b"an earlier backup")
    assert run("backup", file) == 1
    assert "already exists" in capsys.readouterr().err
    assert file.read_bytes() == b"an earlier backup"


# ---- refused files ----------------------------------------------------------------------------


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1 :]


def _payload_span(file: Path) -> tuple[int, int]:
    with zipfile.ZipFile(file) as archive:
        name = json.loads(archive.read("manifest.json"))["payload"]
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return start, start + info.compress_size


def _manifest_span(file: Path) -> tuple[int, int]:
    with zipfile.ZipFile(file) as archive:
        info = archive.getinfo("manifest.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return start, start + info.compress_size


def _rezip(file: Path, target: Path, **manifest_changes) -> Path:
    with zipfile.ZipFile(file) as source, zipfile.ZipFile(target, "w") as out:
        manifest = json.loads(source.read("manifest.json"))
        data = source.read(manifest["payload"])
        manifest.update(manifest_changes)
        out.writestr("manifest.json", json.dumps(manifest))
        out.writestr(manifest["payload"], data)
    return target


@pytest.fixture
def good_backup(authority, tmp_path):
    file = tmp_path / "good.zip"
    backup.backup_write(path=file)
    change_records()  # so that a restore, wrongly let through, would show
    return file


def _assert_refused(file: Path, capsys, *words: str) -> None:
    before = tables_snapshot()
    assert run("restore", file, "--yes") == 1
    message = capsys.readouterr().err
    assert message.startswith("safeguard: ")
    assert "Traceback" not in message
    for word in words:
        assert word in message, message
    assert tables_snapshot() == before


@transactional
def test_a_damaged_foreign_or_mismatched_backup_is_refused_and_nothing_changes(
    good_backup, tmp_path, capsys
):
    data = good_backup.read_bytes()
    chooser = random.Random(10)
    spans = [_payload_span(good_backup)] * 4 + [_manifest_span(good_backup)]
    for number, (start, end) in enumerate(spans):
        damaged = tmp_path / f"damaged-{number}.zip"
        damaged.write_bytes(_flip(data, chooser.randrange(start, end)))
        _assert_refused(damaged, capsys, "is damaged", "nothing was changed")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    _assert_refused(truncated, capsys, "is damaged", "nothing was changed")

    # foreign files: not a zip, empty, somebody else's zip or manifest, missing
    text = tmp_path / "notes.txt"
    text.write_text("Not a backup at all.\n")
    _assert_refused(text, capsys, "is not a Safeguard backup", "nothing was changed")

    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    _assert_refused(empty, capsys, "is not a Safeguard backup")

    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("holiday.jpg", random.Random(1).randbytes(5000))
    _assert_refused(other_zip, capsys, "is not a Safeguard backup", "without a Safeguard manifest")

    other_manifest = _rezip(good_backup, tmp_path / "other.zip", format="somebody-else")
    _assert_refused(other_manifest, capsys, "is not a Safeguard backup")

    _assert_refused(tmp_path / "missing.zip", capsys, "no such file")

    # a backup of the other engine
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    file = _rezip(
        good_backup, tmp_path / "other-engine.zip", engine=other, payload=backup.PAYLOADS[other]
    )
    _assert_refused(file, capsys, "but this installation uses", "safeguard export")

    # a backup from a newer Safeguard (a migration this version does not know)
    with zipfile.ZipFile(good_backup) as archive:
        migrations = json.loads(archive.read("manifest.json"))["migrations"]
    file = _rezip(
        good_backup,
        tmp_path / "newer.zip",
        migrations=[*migrations, ["cases", "9999_from_the_future"]],
        safeguard_version="99.0",
    )
    _assert_refused(file, capsys, "newer Safeguard", "cases.9999_from_the_future")

    # a checksum that does not match the data
    file = _rezip(good_backup, tmp_path / "sum.zip", payload_sha256="0" * 64)
    _assert_refused(file, capsys, "does not match the checksum")


@pytest.mark.django_db
@pytest.mark.postgresql
def test_pg_tools_older_than_the_server_are_named(monkeypatch, tmp_path):
    real_run = backup.subprocess.run

    def old_version(command, *args, **kwargs):
        if command[-1] == "--version":
            return real_run(["echo", "pg_dump (PostgreSQL) 11.22"], *args, **kwargs)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", old_version)
    with pytest.raises(backup.BackupError, match="pg_dump is version 11 but the database server"):
        backup.backup_write(path=tmp_path / "b.zip", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert not (tmp_path / "b.zip").exists()


def test_a_backup_holding_a_member_twice_is_refused_naming_it(tmp_path):
    file = tmp_path / "twice.zip"
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(file, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "somebody"}))
        archive.writestr("manifest.json", json.dumps({"format": backup.FORMAT}))

    with pytest.raises(backup.BackupError, match="holds manifest.json twice"):
        backup.backup_check(path=file)
