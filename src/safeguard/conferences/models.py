from django.db import models
from django.db.models import Q

from safeguard.cases.models import Child, Plan, PlanCategory
from safeguard.domain.vocabulary import (
    CONFERENCE_KINDS,
    CONFERENCE_STATUSES,
    PARTICIPATION_CODES,
    VERDICTS,
    VIEWS_SHARED_VIA,
)


class Chair(models.Model):
    """An Independent Child Protection Conference Chair, as named in the records."""

    name = models.CharField(max_length=150, unique=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="chair"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConferenceKind(models.TextChoices):
    INITIAL = CONFERENCE_KINDS.choice("initial")
    REVIEW = CONFERENCE_KINDS.choice("review")
    TRANSFER_IN = CONFERENCE_KINDS.choice("transfer_in")


# The dates each type of conference takes: the form asks only for these, the services refuse
# the others.
DATES_OF_KIND: dict[str, tuple[str, ...]] = {
    ConferenceKind.INITIAL: ("strategy_discussion_on",),
    ConferenceKind.REVIEW: (),
    ConferenceKind.TRANSFER_IN: ("transfer_notification_on",),
}


class Outcome(models.TextChoices):
    PLAN = "plan", "Plan made or continued"
    NO_PLAN = "no_plan", "No plan (not made, or ended)"


class ViewsSharedVia(models.TextChoices):
    IN_PERSON = VIEWS_SHARED_VIA.choice("in_person")
    VIRTUAL = VIEWS_SHARED_VIA.choice("virtual")
    ADVOCATE = VIEWS_SHARED_VIA.choice("advocate")
    WRITTEN = VIEWS_SHARED_VIA.choice("written")
    OTHER = VIEWS_SHARED_VIA.choice("other")
    NOT_OBTAINED = VIEWS_SHARED_VIA.choice("not_obtained")
    NOT_APPLICABLE = VIEWS_SHARED_VIA.choice("not_applicable")


class ParticipationCode(models.TextChoices):
    PN0 = PARTICIPATION_CODES.choice("PN0")
    PN1 = PARTICIPATION_CODES.choice("PN1")
    PN2 = PARTICIPATION_CODES.choice("PN2")
    PN3 = PARTICIPATION_CODES.choice("PN3")
    PN4 = PARTICIPATION_CODES.choice("PN4")
    PN5 = PARTICIPATION_CODES.choice("PN5")
    PN6 = PARTICIPATION_CODES.choice("PN6")
    PN7 = PARTICIPATION_CODES.choice("PN7")


class ConferenceStatus(models.TextChoices):
    HELD = CONFERENCE_STATUSES.choice("held")
    BOOKED = CONFERENCE_STATUSES.choice("booked")
    CANCELLED = CONFERENCE_STATUSES.choice("cancelled")


class Verdict(models.TextChoices):
    WITHIN = VERDICTS.choice("within")
    OUT = VERDICTS.choice("out")
    NOT_DETERMINABLE = VERDICTS.choice("not_determinable")


class Meeting(models.Model):
    """One sitting on one date, at which one or more children (siblings) were discussed.

    `reference` is the source system's meeting_id; a conference recorded without one is a
    meeting by itself, referred to by its conference_id (`has_meeting_id` is then false), as
    invitations.csv refers to it."""

    reference = models.CharField(max_length=64, unique=True)
    has_meeting_id = models.BooleanField(default=True)
    held_on = models.DateField(db_index=True)
    # A booked meeting's arrangements (Safeguard's own; the exchange format does not carry them).
    starts_at = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["held_on", "reference"]

    def __str__(self) -> str:
        return self.reference


class Conference(models.Model):
    """One child at one conference."""

    conference_id = models.CharField(max_length=64, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="conferences")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=12, choices=ConferenceKind.choices)
    status = models.CharField(
        max_length=9, choices=ConferenceStatus.choices, default=ConferenceStatus.HELD
    )
    # The date held, or for a booked or cancelled row the date it was booked for.
    held_on = models.DateField()
    strategy_discussion_on = models.DateField(null=True, blank=True)
    transfer_notification_on = models.DateField(null=True, blank=True)
    chair = models.ForeignKey(Chair, null=True, blank=True, on_delete=models.PROTECT)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    child_attended = models.BooleanField(null=True, blank=True)
    advocate_involved = models.BooleanField(null=True, blank=True)
    views_shared_via = models.CharField(max_length=16, choices=ViewsSharedVia.choices, blank=True)
    preparation_session = models.BooleanField(null=True, blank=True)
    participation_code = models.CharField(
        max_length=3, choices=ParticipationCode.choices, blank=True
    )
    out_of_timescale_reason = models.TextField(blank=True)
    category = models.CharField(max_length=3, choices=PlanCategory.choices, blank=True)
    quorate = models.BooleanField(null=True, blank=True)
    parents_attended = models.BooleanField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    # Timeliness, derived by safeguard.domain.timeliness and kept current by the services.
    due_on = models.DateField(null=True, blank=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    days_late = models.IntegerField(null=True, blank=True)
    days_late_unit = models.CharField(max_length=8, blank=True)
    verdict_reason = models.CharField(max_length=300, blank=True)
    verdict_missing = models.CharField(max_length=40, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="conferences"
    )

    class Meta:
        ordering = ["held_on", "conference_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "held_on"],
                condition=~Q(status="cancelled"),
                name="conference_unique_child_kind_date",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ConferenceKind.values), name="conference_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["", *Verdict.values]), name="conference_verdict_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ConferenceStatus.values), name="conference_status_known"
            ),
            models.CheckConstraint(
                condition=Q(category__in=["", *PlanCategory.values]),
                name="conference_category_known",
            ),
        ]
        indexes = [
            models.Index(fields=["held_on", "kind"]),
            models.Index(fields=["verdict", "held_on"]),
            models.Index(fields=["child", "held_on"]),
        ]

    def __str__(self) -> str:
        return self.conference_id


class ReportReceived(models.TextChoices):
    YES = "yes", "Received"
    LATE = "late", "Received late"
    NO = "no", "Not received"


class Invitation(models.Model):
    """An agency invited to a meeting, and what it contributed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation_type = models.ForeignKey("escalations.OrganisationType", on_delete=models.PROTECT)
    organisation_name = models.CharField(max_length=200, blank=True)
    report_requested = models.BooleanField(null=True, blank=True)
    report_received = models.CharField(max_length=4, choices=ReportReceived.choices, blank=True)
    invited_on = models.DateField(null=True, blank=True)
    report_due_on = models.DateField(null=True, blank=True, db_index=True)
    report_received_on = models.DateField(null=True, blank=True)
    organisation = models.ForeignKey(
        "conferences.Organisation", null=True, blank=True, on_delete=models.SET_NULL
    )
    attended = models.BooleanField(null=True, blank=True)
    apologies = models.BooleanField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["meeting", "organisation_type__name", "organisation_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation_type", "organisation_name"],
                name="invitation_unique_agency_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_type} at {self.meeting}"

    @property
    def sent_no_report_and_no_apologies(self) -> bool:
        return self.report_received in ("", "no") and not self.attended and not self.apologies


class RuleSetting(models.Model):
    """The installation's timeliness rule set: its nation and the local settings (one row).

    Blank local settings take the nation's documented defaults (docs/timeliness.md)."""

    nation = models.CharField(max_length=20, default="england")
    transfer_in_conference_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    first_core_group_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    pre_birth_conference_gestation_week = models.PositiveSmallIntegerField(null=True, blank=True)
    pre_review_check_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Agencies' reports are due this many working days before the conference (defaults 3 and 5).
    initial_report_due_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    review_report_due_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # A quorum is children's social care and at least this many other agencies (default 2).
    quorum_other_agencies = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(nation__in=["england", "wales", "scotland", "northern_ireland"]),
                name="rule_setting_nation_known",
            )
        ]

    def __str__(self) -> str:
        return f"Rule set: {self.nation}"


class Organisation(models.Model):
    """The authority's register of organisations invited to conferences."""

    name = models.CharField(max_length=200)
    organisation_type = models.ForeignKey(
        "escalations.OrganisationType", on_delete=models.PROTECT, related_name="organisations"
    )
    email = models.EmailField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organisation_type__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_type", "name"], name="organisation_unique_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation_type})"
