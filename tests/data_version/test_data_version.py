"""The data version moves with every write to the records, whatever the path (the ORM, the bulk
writers, an import, a census import), in the writer's own transaction; and it stays put for what
is not records (users, audit entries), so kept reports stay useful."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models.signals import post_save

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Child, Plan
from safeguard.census.importer import census_import
from safeguard.census.models import CinEpisode
from safeguard.conferences.models import Chair, Conference, Meeting, RuleSetting
from safeguard.data_version.models import DataVersion
from safeguard.data_version.selectors import data_version_current
from safeguard.data_version.services import data_version_bump
from safeguard.data_version.signals import record_models
from safeguard.escalations.models import Escalation, SeniorLiaisonOfficer
from safeguard.exchange.importer import bundle_import
from safeguard.monitoring.models import MonitoringCheck
from safeguard.storage import rows_insert, rows_update, versioned_save
from tests.bundles import child, write_bundle
from tests.census.standards import *  # noqa: F403
from tests.factories import make_area, make_child, make_user

pytestmark = pytest.mark.django_db


class Moves:
    """`with Moves():` fails unless the data version differs at the end."""

    def __enter__(self):
        self.before = data_version_current()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert data_version_current() != self.before, "the data version did not move"


def test_every_record_model_is_followed_and_users_and_audit_are_not():
    followed = set(record_models())
    for model in (
        Child,
        Plan,
        Meeting,
        Conference,
        Chair,
        RuleSetting,
        MonitoringCheck,
        Escalation,
        SeniorLiaisonOfficer,
        SeniorLiaisonOfficer.areas.through,
        CinEpisode,
    ):
        assert model in followed, model
        assert post_save.has_listeners(model), model
    labels = {model._meta.app_label for model in followed}
    assert not labels & {"accounts", "audit", "sessions", "otp_totp", "axes"}


def test_a_save_a_delete_and_a_many_to_many_change_each_move_the_version():
    with Moves():
        child = make_child(child_id="C1")
    with Moves():
        child.given_name = "Changed"
        child.save()
    officer = SeniorLiaisonOfficer.objects.create(name="Officer", email="o@example.org")
    with Moves():
        officer.areas.add(make_area("North"))
    with Moves():
        Child.objects.filter(pk=child.pk).delete()  # a queryset's delete sends the signals too


def test_the_bulk_writers_move_the_version():
    with Moves():
        rows_insert(Child, [{"child_id": "BULK-1"}, {"child_id": "BULK-2"}])
    pks = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    with Moves():
        rows_update(Child, ["given_name"], [(pk, "Bulk") for pk in pks])
    child = Child.objects.get(child_id="BULK-1")
    with Moves():
        versioned_save(child, expected_version=child.version, values={"family_name": "Saved"})


def test_an_import_moves_the_version_and_a_refused_or_dry_run_one_does_not(tmp_path):
    good = write_bundle(tmp_path / "good", children=[child("C1"), child("C2")])
    before = data_version_current()
    assert bundle_import(path=good, by=None, dry_run=True).ok
    assert data_version_current() == before

    with Moves():
        assert bundle_import(path=good, by=None).ok

    before = data_version_current()
    broken = write_bundle(tmp_path / "broken", children=[child("C3", date_of_birth="2015-13-01")])
    assert not bundle_import(path=broken, by=None).ok
    assert data_version_current() == before


def test_a_census_import_moves_the_version(example_census):
    with Moves():
        assert census_import(path=example_census, by=None).result.ok


def test_users_and_audit_entries_leave_the_version_alone():
    before = data_version_current()
    user = make_user("manager", username="not-a-record")
    audit_record(actor=user, action=AuditAction.DOWNLOAD, record_type="report", summary="read")
    assert data_version_current() == before


def test_a_write_that_is_rolled_back_leaves_the_version_as_it_was():
    before = data_version_current()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_child(child_id="GONE")
        raise RuntimeError
    assert data_version_current() == before


def test_an_emptied_version_table_still_moves_on_the_next_write():
    DataVersion.objects.all().delete()  # as a test database's flush leaves it
    with Moves():
        make_child(child_id="AFTER-FLUSH")
    with Moves():
        data_version_bump()


@pytest.mark.postgresql  # SQLite has one writer at a time anyway
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_writing_transactions_do_not_wait_for_each_other():
    before = data_version_current()
    failures: list[BaseException] = []

    def other_writer() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                make_child(child_id="OTHER", date_of_birth=dt.date(2016, 1, 1))
        except BaseException as error:  # noqa: BLE001 - reported to the test's thread
            failures.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        make_child(child_id="FIRST")  # holds a slot until this transaction ends
        for _ in range(50):
            data_version_bump()  # later bumps in the same transaction write nothing more
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(timeout=30)
    assert not failures, failures
    assert data_version_current() != before
    assert DataVersion.objects.count() == 2  # the other writer took a slot of its own
    assert Child.objects.filter(child_id__in=["FIRST", "OTHER"]).count() == 2
