"""England's published figures (the package's data file) and the authority's comparators (the file
named by SAFEGUARD_COMPARATORS_CSV), read for the report's national comparison.

The England file is versioned with the package; the comparators' file is the authority's own,
in the same columns (docs/report-figures.md, "England and comparators"). A comparators file that
cannot be read does not stop the report: its message goes into the report's data quality."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from django.conf import settings

from safeguard.domain.national_statistics import (
    PublishedFigures,
    PublishedFiguresError,
    published_figures_from_csv,
)

ENGLAND_FILE = "england-children-in-need.csv"


@cache
def england_figures() -> PublishedFigures:
    """England's figures as the package ships them (read once per process)."""
    text = resources.files("safeguard.reporting").joinpath("data", ENGLAND_FILE).read_text("utf-8")
    return published_figures_from_csv(text, file_name=ENGLAND_FILE)


def comparator_figures() -> tuple[PublishedFigures, str]:
    """The authority's comparators' figures, and the reason they could not be read ("" when
    they were, or when no file is configured)."""
    path_text = getattr(settings, "COMPARATORS_CSV", "")
    if not path_text:
        return PublishedFigures(), ""
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        return (
            PublishedFigures(),
            f"{path}: the comparators' file could not be read ({error.strerror})",
        )
    except UnicodeDecodeError:
        return PublishedFigures(), f"{path}: the comparators' file is not UTF-8 text"
    try:
        figures = published_figures_from_csv(text, file_name=str(path))
    except PublishedFiguresError as error:
        return PublishedFigures(), str(error)
    if any(figure.area == "England" for figure in figures.figures):
        return PublishedFigures(), (
            f"{path}: England's figures come with Safeguard; the comparators' file names other "
            "areas only"
        )
    return figures, ""
