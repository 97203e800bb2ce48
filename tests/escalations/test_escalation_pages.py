"""The escalations log (filtered, exported as CSV), raising and changing an escalation; a Senior
Liaison Officer sees their cover only, and never a child."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.conferences.models import Chair
from safeguard.escalations.models import Escalation
from tests.factories import (
    make_area,
    make_child,
    make_escalation,
    make_liaison_officer,
    make_organisation_type,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    north, south = make_area("North"), make_area("South")
    gp, police = make_organisation_type("GP"), make_organisation_type("Police")
    child = make_child(child_id="C-SECRET", given_name="Philomena", family_name="Quartermaine")
    rows = {
        "gp-north-open": make_escalation(
            escalation_id="E-1", organisation_type=gp, area=north, child=child,
            raised_on=dt.date(2024, 4, 10), stage=1,
        ),
        "gp-south-resolved": make_escalation(
            escalation_id="E-2", organisation_type=gp, area=south, child=child,
            raised_on=dt.date(2024, 5, 2), stage=2, resolved_on=dt.date(2024, 6, 1),
        ),
        "police-north-informal": make_escalation(
            escalation_id="E-3", organisation_type=police, area=north, child=child,
            raised_on=dt.date(2024, 7, 20), formal=False, stage=None,
        ),
    }  # fmt: skip
    return {"north": north, "south": south, "gp": gp, "police": police, **rows}


def ids_on(page: str) -> set[str]:
    return {e for e in ("E-1", "E-2", "E-3") if f"escalation {e}<" in page}


def test_the_log_filters_by_period_organisation_area_stage_and_status(signed_in_client, log):
    client = signed_in_client(Role.CHAIR)

    def shown(**query):
        return ids_on(client.get("/escalations/", query).content.decode())

    assert shown() == {"E-1", "E-2", "E-3"}
    assert shown(since_day=1, since_month=5, since_year=2024, until_day=30, until_month=6,
                 until_year=2024) == {"E-2"}  # fmt: skip
    assert shown(organisation_type=log["gp"].pk) == {"E-1", "E-2"}
    assert shown(area=log["north"].pk) == {"E-1", "E-3"}
    assert shown(stage="2") == {"E-2"}
    assert shown(stage="informal") == {"E-3"}
    assert shown(status="open") == {"E-1", "E-3"}
    assert shown(status="resolved") == {"E-2"}


def test_the_log_shows_the_newest_escalation_first_and_the_csv_keeps_time_order(
    signed_in_client, log
):
    client = signed_in_client(Role.MANAGER)
    page = client.get("/escalations/").content.decode()
    assert (
        page.index("escalation E-3<")
        < page.index("escalation E-2<")
        < page.index("escalation E-1<")
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/escalations/export.csv").content.decode())))
    assert [r["escalation_id"] for r in rows] == ["E-1", "E-2", "E-3"]


def test_a_period_that_ends_before_it_starts_is_an_error(signed_in_client, log):
    page = signed_in_client(Role.MANAGER).get(
        "/escalations/",
        {"since_day": 2, "since_month": 5, "since_year": 2024,
         "until_day": 1, "until_month": 5, "until_year": 2024},
    ).content.decode()  # fmt: skip
    assert "Raised to must be the same as or after raised from" in page


def test_the_export_is_the_filtered_log_as_csv_and_is_audited(signed_in_client, log):
    client = signed_in_client(Role.MANAGER)
    response = client.get("/escalations/export.csv", {"organisation_type": log["gp"].pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["escalation_id"] for r in rows] == ["E-1", "E-2"]
    assert rows[1]["status"] == "resolved" and rows[1]["resolved_on"] == "2024-06-01"
    assert rows[0]["child_id"] == "C-SECRET"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=client.user)
    assert "2 escalations" in entry.summary


def test_a_liaison_officer_sees_their_cover_without_any_child(signed_in_client, log):
    officer = make_liaison_officer(organisation_types=[log["gp"]], areas=[log["north"]])
    client = signed_in_client(user=officer)

    page = client.get("/escalations/").content.decode()
    csv_text = client.get("/escalations/export.csv").content.decode()
    detail = client.get("/escalations/E-1/").content.decode()

    assert ids_on(page) == {"E-1"}
    for text in (page, csv_text, detail):
        assert "C-SECRET" not in text
        assert "Philomena" not in text and "Quartermaine" not in text
    assert "child_id" not in csv_text.splitlines()[0]
    assert client.get("/escalations/E-2/").status_code == 404  # another area: as if missing
    assert client.get("/escalations/E-1/edit/").status_code == 403


def test_the_log_costs_the_same_queries_for_3_or_30_escalations(
    signed_in_client, django_assert_max_num_queries, log
):
    client = signed_in_client(Role.MANAGER)
    chair = Chair.objects.create(name="Jo Chair")
    client.get("/escalations/")
    with django_assert_max_num_queries(20) as few:
        client.get("/escalations/")
    for _ in range(27):
        make_escalation(
            organisation_type=log["police"], area=log["south"], child=make_child(), raised_by=chair
        )
    with django_assert_max_num_queries(len(few)):
        assert "30 escalations" in client.get("/escalations/").content.decode()


def raise_form(organisation_type, **values) -> dict:
    data = {
        "child": "C-SECRET",
        "raised_on_day": 1, "raised_on_month": 7, "raised_on_year": 2024,
        "organisation_type": organisation_type.pk,
        "organisation_name": "Hill Surgery",
        "area": "",
        "reason": "late_report",
        "formal": "True",
        "stage": "1",
        "raised_by": "",
        "resolved_on_day": "", "resolved_on_month": "", "resolved_on_year": "",
    }  # fmt: skip
    data.update(values)
    return data


def test_a_chair_raises_an_escalation_in_the_childs_area(signed_in_client, log):
    client = signed_in_client(Role.CHAIR)
    Escalation.objects.all().delete()
    make_child(child_id="C-SOUTH", area=log["south"])
    response = client.post("/escalations/raise/", raise_form(log["gp"], child="C-SOUTH"))
    escalation = Escalation.objects.get()
    assert response["Location"] == f"/escalations/{escalation.escalation_id}/"
    assert escalation.area == log["south"] and escalation.stage == 1 and escalation.formal
    assert escalation.raised_on == dt.date(2024, 7, 1)


def test_an_informal_escalation_has_no_stage_and_is_not_resolved_before_it_is_raised(
    signed_in_client, log
):
    page = signed_in_client(Role.CHAIR).post(
        "/escalations/raise/",
        raise_form(log["gp"], formal="False", stage="2",
                   resolved_on_day=1, resolved_on_month=6, resolved_on_year=2024),
    ).content.decode()  # fmt: skip
    assert "An informal escalation has no stage" in page
    assert "Date resolved must be the same as or after date raised" in page
    assert 'href="#id_stage"' in page


def test_resolving_an_escalation_refuses_the_later_of_two_saves(signed_in_client, log):
    first, second = signed_in_client(Role.CHAIR), signed_in_client(Role.MANAGER)
    escalation = log["gp-north-open"]
    url = f"/escalations/{escalation.escalation_id}/edit/"
    common = {"child": "", "raised_on_day": 10, "raised_on_month": 4, "raised_on_year": 2024,
              "area": log["north"].pk, "version": escalation.version}  # fmt: skip
    first.post(url, raise_form(log["gp"], **common, stage="2"))
    refused = second.post(
        url,
        raise_form(log["gp"], **common, resolved_on_day=3, resolved_on_month=5,
                   resolved_on_year=2024),
    )  # fmt: skip
    page = refused.content.decode()
    assert "Somebody else changed this record" in page
    assert "Stage 2" in page and "3 May 2024" in page
    escalation.refresh_from_db()
    assert escalation.stage == 2 and escalation.resolved_on is None


def test_the_export_neutralises_text_a_spreadsheet_would_run(signed_in_client):
    typed = '=HYPERLINK("http://x","y")'
    make_escalation(
        escalation_id="E-9", organisation_type=make_organisation_type("@GP"),
        organisation_name=typed, area=make_area("-North"), raised_on=dt.date(2024, 4, 10),
    )  # fmt: skip

    csv_text = signed_in_client(Role.MANAGER).get("/escalations/export.csv").content.decode()

    row = next(csv.DictReader(io.StringIO(csv_text)))
    assert row["organisation_name"] == "'" + typed
    assert (row["organisation_type"], row["area"]) == ("'@GP", "'-North")
    assert row["raised_on"] == "2024-04-10"
