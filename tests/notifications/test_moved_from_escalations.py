"""The emails sent were recorded by the escalations app before issue 22 moved them here: a
database migrated from that layout keeps every row, and Django's content type follows the model."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeguard.notifications.models import Notification

LAST_OLD = ("escalations", "0002_liaison_officers_and_notifications")


@pytest.mark.django_db(transaction=True)
def test_an_email_recorded_by_the_escalations_app_is_kept_by_the_notifications_app():
    executor = MigrationExecutor(connection)
    executor.migrate([LAST_OLD, ("notifications", None)])
    old_apps = executor.loader.project_state([LAST_OLD]).apps
    old_apps.get_model("escalations", "Notification").objects.create(
        kind="alert",
        key="alert:MC1",
        subject="Concerns after the midway check: child C1",
        body="...",
        created_at=dt.datetime(2022, 9, 5, tzinfo=dt.UTC),
        child_id="C1",
    )
    ContentType.objects.filter(app_label="notifications", model="notification").delete()
    ContentType.objects.get_or_create(app_label="escalations", model="notification")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    kept = Notification.objects.get()
    assert (kept.key, kept.child_id, kept.sent_at) == ("alert:MC1", "C1", None)
    assert Notification._meta.db_table == "escalations_notification"
    assert ContentType.objects.get_for_model(Notification).app_label == "notifications"
    assert not ContentType.objects.filter(app_label="escalations", model="notification").exists()
