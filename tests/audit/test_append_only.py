"""The audit trail is append-only: the application offers no way to change or delete an entry."""

import pytest
from django.test import Client

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record
from tests.web.urlmap import all_routes, make_url_samples, url_for

pytestmark = pytest.mark.django_db


def _entry() -> AuditEntry:
    return audit_record(actor=None, action=AuditAction.VIEW, record_type="child", child_id="C1")


def test_an_entry_cannot_be_changed_through_the_model():
    entry = _entry()
    entry.summary = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()


def test_an_entry_cannot_be_deleted_through_the_model():
    with pytest.raises(PermissionError):
        _entry().delete()


def test_entries_cannot_be_changed_or_deleted_in_bulk():
    _entry()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(child_id="C1").delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().summary == ""


def _snapshot():
    return {e["id"]: e for e in AuditEntry.objects.values()}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR])
def test_no_url_changes_or_deletes_an_entry(role, signed_in_client):
    """Every URL the application serves, posted to and deleted at by the roles that may read
    the trail, with the entry's id in every parameter that could name it."""
    samples = make_url_samples()
    for _ in range(3):
        _entry()
    before = _snapshot()
    client = signed_in_client(role)
    for route in all_routes():
        url = url_for(route, samples)
        for entry_id in before:
            client.post(url, {"id": entry_id, "entry": entry_id, "summary": "rewritten"})
        client.delete(url)
        client.put(url)
        client = signed_in_client(role)  # some posts sign out
    after = _snapshot()
    assert all(after.get(i) == values for i, values in before.items())


def test_the_audit_page_accepts_reading_only(signed_in_client):
    client = signed_in_client(Role.AUDITOR)
    assert client.post("/audit/", {}).status_code == 405
    assert Client().post("/audit/", {}).status_code in (302, 403)
