"""Acceptance: the demo authority's Senior Liaison Officers cover its organisation types and
areas, and their digests of 2022Q3, written as .eml files, add up to the report's July-September
escalations. The demo import takes a while, so it is done once for the module."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import pytest

from safeguard.cases.models import Allocation, Area, Child, Plan
from safeguard.demo.liaison_officers import demo_liaison_officers_ensure
from safeguard.domain.periods import Period
from safeguard.escalations.models import Escalation, OrganisationType, SeniorLiaisonOfficer
from safeguard.notifications.digests import digests_issue
from safeguard.notifications.outbox import Delivery
from safeguard.notifications.quarters import Quarter
from safeguard.notifications.selectors import liaison_cover_check
from safeguard.reporting.selectors import report_build

Q3 = Quarter(2022, 3)
SEED_Q3_ESCALATIONS = 5 + 9 + 8  # the seed's July, August and September 2022


@pytest.fixture(scope="module")
def demo_authority(django_db_setup, django_db_blocker, tmp_path_factory):
    from safeguard.demo.authority import write_demo_bundle
    from safeguard.exchange.importer import bundle_import
    from tests.factories import database_emptied_after_module

    folder = tmp_path_factory.mktemp("demo")
    write_demo_bundle(folder)
    with django_db_blocker.unblock():
        result = bundle_import(path=folder, by=None)
        assert result.ok, [str(p) for p in result.problems[:5]]
        demo_liaison_officers_ensure()
        yield
        database_emptied_after_module()


pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_officers_cover_every_organisation_type_in_every_area(demo_authority):
    covered = {
        (t, a)
        for officer in SeniorLiaisonOfficer.objects.all()
        for t in officer.organisation_types.values_list("name", flat=True)
        for a in officer.areas.values_list("name", flat=True)
    }
    every = {
        (t, a)
        for t in OrganisationType.objects.values_list("name", flat=True)
        for a in Area.objects.values_list("name", flat=True)
    }
    assert covered == every
    assert SeniorLiaisonOfficer.objects.count() == 5


def test_ensuring_the_officers_again_changes_nothing(demo_authority):
    before = list(SeniorLiaisonOfficer.objects.values_list("pk", "name", "email"))
    demo_liaison_officers_ensure()
    assert list(SeniorLiaisonOfficer.objects.values_list("pk", "name", "email")) == before


def test_the_2022q3_digests_are_written_one_per_officer_and_add_up_to_the_report(
    demo_authority, tmp_path
):
    outcomes = digests_issue(quarter=Q3, send=False, out_dir=tmp_path, by=None)
    report = report_build(period=Period(Q3.start_on, Q3.end_on), generated_on=dt.date(2022, 10, 3))

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == len(outcomes) == SeniorLiaisonOfficer.objects.count()
    assert {o.path for o in outcomes} == set(files)
    assert {o.delivery for o in outcomes} == {Delivery.WRITTEN}
    totals = {path: _total_in(path) for path in files}
    assert sum(totals.values()) == report.escalations_total == SEED_Q3_ESCALATIONS
    assert sum(o.total for o in outcomes) == SEED_Q3_ESCALATIONS
    assert liaison_cover_check(quarter=Q3).partitioned


def _total_in(path: Path) -> int:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith(
        "Child protection conference escalations, July-September 2022: "
    )
    body = message.get_content()
    listed = len(re.findall(r"^  \d{1,2} [A-Z][a-z]{2} 2022 +E", body, flags=re.M))
    match = re.search(r"^  Total +(\d+)$", body, flags=re.M)
    assert (int(match[1]) if match else 0) == listed
    return listed


def test_no_digest_names_a_child_of_the_quarters_escalations(demo_authority, tmp_path):
    digests_issue(quarter=Q3, send=False, out_dir=tmp_path, by=None)
    text = "\n".join(p.read_text() for p in tmp_path.glob("*.eml"))
    children = Child.objects.filter(
        pk__in=Escalation.objects.filter(
            raised_on__gte=Q3.start_on, raised_on__lte=Q3.end_on
        ).values("child")
    )
    names = {n for c in children for n in (c.given_name, c.family_name) if n}
    assert names
    found = {n for n in names if re.search(rf"\b{re.escape(n)}\b", text)}
    assert not found
    assert not any(c.child_id in text for c in children)


def test_every_plan_open_at_the_period_end_has_its_three_workers_allocated(demo_authority):
    day = dt.date(2022, 9, 30)
    open_plans = Plan.objects.filter(start_on__lte=day).exclude(end_on__lte=day)
    for plan in open_plans.select_related("child")[:200]:
        roles = set(
            Allocation.objects.filter(child=plan.child, from_on__lte=day)
            .exclude(to_on__lt=day)
            .exclude(email="")
            .values_list("role", flat=True)
        )
        assert roles == {"social_worker", "practice_supervisor", "team_manager"}, plan.plan_id
