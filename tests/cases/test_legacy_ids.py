"""Issue 17, item 3: records stored before the identifier rule have pages, links and
downloads; a new child's id follows the rule; a service manager corrects an old one."""

import argparse
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditEntry
from safeguard.audit.selectors import audit_entries
from safeguard.cases.models import Child
from safeguard.notifications.models import Notification, NotificationKind
from tests.factories import make_child, make_escalation, make_organisation_type, make_plan
from tests.web.urlmap import make_meeting_samples

LEGACY = "C 9/1<b>x</b>"
LEGACY_IDS = [
    LEGACY,
    "add",
    "a/b",
    "with space",
    "50%",
    "what?",
    "#1",
    "..",
    ".",
    "Zoë-ß",
    "x" * 64,
]


@pytest.mark.django_db
def test_a_new_child_whose_id_breaks_the_rule_is_refused_at_the_field(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    response = client.post(reverse("cases:child-add"), {"child_id": LEGACY})
    assert response.status_code == 200
    assert "Enter a child id using only letters, numbers" in response.text
    assert 'id="id_child_id-error"' in response.text
    assert not Child.objects.filter(child_id=LEGACY).exists()


@pytest.mark.django_db
def test_a_new_child_id_over_forty_characters_is_refused(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    response = client.post(reverse("cases:child-add"), {"child_id": "C" * 41})
    assert "must be 40 characters or fewer" in response.text
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_a_new_child_id_within_the_rule_is_recorded(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    response = client.post(reverse("cases:child-add"), {"child_id": "C-9.1_x"})
    assert response.status_code == 302
    assert response["Location"] == "/children/C-9.1_x/"


@pytest.mark.django_db
@pytest.mark.parametrize("child_id", LEGACY_IDS)
def test_a_child_stored_before_the_rule_is_found_opened_and_linked(child_id, signed_in_client):
    child = make_child(child_id=child_id, family_name="Oldrecord")
    plan = make_plan(child=child, plan_id=f"P {child_id}"[:64])
    make_escalation(child=child, escalation_id=f"E/{child_id}"[:64])
    client = signed_in_client(Role.MANAGER)

    search = client.get(reverse("cases:child-list"), {"q": "Oldrecord"})
    assert search.status_code == 200
    page_url = reverse("cases:child-detail", args=[child_id])
    assert f'href="{page_url}"' in search.text

    page = client.get(page_url)
    assert page.status_code == 200
    assert page.context["child"].pk == child.pk
    business_support = signed_in_client(Role.BUSINESS_SUPPORT)
    business_support.user.all_areas = True
    business_support.user.save()
    assert business_support.get(reverse("cases:plan-edit", args=[plan.plan_id])).status_code == 200

    log = client.get(reverse("escalations:list"))
    assert log.status_code == 200
    assert f'href="{page_url}"' in log.text
    export = client.get(reverse("escalations:export"))
    assert export.status_code == 200
    assert child_id.encode() in b"".join(
        export.streaming_content if export.streaming else [export.content]
    )


@pytest.mark.django_db
def test_markup_in_a_legacy_id_is_shown_as_text_never_as_markup(signed_in_client):
    make_child(child_id=LEGACY)
    page = signed_in_client(Role.MANAGER).get(reverse("cases:child-detail", args=[LEGACY]))
    assert "<b>x</b>" not in page.text
    assert "C 9/1&lt;b&gt;x&lt;/b&gt;" in page.text


@pytest.mark.django_db
def test_a_legacy_id_has_a_single_segment_address_that_the_browser_cannot_rewrite():
    assert reverse("cases:child-detail", args=[LEGACY]) == "/children/C~209~2F1~3Cb~3Ex~3C~2Fb~3E/"
    assert reverse("cases:child-detail", args=[".."]) == "/children/~2E~2E/"
    assert reverse("cases:child-detail", args=["C00123"]) == "/children/C00123/"


@pytest.mark.django_db
def test_an_address_no_id_has_is_not_found(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    assert client.get("/children/C~ZZ/").status_code == 404
    assert client.get("/children/~FF/").status_code == 404  # not UTF-8


# ---- the service manager's correction ----------------------------------------------------------


@pytest.mark.django_db
def test_a_service_manager_corrects_a_legacy_id_and_every_record_follows(signed_in_client):
    child = make_child(child_id=LEGACY)
    plan = make_plan(child=child)
    escalation = make_escalation(child=child)
    Notification.objects.create(
        kind=NotificationKind.ALERT,
        key="alert:x",
        subject="Alert",
        body="body",
        created_at=timezone.now(),
        child_id=LEGACY,
    )
    client = signed_in_client(Role.MANAGER)
    page = client.get(reverse("cases:child-detail", args=[LEGACY]))
    assert "does not follow it" in page.text
    assert "Correct the child&#x27;s id" in page.text or "Correct the child's id" in page.text

    url = reverse("cases:child-id-correct", args=[LEGACY])
    response = client.post(url, {"new_child_id": "C9-1", "version": child.version})
    assert response.status_code == 302
    assert response["Location"] == "/children/C9-1/"
    child.refresh_from_db()
    assert child.child_id == "C9-1"
    plan.refresh_from_db()
    escalation.refresh_from_db()
    assert plan.child.child_id == "C9-1" and escalation.child.child_id == "C9-1"
    assert Notification.objects.get(key="alert:x").child_id == "C9-1"
    entry = AuditEntry.objects.filter(record_type="child", child_id="C9-1").latest("at")
    assert entry.summary == f"Child id corrected from {LEGACY} to C9-1; 1 email record followed"
    assert entry.changes["child_id"] == [LEGACY, "C9-1"]
    assert entry in audit_entries(child_id=LEGACY)  # the trail joins the old id to the new
    assert "does not follow it" not in client.get("/children/C9-1/").text


@pytest.mark.django_db
def test_the_corrected_id_must_follow_the_rule_and_be_free(signed_in_client):
    child = make_child(child_id=LEGACY)
    make_child(child_id="TAKEN")
    client = signed_in_client(Role.MANAGER)
    url = reverse("cases:child-id-correct", args=[LEGACY])
    refused = client.post(url, {"new_child_id": "still/bad", "version": child.version})
    assert "Enter a child id using only letters" in refused.text
    taken = client.post(url, {"new_child_id": "TAKEN", "version": child.version})
    assert "A child with id TAKEN is already recorded" in taken.text
    child.refresh_from_db()
    assert child.child_id == LEGACY


@pytest.mark.django_db
def test_a_correction_made_meanwhile_by_someone_else_is_not_overwritten(signed_in_client):
    child = make_child(child_id=LEGACY)
    client = signed_in_client(Role.MANAGER)
    url = reverse("cases:child-id-correct", args=[LEGACY])
    response = client.post(url, {"new_child_id": "C9-1", "version": child.version + 1})
    assert response.status_code == 200
    assert "stale" in response.context
    child.refresh_from_db()
    assert child.child_id == LEGACY


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CHAIR, Role.BUSINESS_SUPPORT, Role.ANALYST, Role.AUDITOR])
def test_only_a_service_manager_may_correct_an_id(role, signed_in_client):
    child = make_child(child_id=LEGACY)
    url = reverse("cases:child-id-correct", args=[LEGACY])
    response = signed_in_client(role).post(url, {"new_child_id": "C9-1", "version": 1})
    assert response.status_code in (403, 404)
    child.refresh_from_db()
    assert child.child_id == LEGACY


@pytest.mark.django_db
def test_safeguard_check_lists_the_records_whose_ids_break_the_rule(capsys):
    from safeguard.census.commands import cmd_check

    child = make_child(child_id=LEGACY)
    make_plan(child=child, plan_id="P 1")
    make_child(child_id="GOOD-1")
    status = cmd_check(argparse.Namespace(start=None, end=dt.date(2023, 3, 31), limit=20))
    out = capsys.readouterr().out
    assert status == 1
    assert "Records whose id breaks the identifier rule (2):" in out
    assert f"child {LEGACY!r}: Enter a child id using only letters" in out
    assert "plan 'P 1'" in out
    assert "GOOD-1" not in out.split("DfE")[0]


# ---- item 5: a sibling group's escalation ------------------------------------------------------


@pytest.fixture
def siblings_at_one_meeting():
    """SIB-1 and SIB-2 discussed at one meeting; returns both and SIB-1's conference."""
    from safeguard.conferences.models import Conference

    first = make_child(child_id="SIB-1")
    meeting, conference, _ = make_meeting_samples(child=first)
    second = make_child(child_id="SIB-2")
    Conference.objects.create(
        conference_id="SIB-CONF-2",
        child=second,
        meeting=meeting,
        kind="initial",
        held_on=meeting.held_on,
        outcome="plan",
    )
    return first, second, conference


@pytest.mark.django_db
def test_a_sibling_groups_escalation_shows_on_every_childs_page(
    signed_in_client, siblings_at_one_meeting
):
    first, second, conference = siblings_at_one_meeting
    other = make_child(child_id="OTHER")
    escalation = make_escalation(
        child=first,
        conference=conference,
        reason="no_report_no_apologies",
        organisation_type=make_organisation_type("Police"),
    )
    client = signed_in_client(Role.MANAGER)
    detail = reverse("escalations:detail", args=[escalation.escalation_id])
    for child in (first, second):
        page = client.get(reverse("cases:child-detail", args=[child.child_id]))
        assert f'href="{detail}"' in page.text, child.child_id
    assert f'href="{detail}"' not in client.get(f"/children/{other.child_id}/").text
    shown = client.get(detail)
    assert shown.context["children"] == [first, second]
    assert "The children of the meeting (a sibling group)" in shown.text


@pytest.mark.django_db
def test_an_escalation_about_one_childs_plan_stays_with_that_child(
    signed_in_client, siblings_at_one_meeting
):
    first, _, conference = siblings_at_one_meeting
    escalation = make_escalation(child=first, conference=conference, reason="plan_not_progressing")
    detail = reverse("escalations:detail", args=[escalation.escalation_id])
    client = signed_in_client(Role.MANAGER)
    assert f'href="{detail}"' in client.get("/children/SIB-1/").text
    assert f'href="{detail}"' not in client.get("/children/SIB-2/").text


@pytest.mark.django_db
def test_a_chair_who_sees_only_the_sibling_sees_the_meetings_escalation(signed_in_client):
    from safeguard.conferences.models import Conference
    from tests.factories import make_area, make_user

    mine, theirs = make_area("Mine"), make_area("Theirs")
    first = make_child(child_id="SIB-1", area=theirs)
    meeting, conference, _ = make_meeting_samples(child=first)
    second = make_child(child_id="SIB-2", area=mine)
    Conference.objects.create(
        conference_id="SIB-CONF-2",
        child=second,
        meeting=meeting,
        kind="initial",
        held_on=meeting.held_on,
        outcome="plan",
    )
    escalation = make_escalation(
        child=first, conference=conference, reason="no_report_no_apologies", area=theirs
    )
    chair = signed_in_client(user=make_user(Role.CHAIR, areas=[mine]))
    assert (
        chair.get(reverse("escalations:detail", args=[escalation.escalation_id])).status_code == 200
    )
    assert escalation.escalation_id in chair.get("/children/SIB-2/").text


# ---- item 5: a search with no results ---------------------------------------------------------


@pytest.mark.django_db
def test_a_search_with_no_result_says_so_and_suggests_what_to_try(signed_in_client):
    from tests.factories import make_area, make_user

    make_child(child_id="C00001", family_name="Smith")
    chair = signed_in_client(user=make_user(Role.CHAIR, areas=[make_area("North")]))
    response = chair.get(reverse("cases:child-list"), {"q": "Nobody"})
    assert "No child matches ‘Nobody’" in response.text
    assert "search by the family name" in response.text
    assert "only the children of your areas" in response.text
    manager = signed_in_client(Role.MANAGER).get(reverse("cases:child-list"), {"q": "Nobody"})
    assert "No child matches ‘Nobody’" in manager.text
    assert "only the children of your areas" not in manager.text
    found = signed_in_client(Role.MANAGER).get(reverse("cases:child-list"), {"q": "Smith"})
    assert "No child matches" not in found.text
    assert "1 child found" in found.text


@pytest.mark.django_db
@pytest.mark.parametrize("report_format", ["pdf", "docx", "xlsx", "json"])
def test_the_reports_downloads_hold_a_legacy_childs_records(report_format, signed_in_client):
    from safeguard.conferences.models import Conference, Meeting

    child = make_child(child_id=LEGACY)
    meeting = Meeting.objects.create(reference="M 1/<i>", held_on=dt.date(2022, 5, 10))
    Conference.objects.create(
        conference_id="CONF/<b>1",
        child=child,
        meeting=meeting,
        kind="initial",
        held_on=meeting.held_on,
        outcome="plan",
    )
    make_plan(child=child, plan_id="P/<b>", start_on=dt.date(2022, 5, 10))
    query = {
        "start_month": "4",
        "start_year": "2022",
        "end_month": "9",
        "end_year": "2022",
        "count_by": "child",
    }
    url = reverse("reporting:download", args=[report_format])
    response = signed_in_client(Role.MANAGER).get(url, query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
