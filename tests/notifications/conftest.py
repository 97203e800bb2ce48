from __future__ import annotations

import datetime as dt

import pytest

from safeguard.escalations.models import SeniorLiaisonOfficer
from tests.factories import (  # noqa: F401 (signed_in_client is a fixture)
    make_area,
    make_child,
    make_escalation,
    make_organisation_type,
    signed_in_client,
)

from .outbox import smtp_server  # noqa: F401 (a fixture)

CHILD_GIVEN, CHILD_FAMILY = "Philomena", "Quartermaine"


def make_officer(name, *, types, areas, unassigned=False, cover_name="", email=None, user=None):
    officer = SeniorLiaisonOfficer.objects.create(
        name=name,
        email=email or f"{name.split()[-1].lower()}@agency.example.org",
        cover_name=cover_name,
        covers_unassigned_areas=unassigned,
        user=user,
    )
    officer.organisation_types.set(types)
    officer.areas.set(areas)
    return officer


@pytest.fixture
def small_authority(db):
    """Two areas, two agencies, three officers whose covers partition them, and the quarter's
    formal escalations (plus ones that no digest may count: informal, or another quarter)."""
    north, south = make_area("North"), make_area("South")
    gp, police = make_organisation_type("GP's"), make_organisation_type("PPU")
    child = make_child(child_id="C-Q3-1", given_name=CHILD_GIVEN, family_name=CHILD_FAMILY)
    officers = {
        "raman": make_officer(
            "Priya Raman", types=[gp], areas=[north], cover_name="North (Health)"
        ),
        "hollis": make_officer(
            "Janet Hollis", types=[gp], areas=[south], unassigned=True, cover_name="South (Health)"
        ),
        "whitaker": make_officer(
            "Tom Whitaker", types=[police], areas=[north, south], unassigned=True
        ),
    }

    def escalation(escalation_id, on, organisation_type, area, **fields):
        return make_escalation(
            escalation_id=escalation_id,
            raised_on=on,
            organisation_type=organisation_type,
            area=area,
            child=child,
            **fields,
        )

    q3 = [
        escalation("E1", dt.date(2022, 7, 4), gp, north, reason="no_report_no_apologies",
                   organisation_name="Riverside Medical Practice", stage=1,
                   resolved_on=dt.date(2022, 7, 20)),
        escalation("E2", dt.date(2022, 8, 15), gp, north, reason="no_report", stage=2),
        escalation("E3", dt.date(2022, 9, 30), gp, south, reason="no_report_no_apologies"),
        escalation("E4", dt.date(2022, 7, 1), gp, None, reason="late_report"),
        escalation("E5", dt.date(2022, 8, 2), police, south, reason="non_attendance"),
    ]  # fmt: skip
    escalation("E6", dt.date(2022, 8, 3), gp, north, formal=False)
    escalation("E7", dt.date(2022, 6, 30), gp, north)
    escalation("E8", dt.date(2022, 10, 1), police, north)
    return {"officers": officers, "q3": q3, "child": child, "areas": (north, south)}
