"""Editions of the report: issuing one (its figures, data version and files stored, never
regenerated), reading them back, the manager's commentary that goes into one, and the figures
that the records now give differently from an issued edition, with the records changed since.

docs/decisions/0015-report-editions.md, 0018-figures-and-their-records.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from safeguard.accounts.access import Permission, can, report_audience_of
from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.privacy import HASH_PREFIX
from safeguard.audit.services import audit_record
from safeguard.data_version.selectors import data_version_current
from safeguard.domain.editions import (
    ChangedRecord,
    Commentary,
    FigureAccount,
    Priority,
    PriorityReview,
    RecordEntry,
    figure_accounts,
    figure_changes,
    flattened,
    priority_reviews,
    records_moving_nothing,
)
from safeguard.domain.figures import Audience, CountBy, Report, for_audience
from safeguard.domain.narrative import ordinal_date
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.domain.retention import edition_identifiers_until
from safeguard.reporting.attribution import attribute
from safeguard.reporting.models import (
    Edition,
    EditionFile,
    EditionRequest,
    EditionRequestStatus,
    ReportCommentary,
)
from safeguard.reporting.renderers import ReportFormat, render
from safeguard.reporting.selectors import report_build
from safeguard.reporting.tasks import issue_edition_after_commit

EDITION_FORMATS = (
    ReportFormat.pdf,
    ReportFormat.docx,
    ReportFormat.xlsx,
    ReportFormat.html,
    ReportFormat.json,
)
# The writes to the trail that can move a figure: not views, downloads or sign-ins, and not
# accounts, emails or the report's own editions.
RECORD_WRITES = (
    AuditAction.CREATE,
    AuditAction.CHANGE,
    AuditAction.DELETE,
    AuditAction.IMPORT,
    AuditAction.RESTORE,
    AuditAction.RECOMPUTE,
)
NOT_RECORDS = (
    "user",
    "user_areas",
    "liaison_cover",
    "senior liaison officer",
    "notification",
    "notifications",
    "digests",
    "report",
    "report edition",
    "report commentary",
    "break_glass",
    "audit trail",
)


log = logging.getLogger(__name__)


class EditionRefused(Exception):
    """An edition that cannot be issued or read as asked; the message says why."""


# ---- commentary ------------------------------------------------------------------------------


def commentary_of(period: Period) -> ReportCommentary | None:
    return ReportCommentary.objects.filter(start_on=period.start_on, end_on=period.end_on).first()


def previous_edition(period: Period) -> Edition | None:
    """The latest edition issued for a period that ended before `period` starts: its priorities
    are the ones this period's report looks back on."""
    return (
        Edition.objects.filter(end_on__lt=period.start_on)
        .order_by("-end_on", "-issued_at", "-id")
        .first()
    )


def commentary_for(period: Period, figures_now: dict[str, Any]) -> Commentary:
    """The commentary the report for `period` shows: the manager's words for the period, and
    the previous edition's priorities looked back on against `figures_now`."""
    stored = commentary_of(period)
    previous = previous_edition(period)
    reviews: tuple[PriorityReview, ...] = ()
    if previous is not None:
        reviews = priority_reviews(
            list(previous.commentary.get("priorities", [])),
            stored.progress if stored else {},
            previous.figures,
            figures_now,
        )
    if stored is None:
        return Commentary(reviews=reviews, previous_edition=previous.edition_id if previous else "")
    return Commentary(
        executive_summary=stored.executive_summary,
        sections=dict(stored.sections),
        priorities=tuple(
            Priority(text=p.get("text", ""), figure=p.get("figure", ""))
            for p in stored.priorities
            if p.get("text", "").strip()
        ),
        reviews=reviews,
        previous_edition=previous.edition_id if previous else "",
    )


@transaction.atomic
def commentary_save(
    *,
    period: Period,
    executive_summary: str,
    sections: dict[str, str],
    priorities: Sequence[Priority],
    progress: dict[str, str],
    by: User,
) -> ReportCommentary:
    """Keep the manager's words for `period`'s report (audited)."""
    stored, created = ReportCommentary.objects.select_for_update().get_or_create(
        start_on=period.start_on, end_on=period.end_on
    )
    stored.executive_summary = executive_summary.strip()
    stored.sections = {key: text.strip() for key, text in sections.items() if text.strip()}
    stored.priorities = [
        {"text": p.text.strip(), "figure": p.figure.strip()} for p in priorities if p.text.strip()
    ]
    stored.progress = {key: text.strip() for key, text in progress.items() if text.strip()}
    stored.updated_at = timezone.now()
    stored.updated_by = by
    stored.save()
    audit_record(
        actor=by,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        record_type="report commentary",
        record_id=f"{period.start_on.isoformat()}/{period.end_on.isoformat()}",
        summary=f"Wrote the commentary for the report {period}",
    )
    return stored


# ---- issuing -----------------------------------------------------------------------------------


def _edition_id(period: Period) -> str:
    issued = Edition.objects.filter(start_on=period.start_on, end_on=period.end_on).count()
    return f"CPR-{period.start_on:%Y%m%d}-{period.end_on:%Y%m%d}-{issued + 1}"


def edition_text_of(edition: Edition) -> str:
    return (
        f"{edition.edition_id}, issued {ordinal_date(timezone.localtime(edition.issued_at).date())}"
        f" by {edition.issued_by_name}"
    )


def edition_file_name(edition: Edition, audience: Audience, report_format: ReportFormat) -> str:
    suffix = "" if audience is Audience.INTERNAL else "-members"
    return f"child-protection-report-{edition.edition_id.lower()}{suffix}.{report_format.extension}"


@transaction.atomic
def edition_issue(
    *,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    by: User | None,
    generated_on: dt.date,
) -> Edition:
    """Issue the report for `period` as an edition: its figures, the data version they were read
    at, the commentary, and every format for both audiences, stored once (audited)."""
    data_version = data_version_current()  # before the records are read
    report = report_build(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=generated_on,
    )
    figures = report_to_json(for_audience(report, Audience.INTERNAL))
    commentary = commentary_for(period, figures)
    stored = commentary_of(period)
    issued_by_name = (by.get_full_name() or by.username) if by is not None else "system"
    edition = Edition.objects.create(
        edition_id=_edition_id(period),
        start_on=period.start_on,
        end_on=period.end_on,
        count_by=str(count_by),
        include_informal=include_informal,
        generated_on=generated_on,
        data_version=data_version,
        figures=figures,
        commentary={
            "executive_summary": commentary.executive_summary,
            "sections": dict(commentary.sections),
            "priorities": [{"text": p.text, "figure": p.figure} for p in commentary.priorities],
            "progress": dict(stored.progress) if stored else {},
            "previous_edition": commentary.previous_edition,
            "reviews": [
                {"said": r.said, "did": r.did, "changed": r.changed} for r in commentary.reviews
            ],
        },
        issued_at=timezone.now(),
        issued_by=by,
        issued_by_name=issued_by_name,
    )
    edition_text = edition_text_of(edition)
    for audience in (Audience.INTERNAL, Audience.MEMBERS):
        readers = for_audience(report, audience)
        for report_format in EDITION_FORMATS:
            content = render(
                readers,
                report_format,
                authority=settings.AUTHORITY_NAME,
                commentary=commentary,
                edition_text=edition_text,
            )
            EditionFile.objects.create(
                edition=edition,
                audience=str(audience),
                report_format=str(report_format),
                filename=edition_file_name(edition, audience, report_format),
                media_type=report_format.media_type,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="report edition",
        record_id=edition.edition_id,
        summary=f"Issued the Child Protection Report {period} as edition {edition.edition_id} "
        f"(data version {data_version})",
    )
    return edition


# ---- issuing on the web, by the task worker --------------------------------------------------

# A request still waiting after this long is shown as stuck (is the worker running?), the page
# stops refreshing itself, and the manager may ask again.
REQUEST_WAITS_TOO_LONG = dt.timedelta(minutes=10)
PENDING = (EditionRequestStatus.QUEUED, EditionRequestStatus.ISSUING)


def edition_request(
    *,
    period: Period,
    count_by: CountBy,
    include_informal: bool,
    by: User,
    generated_on: dt.date,
) -> EditionRequest:
    """Ask the task worker to issue the report for `period` (the web: the files take up to a
    minute). Refused while a request for the same period waits (a second click)."""
    if period.end_on >= generated_on:
        raise EditionRefused("The period has not ended yet: issue an edition once it is over")
    with transaction.atomic():
        waiting = EditionRequest.objects.filter(
            start_on=period.start_on,
            end_on=period.end_on,
            status__in=PENDING,
            requested_at__gte=timezone.now() - REQUEST_WAITS_TOO_LONG,
        ).exists()
        if waiting:
            raise EditionRefused(
                f"The report for {period} is already being issued: it will be listed here when "
                "its files are ready"
            )
        request = EditionRequest.objects.create(
            start_on=period.start_on,
            end_on=period.end_on,
            count_by=str(count_by),
            include_informal=include_informal,
            generated_on=generated_on,
            requested_at=timezone.now(),
            requested_by=by,
            requested_by_name=by.get_full_name() or by.username,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            record_type="report edition",
            record_id=f"request {request.pk}",
            summary=f"Asked for the Child Protection Report {period} to be issued",
        )
        issue_edition_after_commit(request.pk)
    return request


def edition_request_run(request_id: int) -> EditionRequest:
    """Issue the edition `request_id` asks for (the worker's task). A refusal or a failure is
    kept on the request in words for the manager; nothing is half-issued (edition_issue is one
    transaction). Run again, a request already taken is left alone."""
    taken = EditionRequest.objects.filter(pk=request_id, status=EditionRequestStatus.QUEUED).update(
        status=EditionRequestStatus.ISSUING
    )
    request = EditionRequest.objects.get(pk=request_id)
    if not taken:
        return request
    period = Period(request.start_on, request.end_on)
    try:
        edition = edition_issue(
            period=period,
            count_by=CountBy(request.count_by),
            include_informal=request.include_informal,
            by=request.requested_by,
            generated_on=request.generated_on,
        )
    except EditionRefused as refused:
        _request_failed(request, str(refused))
    except Exception:
        log.exception("edition request %s (%s) failed", request.pk, period)
        _request_failed(
            request,
            f"The report for {period} could not be prepared, so no edition was issued. Ask "
            f"again; if it fails again, the worker's log has the details (request {request.pk}).",
        )
    else:
        request.status = EditionRequestStatus.ISSUED
        request.edition = edition
        request.finished_at = timezone.now()
        request.save(update_fields=["status", "edition", "finished_at"])
    return request


def _request_failed(request: EditionRequest, problem: str) -> None:
    request.status = EditionRequestStatus.FAILED
    request.problem = problem
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "problem", "finished_at"])


def edition_requests_shown(*, by: User | None) -> list[EditionRequest]:
    """The requests the editions page shows: those waiting or being issued, and those that
    failed in the last day and were not issued since (an issued one shows as its edition)."""
    if by is not None and not can(by, Permission.VIEW_REPORTS):
        return []
    recent = EditionRequest.objects.filter(requested_at__gte=timezone.now() - dt.timedelta(days=1))
    issued_after = {
        (r.start_on, r.end_on): r.requested_at
        for r in recent.filter(status=EditionRequestStatus.ISSUED).order_by("requested_at")
    }
    shown = EditionRequest.objects.filter(status__in=PENDING) | recent.filter(
        status=EditionRequestStatus.FAILED
    )
    return [
        r
        for r in shown
        if r.status in PENDING
        or issued_after.get((r.start_on, r.end_on), r.requested_at) <= r.requested_at
    ]


def waits_too_long(request: EditionRequest) -> bool:
    return request.status in PENDING and (
        request.requested_at < timezone.now() - REQUEST_WAITS_TOO_LONG
    )


# ---- reading -----------------------------------------------------------------------------------


def editions_list(*, by: User | None, period: Period | None = None) -> list[Edition]:
    """Every edition, newest first, or those of `period` (the report's readers may see that
    editions exist). Their figures and commentary are not read: a list shows neither."""
    if by is not None and not can(by, Permission.VIEW_REPORTS):
        return []
    editions = Edition.objects.defer("figures", "commentary").order_by("-issued_at", "-id")
    if period is not None:
        editions = editions.filter(start_on=period.start_on, end_on=period.end_on)
    return list(editions)


def edition_get(edition_id: str, *, by: User | None) -> Edition:
    """The edition, for someone who may read the report; the same 404 for missing and not
    yours."""
    if by is not None and not can(by, Permission.VIEW_REPORTS):
        raise Http404("No such edition.")
    edition = Edition.objects.filter(edition_id__iexact=edition_id.strip()).first()
    if edition is None:
        raise Http404("No such edition.")
    return edition


def edition_file_download(
    edition: Edition, report_format: ReportFormat, *, by: User | None, audience: Audience
) -> EditionFile:
    """The stored file of `edition` in `audience`'s version (never rendered again), audited."""
    stored = edition.files.filter(audience=str(audience), report_format=str(report_format)).first()
    if stored is None:
        raise Http404("No such file.")
    audit_record(
        actor=by,
        action=AuditAction.DOWNLOAD,
        record_type="report edition",
        record_id=edition.edition_id,
        summary=f"Downloaded edition {edition.edition_id} as {report_format.value} "
        f"({audience} version)",
    )
    return stored


def edition_audience_for(by: User | None, edition: Edition | None = None) -> Audience:
    """The version `by` reads (the command line: the internal one); of an edition whose
    identifiers were withdrawn (decision 0026), the members' version for everyone."""
    if edition is not None and edition.identifiers_withdrawn_on is not None:
        return Audience.MEMBERS
    return Audience.INTERNAL if by is None else report_audience_of(by)


# ---- how long an internal edition keeps identifiers (decision 0026) ---------------------------


@dataclass(frozen=True)
class EditionIdentifiersDue:
    edition_id: str
    due_on: dt.date


def editions_identifiers_due(*, as_of: dt.date) -> list[EditionIdentifiersDue]:
    """The editions that still keep children's identifiers past their time on `as_of`, the
    longest due first."""
    due = []
    for edition in Edition.objects.filter(identifiers_withdrawn_on__isnull=True).only(
        "edition_id", "start_on", "end_on"
    ):
        due_on = edition_identifiers_until(
            start_on=edition.start_on,
            end_on=edition.end_on,
            years=settings.SAFEGUARD_EDITION_IDENTIFIERS_YEARS,
            retention_years=settings.SAFEGUARD_RETENTION_YEARS,
        )
        if due_on <= as_of:
            due.append(EditionIdentifiersDue(edition.edition_id, due_on))
    return sorted(due, key=lambda d: (d.due_on, d.edition_id))


def editions_identifiers_withdraw(*, as_of: dt.date, by: User | None) -> int:
    """Withdraw the identifiers of every edition due on `as_of`: its internal files are deleted
    and its figures kept as the members' version gives them (no child, conference or record
    ids, no reasons typed); its members' files, figures and commentary stay. One audit entry
    each. Returns how many editions."""
    due = editions_identifiers_due(as_of=as_of)
    for item in due:
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(edition_id=item.edition_id)
            if edition.identifiers_withdrawn_on is not None:
                continue
            deleted, _ = edition.files.filter(audience=str(Audience.INTERNAL)).delete()
            edition.figures = _members_figures(edition.figures)
            edition.identifiers_withdrawn_on = as_of
            edition.save(update_fields=["figures", "identifiers_withdrawn_on"])
            audit_record(
                actor=by,
                action=AuditAction.DELETE,
                record_type="report edition",
                record_id=edition.edition_id,
                summary=(
                    f"Withdrew the identifiers of edition {edition.edition_id} (due "
                    f"{item.due_on.isoformat()}): {deleted} internal file(s) deleted; its "
                    "figures kept as the members' version gives them"
                ),
            )
    return len(due)


# ---- what changed since ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionChanges:
    """What the records now give differently from `edition`: each changed figure with the
    records behind it (`figures`), and the records changed since that moved no figure."""

    edition: Edition
    figures: tuple[FigureAccount, ...]
    moving_nothing: tuple[ChangedRecord, ...]
    audience: Audience
    records_changed: int = 0

    @property
    def unchanged(self) -> bool:
        return not self.figures


def _value_text(value: Any) -> str:
    if value in (None, ""):
        return "blank"
    if isinstance(value, str) and value.startswith(HASH_PREFIX):
        return "(a personal value, not kept in the trail)"
    return str(value)


def _field_text(name: str, values: Any) -> str:
    if isinstance(values, list | tuple) and len(values) == 2:
        old, new = values
        return f"{name}: {_value_text(old)} -> {_value_text(new)}"
    return name


def _person(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.username
    return entry.actor_name or "system"


def records_changed_since(
    issued_at: dt.datetime,
) -> list[tuple[ChangedRecord, list[AuditEntry]]]:
    """The records written to since `issued_at`, each with its entries in the trail (oldest
    first), in the order each was first changed."""
    entries = (
        AuditEntry.objects.filter(at__gt=issued_at, action__in=RECORD_WRITES)
        .exclude(record_type__in=NOT_RECORDS)
        .select_related("actor")
        .order_by("at", "id")
    )
    grouped: dict[tuple[str, str], list[AuditEntry]] = {}
    for entry in entries:
        key = (entry.record_type, entry.record_id or f"#{entry.pk}")
        grouped.setdefault(key, []).append(entry)
    return [
        (
            ChangedRecord(
                record_type=raw[0].record_type,
                record_id=raw[0].record_id,
                child_id=next((e.child_id for e in raw if e.child_id), ""),
                entries=tuple(
                    RecordEntry(
                        action=entry.get_action_display(),
                        by=_person(entry),
                        at=entry.at,
                        fields=tuple(
                            _field_text(name, values)
                            for name, values in (entry.changes or {}).items()
                        ),
                        summary=entry.summary,
                    )
                    for entry in raw
                ),
            ),
            raw,
        )
        for raw in grouped.values()
    ]


def _report_json(edition: Edition, audience: Audience) -> dict[str, Any]:
    report: Report = report_build(
        period=Period(edition.start_on, edition.end_on),
        count_by=CountBy(edition.count_by),
        include_informal=edition.include_informal,
        generated_on=edition.generated_on,
    )
    return report_to_json(for_audience(report, audience))


def edition_changes(edition: Edition, *, by: User | None) -> EditionChanges:
    """Each figure that the records now give differently from `edition` (the same choices and
    production day, counted afresh), with the records that moved it: each record changed since
    the edition is put back as it was and the report counted again (reporting.attribution).
    Audited. A reader of the members' version sees the figures only (no ids), with no records."""
    audience = edition_audience_for(by, edition)
    if audience is Audience.INTERNAL:
        issued, now = edition.figures, _report_json(edition, Audience.INTERNAL)
    else:
        issued = _members_figures(edition.figures)
        now = _report_json(edition, Audience.MEMBERS)
    changes = figure_changes(issued, now)
    accounts: tuple[FigureAccount, ...] = tuple(FigureAccount(change) for change in changes)
    moving_nothing: tuple[ChangedRecord, ...] = ()
    changed = 0
    if audience is Audience.INTERNAL:
        records = records_changed_since(edition.issued_at)
        changed = len(records)
        found = attribute(
            changes,
            records,
            lambda: _report_json(edition, Audience.INTERNAL),
            flattened,
        )
        accounts = figure_accounts(changes, found.moved, found.not_undone)
        moving_nothing = records_moving_nothing(found.undone, accounts)
    audit_record(
        actor=by,
        action=AuditAction.VIEW,
        record_type="report edition",
        record_id=edition.edition_id,
        summary=f"Compared edition {edition.edition_id} with the records now",
    )
    return EditionChanges(
        edition=edition,
        figures=accounts,
        moving_nothing=moving_nothing,
        audience=audience,
        records_changed=changed,
    )


def record_line(record: ChangedRecord) -> list[str]:
    """A record as the changes list prints it: its name, then one line per entry in the trail
    (who, when, what)."""
    lines = []
    for entry in record.entries:
        at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"{record.name} {entry.describe(at)}")
    if record.kept:
        lines.append(
            f"  (left as now, the trail not holding its old value: {', '.join(record.kept)})"
        )
    if record.why_not:
        lines.append(f"  (not worked out: {record.why_not})")
    return lines


def _members_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """The issued internal figures as the members' JSON gives them: no ids or reasons."""
    hidden = {"child_id", "conference_id", "reason_recorded", "record_ids"}

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in hidden}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    stripped = strip(figures)
    stripped["audience"] = str(Audience.MEMBERS)
    return stripped
