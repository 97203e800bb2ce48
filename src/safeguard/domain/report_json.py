"""The report as report-figures.md's JSON: exactly the contract's keys, written from the one
`Report` object (plus the appendix, the national figures and the narrative). The CLI's
`--format json`, the JSON download and the API all write this."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from safeguard.domain.figures import (
    Audience,
    CodeCount,
    LateConference,
    Report,
    TimelinessFigures,
)
from safeguard.domain.figures_v2 import FiguresV2
from safeguard.domain.narrative import narrative_paragraphs
from safeguard.domain.national_statistics import NationalComparison, PublishedFigure


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _timeliness_json(figures: TimelinessFigures) -> dict[str, Any]:
    return {
        "held": figures.held,
        "within_timescale": figures.within_timescale,
        "out_of_timescale": figures.out_of_timescale,
        "not_determinable": figures.not_determinable,
        "compliance_percent": _number(figures.compliance_percent),
    }


def _codes_json(counts: Sequence[CodeCount]) -> dict[str, int]:
    return {entry.code: entry.count for entry in counts}


def _late_json(late: LateConference, audience: Audience) -> dict[str, Any]:
    identified = audience is Audience.INTERNAL
    return {
        **({"child_id": late.child_id, "conference_id": late.conference_id} if identified else {}),
        "type": str(late.kind),
        "due": late.due_on.isoformat(),
        "held": late.held_on.isoformat(),
        "days_late": late.days_late,
        "unit": late.unit,
        **({"reason_recorded": late.reason_recorded} if identified else {}),
    }


def additions_json(additions: FiguresV2) -> dict[str, Any]:
    """The version 2 keys (report-figures.md, "Version 2 additions"), plus the few that explain
    them further: the year-earlier profile, the plans reaching two years, the previous period."""
    profile = additions.population_profile
    initial = additions.initial_conferences
    enquiries = additions.enquiries
    resolution = additions.escalations_resolution
    rate = additions.rate_per_10000
    previous = additions.previous_period
    return {
        "population_profile": {
            "age_band": profile.age_band.as_dict(),
            "sex": profile.sex.as_dict(),
            "ethnicity_group": profile.ethnicity_group.as_dict(),
            "disability": profile.disability.as_dict(),
            "plan_length": profile.plan_length.as_dict(),
        },
        "population_change": {
            "joined": additions.population_change.joined,
            "left": additions.population_change.left,
        },
        "population_year_earlier": {
            "age_band": additions.age_band_year_earlier.as_dict(),
            "latest_category": additions.category_year_earlier.as_dict(),
        },
        "plans_reaching_2_years_within_6_months": additions.reaching_2_years_soon,
        "initial_conferences": {
            "held": initial.held,
            "plan": initial.plan,
            "no_plan": initial.no_plan,
            "not_recorded": initial.not_recorded,
            "conversion_percent": _number(initial.conversion_percent),
        },
        "enquiries": None
        if enquiries is None
        else {
            "strategy_discussions": enquiries.strategy_discussions,
            "no_further_action": enquiries.no_further_action,
            "initial_conference_within_15_working_days": (
                enquiries.initial_conference_within_15_working_days
            ),
            "waiting_at_period_end": enquiries.waiting_at_period_end,
            "towards_conference": enquiries.towards_conference,
        },
        "escalations_resolution": {
            "resolved": resolution.resolved,
            "open_at_period_end": resolution.open_at_period_end,
            "median_days_to_resolve": _number(resolution.median_days_to_resolve),
            "by_stage": resolution.by_stage.as_dict(),
        },
        "escalations_by_organisation_previous_period": [
            {"organisation": organisation, "count": count}
            for organisation, count in additions.escalations_by_organisation_previous_period
        ],
        "previous_period": {
            "start": previous.start_on.isoformat(),
            "end": previous.end_on.isoformat(),
        },
        "chairs": [
            {"chair": chair.chair, "meetings": chair.meetings, "conferences": chair.conferences}
            for chair in additions.chairs
        ],
        "rate_per_10000": None
        if rate is None
        else {
            "population_year": rate.population_year,
            "population": rate.population,
            "at_period_end": _number(rate.at_period_end),
            "year_earlier": _number(rate.year_earlier),
            "year_earlier_population_year": rate.year_earlier_population_year,
            "plans_started": _number(rate.plans_started),
        },
    }


def _published_json(figure: PublishedFigure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {"value": float(figure.value), "source": figure.source, "note": figure.note}


def comparison_json(comparison: NationalComparison) -> dict[str, Any]:
    """Each measure for its year ending 31 March: the authority's figure beside England's and
    the comparators' (null where not held)."""
    return {
        "comparator_areas": list(comparison.comparator_areas),
        "comparators_problem": comparison.comparators_problem,
        "rows": [
            {
                "measure": row.measure.code,
                "label": row.measure.label,
                "year_ending": row.year_ending_on.isoformat(),
                "authority": _number(row.authority),
                "england": _published_json(row.england),
                # areas whose figure for the year is not published at all (null above)
                "not_published": sorted(row.not_published),
                "comparators": {
                    area: _published_json(figure)
                    for area, figure in zip(
                        comparison.comparator_areas, row.comparators, strict=True
                    )
                },
            }
            for row in comparison.rows
        ],
    }


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as report-figures.md's JSON (plus the appendix, national figures, narrative)."""
    population = report.cp_population
    unborn = report.unborn_initial_conferences
    timeliness = report.timeliness
    year = timeliness.last_complete_year
    monitoring = report.monitoring_checks
    plans = report.plans
    participation = report.participation
    additions = report.additions
    figures = {
        "period": {
            "start": report.period.start_on.isoformat(),
            "end": report.period.end_on.isoformat(),
        },
        "count_by": str(report.count_by),
        "include_informal": report.include_informal,
        "generated_on": report.generated_on.isoformat(),
        "cp_population": {
            "at_period_end": population.at_period_end,
            "year_earlier": population.year_earlier,
            "year_earlier_date": population.year_earlier_on.isoformat(),
            "month_end_series": [
                {"date": entry.on.isoformat(), "count": entry.count}
                for entry in population.month_end_series
            ],
        },
        "unborn_initial_conferences": {
            "year_to_period_end": unborn.year_to_period_end,
            "previous_year": unborn.previous_year,
            "year_to_period_end_range": [
                unborn.year_to_period_end_period.start_on.isoformat(),
                unborn.year_to_period_end_period.end_on.isoformat(),
            ],
            "previous_year_range": [
                unborn.previous_year_period.start_on.isoformat(),
                unborn.previous_year_period.end_on.isoformat(),
            ],
        },
        "conferences_by_month": {
            str(entry.year): list(entry.months) for entry in report.conferences_by_month
        },
        "conferences_cumulative": {
            str(entry.year): list(entry.months) for entry in report.conferences_cumulative
        },
        "timeliness": {
            "last_complete_year": {
                "name": year.name,
                "start": year.start_on.isoformat(),
                "end": year.end_on.isoformat(),
                **_timeliness_json(year.figures),
            },
            "period": _timeliness_json(timeliness.period),
            "period_by_type": {
                str(entry.kind): _timeliness_json(entry.figures)
                for entry in timeliness.period_by_type
            },
        },
        "escalations_by_organisation": [
            {"organisation": entry.organisation, "count": entry.count}
            for entry in report.escalations_by_organisation
        ],
        "escalations_total": report.escalations_total,
        "escalations_by_reason": _codes_json(report.escalations_by_reason),
        "escalations_by_month": {
            fy.name: {
                "months": {month.abbreviation: month.count for month in fy.months},
                "total": fy.total,
            }
            for fy in report.escalations_by_month
        },
        "participation": {
            "conferences": participation.conferences,
            "child_attended": participation.child_attended,
            "advocate_involved": participation.advocate_involved,
            "preparation_session": participation.preparation_session,
            "views_shared_via": _codes_json(participation.views_shared_via),
            "participation_code": _codes_json(participation.participation_code),
        },
        "agency_contributions": [
            {
                "organisation": agency.organisation,
                "invited": agency.invited,
                "report_received": agency.report_received,
                "report_late": agency.report_late,
                "attended": agency.attended,
                "apologies": agency.apologies,
                "no_report_no_apologies": agency.no_report_no_apologies,
            }
            for agency in report.agency_contributions
        ],
        "monitoring_checks": {
            "midway": {
                "completed": monitoring.midway.completed,
                "concerns": monitoring.midway.concerns,
            },
            "pre_review": {
                "completed": monitoring.pre_review.completed,
                "concerns": monitoring.pre_review.concerns,
            },
            "alerts": _codes_json(monitoring.alerts),
        },
        "plans": {
            "started": plans.started,
            "second_or_subsequent": plans.second_or_subsequent,
            "ended": plans.ended,
            "ended_after_2_years_or_more": plans.ended_after_2_years_or_more,
            "open_by_category": _codes_json(plans.open_by_category),
            **(
                {}
                if additions is None
                else {
                    "second_or_subsequent_within_2_years": (
                        additions.second_or_subsequent_within_2_years
                    ),
                    "ended_by_length": additions.ended_by_length.as_dict(),
                }
            ),
        },
        "data_quality": [
            {"code": item.code, "message": item.message, "count": item.count}
            for item in report.data_quality
        ],
        "audience": str(report.audience),
        "late_conferences": [_late_json(late, report.audience) for late in report.late_conferences],
        "national_comparison": (
            None if report.comparison is None else comparison_json(report.comparison)
        ),
        # project additions (docs/report-figures.md): per meeting held in the period
        "meetings_quoracy": {
            "quorate": report.meetings.quorate,
            "not_quorate": report.meetings.not_quorate,
            "not_recorded": report.meetings.quoracy_not_recorded,
        },
        "parents_attendance": {
            "attended": report.meetings.parents_attended,
            "not_attended": report.meetings.parents_not_attended,
            "not_recorded": report.meetings.parents_not_recorded,
        },
        "narrative": narrative_paragraphs(report),
    }
    if additions is not None:
        figures.update(additions_json(additions))
    return figures
