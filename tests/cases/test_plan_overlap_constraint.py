"""On PostgreSQL the database itself refuses two overlapping plans of one child (R112)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from safeguard.cases.models import Child, Plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgresql  # an exclusion constraint of PostgreSQL
def test_postgresql_refuses_overlapping_plans_of_one_child_at_commit():
    child = Child.objects.create(child_id="C1")
    Plan.objects.create(plan_id="P1", child=child, start_on=dt.date(2022, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(plan_id="P2", child=child, start_on=dt.date(2022, 6, 1))
    Plan.objects.filter(plan_id="P1").update(end_on=dt.date(2022, 6, 1))
    Plan.objects.create(plan_id="P2", child=child, start_on=dt.date(2022, 6, 1))  # touching
    assert Plan.objects.count() == 2
