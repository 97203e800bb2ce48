"""Writes about escalations' people and emails: the Senior Liaison Officers, and the three
emails Safeguard sends (docs/notifications.md):

- `digests_issue`: each quarter, to each Senior Liaison Officer, the formal escalations raised
  within their cover (once per quarter and officer, however often it runs);
- `check_alerts_send`: after a chair's check with concerns, to the workers allocated to the
  child in the roles the chair alerted;
- `reminders_send`: each working day, to each chair, the reviews and checks falling due in the
  next 10 working days (once per chair and day).

Each email is recorded as a Notification whose unique key says what it is about; the row is
written in the transaction that sends the email and writes the audit entry, so a second run
finds the row and sends nothing, and a sending that fails leaves no row behind."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.cases.models import Allocation, AllocationRole, Area, Child
from safeguard.conferences.models import Chair
from safeguard.conferences.selectors import due_items
from safeguard.conferences.timeliness import installation_rule_set
from safeguard.domain.calendar import calendar_for
from safeguard.monitoring.models import MonitoringCheck
from safeguard.storage import versioned_save

from .emails import (
    AlertContent,
    Recipient,
    alert_message,
    digest_message,
    reminder_message,
)
from .models import (
    Escalation,
    EscalationReason,
    Notification,
    NotificationKind,
    OrganisationType,
    SeniorLiaisonOfficer,
)
from .quarters import Quarter
from .selectors import digest_build

REMINDER_WORKING_DAYS = 10
"""Chairs are reminded of what falls due in the next 10 working days (issue 7): two working
weeks, enough to arrange a review or make a check before it is due."""


log = logging.getLogger(__name__)


class Delivery(StrEnum):
    WRITTEN = "written"  # a digest written as an .eml file for review; nothing sent
    SENT = "sent"
    ALREADY_SENT = "already_sent"  # sent before: not sent again
    UNDELIVERED = "undelivered"  # nobody to send it to; recorded with a note
    FAILED = "failed"  # could not be written or sent (audited); the others still went


# ---- Senior Liaison Officers -----------------------------------------------------------------


def liaison_officer_record(
    *,
    name: str,
    email: str,
    organisation_types: Iterable[str],
    areas: Iterable[str],
    covers_unassigned_areas: bool = False,
    cover_name: str = "",
    user: Any | None = None,
    by: Any | None,
) -> SeniorLiaisonOfficer:
    """Add the officer called `name`, or change their email and cover. Organisation types and
    areas are named; an unknown name is refused rather than created."""
    type_names, area_names = sorted(set(organisation_types)), sorted(set(areas))
    types = list(OrganisationType.objects.filter(name__in=type_names))
    found_areas = list(Area.objects.filter(name__in=area_names))
    unknown = sorted(
        (set(type_names) - {t.name for t in types})
        | (set(area_names) - {a.name for a in found_areas})
    )
    if unknown:
        raise ValidationError(f"No organisation type or area is called: {', '.join(unknown)}.")
    if not email:
        raise ValidationError("A Senior Liaison Officer needs an email address.")
    with transaction.atomic():
        officer, created = SeniorLiaisonOfficer.objects.get_or_create(
            name=name,
            defaults={
                "email": email,
                "cover_name": cover_name,
                "covers_unassigned_areas": covers_unassigned_areas,
                "user": user,
            },
        )
        before = _cover_of(officer) if not created else None
        if not created:
            officer.email, officer.cover_name = email, cover_name
            officer.covers_unassigned_areas, officer.user = covers_unassigned_areas, user
            officer.save()
        officer.organisation_types.set(types)
        officer.areas.set(found_areas)
        after = _cover_of(officer)
        if created or before != after:
            audit_record(
                actor=by,
                action=AuditAction.CREATE if created else AuditAction.CHANGE,
                record_type="senior liaison officer",
                record_id=str(officer.pk),
                summary=f"{'Added' if created else 'Changed'} Senior Liaison Officer {name}",
                changes={k: (None if before is None else before[k], v) for k, v in after.items()},
            )
    return officer


def _cover_of(officer: SeniorLiaisonOfficer) -> dict[str, Any]:
    return {
        "email": officer.email,
        "cover_name": officer.cover_name,
        "organisation_types": sorted(officer.organisation_types.values_list("name", flat=True)),
        "areas": sorted(officer.areas.values_list("name", flat=True)),
        "covers_unassigned_areas": officer.covers_unassigned_areas,
        "user": str(officer.user) if officer.user else None,
    }


# ---- sending once ----------------------------------------------------------------------------


def _send_once(
    *,
    key: str,
    kind: NotificationKind,
    message: EmailMessage,
    by: Any | None,
    note: str = "",
    connection: Any | None = None,
    child_id: str = "",
    **links: Any,
) -> tuple[Notification, Delivery]:
    """Send `message` unless the email `key` names was sent before; record and audit it.

    A message without recipients is recorded as undelivered (with `note`), and a later call
    with recipients sends it then."""
    recipients = list(message.to)
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(key=key).first()
        if notification is not None and notification.sent_at is not None:
            return notification, Delivery.ALREADY_SENT
        now = timezone.now()
        values = {
            "kind": kind,
            "subject": message.subject,
            "recipients": recipients,
            "body": message.body,
            "sent_at": now if recipients else None,
            "note": note[:500],
            "child_id": child_id,
            "sent_by": by if getattr(by, "pk", None) else None,
            **links,
        }
        if notification is None:
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(key=key, created_at=now, **values)
            except IntegrityError:  # another run recorded it a moment ago
                return Notification.objects.get(key=key), Delivery.ALREADY_SENT
        else:
            for field, value in values.items():
                setattr(notification, field, value)
            notification.save()
        if recipients:
            message.connection = connection
            message.send(fail_silently=False)
        audit_record(
            actor=by,
            action=AuditAction.SEND if recipients else AuditAction.CREATE,
            record_type="notification",
            record_id=key,
            child_id=child_id,
            summary=(
                f"Sent '{message.subject}' to {', '.join(recipients)}"
                if recipients
                else f"Could not send '{message.subject}': {note}"
            ),
        )
    return notification, Delivery.SENT if recipients else Delivery.UNDELIVERED


# ---- digests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestOutcome:
    officer: str
    subject: str
    total: int
    delivery: Delivery
    recipients: tuple[str, ...]
    path: Path | None = None
    sent_at: dt.datetime | None = None
    error: str = ""  # why it FAILED


def _digest_failed(
    *, officer: SeniorLiaisonOfficer, quarter: Quarter, error: Exception, by: Any | None
) -> DigestOutcome:
    """Record that `officer`'s digest could not be written or sent; the run goes on to the next
    officer, and a later run sends it (nothing was marked as sent)."""
    log.warning("digest %s for officer %s failed", quarter, officer.pk, exc_info=True)
    reason = " ".join(f"{type(error).__name__}: {error}".split())
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="notification",
        record_id=digest_key(quarter=quarter, officer=officer),
        summary=f"Could not issue the escalation digest of {quarter} for officer "
        f"{officer.pk}: {reason}",
    )
    return DigestOutcome(officer.name, "", 0, Delivery.FAILED, (officer.email,), error=reason[:300])


def digest_key(*, quarter: Quarter, officer: SeniorLiaisonOfficer) -> str:
    return f"digest:{quarter}:{officer.pk}"


def digests_issue(
    *,
    quarter: Quarter,
    send: bool,
    out_dir: Path | None = None,
    by: Any | None,
    as_of: dt.date | None = None,
) -> list[DigestOutcome]:
    """Each Senior Liaison Officer's digest of `quarter`, one per officer.

    Without `send`, writes each as an .eml file into `out_dir` for review (nothing is marked as
    sent). With it, sends those not sent before; a quarter is sent only once it has ended."""
    as_of = as_of or timezone.localdate()
    if send and quarter.end_on >= as_of:
        raise ValidationError(
            f"{quarter} ({quarter.label}) has not ended yet; its digests can be sent from "
            f"{quarter.end_on + dt.timedelta(days=1):%d/%m/%Y}."
        )
    if not send:
        if out_dir is None:
            raise ValidationError("Say where to write the digests for review.")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
    officers = SeniorLiaisonOfficer.objects.prefetch_related("organisation_types", "areas")
    outcomes: list[DigestOutcome] = []
    used_names: set[str] = set()
    connection = get_connection() if send else None
    for officer in officers:
        try:
            outcomes.append(
                _digest_issue_one(
                    officer=officer,
                    quarter=quarter,
                    send=send,
                    out_dir=out_dir,
                    used_names=used_names,
                    connection=connection,
                    by=by,
                )
            )
        except Exception as error:  # noqa: BLE001 - one officer's failure must not stop the rest
            outcomes.append(_digest_failed(officer=officer, quarter=quarter, error=error, by=by))
    written = [o for o in outcomes if o.delivery is Delivery.WRITTEN]
    if not send and written:
        audit_record(
            actor=by,
            action=AuditAction.EXPORT,
            record_type="digests",
            record_id=str(quarter),
            summary=f"Wrote {len(written)} escalation digests of {quarter} for review to {out_dir}",
        )
    return outcomes


def _digest_issue_one(
    *,
    officer: SeniorLiaisonOfficer,
    quarter: Quarter,
    send: bool,
    out_dir: Path | None,
    used_names: set[str],
    connection: Any,
    by: Any | None,
) -> DigestOutcome:
    """One officer's digest, written for review or sent (digests_issue)."""
    digest = digest_build(officer=officer, quarter=quarter)
    message = digest_message(digest=digest)
    if not send:
        name = f"digest-{quarter}-{slugify(officer.name) or officer.pk}"
        if name in used_names:
            name = f"{name}-{officer.pk}"
        used_names.add(name)
        path = out_dir / f"{name}.eml"
        path.write_bytes(message.message().as_bytes())
        return DigestOutcome(
            officer.name, digest.subject, digest.total, Delivery.WRITTEN,
            tuple(message.to), path=path,
        )  # fmt: skip
    notification, delivery = _send_once(
        key=digest_key(quarter=quarter, officer=officer),
        kind=NotificationKind.DIGEST,
        message=message,
        by=by,
        connection=connection,
        officer=officer,
    )
    return DigestOutcome(
        officer.name, notification.subject, digest.total, delivery,
        tuple(notification.recipients), sent_at=notification.sent_at,
    )  # fmt: skip


# ---- alerts after a chair's check ------------------------------------------------------------


@dataclass(frozen=True)
class AlertOutcome:
    delivery: Delivery
    recipients: tuple[Recipient, ...]
    missing_roles: tuple[str, ...]  # role labels with nobody allocated who has an email

    @property
    def message(self) -> str:
        """A sentence for the chair who recorded the check."""
        parts = []
        if self.delivery is Delivery.ALREADY_SENT:
            return "The alert for this check was sent before; it was not sent again."
        if self.recipients:
            parts.append(
                "Alert sent to "
                + ", ".join(f"{r.name} ({r.role_label.lower()})" for r in self.recipients)
                + "."
            )
        if self.missing_roles:
            parts.append(
                "Nobody with an email address is allocated to the child as "
                + " or ".join(label.lower() for label in self.missing_roles)
                + " on the date of the check, so nobody in that role was alerted: "
                "tell them another way."
            )
        return " ".join(parts)


def allocated_recipients(*, check: MonitoringCheck) -> tuple[list[Recipient], list[str]]:
    """The workers allocated to the check's child, on its date, in the roles the chair alerted,
    who have an email address; and the labels of the alerted roles that have none."""
    labels = dict(AllocationRole.choices)
    day = check.completed_on
    rows = (
        Allocation.objects.filter(
            child_id=check.plan.child_id, role__in=check.roles_alerted, from_on__lte=day
        )
        .exclude(to_on__lt=day)
        .exclude(email="")
        .order_by("role", "name")
    )
    recipients: list[Recipient] = []
    seen: set[str] = set()
    for row in rows:
        if row.email.lower() not in seen:
            seen.add(row.email.lower())
            recipients.append(Recipient(row.role, labels[row.role], row.name, row.email))
    order = {role: index for index, role in enumerate(AllocationRole.values)}
    recipients.sort(key=lambda r: (order[r.role], r.name))
    missing = [labels[r] for r in check.roles_alerted if r not in {x.role for x in recipients}]
    return recipients, missing


def check_alerts_send(
    *, check: MonitoringCheck, by: Any | None, base_url: str | None = None
) -> AlertOutcome:
    """Tell the workers allocated in the alerted roles that the chair has concerns after
    `check`, with a link to the child's page where the concern is recorded.

    The email carries no case text: the child's id, the check, its date, the chair and a link,
    never the chair's words (which could name siblings, dates of birth or addresses). When
    nobody can be emailed, the alert is recorded as undelivered and the outcome says so."""
    plan = check.plan
    child = plan.child
    base_url = (base_url or settings.SAFEGUARD_BASE_URL).rstrip("/")
    recipients, missing = allocated_recipients(check=check)
    content = AlertContent(
        child_id=child.child_id,
        plan_id=plan.plan_id,
        check_label=check.get_kind_display(),
        completed_on=check.completed_on,
        chair_name=check.chair.name if check.chair else "",
        core_groups_on_track=check.core_groups_on_track,
        visits_on_track=check.visits_on_track,
        link=base_url + reverse("cases:child-detail", kwargs={"child_id": child.child_id}),
    )
    message = alert_message(content=content, recipients=recipients)
    note = ""
    if missing:
        note = f"Nobody with an email allocated as {', '.join(missing).lower()} on {check.completed_on}"
    _, delivery = _send_once(
        key=f"alert:{check.check_id}",
        kind=NotificationKind.ALERT,
        message=message,
        by=by,
        note=note,
        child_id=child.child_id,
        monitoring_check=check,
    )
    return AlertOutcome(delivery, tuple(recipients), tuple(missing))


# ---- reminders to chairs ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderOutcome:
    chair: str
    delivery: Delivery
    recipients: tuple[str, ...]
    upcoming: int
    overdue: int


def _chair_email(chair: Chair | None) -> str:
    if chair is None:
        return ""
    return chair.email or (chair.user.email if chair.user else "")


def reminders_send(
    *, as_of: dt.date, by: Any | None, base_url: str | None = None
) -> list[ReminderOutcome]:
    """Email each chair the reviews and checks on their plans (those whose latest conference
    they chaired) falling due in the next 10 working days, with those already overdue.

    Runs on working days only (on other days it sends nothing); one email per chair and day,
    and a chair with nothing due or overdue gets none. A chair with no email address is
    returned as undelivered, and nothing is recorded for them."""
    calendar = calendar_for(installation_rule_set().nation)
    if not calendar.is_working_day(as_of):
        return []
    until = calendar.add_working_days(as_of, REMINDER_WORKING_DAYS)
    upcoming, overdue = due_items(as_of=as_of, within_days=(until - as_of).days)
    by_chair: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for item in upcoming:
        by_chair[item.chair][0].append(item)
    for item in overdue:
        by_chair[item.chair][1].append(item)
    chairs = {c.name: c for c in Chair.objects.select_related("user").filter(name__in=by_chair)}
    link = (base_url or settings.SAFEGUARD_BASE_URL).rstrip("/") + reverse("web:home")
    outcomes: list[ReminderOutcome] = []
    connection = get_connection()
    for name in sorted(n for n in by_chair if n):
        chair_upcoming, chair_overdue = by_chair[name]
        chair = chairs.get(name)
        email = _chair_email(chair)
        if not email:
            outcomes.append(
                ReminderOutcome(
                    name, Delivery.UNDELIVERED, (), len(chair_upcoming), len(chair_overdue)
                )
            )
            continue
        message = reminder_message(
            chair_name=name,
            email=email,
            as_of=as_of,
            until=until,
            working_days=REMINDER_WORKING_DAYS,
            upcoming=chair_upcoming,
            overdue=chair_overdue,
            link=link,
        )
        notification, delivery = _send_once(
            key=f"reminder:{as_of.isoformat()}:{chair.pk}",
            kind=NotificationKind.REMINDER,
            message=message,
            by=by,
            connection=connection,
            chair=chair,
        )
        outcomes.append(
            ReminderOutcome(
                name, delivery, tuple(notification.recipients), len(chair_upcoming),
                len(chair_overdue),
            )
        )  # fmt: skip
    return outcomes


# ---- recording escalations (restored: dropped by the issue-7 rewrite of this module) -------


def _new_escalation_id() -> str:
    from safeguard.conferences.services import new_source_id

    return new_source_id("E")


@transaction.atomic
def escalation_raise(
    *,
    raised_on: dt.date,
    organisation_type: OrganisationType,
    reason: str,
    by: Any,
    today: dt.date,
    organisation_name: str = "",
    area: Area | None = None,
    formal: bool = True,
    stage: int | None = 1,
    conference: Any | None = None,
    child: Child | None = None,
    raised_by: Any | None = None,
    resolved_on: dt.date | None = None,
) -> Escalation:
    if raised_on > today:
        raise ValidationError({"raised_on": "The date raised must be today or in the past."})
    if resolved_on is not None and resolved_on < raised_on:
        raise ValidationError(
            {"resolved_on": "An escalation cannot be resolved before it is raised."}
        )
    escalation = Escalation.objects.create(
        escalation_id=_new_escalation_id(),
        raised_on=raised_on,
        organisation_type=organisation_type,
        organisation_name=organisation_name,
        area=area,
        reason=reason,
        formal=formal,
        stage=stage,
        conference=conference,
        child=child,
        raised_by=raised_by,
        resolved_on=resolved_on,
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="escalation",
        record_id=escalation.escalation_id,
        child_id=child.child_id if child else "",
        summary=f"Escalation to {organisation_type}: {escalation.get_reason_display()}",
    )
    return escalation


@transaction.atomic
def escalation_update(
    *, escalation: Escalation, expected_version: int, by: Any, **values: Any
) -> Escalation:
    raised_on = values.get("raised_on", escalation.raised_on)
    resolved_on = values.get("resolved_on", escalation.resolved_on)
    if resolved_on is not None and resolved_on < raised_on:
        raise ValidationError(
            {"resolved_on": "An escalation cannot be resolved before it is raised."}
        )
    changes = field_changes(escalation, values)
    versioned_save(escalation, expected_version=expected_version, values=values)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="escalation",
        record_id=escalation.escalation_id,
        child_id=escalation.child.child_id if escalation.child else "",
        changes=changes,
    )
    return escalation


def escalation_raise_for_missing_report(
    *, invitation: Any, by: Any, today: dt.date, raised_by: Any | None = None
) -> Escalation:
    """The one-step escalation offered when an agency sent no report and no apologies: one
    escalation for the meeting, linked to its first child's conference (as the authority's
    extracts record them)."""
    if not invitation.sent_no_report_and_no_apologies:
        raise ValidationError(
            "This agency sent a report, attended or gave apologies, so there is nothing to escalate."
        )
    conference = (
        invitation.meeting.conferences.select_related("child__area", "chair")
        .order_by("conference_id")
        .first()
    )
    return escalation_raise(
        raised_on=today,
        organisation_type=invitation.organisation_type,
        organisation_name=invitation.organisation_name,
        reason=EscalationReason.NO_REPORT_NO_APOLOGIES,
        area=conference.child.area if conference else None,
        conference=conference,
        child=conference.child if conference else None,
        raised_by=raised_by or (conference.chair if conference else None),
        by=by,
        today=today,
    )
