"""Handing the report out: each download (a file, or the JSON through the API) is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from safeguard.accounts.access import report_audience_of
from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.domain.figures import Audience, CountBy, Report
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.reporting.cache import report_build_cached
from safeguard.reporting.renderers import ReportFormat, render

DOWNLOAD_FORMATS = (ReportFormat.pdf, ReportFormat.docx, ReportFormat.xlsx, ReportFormat.json)
FORMAT_NAMES = {
    ReportFormat.pdf: "PDF",
    ReportFormat.docx: "Word",
    ReportFormat.xlsx: "Excel",
    ReportFormat.json: "JSON",
    ReportFormat.html: "HTML",  # the command line's only
}


@dataclass(frozen=True)
class ReportFile:
    filename: str
    media_type: str
    content: bytes


def report_file_name(period: Period, report_format: ReportFormat) -> str:
    """child-protection-report-2022-04-01-2022-09-30.pdf, as the CLI names it."""
    return f"child-protection-report-{period.start_on}-{period.end_on}.{report_format.extension}"


def _describe(report: Report, how: str) -> str:
    informal = "formal and informal escalations" if report.include_informal else "formal only"
    return (
        f"Child Protection Report {report.period}, counted by {report.count_by}, {informal}, "
        f"{report.audience} version: {how}"
    )


def report_download(
    *,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    report_format: ReportFormat,
    by: User | None,
    generated_on: dt.date,
) -> ReportFile:
    """The report rendered as `report_format` for `by`'s audience (report_audience_of), with an
    audit entry for the download."""
    report = report_build_cached(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
        audience=report_audience_of(by),
    )
    internal = report_build_cached(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
        audience=Audience.INTERNAL,
    )
    # Here, not at the top: the editions (their attribution, the conference services) are for
    # the rendered formats alone, and `safeguard report --format json` imports this module.
    from safeguard.reporting.editions import commentary_for

    content = render(
        report,
        report_format,
        authority=settings.AUTHORITY_NAME,
        commentary=commentary_for(period, report_to_json(internal)),
    )
    filename = report_file_name(period, report_format)
    audit_record(
        actor=by,
        action=AuditAction.DOWNLOAD,
        record_type="report",
        record_id=filename,
        summary=_describe(report, f"downloaded as {FORMAT_NAMES[report_format]}"),
    )
    return ReportFile(filename=filename, media_type=report_format.media_type, content=content)


def report_json_for_api(
    *,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    by: User | None,
    generated_on: dt.date,
) -> dict[str, Any]:
    """The report's figures as the JSON contract (the CLI's `--format json`) for `by`'s
    audience, audited."""
    report = report_build_cached(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
        audience=report_audience_of(by),
    )
    audit_record(
        actor=by,
        action=AuditAction.DOWNLOAD,
        record_type="report",
        record_id=report_file_name(period, ReportFormat.json),
        summary=_describe(report, "read through the API"),
    )
    return report_to_json(report)


def report_for_command(
    *,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    audience: Audience | str,
    report_format: ReportFormat,
    generated_on: dt.date,
    destination: str,
) -> Report:
    """The report for the `safeguard report` command, from the same cache as the web, with an
    audit entry naming `destination` (the file written, or standard output). The command runs
    as "system", as the command-line export does. The caller renders it (the command's JSON and
    the Word template fill are its own)."""
    report = report_build_cached(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
        audience=audience,
    )
    audit_record(
        actor=None,
        action=AuditAction.DOWNLOAD,
        record_type="report",
        record_id=destination,
        summary=_describe(report, f"made at the command line as {FORMAT_NAMES[report_format]}"),
    )
    return report
