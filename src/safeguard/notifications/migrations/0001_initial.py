"""The Notification model, moved here from the escalations app (issue 22) without moving a row:
the state takes over the table escalations_notification as it is (db_table), and Django's
content type for the model is relabelled, so a database migrated from the old layout ends up as
one made new."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_type_relabel(from_label: str, to_label: str):
    def relabel(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        if not content_type.objects.using(db).filter(app_label=to_label, model="notification").exists():
            content_type.objects.using(db).filter(
                app_label=from_label, model="notification"
            ).update(app_label=to_label)

    return relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("conferences", "0003_rulesetting"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("escalations", "0002_liaison_officers_and_notifications"),
        ("monitoring", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("digest", "Escalations digest"), ("alert", "Alert after a chair's check"), ("reminder", "Reminder to a chair")], max_length=10)),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("subject", models.CharField(max_length=300)),
                        ("recipients", models.JSONField(blank=True, default=list)),
                        ("body", models.TextField()),
                        ("created_at", models.DateTimeField()),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("note", models.CharField(blank=True, max_length=500)),
                        ("child_id", models.CharField(blank=True, max_length=64)),
                        ("chair", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="conferences.chair")),
                        ("monitoring_check", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="notifications", to="monitoring.monitoringcheck")),
                        ("sent_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("officer", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="notifications", to="escalations.seniorliaisonofficer")),
                    ],
                    options={
                        "db_table": "escalations_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["kind", "created_at"], name="escalations_kind_257a93_idx")],
                        "constraints": [models.CheckConstraint(condition=models.Q(("kind__in", ["digest", "alert", "reminder"])), name="notification_kind_known")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            _content_type_relabel("escalations", "notifications"),
            _content_type_relabel("notifications", "escalations"),
        ),
    ]
