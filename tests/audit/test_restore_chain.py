"""Backups and restores are in the audit trail, and a restore does not rewind it: the entries
written after the backup are carried over with their hashes, the restore is recorded on top,
and `safeguard audit --verify` passes."""

from __future__ import annotations

import pytest

from safeguard import cli
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record, audit_verify
from safeguard.operations.commands import register
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cli_has_backup(monkeypatch):
    original = cli._extensions
    if register not in [r for r in original() if r.__module__ == register.__module__]:
        monkeypatch.setattr(cli, "_extensions", lambda: [*original(), register])


def run(*argv: str) -> int:
    return cli.main([str(a) for a in argv])


def _view(name: str, child_id: str) -> None:
    audit_record(actor=None, actor_name=name, action=AuditAction.VIEW, child_id=child_id)


def test_backup_more_activity_restore_keeps_the_trail_and_its_chain(tmp_path, capsys):
    for i in range(3):
        _view("before", f"C{i}")
    file = tmp_path / "nightly.safeguard-backup"
    assert run("backup", file) == 0
    assert AuditEntry.objects.filter(action=AuditAction.BACKUP, record_id=file.name).exists()
    later_user = make_user("chair", username="added-after-backup")
    _view("after", "C9")
    audit_record(actor=later_user, action=AuditAction.SIGN_IN, record_type="user")
    trail_before = list(
        AuditEntry.objects.order_by("sequence").values_list("sequence", "entry_hash", "summary")
    )

    assert run("restore", file, "--yes") == 0
    capsys.readouterr()

    trail_after = list(
        AuditEntry.objects.order_by("sequence").values_list("sequence", "entry_hash", "summary")
    )
    assert trail_after[: len(trail_before)] == trail_before  # nothing rewound, hashes unchanged
    restore = AuditEntry.objects.order_by("sequence").last()
    assert restore.action == AuditAction.RESTORE
    assert "3 audit entries written after the backup were carried over" in restore.summary
    assert AuditEntry.objects.filter(actor_name="after", child_id="C9").exists()
    assert audit_verify().intact
    assert run("audit", "--verify") == 0
    assert "intact" in capsys.readouterr().out
    _view("later still", "C1")  # the chain goes on from the restore
    assert audit_verify().intact


def test_a_restored_trail_that_is_not_the_start_of_the_old_one_leaves_it_aside(tmp_path, settings):
    """As after restoring another installation's backup: the trail before the restore is kept
    in a file in the data folder, which the restore entry names with the old head."""
    from safeguard.audit.continuity import trail_carry_over, trail_save

    settings.DATA_DIR = tmp_path
    _view("elsewhere", "C1")
    saved = tmp_path / "trail.jsonl"
    trail_save(saved)
    text = saved.read_text().replace('"actor_name": "elsewhere"', '"actor_name": "diverged"')
    text = text.replace('"entry_hash": "', '"entry_hash": "0')[:-1]
    saved.write_text(text + "\n")

    result = trail_carry_over(saved=saved, by=None, description="a backup")
    assert result.carried == 0 and result.set_aside.parent == tmp_path
    assert "diverged" in result.set_aside.read_text()
    restore = AuditEntry.objects.order_by("sequence").last()
    assert restore.action == AuditAction.RESTORE
    assert "is not the start of the trail before the restore" in restore.summary
    assert str(result.set_aside) in restore.summary
    assert audit_verify().intact
