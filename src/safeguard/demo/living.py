"""The living demo: the seed authority continued from 1 October 2022 to the day it is loaded.

A newcomer should find on any day what a chair finds on a working day: reviews and checks
falling due this month, a few overdue, conferences booked for the coming weeks, strategy
discussions waiting for their initial conference, and a last complete half-year with figures.
So the demo is not frozen on the seed report's period end: `safeguard demo` continues it.

How the continuation is made (docs/user-guide.md, "The demo"):
1. The seed authority is built exactly as before (safeguard.demo.authority), so every record up
   to 30 September 2022, and every seed figure, is unchanged.
2. The same month-by-month simulation then runs on, from October 2022 to six weeks after today,
   steering to the families on a plan of September 2022 with no meeting target: reviews held on
   or before their due dates, new initial and transfer-in conferences, plans ending. It draws
   from a generator of its own, seeded from the demo's seed, so a day's demo is reproducible.
3. What the simulation holds after today becomes the diary: an episode's first meeting after
   today is booked (about half of those in the next five weeks), the rest are not arranged yet;
   a plan the simulation ended after today is still open. An initial conference not booked yet
   whose strategy discussion is on or before today leaves its enquiry waiting.
4. Three reviews due in the last three weeks were not held: they are overdue.
5. New families get children as the seed's did; a baby born since 30 September 2022 gets their
   date of birth. Escalations (about seven a month, with their steps), chairs' checks, agencies'
   invitations with their dates, section 47 enquiries (those that led to a conference and about
   as many again with no further action), allocations and the population follow.
"""

from __future__ import annotations

import datetime as dt
import random

from safeguard.domain.calendar import add_months

from .authority import (
    ESCALATION_ORGANISATION_WEIGHTS,
    ESCALATION_REASONS,
    GIVEN_NAMES_F,
    GIVEN_NAMES_M,
    PERIOD_END,
    Authority,
    Episode,
    Family,
    Meeting,
    _calendar,
    _escalation_row,
    _invitations,
    _iso,
    _make_children,
    _meeting_for_escalation,
    _monitoring_checks,
    _next_month,
    _weighted,
    conference_row,
    plan_row,
)

__all__ = ["continue_to"]

LIVING_SEED_OFFSET = 5_000_003
DIARY_WEEKS = 6  # the simulation runs this far beyond today, for the bookings
BOOKED_WITHIN_DAYS = 35
OVERDUE_REVIEWS = 3
ESCALATIONS_PER_MONTH = (4, 10)
REPORT_DUE_WORKING_DAYS = {"initial": 3, "review": 5, "transfer_in": 5}
# ONS mid-year estimates of a county-sized authority's resident children aged 0-17 (fictional,
# sized so that 445 children on a plan is about the English rate of 42 per 10,000).
POPULATION_2013 = 104_800
POPULATION_GROWTH = 0.0035
ESCALATION_NOTES = {
    1: "Raised with the agency's named safeguarding lead.",
    2: "No reply within 5 working days: escalated to the agency's service manager.",
    3: "Escalated to the Senior Liaison Officer and the Head of Service.",
}


def continue_to(authority: Authority, today: dt.date) -> None:
    """Continue `authority` (as seed_authority built it) to `today`, in place."""
    if today <= PERIOD_END:
        return
    rng = random.Random(authority.seed + LIVING_SEED_OFFSET)
    sim = authority.sim
    sim.rng = rng
    old_meetings = len(sim.meetings)
    old_families = len(sim.families)
    old_episodes = list(sim.episodes)
    old_children = len(authority.children)

    horizon = today + dt.timedelta(weeks=DIARY_WEEKS)
    month = _next_month((PERIOD_END.year, PERIOD_END.month))
    while month <= (horizon.year, horizon.month):
        sim.run_month(month)
        month = _next_month(month)
    new_meetings = sorted(
        sim.meetings[old_meetings:], key=lambda m: (m.held_on, m.episode.family.number)
    )

    booked, waiting_initials = _arrange_the_diary(rng, sim, new_meetings, today)
    new_meetings = [m for m in new_meetings if m.held_on <= today or id(m) in booked]
    overdue = _leave_reviews_overdue(rng, new_meetings, today)
    new_meetings = [m for m in new_meetings if id(m) not in overdue]
    sim.meetings = sim.meetings[:old_meetings] + new_meetings

    new_families = [
        f
        for f in sim.families[old_families:]
        if f.episodes or any(id(m) in waiting_initials for m in f.dropped)
    ]
    sim.families = sim.families[:old_families] + new_families
    _choose_unborn(rng, new_families)
    _babies_born_since(rng, authority, today)
    authority.children += _make_children(
        rng, sim, families=new_families, born_by=today, first_number=old_children + 1
    )

    _plans(authority, old_episodes, today)
    _conferences(rng, authority, new_meetings, booked, today)
    _escalations(rng, authority, new_meetings, today)
    started = [e for e in sim.episodes if e.number in authority.plan_ids]
    checks = _monitoring_checks(
        rng,
        sim,
        {e.number: authority.plan_ids[e.number] for e in started},
        after=PERIOD_END,
        until=today,
        first_number=len(authority.check_rows) + 1,
    )
    authority.check_rows += checks
    authority.extra_tables["enquiries.csv"] = _enquiries(rng, authority, waiting_initials, today)
    authority.extra_tables["population.csv"] = [
        {
            "year": str(year),
            "children": str(round(POPULATION_2013 * (1 + POPULATION_GROWTH) ** (year - 2013))),
        }
        for year in range(2013, today.year)
        if dt.date(year, 6, 30) <= today
    ]
    authority.allocations_until = today


# --- the diary ------------------------------------------------------------------------------


def _arrange_the_diary(
    rng: random.Random, sim, new_meetings: list[Meeting], today: dt.date
) -> tuple[set[int], set[int]]:
    """Meetings after today: each episode's first one booked or not yet arranged, later ones
    dropped; plans the simulation ended after today reopened. Returns the booked meetings and
    the initial conferences not yet booked (their enquiries wait)."""
    booked: set[int] = set()
    waiting: set[int] = set()
    episodes = {id(m.episode): m.episode for m in new_meetings}
    for episode in episodes.values():
        future = [m for m in episode.meetings if m.held_on > today]
        if not future:
            continue
        first = future[0]
        if first.held_on <= today + dt.timedelta(days=BOOKED_WITHIN_DAYS) and rng.random() < 0.55:
            booked.add(id(first))
            keep = episode.meetings.index(first) + 1
        else:
            keep = episode.meetings.index(first)
            discussed_on = first.strategy_discussion_on
            if first.kind == "initial" and discussed_on is not None and discussed_on <= today:
                waiting.add(id(first))
        episode.family.dropped += episode.meetings[keep:]
        episode.meetings = episode.meetings[:keep]
        if episode.end_on is not None and episode.end_on > today:
            episode.end_on = None
            episode.end_reason = ""
    for episode in list(episodes.values()):
        if not episode.meetings:  # its initial conference is still to be arranged
            episode.family.episodes.remove(episode)
            sim.episodes.remove(episode)
    return booked, waiting


def _leave_reviews_overdue(
    rng: random.Random, new_meetings: list[Meeting], today: dt.date
) -> set[int]:
    """A few reviews due in the last three weeks were not held: the plans wait, overdue."""
    candidates = []
    for meeting in new_meetings:
        episode = meeting.episode
        if meeting.kind != "review" or meeting is not episode.meetings[-1]:
            continue
        if meeting.held_on > today or meeting.outcome != "plan":
            continue
        previous = episode.meetings[-2]
        due_on = add_months(previous.held_on, 6 if previous.kind == "review" else 3)
        if today - dt.timedelta(days=21) <= due_on < today:
            candidates.append(meeting)
    chosen = rng.sample(candidates, min(OVERDUE_REVIEWS, len(candidates)))
    for meeting in chosen:
        meeting.episode.meetings.remove(meeting)
    return {id(m) for m in chosen}


# --- children -------------------------------------------------------------------------------


def _choose_unborn(rng: random.Random, families: list[Family]) -> None:
    for family in families:
        first = family.episodes[0] if family.episodes else None
        if first is not None and first.meetings[0].kind == "initial" and rng.random() < 0.19:
            family.unborn_episode = first
            if family.size > 1:
                family.eldest_age = max(family.eldest_age, 1)


def _babies_born_since(rng: random.Random, authority: Authority, today: dt.date) -> None:
    for child in authority.children:
        if child.date_of_birth is None and child.birth_on is not None and child.birth_on <= today:
            child.date_of_birth = child.birth_on
            child.sex = rng.choice("MF")
            child.given_name = rng.choice(GIVEN_NAMES_M if child.sex == "M" else GIVEN_NAMES_F)


# --- plans and conferences ------------------------------------------------------------------


def _plans(authority: Authority, old_episodes: list[Episode], today: dt.date) -> None:
    rows = {row["plan_id"]: row for row in authority.plan_rows}
    for episode in old_episodes:
        for child, plan_id in zip(
            episode.family.children, authority.plan_ids.get(episode.number, ()), strict=False
        ):
            rows[plan_id].update(plan_row(episode, child, plan_id))
    started = [
        e
        for e in authority.sim.episodes
        if e.makes_plan
        and e.number not in authority.plan_ids
        and e.meetings
        and e.meetings[0].held_on <= today
    ]
    for episode in sorted(started, key=lambda e: (e.start_on, e.number)):
        ids = authority.plan_ids.setdefault(episode.number, [])
        for child in episode.family.children:
            plan_id = f"P{len(authority.plan_rows) + 1:06d}"
            ids.append(plan_id)
            authority.plan_rows.append(plan_row(episode, child, plan_id))


def _conferences(
    rng: random.Random,
    authority: Authority,
    new_meetings: list[Meeting],
    booked: set[int],
    today: dt.date,
) -> None:
    calendar = _calendar()
    first_number = len(authority.rows_by_meeting) + 1
    for number, meeting in enumerate(new_meetings, start=first_number):
        meeting.meeting_id = f"M{number:06d}"
        rows = authority.rows_by_meeting.setdefault(meeting.meeting_id, [])
        is_booked = id(meeting) in booked
        for child in meeting.episode.family.children:
            row = conference_row(rng, meeting, child, len(authority.conference_rows) + 1)
            if is_booked:
                row.update(
                    dict.fromkeys(
                        (
                            "outcome",
                            "child_attended",
                            "advocate_involved",
                            "views_shared_via",
                            "preparation_session",
                            "participation_code",
                        ),
                        "",
                    )  # fmt: skip
                )
                row["status"] = "booked"
            authority.conference_rows.append(row)
            rows.append(row)
        invitations = _invitations(rng, meeting)
        due_days = REPORT_DUE_WORKING_DAYS[meeting.kind]
        report_due_on = calendar.add_working_days(meeting.held_on, -due_days)
        invited_on = calendar.add_working_days(meeting.held_on, -10)
        if meeting.strategy_discussion_on is not None:
            invited_on = max(meeting.strategy_discussion_on, invited_on)
        for invitation in invitations:
            invitation["invited_date"] = _iso(invited_on)
            invitation["report_due_date"] = _iso(report_due_on)
            received = invitation["report_received"]
            received_on = None
            if received == "yes":
                received_on = report_due_on - dt.timedelta(days=rng.randint(0, 4))
            elif received == "late":
                received_on = min(
                    meeting.held_on, report_due_on + dt.timedelta(days=rng.randint(1, 3))
                )
            if is_booked:
                for name in ("attended", "apologies"):
                    invitation[name] = ""
                if received_on is None or received_on > today:
                    invitation["report_received"] = ""
                    received_on = None
            invitation["report_received_date"] = _iso(received_on)
        authority.invitations[meeting.meeting_id] = invitations


# --- escalations ----------------------------------------------------------------------------


def _escalations(
    rng: random.Random, authority: Authority, new_meetings: list[Meeting], today: dt.date
) -> None:
    held = [m for m in new_meetings if m.held_on <= today]
    by_month: dict[tuple[int, int], list[Meeting]] = {}
    for meeting in held:
        by_month.setdefault((meeting.held_on.year, meeting.held_on.month), []).append(meeting)
    used: set[tuple[str, str]] = set()
    raised: list[dict[str, str]] = []
    for _month, meetings in sorted(by_month.items()):
        for _ in range(rng.randint(*ESCALATIONS_PER_MONTH)):
            organisation = _weighted(rng, ESCALATION_ORGANISATION_WEIGHTS)
            reason = _weighted(rng, ESCALATION_REASONS)
            if organisation.startswith("Social") and reason == "other":
                reason = "plan_not_progressing"
            meeting = _meeting_for_escalation(
                rng, meetings, organisation, used, authority.invitations
            )
            used.add((meeting.meeting_id, organisation))
            row = _escalation_row(
                rng,
                meeting,
                organisation,
                reason,
                authority.invitations,
                authority.rows_by_meeting,
                True,
            )
            if row["date_raised"] > today.isoformat():
                continue
            raised.append(row)
    raised.sort(key=lambda r: (r["date_raised"], r["conference_id"], r["organisation_type"]))
    first_number = len(authority.escalation_rows) + 1
    for number, row in enumerate(raised, start=first_number):
        row["escalation_id"] = f"E{number:06d}"
    for row in authority.escalation_rows + raised:
        raised_on = dt.date.fromisoformat(row["date_raised"])
        if not row["resolved_date"]:
            resolved_on = raised_on + dt.timedelta(days=rng.randint(4, 60))
            if resolved_on <= today - dt.timedelta(days=7) or (
                resolved_on <= today and rng.random() < 0.5
            ):
                row["resolved_date"] = resolved_on.isoformat()
    authority.escalation_rows += raised
    authority.extra_tables["escalation_steps.csv"] = _escalation_steps(
        rng, authority.escalation_rows, today
    )


def _escalation_steps(
    rng: random.Random, escalations: list[dict[str, str]], today: dt.date
) -> list[dict[str, str]]:
    """Each escalation's history: raised at stage 1, then each stage it reached, and its
    resolution; the last stage is the escalation's own."""
    steps = []
    for row in escalations:
        raised_on = dt.date.fromisoformat(row["date_raised"])
        resolved_on = dt.date.fromisoformat(row["resolved_date"]) if row["resolved_date"] else None
        stage = int(row["stage"] or 1)
        on = raised_on
        for reached in range(1, stage + 1):
            if reached > 1:
                on = min(on + dt.timedelta(days=rng.randint(5, 12)), resolved_on or today, today)
            steps.append(
                {
                    "escalation_id": row["escalation_id"],
                    "date": on.isoformat(),
                    "stage": str(reached),
                    "note": ESCALATION_NOTES[reached],
                }
            )
        if resolved_on is not None:
            steps.append(
                {
                    "escalation_id": row["escalation_id"],
                    "date": max(on, resolved_on).isoformat(),
                    "stage": "",
                    "note": "Resolved: the agency responded and the chair closed the escalation.",
                }
            )
    return steps


# --- enquiries ------------------------------------------------------------------------------


def _enquiries(
    rng: random.Random, authority: Authority, waiting: set[int], today: dt.date
) -> list[dict[str, str]]:
    """Section 47 enquiries: one per child for every initial conference (with the strategy
    discussion that started it), those waiting for their conference, and about as many again
    that ended with no further action."""
    rows: list[tuple[dt.date, str, dict[str, str]]] = []
    sim = authority.sim
    initials = [m for m in sim.meetings if m.kind == "initial"]
    waiting_meetings = [m for f in sim.families for m in f.dropped if id(m) in waiting]
    for meeting in initials + waiting_meetings:
        discussed_on = meeting.strategy_discussion_on
        if discussed_on is None or discussed_on > today:
            continue
        waits = id(meeting) in waiting
        for child in meeting.episode.family.children:
            rows.append(
                (
                    discussed_on,
                    child.child_id,
                    {
                        "child_id": child.child_id,
                        "strategy_discussion_date": discussed_on.isoformat(),
                        "outcome": "" if waits else "conference",
                        "end_date": "" if waits else _iso(meeting.held_on - dt.timedelta(days=1)),
                    },
                )
            )
    rows += _no_further_action(rng, authority, len(initials), today)
    rows.sort(key=lambda r: (r[0], r[1]))
    enquiries = []
    for number, (_, _, row) in enumerate(rows, start=1):
        enquiries.append({"enquiry_id": f"S47-{number:06d}", **row})
    return enquiries


def _no_further_action(
    rng: random.Random, authority: Authority, how_many: int, today: dt.date
) -> list[tuple[dt.date, str, dict[str, str]]]:
    """Enquiries about children of the known families, off a plan at the time, that found no
    need for a conference."""
    born = [c for c in authority.children if c.date_of_birth is not None]
    on_plan = _plan_spans(authority)
    start = dt.date(2014, 1, 1)
    rows = []
    for _ in range(how_many):
        child = rng.choice(born)
        born_on = child.date_of_birth
        assert born_on is not None
        first_on = max(start, born_on + dt.timedelta(days=30))
        last_on = min(today - dt.timedelta(days=2), born_on + dt.timedelta(days=17 * 365))
        if first_on >= last_on:
            continue
        discussed_on = _calendar().working_day_on_or_before(
            first_on + dt.timedelta(days=rng.randint(0, (last_on - first_on).days))
        )
        if any(
            s - dt.timedelta(days=60) <= discussed_on and (e is None or discussed_on < e)
            for s, e in on_plan.get(child.child_id, ())
        ):
            continue
        ended_on = min(today, discussed_on + dt.timedelta(days=rng.randint(5, 25)))
        rows.append(
            (
                discussed_on,
                child.child_id,
                {
                    "child_id": child.child_id,
                    "strategy_discussion_date": discussed_on.isoformat(),
                    "outcome": "no_further_action",
                    "end_date": ended_on.isoformat(),
                },
            )
        )
    return rows


def _plan_spans(authority: Authority) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for row in authority.plan_rows:
        spans.setdefault(row["child_id"], []).append(
            (
                dt.date.fromisoformat(row["start_date"]),
                dt.date.fromisoformat(row["end_date"]) if row["end_date"] else None,
            )
        )
    return spans
