"""The living demo, continued to the day the tests run, looks like a unit's working day: reviews
and checks falling due in the coming weeks, a few overdue, conferences booked, strategy
discussions waiting for their initial conference, and a last half-year with figures."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

import pytest

from safeguard.demo.authority import build_demo_tables

TODAY = dt.date.today()


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict[str, str]]]:
    return build_demo_tables(today=TODAY)


def _held(row: dict[str, str]) -> bool:
    return row.get("status", "") in ("", "held")


@pytest.fixture(scope="module")
def reviews(tables) -> dict[str, tuple[dt.date, bool]]:
    """Each open plan's next review: its due date, and whether it is booked."""
    conferences = defaultdict(list)
    for row in tables["conferences.csv"]:
        conferences[row["child_id"]].append(row)
    result = {}
    for plan in tables["cp_plans.csv"]:
        if plan["end_date"]:
            continue
        rows = [r for r in conferences[plan["child_id"]] if r["date"] >= plan["start_date"]]
        held = [r for r in rows if _held(r)]
        last = max(held, key=lambda r: r["date"])
        months = 6 if last["conference_type"] == "review" else 3
        booked = any(not _held(r) and r["conference_type"] == "review" for r in rows)
        result[plan["plan_id"]] = (_add_months(_date(last["date"]), months), booked)
    return result


def test_reviews_fall_due_in_the_coming_four_weeks_and_fewer_are_overdue(reviews):
    due_soon = [
        due for due, booked in reviews.values() if TODAY <= due <= TODAY + dt.timedelta(weeks=4)
    ]
    overdue = [due for due, booked in reviews.values() if due < TODAY and not booked]
    assert len(due_soon) >= 20
    assert 0 < len(overdue) < len(due_soon)


def test_about_as_many_children_are_on_a_plan_today_as_in_2022(tables):
    open_plans = {p["child_id"] for p in tables["cp_plans.csv"] if not p["end_date"]}
    assert 300 <= len(open_plans) <= 600


def test_conferences_are_booked_for_the_coming_weeks(tables):
    booked = [r for r in tables["conferences.csv"] if r.get("status") == "booked"]
    assert all(_date(r["date"]) > TODAY for r in booked)
    assert any(_date(r["date"]) <= TODAY + dt.timedelta(days=14) for r in booked)
    assert all(r["outcome"] == "" and r["participation_code"] == "" for r in booked)


def test_some_strategy_discussions_wait_for_their_initial_conference(tables):
    initials = defaultdict(list)
    for row in tables["conferences.csv"]:
        if row["conference_type"] == "initial":
            initials[row["child_id"]].append(row["date"])
    waiting = [
        e
        for e in tables["enquiries.csv"]
        if e["outcome"] in ("", "conference")
        and not any(d >= e["strategy_discussion_date"] for d in initials[e["child_id"]])
    ]
    assert waiting
    assert all(_date(e["strategy_discussion_date"]) <= TODAY for e in waiting)
    outcomes = {e["outcome"] for e in tables["enquiries.csv"]}
    assert outcomes == {"", "conference", "no_further_action"}


def test_the_last_complete_half_year_has_its_meetings(tables):
    year = TODAY.year if TODAY.month >= 10 else TODAY.year - 1
    start, end = (dt.date(year, 4, 1), dt.date(year, 9, 30))
    if TODAY.month <= 3:
        start, end = dt.date(year - 1, 10, 1), dt.date(year, 3, 31)
    meetings = {
        r["meeting_id"]
        for r in tables["conferences.csv"]
        if _held(r) and start <= _date(r["date"]) <= end
    }
    assert len(meetings) > 300


def test_each_escalation_history_ends_at_its_own_stage(tables):
    last_stage = {}
    for step in tables["escalation_steps.csv"]:
        if step["stage"]:
            last_stage[step["escalation_id"]] = step["stage"]
    for escalation in tables["escalations.csv"]:
        assert last_stage[escalation["escalation_id"]] == escalation["stage"]
    assert any(e["date_raised"] > "2022-10-01" for e in tables["escalations.csv"])


def test_children_of_one_meeting_share_a_family(tables):
    family = {c["child_id"]: c["family_id"] for c in tables["children.csv"]}
    by_meeting = defaultdict(set)
    for row in tables["conferences.csv"]:
        by_meeting[row["meeting_id"]].add(family[row["child_id"]])
    assert all(len(families) == 1 for families in by_meeting.values())


def test_the_population_reaches_last_year(tables):
    years = [int(row["year"]) for row in tables["population.csv"]]
    assert years[0] == 2013 and years[-1] >= TODAY.year - 1
