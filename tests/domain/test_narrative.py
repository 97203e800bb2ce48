"""Generated sentences: the words follow the figures and can never contradict them."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.domain.figures import (
    CountBy,
    ParticipationCounts,
    UnderFourCounts,
    VerdictCounts,
    build_report,
)
from safeguard.domain.narrative import (
    change_sentence,
    counted,
    narrative_for,
    ordinal,
    ordinal_date,
)
from safeguard.domain.periods import Period
from safeguard.domain.timeliness import ConferenceKind
from tests.factories_report import seed_like_inputs


def narrative(**changes):
    return narrative_for(build_report(seed_like_inputs(**changes)))


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (30, "30th"), (31, "31st"), (111, "111th")],
)  # fmt: skip
def test_ordinals(number, expected):
    assert ordinal(number) == expected


def test_ordinal_dates_read_as_the_unit_writes_them():
    assert ordinal_date(date(2022, 9, 30)) == "30th September 2022"
    assert ordinal_date(date(2021, 10, 1)) == "1st October 2021"


def test_the_headline_sentence_matches_the_seed():
    sentences = narrative().cp_population
    assert sentences[0] == (
        "The number of children subject to a CP Plan on 30th September 2022 was 445 compared to "
        "357 on 30th September 2021."
    )
    assert sentences[1] == "This is a rise of 88 (24.6%)."


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (445, 357, "This is a rise of 88 (24.6%)."),
        (357, 445, "This is a fall of 88 (19.8%)."),
        (44, 72, "This is a fall of 28 (38.9%)."),
        (10, 10, "There is no change."),
        (0, 0, "There is no change."),
        (5, 0, "This is a rise of 5."),
        (0, 4, "This is a fall of 4 (100.0%)."),
        (1001, 1000, "This is a rise of 1 (0.1%)."),
        (2500, 1000, "This is a rise of 1,500 (150.0%)."),
    ],
)
def test_rise_fall_and_no_change_follow_the_numbers(current, previous, expected):
    assert change_sentence(current, previous) == expected


def test_a_fall_in_children_on_a_plan_is_called_a_fall():
    on_plan = {date(2022, 9, 30): 300, date(2021, 9, 30): 357}
    sentences = narrative(on_plan_at=on_plan).cp_population
    assert "was 300 compared to 357" in sentences[0]
    assert sentences[1] == "This is a fall of 57 (16.0%)."


def test_unborn_sentence_names_both_years_and_the_fall():
    sentences = narrative().unborn
    assert sentences[0] == (
        "In the period 1st October 2020 to 30th September 2021, 72 Initial CP Conferences were "
        "held for unborn babies and by comparison in the period 1st October 2021 to 30th "
        "September 2022, 44 Initial CP Conferences were held."
    )
    assert sentences[1] == "This is a fall of 28 (38.9%)."


def test_unborn_sentence_is_singular_for_one_conference():
    sentences = narrative(unborn_initial_year_to_period_end=1).unborn
    assert "2022, 1 Initial CP Conference was held." in sentences[0]


def test_timeliness_sentence_names_meetings_once_when_counting_by_meeting():
    sentences = narrative().timeliness
    assert sentences[0] == (
        "Within the last complete year (the year ending 31st March 2022), 4 meetings took "
        "place out of timescale of the 722 held in total, which equated to 99.45% "
        "compliance with 718 taking place within timescales."
    )
    assert sentences[1].startswith(
        "Within this 6-month report, 1st April 2022 – 30th September 2022, 0 meetings"
    )
    assert "100% compliance with 401 taking place within timescales" in sentences[1]


def test_timeliness_counts_conferences_when_counting_by_child_and_is_singular_for_one():
    sentences = narrative(
        count_by=CountBy.CHILD,
        timeliness_period={ConferenceKind.initial: VerdictCounts(within=0, out=1)},
    ).timeliness
    assert "1 conference took place out of timescale of the 1 held in total" in (sentences[1])
    assert "0% compliance with 0 taking place" in sentences[1]


def test_a_report_for_exactly_the_last_complete_year_says_its_timeliness_once():
    year = Period(date(2021, 4, 1), date(2022, 3, 31))
    on_plan = {date(2022, 3, 31): 400, date(2021, 3, 31): 350}
    sentences = narrative(period=year, on_plan_at=on_plan).timeliness
    assert len(sentences) == 1
    assert sentences[0].startswith(
        "Within this 12-month report, the year ending 31st March 2022, 4 meetings"
    )


def test_participation_shares_leave_out_children_under_4_and_say_so():
    counts = ParticipationCounts(
        conferences=100,
        child_attended=30,
        advocate_involved=20,
        preparation_session=50,
        participation_code={"PN0": 40, "PN1": 60},
        under_4=UnderFourCounts(conferences=40, child_attended=0, preparation_session=10),
    )
    sentences = narrative(participation=counts).participation
    assert sentences[0] == (
        "Of the 60 conferences held in the period for children aged 4 or over (the 40 for "
        "children under 4, coded PN0, are left out), the child attended 30 (50.0%) and an "
        "advocate was involved in 20 (33.3%)."
    )
    assert sentences[1] == (
        "Direct preparation work took place with the child before 40 of them (66.7%)."
    )


def test_timeliness_with_nothing_held_gives_no_rate():
    sentences = narrative(timeliness_period={}).timeliness
    assert "no meetings were held, so no compliance rate can be given" in sentences[1]


def test_not_determinable_conferences_are_explained():
    sentences = narrative(
        timeliness_period={ConferenceKind.review: VerdictCounts(within=9, not_determinable=1)}
    ).timeliness
    assert "A further 1 was held but could not be assessed" in sentences[1]
    assert "90% compliance" in sentences[1]


def test_escalations_name_the_commonest_reason_and_organisation():
    sentences = narrative().escalations
    assert sentences[0] == "45 formal escalations were raised in the period."
    assert "no report being prepared for the conference and no apologies" in sentences[1]
    assert sentences[2] == "The organisation with the most escalations was GP's (21)."
    assert sentences[3] == "This data reflects only the formal escalations made."


def test_escalation_ties_are_named_together():
    sentences = narrative(
        escalations_by_organisation={"PPU": 2, "GP's": 2},
        escalations_by_reason={"late_report": 2, "no_report": 2},
    ).escalations
    assert sentences[0] == "4 formal escalations were raised in the period."
    assert (
        "were, equally, no report being prepared for the conference and a report" in (sentences[1])
    )
    assert sentences[2] == "The organisations with the most escalations were GP's and PPU (2 each)."


def test_no_escalations_and_one_escalation():
    assert narrative(escalations_by_organisation={}, escalations_by_reason={}).escalations == (
        "No formal escalations were raised in the period.",
    )
    one = narrative(
        escalations_by_organisation={"PPU": 1},
        escalations_by_reason={"other": 1},
        include_informal=True,
    ).escalations
    assert one[0] == "1 formal and informal escalation was raised in the period."


def test_no_participation_is_said_plainly():
    assert narrative(participation=ParticipationCounts()).participation == (
        "No conferences were held in the period for children already born.",
    )


def test_conference_sentence_compares_the_year_to_date():
    sentences = narrative().conferences
    assert sentences[0] == (
        "Between January and September 2022, 604 meetings were held, compared to 550 in the "
        "same months of 2021."
    )
    assert sentences[1] == "This is a rise of 54 (9.8%)."


def test_conference_sentence_for_a_january_period_end():
    sentences = narrative(period=Period(date(2022, 8, 1), date(2023, 1, 31))).conferences
    assert sentences[0].startswith("In January 2023, 0 meetings were held")


def test_counted_is_singular_only_for_one():
    assert counted(0, "plan") == "0 plans"
    assert counted(1, "plan") == "1 plan"
    assert counted(1200, "plan") == "1,200 plans"


def test_plans_sentences():
    sentences = narrative().plans
    assert sentences[0] == (
        "231 plans started in the period, 39 of them (16.9%) for a child who had been subject "
        "to a plan before."
    )
    assert sentences[1] == "166 plans ended, 6 of them (3.6%) after two years or more."
