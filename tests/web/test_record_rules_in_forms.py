"""The rule book at the forms' door (docs/record-rules.md): an impossible value is refused
beside its field; an unusual record is shown and asked once to confirm, and who confirmed it is
audited; a late conference cannot be saved without its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditEntry
from safeguard.cases.models import Child, Plan
from safeguard.conferences.models import Conference
from tests.cases.test_views import child_form
from tests.conferences.test_views import conference_form, date_fields
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db


def test_an_impossible_child_is_refused_at_its_fields(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # The id is checked by the form itself first, in the words a person needs (R101's rule).
    page = client.post(
        "/children/add/",
        child_form(child_id="C 9/1<b>x</b>", **date_fields("date_of_birth", tomorrow)),
    ).content.decode()
    assert 'id="id_child_id-error"' in page and "Enter a child id using only letters" in page
    assert "<b>x</b>" not in page  # the refused id is shown escaped

    page = client.post(
        "/children/add/",
        child_form(child_id="C-91", ethnicity="ZZZZ", **date_fields("date_of_birth", tomorrow)),
    ).content.decode()
    assert 'id="id_ethnicity-error"' in page and "R102" in page
    assert 'id="id_date_of_birth-error"' in page and "R104" in page
    assert not Child.objects.exists()


def test_an_unusual_child_is_asked_once_and_who_confirmed_is_recorded(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    last_week = timezone.localdate() - dt.timedelta(days=7)
    data = child_form(
        child_id="C-UNBORN",
        **date_fields("date_of_birth", None),
        **date_fields("expected_date_of_birth", last_week),
    )

    page = client.post("/children/add/", data).content.decode()

    assert 'id="id_confirm_unusual-error"' in page
    assert "R208" in page and 'type="checkbox"' in page
    assert not Child.objects.exists()

    response = client.post("/children/add/", {**data, "confirm_unusual": "on"})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(record_type="child", summary__contains="R208")
    assert entry.actor == client.user
    assert entry.summary.startswith("Confirmed as right though unusual")


def test_a_plan_overlapping_another_is_refused_at_its_start(signed_in_client):
    child = make_child(child_id="C-1")
    make_plan(child=child, start_on=dt.date(2023, 1, 10))
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    data = {
        **date_fields("start_on", dt.date(2023, 3, 1)),
        **date_fields("end_on", None),
        "end_reason": "",
        "initial_category": "",
        "latest_category": "",
    }
    page = client.post("/children/C-1/plans/add/", data).content.decode()
    assert 'id="id_start_on-error"' in page
    assert Plan.objects.count() == 1


def test_a_late_conference_requires_its_reason(signed_in_client):
    make_child(child_id="SIB-1")
    client = signed_in_client(Role.CHAIR)
    held_on = timezone.localdate() - dt.timedelta(days=3)
    late = conference_form(
        "SIB-1", held_on, **date_fields("strategy_discussion_on", held_on - dt.timedelta(days=60))
    )

    page = client.post("/conferences/record/", late).content.decode()

    assert 'id="id_out_of_timescale_reason-error"' in page and "R205" in page
    assert not Conference.objects.exists()

    late["out_of_timescale_reason"] = "The family asked to move it; the parent was in hospital"
    assert client.post("/conferences/record/", late).status_code == 302
    assert Conference.objects.get().out_of_timescale_reason.startswith("The family")


def test_an_initial_conference_without_a_strategy_discussion_is_confirmed_once(signed_in_client):
    make_child(child_id="SIB-1")
    client = signed_in_client(Role.CHAIR)
    data = conference_form(
        "SIB-1",
        timezone.localdate() - dt.timedelta(days=3),
        **date_fields("strategy_discussion_on", None),
    )

    page = client.post("/conferences/record/", data).content.decode()
    assert "R203" in page and 'id="id_confirm_unusual-error"' in page
    assert not Conference.objects.exists()

    assert client.post("/conferences/record/", {**data, "confirm_unusual": "on"}).status_code == 302
    assert AuditEntry.objects.filter(summary__contains="R203", actor=client.user).exists()
