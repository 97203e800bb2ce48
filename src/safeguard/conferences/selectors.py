"""Reads about conferences and what falls due on open plans: the due lists, the worklist of
each chair, and the access-checked fetchers of meetings, conferences and invitations (through
safeguard.cases.selectors.children_in_sight)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from safeguard.accounts.access import Permission, area_ids_in_sight, can
from safeguard.accounts.models import User
from safeguard.cases.models import Child, Plan
from safeguard.cases.selectors import children_in_sight
from safeguard.escalations.models import Escalation, EscalationReason
from safeguard.escalations.selectors import escalations_visible_to

from .models import Chair, Conference, Invitation, Meeting, ReportReceived


class DueKind(StrEnum):
    REVIEW = "review"
    MIDWAY_CHECK = "midway"
    PRE_REVIEW_CHECK = "pre_review"

    @property
    def label(self) -> str:
        return {
            DueKind.REVIEW: "Review conference",
            DueKind.MIDWAY_CHECK: "Midway check",
            DueKind.PRE_REVIEW_CHECK: "Pre-review check",
        }[self]


@dataclass(frozen=True)
class DueItem:
    kind: DueKind
    due_on: dt.date
    child_id: str
    plan_id: str
    chair: str
    overdue: bool
    child_name: str = ""


class DueList(StrEnum):
    """The lists of what falls due, as the worklist shows them."""

    REVIEWS_DUE = "reviews-due"  # reviews falling due from today up to the horizon
    REVIEWS_OVERDUE = "reviews-overdue"
    CHECKS_DUE = "checks-due"  # midway and pre-review checks up to the horizon, overdue first


@dataclass(frozen=True)
class DueScope:
    """What falls due on open plans as of `as_of`, up to and including `until`, on the plans of
    one chair (whoever chaired the child's latest conference) or of everybody (None)."""

    as_of: dt.date
    until: dt.date
    chair: Chair | None = None
    areas: list[int] | None = None  # only the children of these areas; None: every area


_DUE_FIELDS = {
    DueKind.REVIEW: "next_review_due_on",
    DueKind.MIDWAY_CHECK: "midway_check_due_on",
    DueKind.PRE_REVIEW_CHECK: "pre_review_check_due_on",
}
_CHECK_KINDS = (DueKind.MIDWAY_CHECK, DueKind.PRE_REVIEW_CHECK)

# Joins rather than a subquery per plan, so that a list costs what its page costs, however
# many plans are due. Each join is an index seek per plan: conferences on (child, held_on),
# checks on plan.


def _latest_conferences() -> FilteredRelation:
    """The child's conferences on the plan's latest conference day (an open plan's
    `last_conference_on` is the child's latest conference: plan_schedule)."""
    return FilteredRelation(
        "child__conferences",
        condition=Q(child__conferences__held_on=F("last_conference_on")),
    )


def _checks_done(kind: DueKind) -> FilteredRelation:
    """Checks of `kind` completed on or after the plan's latest conference: the check is done."""
    return FilteredRelation(
        "checks",
        condition=Q(checks__kind=kind.value, checks__completed_on__gte=F("last_conference_on")),
    )


def _open_plans(scope: DueScope) -> QuerySet[Plan]:
    plans = Plan.objects.filter(end_on__isnull=True)
    if scope.areas is not None:
        plans = plans.filter(child__area__in=scope.areas)
    if scope.chair is not None:
        # Two conferences on the latest day with different chairs put the plan on both lists.
        # The chair is compared through an expression so that the database starts from the open
        # plans (as many as the caseload) rather than from the chair's conferences (which grow
        # every year): without statistics SQLite would take the index on the chair.
        plans = (
            plans.annotate(latest_conference=_latest_conferences())
            .alias(latest_chair=Coalesce(F("latest_conference__chair_id"), Value(0)))
            .filter(latest_chair=scope.chair.pk)
        )
    return plans


def _due(scope: DueScope, kind: DueKind, when: DueList) -> QuerySet:
    """Rows (plan id, child id, due on, kind, given name, family name) of `kind` on `when`."""
    field = _DUE_FIELDS[kind]
    if when is DueList.REVIEWS_OVERDUE:
        due = Q(**{f"{field}__lt": scope.as_of})
    elif when is DueList.REVIEWS_DUE:
        due = Q(**{f"{field}__gte": scope.as_of, f"{field}__lte": scope.until})
    else:
        due = Q(**{f"{field}__lte": scope.until})
    plans = _open_plans(scope).filter(due)
    if kind in _CHECK_KINDS:
        plans = plans.annotate(done=_checks_done(kind)).filter(done__isnull=True)
    rows = (
        plans.order_by()
        .annotate(
            due_on=F(field),
            child_code=F("child__child_id"),
            kind_code=Value(kind.value, output_field=CharField()),
        )
        .values_list(
            "plan_id",
            "child_code",
            "due_on",
            "kind_code",
            "child__given_name",
            "child__family_name",
        )
    )
    return rows.distinct() if scope.chair is not None else rows


def due_counts(*, scope: DueScope) -> dict[DueList, int]:
    """How many items each list holds (one query, counted by the database)."""
    until, as_of = scope.until, scope.as_of
    plans = (
        _open_plans(scope)
        .filter(
            Q(next_review_due_on__lte=until)
            | Q(midway_check_due_on__lte=until)
            | Q(pre_review_check_due_on__lte=until)
        )
        .annotate(
            midway_done=_checks_done(DueKind.MIDWAY_CHECK),
            pre_review_done=_checks_done(DueKind.PRE_REVIEW_CHECK),
        )
    )
    # distinct: a plan with two checks done (or two latest conferences) joins as two rows.
    counts = plans.aggregate(
        reviews_due=Count(
            "pk",
            distinct=True,
            filter=Q(next_review_due_on__gte=as_of, next_review_due_on__lte=until),
        ),
        reviews_overdue=Count("pk", distinct=True, filter=Q(next_review_due_on__lt=as_of)),
        midway=Count(
            "pk", distinct=True, filter=Q(midway_check_due_on__lte=until, midway_done__isnull=True)
        ),
        pre_review=Count(
            "pk",
            distinct=True,
            filter=Q(pre_review_check_due_on__lte=until, pre_review_done__isnull=True),
        ),
    )
    return {
        DueList.REVIEWS_DUE: counts["reviews_due"],
        DueList.REVIEWS_OVERDUE: counts["reviews_overdue"],
        DueList.CHECKS_DUE: counts["midway"] + counts["pre_review"],
    }


def due_list(
    *, scope: DueScope, which: DueList, offset: int = 0, limit: int | None = None
) -> list[DueItem]:
    """The items of list `which`, soonest first (the longest overdue first), from `offset`, at
    most `limit` of them: the database sorts and cuts the page (two queries)."""
    if which is DueList.CHECKS_DUE:
        first, second = (_due(scope, kind, which) for kind in _CHECK_KINDS)
        rows = first.union(second, all=True)  # the kinds differ: no row is in both
    else:
        rows = _due(scope, DueKind.REVIEW, which)
    rows = rows.order_by("due_on", "child_code", "kind_code")
    if limit is not None:
        rows = rows[offset : offset + limit]
    elif offset:
        rows = rows[offset:]
    found = list(rows)
    if scope.chair is not None:
        chairs = dict.fromkeys((row[1] for row in found), scope.chair.name)
    else:
        chairs = _chairs_of({row[1] for row in found})
    return [
        DueItem(
            kind=DueKind(kind),
            due_on=due_on,
            child_id=child_id,
            plan_id=plan_id,
            chair=chairs.get(child_id, ""),
            overdue=due_on < scope.as_of,
            child_name=" ".join(name for name in (given, family) if name),
        )
        for plan_id, child_id, due_on, kind, given, family in found
    ]


_CHAIRS_BATCH = 2000  # ids per query: well within SQLite's and PostgreSQL's parameter limits


def _chairs_of(child_ids: set[str]) -> dict[str, str]:
    """The chair of each child's latest conference (the latest conference id on a day with
    several), by child id: one query for a page of items."""
    chairs: dict[str, str] = {}
    ordered = sorted(child_ids)
    for start in range(0, len(ordered), _CHAIRS_BATCH):
        for child_id, name in (
            Conference.objects.filter(child__child_id__in=ordered[start : start + _CHAIRS_BATCH])
            .order_by("child__child_id", "-held_on", "-conference_id")
            .values_list("child__child_id", "chair__name")
        ):
            chairs.setdefault(child_id, name or "")
    return chairs


def due_items(
    *, as_of: dt.date, within_days: int, chair_name: str | None = None
) -> tuple[list[DueItem], list[DueItem]]:
    """(falling due in the next `within_days` days, soonest first; overdue, oldest first), every
    item of every kind (for the reminders and the command line; the worklist pages them).

    A check is done once a check of its kind is completed on or after the plan's latest
    conference; a review is done once it is held (the plan's diary then moves on)."""
    chair = None
    if chair_name:
        chair = Chair.objects.filter(name=chair_name).first()
        if chair is None:
            return [], []
    scope = DueScope(as_of=as_of, until=as_of + dt.timedelta(days=within_days), chair=chair)
    items = [item for which in DueList for item in due_list(scope=scope, which=which)]
    upcoming = sorted(
        (i for i in items if not i.overdue), key=lambda i: (i.due_on, i.child_id, i.kind)
    )
    overdue = sorted((i for i in items if i.overdue), key=lambda i: (i.due_on, i.child_id, i.kind))
    return upcoming, overdue


# ---- access-checked fetchers for the conference pages ----------------------------------------
# A meeting, a conference and an invitation are part of children's records: whoever may not
# see children gets the same 404 as for a record that does not exist.


def meeting_get_for_user(*, user, reference: str) -> Meeting:
    """The meeting, if every child discussed at it is within `user`'s sight (a sibling group
    split across areas opens for whoever sees all of them); otherwise the same 404."""
    if not can(user, Permission.VIEW_CHILD):
        raise Http404("No such meeting.")
    out_of_sight = Conference.objects.filter(meeting=OuterRef("pk")).exclude(
        child__in=children_in_sight(user)
    )
    try:
        return Meeting.objects.exclude(Exists(out_of_sight)).get(reference=reference)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def conference_get_for_user(*, user, conference_id: str) -> Conference:
    """The conference, if its child is within `user`'s sight; otherwise the same 404."""
    try:
        return (
            Conference.objects.filter(child__in=children_in_sight(user))
            .select_related("child", "meeting", "chair")
            .get(conference_id=conference_id)
        )
    except Conference.DoesNotExist:
        raise Http404("No such conference.") from None


def invitation_get_for_user(*, user, invitation_id: int) -> Invitation:
    """The invitation, if its meeting is within `user`'s sight; otherwise the same 404."""
    try:
        invitation = Invitation.objects.select_related("meeting", "organisation_type").get(
            pk=invitation_id
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    try:
        meeting_get_for_user(user=user, reference=invitation.meeting.reference)
    except Http404:
        raise Http404("No such invitation.") from None
    return invitation


def meeting_conferences(*, meeting: Meeting):
    """The children's conferences at `meeting`, by child id, each with the next review due on
    the child's open plan (`next_review_due_on`)."""
    open_plan = Plan.objects.filter(child=OuterRef("child"), end_on__isnull=True).order_by(
        "-start_on"
    )
    return (
        meeting.conferences.select_related("child", "chair")
        .annotate(next_review_due_on=Subquery(open_plan.values("next_review_due_on")[:1]))
        .order_by("child__child_id")
    )


def meeting_invitations(*, meeting: Meeting):
    return meeting.invitations.select_related("organisation_type").order_by(
        "organisation_type__name", "organisation_name"
    )


def missing_report_escalation(*, invitation: Invitation):
    """The escalation already raised for this agency's missing report at this meeting, if any."""
    return (
        Escalation.objects.filter(
            conference__meeting_id=invitation.meeting_id,
            organisation_type_id=invitation.organisation_type_id,
            organisation_name=invitation.organisation_name,
            reason=EscalationReason.NO_REPORT_NO_APOLOGIES,
        )
        .order_by("escalation_id")
        .first()
    )


def offers_missing_report_escalation(invitation: Invitation) -> bool:
    """Whether the invitation records, explicitly, that the agency sent no report and gave no
    apologies (and did not attend): then raising the escalation is offered in one step."""
    return (
        invitation.report_received == ReportReceived.NO
        and invitation.apologies is False
        and not invitation.attended
    )


# ---- the worklist ----------------------------------------------------------------------------

WORKLIST_DAYS = 28
"""The worklist looks four weeks ahead (issue 5: "reviews due in the next four weeks")."""


@dataclass(frozen=True)
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


def children_chaired_by(*, user: User) -> QuerySet[Child]:
    """The children on open plans whose latest conference `user` chaired (their caseload as a
    chair), within their sight, by name."""
    chair = chair_of(user)
    if chair is None:
        return Child.objects.none()
    plans = (
        Plan.objects.filter(end_on__isnull=True)
        .annotate(latest_conference=_latest_conferences())
        .filter(latest_conference__chair=chair)
    )
    return (
        children_in_sight(user)
        .filter(pk__in=plans.values("child_id"))
        .select_related("area")
        .order_by("family_name", "given_name", "child_id")
    )


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


@dataclass(frozen=True)
class NamedDueItem:
    item: DueItem
    child_name: str


def with_child_names(items: list[DueItem]) -> list[NamedDueItem]:
    """`items` with their children's names (read with the items, so no query here)."""
    return [NamedDueItem(i, i.child_name) for i in items]
