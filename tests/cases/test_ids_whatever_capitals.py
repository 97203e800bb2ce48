"""Ids are matched whatever their capitals, at every door (docs/decisions/0020): an id is
stored as it was first given, "c001" finds C001, and no second child may have an id that
differs from another's only in capitals (refused with a message, and by the database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from safeguard.audit.models import AuditAction
from safeguard.audit.selectors import audit_entries
from safeguard.audit.services import audit_record
from safeguard.cases.models import Child, Plan
from safeguard.cases.services import break_glass_open, child_create, enquiry_record, plan_create
from safeguard.census.services import ChildPks
from safeguard.cli import main
from safeguard.exchange.importer import bundle_import
from tests.bundles import child, conference, plan, write_bundle
from tests.factories import make_area, make_child, make_plan, make_user

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_child_whose_id_differs_only_in_capitals():
    make_child(child_id="C001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.create(child_id="c001")
    assert list(Child.objects.values_list("child_id", flat=True)) == ["C001"]


def test_adding_a_child_whose_id_differs_only_in_capitals_says_which_child_has_it():
    make_child(child_id="C001")
    with pytest.raises(ValidationError) as refused:
        child_create(child_id="c001", by=make_user("business_support"), given_name="Ann")
    assert refused.value.message_dict["child_id"] == [
        "A child with id C001 is already recorded: c001 is the same id, as ids are matched "
        "whatever their capitals"
    ]


def test_a_plan_or_enquiry_id_differing_only_in_capitals_is_refused():
    owner = make_child(child_id="C001")
    make_plan(child=owner, plan_id="P-ONE", start_on=dt.date(2022, 1, 10))
    with pytest.raises(ValidationError) as refused:
        plan_create(
            child=make_child(child_id="C002"),
            plan_id="p-one",
            start_on=dt.date(2022, 2, 1),
            by=make_user("business_support"),
        )
    assert "A plan with id P-ONE is already recorded" in refused.value.message_dict["plan_id"][0]
    enquiry = {
        "child": owner,
        "strategy_discussion_on": dt.date(2022, 1, 3),
        "by": make_user("business_support"),
        "today": dt.date(2022, 1, 5),
    }
    enquiry_record(enquiry_id="E-ONE", **enquiry)
    with pytest.raises(ValidationError) as refused:
        enquiry_record(enquiry_id="e-one", **enquiry)
    assert "An enquiry with id E-ONE is already recorded" in str(refused.value)


def test_an_import_refers_to_a_child_whatever_the_capitals_and_keeps_the_first_spelling(
    tmp_path,
):
    bundle = write_bundle(
        tmp_path / "bundle",
        children=[child("AB-1")],
        cp_plans=[plan("P1", "ab-1", "2022-01-10")],
        conferences=[conference("K1", "Ab-1", "initial", "2022-01-10")],
    )
    result = bundle_import(path=bundle, by=None)
    assert result.ok, result.problems
    assert Plan.objects.get().child.child_id == "AB-1"

    # A later bundle naming the child "ab-1" updates AB-1: no second child, the id unchanged.
    again = write_bundle(tmp_path / "again", children=[child("ab-1", family_name="Later")])
    assert bundle_import(path=again, by=None).ok
    assert list(Child.objects.values_list("child_id", "family_name")) == [("AB-1", "Later")]


def test_a_bundle_holding_two_children_whose_ids_differ_only_in_capitals_is_refused(tmp_path):
    bundle = write_bundle(tmp_path / "bundle", children=[child("AB-1"), child("ab-1")])
    result = bundle_import(path=bundle, by=None)
    assert [str(p) for p in result.problems] == [
        "children.csv:3: child_id: duplicate id 'ab-1': the same id as 'AB-1' on line 2, as "
        "ids are matched whatever their capitals"
    ]
    assert not Child.objects.exists()


def test_the_census_finds_a_child_whatever_the_capitals():
    pks = ChildPks([("AB-1", 7)])
    assert pks["ab-1"] == 7 and "Ab-1" in pks and pks.get("AB-1") == 7
    assert list(pks) == ["AB-1"]  # the stored spelling, for messages


def test_the_commands_child_option_finds_the_child_whatever_the_capitals(capsys):
    make_child(child_id="AB-1")
    assert main(["timeliness", "ab-1"]) == 0
    assert "AB-1" in capsys.readouterr().out


def test_the_audit_search_finds_a_child_whatever_the_capitals():
    audit_record(actor=None, action=AuditAction.VIEW, record_type="child", child_id="AB-1")
    audit_record(actor=None, action=AuditAction.VIEW, shown_ids=["XY-2", "AB-1"])
    assert audit_entries(child_id="ab-1").count() == 2


def test_break_glass_opens_a_child_whatever_the_capitals():
    outside = make_child(child_id="AB-1", area=make_area("Far"))
    chair = make_user("chair", areas=[make_area("Near")])
    chair.is_verified = lambda: True  # signed in with both factors, as on the page
    opened = break_glass_open(user=chair, child_id="ab-1", reason="Covering a colleague's case")
    assert opened == outside


@pytest.mark.django_db(transaction=True)
def test_the_migration_refuses_a_database_holding_ids_that_differ_only_in_capitals():
    executor = MigrationExecutor(connection)
    before = [("cases", "0005_v2_enquiries_visits_population_family")]
    executor.migrate(before)
    OldChild = executor.loader.project_state(before).apps.get_model("cases", "Child")
    OldChild.objects.create(child_id="AB-1")
    OldChild.objects.create(child_id="ab-1")
    try:
        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError, match="differ only in capitals: AB-1 and ab-1"):
            executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        OldChild.objects.filter(child_id="ab-1").delete()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Child.objects.values_list("child_id", flat=True)) == ["AB-1"]


def test_the_ssd_updates_a_child_recorded_by_hand_under_other_capitals():
    from safeguard.ssd.services import ssd_import
    from tests.ssd.test_ssd_import import SAMPLE, TODAY

    make_child(child_id="ch000001")
    result = ssd_import(path=SAMPLE, by=None, today=TODAY)
    assert result.ok, result.problems[:3]
    assert Child.objects.count() == 127  # the sample's children, none twice
    assert Plan.objects.filter(plan_id="P000001", child__child_id="ch000001").exists()
