from django.db import models
from django.db.models import Q

from safeguard.cases.models import Area, Child
from safeguard.conferences.models import Conference
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


class EscalationStep(models.Model):
    """A dated step in an escalation's history: a change of stage, a note, or both
    (escalation_steps.csv). The escalation's own `stage` is its latest step's stage."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    on = models.DateField()
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["escalation", "on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__isnull=True) | Q(stage__in=[1, 2, 3]),
                name="escalation_step_stage_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.escalation_id} on {self.on}"


class GoodPractice(models.Model):
    """A chair's commendation of an agency or professional, recorded beside escalations."""

    recorded_on = models.DateField()
    organisation_type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT)
    organisation_name = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    conference = models.ForeignKey(
        "conferences.Conference", null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField()
    recorded_by = models.ForeignKey(
        "conferences.Chair", null=True, blank=True, on_delete=models.PROTECT
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name_plural = "good practice"

    def __str__(self) -> str:
        return f"Good practice: {self.organisation_type} on {self.recorded_on}"


# Reasons about an agency's part in a meeting (its report, apologies, attendance): an escalation
# for one of them raised from a conference is about every child of that conference's meeting,
# a sibling group's children alike (issue 17).
MEETING_REASONS = (
    EscalationReason.NO_REPORT_NO_APOLOGIES,
    EscalationReason.NO_REPORT,
    EscalationReason.NO_APOLOGIES,
    EscalationReason.LATE_REPORT,
    EscalationReason.NON_ATTENDANCE,
)


def escalations_about(children: models.QuerySet[Child]) -> Q:
    """The escalations about any of `children`: those naming the child, and those about an
    agency at a meeting where one of them was conferenced (the meeting's sibling group). A
    subquery, so that a query filtered by it has no duplicate rows."""
    meetings = Conference.objects.filter(child__in=children).values("meeting_id")
    return Q(child__in=children) | Q(
        reason__in=MEETING_REASONS, conference__meeting_id__in=meetings
    )


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
