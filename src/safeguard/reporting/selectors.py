"""The report's aggregates, counted in the database.

Each function answers one part of `ReportInputs` with a handful of aggregate queries; none loops
over every record in Python. `report_build` puts them together into the one `Report` object that
every format renders."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from operator import add, or_
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest

from safeguard.cases.models import Child, Enquiry, Plan, Population
from safeguard.census.dfe_rules import dfe_rule_failures
from safeguard.conferences.models import Conference, Invitation, Meeting
from safeguard.conferences.selectors import held_conferences, held_meetings
from safeguard.conferences.timeliness import installation_rule_set
from safeguard.domain.calendar import add_months
from safeguard.domain.figures import (
    CONFERENCE_CALENDAR_YEARS,
    ESCALATION_FINANCIAL_YEARS,
    MONTH_END_SERIES_LENGTH,
    TWO_YEARS_IN_DAYS,
    AgencyContribution,
    CountBy,
    DataQualityItem,
    LateConference,
    MeetingCounts,
    MonitoringCounts,
    ParticipationCounts,
    PlanCounts,
    Report,
    ReportInputs,
    UnderFourCounts,
    VerdictCounts,
    build_report,
)
from safeguard.domain.figures_v2 import (
    REPEAT_WINDOW_MONTHS,
    ChildRecord,
    ConferenceRecord,
    EnquiryRecord,
    EscalationRecord,
    FiguresV2,
    PlanRecord,
    PopulationEstimate,
    RecordsV2,
    figures_v2,
    previous_period,
)
from safeguard.domain.national_statistics import (
    AuthorityYear,
    NationalComparison,
    national_comparison,
    needed_years,
)
from safeguard.domain.periods import (
    FinancialYear,
    Period,
    financial_year_of,
    last_complete_financial_year,
    month_ends,
    report_windows,
    year_earlier,
)
from safeguard.domain.record_rules import (
    RULES_BY_CODE,
    ChildRecords,
    Finding,
    across_check,
    record_check,
)
from safeguard.domain.timeliness import ConferenceKind
from safeguard.domain.vocabulary import ALERT_ROLES, NOT_RECORDED
from safeguard.escalations.models import Escalation
from safeguard.monitoring.models import MonitoringCheck
from safeguard.reporting.national import comparator_figures, england_figures


def _between(start_on: dt.date, end_on: dt.date, field: str = "held_on") -> Q:
    return Q(**{f"{field}__gte": start_on, f"{field}__lte": end_on})


def _has_earlier_plan() -> Exists:
    """A plan's child had a plan that started before it: the plan is a second or subsequent."""
    return Exists(Plan.objects.filter(child=OuterRef("child"), start_on__lt=OuterRef("start_on")))


def _in_force_on(day: dt.date) -> Q:
    """The plans in force at the end of `day`: start <= D and (no end or end > D)."""
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))


def on_plan_counts(dates: list[dt.date]) -> dict[dt.date, int]:
    """Children on a plan at the end of each day: start <= D and (no end or end > D)."""
    on_plan = on_plan_counter()
    return {day: on_plan(day) for day in dates}


def on_plan_counter() -> Callable[[dt.date], int]:
    """The function giving the children on a plan at the end of any day (on_plan_counts).

    That is the plans started by D less those started and ended by D, so both are counted per
    day in two grouped queries (a few thousand rows) and summed up to each date, rather than one
    conditional count per date over every plan. Made once per report, for every date it needs."""
    started = Plan.objects.values_list("start_on").annotate(count=Count("pk")).order_by()
    finished = (
        Plan.objects.filter(end_on__isnull=False)
        .annotate(off_on=Greatest("start_on", "end_on"))
        .values_list("off_on")
        .annotate(count=Count("pk"))
        .order_by()
    )
    started_by, finished_by = _running_totals(started), _running_totals(finished)
    return lambda day: started_by(day) - finished_by(day)


def _running_totals(per_day: QuerySet) -> Callable[[dt.date], int]:
    """From (day, count) rows, the function giving the total of the counts up to a day."""
    days, totals, total = [], [], 0
    for day, count in sorted(per_day):
        total += count
        days.append(day)
        totals.append(total)
    return lambda day: totals[index - 1] if (index := bisect_right(days, day)) else 0


def _unborn_initials(start_on: dt.date, end_on: dt.date, count_by: CountBy) -> int:
    rows = held_conferences().filter(
        _between(start_on, end_on),
        Q(child__date_of_birth__isnull=True) | Q(held_on__lt=F("child__date_of_birth")),
        kind=ConferenceKind.initial,
    )
    if count_by is CountBy.MEETING:
        return rows.values("meeting").distinct().count()
    return rows.count()


def _per_month(rows: QuerySet, field: str, start_on: dt.date, end_on: dt.date) -> dict:
    """(year, month) -> rows whose `field` falls in that month, from start_on's month to
    end_on's: counted per day in the database (a few thousand days at most) and the days added
    up to months here. (Django's month extraction on SQLite calls back into Python for every
    row, and grouping by the date's "YYYY-MM" text made both databases convert every row's
    date to text.)"""
    per_day = (
        rows.filter(_between(start_on, end_on, field))
        .values_list(field)
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[int, int], int] = {}
    for day, count in per_day:
        month = (day.year, day.month)
        counts[month] = counts.get(month, 0) + count
    result = {}
    first = dt.date(start_on.year, start_on.month, 1)
    while first <= end_on:
        result[(first.year, first.month)] = counts.get((first.year, first.month), 0)
        first = add_months(first, 1)
    return result


def conferences_per_month(
    start_on: dt.date, end_on: dt.date, count_by: CountBy
) -> dict[tuple[int, int], int]:
    rows: QuerySet = held_meetings() if count_by is CountBy.MEETING else held_conferences()
    return _per_month(rows, "held_on", start_on, end_on)


def timeliness_by_kind(
    start_on: dt.date, end_on: dt.date, count_by: CountBy
) -> dict[ConferenceKind, VerdictCounts]:
    """Verdicts of the conferences (or meetings) held between the dates, by conference type.

    A meeting is out of timescale when any of its rows is; otherwise not determinable when any
    is; and its type is initial when any row is, else transfer-in when any is, else review."""
    counts: dict[ConferenceKind, dict[str, int]] = {kind: {} for kind in ConferenceKind}
    if count_by is CountBy.CHILD:
        grouped = (
            held_conferences()
            .filter(_between(start_on, end_on))
            .values("kind", "verdict")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for row in grouped:
            verdict = row["verdict"] or "not_determinable"
            kind_counts = counts[ConferenceKind(row["kind"])]
            kind_counts[verdict] = kind_counts.get(verdict, 0) + row["count"]
    else:
        by_flags = _meetings_by_flags(
            Meeting.objects.filter(_between(start_on, end_on)),
            {
                "out": Q(verdict="out"),
                "undetermined": Q(verdict__in=["not_determinable", ""]),
                "initial": Q(kind=ConferenceKind.initial),
                "transfer_in": Q(kind=ConferenceKind.transfer_in),
            },
        )
        for flags, count in by_flags.items():
            if "initial" in flags:
                kind = ConferenceKind.initial
            elif "transfer_in" in flags:
                kind = ConferenceKind.transfer_in
            else:
                kind = ConferenceKind.review
            if "out" in flags:
                verdict = "out"
            elif "undetermined" in flags:
                verdict = "not_determinable"
            else:
                verdict = "within"
            counts[kind][verdict] = counts[kind].get(verdict, 0) + count
    return {kind: VerdictCounts(**values) for kind, values in counts.items()}


def _escalations(include_informal: bool) -> QuerySet:
    rows = Escalation.objects.all()
    return rows if include_informal else rows.filter(formal=True)


def escalation_counts(
    period: Period, include_informal: bool
) -> tuple[dict[str, int], dict[str, int], dict[tuple[int, int], int]]:
    """By organisation and by reason in the period; per month over five financial years."""
    in_period = _escalations(include_informal).filter(_between(*_dates(period), "raised_on"))
    by_organisation = {
        row["organisation_type__name"]: row["count"]
        for row in in_period.values("organisation_type__name")
        .annotate(count=Count("pk"))
        .order_by()
    }
    by_reason = {
        row["reason"]: row["count"]
        for row in in_period.values("reason").annotate(count=Count("pk")).order_by()
    }
    last_year = financial_year_of(period.end_on)
    first_year = FinancialYear(last_year.start_year - ESCALATION_FINANCIAL_YEARS + 1)
    per_month = _per_month(
        _escalations(include_informal), "raised_on", first_year.start_on, period.end_on
    )
    return by_organisation, by_reason, per_month


def _dates(period: Period) -> tuple[dt.date, dt.date]:
    return period.start_on, period.end_on


def participation_counts(period: Period) -> ParticipationCounts:
    """Conferences held in the period for children already born; always per child."""
    rows = held_conferences().filter(
        _between(*_dates(period)),
        child__date_of_birth__isnull=False,
        held_on__gte=F("child__date_of_birth"),
    )
    # Every count from one pass, grouped by the two codes: the totals, the under-fours' (PN0)
    # and each code's count are added up here from a few dozen rows. (Three queries, each
    # joining the period's conferences to the children again, took three times as long.)
    flags = ("child_attended", "advocate_involved", "preparation_session")
    grouped = (
        rows.values("views_shared_via", "participation_code")
        .annotate(
            n_conferences=Count("pk"),
            **{f"n_{flag}": Count("pk", filter=Q(**{flag: True})) for flag in flags},
        )
        .order_by()
    )
    names = ("conferences", *flags)
    totals = dict.fromkeys(names, 0)
    under_4 = dict.fromkeys(names, 0)
    views_shared_via: dict[str, int] = {}
    participation_code: dict[str, int] = {}
    for row in grouped:
        for name in names:
            totals[name] += row[f"n_{name}"]
            if row["participation_code"] == "PN0":
                under_4[name] += row[f"n_{name}"]
        for field, counts in (
            ("views_shared_via", views_shared_via),
            ("participation_code", participation_code),
        ):
            code = row[field] or NOT_RECORDED
            counts[code] = counts.get(code, 0) + row["n_conferences"]

    return ParticipationCounts(
        **totals,
        views_shared_via=views_shared_via,
        participation_code=participation_code,
        under_4=UnderFourCounts(**under_4),
    )


def _meetings_by_flags(
    meetings: QuerySet[Meeting], conditions: Mapping[str, Q]
) -> dict[frozenset[str], int]:
    """`meetings` counted by which `conditions` any of their held rows meets: {the names of the
    conditions met: meetings}. Meetings with no held row are left out.

    Each meeting's flags are one number (a bit per condition) from one correlated subquery,
    which PostgreSQL answers from the conferences' meeting index for each meeting. (A flag each
    from EXISTS made PostgreSQL read the whole conferences table once per flag, and a join of the
    meetings to the conferences read the whole table once.)"""
    names = list(conditions)
    flags = reduce(
        add,
        (
            Max(Case(When(conditions[name], then=Value(1 << bit)), default=Value(0)))
            for bit, name in enumerate(names)
        ),
    )
    per_meeting = (
        held_conferences()
        .filter(meeting=OuterRef("pk"))
        .values("meeting")
        .annotate(flags=flags)
        .values("flags")
        .order_by()
    )
    counted = (
        meetings.annotate(flags=Subquery(per_meeting, output_field=IntegerField()))
        .values("flags")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        frozenset(name for bit, name in enumerate(names) if row["flags"] & (1 << bit)): row["count"]
        for row in counted
        if row["flags"] is not None
    }


def meeting_counts(period: Period) -> MeetingCounts:
    """Meetings held in the period by quoracy and parents' attendance (MeetingCounts says how
    a meeting's rows decide), from each meeting's four yes/no flags (_meetings_by_flags)."""
    by_flags = _meetings_by_flags(
        Meeting.objects.filter(_between(*_dates(period))),
        {
            "not_quorate": Q(quorate=False),
            "quorate": Q(quorate=True),
            "parents": Q(parents_attended=True),
            "no_parents": Q(parents_attended=False),
        },
    )
    counts = dict.fromkeys(
        (
            "not_quorate",
            "quorate",
            "quoracy_not_recorded",
            "parents_attended",
            "parents_not_attended",
            "parents_not_recorded",
        ),
        0,
    )
    for flags, count in by_flags.items():
        if "not_quorate" in flags:
            counts["not_quorate"] += count
        elif "quorate" in flags:
            counts["quorate"] += count
        else:
            counts["quoracy_not_recorded"] += count
        if "parents" in flags:
            counts["parents_attended"] += count
        elif "no_parents" in flags:
            counts["parents_not_attended"] += count
        else:
            counts["parents_not_recorded"] += count
    return MeetingCounts(**counts)


def agency_contributions(period: Period) -> list[AgencyContribution]:
    """Invitations to meetings held in the period, by organisation type."""
    no_report = Q(report_received__in=["no", ""]) & ~Q(attended=True) & ~Q(apologies=True)
    grouped = (
        Invitation.objects.filter(
            _between(*_dates(period), "meeting__held_on"),
            Exists(held_conferences().filter(meeting=OuterRef("meeting"))),
        )
        .values("organisation_type__name")
        .annotate(
            n_invited=Count("pk"),
            n_report_received=Count("pk", filter=Q(report_received="yes")),
            n_report_late=Count("pk", filter=Q(report_received="late")),
            n_attended=Count("pk", filter=Q(attended=True)),
            n_apologies=Count("pk", filter=Q(apologies=True)),
            n_no_report_no_apologies=Count("pk", filter=no_report),
        )
        .order_by()
    )
    return [
        AgencyContribution(
            organisation=row["organisation_type__name"],
            **{name[2:]: value for name, value in row.items() if name.startswith("n_")},
        )
        for row in grouped
    ]


def monitoring_counts(period: Period) -> MonitoringCounts:
    checks = MonitoringCheck.objects.filter(_between(*_dates(period), "completed_on"))
    totals = checks.aggregate(
        midway_completed=Count("pk", filter=Q(kind="midway")),
        midway_concerns=Count("pk", filter=Q(kind="midway", outcome="concerns")),
        pre_review_completed=Count("pk", filter=Q(kind="pre_review")),
        pre_review_concerns=Count("pk", filter=Q(kind="pre_review", outcome="concerns")),
        **{role: Count("pk", filter=Q(**{f"alerted_{role}": True})) for role in ALERT_ROLES},
    )
    alerts = {role: totals.pop(role) for role in ALERT_ROLES}
    return MonitoringCounts(**totals, alerts=alerts)


def plan_counts(period: Period) -> PlanCounts:
    start_on, end_on = _dates(period)
    started = _between(start_on, end_on, "start_on")
    # The plans started or ended in the period, and the second or subsequent apart (as
    # authority_years says why).
    totals = Plan.objects.filter(started | _between(start_on, end_on, "end_on")).aggregate(
        started=Count("pk", filter=started),
        ended=Count("pk", filter=_between(start_on, end_on, "end_on")),
        ended_after_2_years_or_more=Count(
            "pk",
            filter=_between(start_on, end_on, "end_on")
            & Q(end_on__gte=F("start_on") + dt.timedelta(days=TWO_YEARS_IN_DAYS)),
        ),
    )
    open_at_end = Plan.objects.filter(
        Q(start_on__lte=end_on), Q(end_on__isnull=True) | Q(end_on__gt=end_on)
    )
    by_category = {
        (row["latest_category"] or NOT_RECORDED): row["count"]
        for row in open_at_end.values("latest_category").annotate(count=Count("pk")).order_by()
    }
    return PlanCounts(
        **totals,
        second_or_subsequent=Plan.objects.filter(started, _has_earlier_plan()).count(),
        open_by_category=by_category,
    )


def late_conferences(period: Period) -> list[LateConference]:
    """Conferences held out of timescale in the last complete financial year or the period
    (the report's appendix covers both, as its timeliness section does)."""
    last_year = last_complete_financial_year(period.end_on)
    rows = (
        held_conferences()
        .filter(
            _between(*_dates(period)) | _between(last_year.start_on, last_year.end_on),
            verdict="out",
        )
        .order_by("held_on", "conference_id")
        .values_list(
            "child__child_id",
            "conference_id",
            "kind",
            "due_on",
            "held_on",
            "child__area__name",
            "out_of_timescale_reason",
            "meeting__reference",
        )
    )
    late = []
    for child_id, conference_id, kind, due_on, held_on, unit, reason, meeting in rows:
        assert due_on is not None  # "out" is only ever decided against a due date
        late.append(
            LateConference(
                child_id=child_id,
                conference_id=conference_id,
                kind=ConferenceKind(kind),
                due_on=due_on,
                held_on=held_on,
                days_late=(held_on - due_on).days,
                unit=unit or "",
                reason_recorded=reason,
                meeting=meeting,
            )
        )
    return late


DATA_QUALITY_MISSING: Mapping[str, str] = {
    "strategy_discussion_date": (
        "Initial conferences whose timeliness cannot be determined: no strategy discussion date"
    ),
    "transfer_notification_date": (
        "Transfer-in conferences whose timeliness cannot be determined: no transfer "
        "notification date"
    ),
    "plan": "Review conferences with no child protection plan in force on their date",
    "previous_conference": (
        "Review conferences with no earlier conference in their plan to count from"
    ),
}


def data_quality(period: Period) -> list[DataQualityItem]:
    """Gaps that make figures uncertain, for conferences held in the period and open plans."""
    items: list[DataQualityItem] = []
    missing = (
        held_conferences()
        .filter(_between(*_dates(period)), verdict="not_determinable")
        .values("verdict_missing")
        .annotate(count=Count("pk"))
        .order_by("verdict_missing")
    )
    for row in missing:
        code = row["verdict_missing"] or "unknown"
        message = DATA_QUALITY_MISSING.get(
            code, "Conferences whose timeliness cannot be determined"
        )
        items.append(
            DataQualityItem(code=f"timeliness_{code}", message=message, count=row["count"])
        )
    starting_conference = held_conferences().filter(
        child=OuterRef("child"),
        held_on=OuterRef("start_on"),
        kind__in=[ConferenceKind.initial, ConferenceKind.transfer_in],
    )
    plans_without_start = (
        Plan.objects.filter(_between(*_dates(period), "start_on"))
        .exclude(Exists(starting_conference))
        .count()
    )
    if plans_without_start:
        items.append(
            DataQualityItem(
                code="plan_without_starting_conference",
                message=(
                    "Plans started in the period with no initial or transfer-in conference on "
                    "their start date"
                ),
                count=plans_without_start,
            )
        )
    items.extend(dfe_rule_failures(period))
    items.extend(rule_book_warnings(period))
    return items


# The rule book's warnings (docs/record-rules.md) that the items above do not already count:
# R201, R203 and R204 are the reviews without a plan and the conferences without their start
# date, counted above as conferences whose timeliness cannot be determined.
RULE_BOOK_WARNINGS_REPORTED = ("R202", "R205", "R206", "R207", "R208")


def rule_book_warnings(period: Period) -> list[DataQualityItem]:
    """The unusual records of the period by the rule book: conferences held and plans started
    in it, children expected in it and still without a date of birth at its end; each rule's
    count, with the records' ids (shown in the internal report only). Three queries: the
    children concerned, their plans, their conferences (with the verdicts stored)."""
    start_on, end_on = _dates(period)
    # Subqueries the database runs once (not correlated per child): with the held filter, a
    # correlated one made SQLite scan the period's conferences for every child (issue 19).
    children = Child.objects.filter(
        Q(pk__in=held_conferences().filter(_between(start_on, end_on)).values("child_id"))
        | Q(pk__in=Plan.objects.filter(_between(start_on, end_on, "start_on")).values("child_id"))
        | Q(_between(start_on, end_on, "expected_date_of_birth"))
    )
    # In no particular order (the ids are sorted at the end): ordering them as the models do
    # had SQLite walk every child in id order and sort the plans and conferences.
    records: dict[int, ChildRecords] = {}
    for child in children.values(*RULE_CHILD_FIELDS).order_by():
        records[child.pop("pk")] = ChildRecords(child)
    # Only what the reported rules read: the plans that could be open during the period (R202)
    # or start in it (R207), and the conferences held in it (each conference's finding is its
    # own; none reads another conference). Every child of those conferences is one of the
    # children above; a plan's child may not be, and its plan is then left out.
    plans = Plan.objects.filter(
        _between(start_on, end_on, "start_on")
        | Q(Q(start_on__lte=end_on), Q(end_on__isnull=True) | Q(end_on__gte=start_on)),
    )
    for plan in plans.values(*RULE_PLAN_FIELDS, child_pk=F("child_id")).order_by():
        if (child_records := records.get(plan.pop("child_pk"))) is not None:
            child_records.plans.append(plan)
    conferences = held_conferences().filter(_between(start_on, end_on))
    for conference in conferences.values(
        *RULE_CONFERENCE_FIELDS, child_pk=F("child_id")
    ).order_by():
        records[conference.pop("child_pk")].conferences.append(conference)

    def expected_in_period(child: ChildRecords) -> bool:
        expected = child.child["expected_date_of_birth"] if child.child else None
        return expected is not None and start_on <= expected <= end_on

    def in_period(finding: Finding, child: ChildRecords) -> bool:
        if finding.record == "child":
            return expected_in_period(child)
        listed = child.plans if finding.record == "plan" else child.conferences
        field_name, date_field = (
            ("plan_id", "start_on") if finding.record == "plan" else ("conference_id", "held_on")
        )
        return any(
            r[field_name] == finding.record_id and start_on <= r[date_field] <= end_on
            for r in listed
        )

    found: dict[str, list[str]] = {}
    for child in records.values():
        # The reported rules are all across a child's records but R208, the child's own: each
        # plan's and conference's checks by themselves (errors the doors refuse) are not run,
        # nor the child's unless it is expected in the period (its findings count only then).
        own = (
            record_check("child", child.child, end_on)
            if child.child and expected_in_period(child)
            else []
        )
        for finding in [*own, *across_check(child)]:
            if finding.code in RULE_BOOK_WARNINGS_REPORTED and in_period(finding, child):
                found.setdefault(finding.code, []).append(finding.record_id)
    return [
        DataQualityItem(
            code=code,
            message=RULES_BY_CODE[code].message[0].upper() + RULES_BY_CODE[code].message[1:],
            count=len(ids),
            record_ids=tuple(sorted(ids)),
        )
        for code, ids in sorted(found.items())
    ]


RULE_CHILD_FIELDS = ("pk", "child_id", "date_of_birth", "expected_date_of_birth")
RULE_PLAN_FIELDS = ("plan_id", "start_on", "end_on")
RULE_CONFERENCE_FIELDS = (
    "conference_id",
    "kind",
    "held_on",
    "strategy_discussion_on",
    "transfer_notification_on",
    "out_of_timescale_reason",
    "verdict",
)


def records_v2(period: Period) -> RecordsV2:
    """The records the version 2 figures count, as plain values: the plans in force on the
    period end or a year earlier, started or ended in the period, and the plans of the children
    who started one in the period that could make it a repeat; the children of the plans in
    force on either day (the only ones whose details count); the conferences held in the period,
    and the initial conferences (held or booked) of the children with an enquiry; the enquiries
    up to the period end; the escalations still open, resolved or raised since the previous
    period began; the population estimates. Conferences other than held ones are filtered in the
    figures (a booked initial conference still stops an enquiry waiting). Only the plans come
    in an order (their ids'): where a child's plans overlap, the figures take the last in force."""
    start_on, end_on = _dates(period)

    in_force = _in_force_on(end_on) | _in_force_on(year_earlier(end_on))
    started = _between(start_on, end_on, "start_on")
    repeat_window_from = add_months(start_on, -REPEAT_WINDOW_MONTHS)
    plans = Plan.objects.filter(
        in_force
        | started
        | _between(start_on, end_on, "end_on")
        | Q(
            Q(child__in=Plan.objects.filter(started).values("child_id")),
            Q(start_on__lte=end_on),
            Q(end_on__isnull=True) | Q(end_on__gte=repeat_window_from),
        )
    ).order_by("plan_id")
    plan_records = [
        PlanRecord(child, start_on_, end_on_, category or "")
        for child, start_on_, end_on_, category in plans.values_list(
            "child__child_id", "start_on", "end_on", "latest_category"
        )
    ]
    children = {
        key: ChildRecord(key, born, sex or "", ethnicity or "", disability)
        for key, born, sex, ethnicity, disability in Child.objects.filter(
            pk__in=Plan.objects.filter(in_force).values("child_id")
        )
        .values_list("child_id", "date_of_birth", "sex", "ethnicity", "disability")
        .order_by()
    }
    enquiries = Enquiry.objects.filter(strategy_discussion_on__lte=end_on)
    enquiries_recorded = Enquiry.objects.exists()
    fields = ("child__child_id", "kind", "held_on", "status", "outcome", "chair__name",
              "meeting__reference")  # fmt: skip
    rows = list(
        Conference.objects.filter(_between(start_on, end_on), status="held")
        .values_list(*fields)
        .order_by()
    )
    if enquiries_recorded:
        # The enquiries' children's initial conferences, held or booked, up to two months after
        # the period end (15 working days after the last strategy discussion fall within it).
        rows += Conference.objects.filter(
            Q(held_on__lt=start_on) | Q(held_on__gt=end_on) | ~Q(status="held"),
            kind=ConferenceKind.initial,
            status__in=["held", "booked"],
            child__in=enquiries.values("child_id"),
            held_on__lte=add_months(end_on, 2),
        ).values_list(*fields)
    conference_records = [
        ConferenceRecord(child, kind, held_on, status, outcome or "", chair or "", meeting)
        for child, kind, held_on, status, outcome, chair, meeting in rows
    ]
    previous = previous_period(period)
    escalations = Escalation.objects.filter(raised_on__lte=end_on).filter(
        Q(resolved_on__isnull=True)
        | Q(resolved_on__gte=previous.start_on)
        | Q(raised_on__gte=previous.start_on)
    )
    return RecordsV2(
        children=children,
        plans=plan_records,
        conferences=conference_records,
        enquiries=[
            EnquiryRecord(child, on, outcome or "")
            for child, on, outcome in enquiries.values_list(
                "child__child_id", "strategy_discussion_on", "outcome"
            )
        ],
        enquiries_recorded=enquiries_recorded,
        escalations=[
            EscalationRecord(raised_on, organisation, formal, stage, resolved_on)
            for raised_on, organisation, formal, stage, resolved_on in escalations.values_list(
                "raised_on", "organisation_type__name", "formal", "stage", "resolved_on"
            )
        ],
        population=[
            PopulationEstimate(year, children)
            for year, children in Population.objects.values_list("year", "children")
        ],
    )


def additions_count(period: Period, include_informal: bool) -> FiguresV2:
    """The version 2 figures for `period`, counted by the domain from `records_v2`."""
    return figures_v2(
        records_v2(period),
        period=period,
        include_informal=include_informal,
        calendar=installation_rule_set().calendar,
    )


def authority_years(
    years: list[dt.date], on_plan: Callable[[dt.date], int] | None = None
) -> list[AuthorityYear]:
    """The authority's counts for each year ending 31 March in `years`, as DfE counts them (for
    the national comparison): on a plan at the end of 31 March, plans started and ended in the
    year, held initial conferences within timescale, initial categories at 31 March. For every
    year together: one pass over the plans started or ended in them, one over the plans in force
    at their ends and one over the initial conferences held in them."""
    if not years:
        return []
    windows = [(dt.date(year.year - 1, 4, 1), year) for year in years]

    def in_a_window(field: str) -> Q:
        return reduce(or_, (_between(first, last, field) for first, last in windows))

    # Only the plans started or ended in one of the years (every count below is of those), and
    # the second or subsequent ones apart: an earlier plan looked for in the WHERE clause is a
    # join to PostgreSQL, where in a count's filter it is a subquery priced for every row (which
    # had it compile the query first, a third of its time).
    plan_totals = Plan.objects.filter(in_a_window("start_on") | in_a_window("end_on")).aggregate(
        **{
            f"{name}_{index}": Count("pk", filter=condition)
            for index, (first, last) in enumerate(windows)
            for name, condition in (
                ("started", _between(first, last, "start_on")),
                ("ended", _between(first, last, "end_on")),
                (
                    "long",
                    _between(first, last, "end_on")
                    & Q(end_on__gte=F("start_on") + dt.timedelta(days=TWO_YEARS_IN_DAYS)),
                ),
            )
        }
    )
    repeats = Plan.objects.filter(in_a_window("start_on"), _has_earlier_plan()).aggregate(
        **{
            f"repeat_{index}": Count("pk", filter=_between(first, last, "start_on"))
            for index, (first, last) in enumerate(windows)
        }
    )
    initial = Conference.objects.filter(
        in_a_window("held_on"), kind=ConferenceKind.initial, status="held"
    ).aggregate(
        **{
            f"{name}_{index}": Count("pk", filter=condition)
            for index, (first, last) in enumerate(windows)
            for name, condition in (
                ("held", _between(first, last)),
                ("within", _between(first, last) & Q(verdict="within")),
            )
        }
    )
    # The initial categories of the plans in force at each year's end, every year in one pass.
    in_force_by_category = (
        Plan.objects.filter(reduce(or_, map(_in_force_on, years)))
        .exclude(initial_category="")
        .values("initial_category")
        .annotate(
            **{
                f"in_force_{index}": Count("pk", filter=_in_force_on(year_ending_on))
                for index, year_ending_on in enumerate(years)
            }
        )
        .order_by()
    )
    on_plan = on_plan or on_plan_counter()
    estimates = sorted(Population.objects.values_list("year", "children"))
    result = []
    for index, year_ending_on in enumerate(years):
        categories = {
            row["initial_category"]: row[f"in_force_{index}"]
            for row in in_force_by_category
            if row[f"in_force_{index}"]
        }
        population = [children for y, children in estimates if y <= year_ending_on.year]
        result.append(
            AuthorityYear(
                year_ending_on=year_ending_on,
                on_plan=on_plan(year_ending_on),
                started=plan_totals[f"started_{index}"],
                second_or_subsequent=repeats[f"repeat_{index}"],
                ended=plan_totals[f"ended_{index}"],
                ended_2_years_or_more=plan_totals[f"long_{index}"],
                initial_held=initial[f"held_{index}"],
                initial_within=initial[f"within_{index}"],
                initial_category=categories,
                population=population[-1] if population else None,
            )
        )
    return result


def comparison_count(
    period: Period, on_plan: Callable[[dt.date], int] | None = None
) -> NationalComparison:
    """England's and the comparators' published figures beside the authority's own, each for
    the year ending 31 March that England's figure is for."""
    comparators, problem = comparator_figures()
    published = england_figures() + comparators
    return national_comparison(
        published,
        authority_years(list(needed_years(published, period.end_on)), on_plan),
        period.end_on,
        comparators_problem=problem,
    )


T = TypeVar("T")
U = TypeVar("U")


def _alongside(main: Callable[[], T], other: Callable[[], U]) -> tuple[T, U]:
    """main() and other(), other in a second thread with its own database connection where
    that reads the same records: on PostgreSQL, outside a transaction (inside one, another
    connection would not see its uncommitted rows, so both run here, one after the other).

    The report's aggregates mostly wait on the server while the rule book's checks and the
    version 2 figures are Python's work: side by side, the server and Python each use a core.
    Every query is its own statement either way (autocommit), so the figures are the same."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return main(), other()

    def in_own_connection() -> U:
        try:
            return other()
        finally:
            connections.close_all()  # this thread's connection only

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(in_own_connection)
        return main(), future.result()


def report_inputs(
    *,
    period: Period,
    count_by: CountBy = CountBy.CHILD,
    include_informal: bool = False,
    generated_on: dt.date,
) -> ReportInputs:
    """Every aggregate the report needs, for `period`."""
    end_on = period.end_on

    def checked_in_python() -> dict[str, Any]:
        return {
            "data_quality": data_quality(period),
            "additions": additions_count(period, include_informal),
        }

    def counted_by_the_database() -> dict[str, Any]:
        dates = [*month_ends(end_on, MONTH_END_SERIES_LENGTH), year_earlier(end_on)]
        windows = report_windows(period)
        last_year = last_complete_financial_year(end_on)
        by_organisation, by_reason, per_month = escalation_counts(period, include_informal)
        on_plan = on_plan_counter()
        return {
            "on_plan_at": {day: on_plan(day) for day in dates},
            "unborn_initial_year_to_period_end": _unborn_initials(
                *_dates(windows.unborn_year), count_by
            ),
            "unborn_initial_previous_year": _unborn_initials(
                *_dates(windows.unborn_previous_year), count_by
            ),
            "conferences_per_month": conferences_per_month(
                dt.date(end_on.year - CONFERENCE_CALENDAR_YEARS + 1, 1, 1), end_on, count_by
            ),
            "timeliness_last_complete_year": timeliness_by_kind(
                last_year.start_on, last_year.end_on, count_by
            ),
            "timeliness_period": timeliness_by_kind(*_dates(period), count_by),
            "escalations_by_organisation": by_organisation,
            "escalations_by_reason": by_reason,
            "escalations_per_month": per_month,
            "participation": participation_counts(period),
            "agency_contributions": agency_contributions(period),
            "monitoring": monitoring_counts(period),
            "plans": plan_counts(period),
            "late_conferences": late_conferences(period),
            "meetings": meeting_counts(period),
            "comparison": comparison_count(period, on_plan),
        }

    in_python, in_database = _alongside(checked_in_python, counted_by_the_database)
    return ReportInputs(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
        **in_database,
        **in_python,
    )


def report_build(
    *,
    period: Period,
    count_by: CountBy = CountBy.CHILD,
    include_informal: bool = False,
    generated_on: dt.date,
) -> Report:
    """The report for `period`: one object that every format renders."""
    return build_report(
        report_inputs(
            period=period,
            count_by=count_by,
            include_informal=include_informal,
            generated_on=generated_on,
        )
    )
