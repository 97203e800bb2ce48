"""Every page that shows a child's personal data leaves an audit entry naming who looked and the
ids shown (never the names). Walks the whole URL map, so a new page joins by itself: any page
whose answer carries the sample child's id, name or date of birth must have recorded a view."""

import pytest
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record, audit_verify
from safeguard.notifications.models import Notification
from tests.web.urlmap import EXPECTED, all_routes, make_url_samples, url_for

pytestmark = pytest.mark.django_db

ROUTES = all_routes()

# Queries that make a page show the sample child (a search page shows nothing without one).
QUERIES = {
    "cases:child-list": "?q=Testchild",
    "audit:search": "?child_id=SAMPLE-CHILD",
    "escalations:list": "",
}

# What identifies the sample child on a page.
SIGNS = ("SAMPLE-CHILD", "Testchild", "14 June 2015", "14/06/2015", "2015-06-14")


def _shows_the_child(response) -> bool:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", errors="replace")
    return any(sign in text for sign in SIGNS)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_page_showing_a_child_records_a_view(route, signed_in_client):
    samples = make_url_samples()
    # Someone else opened the child's page: the audit trail's own page shows that entry.
    audit_record(actor=None, action=AuditAction.VIEW, child_id="SAMPLE-CHILD", record_type="child")
    # An alert was sent about the child: the emails page shows it.
    Notification.objects.create(
        kind="alert",
        key="alert:SAMPLE",
        subject="Concerns at a check on the plan of SAMPLE-CHILD",
        body="Visits to SAMPLE-CHILD are not on track.",
        created_at=timezone.now(),
        child_id="SAMPLE-CHILD",
    )
    url = url_for(route, samples) + QUERIES.get(route.name, "")
    roles = [role for role, status in EXPECTED[route.name].items() if status == 200]
    for role in roles:
        if role == "anonymous":
            continue
        client = signed_in_client(role)
        before = AuditEntry.objects.filter(actor=client.user).count()
        response = client.get(url)
        assert response.status_code == 200, (role, url)
        if not _shows_the_child(response):
            continue
        entries = AuditEntry.objects.filter(actor=client.user).order_by("id")[before:]
        recorded = [
            e
            for e in entries
            if e.child_id == "SAMPLE-CHILD" or "SAMPLE-CHILD" in e.shown_ids.split()
        ]
        assert recorded, f"{role} saw the sample child at {url} and no audit entry says so"
        for entry in recorded:
            assert "Testchild" not in str(entry.__dict__), "the trail holds ids, not names"
    assert audit_verify().intact  # every writer chains its entries


def test_a_search_records_the_ids_shown_and_not_the_name_typed(signed_in_client):
    from tests.factories import make_child

    make_child(child_id="FOUND-1", family_name="Zebedee")
    make_child(child_id="FOUND-2", family_name="Zebedee")
    make_child(child_id="NOT-FOUND", family_name="Other")
    client = signed_in_client("manager")
    assert client.get("/children/?q=Zebedee").status_code == 200
    entry = AuditEntry.objects.filter(actor=client.user).latest("id")
    assert entry.action == "view" and entry.record_type == "search"
    assert set(entry.shown_ids.split()) == {"FOUND-1", "FOUND-2"}
    assert "Zebedee" not in str(entry.__dict__)
    assert entry.changes["search"][1].startswith("hmac-sha256:")
