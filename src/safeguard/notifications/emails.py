"""The emails Safeguard sends, composed from plain values: the Senior Liaison Officers'
digests, the alerts after a chair's check, and the chairs' reminders. Bodies are plain text
rendered from templates/notifications/email/; none of them is ever given a child's name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from safeguard.conferences.selectors import DueItem

from .selectors import Digest


def one_line(text: str) -> str:
    """`text` fit for an email header: line breaks (CR, LF and the other Unicode ones) and runs
    of spaces become one space. A name typed with a line break cannot forge a header, and cannot
    make Django refuse the message (BadHeaderError)."""
    return " ".join(str(text).split())


def header_address(name: str, email: str) -> str:
    """'Name <email>' for a To header, each part on one line."""
    return f"{one_line(name)} <{one_line(email)}>"


def _message(*, subject: str, body: str, to: list[str]) -> EmailMessage:
    return EmailMessage(
        subject=one_line(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[one_line(recipient) for recipient in to],
    )


def _render(template: str, context: dict) -> str:
    text = render_to_string(f"notifications/email/{template}", context)
    return text.strip() + "\n"


def digest_message(*, digest: Digest) -> EmailMessage:
    body = _render("digest.txt", {"digest": digest, "authority_name": settings.AUTHORITY_NAME})
    return _message(
        subject=digest.subject,
        body=body,
        to=[header_address(digest.officer_name, digest.officer_email)],
    )


@dataclass(frozen=True)
class Recipient:
    role: str  # an AllocationRole value
    role_label: str
    name: str
    email: str

    @property
    def address(self) -> str:
        return header_address(self.name, self.email)


@dataclass(frozen=True)
class AlertContent:
    child_id: str
    plan_id: str
    check_label: str
    completed_on: dt.date
    chair_name: str
    core_groups_on_track: bool | None
    visits_on_track: bool | None
    link: str


def alert_subject(content: AlertContent) -> str:
    return f"Concerns after the {content.check_label.lower()}: child {content.child_id}"


def alert_message(*, content: AlertContent, recipients: list[Recipient]) -> EmailMessage:
    roles = sorted({r.role_label.lower() for r in recipients})
    body = _render(
        "alert.txt",
        {
            "greeting": " and ".join(r.name for r in recipients) or "colleague",
            "roles": " or ".join(roles),
            "chair_name": content.chair_name or "The chair",
            "check_label": content.check_label,
            "child_id": content.child_id,
            "plan_id": content.plan_id,
            "completed_on": content.completed_on,
            "core_groups": content.core_groups_on_track,
            "visits": content.visits_on_track,
            "link": content.link,
            "authority_name": settings.AUTHORITY_NAME,
        },
    )
    return _message(subject=alert_subject(content), body=body, to=[r.address for r in recipients])


def reminder_message(
    *,
    chair_name: str,
    email: str,
    as_of: dt.date,
    until: dt.date,
    working_days: int,
    upcoming: list[DueItem],
    overdue: list[DueItem],
    link: str,
) -> EmailMessage:
    body = _render(
        "reminder.txt",
        {
            "chair_name": chair_name,
            "as_of": as_of,
            "until": until,
            "working_days": working_days,
            "upcoming": upcoming,
            "overdue": overdue,
            "link": link,
            "authority_name": settings.AUTHORITY_NAME,
        },
    )
    count = len(upcoming)
    subject = (
        f"Child protection reviews and checks due by {until.day} {until:%B %Y}: "
        f"{count} for {chair_name}"
    )
    if overdue:
        subject += f", {len(overdue)} overdue"
    return _message(subject=subject, body=body, to=[header_address(chair_name, email)])
