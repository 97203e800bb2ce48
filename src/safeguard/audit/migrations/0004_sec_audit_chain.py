"""The hash chain over the entries already in the trail, oldest (lowest id) first, and its head."""

from django.db import migrations


def chain_existing_entries(apps, schema_editor):
    from safeguard.audit.chain import fields_of, hash_of

    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    sequence, previous = 0, ""
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        sequence += 1
        entry.sequence, entry.previous_hash = sequence, previous
        entry.entry_hash = hash_of(fields_of(entry))
        AuditEntry.objects.filter(pk=entry.pk).update(
            sequence=sequence, previous_hash=previous, entry_hash=entry.entry_hash
        )
        previous = entry.entry_hash
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"sequence": sequence, "entry_hash": previous}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sec_audit_no_children_values")]
    operations = [migrations.RunPython(chain_existing_entries, migrations.RunPython.noop)]
