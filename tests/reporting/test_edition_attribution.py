"""What changed since an edition names, under each changed figure, the records that moved it
(issue 20, item 3; decision 0018): each record changed since is put back as it was and the
report counted again; a record whose change the trail cannot undo is named, labelled, under the
figures its kind feeds; a record that moves no figure is listed apart."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Plan
from safeguard.cases.services import plan_update
from safeguard.cli import main
from safeguard.conferences.models import Conference
from safeguard.conferences.services import conference_update
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.escalations.models import EscalationReason, OrganisationType
from safeguard.escalations.services import escalation_raise
from safeguard.reporting import attribution, editions
from safeguard.reporting.editions import edition_changes, edition_issue
from safeguard.reporting.models import Edition
from safeguard.reporting.renderers import ReportFormat
from tests.factories import make_user
from tests.reporting.test_views import load_authority

pytestmark = pytest.mark.django_db

JANUARY_TO_JUNE = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))


@pytest.fixture
def edition(tmp_path, monkeypatch) -> Edition:
    """Three children, each with a plan from 10 January 2022, an initial conference that day
    and a review on 8 April; the January-June report issued (its JSON only, for speed)."""
    monkeypatch.setattr(editions, "EDITION_FORMATS", (ReportFormat.json,))
    load_authority(tmp_path / "authority", 3)
    return edition_issue(
        period=JANUARY_TO_JUNE,
        count_by=CountBy.CHILD,
        include_informal=False,
        by=None,
        generated_on=dt.date(2022, 7, 15),
    )


@pytest.fixture
def pat():
    return make_user("manager", username="pat.manager", first_name="Pat", last_name="Khan")


def review_moved_to_july(by) -> None:
    review = Conference.objects.get(conference_id="R1")
    conference_update(
        conference=review,
        expected_version=review.version,
        by=by,
        held_on=dt.date(2022, 7, 4),
        out_of_timescale_reason="Rearranged",
    )


def plan_ended_in_may(by) -> None:
    plan = Plan.objects.get(plan_id="P2")
    plan_update(
        plan=plan,
        expected_version=plan.version,
        by=by,
        end_on=dt.date(2022, 5, 20),
        confirm_unusual=True,
    )


def named(account) -> set[str]:
    return {record.name for record in account.moved_by}


def test_a_review_moved_out_of_the_period_is_named_under_each_figure_it_moved(edition, pat):
    review_moved_to_july(pat)

    changes = edition_changes(edition, by=None)

    paths = {account.change.path for account in changes.figures}
    assert "timeliness.period.held" in paths
    assert "timeliness.period_by_type.review.held" in paths
    assert "conferences_by_month.2022[3]" in paths  # April's count
    assert not any(path.startswith(("plans.", "cp_population")) for path in paths)
    for account in changes.figures:
        assert named(account) == {"conference R1 (child C1)"}, account.change.path
        assert not account.may_have_moved
        (entry,) = account.moved_by[0].entries
        assert entry.by == "Pat Khan"
        assert "held_on: 2022-04-08 -> 2022-07-04" in entry.fields
    assert changes.moving_nothing == ()


def test_two_records_each_named_only_under_the_figures_it_moved(edition, pat):
    review_moved_to_july(pat)
    plan_ended_in_may(pat)

    accounts = {a.change.path: a for a in edition_changes(edition, by=None).figures}

    assert named(accounts["timeliness.period.held"]) == {"conference R1 (child C1)"}
    assert named(accounts["plans.ended"]) == {"plan P2 (child C2)"}
    assert named(accounts["cp_population.at_period_end"]) == {"plan P2 (child C2)"}
    assert accounts["plans.ended"].change.old == 0 and accounts["plans.ended"].change.new == 1


def test_a_change_that_moves_no_figure_is_listed_apart(edition, pat):
    initial = Conference.objects.get(conference_id="I0")
    conference_update(
        conference=initial,
        expected_version=initial.version,
        by=pat,
        strategy_discussion_on=dt.date(2022, 1, 4),  # still within 15 working days
    )

    changes = edition_changes(edition, by=None)

    assert changes.unchanged
    assert [record.name for record in changes.moving_nothing] == ["conference I0 (child C0)"]


def test_a_record_created_since_is_named_under_the_figures_it_added_to(edition, pat):
    escalation = escalation_raise(
        raised_on=dt.date(2022, 3, 1),
        organisation_type=OrganisationType.objects.get_or_create(name="GP's")[0],
        reason=EscalationReason.NO_REPORT,
        by=pat,
        today=dt.date(2022, 7, 15),
    )

    changes = edition_changes(edition, by=None)

    assert changes.figures
    escalation_figures = [a for a in changes.figures if a.change.path.startswith("escalations")]
    assert escalation_figures
    for account in changes.figures:
        assert named(account) == {f"escalation {escalation.escalation_id}"}, account.change.path
        assert account.moved_by[0].entries[0].action == "Created"


def test_a_record_deleted_since_is_named_as_one_that_may_have_moved_the_figures_of_its_kind(
    edition, pat
):
    Plan.objects.filter(plan_id="P1").delete()
    audit_record(
        actor=pat,
        action=AuditAction.DELETE,
        record_type="plan",
        record_id="P1",
        child_id="C1",
        summary="Destroyed under the retention schedule",
    )

    accounts = {a.change.path: a for a in edition_changes(edition, by=None).figures}

    at_end = accounts["cp_population.at_period_end"]
    assert at_end.moved_by == ()
    (record,) = at_end.may_have_moved
    assert record.name == "plan P1 (child C1)"
    assert "deleted" in record.why_not
    escalations = [a for path, a in accounts.items() if path.startswith("escalations")]
    assert escalations == []  # a plan feeds no escalation figure


def test_past_the_limit_no_record_is_undone_and_the_list_says_so(edition, pat, monkeypatch):
    monkeypatch.setattr(attribution, "MOST_RECORDS_UNDONE", 0)
    review_moved_to_july(pat)

    accounts = {a.change.path: a for a in edition_changes(edition, by=None).figures}

    held = accounts["timeliness.period.held"]
    assert held.moved_by == ()
    assert [r.name for r in held.may_have_moved] == ["conference R1 (child C1)"]
    assert "more than 0 records changed" in held.may_have_moved[0].why_not


def test_the_changes_command_prints_each_figure_with_its_record_and_who(edition, pat, capsys):
    review_moved_to_july(pat)
    initial = Conference.objects.get(conference_id="I0")
    conference_update(
        conference=initial,
        expected_version=initial.version,
        by=pat,
        strategy_discussion_on=dt.date(2022, 1, 4),
    )

    assert main(["report", "--changes-since", edition.edition_id]) == 0

    output = capsys.readouterr().out
    held = output.index("  timeliness.period.held: 6 -> 5\n")
    record = "    conference R1 (child C1) changed by Pat Khan on "
    assert output.index(record, held) == output.index("\n", held) + 1
    assert "held_on: 2022-04-08 -> 2022-07-04" in output
    moving_nothing = output.index("Records changed since the edition that move no figure (1):")
    assert "  conference I0 (child C0) changed by Pat Khan" in output[moving_nothing:]
    assert "conference I0" not in output[:moving_nothing]


def test_the_changes_page_groups_the_records_under_each_figure(edition, pat, signed_in_client):
    review_moved_to_july(pat)
    plan_ended_in_may(pat)

    page = (
        signed_in_client("manager")
        .get(f"/reports/editions/{edition.edition_id}/changes/")
        .content.decode()
    )

    held = page.index("<code>timeliness.period.held</code>: 6 -&gt; 5")
    ended = page.index("<code>plans.ended</code>: 0 -&gt; 1")
    next_figure = page.index("<code>", held + 10)
    assert "conference R1 (child C1)" in page[held:next_figure]
    assert "plan P2" not in page[held:next_figure]
    assert "changed by Pat Khan" in page[held:next_figure]
    assert "plan P2 (child C2)" in page[ended : page.find("<code>", ended + 10)]


def test_a_members_reader_sees_the_figures_and_no_record(edition, pat, signed_in_client):
    review_moved_to_july(pat)

    page = (
        signed_in_client("analyst")
        .get(f"/reports/editions/{edition.edition_id}/changes/")
        .content.decode()
    )

    assert "<code>timeliness.period.held</code>: 6 -&gt; 5" in page
    assert "conference R1" not in page and "Pat Khan" not in page


def test_a_record_created_and_deleted_since_moves_nothing(edition, pat):
    escalation = escalation_raise(
        raised_on=dt.date(2022, 3, 1),
        organisation_type=OrganisationType.objects.get_or_create(name="GP's")[0],
        reason=EscalationReason.NO_REPORT,
        by=pat,
        today=dt.date(2022, 7, 15),
    )
    escalation.delete()
    audit_record(
        actor=pat,
        action=AuditAction.DELETE,
        record_type="escalation",
        record_id=escalation.escalation_id,
        summary="Recorded in error",
    )

    changes = edition_changes(edition, by=None)

    assert changes.unchanged
    (record,) = changes.moving_nothing
    assert [entry.action for entry in record.entries] == ["Created", "Deleted"]


def test_the_changes_count_the_report_once_now_and_once_for_each_record_changed(
    edition, pat, monkeypatch
):
    # Its cost at a large authority (docs/benchmarks.md, "What has changed since an edition"):
    # each count is a whole report, so the page's time is the report's times 1 + records changed.
    counted = []
    build = editions.report_build

    def counting(**kwargs):
        counted.append(kwargs["period"])
        return build(**kwargs)

    monkeypatch.setattr(editions, "report_build", counting)
    review_moved_to_july(pat)
    plan_ended_in_may(pat)

    edition_changes(edition, by=None)

    assert counted == [JANUARY_TO_JUNE] * 3
