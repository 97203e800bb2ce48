"""`digests_issue`: each quarter, to each Senior Liaison Officer, the formal escalations raised
within their cover (once per quarter and officer, however often it runs)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.utils import timezone
from django.utils.text import slugify

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.escalations.models import SeniorLiaisonOfficer

from .emails import digest_message
from .models import NotificationKind
from .outbox import Delivery, send_once
from .quarters import Quarter
from .selectors import agency_reports_in_cover, digest_build

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestOutcome:
    officer: str
    subject: str
    total: int
    delivery: Delivery
    recipients: tuple[str, ...]
    path: Path | None = None
    sent_at: dt.datetime | None = None
    error: str = ""  # why it FAILED


def _digest_failed(
    *, officer: SeniorLiaisonOfficer, quarter: Quarter, error: Exception, by: Any | None
) -> DigestOutcome:
    """Record that `officer`'s digest could not be written or sent; the run goes on to the next
    officer, and a later run sends it (nothing was marked as sent)."""
    log.warning("digest %s for officer %s failed", quarter, officer.pk, exc_info=True)
    reason = " ".join(f"{type(error).__name__}: {error}".split())
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="notification",
        record_id=digest_key(quarter=quarter, officer=officer),
        summary=f"Could not issue the escalation digest of {quarter} for officer "
        f"{officer.pk}: {reason}",
    )
    return DigestOutcome(officer.name, "", 0, Delivery.FAILED, (officer.email,), error=reason[:300])


def digest_key(*, quarter: Quarter, officer: SeniorLiaisonOfficer) -> str:
    return f"digest:{quarter}:{officer.pk}"


def digests_issue(
    *,
    quarter: Quarter,
    send: bool,
    out_dir: Path | None = None,
    by: Any | None,
    as_of: dt.date | None = None,
) -> list[DigestOutcome]:
    """Each Senior Liaison Officer's digest of `quarter`, one per officer.

    Without `send`, writes each as an .eml file into `out_dir` for review (nothing is marked as
    sent). With it, sends those not sent before; a quarter is sent only once it has ended."""
    as_of = as_of or timezone.localdate()
    if send and quarter.end_on >= as_of:
        raise ValidationError(
            f"{quarter} ({quarter.label}) has not ended yet; its digests can be sent from "
            f"{quarter.end_on + dt.timedelta(days=1):%d/%m/%Y}"
        )
    if not send:
        if out_dir is None:
            raise ValidationError("Say where to write the digests for review")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
    officers = SeniorLiaisonOfficer.objects.prefetch_related("organisation_types", "areas")
    outcomes: list[DigestOutcome] = []
    used_names: set[str] = set()
    connection = get_connection() if send else None
    for officer in officers:
        try:
            outcomes.append(
                _digest_issue_one(
                    officer=officer,
                    quarter=quarter,
                    send=send,
                    out_dir=out_dir,
                    used_names=used_names,
                    connection=connection,
                    by=by,
                    as_of=as_of,
                )
            )
        except Exception as error:  # noqa: BLE001 - one officer's failure must not stop the rest
            outcomes.append(_digest_failed(officer=officer, quarter=quarter, error=error, by=by))
    written = [o for o in outcomes if o.delivery is Delivery.WRITTEN]
    if not send and written:
        audit_record(
            actor=by,
            action=AuditAction.EXPORT,
            record_type="digests",
            record_id=str(quarter),
            summary=f"Wrote {len(written)} escalation digests of {quarter} for review to {out_dir}",
        )
    return outcomes


def _digest_issue_one(
    *,
    officer: SeniorLiaisonOfficer,
    quarter: Quarter,
    send: bool,
    out_dir: Path | None,
    used_names: set[str],
    connection: Any,
    by: Any | None,
    as_of: dt.date | None = None,
) -> DigestOutcome:
    """One officer's digest, written for review or sent (digests_issue)."""
    digest = digest_build(officer=officer, quarter=quarter)
    if as_of is not None:  # the reports as they stand on the day the digest goes out
        digest = replace(
            digest,
            reports=agency_reports_in_cover(officer=officer, as_of=as_of),
            reports_as_of=as_of,
        )
    message = digest_message(digest=digest)
    if not send:
        assert out_dir is not None, "digests_issue gives a folder whenever it does not send"
        name = f"digest-{quarter}-{slugify(officer.name) or officer.pk}"
        if name in used_names:
            name = f"{name}-{officer.pk}"
        used_names.add(name)
        path = out_dir / f"{name}.eml"
        path.write_bytes(message.message().as_bytes())
        return DigestOutcome(
            officer.name, digest.subject, digest.total, Delivery.WRITTEN,
            tuple(message.to), path=path,
        )  # fmt: skip
    notification, delivery = send_once(
        key=digest_key(quarter=quarter, officer=officer),
        kind=NotificationKind.DIGEST,
        message=message,
        by=by,
        connection=connection,
        officer=officer,
    )
    return DigestOutcome(
        officer.name, notification.subject, digest.total, delivery,
        tuple(notification.recipients), sent_at=notification.sent_at,
    )  # fmt: skip
