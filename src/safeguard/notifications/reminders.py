"""`reminders_send`: each working day, to each chair, the reviews and checks falling due in the
next 10 working days (once per chair and day)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse

from safeguard.conferences.models import Chair
from safeguard.conferences.selectors import due_items
from safeguard.conferences.timeliness import installation_rule_set
from safeguard.domain.calendar import calendar_for

from .emails import reminder_message
from .models import NotificationKind
from .outbox import Delivery, send_once

REMINDER_WORKING_DAYS = 10
"""Chairs are reminded of what falls due in the next 10 working days (issue 7): two working
weeks, enough to arrange a review or make a check before it is due."""


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
        if chair is None or not email:
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
        notification, delivery = send_once(
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
