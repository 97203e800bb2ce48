"""The demo authority's Senior Liaison Officers, and its chairs' example.org addresses, so that
its digests and reminders have somebody to go to.

Only `safeguard.demo.services.demo_load` calls this, after the demo bundle's import."""

from __future__ import annotations

from django.utils.text import slugify

from safeguard.cases.models import Area
from safeguard.conferences.models import Chair
from safeguard.escalations.models import OrganisationType
from safeguard.escalations.services import liaison_officer_record

_HEALTH = ("GP's", "Health Visitor", "We Are With You")
_CARE = ("Social Workers / Practice Supervisors", "Housing Officer", "Other / Misc. Workers")
DEMO_LIAISON_OFFICERS = (
    # name, email, cover name, organisation types, areas, covers escalations with no area
    ("Dr Priya Raman", "priya.raman@health.example.org", "North and East (Health)",
     _HEALTH, ("North", "East"), False),
    ("Janet Hollis", "janet.hollis@health.example.org", "South, West and Central (Health)",
     _HEALTH, ("South", "West", "Central"), True),
    ("Mark Feeney", "mark.feeney@education.example.org", "All areas (Education)",
     ("Education (Nurseries, Schools etc)",), None, True),
    ("Susan Adebayo", "susan.adebayo@council.example.org",
     "All areas (Social care, housing and other agencies)", _CARE, None, True),
    ("DS Tom Whitaker", "tom.whitaker@police.example.org", "All areas (Police and probation)",
     ("PPU", "Probation"), None, True),
)  # fmt: skip
"""The demo authority's officers: between them they cover each organisation type in each area
(and escalations without an area) exactly once, so their digests add up to the report."""


def demo_liaison_officers_ensure() -> list[str]:
    """Give the demo authority its Senior Liaison Officers (after the demo bundle's import), and
    its chairs example.org addresses for their reminders (the bundle names chairs only)."""
    every_area = list(Area.objects.values_list("name", flat=True))
    lines = []
    for chair in Chair.objects.filter(email=""):
        chair.email = f"{slugify(chair.name).replace('-', '.')}@example.org"
        chair.save(update_fields=["email"])
    for name, email, cover_name, types, areas, unassigned in DEMO_LIAISON_OFFICERS:
        for type_name in types:
            OrganisationType.objects.get_or_create(name=type_name)
        for area_name in areas or ():
            Area.objects.get_or_create(name=area_name)
        liaison_officer_record(
            name=name,
            email=email,
            cover_name=cover_name,
            organisation_types=types,
            areas=areas if areas is not None else every_area,
            covers_unassigned_areas=unassigned,
            by=None,
        )
        lines.append(f"  Senior Liaison Officer {name}: {cover_name}")
    return lines
