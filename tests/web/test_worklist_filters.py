"""A worklist looks as far ahead as its user chooses, filters by chair, area and kind, sorts,
links each item to its form pre-filled, and downloads as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.conferences.models import Chair
from tests.factories import make_area, make_child, make_conference, make_plan

pytestmark = pytest.mark.django_db


def _plan(*, child_id, name, area, review_in_days, midway_in_days=None, chair=None):
    today = timezone.localdate()
    last = today - dt.timedelta(days=100)
    child = make_child(child_id=child_id, given_name=name, area=area)
    plan = make_plan(
        child=child,
        plan_id=f"P-{child_id}",
        start_on=last,
        last_conference_on=last,
        next_review_due_on=today + dt.timedelta(days=review_in_days),
        midway_check_due_on=None
        if midway_in_days is None
        else today + dt.timedelta(days=midway_in_days),
    )
    if chair:
        make_conference(
            child=child,
            held_on=last,
            conference_id=f"CF-{child_id}",
            reference=f"M-{child_id}",
            chair=chair,
            outcome="plan",
        )
    return plan


@pytest.fixture
def unit():
    north, south = make_area("North"), make_area("South")
    helen = Chair.objects.create(name="Helen Ashworth")
    _plan(child_id="C-SOON", name="Zara", area=north, review_in_days=10, chair=helen)
    _plan(child_id="C-LATER", name="Adam", area=south, review_in_days=50)
    _plan(child_id="C-CHECK", name="Maya", area=north, review_in_days=200, midway_in_days=5)
    return {"north": north, "south": south, "helen": helen}


def _page(client, query="") -> str:
    return client.get(f"/worklist/?show=reviews-due&{query}").content.decode()


def test_the_horizon_is_four_weeks_unless_the_user_chooses_eight_or_twelve(signed_in_client, unit):
    client = signed_in_client(Role.MANAGER)
    assert "C-SOON" in _page(client) and "C-LATER" not in _page(client)
    eight = _page(client, "weeks=8")
    assert "C-LATER" in eight and "Reviews due in the next eight weeks" in eight


def test_filters_by_chair_area_and_kind(signed_in_client, unit):
    client = signed_in_client(Role.MANAGER)
    assert "C-LATER" not in _page(client, f"weeks=12&chair={unit['helen'].pk}")
    assert "C-SOON" not in _page(client, f"weeks=12&area={unit['south'].pk}")
    home = client.get("/?kind=checks").content.decode()
    assert "C-CHECK" in home and "C-SOON" not in home


def test_sorts_by_the_childs_name(signed_in_client, unit):
    page = _page(signed_in_client(Role.MANAGER), "weeks=12&sort=child")
    assert page.index("Adam") < page.index("Zara")


def test_each_item_links_to_its_form_pre_filled(signed_in_client, unit):
    client = signed_in_client(Role.CHAIR)
    today = timezone.localdate()
    page = client.get("/").content.decode()
    review_link = f"/conferences/record/?children=C-SOON&amp;kind=review&amp;held_on={today}"
    check_link = "/plans/P-C-CHECK/checks/add/?kind=midway"
    assert review_link in page and check_link in page

    form = client.get(review_link.replace("&amp;", "&")).content.decode()
    assert re.search(r'<input[^>]*value="review"[^>]*checked', form)
    assert re.search(rf'name="held_on_year"[^>]*value="{today.year}"', form)
    assert 'value="C-SOON"' in form

    check_form = client.get(check_link).content.decode()
    assert re.search(r'<input[^>]*value="midway"[^>]*checked', check_form)
    assert re.search(rf'name="completed_on_day"[^>]*value="{today.day}"', check_form)


def test_the_worklist_downloads_as_csv(signed_in_client, unit):
    response = signed_in_client(Role.MANAGER).get("/worklist.csv?weeks=12")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [r["child_id"] for r in rows] == ["C-CHECK", "C-SOON", "C-LATER"]
    assert rows[0]["what"] == "Midway check" and rows[1]["status"] == "due"
