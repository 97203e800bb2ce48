"""An escalation's history (issue 19): changes of stage and notes are dated steps with who
recorded them, shown as a timeline; the escalation's stage is always its latest step's.
Good practice is recorded beside escalations and listed, by area as escalations are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditEntry
from safeguard.escalations.models import Escalation, EscalationStep, GoodPractice
from safeguard.escalations.selectors import escalation_timeline, good_practice_visible_to
from safeguard.escalations.services import (
    escalation_raise,
    escalation_step_record,
    escalation_update,
    good_practice_record,
)
from tests.factories import (
    make_area,
    make_child,
    make_escalation,
    make_liaison_officer,
    make_organisation_type,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def raised():
    chair = make_user(Role.CHAIR, username="chair.history")
    escalation = escalation_raise(
        raised_on=dt.date(2026, 11, 2),
        organisation_type=make_organisation_type("GP"),
        reason="no_report",
        by=chair,
        today=TODAY,
        child=make_child(child_id="C-HIST"),
    )
    return escalation, chair


def _step(escalation, chair, *, on, stage, note=""):
    escalation.refresh_from_db()
    return escalation_step_record(
        escalation=escalation,
        on=on,
        stage=stage,
        note=note,
        expected_version=escalation.version,
        by=chair,
        today=TODAY,
    )


def test_raising_an_escalation_records_its_first_step(raised):
    escalation, chair = raised
    (step,) = escalation.steps.all()
    assert (step.on, step.stage, step.recorded_by) == (dt.date(2026, 11, 2), 1, chair)
    assert step.recorded_at is not None


def test_the_stage_is_the_latest_steps_stage_and_earlier_steps_are_kept(raised):
    escalation, chair = raised
    _step(escalation, chair, on=dt.date(2026, 11, 20), stage=2, note="Practice manager phoned")
    _step(escalation, chair, on=dt.date(2026, 12, 1), stage=3)
    escalation.refresh_from_db()
    assert escalation.stage == 3
    assert list(escalation.steps.values_list("stage", flat=True)) == [1, 2, 3]
    titles = [entry.title for entry in escalation_timeline(escalation=escalation)]
    assert titles == ["Raised at stage 1", "Moved to stage 2", "Moved to stage 3"]


def test_a_note_alone_keeps_the_stage(raised):
    escalation, chair = raised
    _step(escalation, chair, on=dt.date(2026, 11, 5), stage=1, note="Letter sent")
    escalation.refresh_from_db()
    assert escalation.stage == 1
    assert escalation_timeline(escalation=escalation)[-1].title == "Note"


def test_a_step_that_changes_nothing_and_says_nothing_is_refused(raised):
    escalation, chair = raised
    with pytest.raises(ValidationError, match="new stage or enter a note"):
        _step(escalation, chair, on=dt.date(2026, 11, 5), stage=1)


@pytest.mark.parametrize(
    "on, message",
    [
        (dt.date(2026, 12, 8), "today or in the past"),
        (dt.date(2026, 11, 1), "after the date raised"),
    ],
)
def test_a_step_is_dated_between_the_raising_and_today(raised, on, message):
    escalation, chair = raised
    with pytest.raises(ValidationError, match=message):
        _step(escalation, chair, on=on, stage=2)


def test_a_step_cannot_be_dated_before_the_latest_step(raised):
    escalation, chair = raised
    _step(escalation, chair, on=dt.date(2026, 11, 20), stage=2)
    with pytest.raises(ValidationError, match="latest step \\(20 November 2026\\)"):
        _step(escalation, chair, on=dt.date(2026, 11, 10), stage=3)
    assert Escalation.objects.get().stage == 2


def test_an_informal_escalation_takes_no_stage(raised):
    escalation, chair = raised
    Escalation.objects.filter(pk=escalation.pk).update(formal=False, stage=None)
    with pytest.raises(ValidationError, match="informal escalation has no stage"):
        _step(escalation, chair, on=dt.date(2026, 11, 20), stage=2)


def test_changing_the_stage_on_the_escalations_form_writes_a_step(raised):
    escalation, chair = raised
    escalation_update(
        escalation=escalation, expected_version=escalation.version, by=chair, today=TODAY, stage=2
    )
    latest = EscalationStep.objects.order_by("id").last()
    assert (latest.stage, latest.on, latest.recorded_by) == (2, TODAY, chair)


def test_a_step_is_audited(raised):
    escalation, chair = raised
    _step(escalation, chair, on=dt.date(2026, 11, 20), stage=2, note="Called")
    entry = AuditEntry.objects.filter(record_id=escalation.escalation_id).order_by("id").last()
    assert entry.actor == chair and "Step recorded on 2026-11-20: stage 2" in entry.summary


def test_the_escalations_page_shows_the_timeline_with_dates_stages_notes_and_who(
    signed_in_client,
):
    client = signed_in_client(Role.CHAIR)
    escalation = make_escalation(raised_on=dt.date(2026, 11, 2), stage=1)
    EscalationStep.objects.create(escalation=escalation, on=dt.date(2026, 11, 2), stage=1)
    page = f"/escalations/{escalation.escalation_id}/steps/add/"
    response = client.post(
        page,
        {"on_day": 20, "on_month": 11, "on_year": 2026, "stage": 2, "note": "Phoned the surgery",
         "version": escalation.version},
    )  # fmt: skip
    assert response.status_code == 302
    detail = client.get(f"/escalations/{escalation.escalation_id}/").content.decode()
    assert "Moved to stage 2" in detail and "Phoned the surgery" in detail
    assert "20 November 2026" in detail and str(client.user) in detail
    assert detail.index("Moved to stage 2") < detail.index("Raised at stage 1")  # latest first


def test_a_step_without_a_change_or_a_note_is_an_error_on_the_page(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    escalation = make_escalation(raised_on=dt.date(2026, 11, 2), stage=1)
    response = client.post(
        f"/escalations/{escalation.escalation_id}/steps/add/",
        {"on_day": 20, "on_month": 11, "on_year": 2026, "stage": 1, "note": "",
         "version": escalation.version},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Select a new stage or enter a note" in response.content.decode()
    assert not EscalationStep.objects.exists()


# ---- good practice ---------------------------------------------------------------------------


def test_good_practice_is_recorded_and_audited():
    chair = make_user(Role.CHAIR)
    good = good_practice_record(
        recorded_on=TODAY,
        organisation_type=make_organisation_type("GP"),
        organisation_name="Hill Surgery",
        description="  Thorough report, on time  ",
        by=chair,
        today=TODAY,
    )
    assert good.description == "Thorough report, on time"
    assert AuditEntry.objects.filter(record_type="good practice", actor=chair).exists()


def test_good_practice_needs_a_description_and_a_date_not_in_the_future():
    gp = make_organisation_type("GP")
    with pytest.raises(ValidationError, match="Describe"):
        good_practice_record(
            recorded_on=TODAY, organisation_type=gp, description=" ", by=None, today=TODAY
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        good_practice_record(
            recorded_on=TODAY + dt.timedelta(days=1),
            organisation_type=gp,
            description="x",
            by=None,
            today=TODAY,
        )


def test_good_practice_is_seen_by_area_as_escalations_are(client):
    north, south = make_area("North"), make_area("South")
    gp, police = make_organisation_type("GP"), make_organisation_type("Police")
    rows = {}
    for name, area, kind in (("north", north, gp), ("south", south, gp), ("none", None, police)):
        rows[name] = GoodPractice.objects.create(
            recorded_on=TODAY, organisation_type=kind, area=area, description=name
        )

    def seen(user):
        client.logout()
        sign_in(client, user)
        verified = client.get("/").wsgi_request.user
        return {g.description for g in good_practice_visible_to(user=verified)}

    assert seen(make_user(Role.MANAGER)) == {"north", "south", "none"}
    assert seen(make_user(Role.CHAIR, areas=[north])) == {"north", "none"}
    assert seen(make_liaison_officer(organisation_types=[gp], areas=[south])) == {"south"}
    assert seen(make_user(Role.BUSINESS_SUPPORT, areas=[north])) == set()
    assert seen(make_user(Role.ANALYST)) == set()


def test_the_good_practice_pages_record_and_list_it(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    gp = make_organisation_type("GP")
    response = client.post(
        "/good-practice/record/",
        {"recorded_on_day": 1, "recorded_on_month": 12, "recorded_on_year": 2026,
         "organisation_type": gp.pk, "organisation_name": "Hill Surgery",
         "description": "Report on time and the GP attended"},
    )  # fmt: skip
    assert response.status_code == 302
    listing = client.get("/good-practice/").content.decode()
    assert "Hill Surgery" in listing and "Report on time and the GP attended" in listing
    assert AuditEntry.objects.filter(actor=client.user, record_type="good practice").count() == 2
