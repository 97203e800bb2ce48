"""A date as a person or a file writes it: ISO YYYY-MM-DD or UK DD/MM/YYYY, nothing else.

The exchange format's cells and the command line's date arguments read dates the same way; the
command line imports this module alone (not the bundle reader) when it parses its arguments."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def parse_date(text: str) -> dt.date:
    """ISO YYYY-MM-DD or UK DD/MM/YYYY; nothing else (ValueError)."""
    if _ISO_DATE.match(text):
        return dt.date.fromisoformat(text)
    if _UK_DATE.match(text):
        day, month, year = text.split("/")
        return dt.date(int(year), int(month), int(day))
    raise ValueError
