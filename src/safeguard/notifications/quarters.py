"""Calendar quarters, the period of the Senior Liaison Officers' digests ("2022Q3" is July to
September 2022). Pure Python: no Django."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


class QuarterError(ValueError):
    """Text that does not name a quarter."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise QuarterError(f"a quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2022Q3' (or '2022-Q3', '2022q3')."""
        match = _QUARTER.match(text)
        if match is None:
            raise QuarterError(f"'{text}' is not a quarter (write it as 2022Q3)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start_on(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end_on(self) -> dt.date:
        month = 3 * self.number
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        """'July-September 2022', as the subject of a digest names it."""
        first = calendar.month_name[self.start_on.month]
        last = calendar.month_name[self.end_on.month]
        return f"{first}-{last} {self.year}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"
