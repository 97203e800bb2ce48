"""On PostgreSQL, a child's plans cannot overlap: an exclusion constraint over each child's
plan dates (btree_gist, a plan running from its start up to, not including, its end), deferred
to commit so that an import may move two plans' dates past each other. SQLite has no such
constraint; there the rule book (R112) checked by every door keeps plans apart."""

from django.db import migrations

CONSTRAINT = "cases_plan_no_overlap"

OVERLAPS = """
SELECT a.plan_id, b.plan_id FROM cases_plan a JOIN cases_plan b
  ON a.child_id = b.child_id AND a.id < b.id
 AND daterange(a.start_on, a.end_on, '[)') && daterange(b.start_on, b.end_on, '[)')
 ORDER BY 1, 2 LIMIT 20
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        pairs = cursor.fetchall()
        if pairs:
            listed = ", ".join(f"{a} and {b}" for a, b in pairs)
            raise RuntimeError(
                "Plans of one child overlap, so the database cannot be made to refuse overlaps "
                f"until they are mended: {listed}. Correct their dates (safeguard check lists "
                "them under R112) and migrate again."
            )
        cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        cursor.execute(
            f"ALTER TABLE cases_plan ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
            "(child_id WITH =, daterange(start_on, end_on, '[)') WITH &&) "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE cases_plan DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_allocation")]

    operations = [migrations.RunPython(forwards, backwards)]
