import secrets

from django.db import migrations, models


def first_slot(apps, schema_editor):
    # A random first value: a database migrated from before the data version never shares one
    # with another.
    apps.get_model("data_version", "DataVersion").objects.create(token=secrets.token_hex(16))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=32)),
                ('changed_in', models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                'db_table': 'safeguard_data_version',
            },
        ),
        migrations.RunPython(first_slot, migrations.RunPython.noop),
    ]
