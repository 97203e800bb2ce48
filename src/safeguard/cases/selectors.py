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
import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from safeguard.accounts.access import Permission, can, sees_every_area
from safeguard.accounts.models import BreakGlass, User
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.conferences.models import Conference, ConferenceStatus, Invitation
from safeguard.domain.ages import age_in_words, length_in_words
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
    """The child with this child id (matched without regard to case, as people type ids), if it
    is within `user`'s sight; otherwise the same 404."""
    children = children_in_sight(user).select_related("area")
    child = children.filter(child_id=child_id).first()
    if child is None:
        child = children.filter(child_id__iexact=child_id).order_by("child_id").first()
    if child is None:
        raise Http404("No such child.")
    return child


RECENT_CHILDREN = 10


def children_recently_opened(*, user: User, limit: int = RECENT_CHILDREN) -> list[Child]:
    """The children whose pages `user` opened most recently (from their own audit trail), still
    within their sight, the latest first."""
    opened = (
        AuditEntry.objects.filter(actor=user, action=AuditAction.VIEW, record_type="child")
        .exclude(child_id="")
        .order_by("-at", "-id")
        .values_list("child_id", flat=True)[: limit * 10]
    )
    recent = list(dict.fromkeys(opened))[:limit]
    in_sight = children_in_sight(user).select_related("area").filter(child_id__in=recent)
    found = {c.child_id: c for c in in_sight}
    return [found[i] for i in recent if i in found]


def children_with_ids(children: QuerySet[Child], child_ids: Iterable[str]) -> dict[str, Child]:
    """The children among `children` whose ids are `child_ids`, matched without regard to case;
    keyed by each id as it was typed (an id that matches none is left out)."""
    typed = list(child_ids)
    found = children.annotate(child_id_folded=Lower("child_id")).filter(
        child_id_folded__in={i.lower() for i in typed}
    )
    exact: dict[str, Child] = {}
    by_folded: dict[str, Child] = {}
    for child in found.order_by("child_id"):
        exact[child.child_id] = child
        by_folded.setdefault(child.child_id.lower(), child)
    matched = {i: exact.get(i) or by_folded.get(i.lower()) for i in typed}
    return {i: child for i, child in matched.items() if child is not None}


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
    found = Child.objects.filter(child_id__iexact=text).order_by("child_id").first()
    if found and not children_in_sight(user).filter(child_id__iexact=text).exists():
        return found.child_id
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


@dataclasses.dataclass(frozen=True)
class DueDate:
    label: str  # "Review conference", "Midway check"
    due_on: dt.date
    overdue: bool
    booked_on: dt.date | None = None  # a review booked for this date


@dataclasses.dataclass(frozen=True)
class ChildSummary:
    """What a chair needs at a glance, at the top of the child's page."""

    age: str
    social_worker: Allocation | None
    open_plan: Plan | None
    plan_length: str
    last_plan: Plan | None
    next_review: DueDate | None
    next_check: DueDate | None
    siblings: list[Child]


def _next_check(plan: Plan, checks: list[MonitoringCheck], today: dt.date) -> DueDate | None:
    """The plan's next check not yet completed since its latest conference: a completed check
    is never shown as due."""
    since = plan.last_conference_on
    done = {c.kind for c in checks if c.plan_id == plan.pk and since and c.completed_on >= since}
    for kind, due_on, label in (
        ("midway", plan.midway_check_due_on, "Midway check"),
        ("pre_review", plan.pre_review_check_due_on, "Pre-review check"),
    ):
        if due_on is not None and kind not in done:
            return DueDate(label=label, due_on=due_on, overdue=due_on < today)
    return None


def child_summary(*, user: User, record: ChildRecord, today: dt.date) -> ChildSummary:
    """The summary panel: age, social worker, plan, what is due next and the siblings `user`
    may see (three queries)."""
    child = record.child
    open_plan = record.open_plan
    social_worker = (
        Allocation.objects.filter(
            child=child, role=AllocationRole.SOCIAL_WORKER, from_on__lte=today
        )
        .filter(Q(to_on__isnull=True) | Q(to_on__gte=today))
        .order_by("-from_on", "-pk")
        .first()
    )
    siblings: list[Child] = []
    if child.family_id:
        siblings = list(
            children_in_sight(user)
            .filter(family_id=child.family_id)
            .exclude(pk=child.pk)
            .order_by("date_of_birth", "child_id")
        )
    next_review = None
    if open_plan is not None and open_plan.next_review_due_on is not None:
        due_on = open_plan.next_review_due_on
        booked = [
            c.held_on
            for c in record.conferences
            if c.status == ConferenceStatus.BOOKED and c.kind == "review" and c.held_on >= today
        ]
        booked_on = min(booked) if booked else None
        next_review = DueDate(
            label="Review conference",
            due_on=due_on,
            overdue=due_on < today and booked_on is None,
            booked_on=booked_on,
        )
    ended = [p for p in record.plans if p.end_on is not None]
    return ChildSummary(
        age=age_in_words(child.date_of_birth, child.expected_date_of_birth, today),
        social_worker=social_worker,
        open_plan=open_plan,
        plan_length=length_in_words(open_plan.start_on, today) if open_plan else "",
        last_plan=max(ended, key=lambda p: p.start_on) if ended else None,
        next_review=next_review,
        next_check=_next_check(open_plan, record.checks, today) if open_plan else None,
        siblings=siblings,
    )


@dataclasses.dataclass(frozen=True)
class MeetingHistory:
    """One of the child's conferences, with the agencies invited to its meeting."""

    conference: Conference
    invitations: list[Invitation]


@dataclasses.dataclass(frozen=True)
class PlanHistory:
    """A plan (or, when `plan` is None, the conferences that belong to no plan) with its
    conferences and checks, newest first."""

    plan: Plan | None
    meetings: list[MeetingHistory]
    checks: list[MonitoringCheck]


def child_history(*, record: ChildRecord) -> list[PlanHistory]:
    """The child's record grouped by plan, newest plan first; each conference on the plan whose
    span holds its date (from the start to the end day, which is the ending review's day), each
    meeting's agencies under that meeting. Conferences of no plan (an initial conference that
    made none, a booked one) come in a group of their own."""
    by_meeting: dict[int, list[Invitation]] = {}
    for invitation in record.invitations:
        by_meeting.setdefault(invitation.meeting_id, []).append(invitation)

    def plan_of(conference: Conference) -> Plan | None:
        if conference.status != ConferenceStatus.HELD:
            return None
        for plan in record.plans:
            if plan.start_on <= conference.held_on and (
                plan.end_on is None or conference.held_on <= plan.end_on
            ):
                return plan
        return None

    grouped: dict[int | None, list[MeetingHistory]] = {}
    for conference in sorted(
        record.conferences, key=lambda c: (c.held_on, c.conference_id), reverse=True
    ):
        plan = plan_of(conference)
        grouped.setdefault(plan.pk if plan else None, []).append(
            MeetingHistory(conference, by_meeting.get(conference.meeting_id, []))
        )
    history = [
        PlanHistory(
            plan=plan,
            meetings=grouped.get(plan.pk, []),
            checks=sorted(
                (c for c in record.checks if c.plan_id == plan.pk),
                key=lambda c: (c.completed_on, c.check_id),
                reverse=True,
            ),
        )
        for plan in sorted(record.plans, key=lambda p: (p.start_on, p.plan_id), reverse=True)
    ]
    if None in grouped:
        history.append(PlanHistory(plan=None, meetings=grouped[None], checks=[]))
    return history
