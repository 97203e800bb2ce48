from django.db import models
from django.db.models import F, Q

from safeguard.domain.vocabulary import ALERT_ROLES, PLAN_CATEGORIES


class Area(models.Model):
    """A locality or team area; routes escalation digests and scopes liaison officers."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown"


class PlanCategory(models.TextChoices):
    NEGLECT = PLAN_CATEGORIES.choice("NEG")
    PHYSICAL = PLAN_CATEGORIES.choice("PHY")
    SEXUAL = PLAN_CATEGORIES.choice("SAB")
    EMOTIONAL = PLAN_CATEGORIES.choice("EMO")
    MULTIPLE = PLAN_CATEGORIES.choice("MUL")


class Child(models.Model):
    child_id = models.CharField("child id", max_length=64, unique=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["child_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sex__in=["", "M", "F", "U"]), name="child_sex_known"
            ),
        ]

    def __str__(self) -> str:
        return self.child_id

    @property
    def full_name(self) -> str:
        return " ".join(n for n in (self.given_name, self.family_name) if n)


class Plan(models.Model):
    """A child protection plan. A child's plans never overlap (checked by the services, and by
    a database trigger); a plan runs from its start date up to, not including, its end date."""

    plan_id = models.CharField(max_length=64, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    initial_category = models.CharField(max_length=3, choices=PlanCategory.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=PlanCategory.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    # The open plan's diary, derived by safeguard.domain.timeliness.plan_schedule and kept
    # current with the conferences' verdicts; blank once the plan has ended.
    last_conference_on = models.DateField(null=True, blank=True)
    next_review_due_on = models.DateField(null=True, blank=True, db_index=True)
    midway_check_due_on = models.DateField(null=True, blank=True, db_index=True)
    pre_review_check_due_on = models.DateField(null=True, blank=True, db_index=True)
    first_core_group_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="plan_ends_on_or_after_start",
            ),
            models.CheckConstraint(
                condition=Q(initial_category__in=["", *PlanCategory.values])
                & Q(latest_category__in=["", *PlanCategory.values]),
                name="plan_category_known",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "start_on"]),
            models.Index(fields=["start_on", "end_on"]),
        ]

    def __str__(self) -> str:
        return self.plan_id


class AllocationRole(models.TextChoices):
    SOCIAL_WORKER = ALERT_ROLES.choice("social_worker")
    PRACTICE_SUPERVISOR = ALERT_ROLES.choice("practice_supervisor")
    TEAM_MANAGER = ALERT_ROLES.choice("team_manager")


class Allocation(models.Model):
    """Who holds a child's case, in which role, and from when (allocations.csv)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    role = models.CharField(max_length=20, choices=AllocationRole.choices)
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    from_on = models.DateField()
    to_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["child", "role", "from_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "role", "name", "from_on"], name="allocation_unique"
            ),
            models.CheckConstraint(
                condition=Q(to_on__isnull=True) | Q(to_on__gte=F("from_on")),
                name="allocation_ends_on_or_after_start",
            ),
            models.CheckConstraint(
                condition=Q(role__in=AllocationRole.values), name="allocation_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name} for {self.child}"
