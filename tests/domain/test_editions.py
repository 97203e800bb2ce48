"""What an edition said beside what the records say now, and a priority looked back on."""

from __future__ import annotations

from safeguard.domain.editions import PriorityReview, figure_at, figure_changes, flattened


def test_a_figure_path_names_keys_and_list_places():
    figures = {"timeliness": {"period": {"held": 6}}, "late": [{"days_late": 3}], "narrative": {}}

    assert dict(flattened(figures)) == {"timeliness.period.held": 6, "late[0].days_late": 3}


def test_a_changed_figure_reads_path_old_arrow_new():
    issued = {"timeliness": {"period": {"held": 6, "compliance_percent": 100.0}}}
    now = {"timeliness": {"period": {"held": 5, "compliance_percent": 100.0}}}

    changes = figure_changes(issued, now)

    assert [str(c) for c in changes] == ["timeliness.period.held: 6 -> 5"]


def test_a_figure_only_the_records_now_give_is_new_from_none():
    changes = figure_changes({"late": []}, {"late": [{"days_late": 4}]})

    assert [str(c) for c in changes] == ["late[0].days_late: none -> 4"]


def test_the_generated_sentences_are_not_compared():
    assert figure_changes({"narrative": {"a": ["x"]}}, {"narrative": {"a": ["y"]}}) == ()


def test_a_priority_looked_back_on_gives_its_figure_then_and_now():
    review = PriorityReview(
        said="Hold every initial conference on time",
        did="A weekly slot",
        figure="timeliness.period.compliance_percent",
        figure_then=97.5,
        figure_now=99.0,
    )

    assert review.changed == (
        "timeliness.period.compliance_percent: 97.5% in the last report, 99% in this one."
    )


def test_a_priority_without_a_figure_says_so():
    assert (
        PriorityReview("Said", "", "", None, None).changed
        == "No figure was linked to this priority."
    )


def test_a_figure_path_the_report_no_longer_gives_is_none():
    assert figure_at({"a": {"b": 1}}, "a.c") is None
