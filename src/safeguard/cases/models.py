from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from safeguard.domain.vocabulary import ALERT_ROLES, ENQUIRY_OUTCOMES, PLAN_CATEGORIES


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
    disability = models.BooleanField(null=True, blank=True)
    family_id = models.CharField("family id", max_length=64, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["child_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sex__in=["", "M", "F", "U"]), name="child_sex_known"
            ),
            # Ids are matched whatever their capitals (docs/decisions/0020): "c001" is C001,
            # so no two children may have ids that differ only in capitals.
            models.UniqueConstraint(
                Lower("child_id"),
                name="child_id_unique_whatever_capitals",
                violation_error_message="A child with this id is already recorded",
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
    team = models.CharField(max_length=150, blank=True)
    staff_id = models.CharField(max_length=64, blank=True)
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


class EnquiryOutcome(models.TextChoices):
    CONFERENCE = ENQUIRY_OUTCOMES.choice("conference")
    NO_FURTHER_ACTION = ENQUIRY_OUTCOMES.choice("no_further_action")


class Enquiry(models.Model):
    """A section 47 enquiry and the strategy discussion that started it (enquiries.csv).

    While its outcome is `conference` or blank it waits for its child's initial conference
    (docs/exchange-format.md); that conference is due 15 working days after the discussion."""

    enquiry_id = models.CharField(max_length=64, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enquiries")
    strategy_discussion_on = models.DateField(db_index=True)
    outcome = models.CharField(max_length=20, choices=EnquiryOutcome.choices, blank=True)
    end_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["strategy_discussion_on", "enquiry_id"]
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["", *EnquiryOutcome.values]),
                name="enquiry_outcome_known",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("strategy_discussion_on")),
                name="enquiry_ends_on_or_after_strategy_discussion",
            ),
        ]
        indexes = [models.Index(fields=["child", "strategy_discussion_on"])]

    def __str__(self) -> str:
        return self.enquiry_id


class Visit(models.Model):
    """A statutory visit to a child on a plan (the SSD's ssd_cp_visits)."""

    visit_id = models.CharField(max_length=64, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visited_on = models.DateField()
    seen = models.BooleanField(null=True, blank=True)
    seen_alone = models.BooleanField(null=True, blank=True)
    bedroom_seen = models.BooleanField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["child", "visited_on", "visit_id"]
        indexes = [models.Index(fields=["child", "visited_on"])]

    def __str__(self) -> str:
        return self.visit_id


class Population(models.Model):
    """The authority's resident children aged 0-17 in a year (ONS mid-year estimate,
    population.csv), for rates per 10,000."""

    year = models.PositiveSmallIntegerField(unique=True)
    children = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.children} children"
