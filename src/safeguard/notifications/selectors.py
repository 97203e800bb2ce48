"""Reads for the emails: a Senior Liaison Officer's digest of a quarter's formal escalations, how
the officers' covers meet them, and the record of the emails sent, as each person may see it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.accounts.access import Permission, can
from safeguard.accounts.models import LiaisonCover, User
from safeguard.conferences.models import Conference, ConferenceStatus, Invitation, ReportReceived
from safeguard.escalations.models import Escalation, EscalationReason
from safeguard.escalations.models import SeniorLiaisonOfficer as Officer
from safeguard.escalations.selectors import liaison_cover_q

from .models import Notification, NotificationKind
from .quarters import Quarter


def escalations_raised_in(*, quarter: Quarter) -> QuerySet[Escalation]:
    """The formal escalations raised in the quarter: the ones the report counts (formal only,
    by the date raised; safeguard.reporting.selectors.escalation_counts)."""
    return Escalation.objects.filter(
        formal=True, raised_on__gte=quarter.start_on, raised_on__lte=quarter.end_on
    )


@dataclass(frozen=True)
class DigestEntry:
    escalation_id: str
    raised_on: dt.date
    organisation_type: str
    organisation_name: str
    area: str
    reason: str
    stage: int | None
    resolved_on: dt.date | None


@dataclass(frozen=True)
class AgencyReports:
    """One agency's reports to booked conferences within an officer's cover, on a day."""

    agency: str  # the organisation type, and the organisation's name when known
    due: int  # due on or after the day, not yet received
    overdue: int  # due before the day, not received


@dataclass(frozen=True)
class Digest:
    """What one officer is told about one quarter. It holds no child's name or id."""

    quarter: Quarter
    officer_name: str
    officer_email: str
    cover_name: str
    organisation_types: tuple[str, ...]
    areas: tuple[str, ...]
    covers_unassigned_areas: bool
    entries: tuple[DigestEntry, ...]
    by_organisation: tuple[tuple[str, int], ...]  # most first, then by name
    by_reason: tuple[tuple[str, int], ...]
    reports: tuple[AgencyReports, ...] = ()  # agencies' reports to booked conferences
    reports_as_of: dt.date | None = None

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def open_count(self) -> int:
        return sum(1 for entry in self.entries if entry.resolved_on is None)

    @property
    def subject(self) -> str:
        return f"Child protection conference escalations, {self.quarter.label}: {self.cover_name}"


def _counted(values: list[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def agency_reports_in_cover(*, officer: Officer, as_of: dt.date) -> tuple[AgencyReports, ...]:
    """Each agency's reports, not yet received, to the booked conferences within `officer`'s
    cover on `as_of` (its organisation type is covered, and a child of the meeting is in a
    covered area, or has none and unassigned areas are covered), by agency."""
    return agency_reports_covered(
        organisation_types=officer.organisation_types.all(),
        areas=officer.areas.all(),
        unassigned=officer.covers_unassigned_areas,
        as_of=as_of,
    )


def agency_reports_of_liaison_cover(*, user: User, as_of: dt.date) -> tuple[AgencyReports, ...]:
    """As `agency_reports_in_cover`, for a liaison officer's sign-in (their LiaisonCover: every
    area when it says so); nothing without one. Counts only: no child, no meeting."""
    cover = LiaisonCover.objects.filter(user=user).first()
    if cover is None:
        return ()
    return agency_reports_covered(
        organisation_types=cover.organisation_types.all(),
        areas=None if cover.all_areas else cover.areas.all(),
        unassigned=cover.all_areas,
        as_of=as_of,
    )


def agency_reports_covered(
    *,
    organisation_types: QuerySet,
    areas: QuerySet | None,
    unassigned: bool,
    as_of: dt.date,
) -> tuple[AgencyReports, ...]:
    """Each agency's reports, not yet received, to booked conferences of `organisation_types`
    whose meeting has a child in `areas` (None: any area), or with no area when `unassigned`."""
    in_area = Q() if areas is None else Q(meeting__conferences__child__area__in=areas)
    if unassigned and areas is not None:
        in_area |= Q(meeting__conferences__child__area__isnull=True)
    booked = Conference.objects.filter(meeting=OuterRef("meeting"), status=ConferenceStatus.BOOKED)
    rows = (
        Invitation.objects.filter(
            Exists(booked),
            in_area,
            organisation_type__in=organisation_types,
            report_due_on__isnull=False,
            report_received_on__isnull=True,
            report_received__in=["", ReportReceived.NO],
        )
        .values_list("pk", "organisation_type__name", "organisation_name", "report_due_on")
        .distinct()
    )
    counts: dict[str, list[int]] = {}
    for _, type_name, name, due_on in rows:
        agency = f"{type_name}: {name}" if name else type_name
        overdue = due_on is not None and due_on < as_of  # never None: filtered above
        counts.setdefault(agency, [0, 0])[1 if overdue else 0] += 1
    return tuple(
        AgencyReports(agency, due, overdue) for agency, (due, overdue) in sorted(counts.items())
    )


def digest_build(*, officer: Officer, quarter: Quarter, as_of: dt.date | None = None) -> Digest:
    """The officer's digest of the formal escalations raised in `quarter` within their cover,
    and the agencies' reports to booked conferences due and overdue on `as_of` (the day after
    the quarter when not given)."""
    as_of = as_of or quarter.end_on + dt.timedelta(days=1)
    rows = (
        escalations_raised_in(quarter=quarter)
        .filter(liaison_cover_q(officer=officer))
        .select_related("organisation_type", "area")
        .order_by("raised_on", "escalation_id")
    )
    reasons = dict(EscalationReason.choices)
    entries = tuple(
        DigestEntry(
            escalation_id=row.escalation_id,
            raised_on=row.raised_on,
            organisation_type=row.organisation_type.name,
            organisation_name=row.organisation_name,
            area=row.area.name if row.area else "",
            reason=reasons.get(row.reason, row.reason),
            stage=row.stage,
            resolved_on=row.resolved_on,
        )
        for row in rows
    )
    return Digest(
        quarter=quarter,
        officer_name=officer.name,
        officer_email=officer.email,
        cover_name=officer.cover_name or officer.name,
        organisation_types=tuple(officer.organisation_types.values_list("name", flat=True)),
        areas=tuple(officer.areas.values_list("name", flat=True)),
        covers_unassigned_areas=officer.covers_unassigned_areas,
        entries=entries,
        by_organisation=_counted([e.organisation_type for e in entries]),
        by_reason=_counted([e.reason for e in entries]),
        reports=agency_reports_in_cover(officer=officer, as_of=as_of),
        reports_as_of=as_of,
    )


@dataclass(frozen=True)
class CoverCheck:
    """How the officers' covers meet the quarter's escalations: the ones in nobody's cover
    (no digest tells of them) and the ones in more than one (each of those digests does)."""

    total: int
    uncovered: tuple[str, ...]
    overlapping: tuple[tuple[str, tuple[str, ...]], ...]  # escalation id, officers' names

    @property
    def partitioned(self) -> bool:
        """Every escalation is in exactly one digest, so the digests add up to the total."""
        return not self.uncovered and not self.overlapping


def liaison_cover_check(*, quarter: Quarter) -> CoverCheck:
    escalations = dict(escalations_raised_in(quarter=quarter).values_list("pk", "escalation_id"))
    covering: dict[int, list[str]] = {pk: [] for pk in escalations}
    for officer in Officer.objects.prefetch_related("organisation_types", "areas"):
        in_cover = escalations_raised_in(quarter=quarter).filter(liaison_cover_q(officer=officer))
        for pk in in_cover.values_list("pk", flat=True):
            covering[pk].append(officer.name)
    return CoverCheck(
        total=len(escalations),
        uncovered=tuple(sorted(escalations[pk] for pk, names in covering.items() if not names)),
        overlapping=tuple(
            sorted(
                (escalations[pk], tuple(names)) for pk, names in covering.items() if len(names) > 1
            )
        ),
    )


def notifications_visible_to(*, user: User) -> QuerySet[Notification]:
    """Every digest, alert and reminder to those who administer the service (managers); to
    others who may see escalations, the emails sent to them: a Senior Liaison Officer's own
    digests, a chair's own reminders; nothing to anybody else."""
    notifications = Notification.objects.select_related("officer", "chair")
    if can(user, Permission.ADMINISTER):
        return notifications
    if not can(user, Permission.VIEW_ESCALATIONS):
        return notifications.none()
    return notifications.filter(
        Q(kind=NotificationKind.DIGEST, officer__user=user)
        | Q(kind=NotificationKind.REMINDER, chair__user=user)
    )
