"""Issue 17, item 3: records written straight into the database, before any rule, with hostile
ids and texts (slashes, spaces, `%`, `?`, `#`, markup, quotes, dots, other scripts, empty, the
longest the columns hold) never break a page: every GET page of the URL map answers without a
server error for every role, and a manager opens each record's own page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguard.accounts.access import AREA_SCOPED_ROLES
from safeguard.accounts.models import Role
from safeguard.cases.models import Area, Child, Plan
from safeguard.conferences.models import Conference, Invitation, Meeting
from safeguard.escalations.models import Escalation, OrganisationType
from safeguard.monitoring.models import MonitoringCheck
from tests.factories import make_user, sign_in

from .urlmap import ANONYMOUS, ROLES, SAMPLE_AREA, all_routes, make_url_samples, url_for

# What older imports and direct loads let through. NUL is left out: PostgreSQL cannot store it.
HOSTILE_CHARACTERS = st.one_of(
    st.sampled_from(list("/ %?#&<>\"'.~\\;:=+@!*()[]{}|^`$,\t\n")),
    st.sampled_from(
        ["<b>", "</b>", "<script>", "..", "%2F", "~2F", "{{", "{%", "ü", "ß", "漢", "😀"]
    ),
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
)
HOSTILE_IDS = st.lists(HOSTILE_CHARACTERS, max_size=24).map("".join).map(lambda s: s[:64])
HOSTILE_TEXTS = st.lists(HOSTILE_CHARACTERS, max_size=30).map("".join).map(lambda s: s[:100])
KNOWN_IDS = st.sampled_from(["", ".", "..", "C 9/1<b>x</b>", "a/b/", "x" * 64, "50%", "?q=1#f"])


ID_KEYS = ("child_id", "plan_id", "reference", "conference_id", "check_id", "escalation_id")


@st.composite
def hostile_records(draw) -> dict[str, str]:
    """Ids for a child, plan, meeting, conference, check and escalation, and a text."""
    ids = st.one_of(KNOWN_IDS, HOSTILE_IDS)
    return {**{key: draw(ids) for key in ID_KEYS}, "text": draw(HOSTILE_TEXTS)}


def _write(records: dict[str, str], area: Area) -> dict[str, str]:
    """The records, written as a direct database load would: no form, no service, no rule."""
    text = records["text"]
    child = Child.objects.create(
        child_id=records["child_id"],
        given_name=text,
        family_name=text,
        date_of_birth=dt.date(2015, 6, 14),
        area=area,
    )
    plan = Plan.objects.create(
        plan_id=records["plan_id"], child=child, start_on=dt.date(2022, 1, 10)
    )
    meeting = Meeting.objects.create(reference=records["reference"], held_on=dt.date(2022, 1, 10))
    conference = Conference.objects.create(
        conference_id=records["conference_id"],
        child=child,
        meeting=meeting,
        kind="initial",
        held_on=meeting.held_on,
        outcome="plan",
    )
    agency = OrganisationType.objects.get_or_create(name="Hostile agency")[0]
    invitation = Invitation.objects.create(
        meeting=meeting, organisation_type=agency, organisation_name=text
    )
    MonitoringCheck.objects.create(
        check_id=records["check_id"],
        plan=plan,
        kind="midway",
        completed_on=dt.date(2022, 3, 1),
        outcome="on_track",
        concern=text,
    )
    Escalation.objects.create(
        escalation_id=records["escalation_id"],
        raised_on=dt.date(2022, 3, 1),
        organisation_type=agency,
        organisation_name=text,
        area=area,
        reason="no_report_no_apologies",
        conference=conference,
        child=child,
    )
    return {
        "child_id": child.child_id,
        "plan_id": plan.plan_id,
        "reference": meeting.reference,
        "conference_id": conference.conference_id,
        "escalation_id": records["escalation_id"],
        "invitation_id": str(invitation.pk),
    }


def _extra_query(route_name: str, records: dict[str, str]) -> dict[str, str]:
    """Pages that read a query: given the hostile text too."""
    return {
        "cases:child-list": {"q": records["child_id"] or records["text"] or "x"},
        "audit:search": {"child_id": records["child_id"]},
        "escalations:raise": {"child": records["child_id"]},
        "conferences:meeting-record": {"children": records["child_id"]},
    }.get(route_name, {})


@pytest.mark.django_db
def test_every_page_answers_records_with_hostile_ids_and_texts_for_every_role():
    samples = make_url_samples()
    area = Area.objects.get(name=SAMPLE_AREA)
    clients: dict[str, Client] = {ANONYMOUS: Client()}
    for role in ROLES:
        if role == ANONYMOUS:
            continue
        areas = [area] if role in AREA_SCOPED_ROLES else []
        clients[role] = sign_in(Client(), make_user(role, areas=areas))
    routes = all_routes()

    # Bounded to run in well under half a minute: each example GETs every page for every role.
    @given(records=hostile_records())
    @example(records={**dict.fromkeys(ID_KEYS, "C 9/1<b>x</b>"), "text": "<script>'\"&"})
    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def every_page_answers(records: dict[str, str]) -> None:
        with transaction.atomic():
            here = {**samples, **_write(records, area)}
            failures = []
            for route in routes:
                url = url_for(route, here)
                for role, client in clients.items():
                    status = client.get(url, _extra_query(route.name, records)).status_code
                    if status >= 500:
                        failures.append(f"{role} GET {url}: {status}")
            manager = clients[Role.MANAGER]
            for name, key in [
                ("cases:child-detail", "child_id"),
                ("conferences:meeting-detail", "reference"),
                ("escalations:detail", "escalation_id"),
            ]:
                response = manager.get(reverse(name, args=[here[key]]))
                if response.status_code != 200:
                    failures.append(f"manager {name} {here[key]!r}: {response.status_code}")
            transaction.set_rollback(True)
        assert not failures, failures

    every_page_answers()
