"""England's published child protection figures, kept as dated reference data.

Source: Department for Education, "Characteristics of children in need" (official statistics,
published each autumn for the year ending 31 March). Each value below was checked against the
release it cites; a value that could not be verified is left as None rather than estimated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

PUBLICATION = "Characteristics of children in need"
PUBLISHER = "Department for Education"


@dataclass(frozen=True)
class NationalFigures:
    """England's figures for one year ending 31 March, as published."""

    year_ending_on: date
    release_published: str  # e.g. "2023-10-26" or "October 2023"
    source_url: str
    on_plan_at_31_march: int | None = None
    plans_started: int | None = None
    second_or_subsequent_percent: Decimal | None = None
    ended_after_2_years_or_more_percent: Decimal | None = None
    # Initial category of abuse, % of plans started in the year: NEG PHY SAB EMO MUL.
    initial_category_percent: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def year_name(self) -> str:
        """The year as the release names it: "2022 to 2023"."""
        return f"{self.year_ending_on.year - 1} to {self.year_ending_on.year}"

    def to_json(self) -> dict[str, Any]:
        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "area": "England",
            "year_ending": self.year_ending_on.isoformat(),
            "source": f"{PUBLISHER}, {PUBLICATION} ({self.year_name})",
            "source_url": self.source_url,
            "published": self.release_published,
            "on_plan_at_31_march": self.on_plan_at_31_march,
            "plans_started": self.plans_started,
            "second_or_subsequent_percent": number(self.second_or_subsequent_percent),
            "ended_after_2_years_or_more_percent": number(self.ended_after_2_years_or_more_percent),
            "initial_category_percent": {
                code: float(value) for code, value in self.initial_category_percent.items()
            },
        }


ENGLAND: tuple[NationalFigures, ...] = ()


def latest_on_or_before(day: date) -> NationalFigures | None:
    """England's figures for the latest year ending on or before `day`, if any are held."""
    eligible = [figures for figures in ENGLAND if figures.year_ending_on <= day]
    return max(eligible, key=lambda figures: figures.year_ending_on, default=None)
