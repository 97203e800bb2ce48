"""Managers and auditors search the trail by child, user and date; the CLI prints it."""

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.selectors import audit_entries, audit_entry_line
from tests.factories import make_child, make_user

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _add(*, actor=None, child_id="", on=dt.date(2025, 3, 10), hour=12, **fields):
    return AuditEntry.objects.create(
        at=_at(on, hour),
        actor=actor,
        actor_name=actor.username if actor else "system",
        action=fields.pop("action", AuditAction.VIEW),
        child_id=child_id,
        **fields,
    )


def test_entries_by_child_user_and_date_both_ends_included():
    ann, ben = make_user(Role.CHAIR, username="ann"), make_user(Role.CHAIR, username="ben")
    first = _add(actor=ann, child_id="C1", on=dt.date(2025, 3, 1), hour=0)
    second = _add(actor=ben, child_id="C1", on=dt.date(2025, 3, 31), hour=23)
    third = _add(actor=ann, child_id="C2", on=dt.date(2025, 4, 1))
    assert list(audit_entries(child_id="C1")) == [second, first]
    assert list(audit_entries(username="ann")) == [third, first]
    assert list(audit_entries(user_id=ben.pk)) == [second]
    march = audit_entries(since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 31))
    assert list(march) == [second, first]


def test_a_child_id_is_found_however_it_is_typed():
    make_child(child_id="C-ANN")
    viewed = _add(child_id="C-ANN")
    listed = _add(shown_ids="C-BO C-ANN")
    assert list(audit_entries(child_id=" c-ann ")) == [listed, viewed]
    assert list(audit_entries(child_id="c-gone")) == []  # no such child: the id as typed


def test_a_cli_line_shows_who_did_what_to_which_record_with_the_changes():
    ann = make_user(Role.CHAIR, username="ann")
    entry = _add(
        actor=ann,
        child_id="C1",
        action=AuditAction.CHANGE,
        record_type="plan",
        record_id="P1",
        summary="Changed the plan",
        changes={"end_on": [None, "2025-03-01"]},
    )
    line = audit_entry_line(entry)
    assert line.startswith("2025-03-10 12:00:00 ann change plan P1 child=C1 Changed the plan")
    assert "end_on: None -> '2025-03-01'" in line


def test_the_audit_page_filters_and_pages(signed_in_client):
    client = signed_in_client(Role.AUDITOR)
    ann = make_user(Role.CHAIR, username="ann")
    for day in range(1, 29):
        _add(actor=ann, child_id="C1", on=dt.date(2025, 2, day))
    _add(actor=ann, child_id="C2", on=dt.date(2025, 2, 10))
    response = client.get("/audit/", {"child_id": "C1", "user": ann.pk})
    assert response.context["page"].paginator.count == 28
    response = client.get(
        "/audit/",
        {
            "child_id": "C1",
            "since_day": "10",
            "since_month": "2",
            "since_year": "2025",
            "until_day": "11",
            "until_month": "2",
            "until_year": "2025",
        },
    )
    assert response.context["page"].paginator.count == 2
    for _ in range(60):
        _add(child_id="C3")
    page_two = client.get("/audit/", {"child_id": "C3", "page": "2"})
    assert len(page_two.context["page"].object_list) == 10
    assert "page=1" in page_two.content.decode()


def test_the_audit_page_explains_a_bad_date(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    response = client.get("/audit/", {"since_day": "31", "since_month": "2", "since_year": "2025"})
    html = response.content.decode()
    assert "From must be a real date" in html and 'href="#id_since_day"' in html


def test_the_audit_page_names_people_with_the_username_the_trail_recorded(signed_in_client):
    ada = make_user(Role.CHAIR, username="ada.l", first_name="Ada", last_name="Lovelace")
    _add(actor=ada, child_id="C1")
    page = signed_in_client(Role.AUDITOR).get("/audit/", {"child_id": "C1"}).content.decode()
    assert 'Ada Lovelace<br><span class="govuk-body-s">ada.l</span>' in page
    assert ">Ada Lovelace (ada.l)</option>" in page
