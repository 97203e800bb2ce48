"""PostgreSQL: the application's role may add audit entries but not change, delete or truncate
them; every migrate (a restore's too) sets that up when SAFEGUARD_DB_APP_ROLE names the role."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.roles import app_role_privileges
from safeguard.audit.services import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql,
]


@pytest.fixture
def app_role():
    role = f"{connection.settings_dict['NAME']}_app"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {connection.ops.quote_name(role)}")
    return role


def _as(role: str, sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        cursor.execute(sql)


def test_the_application_role_adds_entries_but_cannot_change_delete_or_truncate(app_role):
    audit_record(actor=None, action=AuditAction.VIEW, child_id="C1")
    with override_settings(SAFEGUARD_DB_APP_ROLE=app_role):
        app_role_privileges(using="default")
    _as(app_role, "SELECT count(*) FROM audit_auditentry")
    _as(app_role, "UPDATE audit_auditchainhead SET sequence = sequence")  # the head moves on
    for sql in (
        "UPDATE audit_auditentry SET summary = 'x'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry CASCADE",
    ):
        with pytest.raises(DatabaseError, match="permission denied"):
            _as(app_role, sql)
    assert AuditEntry.objects.count() == 1
