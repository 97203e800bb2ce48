"""Keeping every conference's stored timeliness verdict current.

The rules live in safeguard.domain.timeliness; this module feeds them a child's conferences and
plans from the database and stores what they decide. Every service that adds, changes or removes
a conference, a plan or a child calls `timeliness_refresh` for the children concerned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from safeguard.cases.models import Plan
from safeguard.domain.timeliness import (
    Assessment,
    ConferenceFacts,
    ConferenceKind,
    PlanFacts,
    RuleSet,
    assess_child,
    plan_schedule,
    rule_set_for,
)
from safeguard.storage import rows_update

from .models import Conference, RuleSetting

CHUNK = 2000
SCHEDULE_FIELDS = (
    "last_conference_on",
    "next_review_due_on",
    "midway_check_due_on",
    "pre_review_check_due_on",
    "first_core_group_due_on",
)
STORED_FIELDS = (
    "due_on",
    "verdict",
    "days_late",
    "days_late_unit",
    "verdict_reason",
    "verdict_missing",
    "plan_id",
)


def installation_rule_set() -> RuleSet:
    """The rule set configured for this installation (Administration, or SAFEGUARD_NATION)."""
    setting = RuleSetting.objects.first()
    if setting is None:
        return rule_set_for(settings.NATION)
    overrides = {
        name: getattr(setting, name)
        for name in (
            "transfer_in_conference_working_days",
            "first_core_group_working_days",
            "pre_birth_conference_gestation_week",
            "pre_review_check_working_days",
        )
        if getattr(setting, name) is not None
    }
    return rule_set_for(setting.nation, **overrides)


def _stored(assessment: Assessment, plan_pks: dict[str, int]) -> tuple:
    return (
        assessment.due_on,
        assessment.verdict.value,
        assessment.days_late,
        assessment.unit.value if assessment.days_late is not None else "",
        assessment.reason[:300],
        assessment.missing.value if assessment.missing else "",
        plan_pks.get(assessment.plan_key) if assessment.plan_key else None,
    )


def timeliness_refresh(*, child_pks: Iterable[int] | None, rules: RuleSet | None = None) -> int:
    """Recompute the verdicts of the conferences of `child_pks` (None: every child).

    Stores only what changed; returns the number of conferences whose verdict was rewritten."""
    rules = rules or installation_rule_set()
    if child_pks is None:
        child_pks = Conference.objects.values_list("child_id", flat=True).distinct().order_by()
    pending = sorted(set(child_pks))
    rewritten = 0
    with transaction.atomic():
        for start in range(0, len(pending), CHUNK):
            rewritten += _refresh_chunk(pending[start : start + CHUNK], rules)
    return rewritten


def _refresh_chunk(child_pks: list[int], rules: RuleSet) -> int:
    conferences: dict[int, list[tuple]] = defaultdict(list)
    for row in Conference.objects.filter(child_id__in=child_pks).values_list(
        "pk",
        "child_id",
        "kind",
        "held_on",
        "strategy_discussion_on",
        "transfer_notification_on",
        *STORED_FIELDS,
    ):
        conferences[row[1]].append(row)
    plans: dict[int, list[PlanFacts]] = defaultdict(list)
    plan_pks: dict[str, int] = {}
    stored_schedules: dict[int, tuple] = {}
    for pk, child_pk, start_on, end_on, *schedule in Plan.objects.filter(
        child_id__in=child_pks
    ).values_list("pk", "child_id", "start_on", "end_on", *SCHEDULE_FIELDS):
        plans[child_pk].append(PlanFacts(key=str(pk), start_on=start_on, end_on=end_on))
        plan_pks[str(pk)] = pk
        stored_schedules[pk] = tuple(schedule)
    changed: list[tuple] = []
    changed_plans: list[tuple] = []
    for child_pk in child_pks:
        rows = conferences.get(child_pk, [])
        facts = [
            ConferenceFacts(
                key=str(row[0]),
                kind=ConferenceKind(row[2]),
                held_on=row[3],
                strategy_discussion_on=row[4],
                transfer_notification_on=row[5],
            )
            for row in rows
        ]
        child_plans = plans.get(child_pk, [])
        assessments = assess_child(facts, child_plans, rules)
        for row in rows:
            stored = _stored(assessments[str(row[0])], plan_pks)
            if stored != tuple(row[6:]):
                changed.append((row[0], *stored))
        for plan in child_plans:
            schedule = _schedule(plan, facts, rules)
            pk = plan_pks[plan.key]
            if schedule != stored_schedules[pk]:
                changed_plans.append((pk, *schedule))
    rows_update(Conference, STORED_FIELDS, changed)
    rows_update(Plan, SCHEDULE_FIELDS, changed_plans)
    return len(changed)


def _schedule(plan: PlanFacts, conferences: list[ConferenceFacts], rules: RuleSet) -> tuple:
    if plan.end_on is not None:
        return (None,) * len(SCHEDULE_FIELDS)
    schedule = plan_schedule(plan, conferences, rules)
    last_on = next(
        (c.held_on for c in conferences if c.key == schedule.latest_conference_key), None
    )
    return (
        last_on,
        schedule.next_review_due_on,
        schedule.midway_check_due_on,
        schedule.pre_review_check_due_on,
        schedule.first_core_group_due_on,
    )
