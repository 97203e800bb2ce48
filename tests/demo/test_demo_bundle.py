"""The demo authority's bundle reproduces the seed report's figures, counted by meeting, both
as the seed report saw it (frozen on 30 September 2022) and continued to a later day (the living
demo, safeguard.demo.living): the continuation changes nothing the seed counted.

The counter below is written for this test alone, straight from report-figures.md, so that it
checks the generator rather than sharing its assumptions.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import pathlib
from collections import Counter, defaultdict

import holidays
import pytest

from safeguard.demo.authority import write_demo_bundle

SEED_FIGURES = json.loads(
    """
{
 "conferences_by_month": {
  "2015": [88, 79, 91, 72, 66, 65, 92, 54, 72, 78, 83, 62],
  "2016": [77, 78, 64, 70, 91, 70, 83, 74, 71, 74, 64, 67],
  "2017": [97, 84, 84, 83, 67, 78, 67, 68, 57, 89, 69, 67],
  "2018": [78, 57, 67, 58, 58, 55, 71, 56, 62, 71, 63, 43],
  "2019": [74, 69, 61, 53, 59, 54, 84, 57, 73, 81, 61, 66],
  "2020": [75, 55, 67, 59, 80, 67, 89, 53, 66, 71, 57, 70],
  "2021": [73, 64, 60, 48, 56, 67, 74, 46, 62, 59, 56, 51],
  "2022": [68, 57, 78, 58, 63, 63, 84, 61, 72, null, null, null]
 },
 "escalations_by_month": {
  "2018/19": [15, 33, 27, 27, 20, 26, 18, 26, 12, 26, 22, 30],
  "2019/20": [23, 24, 14, 33, 15, 46, 35, 30, 14, 32, 30, 27],
  "2020/21": [7, 8, 16, 22, 10, 19, 13, 7, 20, 17, 12, 8],
  "2021/22": [1, 9, 17, 11, 10, 10, 18, 3, 8, 8, 3, 9],
  "2022/23": [6, 11, 6, 5, 9, 8, null, null, null, null, null, null]
 },
 "escalations_by_organisation": {
  "GP's": 21, "Social Workers / Practice Supervisors": 7,
  "Education (Nurseries, Schools etc)": 6, "Other / Misc. Workers": 5, "We Are With You": 2,
  "Health Visitor": 1, "Housing Officer": 1, "PPU": 1, "Probation": 1
 }
}
"""
)

PERIOD_START = dt.date(2022, 4, 1)
PERIOD_END = dt.date(2022, 9, 30)
FILES = (
    "children.csv",
    "cp_plans.csv",
    "conferences.csv",
    "invitations.csv",
    "escalations.csv",
    "monitoring_checks.csv",
)
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2010, 2030))
LIVING_DAY = dt.date(2026, 12, 7)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _read(folder: pathlib.Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last_day))


def _add_working_days(day: dt.date, count: int) -> dt.date:
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in BANK_HOLIDAYS:
            count -= 1
    return day


@pytest.fixture(scope="module", params=[None, LIVING_DAY], ids=["as_in_2022", "living"])
def last_day(request) -> dt.date:
    """The last day the records reach: the seed's period end, or the living demo's today."""
    return request.param or PERIOD_END


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, last_day) -> dict[str, list[dict[str, str]]]:
    folder = tmp_path_factory.mktemp("demo")
    write_demo_bundle(folder, today=None if last_day == PERIOD_END else last_day)
    records = {name: _read(folder, name) for name in FILES}
    records["booked"] = [r for r in records["conferences.csv"] if not _held(r)]
    records["conferences.csv"] = [r for r in records["conferences.csv"] if _held(r)]
    return records


def _held(row: dict[str, str]) -> bool:
    return row.get("status", "") in ("", "held")


@pytest.fixture(scope="module")
def meetings(bundle) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in bundle["conferences.csv"]:
        grouped[row["meeting_id"] or row["conference_id"]].append(row)
    return grouped


@pytest.fixture(scope="module")
def verdicts(bundle) -> dict[str, str]:
    """Each conference's timeliness verdict, by conference_id, per report-figures.md."""
    plans_by_child = defaultdict(list)
    for plan in bundle["cp_plans.csv"]:
        plans_by_child[plan["child_id"]].append(plan)
    conferences_by_child = defaultdict(list)
    for row in bundle["conferences.csv"]:
        conferences_by_child[row["child_id"]].append(row)
    result = {}
    for row in bundle["conferences.csv"]:
        held_on = _date(row["date"])
        due_on = None
        if row["conference_type"] == "initial" and row["strategy_discussion_date"]:
            due_on = _add_working_days(_date(row["strategy_discussion_date"]), 15)
        elif row["conference_type"] == "transfer_in" and row["transfer_notification_date"]:
            due_on = _add_working_days(_date(row["transfer_notification_date"]), 15)
        elif row["conference_type"] == "review":
            in_force = [
                p
                for p in plans_by_child[row["child_id"]]
                if _date(p["start_date"]) <= held_on
                and (not p["end_date"] or _date(p["end_date"]) >= held_on)
            ]
            if in_force:
                plan = max(in_force, key=lambda p: p["start_date"])
                earlier = [
                    c
                    for c in conferences_by_child[row["child_id"]]
                    if _date(plan["start_date"]) <= _date(c["date"]) < held_on
                ]
                if earlier:
                    previous = max(earlier, key=lambda c: c["date"])
                    months = 6 if previous["conference_type"] == "review" else 3
                    due_on = _add_months(_date(previous["date"]), months)
        if due_on is None:
            result[row["conference_id"]] = "not_determinable"
        else:
            result[row["conference_id"]] = "within" if held_on <= due_on else "out"
    return result


def _meeting_date(rows: list[dict[str, str]]) -> dt.date:
    return _date(rows[0]["date"])


def _children_on_plan(bundle, day: dt.date) -> int:
    return len(
        {
            p["child_id"]
            for p in bundle["cp_plans.csv"]
            if _date(p["start_date"]) <= day and (not p["end_date"] or _date(p["end_date"]) > day)
        }
    )


def _timeliness(meetings, verdicts, start: dt.date, end: dt.date) -> Counter:
    counted = Counter()
    for rows in meetings.values():
        if start <= _meeting_date(rows) <= end:
            found = {verdicts[r["conference_id"]] for r in rows}
            verdict = next(v for v in ("out", "not_determinable", "within") if v in found)
            counted[verdict] += 1
            counted["held"] += 1
    return counted


def _formal(escalation: dict[str, str]) -> bool:
    return escalation["formal"].lower() in ("", "yes")


# --- the seed's figures ----------------------------------------------------------------------


def test_children_on_a_plan_at_the_period_end_and_a_year_earlier(bundle):
    assert _children_on_plan(bundle, PERIOD_END) == 445
    assert _children_on_plan(bundle, dt.date(2021, 9, 30)) == 357


def test_meetings_held_each_month_match_the_seed_table(meetings):
    held = Counter(
        (_meeting_date(rows).year, _meeting_date(rows).month) for rows in meetings.values()
    )
    for year, counts in SEED_FIGURES["conferences_by_month"].items():
        for month, expected in enumerate(counts, start=1):
            if expected is not None:
                assert held[(int(year), month)] == expected, (year, month)


def test_no_meeting_is_held_after_the_last_day(meetings, last_day):
    assert max(_meeting_date(rows) for rows in meetings.values()) <= last_day


def test_initial_meetings_for_unborn_babies_in_the_two_years(bundle, meetings):
    births = {c["child_id"]: _date(c["date_of_birth"]) for c in bundle["children.csv"]}

    def unborn(row):
        born_on = births[row["child_id"]]
        return born_on is None or _date(row["date"]) < born_on

    def count(start, end):
        return sum(
            1
            for rows in meetings.values()
            if start <= _meeting_date(rows) <= end
            and any(r["conference_type"] == "initial" and unborn(r) for r in rows)
        )

    assert count(dt.date(2021, 10, 1), dt.date(2022, 9, 30)) == 44
    assert count(dt.date(2020, 10, 1), dt.date(2021, 9, 30)) == 72


def test_timeliness_by_meeting_in_the_last_complete_year(meetings, verdicts):
    counted = _timeliness(meetings, verdicts, dt.date(2021, 4, 1), dt.date(2022, 3, 31))
    assert counted == Counter(held=722, within=718, out=4)


def test_timeliness_by_meeting_in_the_period(meetings, verdicts):
    counted = _timeliness(meetings, verdicts, PERIOD_START, PERIOD_END)
    assert counted == Counter(held=401, within=401)


def test_every_other_conference_is_within_timescale(meetings, verdicts, bundle):
    late = [c for c in bundle["conferences.csv"] if verdicts[c["conference_id"]] != "within"]
    late_meetings = {c["meeting_id"] for c in late}
    assert len(late_meetings) == 4
    assert all(c["out_of_timescale_reason"] for c in late)
    assert all(dt.date(2021, 4, 1) <= _date(c["date"]) <= dt.date(2022, 3, 31) for c in late)


def test_formal_escalations_raised_each_month_match_the_seed(bundle, last_day):
    raised = Counter(
        (_date(e["date_raised"]).year, _date(e["date_raised"]).month)
        for e in bundle["escalations.csv"]
        if _formal(e)
    )
    for year_name, counts in SEED_FIGURES["escalations_by_month"].items():
        first_year = int(year_name[:4])
        for index, expected in enumerate(counts):
            year, month = (first_year, 4 + index) if index < 9 else (first_year + 1, index - 8)
            if expected is not None:
                assert raised[(year, month)] == expected, (year, month)
    assert min(e["date_raised"] for e in bundle["escalations.csv"] if _formal(e)) >= "2018-04-01"
    assert max(e["date_raised"] for e in bundle["escalations.csv"]) <= last_day.isoformat()


def test_formal_escalations_in_the_period_by_organisation(bundle):
    in_period = [
        e
        for e in bundle["escalations.csv"]
        if _formal(e) and PERIOD_START.isoformat() <= e["date_raised"] <= PERIOD_END.isoformat()
    ]
    assert (
        Counter(e["organisation_type"] for e in in_period)
        == SEED_FIGURES["escalations_by_organisation"]
    )
    reasons = Counter(e["reason"] for e in in_period)
    assert reasons["no_report_no_apologies"] > len(in_period) / 2


def test_there_are_a_few_informal_escalations(bundle):
    assert 0 < sum(1 for e in bundle["escalations.csv"] if not _formal(e)) < 50


# --- plausibility ----------------------------------------------------------------------------


def test_identifiers_are_unique_and_rows_are_ordered_by_them(bundle):
    for name, key in (
        ("children.csv", "child_id"),
        ("cp_plans.csv", "plan_id"),
        ("conferences.csv", "conference_id"),
        ("escalations.csv", "escalation_id"),
        ("monitoring_checks.csv", "check_id"),
    ):
        ids = [row[key] for row in bundle[name]]
        assert len(ids) == len(set(ids)), name
        assert ids == sorted(ids), name


def test_every_reference_points_at_a_record(bundle, meetings):
    children = {c["child_id"] for c in bundle["children.csv"]}
    plans = {p["plan_id"] for p in bundle["cp_plans.csv"]}
    conferences = {c["conference_id"]: c for c in bundle["conferences.csv"]}
    assert {p["child_id"] for p in bundle["cp_plans.csv"]} <= children
    assert {c["child_id"] for c in bundle["conferences.csv"]} <= children
    booked = {r["meeting_id"] for r in bundle["booked"]}
    assert {i["meeting_id"] for i in bundle["invitations.csv"]} <= set(meetings) | booked
    assert {m["plan_id"] for m in bundle["monitoring_checks.csv"]} <= plans
    for escalation in bundle["escalations.csv"]:
        conference = conferences[escalation["conference_id"]]
        assert conference["child_id"] == escalation["child_id"]


def test_the_rows_of_a_meeting_share_its_date_type_and_outcome(meetings):
    for rows in meetings.values():
        assert len({(r["date"], r["conference_type"], r["outcome"]) for r in rows}) == 1
        assert 1 <= len(rows) <= 4
        assert len({r["child_id"] for r in rows}) == len(rows)


def test_plans_of_one_child_never_overlap(bundle):
    by_child = defaultdict(list)
    for plan in bundle["cp_plans.csv"]:
        by_child[plan["child_id"]].append(plan)
    for plans in by_child.values():
        plans.sort(key=lambda p: p["start_date"])
        for earlier, later in zip(plans, plans[1:], strict=False):
            assert earlier["end_date"] and earlier["end_date"] < later["start_date"]


def test_every_plan_starts_and_ends_at_a_conference_of_its_child(bundle):
    held = {(c["child_id"], c["date"]): c for c in bundle["conferences.csv"]}
    for plan in bundle["cp_plans.csv"]:
        start = held[(plan["child_id"], plan["start_date"])]
        assert start["conference_type"] in ("initial", "transfer_in")
        assert start["outcome"] == "plan"
        if plan["end_date"]:
            end = held[(plan["child_id"], plan["end_date"])]
            assert (end["conference_type"], end["outcome"]) == ("review", "no_plan")
            assert plan["end_date"] > plan["start_date"]


def test_plan_lengths_look_like_practice(bundle):
    ended = [
        (_date(p["end_date"]) - _date(p["start_date"])).days
        for p in bundle["cp_plans.csv"]
        if p["end_date"]
    ]
    within_6_to_18_months = sum(1 for days in ended if 170 <= days <= 550)
    assert within_6_to_18_months > 0.6 * len(ended)
    assert 0 < sum(1 for days in ended if days >= 730) < 0.1 * len(ended)
    repeat_children = Counter(p["child_id"] for p in bundle["cp_plans.csv"])
    assert sum(1 for n in repeat_children.values() if n > 1) > 50


def test_conferences_are_for_children_under_18_and_participation_fits_age(bundle):
    births = {c["child_id"]: _date(c["date_of_birth"]) for c in bundle["children.csv"]}
    for row in bundle["conferences.csv"]:
        born_on = births[row["child_id"]]
        held_on = _date(row["date"])
        if born_on is None or held_on < born_on:
            assert row["participation_code"] == ""
            continue
        age = (
            held_on.year
            - born_on.year
            - ((held_on.month, held_on.day) < (born_on.month, born_on.day))
        )
        assert 0 <= age < 18
        assert (row["participation_code"] == "PN0") == (age < 4)


def test_unborn_children_have_an_expected_date_of_birth(bundle):
    for child in bundle["children.csv"]:
        if not child["date_of_birth"]:
            assert child["expected_date_of_birth"]
    assert sum(1 for c in bundle["children.csv"] if not c["date_of_birth"]) > 0


def test_a_no_report_no_apologies_escalation_matches_its_invitation(bundle):
    conferences = {c["conference_id"]: c for c in bundle["conferences.csv"]}
    invitations = {(i["meeting_id"], i["organisation_type"]): i for i in bundle["invitations.csv"]}
    for escalation in bundle["escalations.csv"]:
        if escalation["reason"] != "no_report_no_apologies":
            continue
        conference = conferences[escalation["conference_id"]]
        days_after = (_date(escalation["date_raised"]) - _date(conference["date"])).days
        assert 0 <= days_after <= 7
        invitation = invitations[(conference["meeting_id"], escalation["organisation_type"])]
        assert (invitation["report_received"], invitation["attended"], invitation["apologies"]) == (
            "no",
            "no",
            "no",
        )


def test_monitoring_checks_fall_within_their_plan(bundle, last_day):
    plans = {p["plan_id"]: p for p in bundle["cp_plans.csv"]}
    kinds = Counter()
    for check in bundle["monitoring_checks.csv"]:
        plan = plans[check["plan_id"]]
        assert plan["start_date"] < check["date_completed"] <= last_day.isoformat()
        assert not plan["end_date"] or check["date_completed"] < plan["end_date"]
        assert (check["outcome"] == "concerns") == bool(check["alerted"])
        kinds[(check["kind"], check["outcome"])] += 1
    assert kinds[("midway", "concerns")] > 0 and kinds[("pre_review", "concerns")] > 0


@pytest.mark.parametrize("today", [None, LIVING_DAY])
def test_the_same_seed_writes_the_same_bytes(tmp_path, today):
    write_demo_bundle(tmp_path / "a", seed=7, today=today)
    write_demo_bundle(tmp_path / "b", seed=7, today=today)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
