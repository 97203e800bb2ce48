"""England's published child protection figures, kept as dated reference data.

Source: Department for Education, "Characteristics of children in need" (official statistics,
published each autumn for the year ending 31 March). Each value below was checked against the
release it cites; a value that could not be verified is left as None rather than estimated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PUBLICATION = "Characteristics of children in need"  # "Children in need" from 2023
PUBLISHER = "Department for Education"


@dataclass(frozen=True)
class NationalFigures:
    """England's figures for one year ending 31 March, as published (None: not held here)."""

    year_ending_on: date
    release_url: str  # the DfE release for the year
    # Where each value was read: the release's data sets, or a report quoting the release.
    checked_against: tuple[str, ...]
    on_plan_at_31_march: int | None = None
    plans_started: int | None = None
    plans_ended: int | None = None
    # % of plans started in the year that were a second or subsequent plan for the child.
    second_or_subsequent_percent: Decimal | None = None
    # % of plans ended in the year that had lasted two years or more.
    ended_after_2_years_or_more_percent: Decimal | None = None
    # Children on a plan at 31 March by the plan's initial category of abuse (counts).
    category_at_31_march: Mapping[str, int] = field(default_factory=dict)

    @property
    def year_name(self) -> str:
        """The year as the release names it: "2022 to 2023"."""
        return f"{self.year_ending_on.year - 1} to {self.year_ending_on.year}"

    @property
    def source(self) -> str:
        return f"{PUBLISHER}, '{PUBLICATION}', reporting year {self.year_ending_on.year}"

    def category_percent(self, code: str) -> Decimal | None:
        """A category's share of the children on a plan at 31 March, 1 decimal place."""
        total = sum(self.category_at_31_march.values())
        if code not in self.category_at_31_march or total == 0:
            return None
        return (Decimal(self.category_at_31_march[code]) * 100 / total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def to_json(self) -> dict[str, Any]:
        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "area": "England",
            "year_ending": self.year_ending_on.isoformat(),
            "source": self.source,
            "source_url": self.release_url,
            "checked_against": list(self.checked_against),
            "on_plan_at_31_march": self.on_plan_at_31_march,
            "plans_started": self.plans_started,
            "plans_ended": self.plans_ended,
            "second_or_subsequent_percent": number(self.second_or_subsequent_percent),
            "ended_after_2_years_or_more_percent": number(self.ended_after_2_years_or_more_percent),
            "category_at_31_march": dict(self.category_at_31_march),
        }


_EES = "https://explore-education-statistics.service.gov.uk"

# Only values read in the published release (or a report quoting it) are held; the rest are None.
# England totals are rounded by DfE to the nearest 10, percentages to one decimal place.
ENGLAND: tuple[NationalFigures, ...] = (
    NationalFigures(
        year_ending_on=date(2020, 3, 31),
        release_url=f"{_EES}/find-statistics/characteristics-of-children-in-need/2020",
        checked_against=(
            # A2: CPP at 31 March 51,510
            f"{_EES}/data-catalogue/data-set/6be19822-a151-4cb5-aefc-4e4054e767c8",
            # A6: CPP at 31 March by initial category of abuse
            f"{_EES}/data-catalogue/data-set/85e1030f-ffc4-458a-b2a4-f2336d38ea2c",
            # D7: plans ending by length of time, 66,970 ended, 2 years and over 3.6%
            f"{_EES}/data-catalogue/data-set/14b5b575-3dd9-4fe9-b2ee-39718c0c5e50",
        ),
        on_plan_at_31_march=51510,
        plans_ended=66970,
        ended_after_2_years_or_more_percent=Decimal("3.6"),
        category_at_31_march={
            "NEG": 26010,
            "PHY": 3820,
            "SAB": 1970,
            "EMO": 18380,
            "MUL": 1330,
        },
    ),
    NationalFigures(
        year_ending_on=date(2022, 3, 31),
        release_url=f"{_EES}/find-statistics/characteristics-of-children-in-need/2022",
        checked_against=(
            # Community Care's report of the release: plans started 64,390, at 31 March 50,920
            "https://www.communitycare.co.uk/2022/10/31/"
            "child-protection-enquiries-reach-record-levels-reveal-official-figures/",
        ),
        on_plan_at_31_march=50920,
        plans_started=64390,
    ),
    NationalFigures(
        year_ending_on=date(2025, 3, 31),
        release_url=f"{_EES}/find-statistics/children-in-need/2025",
        checked_against=(
            # D1: started 61,840, ended 62,300, at 31 March 49,420
            f"{_EES}/data-catalogue/data-set/0183a28b-6a55-4eff-aa08-33cc14f3a5bb",
            # D7: ended after 2 years or more 2,710 (4.4%)
            f"{_EES}/data-catalogue/data-set/04a78d29-2196-4bea-bf95-7a2eced5d0d5",
        ),
        on_plan_at_31_march=49420,
        plans_started=61840,
        plans_ended=62300,
        ended_after_2_years_or_more_percent=Decimal("4.4"),
    ),
)


def latest_on_or_before(day: date) -> NationalFigures | None:
    """England's figures for the latest year ending on or before `day`, if any are held."""
    eligible = [figures for figures in ENGLAND if figures.year_ending_on <= day]
    return max(eligible, key=lambda figures: figures.year_ending_on, default=None)
