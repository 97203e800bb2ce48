"""The Notification model moved to the notifications app (issue 22). Only Django's idea of the
models changes: the table escalations_notification stays where it is, with every row in it
(safeguard.notifications.migrations.0001_initial takes it over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0002_liaison_officers_and_notifications"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
