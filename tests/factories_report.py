"""Report inputs for tests: aggregates shaped like the unit's real April-September 2022 report.

The numbers follow the seed report (tests/data/seed) (445 children on a plan against 357 a year earlier; 722 meetings
in 2021/22 with 4 out of timescale; 45 escalations, 21 of them about GPs), counted by meeting.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from safeguard.domain.figures import (
    AgencyContribution,
    CountBy,
    DataQualityItem,
    LateConference,
    MonitoringCounts,
    ParticipationCounts,
    PlanCounts,
    ReportInputs,
    VerdictCounts,
)
from safeguard.domain.periods import Period, month_ends
from safeguard.domain.timeliness import ConferenceKind

SEED_PERIOD = Period(date(2022, 4, 1), date(2022, 9, 30))

# Conferences held per calendar month, January to December (seed, "Number of CP Conferences").
SEED_CONFERENCES = {
    2015: [88, 79, 91, 72, 66, 65, 92, 54, 72, 78, 83, 62],
    2016: [77, 78, 64, 70, 91, 70, 83, 74, 71, 74, 64, 67],
    2017: [97, 84, 84, 83, 67, 78, 67, 68, 57, 89, 69, 67],
    2018: [78, 57, 67, 58, 58, 55, 71, 56, 62, 71, 63, 43],
    2019: [74, 69, 61, 53, 59, 54, 84, 57, 73, 81, 61, 66],
    2020: [75, 55, 67, 59, 80, 67, 89, 53, 66, 71, 57, 70],
    2021: [73, 64, 60, 48, 56, 67, 74, 46, 62, 59, 56, 51],
    2022: [68, 57, 78, 58, 63, 63, 84, 61, 72],
}
# Escalations raised per month, April to March, by financial year's first calendar year.
SEED_ESCALATIONS = {
    2018: [15, 33, 27, 27, 20, 26, 18, 26, 12, 26, 22, 30],
    2019: [23, 24, 14, 33, 15, 46, 35, 30, 14, 32, 30, 27],
    2020: [7, 8, 16, 22, 10, 19, 13, 7, 20, 17, 12, 8],
    2021: [1, 9, 17, 11, 10, 10, 18, 3, 8, 8, 3, 9],
    2022: [6, 11, 6, 5, 9, 8],
}
SEED_ORGANISATIONS = {
    "GP's": 21,
    "Social Workers / Practice Supervisors": 7,
    "Education (Nurseries, Schools etc)": 6,
    "Other / Misc. Workers": 5,
    "We Are With You": 2,
    "Health Visitor": 1,
    "Probation": 1,
    "PPU": 1,
    "Housing Officer": 1,
}
# Month-end numbers on a plan from October 2019 to September 2022: a dip through 2020-21, then
# the rise the seed describes (357 at 30 September 2021, 445 at 30 September 2022).
SEED_ON_PLAN = [
    372, 365, 351, 348, 356, 362, 340, 331, 326, 333, 338, 345,
    350, 347, 339, 344, 352, 349, 355, 361, 358, 352, 354, 357,
    366, 371, 380, 386, 392, 401, 409, 416, 424, 431, 438, 445,
]  # fmt: skip


def _per_month(table: dict[int, list[int]], first_month: int) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for year, months in table.items():
        for offset, count in enumerate(months):
            index = year * 12 + first_month - 1 + offset
            counts[(index // 12, index % 12 + 1)] = count
    return counts


def seed_like_inputs(**changes: Any) -> ReportInputs:
    """ReportInputs resembling the seed report; keyword arguments replace fields."""
    on_plan = dict(zip(month_ends(SEED_PERIOD.end_on, 36), SEED_ON_PLAN, strict=True))
    inputs = ReportInputs(
        period=SEED_PERIOD,
        count_by=CountBy.MEETING,
        include_informal=False,
        on_plan_at=on_plan,
        unborn_initial_year_to_period_end=44,
        unborn_initial_previous_year=72,
        conferences_per_month=_per_month(SEED_CONFERENCES, 1),
        timeliness_last_complete_year={
            ConferenceKind.initial: VerdictCounts(within=151, out=3),
            ConferenceKind.review: VerdictCounts(within=540, out=1),
            ConferenceKind.transfer_in: VerdictCounts(within=27),
        },
        timeliness_period={
            ConferenceKind.initial: VerdictCounts(within=82),
            ConferenceKind.review: VerdictCounts(within=305),
            ConferenceKind.transfer_in: VerdictCounts(within=14),
        },
        escalations_by_organisation=SEED_ORGANISATIONS,
        escalations_by_reason={
            "no_report_no_apologies": 30,
            "no_report": 5,
            "no_apologies": 3,
            "late_report": 3,
            "non_attendance": 2,
            "plan_not_progressing": 1,
            "other": 1,
        },
        escalations_per_month=_per_month(SEED_ESCALATIONS, 4),
        participation=ParticipationCounts(
            conferences=612,
            child_attended=58,
            advocate_involved=71,
            preparation_session=24,
            views_shared_via={
                "in_person": 49,
                "virtual": 9,
                "advocate": 71,
                "written": 88,
                "other": 12,
                "not_obtained": 40,
                "not_applicable": 281,
                "not_recorded": 62,
            },
            participation_code={
                "PN0": 281,
                "PN1": 41,
                "PN2": 9,
                "PN3": 6,
                "PN4": 2,
                "PN5": 64,
                "PN6": 101,
                "PN7": 46,
                "not_recorded": 62,
            },
        ),
        agency_contributions=[
            AgencyContribution("Health Visitor", 180, 150, 12, 160, 14, 4),
            AgencyContribution("GP's", 401, 242, 31, 35, 92, 96),
            AgencyContribution("Education (Nurseries, Schools etc)", 320, 281, 18, 290, 21, 5),
            AgencyContribution("PPU", 401, 380, 9, 210, 170, 3),
            AgencyContribution("Probation", 64, 51, 4, 50, 9, 2),
            AgencyContribution("We Are With You", 38, 29, 2, 30, 3, 4),
            AgencyContribution("Housing Officer", 52, 30, 5, 28, 12, 8),
        ],
        monitoring=MonitoringCounts(
            midway_completed=214,
            midway_concerns=27,
            pre_review_completed=198,
            pre_review_concerns=19,
            alerts={"social_worker": 31, "practice_supervisor": 12, "team_manager": 5},
        ),
        plans=PlanCounts(
            started=231,
            second_or_subsequent=39,
            ended=166,
            ended_after_2_years_or_more=6,
            open_by_category={
                "NEG": 221,
                "PHY": 38,
                "SAB": 14,
                "EMO": 151,
                "MUL": 17,
                "not_recorded": 4,
            },
        ),
        late_conferences=[
            LateConference(
                "C10442",
                "CF-20911",
                ConferenceKind.initial,
                date(2021, 6, 14),
                date(2021, 6, 16),
                2,
                "North",
                "Family unavailable",
            ),
            LateConference(
                "C11873",
                "CF-21377",
                ConferenceKind.initial,
                date(2021, 11, 22),
                date(2021, 11, 29),
                7,
                "East",
                "",
            ),
            LateConference(
                "C09918",
                "CF-21602",
                ConferenceKind.review,
                date(2021, 12, 24),
                date(2022, 1, 5),
                12,
                "South",
                "Rearranged after the Christmas closure",
            ),
            LateConference(
                "C12250",
                "CF-22048",
                ConferenceKind.initial,
                date(2022, 2, 28),
                date(2022, 3, 1),
                1,
                "North",
                "Chair unwell",
            ),
        ],  # fmt: skip
        data_quality=[
            DataQualityItem(
                "conference_views_not_recorded",
                "Conferences for children already born with no record of how the child's views "
                "were shared",
                62,
            ),
            DataQualityItem(
                "plan_category_missing",
                "Open plans with no latest category of abuse recorded",
                4,
            ),
        ],
        generated_on=date(2022, 10, 14),
    )
    return dataclasses.replace(inputs, **changes)
