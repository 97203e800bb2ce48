"""Records of the DfE CIN census that the exchange format has no place for.

Each hangs off a child (or a plan) of safeguard.cases and goes with it when it is removed. They
are written only by the census import (`safeguard.census.importer`) and Annex A's, in the same
transaction as the children, plans and conferences of the file."""

from django.db import models
from django.db.models import F, Q

from safeguard.cases.models import Child, Plan


class CinEpisode(models.Model):
    """A <CINdetails> episode: the referral that opened it, and how it closed.

    `initial_conference_on` is the episode's own DateOfInitialCPC: an initial conference
    recorded without a section 47 enquiry."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cin_episodes")
    referral_on = models.DateField()
    referral_source = models.CharField(max_length=4, blank=True)
    primary_need_code = models.CharField(max_length=4, blank=True)
    closure_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=4, blank=True)
    referral_nfa = models.BooleanField(null=True, blank=True)
    initial_conference_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "referral_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "referral_on"], name="cin_episode_unique_child_referral"
            ),
        ]

    def __str__(self) -> str:
        return f"CIN episode of {self.child_id} from {self.referral_on}"


class Section47Enquiry(models.Model):
    """A section 47 enquiry (<Section47>): started on the date of the strategy discussion that
    initiated it; the initial conference it led to, or that none was needed."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="section47_enquiries")
    started_on = models.DateField()
    initial_conference_target_on = models.DateField(null=True, blank=True)
    initial_conference_on = models.DateField(null=True, blank=True)
    icpc_not_required = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["child", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "started_on"], name="section47_unique_child_start"
            ),
            models.CheckConstraint(
                condition=Q(initial_conference_on__isnull=True)
                | Q(initial_conference_on__gte=F("started_on")),
                name="section47_conference_on_or_after_start",
            ),
        ]
        indexes = [models.Index(fields=["started_on"])]

    def __str__(self) -> str:
        return f"Section 47 enquiry of {self.child_id} from {self.started_on}"


class PlanCensusDetail(models.Model):
    """NumberOfPreviousCPP as the census reported it for a plan."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="census_detail")
    previous_plans = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.previous_plans} previous plans"


class ChildCensusDetail(models.Model):
    """What the census says of a child that no other record holds: the unique pupil numbers,
    the date of death and the disability codes (<Disabilities>, space-separated in the file's
    order; `Child.disability` is the yes/no every other door reads)."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="census_detail")
    upn = models.CharField("UPN", max_length=13, blank=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    upn_unknown = models.CharField("reason the UPN is unknown", max_length=3, blank=True)
    death_on = models.DateField(null=True, blank=True)
    disabilities = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"census detail of {self.child_id}"


class Assessment(models.Model):
    """An <Assessments> module of a CIN episode: the assessment's dates and the factors it
    identified (space-separated codes, in the file's order)."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="assessments")
    started_on = models.DateField()
    internal_review_on = models.DateField(null=True, blank=True)
    authorised_on = models.DateField(null=True, blank=True)
    factors = models.TextField(blank=True)

    class Meta:
        ordering = ["episode", "id"]

    def __str__(self) -> str:
        return f"assessment from {self.started_on}"


class CinPlanPeriod(models.Model):
    """A <CINPlanDates> module of a CIN episode: a child in need plan's start and end."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="cin_plans")
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["episode", "id"]

    def __str__(self) -> str:
        return f"CIN plan from {self.start_on}"
