"""Sentences generated from the report's figures, in the register of the unit's own reports.

Every sentence that quotes a figure is written here from the `Report`, never typed by hand, so
the words cannot disagree with the tables: "rise", "fall" and "no change" are chosen by comparing
the numbers, and singular or plural by the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from safeguard.domain.periods import MONTH_NAMES
from safeguard.domain.vocabulary import ALERT_ROLES, ESCALATION_REASONS

if TYPE_CHECKING:
    from safeguard.domain.figures import Report, TimelinessFigures

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
        f"{opening}, {counted(out, 'conference')} took place out of timescale out of "
        f"{counted(figures.held, held_noun)} held in total, which equated to "
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
    return (
        _timeliness_sentence(
            f"Within the last complete year (the year ending {ordinal_date(year.end_on)})",
            year.figures,
            singular,
        ),
        _timeliness_sentence(
            f"Within this {period.month_count}-month report, {ordinal_date(period.start_on)} – "
            f"{ordinal_date(period.end_on)}",
            report.timeliness.period,
            singular,
        ),
    )


def participation_sentences(report: Report) -> tuple[str, ...]:
    participation = report.participation
    total = participation.conferences
    if total == 0:
        return ("No conferences were held in the period for children already born.",)
    return (
        f"Of the {counted(total, 'conference')} held in the period for children already born, "
        f"the child attended {number(participation.child_attended)} "
        f"({share(participation.child_attended, total)}) and an advocate was involved in "
        f"{number(participation.advocate_involved)} "
        f"({share(participation.advocate_involved, total)}).",
        f"Direct preparation work took place with the child before "
        f"{number(participation.preparation_session)} of them "
        f"({share(participation.preparation_session, total)}).",
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
    )


def narrative_paragraphs(report: Report) -> dict[str, list[str]]:
    """The narrative as JSON: section -> sentences."""
    return narrative_for(report).as_dict()
