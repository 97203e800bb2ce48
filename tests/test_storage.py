"""`rows_insert` stores exactly what saving each record through the ORM would: every value
prepared as Django prepares it, and the fields a row leaves out at their defaults, however the
rows name their fields."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.cases.models import Area, Child, Plan
from safeguard.storage import rows_insert

pytestmark = pytest.mark.django_db

COMPARED = ("child_id", "given_name", "date_of_birth", "expected_date_of_birth", "sex", "area_id")


def stored(child_id: str) -> tuple:
    return Child.objects.filter(child_id=child_id).values_list(*COMPARED, "version").get()


def test_rows_come_out_as_the_orm_would_save_them():
    area = Area.objects.create(name="North")
    rows_insert(
        Child,
        [
            # A foreign key by its column (area_id) or by its name, dates with and without a
            # value, and fields left out in some rows only.
            {"child_id": "R1", "area_id": area.pk, "date_of_birth": dt.date(2015, 3, 1)},
            {"child_id": "R2", "area": area.pk, "given_name": "Ann", "date_of_birth": None},
            {"child_id": "R3", "expected_date_of_birth": dt.date(2026, 12, 1), "sex": "F"},
        ],
    )
    Child.objects.create(child_id="O1", area=area, date_of_birth=dt.date(2015, 3, 1))
    Child.objects.create(child_id="O2", area=area, given_name="Ann")
    Child.objects.create(child_id="O3", expected_date_of_birth=dt.date(2026, 12, 1), sex="F")

    for number in (1, 2, 3):
        assert stored(f"R{number}")[1:] == stored(f"O{number}")[1:]
    assert stored("R1") == ("R1", "", dt.date(2015, 3, 1), None, "", area.pk, 1)


def test_values_of_another_type_are_prepared_as_django_prepares_them():
    child = Child.objects.create(child_id="C1")
    # A date given as text, and a key as a string, as a caller might pass them.
    rows_insert(Plan, [{"plan_id": "P1", "child_id": str(child.pk), "start_on": "2024-01-05"}])
    plan = Plan.objects.get(plan_id="P1")
    assert (plan.child_id, plan.start_on, plan.end_on) == (child.pk, dt.date(2024, 1, 5), None)


def test_a_large_insert_spans_batches_in_order():
    rows_insert(Child, [{"child_id": f"B{n:05d}"} for n in range(12_001)])
    ids = list(Child.objects.order_by("pk").values_list("child_id", flat=True))
    assert ids == [f"B{n:05d}" for n in range(12_001)]
