"""The pages about children: finding one, a child's record in time order, the worklist, and
edits that refuse the later of two saves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Plan
from safeguard.conferences.models import Chair, Conference, Invitation, Meeting
from safeguard.monitoring.models import MonitoringCheck
from tests.factories import (
    make_area,
    make_child,
    make_conference,
    make_escalation,
    make_organisation_type,
    make_plan,
    make_user,
)

pytestmark = pytest.mark.django_db


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# ---- finding a child ---------------------------------------------------------------------------


def test_a_child_is_found_by_id_or_by_any_part_of_their_names(signed_in_client):
    make_child(child_id="C-100", given_name="Amelia", family_name="Stone")
    make_child(child_id="C-200", given_name="Bo", family_name="Stonehouse")
    make_child(child_id="D-300", given_name="Cara", family_name="Reed")
    client = signed_in_client(Role.CHAIR)

    by_id = client.get("/children/", {"q": "C-1"}).content.decode()
    by_name = client.get("/children/", {"q": "stone"}).content.decode()
    by_both_names = client.get("/children/", {"q": "amelia stone"}).content.decode()

    assert "C-100" in by_id and "C-200" not in by_id
    assert "C-100" in by_name and "C-200" in by_name and "D-300" not in by_name
    assert "C-100" in by_both_names and "C-200" not in by_both_names


def test_before_a_search_the_children_page_lists_the_children_one_opened_recently(
    signed_in_client,
):
    make_child(child_id="C-OLD", given_name="Older")
    make_child(child_id="C-NEW", given_name="Newer")
    make_child(child_id="C-NOT", given_name="Unopened")
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    for child_id in ("C-OLD", "C-NEW"):
        assert client.get(f"/children/{child_id}/").status_code == 200

    page = client.get("/children/").content.decode()
    recent = page.split("Children you opened recently", 1)[1]
    assert recent.index("C-NEW") < recent.index("C-OLD") and "C-NOT" not in recent
    entry = AuditEntry.objects.filter(actor=client.user, record_type="children").get()
    assert entry.shown_ids == "C-NEW C-OLD"
    assert (
        "Children you opened recently"
        not in signed_in_client(Role.CHAIR).get("/children/").content.decode()
    )


def test_a_chair_sees_the_children_whose_plans_they_chair_before_a_search(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    mine = Chair.objects.create(name="Jo Chair", user=client.user)
    other = Chair.objects.create(name="Sam Other")
    open_plan_due(chair=mine, review_in_days=30, child_id="MINE-1")
    open_plan_due(chair=other, review_in_days=30, child_id="THEIRS-1")

    page = client.get("/children/").content.decode()
    assert "Children whose plans you chair" in page
    assert "MINE-1" in page and "THEIRS-1" not in page


def test_a_child_id_is_matched_without_regard_to_case(signed_in_client):
    make_child(child_id="AB-123", area=make_area("North"))
    client = signed_in_client(Role.MANAGER)
    assert client.get("/children/ab-123/").status_code == 200
    assert "AB-123" in client.get("/children/", {"q": "ab-1"}).content.decode()
    outsider = signed_in_client(user=make_user(Role.CHAIR, areas=[make_area("South")]))
    page = outsider.get("/children/", {"q": "ab-123"}).content.decode()
    assert "/children/AB-123/open-with-reason/" in page


def test_a_child_id_that_differs_only_in_case_is_already_recorded(signed_in_client):
    make_child(child_id="AB-123")
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    page = client.post("/children/add/", child_form(child_id="ab-123")).content.decode()
    assert "A child with id AB-123 is already recorded" in page


def test_an_empty_search_shows_the_govuk_error_summary(signed_in_client):
    page = signed_in_client(Role.BUSINESS_SUPPORT).get("/children/", {"q": ""}).content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_q">Enter a child id or name</a>' in page


def test_an_analyst_never_sees_a_child(signed_in_client):
    make_child(child_id="C-1")
    client = signed_in_client(Role.ANALYST)
    assert client.get("/children/", {"q": "C-1"}).status_code == 403
    assert client.get("/children/C-1/").status_code == 404


# ---- a child's page ----------------------------------------------------------------------------


def child_with_history(n: int, child_id: str = "C-HIST"):
    """A child with `n` conferences, checks, agencies invited and escalations."""
    child = make_child(child_id=child_id, area=make_area("North"))
    chair = Chair.objects.get_or_create(name="Jo Chair")[0]
    gp = make_organisation_type("GP")
    plan = make_plan(child=child, start_on=dt.date(2020, 1, 6))
    for i in range(n):
        held_on = dt.date(2020, 1, 6) + dt.timedelta(days=30 * i)
        meeting = Meeting.objects.create(reference=f"{child_id}-M{i}", held_on=held_on)
        Conference.objects.create(
            conference_id=f"{child_id}-C{i}",
            child=child,
            meeting=meeting,
            kind="initial" if i == 0 else "review",
            held_on=held_on,
            chair=chair,
            outcome="plan",
            due_on=held_on,
            verdict="out",
            days_late=3,
            days_late_unit="working",
            verdict_reason=f"Reason number {i}",
            plan=plan,
        )
        Invitation.objects.create(
            meeting=meeting, organisation_type=gp, organisation_name=f"Surgery {i}"
        )
        MonitoringCheck.objects.create(
            check_id=f"{child_id}-K{i}",
            plan=plan,
            kind="midway",
            completed_on=held_on + dt.timedelta(days=10),
            chair=chair,
            outcome="on_track",
        )
        make_escalation(child=child, organisation_type=gp, raised_on=held_on, raised_by=chair)
    return child


def test_a_childs_page_shows_plans_conferences_checks_agencies_and_escalations(signed_in_client):
    child = child_with_history(2)
    client = signed_in_client(Role.CHAIR)

    page = client.get(f"/children/{child.child_id}/").content.decode()

    assert "6 January 2020" in page  # plan start and first conference, long dates
    assert "Out of timescale" in page and "3 working days late" in page
    assert "Reason number 0" in page and "Reason number 1" in page
    assert page.index("Reason number 1") < page.index("Reason number 0")  # newest first
    assert "Surgery 0" in page and "Surgery 1" in page
    assert "Midway check" in page and "On track" in page
    assert page.count("/escalations/E") == 2
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, child_id=child.child_id, actor=client.user
    ).exists()


def test_a_childs_page_names_the_roles_a_check_alerted_as_the_report_does(signed_in_client):
    child = child_with_history(1, "C-ALERT")
    MonitoringCheck.objects.filter(check_id="C-ALERT-K0").update(
        alerted_social_worker=True, alerted_practice_supervisor=True
    )

    page = signed_in_client(Role.CHAIR).get(f"/children/{child.child_id}/").content.decode()

    assert "Social worker, Practice supervisor" in page


def test_the_childs_page_costs_the_same_queries_for_3_or_30_records_of_each_kind(
    signed_in_client, django_assert_max_num_queries
):
    few, many = child_with_history(3, "C-FEW"), child_with_history(30, "C-MANY")
    client = signed_in_client(Role.MANAGER)
    client.get(f"/children/{few.child_id}/")  # warm the session
    # 20: two of them lock the audit trail's chain head and move it on (issue 18); two find the
    # summary's social worker and siblings (issue 23); two read the social workers and statutory
    # visits (issue 21)
    with django_assert_max_num_queries(20) as few_queries:
        client.get(f"/children/{few.child_id}/")
    with django_assert_max_num_queries(len(few_queries)) as many_queries:
        assert "Reason number 29" in client.get(f"/children/{many.child_id}/").content.decode()
    assert len(many_queries) == len(few_queries)


def test_roles_see_only_the_links_for_what_they_may_record(signed_in_client):
    child = child_with_history(1)
    chair_page = signed_in_client(Role.CHAIR).get(f"/children/{child.child_id}/").content.decode()
    support_page = (
        signed_in_client(Role.BUSINESS_SUPPORT).get(f"/children/{child.child_id}/").content.decode()
    )
    assert "Raise an escalation" in chair_page and "Record a plan" not in chair_page
    assert "Record a plan" in support_page and "Raise an escalation" not in support_page
    assert "/escalations/" not in support_page.split("Escalations</h2>")[1]


# ---- recording and editing ---------------------------------------------------------------------


def date_fields(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def child_form(**values) -> dict:
    data = {
        "given_name": "Amelia",
        "family_name": "Stone",
        **date_fields("date_of_birth", dt.date(2016, 3, 27)),
        **date_fields("expected_date_of_birth", None),
        "sex": "F",
        "ethnicity": "WBRI",
        "area": "",
    }
    data.update(values)
    return data


def test_business_support_records_a_child(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    response = client.post("/children/add/", child_form(child_id="C-NEW"))
    assert response.status_code == 302 and response["Location"] == "/children/C-NEW/"
    assert "27 March 2016" in client.get("/children/C-NEW/").content.decode()


def test_a_date_with_a_missing_part_gets_the_govuk_message_beside_the_field(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    data = child_form(child_id="C-NEW", date_of_birth_month="")
    page = client.post("/children/add/", data).content.decode()
    assert '<a href="#id_date_of_birth_day">Date of birth must include a month</a>' in page
    assert 'id="id_date_of_birth-error"' in page
    assert 'id="id_date_of_birth_day"' in page  # the link leads to the day box
    assert "<title>Error: " in page


def test_the_later_of_two_saves_of_a_child_is_refused_and_shows_the_other_change(
    signed_in_client,
):
    child = make_child(child_id="C-TWO", given_name="Amelia")
    first = signed_in_client(Role.BUSINESS_SUPPORT)
    second = signed_in_client(Role.BUSINESS_SUPPORT)
    version = child.version

    saved = first.post("/children/C-TWO/edit/", child_form(given_name="Amy", version=version))
    refused = second.post("/children/C-TWO/edit/", child_form(given_name="Emilia", version=version))

    assert saved.status_code == 302
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Somebody else changed this record" in page
    assert "Amy" in page and "Emilia" in page  # theirs beside yours
    child.refresh_from_db()
    assert child.given_name == "Amy"
    assert f'name="version" value="{child.version}"' in page  # saving again is deliberate
    again = second.post(
        "/children/C-TWO/edit/", child_form(given_name="Emilia", version=child.version)
    )
    assert again.status_code == 302


def test_a_plan_cannot_end_before_it_starts(signed_in_client):
    plan = make_plan(child=make_child(), start_on=dt.date(2024, 4, 10))
    response = signed_in_client(Role.BUSINESS_SUPPORT).post(
        f"/plans/{plan.plan_id}/edit/",
        {
            **date_fields("start_on", dt.date(2024, 4, 10)),
            **date_fields("end_on", dt.date(2024, 4, 1)),
            "version": plan.version,
        },
    )
    assert "End date must be the same as or after the start date" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).end_on is None


def test_business_support_ends_a_plan(signed_in_client):
    plan = make_plan(child=make_child(), start_on=dt.date(2024, 4, 10))
    response = signed_in_client(Role.BUSINESS_SUPPORT).post(
        f"/plans/{plan.plan_id}/edit/",
        {
            **date_fields("start_on", dt.date(2024, 4, 10)),
            **date_fields("end_on", dt.date(2024, 9, 2)),
            "end_reason": "Ended at a review",
            "version": plan.version,
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).end_on == dt.date(2024, 9, 2)


# ---- the worklist ------------------------------------------------------------------------------


def open_plan_due(
    *, chair: Chair, review_in_days: int, child_id: str, midway_in_days: int | None = None
) -> Plan:
    today = timezone.localdate()
    child = make_child(child_id=child_id, given_name=f"Given{child_id}")
    plan = make_plan(
        child=child,
        start_on=today - dt.timedelta(days=60),
        next_review_due_on=today + dt.timedelta(days=review_in_days),
        midway_check_due_on=(
            today + dt.timedelta(days=midway_in_days) if midway_in_days is not None else None
        ),
        last_conference_on=today - dt.timedelta(days=60),
    )
    make_conference(
        child=child,
        held_on=plan.start_on,
        conference_id=f"CONF-{child_id}",
        reference=f"M-{child_id}",
        chair=chair,
        outcome="plan",
    )
    return plan


def test_a_chairs_worklist_holds_their_own_reviews_checks_and_escalations(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    mine = Chair.objects.create(name="Jo Chair", user=client.user)
    other = Chair.objects.create(name="Sam Other")
    due = open_plan_due(chair=mine, review_in_days=10, child_id="MINE-1", midway_in_days=-2)
    open_plan_due(chair=mine, review_in_days=-5, child_id="MINE-2")
    open_plan_due(chair=mine, review_in_days=40, child_id="MINE-LATER")
    open_plan_due(chair=other, review_in_days=3, child_id="THEIRS-1")
    make_escalation(raised_by=mine, raised_on=dt.date(2024, 4, 10))
    make_escalation(raised_by=mine, raised_on=dt.date(2024, 4, 11), resolved_on=dt.date(2024, 5, 1))
    make_escalation(raised_by=other)

    page = client.get("/").content.decode()

    assert "Your worklist" in page
    assert "<strong>1</strong> reviews due in the next four weeks" in page
    assert "<strong>1</strong> overdue reviews" in page
    assert "<strong>1</strong> midway and pre-review checks due" in page
    assert "<strong>1</strong> open escalation you raised" in page
    assert long_date(due.next_review_due_on) in page
    assert "MINE-1" in page and "MINE-2" in page
    assert "THEIRS-1" not in page and "MINE-LATER" not in page
    assert "10 April 2024" in page


def test_a_manager_sees_everyones_worklist_and_can_choose_a_chair(signed_in_client):
    jo, sam = Chair.objects.create(name="Jo Chair"), Chair.objects.create(name="Sam Other")
    open_plan_due(chair=jo, review_in_days=10, child_id="JO-1")
    open_plan_due(chair=sam, review_in_days=12, child_id="SAM-1")
    client = signed_in_client(Role.MANAGER)

    everyone = client.get("/").content.decode()
    sams = client.get("/", {"chair": sam.pk}).content.decode()

    assert "JO-1" in everyone and "SAM-1" in everyone
    assert "SAM-1" in sams and "JO-1" not in sams
    full = client.get("/worklist/", {"show": "reviews-due", "chair": sam.pk}).content.decode()
    assert "SAM-1" in full and "JO-1" not in full


def test_the_worklist_lists_the_soonest_on_home_and_every_item_on_its_own_page(signed_in_client):
    jo = Chair.objects.create(name="Jo Chair")
    for i in range(8):
        open_plan_due(chair=jo, review_in_days=1 + i, child_id=f"R-{i}")
    client = signed_in_client(Role.MANAGER)
    home = client.get("/").content.decode()
    assert "R-4" in home and "R-5" not in home and "See all 8" in home
    full = client.get("/worklist/", {"show": "reviews-due"}).content.decode()
    assert all(f"R-{i}" in full for i in range(8))
    assert client.get("/worklist/", {"show": "nonsense"}).status_code == 404


def test_the_worklist_costs_the_same_queries_for_3_or_30_plans(
    signed_in_client, django_assert_max_num_queries
):
    client = signed_in_client(Role.CHAIR)
    jo = Chair.objects.create(name="Jo Chair", user=client.user)

    def load():
        return client.get("/").content.decode()

    for i in range(3):
        open_plan_due(chair=jo, review_in_days=i - 1, child_id=f"A-{i}", midway_in_days=i)
        make_escalation(raised_by=jo)
    load()
    with django_assert_max_num_queries(20) as few:
        load()
    for i in range(27):
        open_plan_due(chair=jo, review_in_days=i + 2, child_id=f"B-{i}", midway_in_days=i)
        make_escalation(raised_by=jo)
    with django_assert_max_num_queries(len(few)):
        assert "<strong>30</strong> open escalations you raised" in load()


def test_the_worklist_costs_the_same_queries_for_3_or_120_overdue_plans_and_pages_them(
    signed_in_client, django_assert_max_num_queries
):
    # An extract not refreshed for months: every open plan's review and checks are overdue.
    jo, sam = Chair.objects.create(name="Jo Chair"), Chair.objects.create(name="Sam Other")
    client = signed_in_client(Role.MANAGER)

    def overdue(count: int, first: int) -> None:
        for i in range(first, first + count):
            open_plan_due(
                chair=jo if i % 3 else sam,
                review_in_days=-400 + i,
                child_id=f"OD-{i:03d}",
                midway_in_days=-450 + i,
            )

    def pages() -> list[str]:
        return [
            client.get("/").content.decode(),
            client.get("/worklist/", {"show": "reviews-overdue", "page": "2"}).content.decode(),
            client.get("/", {"chair": jo.pk}).content.decode(),
        ]

    overdue(3, 0)
    pages()
    # three pages, each with its audit entry (3 queries: lock the chain head, insert, move it on);
    # the two home pages without a chair count the overdue items by chair (issue 23)
    with django_assert_max_num_queries(59) as few:
        pages()
    overdue(117, 3)
    with django_assert_max_num_queries(len(few)):
        home, second_page, jos = pages()

    assert "<strong>120</strong> overdue reviews" in home and "See all 120" in home
    assert "<strong>120</strong> midway and pre-review checks due" in home
    assert "OD-000" in home and "OD-004" in home and "OD-005" not in home  # longest overdue first
    assert "OD-050" in second_page and "OD-099" in second_page  # the second page of 50
    assert "OD-049" not in second_page and "OD-100" not in second_page
    assert "120 in all" in second_page
    assert "<strong>80</strong> overdue reviews" in jos  # two in three plans are Jo's
    assert "OD-001" in jos and "OD-000" not in jos and "OD-003" not in jos


def test_the_chair_of_a_plan_is_the_chair_of_the_childs_latest_conference(signed_in_client):
    jo, sam = Chair.objects.create(name="Jo Chair"), Chair.objects.create(name="Sam Other")
    plan = open_plan_due(chair=jo, review_in_days=5, child_id="MOVED-1", midway_in_days=-3)
    review_on = plan.start_on + dt.timedelta(days=30)
    Conference.objects.create(
        conference_id="CONF-MOVED-1-REVIEW",
        child=plan.child,
        meeting=Meeting.objects.create(reference="M-MOVED-REVIEW", held_on=review_on),
        kind="review",
        held_on=review_on,
        chair=sam,
        outcome="plan",
    )
    Plan.objects.filter(pk=plan.pk).update(last_conference_on=review_on)
    MonitoringCheck.objects.create(
        check_id="DONE-BEFORE", plan=plan, kind="midway", completed_on=review_on, outcome="on_track"
    )
    client = signed_in_client(Role.MANAGER)

    everyone = client.get("/").content.decode()
    sams = client.get("/", {"chair": sam.pk}).content.decode()
    jos = client.get("/", {"chair": jo.pk}).content.decode()

    assert "MOVED-1" in sams and "MOVED-1" not in jos
    assert "Sam Other" in everyone.split("Reviews due in the next four weeks (1)", 1)[1]
    assert "<strong>0</strong> midway and pre-review checks due" in sams  # done after the review


def test_roles_without_childrens_records_get_a_home_page_of_links(signed_in_client):
    page = signed_in_client(Role.ANALYST).get("/").content.decode()
    assert "Worklist" not in page and "<h1" in page
