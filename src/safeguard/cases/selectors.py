"""Reads about children and plans: finding a child, a child's record in time order, a plan
fetched with the access check, and the worklist of what falls due.

Every read here costs a fixed number of queries however many records there are (the tests
count them), and answers the same 404 for a record that is missing and one that is not yours."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard.accounts.access import (
    Permission,
    area_ids_in_sight,
    can,
    children_in_sight,
    escalations_visible_to,
)
from safeguard.accounts.models import User
from safeguard.conferences.models import Chair, Conference, Invitation
from safeguard.conferences.selectors import (
    DueItem,
    DueList,
    DueScope,
    child_conferences,
    due_counts,
    due_list,
)
from safeguard.escalations.models import Escalation
from safeguard.monitoring.models import MonitoringCheck

from .models import Child, Plan

WORKLIST_DAYS = 28
"""The worklist looks four weeks ahead (issue 5: "reviews due in the next four weeks")."""


def children_matching(*, user: User, text: str) -> QuerySet[Child]:
    """Children within `user`'s sight whose id starts with `text`, or whose names contain each
    of its words."""
    text = text.strip()
    children = (
        children_in_sight(user)
        .select_related("area")
        .order_by("family_name", "given_name", "child_id")
    )
    if not text:
        return children.none()
    by_name = Q()
    for word in text.split():
        by_name &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    return children.filter(Q(child_id__iexact=text) | Q(child_id__istartswith=text) | by_name)


def child_outside_sight(*, user: User, text: str) -> str | None:
    """The child id typed exactly, when that child exists outside `user`'s sight: the search
    offers to open it with a recorded reason. Names never match here, so a search shows no
    name, date or area of a child outside one's areas."""
    text = text.strip()
    if not text or not can(user, Permission.VIEW_CHILD):
        return None
    found = Child.objects.filter(child_id=text)
    if found.exists() and not children_in_sight(user).filter(child_id=text).exists():
        return text
    return None


def plan_get_for_user(*, user: User, plan_id: str) -> Plan:
    """The plan with this id, if its child is within `user`'s sight; otherwise the same 404."""
    try:
        return (
            Plan.objects.filter(child__in=children_in_sight(user))
            .select_related("child", "child__area")
            .get(plan_id=plan_id)
        )
    except Plan.DoesNotExist:
        raise Http404("No such plan.") from None


@dataclasses.dataclass(frozen=True)
class ChildRecord:
    """Everything recorded about one child, each kind in time order."""

    child: Child
    plans: list[Plan]
    conferences: list[Conference]
    checks: list[MonitoringCheck]
    invitations: list[Invitation]
    escalations: list[Escalation]

    @property
    def open_plan(self) -> Plan | None:
        return next((p for p in self.plans if p.end_on is None), None)


def child_record(*, child: Child) -> ChildRecord:
    """The child's plans, conferences, checks, invitations and escalations (six queries)."""
    return ChildRecord(
        child=child,
        plans=list(child.plans.order_by("start_on", "plan_id")),
        conferences=list(child_conferences(child=child)),
        checks=list(
            MonitoringCheck.objects.filter(plan__child=child)
            .select_related("plan", "chair")
            .order_by("completed_on", "check_id")
        ),
        invitations=list(
            Invitation.objects.filter(meeting__conferences__child=child)
            .select_related("organisation_type", "meeting")
            .distinct()
            .order_by("meeting__held_on", "organisation_type__name", "organisation_name")
        ),
        escalations=list(
            Escalation.objects.filter(child=child)
            .select_related("organisation_type", "area", "raised_by")
            .order_by("raised_on", "escalation_id")
        ),
    )


# ---- the worklist ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Worklist:
    """What falls due for one chair (or for everyone), as of one day: how many items each
    section holds (counted by the database); `items` reads a page of one section."""

    as_of: dt.date
    until: dt.date
    chair: Chair | None  # None: everybody's
    areas: list[int] | None  # the user's areas (area_ids_in_sight); None: every area
    own: bool  # the user is this chair (rather than a manager choosing one)
    counts: dict[str, int]  # by section name (WORKLIST_SECTIONS)
    open_escalations: QuerySet[Escalation] | None  # None: the user does not see escalations

    @property
    def scope(self) -> DueScope:
        return DueScope(as_of=self.as_of, until=self.until, chair=self.chair, areas=self.areas)

    def count(self, name: str) -> int:
        return self.counts[name]

    def items(self, name: str, *, offset: int = 0, limit: int | None = None) -> list[DueItem]:
        """Section `name` from `offset`, at most `limit` items, in the section's order: reviews
        soonest first (the longest overdue first), checks overdue first."""
        return due_list(scope=self.scope, which=DueList(name), offset=offset, limit=limit)

    def section(self, name: str) -> WorklistSection:
        """Section `name` as a sequence a paginator can page: each page is read on its own."""
        return WorklistSection(self, name)


class WorklistSection:
    """One section of a worklist for django.core.paginator.Paginator: its count is known, and a
    slice reads just that page from the database."""

    def __init__(self, worklist: Worklist, name: str) -> None:
        self.worklist, self.name = worklist, name

    def count(self) -> int:
        return self.worklist.count(self.name)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[DueItem]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a worklist section is read a page (a slice) at a time")
        start, stop, _ = index.indices(self.count())
        return self.worklist.items(self.name, offset=start, limit=max(0, stop - start))


WORKLIST_SECTIONS = {
    DueList.REVIEWS_DUE.value: "Reviews due in the next four weeks",
    DueList.REVIEWS_OVERDUE.value: "Overdue reviews",
    DueList.CHECKS_DUE.value: "Midway and pre-review checks due",
}


def chair_of(user: User) -> Chair | None:
    """The chair whose records are `user`'s own, if the user is linked to one."""
    return Chair.objects.filter(user_id=user.pk).first()


def worklist_for(*, user: User, as_of: dt.date, chair: Chair | None = None) -> Worklist:
    """The user's own items when they are a chair; otherwise everybody's, or `chair`'s. Counts
    each section (one query); the items are read a page at a time (`Worklist.items`)."""
    own_chair = chair_of(user)
    chosen = own_chair or chair
    until = as_of + dt.timedelta(days=WORKLIST_DAYS)
    areas = area_ids_in_sight(user)
    counts = due_counts(scope=DueScope(as_of=as_of, until=until, chair=chosen, areas=areas))
    escalations = None
    if can(user, Permission.VIEW_ESCALATIONS):
        escalations = escalations_visible_to(user=user).filter(resolved_on__isnull=True)
        if chosen is not None:
            escalations = escalations.filter(raised_by=chosen)
        escalations = escalations.order_by("raised_on", "escalation_id")
    return Worklist(
        as_of=as_of,
        until=until,
        chair=chosen,
        areas=areas,
        own=own_chair is not None,
        counts={which.value: count for which, count in counts.items()},
        open_escalations=escalations,
    )


@dataclasses.dataclass(frozen=True)
class NamedDueItem:
    item: DueItem
    child_name: str


def with_child_names(items: list[DueItem]) -> list[NamedDueItem]:
    """`items` with their children's names (read with the items, so no query here)."""
    return [NamedDueItem(i, i.child_name) for i in items]
