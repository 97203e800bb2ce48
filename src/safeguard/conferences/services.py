"""Recording conferences (one child or a sibling group at one meeting) and the agencies invited.

A conference that makes a plan starts one; a review that ends the plan ends it on its date:
chairs record the meeting, and the plans follow, as the exchange format describes them."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.cases.models import Child, Plan
from safeguard.escalations.models import OrganisationType
from safeguard.exchange.services import record_rules_apply
from safeguard.storage import versioned_save

from .models import (
    DATES_OF_KIND,
    Chair,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Invitation,
    Meeting,
    Outcome,
)
from .timeliness import timeliness_refresh

PARTICIPATION_FIELDS = (
    "child_attended",
    "advocate_involved",
    "views_shared_via",
    "preparation_session",
    "participation_code",
)


CONFERENCE_RULE_FIELDS = (
    "kind",
    "held_on",
    "strategy_discussion_on",
    "transfer_notification_on",
    "outcome",
    "out_of_timescale_reason",
    *PARTICIPATION_FIELDS,
)


def new_source_id(prefix: str) -> str:
    """An id for a record made in Safeguard rather than imported (`SG-C-3F9A1C2B7D`)."""
    return f"SG-{prefix}-{secrets.token_hex(5).upper()}"


@transaction.atomic
def meeting_record(
    *,
    children: Sequence[Child],
    kind: str,
    held_on: dt.date,
    by: User,
    today: dt.date,
    chair: Chair | None = None,
    strategy_discussion_on: dt.date | None = None,
    transfer_notification_on: dt.date | None = None,
    outcome: str = "",
    out_of_timescale_reason: str = "",
    category: str = "",
    quorate: bool | None = None,
    parents_attended: bool | None = None,
    participation: Mapping[int, Mapping[str, Any]] | None = None,
    confirm_unusual: bool = False,
    booked_meeting: Meeting | None = None,
) -> Meeting:
    """Record one meeting for one child or a sibling group, with a conference row per child.

    `category` is the category of abuse decided when a plan is made or continued (outcome
    PLAN): a new plan starts with it, a continued plan's latest category becomes it.
    `booked_meeting`: the booked meeting being recorded as held (the seam with booking): its
    booked rows of `children` become held, with these values (the same records), and any child
    not yet on it is added."""
    if not children:
        raise ValidationError({"children": "Choose at least one child."})
    if held_on > today:
        raise ValidationError({"held_on": "The conference date must be today or in the past."})
    for name, value in (
        ("strategy_discussion_on", strategy_discussion_on),
        ("transfer_notification_on", transfer_notification_on),
    ):
        if value is None:
            continue
        if name not in DATES_OF_KIND.get(kind, ()):
            raise ValidationError({name: "This type of conference does not take this date."})
        if value > held_on:
            raise ValidationError({name: "This date must be on or before the conference date."})
    if category and outcome != Outcome.PLAN:
        raise ValidationError(
            {"category": "The category of abuse is recorded when a plan is made or continued."}
        )
    booked: dict[int, Conference] = {}
    if booked_meeting is not None:
        on_meeting = {c.child_id: c for c in booked_meeting.conferences.all()}
        held = sorted(
            c.child.child_id
            for c in on_meeting.values()
            if c.child_id in {child.pk for child in children}
            and c.status != ConferenceStatus.BOOKED
        )
        if held:
            raise ValidationError(
                {"children": f"This meeting is already recorded for {', '.join(held)}."}
            )
        booked = {pk: c for pk, c in on_meeting.items() if c.status == ConferenceStatus.BOOKED}
    duplicates = (
        Conference.objects.filter(child__in=children, kind=kind, held_on=held_on)
        .exclude(status=ConferenceStatus.CANCELLED)
        .exclude(pk__in=[c.pk for c in booked.values()])
    )
    if duplicates.exists():
        taken = ", ".join(sorted(duplicates.values_list("child__child_id", flat=True)))
        raise ValidationError(
            {
                "held_on": f"A {kind.replace('_', '-')} conference on this date is already recorded "
                f"for {taken}."
            }
        )
    reference = booked_meeting.reference if booked_meeting else new_source_id("M")
    participation = participation or {}
    conference_ids = {
        child.pk: (booked[child.pk].conference_id if child.pk in booked else new_source_id("C"))
        for child in children
    }
    shared = {
        "kind": kind,
        "held_on": held_on,
        "strategy_discussion_on": strategy_discussion_on,
        "transfer_notification_on": transfer_notification_on,
        "chair": chair,
        "outcome": outcome,
        "out_of_timescale_reason": out_of_timescale_reason,
        "category": category,
        "quorate": quorate,
        "parents_attended": parents_attended,
    }
    for child in children:
        record_rules_apply(
            "conference",
            {
                **{
                    k: v
                    for k, v in participation.get(child.pk, {}).items()
                    if k in PARTICIPATION_FIELDS
                },
                **shared,
                "conference_id": conference_ids[child.pk],
                "child": child.child_id,
                "meeting": reference,
                "chair": chair.name if chair else "",
            },
            by=by,
            confirmed=confirm_unusual,
            child_id=child.child_id,
        )
    if booked_meeting is not None:
        meeting = booked_meeting
        if meeting.held_on != held_on:
            Meeting.objects.filter(pk=meeting.pk).update(held_on=held_on)
            meeting.held_on = held_on
    else:
        meeting = Meeting.objects.create(reference=reference, held_on=held_on)
    for child in children:
        values = {
            **shared,
            **{
                k: v
                for k, v in participation.get(child.pk, {}).items()
                if k in PARTICIPATION_FIELDS
            },
        }
        if child.pk in booked:
            conference = booked[child.pk]
            changes = field_changes(conference, {**values, "status": ConferenceStatus.HELD})
            versioned_save(
                conference,
                expected_version=conference.version,
                values={**values, "status": ConferenceStatus.HELD},
            )
            audit_record(
                actor=by,
                action=AuditAction.CHANGE,
                record_type="conference",
                record_id=conference.conference_id,
                child_id=child.child_id,
                changes=changes,
                summary=f"Booked {conference.get_kind_display().lower()} conference recorded as "
                f"held on {held_on.isoformat()}",
            )
        else:
            conference = Conference.objects.create(
                conference_id=conference_ids[child.pk],
                child=child,
                meeting=meeting,
                status=ConferenceStatus.HELD,
                **values,
            )
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                record_type="conference",
                record_id=conference.conference_id,
                child_id=child.child_id,
                summary=f"{conference.get_kind_display()} conference on {held_on.isoformat()}",
            )
        _plan_follows_conference(conference=conference, by=by)
    timeliness_refresh(child_pks=[c.pk for c in children])
    return meeting


def _plan_follows_conference(*, conference: Conference, by: User) -> None:
    """An initial or transfer-in conference that makes a plan starts one (unless one is open);
    a conference that ends the plan ends the open plan on its date."""
    child = conference.child
    open_plan = Plan.objects.filter(child=child, end_on__isnull=True).first()
    makes_plan = conference.outcome == Outcome.PLAN and conference.kind in (
        ConferenceKind.INITIAL,
        ConferenceKind.TRANSFER_IN,
    )
    if makes_plan and open_plan is None:
        later = Plan.objects.filter(child=child, start_on__gt=conference.held_on).exists()
        if later:
            return
        plan = Plan.objects.create(
            plan_id=new_source_id("P"),
            child=child,
            start_on=conference.held_on,
            initial_category=conference.category,
            latest_category=conference.category,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            record_type="plan",
            record_id=plan.plan_id,
            child_id=child.child_id,
            summary=f"Plan started by conference {conference.conference_id}",
        )
    elif (
        conference.outcome == Outcome.PLAN
        and conference.category
        and open_plan is not None
        and open_plan.start_on <= conference.held_on
    ):
        _plan_category_follows(plan=open_plan, conference=conference, by=by)
    elif (
        conference.outcome == Outcome.NO_PLAN
        and conference.kind == ConferenceKind.REVIEW
        and open_plan is not None
        and open_plan.start_on <= conference.held_on
    ):
        Plan.objects.filter(pk=open_plan.pk).update(
            end_on=conference.held_on,
            end_reason="Ended at a review conference",
            version=open_plan.version + 1,
        )
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            record_type="plan",
            record_id=open_plan.plan_id,
            child_id=child.child_id,
            changes={"end_on": (None, conference.held_on)},
            summary=f"Plan ended by conference {conference.conference_id}",
        )


def _plan_category_follows(*, plan: Plan, conference: Conference, by: User | None) -> None:
    """A conference that continues the plan with a category makes it the plan's latest
    category, unless a later conference of the plan has already recorded one (the history is
    the conferences' own categories); a plan with no initial category takes it as that too."""
    later = (
        Conference.objects.filter(
            child=plan.child,
            held_on__gt=conference.held_on,
            status=ConferenceStatus.HELD,
            outcome=Outcome.PLAN,
        )
        .exclude(category="")
        .exists()
    )
    if later:
        return
    values = {"latest_category": conference.category}
    if not plan.initial_category:
        values["initial_category"] = conference.category
    changes = field_changes(plan, values)
    if not changes:
        return
    versioned_save(plan, expected_version=plan.version, values=values)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="plan",
        record_id=plan.plan_id,
        child_id=plan.child.child_id,
        changes=changes,
        summary=f"Category recorded at conference {conference.conference_id}",
    )


@transaction.atomic
def conference_update(
    *,
    conference: Conference,
    expected_version: int,
    by: User,
    confirm_unusual: bool = False,
    **values: Any,
) -> Conference:
    held_on = values.get("held_on", conference.held_on)
    current = {name: getattr(conference, name) for name in CONFERENCE_RULE_FIELDS}
    merged = {**current, **{k: v for k, v in values.items() if k in CONFERENCE_RULE_FIELDS}}
    chair = values.get("chair", conference.chair)
    record_rules_apply(
        "conference",
        {
            **merged,
            "conference_id": conference.conference_id,
            "child": conference.child.child_id,
            "meeting": conference.meeting.reference,
            "chair": chair.name if chair else "",
        },
        by=by,
        confirmed=confirm_unusual,
        child_id=conference.child.child_id,
    )
    kind = values.get("kind", conference.kind)
    clash = (
        Conference.objects.filter(child=conference.child, kind=kind, held_on=held_on)
        .exclude(pk=conference.pk)
        .exists()
    )
    if clash:
        raise ValidationError(
            {"held_on": "The child already has a conference of this type on this date."}
        )
    if values.get("category", conference.category) and (
        values.get("outcome", conference.outcome) != Outcome.PLAN
    ):
        raise ValidationError(
            {"category": "The category of abuse is recorded when a plan is made or continued."}
        )
    changes = field_changes(conference, values)
    versioned_save(conference, expected_version=expected_version, values=values)
    if "category" in changes and conference.category:
        open_plan = Plan.objects.filter(
            child=conference.child, end_on__isnull=True, start_on__lte=conference.held_on
        ).first()
        if open_plan is not None:
            _plan_category_follows(plan=open_plan, conference=conference, by=by)
    if "held_on" in changes:
        Meeting.objects.filter(pk=conference.meeting_id).update(held_on=held_on)
        Conference.objects.filter(meeting_id=conference.meeting_id).update(held_on=held_on)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="conference",
        record_id=conference.conference_id,
        child_id=conference.child.child_id,
        changes=changes,
    )
    timeliness_refresh(
        child_pks=Conference.objects.filter(meeting_id=conference.meeting_id).values_list(
            "child_id", flat=True
        )
    )
    return conference


@transaction.atomic
def invitation_record(
    *,
    meeting: Meeting,
    organisation_type: OrganisationType,
    by: User,
    organisation_name: str = "",
    report_requested: bool | None = None,
    report_received: str = "",
    attended: bool | None = None,
    apologies: bool | None = None,
) -> Invitation:
    if Invitation.objects.filter(
        meeting=meeting, organisation_type=organisation_type, organisation_name=organisation_name
    ).exists():
        raise ValidationError(
            {"organisation_name": "This organisation is already recorded for this meeting."}
        )
    invitation = Invitation.objects.create(
        meeting=meeting,
        organisation_type=organisation_type,
        organisation_name=organisation_name,
        report_requested=report_requested,
        report_received=report_received,
        attended=attended,
        apologies=apologies,
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="invitation",
        record_id=str(invitation.pk),
        summary=f"{organisation_type} invited to meeting {meeting.reference}",
    )
    return invitation


@transaction.atomic
def invitation_update(
    *, invitation: Invitation, expected_version: int, by: User, **values: Any
) -> Invitation:
    changes = field_changes(invitation, values)
    versioned_save(invitation, expected_version=expected_version, values=values)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="invitation",
        record_id=str(invitation.pk),
        changes=changes,
    )
    return invitation


def chair_named(name: str) -> Chair | None:
    """The chair of that name, created on first use."""
    name = name.strip()
    if not name:
        return None
    return Chair.objects.get_or_create(name=name)[0]
