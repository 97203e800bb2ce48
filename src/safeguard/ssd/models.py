"""What Safeguard remembers of the SSD extracts it has read (docs/ssd.md): each run, and each
record the last extract held, with its digest and its values as the extract gave them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsdRun(models.Model):
    """One import or sync of an SSD extract that was written (dry runs are not kept)."""

    started_at = models.DateTimeField()
    source = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    file_digests = models.JSONField(default=dict)
    unchanged = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    # the records added, changed and withdrawn: [kind, record id, action, detail]
    changes = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    # each row's digest and the person it is about (reader.Extract.row_digests), kept on the
    # latest run that wrote only, for the next sync to translate only the persons that changed
    row_digests = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M}"


class SsdHolding(models.Model):
    """A record the last extract held: `source_id` is the SSD's id (as Safeguard derives it),
    `record_id` the Safeguard record it matched (a conference a chair recorded first keeps its
    own id). Kind `child` holds the digest of all of the child's records in the extract, so an
    unchanged child is passed over without being compared field by field."""

    kind = models.CharField(max_length=20)
    source_id = models.CharField(max_length=200)
    record_id = models.CharField(max_length=200)
    child_id = models.CharField(max_length=64, db_index=True)
    digest = models.CharField(max_length=64)
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="ssd_holding_unique")
        ]
        indexes = [models.Index(fields=["kind", "record_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"
