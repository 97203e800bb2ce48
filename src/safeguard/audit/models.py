from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    IMPORT = "import", "Imported"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    SEND = "send", "Sent"
    RECOMPUTE = "recompute", "Recomputed"
    BACKUP = "backup", "Backed up"
    RESTORE = "restore", "Restored"


# The record types written with a code's underscores, as a page names them. The trail keeps the
# type as it was written (its hash chain covers it); only the page reads it as words.
RECORD_TYPE_LABELS = {
    "annex_a": "Annex A",
    "break_glass": "break-glass access",
    "break_glass_form": "break-glass form",
    "cin_census": "CIN census",
    "liaison_cover": "liaison cover",
    "ssd_extract": "SSD extract",
    "ssd_reconciliation": "SSD reconciliation",
    "user_areas": "user's areas",
}


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only: entries cannot be changed.")

    def delete(self):
        raise PermissionError("The audit trail is append-only: entries cannot be deleted.")


class AuditEntry(models.Model):
    """One thing somebody did. Append-only: the application never changes or deletes one."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    record_type = models.CharField(max_length=50, blank=True)
    record_id = models.CharField(max_length=100, blank=True)
    child_id = models.CharField(max_length=100, blank=True, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # The ids of the children a page showed (a search, a meeting, a list), space-separated.
    shown_ids = models.TextField(blank=True)
    # The hash chain (safeguard.audit.chain): the entry's place in the trail, the hash of the
    # entry before it, and SHA-256 over this entry's fields and that hash.
    sequence = models.BigIntegerField(unique=True, null=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor_name", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.record_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only: entries cannot be deleted.")

    @property
    def record_type_label(self) -> str:
        """The record type in words: "CIN census", not "cin_census"."""
        return RECORD_TYPE_LABELS.get(self.record_type, self.record_type.replace("_", " "))


class AuditChainHead(models.Model):
    """One row: the last entry of the chain. Writers lock it (SELECT ... FOR UPDATE) so that two
    of them never chain to the same predecessor; it also lets `audit --verify` notice entries
    deleted from the end of the trail."""

    sequence = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain head: entry {self.sequence}"
