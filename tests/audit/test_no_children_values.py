"""The audit trail keeps ids and field names, never a child's personal values: a change to a
child's name, date of birth or any free text is stored as a keyed hash (HMAC-SHA256), so it
stays provable but unreadable; ids, codes, statuses and the dates of the work stay in clear."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.privacy import value_hash
from safeguard.audit.services import audit_hash_key, audit_record, audit_verify
from safeguard.cases.services import child_update, plan_update
from tests.factories import make_child, make_plan, make_user

pytestmark = pytest.mark.django_db


def _latest() -> AuditEntry:
    return AuditEntry.objects.latest("id")


def test_a_change_to_a_childs_personal_fields_is_stored_as_keyed_hashes():
    child = make_child(given_name="Amelia", date_of_birth=dt.date(2015, 6, 14))
    child_update(
        child=child,
        expected_version=child.version,
        by=make_user("business_support"),
        given_name="Zara",
        date_of_birth=dt.date(2015, 7, 1),
    )
    changes = _latest().changes
    assert set(changes) == {"given_name", "date_of_birth"}  # the field names stay
    assert "Amelia" not in str(changes) and "Zara" not in str(changes)
    assert "2015" not in str(changes)
    key = audit_hash_key()
    # provable by whoever holds the key and the values
    assert changes["given_name"] == [value_hash("Amelia", key=key), value_hash("Zara", key=key)]
    assert changes["date_of_birth"][1] == value_hash("2015-07-01", key=key)


def test_a_plan_keeps_its_dates_and_codes_but_hashes_its_free_text():
    plan = make_plan(child=make_child())
    plan_update(
        plan=plan,
        expected_version=plan.version,
        by=make_user("business_support"),
        end_on=dt.date(2023, 1, 9),
        end_reason="Moved in with her aunt Mrs Testchild",
        latest_category="NEG",
    )
    changes = _latest().changes
    assert changes["end_on"] == [None, "2023-01-09"]
    assert changes["latest_category"][1] == "NEG"
    assert changes["end_reason"][1].startswith("hmac-sha256:")
    assert "aunt" not in str(changes)


def test_staff_records_are_kept_in_clear():
    audit_record(
        actor=None, action=AuditAction.CHANGE, record_type="user", changes={"role": ("a", "b")}
    )
    assert _latest().changes == {"role": ["a", "b"]}


def test_the_key_is_the_dedicated_setting_when_there_is_one():
    with override_settings(SAFEGUARD_AUDIT_HASH_KEY="a-dedicated-key-kept-elsewhere"):
        audit_record(
            actor=None,
            action=AuditAction.CHANGE,
            record_type="child",
            changes={"family_name": ("Old", "New")},
        )
        assert _latest().changes["family_name"][1] == value_hash(
            "New", key=b"a-dedicated-key-kept-elsewhere"
        )
    default_key = audit_hash_key()
    assert default_key != b"a-dedicated-key-kept-elsewhere"
    assert default_key.hex() not in str(AuditEntry.objects.values_list("changes", flat=True))


@pytest.mark.django_db(transaction=True)
def test_names_already_in_the_trail_are_hashed_before_the_chain_is_first_computed():
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
    OldEntry = old_apps.get_model("audit", "AuditEntry")
    at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    OldEntry.objects.create(
        at=at,
        actor_name="ann",
        action="change",
        record_type="child",
        record_id="C1",
        child_id="C1",
        changes={"family_name": ["Smith", "Jones"], "child_id": ["C1", "C1"]},
    )
    OldEntry.objects.create(
        at=at, actor_name="ben", action="change", record_type="user", changes={"role": ["a", "b"]}
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    child_entry = AuditEntry.objects.get(record_type="child")
    assert child_entry.changes["family_name"] == [
        value_hash("Smith", key=audit_hash_key()),
        value_hash("Jones", key=audit_hash_key()),
    ]
    assert child_entry.changes["child_id"] == ["C1", "C1"]
    assert AuditEntry.objects.get(record_type="user").changes == {"role": ["a", "b"]}
    assert [e.sequence for e in AuditEntry.objects.order_by("id")] == [1, 2]
    assert audit_verify().intact
    audit_record(actor=None, action=AuditAction.VIEW, child_id="C1")  # the chain goes on
    assert audit_verify().intact
