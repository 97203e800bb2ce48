from django.db import models
from django.db.models import Q

from safeguard.cases.models import Area, Child
from safeguard.domain.vocabulary import ESCALATION_REASONS


class OrganisationType(models.Model):
    """The authority's own list of agency categories (e.g. "GP's", "PPU"), kept as data."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EscalationReason(models.TextChoices):
    NO_REPORT_NO_APOLOGIES = ESCALATION_REASONS.choice("no_report_no_apologies")
    NO_REPORT = ESCALATION_REASONS.choice("no_report")
    NO_APOLOGIES = ESCALATION_REASONS.choice("no_apologies")
    LATE_REPORT = ESCALATION_REASONS.choice("late_report")
    NON_ATTENDANCE = ESCALATION_REASONS.choice("non_attendance")
    PLAN_NOT_PROGRESSING = ESCALATION_REASONS.choice("plan_not_progressing")
    OTHER = ESCALATION_REASONS.choice("other")


class Escalation(models.Model):
    """A professional's escalation raised by a chair (the dispute-resolution process)."""

    escalation_id = models.CharField(max_length=64, unique=True)
    raised_on = models.DateField()
    organisation_type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT)
    organisation_name = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.CharField(max_length=24, choices=EscalationReason.choices)
    formal = models.BooleanField(default=True)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    conference = models.ForeignKey(
        "conferences.Conference", null=True, blank=True, on_delete=models.SET_NULL
    )
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT)
    raised_by = models.ForeignKey(
        "conferences.Chair", null=True, blank=True, on_delete=models.PROTECT
    )
    resolved_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["escalation_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=EscalationReason.values), name="escalation_reason_known"
            ),
            models.CheckConstraint(
                condition=Q(stage__isnull=True) | Q(stage__in=[1, 2, 3]),
                name="escalation_stage_1_to_3",
            ),
        ]
        indexes = [models.Index(fields=["raised_on", "formal"])]

    def __str__(self) -> str:
        return self.escalation_id


class SeniorLiaisonOfficer(models.Model):
    """A partner agency's Senior Liaison Officer, who receives each quarter's digest of the
    formal escalations raised within their cover (docs/decisions/0006-liaison-cover.md).

    The cover is the organisation types crossed with the areas: an escalation is within it when
    its organisation type is one of `organisation_types` and its area is one of `areas` (or it
    has no area and `covers_unassigned_areas` is set)."""

    name = models.CharField(max_length=150, unique=True)
    email = models.EmailField()
    cover_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="How the digest's subject names the cover, e.g. 'North (Health)'.",
    )
    organisation_types = models.ManyToManyField(
        OrganisationType, blank=True, related_name="liaison_officers"
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="liaison_officers")
    covers_unassigned_areas = models.BooleanField(
        default=False, help_text="Also covers the escalations recorded without an area."
    )
    user = models.OneToOneField(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="senior_liaison_officer",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NotificationKind(models.TextChoices):
    DIGEST = "digest", "Escalations digest"
    ALERT = "alert", "Alert after a chair's check"
    REMINDER = "reminder", "Reminder to a chair"


class Notification(models.Model):
    """One email that Safeguard sent (or tried to send): a digest, an alert or a reminder.

    `key` names what the email is about ("digest:2022Q3:<officer>", "alert:<check id>",
    "reminder:<date>:<chair>"), so the same email is never sent twice. The row is created in the
    transaction that sends the email: a failed sending leaves no row and can be tried again. An
    alert that found nobody to send to is kept with `sent_at` empty and a note saying why.
    Subjects and bodies never hold a child's name (child ids only)."""

    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    recipients = models.JSONField(default=list, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    officer = models.ForeignKey(
        SeniorLiaisonOfficer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    chair = models.ForeignKey(
        "conferences.Chair", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    monitoring_check = models.ForeignKey(
        "monitoring.MonitoringCheck",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    child_id = models.CharField(max_length=64, blank=True)
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return self.key

    @property
    def delivered(self) -> bool:
        return self.sent_at is not None
