"""The SSD as a second door onto the same records: a sync into an authority loaded from its
exchange bundle leaves Safeguard's own records as they were, adds no conference, and changes
no report figure; conferences a chair recorded first are matched, not duplicated."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from safeguard.cases.models import Allocation, Child, Enquiry, Plan, Population
from safeguard.conferences.models import Conference, Invitation, Meeting
from safeguard.demo.ssd_extract import write_ssd_extract
from safeguard.demo.synthetic import write_synthetic_bundle
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.escalations.models import Escalation, EscalationStep
from safeguard.exchange.importer import bundle_import
from safeguard.monitoring.models import MonitoringCheck
from safeguard.reporting.selectors import report_inputs
from safeguard.ssd.models import SsdHolding
from safeguard.ssd.reconcile import ssd_differences
from safeguard.ssd.services import ssd_import

pytestmark = pytest.mark.django_db

SAFEGUARD_OWNED = (Escalation, EscalationStep, MonitoringCheck, Invitation, Meeting)
CONFERENCE_FIELDS_OF_SAFEGUARD = (
    "conference_id",
    "meeting_id",
    "chair_id",
    "child_attended",
    "advocate_involved",
    "views_shared_via",
    "preparation_session",
    "participation_code",
    "out_of_timescale_reason",
    "category",
    "parents_attended",
    "status",
    "version",
)


@pytest.fixture
def authority(tmp_path: Path) -> tuple[Path, Path]:
    bundle = tmp_path / "bundle"
    write_synthetic_bundle(bundle, children=120, years=3, seed=7, end_on=dt.date(2024, 3, 31))
    extract = tmp_path / "ssd"
    write_ssd_extract(bundle, extract)
    return bundle, extract


def _snapshot() -> dict[str, list]:
    shot = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in SAFEGUARD_OWNED
    }
    shot["Conference"] = list(
        Conference.objects.order_by("pk").values("pk", *CONFERENCE_FIELDS_OF_SAFEGUARD)
    )
    shot["Plan.end_reason"] = list(Plan.objects.order_by("pk").values_list("pk", "end_reason"))
    return shot


def _figures():
    inputs = report_inputs(
        period=Period(dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
        count_by=CountBy.CHILD,
        generated_on=dt.date(2024, 4, 2),
    )
    return dataclasses.asdict(inputs)


def test_a_sync_into_the_authority_loaded_from_its_bundle_keeps_safeguards_own_records(authority):
    bundle, extract = authority
    assert bundle_import(path=bundle, by=None).ok
    assert Escalation.objects.exists() and MonitoringCheck.objects.exists()
    assert Invitation.objects.exists()
    before, figures, conferences = _snapshot(), _figures(), Conference.objects.count()

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok, result.problems[:5]
    assert Conference.objects.count() == conferences
    assert result.counts["conference"].added == 0
    assert result.counts["conference"].changed == 0
    assert _snapshot() == before
    after = _figures()
    # The bundle carries no enquiries.csv; the extract's section 47 enquiries are the SSD's to
    # add (it owns enquiries), so only that figure, absent before, appears. Nothing else moves.
    assert figures["additions"]["enquiries"] is None
    assert after["additions"].pop("enquiries")["strategy_discussions"] > 0
    figures["additions"].pop("enquiries")
    assert after == figures
    assert Allocation.objects.filter(role="social_worker").exclude(team="").exists()


def test_conferences_recorded_first_in_safeguard_are_matched_by_child_type_and_date(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    held = SsdHolding.objects.filter(kind="conference")
    assert held.exists()
    for holding in held[:50]:
        assert holding.source_id.startswith(("icpc-", "cppr-"))
        assert Conference.objects.filter(conference_id=holding.record_id).exists()
        assert not holding.record_id.startswith(("icpc-", "cppr-"))


def test_an_unchanged_extract_is_recognised_and_writes_nothing(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    versions = list(Child.objects.order_by("pk").values_list("version", flat=True))

    again = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert again.unchanged
    assert list(Child.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_changed_row_changes_only_its_child_and_the_preview_names_it(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    plans = extract / "ssd_cp_plans.csv"
    lines = plans.read_text().splitlines()
    first = lines[1].split(",")
    plan_id, old_category = first[0], first[-1]
    first[-1] = "Physical abuse" if old_category != "Physical abuse" else "Neglect"
    lines[1] = ",".join(first)
    plans.write_text("\r\n".join(lines) + "\r\n")

    preview = ssd_import(path=extract, by=None, dry_run=True, today=dt.date(2024, 4, 2))

    assert preview.ok
    assert [(c.kind, c.record_id, c.action) for c in preview.changes] == [
        ("plan", plan_id, "changed")
    ]
    assert "latest_category" in preview.changes[0].detail
    assert preview.children_compared == 1, (
        preview.children_compared
    )  # only the changed child is read again
    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    assert result.counts["plan"].changed == 1
    assert Plan.objects.get(plan_id=plan_id).latest_category in ("PHY", "NEG")


def test_records_the_extract_no_longer_holds_are_listed_as_withdrawn_never_removed(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    reviews = extract / "ssd_cp_reviews.csv"
    lines = reviews.read_text().splitlines()
    gone = lines.pop(1).split(",")[0]
    reviews.write_text("\r\n".join(lines) + "\r\n")
    conferences = Conference.objects.count()

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok
    assert [(c.kind, c.action) for c in result.changes] == [("conference", "withdrawn")]
    assert result.changes[0].record_id == gone
    assert Conference.objects.count() == conferences
    lines = [str(d) for d in ssd_differences()]
    assert any(f"Safeguard conference {gone} " in line for line in lines)


def test_a_blank_in_the_extract_never_erases_a_value_recorded_in_safeguard(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    plan = Plan.objects.exclude(end_on=None).order_by("plan_id").first()
    plans = extract / "ssd_cp_plans.csv"
    text = plans.read_text()
    ended = f"{plan.end_on.isoformat()} 00:00:00.000"
    row = next(line for line in text.splitlines() if line.startswith(plan.plan_id + ","))
    plans.write_text(text.replace(row, row.replace(ended, "NULL")))

    assert ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2)).ok

    plan.refresh_from_db()
    assert plan.end_on is not None
    assert any(
        f"extract plan {plan.plan_id}, Safeguard plan {plan.plan_id}: open in the extract, "
        f"ended {plan.end_on} in Safeguard" in str(d)
        for d in ssd_differences()
    )


def test_the_ssd_fills_a_blank_quoracy_and_participation_and_never_overwrites_them(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    reviews = extract / "ssd_cp_reviews.csv"
    lines = reviews.read_text().splitlines()
    header = lines[0].split(",")
    quorate_at = header.index("cppr_cp_review_quorate")
    participation_at = header.index("cppr_cp_review_participation")
    cells = [line.split(",") for line in lines[1:3]]
    for row in cells:
        row[quorate_at] = "N"
        row[participation_at] = "PN7"
    lines[1:3] = [",".join(row) for row in cells]
    reviews.write_text("\r\n".join(lines) + "\r\n")
    first, second = (Conference.objects.get(conference_id=row[0]) for row in cells)
    Conference.objects.filter(pk=first.pk).update(quorate=True, participation_code="PN1")
    Conference.objects.filter(pk=second.pk).update(quorate=None, participation_code="")

    assert ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2)).ok

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.quorate, first.participation_code) == (True, "PN1")
    assert (second.quorate, second.participation_code) == (False, "PN7")


def test_enquiries_come_from_the_extract_with_their_strategy_discussions(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    enquiry = Enquiry.objects.order_by("enquiry_id").first()
    assert enquiry is not None and enquiry.outcome == "conference"


SSD_FIGURES = (
    "on_plan_at",
    "unborn_initial_year_to_period_end",
    "unborn_initial_previous_year",
    "conferences_per_month",
    "timeliness_last_complete_year",
    "timeliness_period",
    "plans",
)


def _records_removed() -> None:
    for model in (
        EscalationStep,
        Escalation,
        MonitoringCheck,
        Invitation,
        Conference,
        Meeting,
        Enquiry,
        Allocation,
        Plan,
        Child,
    ):
        model.objects.all().delete()


def test_the_extract_alone_gives_the_figures_its_bundle_gives_that_the_ssd_carries(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    from_bundle = _figures()
    _records_removed()

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok, result.problems[:5]
    from_extract = _figures()
    for name in SSD_FIGURES:
        assert from_extract[name] == from_bundle[name], name


# The version 2 figures the SSD carries: every one read from children, plans, held conferences
# and enquiries. Not carried: `chairs` (the chair of a conference is Safeguard's), the
# escalations' figures (Safeguard's) and `rate_per_10000`, whose population estimates
# (population.csv) are not in the SSD: after an SSD import alone it is null until the
# estimates are entered or imported.
SSD_FIGURES_V2 = (
    "population_profile",
    "age_band_year_earlier",
    "category_at_period_end",
    "category_year_earlier",
    "population_change",
    "second_or_subsequent_within_2_years",
    "ended_by_length",
    "reaching_2_years_soon",
    "initial_conferences",
    "enquiries",
)
SSD_NOT_CARRIED_V2 = (
    "chairs",
    "escalations_resolution",
    "escalations_by_organisation_previous_period",
    "rate_per_10000",
)


@pytest.fixture
def authority_v2(tmp_path: Path) -> tuple[Path, Path]:
    """The authority with what version 2 adds: its children's disability yes, no or not
    recorded, every sex code and ethnicities in every group, its section 47 enquiries and its
    population estimates."""
    bundle = tmp_path / "bundle"
    write_synthetic_bundle(bundle, children=120, years=3, seed=7, end_on=dt.date(2024, 3, 31))
    children = bundle / "children.csv"
    with children.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ethnicities = ("WBRI", "MWBA", "AIND", "BAFR", "CHNE", "OOTH", "REFU", "NOBT", "", "WIRT")
    for number, row in enumerate(rows):
        row["disability"] = ("yes", "no", "")[number % 3]
        row["sex"] = ("M", "F", "U", "")[number % 4]
        row["ethnicity"] = ethnicities[number % len(ethnicities)]
    with children.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    (bundle / "population.csv").write_text("year,children\r\n2023,52000\r\n2024,52400\r\n")
    # Its section 47 enquiries: each initial conference's, and others with no further action
    # or still open at the period end.
    with (bundle / "conferences.csv").open(encoding="utf-8", newline="") as handle:
        initials = [
            c
            for c in csv.DictReader(handle)
            if c["conference_type"] == "initial" and c["strategy_discussion_date"]
        ]
    enquiries = ["enquiry_id,child_id,strategy_discussion_date,outcome,end_date"]
    for number, c in enumerate(initials):
        enquiries.append(
            f"E{number},{c['child_id']},{c['strategy_discussion_date']},conference,{c['date']}"
        )
    for number, row in enumerate(rows[::7]):
        started = dt.date(2023, 5, 1) + dt.timedelta(days=23 * number)
        outcome, ended = ("", "") if number % 4 == 3 else ("no_further_action", started)
        enquiries.append(f"N{number},{row['child_id']},{started},{outcome},{ended}")
    (bundle / "enquiries.csv").write_text("\r\n".join(enquiries) + "\r\n")
    extract = tmp_path / "ssd"
    write_ssd_extract(bundle, extract)
    return bundle, extract


def test_the_extract_alone_gives_the_version_2_figures_its_bundle_gives_that_the_ssd_carries(
    authority_v2,
):
    bundle, extract = authority_v2
    assert bundle_import(path=bundle, by=None).ok
    from_bundle = _figures()["additions"]
    profile = from_bundle["population_profile"]
    assert dict(profile["disability"]["entries"])["yes"] > 0
    assert dict(profile["sex"]["entries"])["U"] > 0
    assert from_bundle["initial_conferences"]["no_plan"] > 0
    assert from_bundle["enquiries"]["no_further_action"] > 0
    assert from_bundle["enquiries"]["waiting_at_period_end"] > 0
    assert from_bundle["rate_per_10000"] is not None
    _records_removed()
    Population.objects.all().delete()

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok, result.problems[:5]
    from_extract = _figures()["additions"]
    for name in SSD_FIGURES_V2:
        assert from_extract[name] == from_bundle[name], name
    assert from_extract["rate_per_10000"] is None  # no population estimates in the SSD
    assert set(from_bundle) - set(SSD_FIGURES_V2) - set(SSD_NOT_CARRIED_V2) == {"previous_period"}


def test_a_booked_conference_the_extract_says_was_held_becomes_held_not_a_second_one(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    review = Conference.objects.filter(kind="review").order_by("conference_id").first()
    Conference.objects.filter(pk=review.pk).update(status="booked")
    conferences = Conference.objects.count()

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok, result.problems[:5]
    review.refresh_from_db()
    assert review.status == "held"
    assert Conference.objects.count() == conferences


def test_a_plan_the_extract_no_longer_holds_is_listed_by_the_reconciliation_and_kept(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    plans = extract / "ssd_cp_plans.csv"
    lines = plans.read_text().splitlines()
    gone = lines[-1].split(",")[0]
    plans.write_text("\r\n".join(lines[:-1]) + "\r\n")

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok
    assert ("plan", gone, "withdrawn") in [(c.kind, c.record_id, c.action) for c in result.changes]
    assert Plan.objects.filter(plan_id=gone).exists()
    assert any(f"Safeguard plan {gone} (" in str(d) for d in ssd_differences())


def _holdings() -> set[tuple]:
    return {
        (*row[:5], json.dumps(row[5], sort_keys=True))
        for row in SsdHolding.objects.values_list(
            "kind", "source_id", "record_id", "child_id", "digest", "values"
        )
    }


def _forename_changed(extract: Path) -> str:
    """The first person's forename changed in the extract (as the bench's 1% change does)."""
    persons = extract / "ssd_person.csv"
    rows = list(csv.reader(persons.read_text().splitlines()))
    column = rows[0].index("pers_forename")
    rows[1][column] += "x"
    persons.write_text("\r\n".join(",".join(row) for row in rows) + "\r\n")
    return rows[1][rows[0].index("pers_person_id")]


def test_a_changed_child_rewrites_its_own_holding_and_leaves_its_records_holdings(authority):
    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    first = _holdings()
    pks = dict(SsdHolding.objects.values_list("source_id", "pk"))
    original = (extract / "ssd_person.csv").read_bytes()
    child = _forename_changed(extract)

    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    rewritten = _holdings() - first
    assert [(h[0], h[1]) for h in rewritten] == [("child", child)]
    records = SsdHolding.objects.filter(child_id=child).exclude(kind="child")
    assert records.exists()
    assert all(pks[h.source_id] == h.pk for h in records)  # not written again
    (extract / "ssd_person.csv").write_bytes(original)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    assert _holdings() == first


def test_a_run_kept_before_row_digests_were_packed_still_names_the_changed_persons(authority):
    from safeguard.ssd.models import SsdRun
    from safeguard.ssd.services import _row_digests_unpacked

    bundle, extract = authority
    bundle_import(path=bundle, by=None)
    ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))
    run = SsdRun.objects.exclude(row_digests=None).get()
    run.row_digests = _row_digests_unpacked(run.row_digests)  # the JSON object kept before
    run.save()
    _forename_changed(extract)

    result = ssd_import(path=extract, by=None, today=dt.date(2024, 4, 2))

    assert result.ok
    assert result.children_compared == 1
    assert result.counts["child"].changed == 1
