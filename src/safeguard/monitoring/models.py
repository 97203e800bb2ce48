from django.db import models
from django.db.models import Q

from safeguard.cases.models import Plan
from safeguard.domain.vocabulary import ALERT_ROLES


class CheckKind(models.TextChoices):
    MIDWAY = "midway", "Midway check"
    PRE_REVIEW = "pre_review", "Pre-review check"


class CheckOutcome(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    CONCERNS = "concerns", "Concerns"


class MonitoringCheck(models.Model):
    """A chair's check between conferences that the plan is progressing."""

    check_id = models.CharField(max_length=64, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    completed_on = models.DateField()
    chair = models.ForeignKey("conferences.Chair", null=True, blank=True, on_delete=models.PROTECT)
    core_groups_on_track = models.BooleanField(null=True, blank=True)
    visits_on_track = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=CheckOutcome.choices)
    alerted_social_worker = models.BooleanField(default=False)
    alerted_practice_supervisor = models.BooleanField(default=False)
    alerted_team_manager = models.BooleanField(default=False)
    # The chair's words about the concerns: read on the child's page (with the area check),
    # never put into the alert email, which carries no case text (issue 18, finding 12).
    concern = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["check_id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CheckKind.values), name="check_kind_known"),
            models.CheckConstraint(
                condition=Q(outcome__in=CheckOutcome.values), name="check_outcome_known"
            ),
        ]
        indexes = [models.Index(fields=["completed_on", "kind"])]

    def __str__(self) -> str:
        return self.check_id

    @property
    def roles_alerted(self) -> list[str]:
        return [role for role in ALERT_ROLES if getattr(self, f"alerted_{role}")]

    @property
    def roles_alerted_labels(self) -> list[str]:
        return [ALERT_ROLES.label(role) for role in self.roles_alerted]

    @property
    def alert_deliveries(self) -> list:
        """Each recipient's delivery of the alert after this check (RecipientDelivery rows;
        safeguard.cases.selectors.child_record prefetches them)."""
        return [d for n in self.notifications.all() for d in n.deliveries.all()]

    @property
    def alert_not_delivered(self) -> bool:
        """Whether the chair's concern has not reached everyone it was for: an alert failed for
        a recipient or stayed queued too long, or found nobody with an email in a role the
        chair alerted."""
        notifications = list(self.notifications.all())
        return any(d.status == "failed" or d.overdue for d in self.alert_deliveries) or any(
            n.note and n.kind == "alert" for n in notifications
        )
