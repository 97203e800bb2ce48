"""The built report, and the report page's body, kept until the records change.

Building a large authority's report reads hundreds of thousands of rows (about a second) and
drawing its charts takes longer, yet the figures change only when the records do. Both are kept
in the "reports" cache under a key made of the choice (period, counting, escalations), the day
it is produced on, the authority's name and the data version, which every write to the records
changes in the same transaction (safeguard.data_version). A write therefore makes every kept
report unreachable at once; nothing has to be found and deleted. docs/decisions/0008."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from importlib import metadata
from typing import TypedDict

from django.conf import settings
from django.core.cache import caches

from safeguard.data_version.selectors import data_version_current
from safeguard.domain.editions import Commentary
from safeguard.domain.figures import Audience, CountBy, Report, for_audience
from safeguard.domain.periods import Period
from safeguard.reporting.selectors import report_build

CACHE = "reports"


@cache
def _code_version() -> str:
    # A cache shared between processes can outlive an upgrade that changes how reports are built.
    try:
        return metadata.version("safeguard")
    except metadata.PackageNotFoundError:
        return "unknown"


def _key(
    what: str,
    *,
    data_version: str,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    generated_on: dt.date,
    audience: Audience = Audience.INTERNAL,
    commentary: Commentary | None = None,
) -> str:
    parts = (
        what,
        repr(commentary),
        str(audience),
        _code_version(),
        data_version,
        period.start_on.isoformat(),
        period.end_on.isoformat(),
        str(count_by),
        str(include_informal),
        generated_on.isoformat(),
        settings.AUTHORITY_NAME,
        settings.NATION,
    )
    return "report:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class _Choice(TypedDict):
    """The choices a report is built from (report_build's arguments)."""

    period: Period
    count_by: CountBy
    include_informal: bool
    generated_on: dt.date


def _report(
    data_version: str,
    *,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    generated_on: dt.date,
) -> Report:
    choice: _Choice = {
        "period": period,
        "count_by": count_by,
        "include_informal": include_informal,
        "generated_on": generated_on,
    }
    cache = caches[CACHE]
    key = _key("object", data_version=data_version, **choice)
    report = cache.get(key)
    if report is None:
        report = report_build(**choice)
        cache.set(key, report)
    return report


def report_build_cached(
    *,
    period: Period,
    count_by: CountBy = CountBy.CHILD,
    include_informal: bool = False,
    generated_on: dt.date,
    audience: Audience | str,
) -> Report:
    """`report_build`'s report, built once per choice and data version, as `audience` may read
    it (figures.for_audience: the members' version holds no identifier and no free text)."""
    report = _report(
        data_version_current(),  # before the records are read: see data_version_current
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
    )
    return for_audience(report, audience)


def report_page_body_cached(
    *,
    period: Period,
    count_by: CountBy = CountBy.CHILD,
    include_informal: bool = False,
    generated_on: dt.date,
    audience: Audience | str,
    commentary: Commentary | None = None,
) -> str:
    """The report page's body (`report_page_body`), charts included, built and drawn once per
    choice, data version, audience and commentary."""
    audience = Audience(audience)
    choice: _Choice = {
        "period": period,
        "count_by": count_by,
        "include_informal": include_informal,
        "generated_on": generated_on,
    }
    data_version = data_version_current()  # before the records are read
    cache = caches[CACHE]
    key = _key(
        "page", data_version=data_version, audience=audience, commentary=commentary, **choice
    )
    body = cache.get(key)
    if body is None:
        # Here, not at the top: the page draws charts with matplotlib, whose import (about half a
        # second) the command line's JSON report never needs.
        from safeguard.reporting.page import report_page_body

        report = for_audience(_report(data_version, **choice), audience)
        body = report_page_body(report, authority=settings.AUTHORITY_NAME, commentary=commentary)
        cache.set(key, body)
    return body
