"""Child ids are matched whatever their capitals (docs/decisions/0020-ids-whatever-their-capitals.md):
a unique index on the lower-cased id. A database that already holds two children whose ids
differ only in capitals is refused, untouched, with the ids to correct first."""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_ids_differing_only_in_capitals(apps, schema_editor):
    Child = apps.get_model("cases", "Child")
    folded = (
        Child.objects.annotate(folded=Lower("child_id"))
        .values("folded")
        .annotate(children=Count("pk"))
        .filter(children__gt=1)
        .values_list("folded", flat=True)
    )
    clashes = []
    for id_folded in folded[:20]:
        ids = Child.objects.annotate(folded=Lower("child_id")).filter(folded=id_folded)
        clashes.append(" and ".join(sorted(ids.values_list("child_id", flat=True))))
    if clashes:
        raise RuntimeError(
            "Child ids are now matched whatever their capitals, and these children have ids "
            f"that differ only in capitals: {'; '.join(clashes)}. Nothing was changed. With the "
            "version you upgraded from, correct one id of each pair (a service manager's "
            "'Correct the child's id' on the child's page), then upgrade again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_v2_enquiries_visits_population_family"),
    ]

    operations = [
        migrations.RunPython(refuse_ids_differing_only_in_capitals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="child",
            constraint=models.UniqueConstraint(
                Lower("child_id"),
                name="child_id_unique_whatever_capitals",
                violation_error_message="A child with this id is already recorded",
            ),
        ),
    ]
