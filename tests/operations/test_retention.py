"""Retention as the records see it: what is read as a child's dates (plans, conferences, checks,
the audit trail), what is deleted and what is kept, and `safeguard retention`. The rule itself
is tested with plain dates in tests/domain/test_retention.py."""

import datetime as dt

import pytest

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Child, Plan
from safeguard.cli import build_parser
from safeguard.escalations.models import Escalation
from safeguard.operations.retention import retention_apply, retention_candidates
from tests.factories import make_child, make_escalation, make_plan

D = dt.date


@pytest.mark.django_db
def test_candidates_and_deletion_leave_an_audit_entry_and_keep_the_escalation():
    old = make_child(child_id="OLD", date_of_birth=D(1980, 1, 1))
    make_plan(child=old, start_on=D(1990, 1, 1), end_on=D(1991, 1, 1))
    escalation = make_escalation(child=old)
    young = make_child(child_id="YOUNG", date_of_birth=D(2015, 1, 1))
    make_plan(child=young, start_on=D(2020, 1, 1), end_on=D(2021, 1, 1))
    open_case = make_child(child_id="OPEN", date_of_birth=D(1980, 1, 1))
    make_plan(child=open_case, start_on=D(1990, 1, 1))

    as_of = D(2026, 1, 1)
    assert [c.child_id for c in retention_candidates(as_of=as_of)] == ["OLD"]
    assert Child.objects.count() == 3  # listing deletes nothing

    result = retention_apply(as_of=as_of, by=None)
    assert (result.children, result.plans, result.escalations_unlinked) == (1, 1, 1)
    assert set(Child.objects.values_list("child_id", flat=True)) == {"YOUNG", "OPEN"}
    assert not Plan.objects.filter(child__child_id="OLD").exists()
    assert Escalation.objects.get(pk=escalation.pk).child is None
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert entry.child_id == "OLD" and "retention" in entry.summary
    assert retention_candidates(as_of=as_of) == []


@pytest.mark.django_db
def test_the_retention_period_is_a_setting(settings):
    make_child(child_id="C", date_of_birth=D(2000, 1, 1))
    settings.SAFEGUARD_RETENTION_YEARS = 5
    assert [c.child_id for c in retention_candidates(as_of=D(2023, 1, 1))] == ["C"]
    settings.SAFEGUARD_RETENTION_YEARS = 6
    assert retention_candidates(as_of=D(2023, 1, 1)) == []


def _alert(*, key: str, child_id: str = "", check=None):
    from django.utils import timezone

    from safeguard.notifications.models import Notification

    return Notification.objects.create(
        kind="alert",
        key=key,
        subject=f"Check on the plan of {child_id}",
        body="Amelia Testchild's visits are not on track; her brother Tom ...",
        created_at=timezone.now(),
        child_id=child_id,
        monitoring_check=check,
    )


@pytest.mark.django_db
def test_the_alert_emails_about_a_child_go_with_the_child():
    from safeguard.monitoring.models import MonitoringCheck
    from safeguard.notifications.models import Notification

    old = make_child(child_id="OLD", date_of_birth=D(1980, 1, 1))
    plan = make_plan(child=old, start_on=D(1990, 1, 1), end_on=D(1991, 1, 1))
    check = MonitoringCheck.objects.create(
        check_id="K1", plan=plan, kind="midway", completed_on=D(1990, 6, 1), outcome="concerns"
    )
    _alert(key="alert:K1", child_id="OLD", check=check)
    _alert(key="alert:K-no-id", check=check)  # linked by the check only
    kept = _alert(key="alert:K2", child_id="YOUNG")
    make_child(child_id="YOUNG", date_of_birth=D(2015, 1, 1))

    retention_apply(as_of=D(2026, 1, 1), by=None)
    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert "2 alert emails" in entry.summary


@pytest.mark.django_db
def test_a_child_with_no_dates_goes_the_retention_period_after_their_last_record():
    from safeguard.audit.services import audit_record

    make_child(child_id="UNDATED", date_of_birth=None)
    make_child(child_id="UNDATED-RECENT", date_of_birth=None)
    with time_machine_at(dt.datetime(1995, 3, 1, tzinfo=dt.UTC)):
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            record_type="child",
            record_id="UNDATED",
            child_id="UNDATED",
        )
    with time_machine_at(dt.datetime(2020, 3, 1, tzinfo=dt.UTC)):
        audit_record(
            actor=None,
            action=AuditAction.CHANGE,
            record_type="child",
            record_id="UNDATED-RECENT",
            child_id="UNDATED-RECENT",
        )
        audit_record(
            actor=None,
            action=AuditAction.VIEW,
            record_type="child",
            record_id="UNDATED",
            child_id="UNDATED",
        )  # a look is not a record

    due = {c.child_id: c.due_on for c in retention_candidates(as_of=D(2026, 1, 1))}
    assert due == {"UNDATED": D(2020, 3, 1)}
    retention_apply(as_of=D(2026, 1, 1), by=None)
    assert list(Child.objects.values_list("child_id", flat=True)) == ["UNDATED-RECENT"]


@pytest.mark.django_db
def test_an_undated_child_from_an_import_counts_from_the_latest_import():
    from safeguard.audit.services import audit_record

    make_child(child_id="IMPORTED", date_of_birth=None)
    with time_machine_at(dt.datetime(1999, 1, 1, tzinfo=dt.UTC)):
        audit_record(actor=None, action=AuditAction.IMPORT, record_type="bundle")
    assert [c.child_id for c in retention_candidates(as_of=D(2026, 1, 1))] == ["IMPORTED"]
    audit_record(actor=None, action=AuditAction.IMPORT, record_type="bundle")  # today
    assert retention_candidates(as_of=D(2026, 1, 1)) == []


@pytest.mark.django_db
def test_the_command_lists_on_a_dry_run_and_deletes_otherwise(capsys):
    make_child(child_id="OLD", date_of_birth=D(1970, 1, 1))
    assert _run("retention", "--dry-run") == 0
    assert "OLD" in capsys.readouterr().out
    assert Child.objects.filter(child_id="OLD").exists()
    assert _run("retention") == 0
    assert not Child.objects.filter(child_id="OLD").exists()


def _run(*argv):
    args = build_parser().parse_args(list(argv))
    return args.handler(args)


def time_machine_at(when: dt.datetime):
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=when)


@pytest.mark.django_db
def test_the_ssd_feeds_enquiries_visits_and_holdings_of_a_child_go_with_the_child():
    from safeguard.cases.models import Enquiry, Visit
    from safeguard.ssd.models import SsdHolding

    old = make_child(child_id="OLD", date_of_birth=D(1980, 1, 1))
    plan = make_plan(child=old, start_on=D(1990, 1, 1), end_on=D(1991, 1, 1))
    Enquiry.objects.create(enquiry_id="Q1", child=old, strategy_discussion_on=D(1989, 12, 1))
    Visit.objects.create(visit_id="V1", child=old, plan=plan, visited_on=D(1990, 2, 1))
    SsdHolding.objects.create(
        kind="plan", source_id=plan.plan_id, record_id=plan.plan_id, child_id="OLD", digest="x"
    )

    result = retention_apply(as_of=D(2026, 1, 1), by=None)

    assert result.children == 1
    assert not Enquiry.objects.exists() and not Visit.objects.exists()
    assert not SsdHolding.objects.exists()
