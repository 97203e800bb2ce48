"""Sentences generated from the report's figures, in the register of the unit's own reports.

Every sentence that quotes a figure is written here from the `Report`, never typed by hand, so
the words cannot disagree with the tables: "rise", "fall" and "no change" are chosen by comparing
the numbers, and singular or plural by the count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from safeguard.domain.calendar import add_months
from safeguard.domain.periods import MONTH_NAMES
from safeguard.domain.vocabulary import (
    AGE_BANDS,
    ALERT_ROLES,
    ESCALATION_REASONS,
    NOT_RECORDED,
    PLAN_CATEGORIES,
)

if TYPE_CHECKING:
    from safeguard.domain.figures import Report, TimelinessFigures
    from safeguard.domain.figures_v2 import Counts

COUNT_BY_DESCRIPTIONS: dict[str, str] = {
    "child": (
        "Conferences are counted per child: siblings discussed at one meeting count once each."
    ),
    "meeting": (
        "Conferences are counted per meeting: siblings discussed at one sitting count once "
        "together. Participation is still counted per child, and agencies' contributions per "
        "meeting."
    ),
}

_TENTH = Decimal("0.1")


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 23rd, 31st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal_date(day: date) -> str:
    """ "30th September 2022", as the unit writes dates in its reports."""
    return f"{ordinal(day.day)} {MONTH_NAMES[day.month - 1]} {day.year}"


def number(value: int) -> str:
    """1234 -> "1,234"."""
    return f"{value:,}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 conference", "2 conferences", "0 conferences"."""
    return f"{number(count)} {singular if count == 1 else (plural or singular + 's')}"


def percent_text(value: Decimal | None) -> str:
    """99.45 -> "99.45%", 100.00 -> "100%"; None -> "n/a"."""
    if value is None:
        return "n/a"
    if value == value.to_integral_value():
        return f"{int(value)}%"
    return f"{value:.2f}%"


def share(part: int, whole: int) -> str:
    """part as a percentage of whole to one decimal place, half-up: "24.6%"."""
    if whole == 0:
        return "n/a"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return f"{value}%"


def change_sentence(current: int, previous: int) -> str:
    """The rise, fall or no change from `previous` to `current`, chosen by comparing them."""
    difference = current - previous
    if difference == 0:
        return "There is no change."
    direction = "rise" if difference > 0 else "fall"
    size = abs(difference)
    if previous == 0:
        return f"This is a {direction} of {number(size)}."
    return f"This is a {direction} of {number(size)} ({share(size, previous)})."


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _conference_noun(report: Report) -> tuple[str, str]:
    return (
        ("meeting", "meetings") if report.count_by == "meeting" else ("conference", "conferences")
    )


# --------------------------------------------------------------------------------------------


def cp_population_sentences(report: Report) -> tuple[str, ...]:
    population = report.cp_population
    return (
        "The number of children subject to a CP Plan on "
        f"{ordinal_date(population.at_period_end_on)} was {number(population.at_period_end)} "
        f"compared to {number(population.year_earlier)} on "
        f"{ordinal_date(population.year_earlier_on)}.",
        change_sentence(population.at_period_end, population.year_earlier),
    )


def unborn_sentences(report: Report) -> tuple[str, ...]:
    unborn = report.unborn_initial_conferences
    earlier, later = unborn.previous_year_period, unborn.year_to_period_end_period

    def held(count: int) -> str:
        verb = "was" if count == 1 else "were"
        return f"{counted(count, 'Initial CP Conference')} {verb} held"

    return (
        f"In the period {ordinal_date(earlier.start_on)} to {ordinal_date(earlier.end_on)}, "
        f"{held(unborn.previous_year)} for unborn babies and by comparison in the period "
        f"{ordinal_date(later.start_on)} to {ordinal_date(later.end_on)}, "
        f"{held(unborn.year_to_period_end)}.",
        change_sentence(unborn.year_to_period_end, unborn.previous_year),
    )


def conference_sentences(report: Report) -> tuple[str, ...]:
    singular, plural = _conference_noun(report)
    cumulative = report.conferences_cumulative
    if len(cumulative) < 2:
        return ()
    this_year, last_year = cumulative[-1], cumulative[-2]
    month_index = report.period.end_on.month - 1
    this_total = this_year.months[month_index] or 0
    last_total = last_year.months[month_index] or 0
    months = (
        f"In January {this_year.year}"
        if month_index == 0
        else f"Between January and {MONTH_NAMES[month_index]} {this_year.year}"
    )
    verb = "was" if this_total == 1 else "were"
    return (
        f"{months}, {counted(this_total, singular, plural)} {verb} held, "
        f"compared to {number(last_total)} in the same months of {last_year.year}.",
        change_sentence(this_total, last_total),
    )


def _timeliness_sentence(opening: str, figures: TimelinessFigures, held_noun: str) -> str:
    if figures.held == 0:
        return f"{opening}, no {held_noun}s were held, so no compliance rate can be given."
    out = figures.out_of_timescale
    sentence = (
        f"{opening}, {counted(out, held_noun)} took place out of timescale of the "
        f"{number(figures.held)} held in total, which equated to "
        f"{percent_text(figures.compliance_percent)} compliance with "
        f"{number(figures.within_timescale)} taking place within timescales."
    )
    if figures.not_determinable:
        verb = "was" if figures.not_determinable == 1 else "were"
        sentence += (
            f" A further {number(figures.not_determinable)} {verb} held but could not be assessed, "
            "because a date the rule needs was not recorded; these count as not within timescale."
        )
    return sentence


def timeliness_sentences(report: Report) -> tuple[str, ...]:
    singular, _plural = _conference_noun(report)
    year = report.timeliness.last_complete_year
    period = report.period
    year_sentence = _timeliness_sentence(
        f"Within the last complete year (the year ending {ordinal_date(year.end_on)})",
        year.figures,
        singular,
    )
    if (period.start_on, period.end_on) == (year.start_on, year.end_on):
        # A report for exactly that year: one sentence, not the same one twice.
        return (
            _timeliness_sentence(
                f"Within this {period.month_count}-month report, the year ending "
                f"{ordinal_date(year.end_on)}",
                year.figures,
                singular,
            ),
        )
    return (
        year_sentence,
        _timeliness_sentence(
            f"Within this {period.month_count}-month report, {ordinal_date(period.start_on)} – "
            f"{ordinal_date(period.end_on)}",
            report.timeliness.period,
            singular,
        ),
    )


def participation_sentences(report: Report) -> tuple[str, ...]:
    """The shares of conferences the child attended, had an advocate or was prepared for, out of
    the conferences for children aged 4 or over: those coded PN0 (under 4) are left out of both
    sides of each share, and the sentence says so."""
    participation = report.participation
    under_4 = participation.under_4
    total = participation.conferences - under_4.conferences
    if participation.conferences == 0:
        return ("No conferences were held in the period for children already born.",)
    if total == 0:
        return (
            f"All {counted(participation.conferences, 'conference')} held in the period for "
            "children already born were for children under 4 (code PN0).",
        )
    attended = participation.child_attended - under_4.child_attended
    advocate = participation.advocate_involved - under_4.advocate_involved
    prepared = participation.preparation_session - under_4.preparation_session
    left_out = (
        f" (the {number(under_4.conferences)} for children under 4, coded PN0, are left out)"
        if under_4.conferences
        else ""
    )
    return (
        f"Of the {counted(total, 'conference')} held in the period for children aged 4 or "
        f"over{left_out}, the child attended {number(attended)} ({share(attended, total)}) and "
        f"an advocate was involved in {number(advocate)} ({share(advocate, total)}).",
        f"Direct preparation work took place with the child before {number(prepared)} of them "
        f"({share(prepared, total)}).",
    )


def agency_sentences(report: Report) -> tuple[str, ...]:
    agencies = report.agency_contributions
    invited = sum(a.invited for a in agencies)
    if invited == 0:
        return ("No agency invitations were recorded for meetings held in the period.",)
    received = sum(a.report_received for a in agencies)
    late = sum(a.report_late for a in agencies)
    neither = sum(a.no_report_no_apologies for a in agencies)
    return (
        f"Agencies received {counted(invited, 'invitation')} to meetings held in the period. "
        f"A report was received in time for {number(received)} ({share(received, invited)}) and "
        f"late for {number(late)} ({share(late, invited)}); on {number(neither)} "
        f"{'occasion' if neither == 1 else 'occasions'} ({share(neither, invited)}) there was "
        "neither a report nor apologies.",
    )


def monitoring_sentences(report: Report) -> tuple[str, ...]:
    checks = report.monitoring_checks
    alerts = [a for a in checks.alerts if a.count]
    sentences = [
        f"Chairs completed {counted(checks.midway.completed, 'midway check')}, raising concerns in "
        f"{number(checks.midway.concerns)}, and "
        f"{counted(checks.pre_review.completed, 'pre-review check')}, "
        f"raising concerns in {number(checks.pre_review.concerns)}."
    ]
    if alerts:
        parts = [
            f"{number(a.count)} to {ALERT_ROLES.phrase(a.code)}{'' if a.count == 1 else 's'}"
            for a in alerts
        ]
        sentences.append(f"Chairs raised {counted(checks.alerts_total, 'alert')}: {_join(parts)}.")
    else:
        sentences.append("No alerts were raised.")
    return tuple(sentences)


def escalation_sentences(report: Report) -> tuple[str, ...]:
    kind = "formal and informal" if report.include_informal else "formal"
    total = report.escalations_total
    if total == 0:
        return (f"No {kind} escalations were raised in the period.",)
    verb = "was" if total == 1 else "were"
    sentences = [f"{counted(total, f'{kind} escalation')} {verb} raised in the period."]
    top_reason = max(report.escalations_by_reason, key=lambda r: r.count)
    tied = [r for r in report.escalations_by_reason if r.count == top_reason.count]
    if len(tied) == 1:
        sentences.append(
            "The most common reason for escalations was "
            f"{ESCALATION_REASONS.phrase(top_reason.code)} "
            f"({number(top_reason.count)} of {number(total)})."
        )
    else:
        reasons = _join([ESCALATION_REASONS.phrase(r.code) for r in tied])
        sentences.append(
            f"The most common reasons for escalations were, equally, {reasons} "
            f"({number(top_reason.count)} each)."
        )
    organisations = report.escalations_by_organisation
    top = organisations[0].count
    leaders = [o.organisation for o in organisations if o.count == top]
    if len(leaders) == 1:
        sentences.append(
            f"The organisation with the most escalations was {leaders[0]} ({number(top)})."
        )
    else:
        sentences.append(
            f"The organisations with the most escalations were {_join(leaders)} "
            f"({number(top)} each)."
        )
    if not report.include_informal:
        sentences.append("This data reflects only the formal escalations made.")
    return tuple(sentences)


def plan_sentences(report: Report) -> tuple[str, ...]:
    plans = report.plans
    started = f"{counted(plans.started, 'plan')} started in the period" + (
        f", {number(plans.second_or_subsequent)} of them "
        f"({share(plans.second_or_subsequent, plans.started)}) for a child who had been "
        "subject to a plan before."
        if plans.started
        else "."
    )
    ended = f"{counted(plans.ended, 'plan')} ended" + (
        f", {number(plans.ended_after_2_years_or_more)} of them "
        f"({share(plans.ended_after_2_years_or_more, plans.ended)}) after two years or more."
        if plans.ended
        else "."
    )
    return (started[0].upper() + started[1:], ended[0].upper() + ended[1:])


def _capital(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def _largest_rise(
    earlier: Counts, later: Counts, phrase: Callable[[str], str]
) -> tuple[str, int, int] | None:
    """The code that rose most from `earlier` to `later` (ties: the first in order), with its two
    counts; None when nothing rose."""
    best: tuple[str, int, int] | None = None
    for code, count in later.entries:
        if code == NOT_RECORDED:
            continue
        before = earlier[code]
        if count > before and (best is None or count - before > best[2] - best[1]):
            best = (phrase(code), before, count)
    return best


def population_change_sentences(report: Report) -> tuple[str, ...]:
    """Why the number on a plan changed: joined less left, and what grew most."""
    additions = report.additions
    if additions is None:
        return ()
    population = report.cp_population
    change = additions.population_change
    difference = population.at_period_end - population.year_earlier
    if difference > 0:
        net = f"so the number on a plan rose by {number(difference)}"
    elif difference < 0:
        net = f"so the number on a plan fell by {number(-difference)}"
    else:
        net = "so the number on a plan did not change"
    joined_verb = "was" if change.joined == 1 else "were"
    sentences = [
        f"Between {ordinal_date(population.year_earlier_on)} and "
        f"{ordinal_date(population.at_period_end_on)}, {counted(change.joined, 'child', 'children')} "
        f"{joined_verb} made subject to a plan and {number(change.left)} ceased to be, {net} "
        f"({number(change.joined)} joined less {number(change.left)} left)."
    ]
    age = _largest_rise(additions.age_band_year_earlier, additions.population_profile.age_band,
                        lambda code: f"children aged {AGE_BANDS.phrase(code)}")  # fmt: skip
    category = _largest_rise(
        additions.category_year_earlier,
        additions.category_at_period_end,
        lambda code: PLAN_CATEGORIES.phrase(code),
    )
    parts = []
    if age is not None and not age[0].endswith("unborn"):
        parts.append(f"among {age[0]} (from {number(age[1])} to {number(age[2])})")
    if category is not None:
        parts.append(
            f"in plans for {category[0]} (from {number(category[1])} to {number(category[2])})"
        )
    if parts:
        sentences.append(f"The largest rises were {_join(parts)}.")
    unborn_before = additions.age_band_year_earlier["unborn"]
    unborn_now = additions.population_profile.age_band["unborn"]
    if unborn_before != unborn_now:
        direction = "rose" if unborn_now > unborn_before else "fell"
        sentences.append(
            f"Unborn children on a plan {direction} from {number(unborn_before)} to "
            f"{number(unborn_now)}."
        )
    return tuple(sentences)


def population_profile_sentences(report: Report) -> tuple[str, ...]:
    additions = report.additions
    if additions is None or report.cp_population.at_period_end == 0:
        return ()
    profile = additions.population_profile
    total = report.cp_population.at_period_end
    largest = max((entry for entry in profile.age_band.entries), key=lambda entry: entry[1])
    disabled = profile.disability["yes"]
    recorded = disabled + profile.disability["no"]
    disability = (
        "whether they were disabled was not recorded for any of them"
        if recorded == 0
        else f"{number(disabled)} of the {number(recorded)} whose disability was recorded "
        f"({share(disabled, recorded)}) were disabled"
    )
    group = (
        "unborn children"
        if largest[0] == "unborn"
        else "children aged " + AGE_BANDS.phrase(largest[0])
    )
    sentences = [
        f"Of the {counted(total, 'child', 'children')} on a plan on "
        f"{ordinal_date(report.cp_population.at_period_end_on)}, the largest age group was "
        f"{group} ({number(largest[1])}, {share(largest[1], total)}); "
        f"{number(profile.sex['M'])} were boys and {number(profile.sex['F'])} girls, and "
        f"{disability}."
    ]
    long_plans = profile.plan_length["2_years_or_more"]
    soon = additions.reaching_2_years_soon
    warning_on = add_months(report.cp_population.at_period_end_on, 6)
    if long_plans or soon:
        sentences.append(
            f"{_capital(counted(long_plans, 'child', 'children'))} had been on a plan for two "
            f"years or more; a further {number(soon)} will reach two years by "
            f"{ordinal_date(warning_on)} unless their plans end, and their reviews should test "
            "whether the plan is still working."
        )
    return tuple(sentences)


def plan_length_sentences(report: Report) -> tuple[str, ...]:
    additions = report.additions
    if additions is None:
        return ()
    plans = report.plans
    sentences = []
    if plans.started:
        repeats = additions.second_or_subsequent_within_2_years
        sentences.append(
            f"Of the {counted(plans.started, 'plan')} started, {number(repeats)} "
            f"({share(repeats, plans.started)}) were for a child whose previous plan had ended "
            "within the two years before."
        )
    if plans.ended:
        short = additions.ended_by_length["under_3_months"]
        sentences.append(
            f"Of the {counted(plans.ended, 'plan')} that ended, {number(short)} "
            f"({share(short, plans.ended)}) ended within three months of starting."
        )
    return tuple(sentences)


def initial_conference_sentences(report: Report) -> tuple[str, ...]:
    additions = report.additions
    if additions is None:
        return ()
    initial = additions.initial_conferences
    if initial.held == 0:
        return ("No initial conferences were held in the period.",)
    sentence = (
        f"Of the {counted(initial.held, 'initial conference')} held in the period, "
        f"{number(initial.plan)} led to a child protection plan and {number(initial.no_plan)} "
        f"did not"
    )
    if initial.conversion_percent is not None:
        sentence += f", a conversion rate of {percent_text(initial.conversion_percent)}"
    sentence += "."
    sentences = [sentence]
    if initial.not_recorded:
        sentences.append(
            f"The outcome of {number(initial.not_recorded)} was not recorded; they are left out "
            "of the conversion rate."
        )
    enquiries = additions.enquiries
    if enquiries is not None and enquiries.strategy_discussions:
        within = enquiries.initial_conference_within_15_working_days
        sentences.append(
            f"{_capital(counted(enquiries.strategy_discussions, 'strategy discussion'))} "
            f"started an enquiry in the period; {number(enquiries.no_further_action)} ended with "
            f"no further action, and of the {number(enquiries.towards_conference)} going towards a "
            f"conference, {number(within)} ({share(within, enquiries.towards_conference)}) had "
            "their initial conference within 15 working days."
        )
    if enquiries is not None and enquiries.waiting_at_period_end:
        sentences.append(
            f"At the end of the period {counted(enquiries.waiting_at_period_end, 'enquiry', 'enquiries')} "
            "had no initial conference held or booked."
        )
    return tuple(sentences)


def escalation_change_sentences(report: Report) -> tuple[str, ...]:
    """Agencies whose escalations rose or fell against the previous period, and how escalations
    ended."""
    additions = report.additions
    if additions is None:
        return ()
    previous = dict(additions.escalations_by_organisation_previous_period)
    current = {entry.organisation: entry.count for entry in report.escalations_by_organisation}
    changes = [
        (name, previous.get(name, 0), current.get(name, 0))
        for name in sorted(set(previous) | set(current))
        if previous.get(name, 0) != current.get(name, 0)
    ]
    rose = sorted((c for c in changes if c[2] > c[1]), key=lambda c: (c[1] - c[2], c[0]))[:3]
    fell = sorted((c for c in changes if c[2] < c[1]), key=lambda c: (c[2] - c[1], c[0]))[:3]
    period = additions.previous_period
    sentences = []
    parts = []
    if rose:
        parts.append(
            "rose for "
            + _join([f"{name} (from {number(a)} to {number(b)})" for name, a, b in rose])
        )
    if fell:
        parts.append(
            "fell for "
            + _join([f"{name} (from {number(a)} to {number(b)})" for name, a, b in fell])
        )
    opening = (
        f"Compared with the previous period ({ordinal_date(period.start_on)} – "
        f"{ordinal_date(period.end_on)}), escalations"
    )
    if parts:
        sentences.append(f"{opening} {', and '.join(parts)}.")
    else:
        sentences.append(f"{opening} were raised in the same numbers for every organisation.")
    resolution = additions.escalations_resolution
    resolved = f"{counted(resolution.resolved, 'escalation')} {'was' if resolution.resolved == 1 else 'were'} resolved in the period"
    if resolution.median_days_to_resolve is not None:
        resolved += f", taking a median of {resolution.median_days_to_resolve} days"
    sentences.append(
        f"{_capital(resolved)}; {number(resolution.open_at_period_end)} remained open at its end."
    )
    return tuple(sentences)


def chair_sentences(report: Report) -> tuple[str, ...]:
    additions = report.additions
    if additions is None or not additions.chairs:
        return ()
    named = [c for c in additions.chairs if c.chair != NOT_RECORDED]
    sentences = []
    if named:
        counts = [c.conferences for c in named]
        sentences.append(
            f"{_capital(counted(len(named), 'chair'))} held conferences in the period, from "
            f"{number(min(counts))} to {number(max(counts))} conferences each."
        )
    missing = next((c for c in additions.chairs if c.chair == NOT_RECORDED), None)
    if missing is not None:
        sentences.append(
            f"{_capital(counted(missing.conferences, 'conference'))} had no chair recorded."
        )
    return tuple(sentences)


def rate_sentences(report: Report) -> tuple[str, ...]:
    additions = report.additions
    if additions is None:
        return ()
    rate = additions.rate_per_10000
    if rate is None:
        return (
            "No estimate of the number of children living in the area is recorded, so rates "
            "per 10,000 children cannot be given.",
        )
    sentence = (
        f"This is a rate of {rate.at_period_end} children on a plan per 10,000 children "
        f"(the {rate.population_year} estimate of {number(rate.population)} children)"
    )
    if rate.year_earlier is not None:
        sentence += f", compared with {rate.year_earlier} a year earlier"
    return (sentence + ".",)


# The charts' messages: one sentence each, giving what the chart shows and its main figures
# (the alternative text of the chart in every format).


def age_band_summary(report: Report) -> str:
    additions = report.additions
    if additions is None:
        return ""
    earlier = additions.age_band_year_earlier
    now = additions.population_profile.age_band

    def group(code: str) -> str:
        return "unborn children" if code == "unborn" else f"children aged {AGE_BANDS.phrase(code)}"

    rise = _largest_rise(earlier, now, group)
    largest = max(now.entries, key=lambda entry: entry[1])
    text = (
        f"Bar chart of children on a plan by age band: the largest group at the end of the period "
        f"was {group(largest[0])} ({number(largest[1])})"
    )
    if rise is not None:
        text += f", and {rise[0]} rose most, from {number(rise[1])} to {number(rise[2])}"
    return text + "."


def plan_length_summary(report: Report) -> str:
    additions = report.additions
    if additions is None:
        return ""
    in_force = additions.population_profile.plan_length
    ended = additions.ended_by_length
    return (
        f"Bar chart of plans by length: of {number(in_force.total)} plans in force at the end of "
        f"the period, {number(in_force['2_years_or_more'])} had lasted two years or more; of "
        f"{number(ended.total)} plans that ended, {number(ended['under_3_months'])} ended within "
        "three months."
    )


def escalation_change_summary(report: Report) -> str:
    additions = report.additions
    if additions is None:
        return ""
    previous = sum(count for _, count in additions.escalations_by_organisation_previous_period)
    text = (
        f"Bar chart of escalations by organisation, the previous period beside this one: "
        f"{number(previous)} then and {number(report.escalations_total)} now"
    )
    if report.escalations_by_organisation:
        top = report.escalations_by_organisation[0]
        text += f", with {top.organisation} the most escalated ({number(top.count)})"
    return text + "."


def chair_summary(report: Report) -> str:
    additions = report.additions
    if additions is None or not additions.chairs:
        return ""
    counts = [c.conferences for c in additions.chairs if c.chair != NOT_RECORDED]
    if not counts:
        return "Bar chart of conferences by chair: no chair was recorded."
    return (
        f"Bar chart of conferences held in the period by chair: {counted(len(counts), 'chair')}, "
        f"from {number(min(counts))} to {number(max(counts))} conferences each."
    )


_NATIONAL_SENTENCES: dict[str, str] = {
    "on_plan_rate": (
        "On {year}, {here} children in every 10,000 were on a plan here, against {england} in "
        "England."
    ),
    "started_rate": (
        "In the year ending {year}, {here} plans started here for every 10,000 children, "
        "against {england} in England."
    ),
    "second_or_subsequent_percent": (
        "In the year ending {year}, {here}% of the plans started here were a second or "
        "subsequent plan, against {england}% in England."
    ),
    "ended_2_years_or_more_percent": (
        "In the year ending {year}, {here}% of the plans that ended here had lasted two years or "
        "more, against {england}% in England."
    ),
    "initial_within_15_working_days_percent": (
        "In the year ending {year}, {here}% of initial conferences here were held within 15 "
        "working days, against {england}% in England."
    ),
}


def national_sentences(report: Report) -> tuple[str, ...]:
    """The authority beside England, for the measures where both figures are held, each for its
    year ending 31 March."""
    comparison = report.comparison
    if comparison is None:
        return ()
    sentences = []
    for row in comparison.rows:
        if row.authority is None or row.england is None:
            continue
        if row.measure.code.startswith("category_"):
            continue
        template = _NATIONAL_SENTENCES[row.measure.code]
        sentences.append(
            template.format(
                year=ordinal_date(row.year_ending_on),
                here=row.authority,
                england=row.england.value,
            )
        )
    categories = [
        row
        for row in comparison.rows
        if row.measure.code.startswith("category_") and row.authority is not None and row.england
    ]
    if categories:
        largest = max(categories, key=lambda row: row.authority or 0)
        code = largest.measure.code.removeprefix("category_").removesuffix("_percent")
        assert largest.england is not None
        sentences.append(
            f"At 31 March {largest.year_ending_on.year}, {PLAN_CATEGORIES.phrase(code)} was the "
            f"initial category of {largest.authority}% of plans here, against "
            f"{largest.england.value}% in England."
        )
    return tuple(sentences)


@dataclass(frozen=True)
class Narrative:
    """The report's generated sentences, by section."""

    cp_population: tuple[str, ...]
    unborn: tuple[str, ...]
    conferences: tuple[str, ...]
    timeliness: tuple[str, ...]
    participation: tuple[str, ...]
    agencies: tuple[str, ...]
    monitoring: tuple[str, ...]
    escalations: tuple[str, ...]
    plans: tuple[str, ...]
    population_change: tuple[str, ...] = ()
    population_profile: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()
    plan_lengths: tuple[str, ...] = ()
    initial_conferences: tuple[str, ...] = ()
    escalation_changes: tuple[str, ...] = ()
    chairs: tuple[str, ...] = ()
    national: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {key: list(value) for key, value in asdict(self).items()}


def narrative_for(report: Report) -> Narrative:
    return Narrative(
        cp_population=cp_population_sentences(report),
        unborn=unborn_sentences(report),
        conferences=conference_sentences(report),
        timeliness=timeliness_sentences(report),
        participation=participation_sentences(report),
        agencies=agency_sentences(report),
        monitoring=monitoring_sentences(report),
        escalations=escalation_sentences(report),
        plans=plan_sentences(report),
        population_change=population_change_sentences(report),
        population_profile=population_profile_sentences(report),
        rates=rate_sentences(report),
        plan_lengths=plan_length_sentences(report),
        initial_conferences=initial_conference_sentences(report),
        escalation_changes=escalation_change_sentences(report),
        chairs=chair_sentences(report),
        national=national_sentences(report),
    )


def narrative_paragraphs(report: Report) -> dict[str, list[str]]:
    """The narrative as JSON: section -> sentences."""
    return narrative_for(report).as_dict()
