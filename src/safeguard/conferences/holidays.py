"""The bank holidays of the working-day calendars, kept in a file between processes.

Asking the holidays package imports its data for every country (some 0.1-0.2 s, most of the cost
of building a calendar in a new process), so each nation's list is kept in a file in the user's
cache folder, named by the package's version: a new release of the package (the way new one-off
bank holidays arrive) is asked afresh. A cache that cannot be read or written is passed over.
The domain's calendar reads no file itself: `install` hands this source in at start-up
(ConferencesConfig.ready)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import tempfile
from pathlib import Path

from safeguard.domain.calendar import (
    FIRST_COVERED_YEAR,
    LAST_COVERED_YEAR,
    Nation,
    bank_holidays_from_package,
    use_bank_holidays,
)


def install() -> None:
    """Make the domain's shared calendars read their bank holidays through the file cache."""
    use_bank_holidays(bank_holidays_cached)


def bank_holidays_cached(nation: Nation) -> dict[dt.date, str]:
    """`bank_holidays_from_package(nation)`, read from the cache file when it holds the same
    package version's list, and written to it otherwise."""
    try:
        version = importlib.metadata.version("holidays")
    except importlib.metadata.PackageNotFoundError:
        return bank_holidays_from_package(nation)
    identity = {
        "holidays": version,
        "nation": nation.value,
        "years": [FIRST_COVERED_YEAR, LAST_COVERED_YEAR],
    }
    cache = cache_folder() / f"bank-holidays-{nation.value}-{version}.json"
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept["identity"] == identity:
            return {dt.date.fromisoformat(day): name for day, name in kept["days"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    days = bank_holidays_from_package(nation)
    text = json.dumps(
        {"identity": identity, "days": {day.isoformat(): name for day, name in days.items()}}
    )
    written = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=cache.parent, suffix=".tmp", delete=False
        ) as file:
            written = file.name
            file.write(text)
        os.replace(written, cache)  # whole or not at all, for processes reading at once
    except OSError:
        if written:
            Path(written).unlink(missing_ok=True)
    return days


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "safeguard"
