"""Children's personal values already in the trail become keyed hashes (safeguard.audit.privacy),
before the hash chain is first computed (0004), so the chain covers the cleaned entries."""

from django.db import migrations


def hash_personal_values(apps, schema_editor):
    from safeguard.audit.privacy import changes_for_trail
    from safeguard.audit.services import audit_hash_key

    AuditEntry = apps.get_model("audit", "AuditEntry")
    key = audit_hash_key()
    for entry in AuditEntry.objects.exclude(changes={}).iterator(chunk_size=2000):
        cleaned = changes_for_trail(entry.record_type, entry.changes or {}, key=key)
        if cleaned != entry.changes:
            AuditEntry.objects.filter(pk=entry.pk).update(changes=cleaned)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_sec_audit_chain_fields")]
    operations = [migrations.RunPython(hash_personal_values, migrations.RunPython.noop)]
