"""Reads about conferences and what falls due on open plans: the due lists, the worklist of
each chair, and the access-checked fetchers of meetings, conferences and invitations (through
safeguard.cases.selectors.children_in_sight)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404

from safeguard.accounts.access import Permission, area_ids_in_sight, can
from safeguard.accounts.models import User
from safeguard.cases.models import Child, Enquiry, Plan
from safeguard.cases.selectors import children_in_sight
from safeguard.domain.enquiries import (
    WAITING_OUTCOMES,
    EnquiryFacts,
    InitialConferenceRow,
    initial_conference_to_book,
)
from safeguard.domain.quorum import QuorumSuggestion, quorum_suggested
from safeguard.escalations.models import Escalation, EscalationReason
from safeguard.escalations.selectors import escalations_visible_to
from safeguard.monitoring.models import MonitoringCheck

from .models import (
    Chair,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Invitation,
    Meeting,
    Organisation,
    ReportReceived,
    RuleSetting,
)
from .timeliness import installation_rule_set


def held_conferences() -> QuerySet[Conference]:
    """The conferences that took place. Booked and cancelled ones count nowhere: not in the
    report, timeliness, the census, Annex A or what falls due (docs/exchange-format.md)."""
    return Conference.objects.filter(status=ConferenceStatus.HELD)


def held_meetings() -> QuerySet[Meeting]:
    """The meetings that took place: those with a held conference."""
    return Meeting.objects.filter(Exists(held_conferences().filter(meeting=OuterRef("pk"))))


class DueKind(StrEnum):
    INITIAL_CONFERENCE = "initial"
    REVIEW = "review"
    MIDWAY_CHECK = "midway"
    PRE_REVIEW_CHECK = "pre_review"

    @property
    def code(self) -> str:
        """The kind as `safeguard due --format csv` writes it."""
        return _DUE_KIND_CODES[self]

    @property
    def label(self) -> str:
        return _DUE_KIND_LABELS[self]


# Made once rather than on every call: a whole worklist's CSV asks thousands of times
_DUE_KIND_CODES = {
    DueKind.INITIAL_CONFERENCE: "initial_conference",
    DueKind.REVIEW: "review_conference",
    DueKind.MIDWAY_CHECK: "midway_check",
    DueKind.PRE_REVIEW_CHECK: "pre_review_check",
}
_DUE_KIND_LABELS = {
    DueKind.INITIAL_CONFERENCE: "Initial conference to book",
    DueKind.REVIEW: "Review conference",
    DueKind.MIDWAY_CHECK: "Midway check",
    DueKind.PRE_REVIEW_CHECK: "Pre-review check",
}


@dataclass(frozen=True)
class DueItem:
    kind: DueKind
    due_on: dt.date
    child_id: str
    plan_id: str
    chair: str
    overdue: bool
    child_name: str = ""
    enquiry_id: str = ""  # an initial conference's: the section 47 enquiry waiting for it
    booked_on: dt.date | None = None  # a review's: the date a review conference is booked for

    @property
    def reference(self) -> str:
        """The enquiry id for an initial conference to book; the plan id otherwise."""
        return self.enquiry_id if self.kind is DueKind.INITIAL_CONFERENCE else self.plan_id


class DueList(StrEnum):
    """The lists of what falls due, as the worklist shows them."""

    REVIEWS_DUE = "reviews-due"  # reviews falling due from today up to the horizon
    REVIEWS_OVERDUE = "reviews-overdue"
    CHECKS_DUE = "checks-due"  # midway and pre-review checks up to the horizon, overdue first
    INITIAL_TO_BOOK = "initial-to-book"  # enquiries waiting for their initial conference


@dataclass(frozen=True)
class DueScope:
    """What falls due on open plans as of `as_of`, up to and including `until`, on the plans of
    one chair (whoever chaired the child's latest conference) or of everybody (None)."""

    as_of: dt.date
    until: dt.date
    chair: Chair | None = None
    areas: list[int] | None = None  # only the children of these areas; None: every area
    kinds: frozenset[DueKind] | None = None  # only these kinds of item; None: every kind
    by_child: bool = False  # sort by the child's name rather than soonest first
    # The chair's open plans (their ids), when already read: each count and list of a chair's
    # worklist then starts from them rather than testing every open plan's latest conference
    chair_plans: tuple[int, ...] | None = None

    def shows(self, kind: DueKind) -> bool:
        return self.kinds is None or kind in self.kinds


_DUE_FIELDS = {
    DueKind.REVIEW: "next_review_due_on",
    DueKind.MIDWAY_CHECK: "midway_check_due_on",
    DueKind.PRE_REVIEW_CHECK: "pre_review_check_due_on",
}
_CHECK_KINDS = (DueKind.MIDWAY_CHECK, DueKind.PRE_REVIEW_CHECK)
_DUE_KINDS = {kind.value: kind for kind in DueKind}  # by the code the queries give

# A plan's latest conference and its checks done are read through the plan's own row (a join,
# or an EXISTS the database runs as an anti-join or an index seek per plan), so that a list
# costs what its open plans cost, however many conferences and checks there are: conferences on
# (child, held_on), checks on plan.


def _latest_conferences() -> FilteredRelation:
    """The child's held conferences on the plan's latest conference day (an open plan's
    `last_conference_on` is the child's latest held conference: plan_schedule)."""
    return FilteredRelation(
        "child__conferences",
        condition=Q(
            child__conferences__held_on=F("last_conference_on"),
            child__conferences__status=ConferenceStatus.HELD,
        ),
    )


def _check_done(kind: DueKind) -> Exists:
    """A check of `kind` completed on or after the plan's latest conference: the check is done.
    An EXISTS rather than a join, so that a plan with two such checks stays one row and the
    database may answer "not done" with an anti-join."""
    return Exists(
        MonitoringCheck.objects.filter(
            plan=OuterRef("pk"), kind=kind.value, completed_on__gte=OuterRef("last_conference_on")
        )
    )


def _open_plans(scope: DueScope) -> QuerySet[Plan]:
    plans = Plan.objects.filter(end_on__isnull=True)
    if scope.areas is not None:
        plans = plans.filter(child__area__in=scope.areas)
    if scope.chair is not None and scope.chair_plans is not None:
        plans = plans.filter(pk__in=scope.chair_plans)
    elif scope.chair is not None:
        # The chair of a held conference on the plan's latest conference day: two conferences
        # on that day with different chairs put the plan on both lists. An EXISTS keeps each
        # plan one row (no DISTINCT) and starts from the open plans (as many as the caseload)
        # rather than from the chair's conferences (which grow every year).
        plans = plans.filter(
            Exists(
                Conference.objects.filter(
                    child=OuterRef("child"),
                    held_on=OuterRef("last_conference_on"),
                    status=ConferenceStatus.HELD,
                    chair=scope.chair,
                )
            )
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
        plans = plans.filter(~_check_done(kind))
    booked_on: Subquery | Value
    if kind is DueKind.REVIEW:
        booked_on = Subquery(
            Conference.objects.filter(
                child=OuterRef("child"),
                kind=ConferenceKind.REVIEW,
                status=ConferenceStatus.BOOKED,
            )
            .order_by("held_on")
            .values("held_on")[:1],
            output_field=DateField(),
        )
    else:
        booked_on = Value(None, output_field=DateField())
    rows = (
        plans.order_by()
        .annotate(
            due_on=F(field),
            child_code=F("child__child_id"),
            kind_code=Value(kind.value, output_field=CharField()),
            booked_on=booked_on,
        )
        .values_list(
            "plan_id",
            "child_code",
            "due_on",
            "kind_code",
            "child__given_name",
            "child__family_name",
            "booked_on",
        )
    )
    return rows


def due_counts(
    *, scope: DueScope, initial_to_book: list[DueItem] | None = None
) -> dict[DueList, int]:
    """How many items each list holds (one query, counted by the database; the initial
    conferences to book are `initial_to_book`, or read here)."""
    until, as_of = scope.until, scope.as_of
    counts = (
        _open_plans(scope)
        .filter(
            Q(next_review_due_on__lte=until)
            | Q(midway_check_due_on__lte=until)
            | Q(pre_review_check_due_on__lte=until)
        )
        .alias(
            midway_done=_check_done(DueKind.MIDWAY_CHECK),
            pre_review_done=_check_done(DueKind.PRE_REVIEW_CHECK),
        )
        .aggregate(
            reviews_due=Count(
                "pk", filter=Q(next_review_due_on__gte=as_of, next_review_due_on__lte=until)
            ),
            reviews_overdue=Count("pk", filter=Q(next_review_due_on__lt=as_of)),
            midway=Count("pk", filter=Q(midway_check_due_on__lte=until, midway_done=False)),
            pre_review=Count(
                "pk", filter=Q(pre_review_check_due_on__lte=until, pre_review_done=False)
            ),
        )
    )
    shown = scope.shows
    return {
        DueList.REVIEWS_DUE: counts["reviews_due"] if shown(DueKind.REVIEW) else 0,
        DueList.REVIEWS_OVERDUE: counts["reviews_overdue"] if shown(DueKind.REVIEW) else 0,
        DueList.CHECKS_DUE: (counts["midway"] if shown(DueKind.MIDWAY_CHECK) else 0)
        + (counts["pre_review"] if shown(DueKind.PRE_REVIEW_CHECK) else 0),
        DueList.INITIAL_TO_BOOK: len(
            initial_to_book
            if initial_to_book is not None
            else initial_conferences_to_book(scope=scope)
        )
        if shown(DueKind.INITIAL_CONFERENCE)
        else 0,
    }


def due_list(
    *,
    scope: DueScope,
    which: DueList,
    offset: int = 0,
    limit: int | None = None,
    initial_to_book: list[DueItem] | None = None,
    chairs_read: dict[str, str] | None = None,
) -> list[DueItem]:
    """The items of list `which`, soonest first (the longest overdue first), from `offset`, at
    most `limit` of them: the database sorts and cuts the page (two queries). The initial
    conferences to book are `initial_to_book` when given (already read), or read here;
    `chairs_read` keeps the children's chairs read for one list for the next (by child id)."""
    if which is DueList.INITIAL_TO_BOOK:
        if not scope.shows(DueKind.INITIAL_CONFERENCE):
            return []
        if initial_to_book is not None:
            waiting = list(initial_to_book)
        else:
            waiting = initial_conferences_to_book(scope=scope)
        if scope.by_child:
            waiting.sort(key=lambda i: (i.child_name.split()[-1:], i.child_name, i.child_id))
        return waiting[offset : None if limit is None else offset + limit]
    if scope.by_child:
        order: tuple[str, ...] = (
            "child__family_name",
            "child__given_name",
            "child_code",
            "due_on",
            "kind_code",
        )
    else:
        order = ("due_on", "child_code", "kind_code")
    if which is DueList.CHECKS_DUE:
        kinds = [kind for kind in _CHECK_KINDS if scope.shows(kind)]
        if not kinds:
            return []
        branches = [_due(scope, kind, which) for kind in kinds]
        if (
            limit is not None
            and len(branches) > 1
            and connection.features.supports_slicing_ordering_in_compound
        ):
            # A page needs each kind only up to the page's end: read so, PostgreSQL walks each
            # due date's index and stops there, rather than sorting every open plan's checks
            # (SQLite allows no LIMIT within a UNION, and sorts them quickly anyway).
            branches = [branch.order_by(*order)[: offset + limit] for branch in branches]
        first, *others = branches
        rows = first.union(*others, all=True) if others else first  # no row is in both
    elif not scope.shows(DueKind.REVIEW):
        return []
    else:
        rows = _due(scope, DueKind.REVIEW, which)
    rows = rows.order_by(*order)
    if limit is not None:
        rows = rows[offset : offset + limit]
    elif offset:
        rows = rows[offset:]
    found = list(rows)
    if scope.chair is not None:
        chairs = dict.fromkeys((row[1] for row in found), scope.chair.name)
    else:
        chairs = chairs_read if chairs_read is not None else {}
        missing = {row[1] for row in found} - chairs.keys()
        if missing:
            chairs.update(dict.fromkeys(missing, ""))
            chairs.update(_chairs_of(missing))
    # Built for every row of a whole list (the CSV download: thousands), so without a call
    # per row that can be spared: the kind looked up rather than made, the name joined at once
    return [
        DueItem(
            kind=_DUE_KINDS[kind],
            due_on=due_on,
            child_id=child_id,
            plan_id=plan_id,
            chair=chairs.get(child_id, ""),
            overdue=due_on < scope.as_of,
            child_name=" ".join(filter(None, (given, family))),
            booked_on=booked_on,
        )
        for plan_id, child_id, due_on, kind, given, family, booked_on in found
    ]


@dataclass(frozen=True)
class ChairOverdue:
    """How many reviews and checks are overdue on the plans of one chair (the chair of the
    child's latest conference; "" when it names none)."""

    chair: str
    chair_pk: int | None
    reviews: int
    checks: int


def overdue_by_chair(*, as_of: dt.date, areas: list[int] | None) -> list[ChairOverdue]:
    """The unit's overdue items by chair, the most overdue first (one query)."""
    reviews = Q(next_review_due_on__lt=as_of)
    checks = Q(midway_check_due_on__lt=as_of, midway_done=False) | Q(
        pre_review_check_due_on__lt=as_of, pre_review_done=False
    )
    rows = (
        _open_plans(DueScope(as_of=as_of, until=as_of, areas=areas))
        .annotate(latest_conference=_latest_conferences())
        .alias(
            midway_done=_check_done(DueKind.MIDWAY_CHECK),
            pre_review_done=_check_done(DueKind.PRE_REVIEW_CHECK),
        )
        .filter(reviews | checks)
        .values_list("latest_conference__chair__name", "latest_conference__chair_id")
        # distinct: two conferences of one chair on the latest day join the plan twice
        .annotate(
            reviews_overdue=Count("pk", distinct=True, filter=reviews),
            checks_overdue=Count("pk", distinct=True, filter=checks),
        )
        .order_by()
    )
    found = [
        ChairOverdue(chair=name or "", chair_pk=pk, reviews=reviews, checks=checks)
        for name, pk, reviews, checks in rows
    ]
    return sorted(found, key=lambda r: (-(r.reviews + r.checks), r.chair, r.chair_pk or 0))


def initial_conferences_to_book(*, scope: DueScope) -> list[DueItem]:
    """The section 47 enquiries waiting, on `scope.as_of`, for their initial conference
    (safeguard.domain.enquiries decides), due up to `scope.until`, the longest overdue first.
    None on a chair's list: nobody chairs a conference not yet booked.

    The database narrows the enquiries to those that may wait (outcome, date, and no initial
    conference held or booked between the strategy discussion and the day); the rule decides
    on those few, with their children's later bookings."""
    if scope.chair is not None:
        return []
    ended = Conference.objects.filter(
        child=OuterRef("child"),
        kind=ConferenceKind.INITIAL,
        status__in=[ConferenceStatus.HELD, ConferenceStatus.BOOKED],
        held_on__gte=OuterRef("strategy_discussion_on"),
        held_on__lte=scope.as_of,
    )
    enquiries = Enquiry.objects.filter(
        outcome__in=sorted(WAITING_OUTCOMES), strategy_discussion_on__lte=scope.as_of
    ).exclude(Exists(ended))
    if scope.areas is not None:
        enquiries = enquiries.filter(child__area__in=scope.areas)
    candidates = list(
        enquiries.order_by().values_list(
            "enquiry_id",
            "child_id",
            "child__child_id",
            "strategy_discussion_on",
            "outcome",
            "child__given_name",
            "child__family_name",
        )
    )
    if not candidates:
        return []
    later: dict[int, list[InitialConferenceRow]] = defaultdict(list)
    for child_pk, held_on, status in Conference.objects.filter(
        child_id__in={row[1] for row in candidates},
        kind=ConferenceKind.INITIAL,
        held_on__gt=scope.as_of,
    ).values_list("child_id", "held_on", "status"):
        later[child_pk].append(InitialConferenceRow(held_on, status))
    rules = installation_rule_set()
    items = []
    for enquiry_id, child_pk, child_id, discussed_on, outcome, given, family in candidates:
        waiting = initial_conference_to_book(
            EnquiryFacts(enquiry_id, child_id, discussed_on, outcome),
            later[child_pk],
            scope.as_of,
            rules,
        )
        if waiting is None or waiting.due_on > scope.until:
            continue
        items.append(
            DueItem(
                kind=DueKind.INITIAL_CONFERENCE,
                due_on=waiting.due_on,
                child_id=child_id,
                plan_id="",
                chair="",
                overdue=waiting.overdue,
                child_name=" ".join(name for name in (given, family) if name),
                enquiry_id=enquiry_id,
            )
        )
    return sorted(items, key=lambda i: (i.due_on, i.child_id, i.enquiry_id))


_CHAIRS_BATCH = 2000  # ids per query: well within SQLite's and PostgreSQL's parameter limits


def _chairs_of(child_ids: set[str]) -> dict[str, str]:
    """The chair of each child's latest held conference (the latest conference id on a day
    with several), by child id: one query for a page of items.

    Each child's latest conference is found through the index on (child, held_on), rather
    than reading every conference of the children and keeping the first of each: a whole
    worklist of a large authority (thousands of children) otherwise read every conference."""
    latest_chair = (
        held_conferences()
        .filter(child=OuterRef("pk"))
        .order_by("-held_on", "-conference_id")
        .values("chair__name")[:1]
    )
    chairs: dict[str, str] = {}
    ordered = sorted(child_ids)
    for start in range(0, len(ordered), _CHAIRS_BATCH):
        for child_id, name in (
            Child.objects.filter(child_id__in=ordered[start : start + _CHAIRS_BATCH])
            .order_by()
            .annotate(chair_name=Subquery(latest_chair))
            .values_list("child_id", "chair_name")
        ):
            chairs[child_id] = name or ""
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


# ---- recording a meeting (issue 19) ---------------------------------------------------------


def sibling_candidates(
    *, user: User, child_ids: list[str], meeting: Meeting | None = None
) -> QuerySet[Child]:
    """The children the record form's picker offers, within `user`'s sight: those named by
    `child_ids` (matched case-insensitively), the children of their families (the same
    non-blank `family_id`) and those already on `meeting` (a booked meeting); the eldest first."""
    in_sight = children_in_sight(user)
    named = Q(pk__in=[])
    for child_id in child_ids:
        named |= Q(child_id__iexact=child_id)
    seeds = in_sight.filter(named)
    if meeting is not None:
        seeds = seeds | in_sight.filter(conferences__meeting=meeting)
    families = [f for f in seeds.values_list("family_id", flat=True) if f]
    return (
        in_sight.filter(Q(pk__in=seeds.values("pk")) | Q(family_id__in=families))
        .distinct()
        .order_by(F("date_of_birth").asc(nulls_last=True), "child_id")
    )


@dataclass(frozen=True)
class MeetingPrefill:
    """What the record form starts from when it is opened from a booked meeting: the chair
    records the meeting onto the booked rows (the same records), which become held."""

    meeting: Meeting
    child_ids: list[str]
    kind: str
    held_on: dt.date
    chair: Chair | None


def booked_meeting_get_for_user(*, user: User, reference: str) -> MeetingPrefill:
    """The booked meeting (one with a conference still booked), access-checked as every
    meeting is, with what the record form is pre-filled from; otherwise the same 404."""
    meeting = meeting_get_for_user(user=user, reference=reference)
    booked = list(
        meeting.conferences.filter(status=ConferenceStatus.BOOKED)
        .select_related("child", "chair")
        .order_by("child__child_id")
    )
    if not booked:
        raise Http404("No such booked meeting.")
    return MeetingPrefill(
        meeting=meeting,
        child_ids=[c.child.child_id for c in booked],
        kind=booked[0].kind,
        held_on=booked[0].held_on,
        chair=booked[0].chair,
    )


def meeting_quorum_suggestion(*, meeting: Meeting) -> QuorumSuggestion:
    """The quorum suggested from the agencies recorded as attending `meeting`
    (safeguard.domain.quorum), with the authority's number of other agencies."""
    invitations = list(meeting.invitations.select_related("organisation_type"))
    setting = RuleSetting.objects.first()
    return quorum_suggested(
        attended=[i.organisation_type.name for i in invitations if i.attended],
        invited=len(invitations),
        other_agencies_needed=setting.quorum_other_agencies if setting else None,
    )


# ---- the worklist ----------------------------------------------------------------------------

WORKLIST_WEEKS = (4, 8, 12)
"""How far ahead a worklist may look; four weeks unless the user chooses (issue 23)."""


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
    weeks: int = WORKLIST_WEEKS[0]
    kinds: frozenset[DueKind] | None = None
    by_child: bool = False
    # The initial conferences to book, read once with the counts: the rule decides each, so
    # the list is whole rather than a page (None: read when asked)
    initial_to_book: list[DueItem] | None = None
    # The chairs of the children of the sections read so far, by child id: a child on two
    # sections (a review and a check overdue) is looked up once
    chairs_read: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    chair_plans: tuple[int, ...] | None = None  # the chair's open plans, read once (DueScope)

    @property
    def scope(self) -> DueScope:
        return DueScope(
            as_of=self.as_of,
            until=self.until,
            chair=self.chair,
            areas=self.areas,
            kinds=self.kinds,
            by_child=self.by_child,
            chair_plans=self.chair_plans,
        )

    def title(self, name: str) -> str:
        """A section's title: "Reviews due in the next 8 weeks"."""
        if name == DueList.REVIEWS_DUE:
            weeks = {4: "four", 8: "eight", 12: "twelve"}.get(self.weeks, str(self.weeks))
            return f"Reviews due in the next {weeks} weeks"
        return WORKLIST_SECTIONS[name]

    def all_items(self) -> list[DueItem]:
        """Every item of every section, overdue first, then soonest (for the CSV download)."""
        items = [item for name in self.sections for item in self.items(name)]
        return sorted(items, key=lambda i: (i.due_on, i.child_id, i.kind))

    def count(self, name: str) -> int:
        return self.counts[name]

    def items(self, name: str, *, offset: int = 0, limit: int | None = None) -> list[DueItem]:
        """Section `name` from `offset`, at most `limit` items, in the section's order: reviews
        soonest first (the longest overdue first), checks overdue first."""
        return due_list(
            scope=self.scope,
            which=DueList(name),
            offset=offset,
            limit=limit,
            initial_to_book=self.initial_to_book,
            chairs_read=self.chairs_read,
        )

    @property
    def sections(self) -> dict[str, str]:
        """The sections shown, by name: a chair's list has no initial conferences to book
        (business support and managers book them)."""
        return {
            name: title
            for name, title in WORKLIST_SECTIONS.items()
            if name != DueList.INITIAL_TO_BOOK or self.chair is None
        }

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
    DueList.INITIAL_TO_BOOK.value: "Initial conferences to book",
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


def worklist_for(
    *,
    user: User,
    as_of: dt.date,
    chair: Chair | None = None,
    weeks: int = WORKLIST_WEEKS[0],
    area_id: int | None = None,
    kinds: frozenset[DueKind] | None = None,
    by_child: bool = False,
) -> Worklist:
    """The user's own items when they are a chair; otherwise everybody's, or `chair`'s; up to
    `weeks` ahead, in one area of the user's (`area_id`) or all of them, of `kinds` or every
    kind. Counts each section (one query, and the initial conferences to book read whole); the
    other sections' items are read a page at a time (`Worklist.items`)."""
    own_chair = chair_of(user)
    chosen = own_chair or chair
    until = as_of + dt.timedelta(weeks=weeks)
    areas = area_ids_in_sight(user)
    if area_id is not None:
        areas = [area_id] if areas is None or area_id in areas else []
    scope = DueScope(as_of=as_of, until=until, chair=chosen, areas=areas, kinds=kinds)
    if chosen is not None:
        # One pass over the open plans finds the chair's; the counts and each section's page
        # then read those plans by id (a caseload of hundreds) rather than each pass again.
        chair_plans = _open_plans(scope).order_by().values_list("pk", flat=True)
        scope = replace(scope, chair_plans=tuple(chair_plans))
    initial_to_book = (
        initial_conferences_to_book(scope=scope) if scope.shows(DueKind.INITIAL_CONFERENCE) else []
    )
    counts = due_counts(scope=scope, initial_to_book=initial_to_book)
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
        weeks=weeks,
        kinds=kinds,
        by_child=by_child,
        initial_to_book=initial_to_book,
        chair_plans=scope.chair_plans,
    )


@dataclass(frozen=True)
class NamedDueItem:
    item: DueItem
    child_name: str


def with_child_names(items: list[DueItem]) -> list[NamedDueItem]:
    """`items` with their children's names (read with the items, so no query here)."""
    return [NamedDueItem(i, i.child_name) for i in items]


# ---- booked conferences: the chairs' diary, agencies' reports overdue, the register -----------


@dataclass(frozen=True)
class DiaryMeeting:
    """A booked meeting in a diary, with the booked conferences of the children at it."""

    meeting: Meeting
    conferences: list[Conference]


@dataclass(frozen=True)
class DiaryDay:
    day: dt.date
    meetings: list[DiaryMeeting]


def chair_diary(*, user: User, from_on: dt.date, chair: Chair | None) -> list[DiaryDay]:
    """The booked conferences from `from_on` on, by day and meeting (time, then reference):
    `chair`'s, or every chair's when None; only children within `user`'s sight."""
    booked = Conference.objects.filter(
        status=ConferenceStatus.BOOKED,
        held_on__gte=from_on,
        child__in=children_in_sight(user),
    )
    if chair is not None:
        booked = booked.filter(chair=chair)
    days: dict[dt.date, dict[int, DiaryMeeting]] = {}
    for conference in booked.select_related("child", "meeting", "chair").order_by(
        "held_on", "meeting__starts_at", "meeting__reference", "child__child_id"
    ):
        meetings = days.setdefault(conference.held_on, {})
        entry = meetings.setdefault(
            conference.meeting_id, DiaryMeeting(meeting=conference.meeting, conferences=[])
        )
        entry.conferences.append(conference)
    return [DiaryDay(day, list(meetings.values())) for day, meetings in days.items()]


def agency_reports_overdue(*, user: User, as_of: dt.date) -> list[Invitation]:
    """Agencies' reports to booked meetings due before `as_of` and not received, the longest
    overdue first; only meetings within `user`'s sight."""
    # The booked meetings' ids first, then each of their invitations' meeting checked for a child
    # out of sight: listing every meeting in sight first took a large authority's
    # SQLite a quarter of a second of CPU, however few meetings were booked.
    booked = Conference.objects.filter(status=ConferenceStatus.BOOKED).values("meeting_id")
    out_of_sight = Conference.objects.filter(meeting=OuterRef("meeting")).exclude(
        child__in=children_in_sight(user)
    )
    return list(
        Invitation.objects.filter(
            meeting__in=booked,
            report_due_on__lt=as_of,
            report_received_on__isnull=True,
            report_received__in=["", ReportReceived.NO],
        )
        .exclude(Exists(out_of_sight))
        .select_related("meeting", "organisation_type")
        .prefetch_related(
            Prefetch(
                "meeting__conferences",
                queryset=Conference.objects.select_related("child").order_by("child__child_id"),
            )
        )
        .order_by("report_due_on", "meeting__held_on", "organisation_type__name")
    )


def organisations_registered() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("organisation_type").order_by(
        "organisation_type__name", "name"
    )


def organisation_get(*, organisation_id: int) -> Organisation:
    """An organisation of the register (reference data, not a child's record)."""
    try:
        return organisations_registered().get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404("No such organisation.") from None


def previous_meeting_invited(*, meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of `meeting`'s children that had agencies invited."""
    child_pks = meeting.conferences.values_list("child_id", flat=True)
    return (
        Meeting.objects.filter(conferences__child_id__in=child_pks, held_on__lt=meeting.held_on)
        .exclude(pk=meeting.pk)
        .filter(invitations__isnull=False)
        .order_by("-held_on", "-reference")
        .first()
    )
