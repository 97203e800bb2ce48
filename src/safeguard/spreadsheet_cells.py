"""Cells of the spreadsheets and CSV files Safeguard writes, made safe to open (CSV injection).

Every writer of a .csv or .xlsx goes through here. OWASP's rule: a text cell that begins with
`=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by a spreadsheet, so it
is written with a leading apostrophe, which the spreadsheet shows as text. Numbers and dates are
not text and are written unchanged.

Text that already begins with apostrophes followed by one of those characters gets one more, so
that `restored` (used where the exchange format says import removes the apostrophe) gives back
exactly the text that was neutralised: export, import and export write the same bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_Cell = TypeVar("_Cell")


# The characters a cell that runs (or `restored` must look at) can begin with: most cells begin
# with none of them, and are answered without stripping.
_FIRST_CHARACTERS = frozenset("".join(FORMULA_STARTS) + QUOTE)


def _runs_as_formula(text: str) -> bool:
    return text[:1] in _FIRST_CHARACTERS and text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def neutralised(value: _Cell) -> _Cell | str:
    """`value` as a cell should hold it: text a spreadsheet would run gets a leading
    apostrophe; anything that is not text (a number, a date, None) is returned unchanged."""
    if isinstance(value, str) and _runs_as_formula(value):
        return QUOTE + value
    return value


def restored(text: str) -> str:
    """Undo `neutralised` on text read back from a cell (and only that: other text, an
    apostrophe before ordinary text included, is returned unchanged)."""
    if text.startswith(QUOTE) and _runs_as_formula(text[1:]):
        return text[1:]
    return text


def neutralised_row(values: Iterable[object]) -> list[object]:
    # `neutralised`, written out to its first test: a large file's cells (tens of thousands)
    # otherwise spend more time in the calls than in the writing
    return [
        QUOTE + value
        if isinstance(value, str) and value[:1] in _FIRST_CHARACTERS and _runs_as_formula(value)
        else value
        for value in values
    ]


class SafeCsvWriter:
    """A `csv.writer` whose every text cell is neutralised."""

    def __init__(self, stream: SupportsWrite[str], **options: Any):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> object:
        return self._writer.writerow(neutralised_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        self._writer.writerows(map(neutralised_row, rows))
