"""Issued editions of the report, and the manager's commentary that goes into one.

An edition is the report as it was issued: its figures (the contract's JSON), the data version
they were read at, every rendered file (for each audience), who issued it and when. Nothing
regenerates an edition's files: a download reads the stored bytes. The records may change
afterwards; `reporting.editions.edition_changes` says which figures now read differently."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportCommentary(models.Model):
    """What the manager writes for a period's report before issuing it: an executive summary,
    a commentary per section (by the section's key), the priorities for the next period, and
    what was done about the previous edition's priorities. An edition copies it when issued."""

    start_on = models.DateField()
    end_on = models.DateField()
    executive_summary = models.TextField(blank=True)
    # {"timeliness": "text", ...}
    sections = models.JSONField(default=dict, blank=True)
    # [{"text": "...", "figure": "timeliness.period.compliance_percent"}, ...]
    priorities = models.JSONField(default=list, blank=True)
    # {"1": "what we did about the previous edition's priority 1", ...}
    progress = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["start_on", "end_on"], name="one_commentary_a_period")
        ]

    def __str__(self) -> str:
        return f"Commentary {self.start_on} to {self.end_on}"


class Edition(models.Model):
    edition_id = models.CharField(max_length=60, unique=True)
    start_on = models.DateField()
    end_on = models.DateField()
    count_by = models.CharField(max_length=10)
    include_informal = models.BooleanField(default=False)
    generated_on = models.DateField()
    data_version = models.CharField(max_length=200)
    # The internal report's figures (report_to_json), as issued.
    figures = models.JSONField()
    # The commentary as issued (ReportCommentary's fields, and the previous edition's id).
    commentary = models.JSONField(default=dict, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by_name = models.CharField(max_length=150)
    # The day its identifiers were withdrawn (decision 0026): its internal files deleted and its
    # figures kept as the members' version gives them. None while it keeps them.
    identifiers_withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.edition_id


class EditionFile(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="files")
    audience = models.CharField(max_length=10)
    report_format = models.CharField(max_length=10)
    filename = models.CharField(max_length=200)
    media_type = models.CharField(max_length=120)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "audience", "report_format"], name="one_file_a_format"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class EditionRequestStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    ISSUING = "issuing", "Being issued"
    ISSUED = "issued", "Issued"
    FAILED = "failed", "Not issued"


class EditionRequest(models.Model):
    """A manager's request, on the web, to issue the report for a period: the task worker
    (`safeguard worker`) issues it, as preparing every file takes up to a minute. The CLI's
    `--issue` issues at once and makes none."""

    start_on = models.DateField()
    end_on = models.DateField()
    count_by = models.CharField(max_length=10)
    include_informal = models.BooleanField(default=False)
    generated_on = models.DateField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_name = models.CharField(max_length=150)
    status = models.CharField(
        max_length=10, choices=EditionRequestStatus.choices, default=EditionRequestStatus.QUEUED
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    edition = models.ForeignKey(
        Edition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why it was not issued, in words for the manager (the worker's log has any traceback).
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Edition request {self.pk} ({self.start_on} to {self.end_on}, {self.status})"
