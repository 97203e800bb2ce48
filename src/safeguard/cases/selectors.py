"""Reads about children and plans: which children a user sees (the area rule and break glass),
finding a child, the access-checked fetchers of a child and a plan, and a child's record in
time order.

Every read here costs a fixed number of queries however many records there are (the tests
count them), and answers the same 404 for a record that is missing and one that is not yours.
`children_in_sight` is the one statement of which children a user sees: every fetcher of a
child's records (here, and in safeguard.conferences.selectors and
safeguard.escalations.selectors) goes through it."""

from __future__ import annotations

import dataclasses

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguard.accounts.access import Permission, can, sees_every_area
from safeguard.accounts.models import BreakGlass, User
from safeguard.conferences.models import Conference, Invitation
from safeguard.escalations.models import Escalation, escalations_about
from safeguard.monitoring.models import MonitoringCheck

from .models import Allocation, AllocationRole, Child, Plan, Visit


def children_in_sight(user: User) -> QuerySet[Child]:
    """The children `user` may open: none without VIEW_CHILD; every child for a manager or an
    account with every area; otherwise the children of the user's areas and those the user
    has opened with a recorded reason that has not yet expired."""
    children = Child.objects.all()
    if not can(user, Permission.VIEW_CHILD):
        return children.none()
    if sees_every_area(user):
        return children
    broken_glass = BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now())
    return children.filter(Q(area__in=user.areas.all()) | Q(pk__in=broken_glass.values("child_id")))


def child_get_for_user(*, user: User, child_id: str) -> Child:
    """The child with this child id, if it is within `user`'s sight; otherwise the same 404."""
    try:
        return children_in_sight(user).select_related("area").get(child_id=child_id)
    except Child.DoesNotExist:
        raise Http404("No such child.") from None


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
    # the allocated social workers (latest first) and statutory visits (latest first), from the
    # SSD feed (docs/ssd.md)
    social_workers: list[Allocation] = dataclasses.field(default_factory=list)
    visits: list[Visit] = dataclasses.field(default_factory=list)

    @property
    def social_worker(self) -> Allocation | None:
        """The current allocation: an open one first, then the latest start."""
        return next((a for a in self.social_workers if a.to_on is None), None) or next(
            iter(self.social_workers), None
        )

    @property
    def last_visit_seen(self) -> Visit | None:
        return next((v for v in self.visits if v.seen), None)

    @property
    def open_plan(self) -> Plan | None:
        return next((p for p in self.plans if p.end_on is None), None)


VISITS_SHOWN = 6


def child_record(*, child: Child) -> ChildRecord:
    """The child's plans, conferences, checks (with their alerts' deliveries), invitations,
    escalations, social workers and latest statutory visits (ten queries)."""
    return ChildRecord(
        child=child,
        plans=list(child.plans.order_by("start_on", "plan_id")),
        conferences=list(child_conferences(child=child)),
        checks=list(
            MonitoringCheck.objects.filter(plan__child=child)
            .select_related("plan", "chair")
            .prefetch_related("notifications__deliveries")
            .order_by("completed_on", "check_id")
        ),
        invitations=list(
            Invitation.objects.filter(meeting__conferences__child=child)
            .select_related("organisation_type", "meeting")
            .distinct()
            .order_by("meeting__held_on", "organisation_type__name", "organisation_name")
        ),
        escalations=list(
            Escalation.objects.filter(escalations_about(Child.objects.filter(pk=child.pk)))
            .select_related("organisation_type", "area", "raised_by", "child")
            .order_by("raised_on", "escalation_id")
        ),
        social_workers=list(
            Allocation.objects.filter(child=child, role=AllocationRole.SOCIAL_WORKER).order_by(
                "-from_on", "-pk"
            )
        ),
        visits=list(
            Visit.objects.filter(child=child)
            .select_related("plan")
            .order_by("-visited_on", "-visit_id")[:VISITS_SHOWN]
        ),
    )


def child_conferences(*, child: Child) -> QuerySet[Conference]:
    """The child's conferences in time order."""
    return (
        Conference.objects.filter(child=child)
        .select_related("chair", "meeting", "plan")
        .order_by("held_on", "conference_id")
    )
