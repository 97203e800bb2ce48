"""Recording conferences (one child or a sibling group at one meeting) and the agencies invited.

A conference that makes a plan starts one; a review that ends the plan ends it on its date:
chairs record the meeting, and the plans follow, as the exchange format describes them."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.cases.models import Child, Enquiry, Plan
from safeguard.domain.agency_reports import (
    INITIAL_REPORT_DUE_WORKING_DAYS,
    REVIEW_REPORT_DUE_WORKING_DAYS,
    agency_report_due_on,
    report_received_from_dates,
)
from safeguard.domain.enquiries import WAITING_OUTCOMES
from safeguard.domain.timeliness import initial_conference_due_on
from safeguard.domain.vocabulary import CONFERENCE_KINDS
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
    Organisation,
    Outcome,
    RuleSetting,
)
from .selectors import previous_meeting_invited
from .timeliness import installation_rule_set, timeliness_refresh

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
        raise ValidationError({"children": "Select at least one child"})
    if held_on > today:
        raise ValidationError({"held_on": "Date of the conference must be today or in the past"})
    for name, value in (
        ("strategy_discussion_on", strategy_discussion_on),
        ("transfer_notification_on", transfer_notification_on),
    ):
        if value is None:
            continue
        if name not in DATES_OF_KIND.get(kind, ()):
            raise ValidationError(
                {name: "Leave this date empty: this type of conference does not take it"}
            )
        if value > held_on:
            raise ValidationError(
                {name: "This date must be the same as or before the date of the conference"}
            )
    if category and outcome != Outcome.PLAN:
        raise ValidationError(
            {"category": "Leave the category of abuse empty unless a plan is made or continued"}
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
                {"children": f"This meeting is already recorded for {', '.join(held)}"}
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
                "held_on": f"{_with_article(CONFERENCE_KINDS.phrase(kind)).capitalize()} conference on "
                f"this date is already recorded for {taken}"
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
            {"held_on": "The child already has a conference of this type on this date"}
        )
    if values.get("category", conference.category) and (
        values.get("outcome", conference.outcome) != Outcome.PLAN
    ):
        raise ValidationError(
            {"category": "Leave the category of abuse empty unless a plan is made or continued"}
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
        meeting_date_set(meeting_id=conference.meeting_id, held_on=held_on)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="conference",
        record_id=conference.conference_id,
        child_id=conference.child.child_id,
        changes=changes,
    )
    meeting_timeliness_refresh(meeting_id=conference.meeting_id)
    return conference


def meeting_date_set(*, meeting_id: int, held_on: dt.date) -> None:
    """A conference's date is its meeting's and its siblings': moving one moves them all."""
    Meeting.objects.filter(pk=meeting_id).update(held_on=held_on)
    Conference.objects.filter(meeting_id=meeting_id).update(held_on=held_on)


def meeting_timeliness_refresh(*, meeting_id: int) -> None:
    """Every child of the meeting given its verdicts again."""
    timeliness_refresh(
        child_pks=Conference.objects.filter(meeting_id=meeting_id).values_list(
            "child_id", flat=True
        )
    )


@transaction.atomic
def invitation_record(
    *,
    meeting: Meeting,
    organisation_type: OrganisationType,
    by: User,
    organisation_name: str = "",
    organisation: Organisation | None = None,
    report_requested: bool | None = None,
    report_received: str = "",
    attended: bool | None = None,
    apologies: bool | None = None,
    invited_on: dt.date | None = None,
    report_due_on: dt.date | None = None,
    report_received_on: dt.date | None = None,
) -> Invitation:
    """Record an agency invited to a meeting. An agency asked for a report before a booked
    meeting has its report due on the authority's rule (`agency_report_due_for`) unless a date
    is given; a report received with both dates known is on time or late by them."""
    if organisation is not None:
        organisation_type, organisation_name = organisation.organisation_type, organisation.name
    if Invitation.objects.filter(
        meeting=meeting, organisation_type=organisation_type, organisation_name=organisation_name
    ).exists():
        raise ValidationError(
            {"organisation_name": "This organisation is already recorded for this meeting"}
        )
    if report_due_on is None and report_requested and _is_booked(meeting):
        report_due_on = agency_report_due_for(meeting)
    if not report_received:
        report_received = report_received_from_dates(report_due_on, report_received_on)
    invitation = Invitation.objects.create(
        meeting=meeting,
        organisation_type=organisation_type,
        organisation_name=organisation_name,
        organisation=organisation,
        report_requested=report_requested,
        report_received=report_received,
        attended=attended,
        apologies=apologies,
        invited_on=invited_on,
        report_due_on=report_due_on,
        report_received_on=report_received_on,
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
    """Change what is recorded of an invitation. A report received date with the report's due
    date known, and no explicit answer, says whether it was received on time or late."""
    organisation = values.get("organisation")
    if organisation is not None:
        values["organisation_type"] = organisation.organisation_type
        values["organisation_name"] = organisation.name
    if "report_received_on" in values and not values.get("report_received"):
        values["report_received"] = report_received_from_dates(
            values.get("report_due_on", invitation.report_due_on), values["report_received_on"]
        )
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


def _is_booked(meeting: Meeting) -> bool:
    return meeting.conferences.filter(status=ConferenceStatus.BOOKED).exists()


def agency_report_due_for(meeting: Meeting) -> dt.date:
    """When agencies' reports to `meeting` are due: the authority's working days before it
    (RuleSetting; blank: domain.agency_reports' defaults), for an initial conference when any
    child's is initial, for a review otherwise."""
    setting = RuleSetting.objects.first()
    if meeting.conferences.filter(kind=ConferenceKind.INITIAL).exists():
        days = setting.initial_report_due_working_days if setting else None
        days = INITIAL_REPORT_DUE_WORKING_DAYS if days is None else days
    else:
        days = setting.review_report_due_working_days if setting else None
        days = REVIEW_REPORT_DUE_WORKING_DAYS if days is None else days
    return agency_report_due_on(meeting.held_on, days, installation_rule_set().calendar)


@transaction.atomic
def invitations_copy_previous(*, meeting: Meeting, by: User, today: dt.date) -> list[Invitation]:
    """Invite to `meeting` the agencies invited to the previous meeting of its children (the
    latest earlier meeting of any of them that had agencies invited), each invited today and
    asked for a report; agencies already on the list are left as they are."""
    previous = previous_meeting_invited(meeting=meeting)
    if previous is None:
        raise ValidationError("No earlier meeting of these children has agencies invited")
    present = set(meeting.invitations.values_list("organisation_type_id", "organisation_name"))
    copied = []
    for earlier in previous.invitations.select_related("organisation_type", "organisation"):
        if (earlier.organisation_type_id, earlier.organisation_name) in present:
            continue
        copied.append(
            invitation_record(
                meeting=meeting,
                organisation_type=earlier.organisation_type,
                organisation_name=earlier.organisation_name,
                organisation=earlier.organisation,
                report_requested=True,
                invited_on=today,
                by=by,
            )
        )
    return copied


@transaction.atomic
def organisation_record(
    *, name: str, organisation_type: OrganisationType, by: User, email: str = ""
) -> Organisation:
    """Add an organisation to the authority's register of those invited to conferences."""
    name = name.strip()
    if Organisation.objects.filter(name=name, organisation_type=organisation_type).exists():
        raise ValidationError({"name": f"{name} is already in the register as {organisation_type}"})
    organisation = Organisation.objects.create(
        name=name, organisation_type=organisation_type, email=email
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="organisation",
        record_id=str(organisation.pk),
        summary=f"Organisation {name} ({organisation_type}) added to the register",
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, expected_version: int, by: User, **values: Any
) -> Organisation:
    name = values.get("name", organisation.name).strip()
    kind = values.get("organisation_type", organisation.organisation_type)
    clash = (
        Organisation.objects.filter(name=name, organisation_type=kind)
        .exclude(pk=organisation.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"name": f"{name} is already in the register as {kind}"})
    changes = field_changes(organisation, values)
    versioned_save(organisation, expected_version=expected_version, values=values)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="organisation",
        record_id=str(organisation.pk),
        changes=changes,
    )
    return organisation


def chair_named(name: str) -> Chair | None:
    """The chair of that name, created on first use."""
    name = name.strip()
    if not name:
        return None
    return Chair.objects.get_or_create(name=name)[0]


# ---- booking: conferences before they are held ------------------------------------------------

BOOKABLE_KINDS = (ConferenceKind.INITIAL, ConferenceKind.REVIEW)


def _with_article(phrase: str) -> str:
    """ "an initial", "a review", "a transfer in": a conference kind's phrase in a sentence."""
    return f"{'an' if phrase[:1] in 'aeiou' else 'a'} {phrase}"


_KIND_NAMES: dict[str, str] = {
    ConferenceKind.INITIAL: "an initial",
    ConferenceKind.REVIEW: "a review",
}


@dataclass(frozen=True)
class Booking:
    """A booked meeting, and what its confirmation must warn of (a date after the due date)."""

    meeting: Meeting
    warnings: tuple[str, ...] = ()


def _booked_late(*, child: Child, kind: str, held_on: dt.date) -> str:
    """The warning when `held_on` is after the date the conference is due, or ''."""
    if kind == ConferenceKind.INITIAL:
        enquiry = (
            Enquiry.objects.filter(
                child=child,
                outcome__in=sorted(WAITING_OUTCOMES),
                strategy_discussion_on__lte=held_on,
            )
            .order_by("-strategy_discussion_on")
            .first()
        )
        due_on = (
            initial_conference_due_on(enquiry.strategy_discussion_on, installation_rule_set())
            if enquiry
            else None
        )
    else:
        plan = Plan.objects.filter(child=child, end_on__isnull=True).order_by("-start_on").first()
        due_on = plan.next_review_due_on if plan else None
    if due_on is None or held_on <= due_on:
        return ""
    name = child.full_name or child.child_id
    return (
        f"The {kind} conference for {name} ({child.child_id}) is "
        f"booked for {held_on.day} {held_on:%B %Y}, after it is due on {due_on.day} "
        f"{due_on:%B %Y}: it will be "
        "out of timescale unless an earlier date is found."
    )


@transaction.atomic
def conference_book(
    *,
    children: Sequence[Child],
    kind: str,
    held_on: dt.date,
    by: User,
    today: dt.date,
    starts_at: dt.time | None = None,
    place: str = "",
    video_link: str = "",
    chair: Chair | None = None,
) -> Booking:
    """Book an initial or review conference for one child or a sibling group: one meeting, and
    one conference row per child with status booked. A booked row counts in no report figure
    and no timeliness verdict until the chair records it as held (`booked_conference_hold`)."""
    if not children:
        raise ValidationError({"children": "Select at least one child"})
    if kind not in BOOKABLE_KINDS:
        raise ValidationError({"kind": "Select an initial or a review conference"})
    if held_on < today:
        raise ValidationError({"held_on": "Date of the conference must be today or in the future"})
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": "Enter the place of the conference or its video link"})
    taken = list(
        Conference.objects.filter(child__in=children, kind=kind, held_on=held_on)
        .exclude(status=ConferenceStatus.CANCELLED)
        .values_list("child__child_id", flat=True)
    )
    if taken:
        raise ValidationError(
            {
                "held_on": f"{', '.join(sorted(taken))} already "
                f"{'has' if len(taken) == 1 else 'have'} {_KIND_NAMES[kind]} conference booked "
                "or recorded on this date"
            }
        )
    meeting = Meeting.objects.create(
        reference=new_source_id("M"),
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        video_link=video_link.strip(),
    )
    warnings = []
    for child in children:
        conference = Conference.objects.create(
            conference_id=new_source_id("C"),
            child=child,
            meeting=meeting,
            kind=kind,
            status=ConferenceStatus.BOOKED,
            held_on=held_on,
            chair=chair,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            record_type="conference",
            record_id=conference.conference_id,
            child_id=child.child_id,
            summary=f"{conference.get_kind_display()} conference booked for {held_on.isoformat()}",
        )
        warning = _booked_late(child=child, kind=kind, held_on=held_on)
        if warning:
            warnings.append(warning)
    return Booking(meeting=meeting, warnings=tuple(warnings))


@transaction.atomic
def conference_cancel(*, meeting: Meeting, reason: str, by: User) -> Meeting:
    """Cancel a booked meeting: each booked conference of it becomes cancelled, with the
    reason. Held conferences are not cancelled (correct them instead)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the conference is cancelled"})
    booked = list(
        meeting.conferences.filter(status=ConferenceStatus.BOOKED).select_related("child")
    )
    if not booked:
        raise ValidationError({"reason": "Only a booked conference can be cancelled"})
    for conference in booked:
        versioned_save(
            conference,
            expected_version=conference.version,
            values={"status": ConferenceStatus.CANCELLED, "cancellation_reason": reason},
        )
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            record_type="conference",
            record_id=conference.conference_id,
            child_id=conference.child.child_id,
            changes={"status": (ConferenceStatus.BOOKED.value, ConferenceStatus.CANCELLED.value)},
            summary=f"Cancelled: {reason}",
        )
    return meeting


@transaction.atomic
def booked_conference_hold(
    *,
    conference: Conference,
    by: User,
    today: dt.date,
    confirm_unusual: bool = False,
    **values: Any,
) -> Conference:
    """The chair records a booked conference as held: the same row becomes held, with what was
    recorded (`values`: the conference's fields, as `conference_update` takes them); the plan
    follows and the verdicts are refreshed. For the chair's form's service to call."""
    if conference.status != ConferenceStatus.BOOKED:
        raise ValidationError({"held_on": "This conference is not booked: change it instead"})
    held_on = values.get("held_on", conference.held_on)
    if held_on > today:
        raise ValidationError({"held_on": "Date of the conference must be today or in the past"})
    conference = conference_update(
        conference=conference,
        expected_version=conference.version,
        by=by,
        confirm_unusual=confirm_unusual,
        **values,
        status=ConferenceStatus.HELD,
    )
    _plan_follows_conference(conference=conference, by=by)
    timeliness_refresh(child_pks=[conference.child_id])
    return conference
