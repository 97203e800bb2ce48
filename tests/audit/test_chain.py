"""The audit trail is tamper-evident: each entry is chained to the one before by SHA-256, the
database refuses UPDATE and DELETE on it, and `safeguard audit --verify` names the first entry
altered or deleted behind the application's back."""

import pytest
from django.db import DatabaseError, connection, transaction

from safeguard.audit.chain import fields_of, hash_of
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record, audit_verify
from safeguard.audit.triggers import statements
from safeguard.cli import build_parser

pytestmark = pytest.mark.django_db


def _run(*argv):
    args = build_parser().parse_args(list(argv))
    return args.handler(args)


def _trail(count: int = 4) -> list[AuditEntry]:
    return [
        audit_record(actor=None, actor_name=f"user{i}", action=AuditAction.VIEW, child_id=f"C{i}")
        for i in range(count)
    ]


def _behind_the_applications_back(sql: str, params: list) -> None:
    """What a database owner could do: lift the triggers, run raw SQL, put them back."""
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor, create=False):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in statements(connection.vendor, create=True):
            cursor.execute(statement)


def test_each_entry_holds_the_hash_of_the_one_before():
    entries = _trail()
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_hash == ""
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.entry_hash
    for entry in AuditEntry.objects.all():
        assert len(entry.entry_hash) == 64
        assert hash_of(fields_of(entry)) == entry.entry_hash


def test_an_untouched_trail_verifies(capsys):
    _trail()
    assert _run("audit", "--verify") == 0
    assert "intact: 4 entries" in capsys.readouterr().out


def test_an_entry_altered_with_raw_sql_is_named(capsys):
    entries = _trail()
    _behind_the_applications_back(
        "UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["someone", entries[2].pk]
    )
    assert _run("audit", "--verify") == 1
    err = capsys.readouterr().err
    assert f"entry {entries[2].pk} (number 3 in the chain, at " in err
    assert "altered" in err


def test_an_entry_deleted_with_raw_sql_is_found(capsys):
    entries = _trail()
    _behind_the_applications_back("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    assert _run("audit", "--verify") == 1
    err = capsys.readouterr().err
    assert f"entry {entries[2].pk} (number 3 in the chain" in err
    assert "number 2 to 2 before it are missing" in err


def test_entries_deleted_from_the_end_are_found(capsys):
    entries = _trail()
    _behind_the_applications_back("DELETE FROM audit_auditentry WHERE id = %s", [entries[3].pk])
    assert _run("audit", "--verify") == 1
    assert "deleted from the end of the trail" in capsys.readouterr().err


def test_an_entry_rechained_after_an_edit_still_breaks_the_next_one():
    entries = _trail()
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.summary = "nothing happened"
    _behind_the_applications_back(
        "UPDATE audit_auditentry SET summary = %s, entry_hash = %s WHERE id = %s",
        [forged.summary, hash_of(fields_of(forged)), forged.pk],
    )
    report = audit_verify()
    assert report.first_break.entry_id == entries[2].pk
    assert "does not follow" in report.first_break.why


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET summary = 'rewritten'",
        "DELETE FROM audit_auditentry",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry_with_raw_sql(sql):
    _trail(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(summary="rewritten").count() == 0
    assert AuditEntry.objects.count() == 2


def test_the_database_refuses_the_base_manager_too():
    _trail(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry._base_manager.all().update(summary="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry._base_manager.all()._raw_delete(connection.alias)
    assert AuditEntry.objects.get().summary == ""


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_instant_never_chain_to_the_same_entry():
    import threading
    import time

    from django.db import OperationalError, connections

    from safeguard.audit.models import AuditChainHead

    AuditChainHead.objects.all().delete()  # as after a flush: the writers also race to start it
    writers, each = 4, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            for i in range(each):
                for _ in range(500):
                    try:
                        audit_record(
                            actor=None,
                            actor_name=f"writer{number}",
                            action=AuditAction.VIEW,
                            child_id=f"C{i}",
                        )
                        break
                    except OperationalError as error:
                        # SQLite's shared-cache test database answers "locked" at once
                        # instead of waiting: waiting is not a failure, so try again.
                        if "locked" not in str(error):
                            raise
                        time.sleep(0.005)
                else:
                    raise AssertionError("the database stayed locked")
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(
        range(1, writers * each + 1)
    )
    report = audit_verify()
    assert report.intact and report.checked == writers * each
