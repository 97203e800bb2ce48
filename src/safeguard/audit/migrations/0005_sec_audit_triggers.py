"""Triggers that refuse UPDATE and DELETE on the audit trail, on SQLite and PostgreSQL."""

from django.db import migrations


def create(apps, schema_editor):
    from safeguard.audit.triggers import statements

    for sql in statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    from safeguard.audit.triggers import statements

    for sql in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_sec_audit_chain")]
    operations = [migrations.RunPython(create, drop)]
