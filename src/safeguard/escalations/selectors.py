"""Reads about escalations: a Senior Liaison Officer's cover, the quarter's digest, and the
record of the emails sent."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from safeguard.accounts.access import Permission, can, escalations_visible_to
from safeguard.accounts.models import User
from safeguard.cases.models import Area
from safeguard.conferences.models import Chair

from .models import (
    Escalation,
    EscalationReason,
    Notification,
    NotificationKind,
    OrganisationType,
)
from .models import SeniorLiaisonOfficer as Officer
from .quarters import Quarter


def escalations_raised_in(*, quarter: Quarter) -> QuerySet[Escalation]:
    """The formal escalations raised in the quarter: the ones the report counts (formal only,
    by the date raised; safeguard.reporting.selectors.escalation_counts)."""
    return Escalation.objects.filter(
        formal=True, raised_on__gte=quarter.start_on, raised_on__lte=quarter.end_on
    )


def liaison_cover_q(*, officer: Officer) -> Q:
    """An escalation is within the officer's cover when its organisation type is one they cover
    and its area is one they cover, or it has no area and they cover unassigned areas."""
    in_area = Q(area__in=officer.areas.all())
    if officer.covers_unassigned_areas:
        in_area |= Q(area__isnull=True)
    return Q(organisation_type__in=officer.organisation_types.all()) & in_area


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


def digest_build(*, officer: Officer, quarter: Quarter) -> Digest:
    """The officer's digest of the formal escalations raised in `quarter` within their cover."""
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


# ---- the escalations log (issue 5) ------------------------------------------------------------


class EscalationStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


INFORMAL = "informal"  # the stage filter's value for informal escalations (they have no stage)


def escalation_log(
    *,
    user: User,
    since: dt.date | None = None,
    until: dt.date | None = None,
    organisation_type: OrganisationType | None = None,
    area: Area | None = None,
    stage: str = "",
    status: str = "",
    raised_by: Chair | None = None,
) -> QuerySet[Escalation]:
    """The escalations `user` may see (escalations_visible_to), raised between `since` and
    `until`, filtered by organisation type, area, stage ("1"-"3" or "informal"), status and the chair
    who raised them; oldest first."""
    rows = escalations_visible_to(user=user).select_related(
        "organisation_type", "area", "raised_by", "child"
    )
    if since:
        rows = rows.filter(raised_on__gte=since)
    if until:
        rows = rows.filter(raised_on__lte=until)
    if organisation_type is not None:
        rows = rows.filter(organisation_type=organisation_type)
    if area is not None:
        rows = rows.filter(area=area)
    if stage == INFORMAL:
        rows = rows.filter(formal=False)
    elif stage:
        rows = rows.filter(formal=True, stage=int(stage))
    if raised_by is not None:
        rows = rows.filter(raised_by=raised_by)
    if status == EscalationStatus.OPEN:
        rows = rows.filter(resolved_on__isnull=True)
    elif status == EscalationStatus.RESOLVED:
        rows = rows.filter(resolved_on__isnull=False)
    return rows.order_by("raised_on", "escalation_id")


ESCALATION_CSV_HEADER = (
    "escalation_id",
    "raised_on",
    "organisation_type",
    "organisation_name",
    "area",
    "reason",
    "formal",
    "stage",
    "status",
    "resolved_on",
    "raised_by",
)


def escalation_csv_rows(*, escalations: QuerySet[Escalation], with_child: bool):
    """The header and one row per escalation for the CSV export; the child's id only
    `with_child` (never for a Senior Liaison Officer), and never a child's name."""
    yield ESCALATION_CSV_HEADER + (("child_id",) if with_child else ())
    for row in escalations.iterator(chunk_size=2000):
        values = (
            row.escalation_id,
            row.raised_on.isoformat(),
            row.organisation_type.name,
            row.organisation_name,
            row.area.name if row.area else "",
            row.get_reason_display(),
            "yes" if row.formal else "no",
            row.stage or "",
            EscalationStatus.OPEN if row.resolved_on is None else EscalationStatus.RESOLVED,
            row.resolved_on.isoformat() if row.resolved_on else "",
            row.raised_by.name if row.raised_by else "",
        )
        yield values + ((row.child.child_id if row.child else "",) if with_child else ())
