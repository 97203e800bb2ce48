"""PostgreSQL only: leave a third of each page of conferences free.

A timeliness recompute rewrites a column of many conferences at once. With full pages (as an
import leaves them) every rewritten row moves to another page and gets a new entry in each of
the table's indexes; with room on its own page, PostgreSQL updates it in place (a "HOT" update)
when no indexed column changed. Measured on 88,510 conferences: 5.2-6.4 s to 2.0-3.2 s per
100,000 (docs/benchmarks.md). The setting applies to pages written after it; operators upgrading
an existing database may run `VACUUM FULL conferences_conference` once (docs/operations.md).
SQLite has no such setting.
"""

from django.db import migrations

FILLFACTOR = 70


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE conferences_conference SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE conferences_conference RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("conferences", "0003_rulesetting")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
