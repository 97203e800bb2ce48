"""Keeping every conference's stored timeliness verdict current.

The rules live in safeguard.domain.timeliness; this module feeds them a child's conferences and
plans from the database and stores what they decide. Every service that adds, changes or removes
a conference, a plan or a child calls `timeliness_refresh` for the children concerned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import compress
from operator import ne

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model

from safeguard.cases.models import Child, Plan
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
from safeguard.storage import rows_update, stored_field

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


def _in_children(child_pks: list[int]) -> tuple[str, list[int]]:
    """A WHERE clause selecting the rows of `child_pks` (sorted), and its parameters.

    A dense block of keys is read as one key range (the caller ignores rows of other children in
    it): a range scan on the child index, instead of a list of thousands of parameters."""
    first, last = child_pks[0], child_pks[-1]
    if last - first < 4 * len(child_pks):
        return "child_id BETWEEN %s AND %s", [first, last]
    return f"child_id IN ({', '.join(['%s'] * len(child_pks))})", child_pks


def _select(model: type[Model], fields: tuple[str, ...], where: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(stored_field(model, name).column) for name in fields)
    return f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where}"  # noqa: S608 - names from the model


def timeliness_refresh(*, child_pks: Iterable[int] | None, rules: RuleSet | None = None) -> int:
    """Recompute the verdicts of the conferences of `child_pks` (None: every child), and the
    diary of each open plan of those children.

    Stores only what changed; returns the number of conferences whose verdict was rewritten."""
    rules = rules or installation_rule_set()
    if child_pks is None:
        pending = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    else:
        pending = sorted(set(child_pks))
    rewritten = 0
    with transaction.atomic():
        for start in range(0, len(pending), CHUNK):
            rewritten += _refresh_chunk(pending[start : start + CHUNK], rules)
    return rewritten


_KINDS = {kind.value: kind for kind in ConferenceKind}
CONFERENCE_FIELDS = (
    "id",
    "child_id",
    "kind",
    "held_on",
    "strategy_discussion_on",
    "transfer_notification_on",
    "status",
    *STORED_FIELDS,
)
# What a booked or cancelled conference stores: no due date, no verdict, no plan. Only held
# conferences are judged, are a review's previous conference, or move a plan's diary.
UNJUDGED = (None, "", None, "", "", "", None)
HELD = "held"
PLAN_FIELDS = ("id", "child_id", "start_on", "end_on", *SCHEDULE_FIELDS)


def _refresh_chunk(child_pks: list[int], rules: RuleSet) -> int:
    where, parameters = _in_children(child_pks)
    conferences: dict[int, list[tuple]] = defaultdict(list)
    plans: dict[int, list[tuple]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_select(Conference, CONFERENCE_FIELDS, where), parameters)
        for row in cursor.fetchall():
            conferences[row[1]].append(row)
        cursor.execute(_select(Plan, PLAN_FIELDS, where), parameters)
        for row in cursor.fetchall():
            plans[row[1]].append(row)
    changed: dict[tuple[bool, ...], list[tuple]] = defaultdict(list)
    changed_plans: list[tuple] = []
    for child_pk in child_pks:
        rows = conferences.get(child_pk, ())
        child_plans = plans.get(child_pk, ())
        if not rows and not child_plans:
            continue
        facts = [
            ConferenceFacts(str(row[0]), _KINDS[row[2]], row[3], row[4], row[5])
            for row in rows
            if row[6] == HELD
        ]
        plan_facts = [PlanFacts(str(plan[0]), plan[2], plan[3]) for plan in child_plans]
        assessments = assess_child(facts, plan_facts, rules)
        for row in rows:
            if row[6] == HELD:
                assessment = assessments[str(row[0])]
                plan_pk = int(assessment.plan_key) if assessment.plan_key else None
                stored = (*_verdict(assessment), plan_pk)
            else:
                stored = UNJUDGED
            if stored != row[7:]:
                # Write only the columns that differ: rewriting an unchanged verdict or date still
                # updates its index. Rows are grouped by which columns differ.
                differs = tuple(map(ne, stored, row[7:]))
                changed[differs].append((row[0], *compress(stored, differs)))
        for plan, facts_of_plan in zip(child_plans, plan_facts, strict=True):
            schedule = _schedule(facts_of_plan, facts, rules)
            if schedule != plan[4:]:
                changed_plans.append((plan[0], *schedule))
    for differs, values in changed.items():
        rows_update(Conference, tuple(compress(STORED_FIELDS, differs)), values)
    rows_update(Plan, SCHEDULE_FIELDS, changed_plans)
    return sum(map(len, changed.values()))


def _verdict(assessment: Assessment) -> tuple:
    """The stored fields but the plan (STORED_FIELDS[:-1]), as plain text, not the vocabulary's
    members (`_value_` is the member's str value)."""
    days_late = assessment.days_late
    return (
        assessment.due_on,
        assessment.verdict._value_,
        days_late,
        assessment.unit._value_ if days_late is not None else "",
        assessment.reason[:300],
        assessment.missing._value_ if assessment.missing else "",
    )


def timeliness_of_new_child(
    conferences: list[ConferenceFacts], plans: list[PlanFacts], rules: RuleSet
) -> tuple[dict[str, dict], dict[str, dict]] | None:
    """For a child whose conferences and plans are all being inserted now, what
    `timeliness_refresh` would store once they are: per conference key, its STORED_FIELDS (the
    plan by its key, `plan_key`); per plan key, its SCHEDULE_FIELDS. Writing them with the
    records saves rewriting every row just inserted (on PostgreSQL, a new version of each row
    and of its entries in nine indexes).

    None when two conferences fall on one day: the refresh orders them by the keys the
    database has yet to give them, so it must decide."""
    if len({c.held_on for c in conferences}) != len(conferences):
        return None
    assessments = assess_child(conferences, plans, rules)
    verdicts = {
        key: {**dict(zip(STORED_FIELDS[:-1], _verdict(a), strict=True)), "plan_key": a.plan_key}
        for key, a in assessments.items()
    }
    schedules = {
        plan.key: dict(zip(SCHEDULE_FIELDS, _schedule(plan, conferences, rules), strict=True))
        for plan in plans
    }
    return verdicts, schedules


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
