"""Reads about escalations: which escalations a user sees and the access-checked fetcher, a
Senior Liaison Officer's cover, and the escalations log."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard.accounts.access import Permission, can, sees_every_area
from safeguard.accounts.models import LiaisonCover, User
from safeguard.cases.models import Area, Child
from safeguard.cases.selectors import children_in_sight
from safeguard.conferences.models import Chair

from .models import (
    MEETING_REASONS,
    Escalation,
    EscalationStep,
    GoodPractice,
    OrganisationType,
    escalations_about,
)
from .models import SeniorLiaisonOfficer as Officer


def escalations_visible_to(*, user: User) -> QuerySet[Escalation]:
    """Every escalation for managers; for chairs, those about no child or about a child in their
    sight (children_in_sight; a sibling group's escalation is about each child of the meeting); a liaison officer's cover; nothing otherwise."""
    escalations = Escalation.objects.select_related("organisation_type", "area")
    if can(user, Permission.VIEW_ALL_ESCALATIONS):
        if sees_every_area(user):
            return escalations
        return escalations.filter(Q(child=None) | escalations_about(children_in_sight(user)))
    if not can(user, Permission.VIEW_ESCALATIONS):
        return escalations.none()
    try:
        cover = LiaisonCover.objects.get(user=user)
    except LiaisonCover.DoesNotExist:
        return escalations.none()
    in_cover = Q(organisation_type__in=cover.organisation_types.all())
    if not cover.all_areas:
        in_cover &= Q(area__in=cover.areas.all())
    return escalations.filter(in_cover)


def escalation_get_for_user(*, user: User, escalation_id: str) -> Escalation:
    """The escalation with this id if it is within the user's sight; otherwise the same 404."""
    try:
        return escalations_visible_to(user=user).get(escalation_id=escalation_id)
    except Escalation.DoesNotExist:
        raise Http404("No such escalation.") from None


def escalation_children(*, escalation: Escalation) -> list[Child]:
    """Every child the escalation is about: its child, and for an escalation about an agency at
    a meeting (MEETING_REASONS) raised from a conference, every child of that meeting."""
    children = Child.objects.none()
    if escalation.child_id is not None:
        children = Child.objects.filter(pk=escalation.child_id)
    if escalation.reason in MEETING_REASONS and escalation.conference_id is not None:
        children = children | Child.objects.filter(
            conferences__meeting__conferences__pk=escalation.conference_id
        )
    return list(children.distinct().order_by("child_id"))


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """One step of an escalation's history, with what it did in words."""

    step: EscalationStep
    title: str  # "Raised at stage 1", "Moved to stage 2", "No stage", "Note"


def escalation_timeline(*, escalation: Escalation) -> list[TimelineEntry]:
    """The escalation's history, oldest first (in the order the steps were dated, then
    recorded): the first step is its raising; later ones a change of stage or a note."""
    entries: list[TimelineEntry] = []
    previous: int | None = None
    for index, step in enumerate(
        escalation.steps.select_related("recorded_by").order_by("on", "id")
    ):
        if index == 0:
            title = "Raised" + (f" at stage {step.stage}" if step.stage else "")
        elif step.stage != previous:
            title = f"Moved to stage {step.stage}" if step.stage else "Stage removed"
        else:
            title = "Note"
        entries.append(TimelineEntry(step=step, title=title))
        previous = step.stage
    return entries


def good_practice_visible_to(*, user: User) -> QuerySet[GoodPractice]:
    """Good practice, seen as escalations are: all of it by those who see every area; by
    chairs, that of their areas and that recorded without an area; by a Senior Liaison
    Officer, that within their cover; nothing otherwise. Newest first."""
    rows = GoodPractice.objects.select_related(
        "organisation_type", "area", "recorded_by", "conference__meeting"
    ).order_by("-recorded_on", "-id")
    if can(user, Permission.VIEW_ALL_ESCALATIONS):
        if sees_every_area(user):
            return rows
        return rows.filter(Q(area=None) | Q(area__in=user.areas.all()))
    if not can(user, Permission.VIEW_ESCALATIONS):
        return rows.none()
    try:
        cover = LiaisonCover.objects.get(user=user)
    except LiaisonCover.DoesNotExist:
        return rows.none()
    in_cover = Q(organisation_type__in=cover.organisation_types.all())
    if not cover.all_areas:
        in_cover &= Q(area__in=cover.areas.all())
    return rows.filter(in_cover)


def liaison_cover_q(*, officer: Officer) -> Q:
    """An escalation is within the officer's cover when its organisation type is one they cover
    and its area is one they cover, or it has no area and they cover unassigned areas."""
    in_area = Q(area__in=officer.areas.all())
    if officer.covers_unassigned_areas:
        in_area |= Q(area__isnull=True)
    return Q(organisation_type__in=officer.organisation_types.all()) & in_area


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
    newest_first: bool = False,
) -> QuerySet[Escalation]:
    """The escalations `user` may see (escalations_visible_to), raised between `since` and
    `until`, filtered by organisation type, area, stage ("1"-"3" or "informal"), status and the chair
    who raised them; oldest first (the CSV, a record in time order), or newest first (the page,
    where the recent ones matter)."""
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
    if newest_first:
        return rows.order_by("-raised_on", "-escalation_id")
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
