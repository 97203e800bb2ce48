"""Exporting a collection year's child protection records as a DfE children in need (CIN)
census file: `census_export` (docs/cin-census.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from lxml import etree

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record

from .dfe_rules import CensusChild, CensusFinding, census_child, census_rules_check
from .reader import CollectionYear, census_read

UNKNOWN_REFERRAL_SOURCE = "10"  # the census code set's "Source unknown"
NOT_OBTAINED_ETHNICITY = "NOBT"
NO_DISABILITY = "NONE"
OTHER_DISABILITY = "DDA"  # the census code set's "Other DDA": a disability no other code names


class CensusExportError(Exception):
    """The records cannot make a valid census file; the message says which and why."""


@dataclass
class CensusExportResult:
    children: int = 0
    warnings: list[str] = field(default_factory=list)
    # The DfE errors the file written has: what the records lack that the return needs (e.g.
    # 8610, a referral with further action and no primary need), each naming its children.
    gaps: list[CensusFinding] = field(default_factory=list)


@dataclass
class _Episode:
    referral_on: dt.date
    referral_source: str = UNKNOWN_REFERRAL_SOURCE
    primary_need_code: str = ""
    closure_on: dt.date | None = None
    closure_reason: str = ""
    referral_nfa: bool | None = False
    initial_conference_on: dt.date | None = None
    pk: int | None = None
    enquiries: list[tuple[Any, ...]] = field(default_factory=list)
    plans: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _ChildRecords:
    """A child's records of the year, as the census file needs them."""

    child: tuple[Any, ...]  # child id, born, expected, sex, ethnicity, disability
    detail: tuple[Any, ...] | None  # UPN, former UPN, UPN unknown, death, disability codes
    by_kind: dict[str, list]
    plan_starts: list[dt.date]
    assessments: dict[int, list[tuple[Any, ...]]]
    cin_plans: dict[int, list[tuple[Any, ...]]]


def _sub(parent: etree._Element, tag: str, value: Any) -> None:
    if value is None or value == "":
        return
    element = etree.SubElement(parent, tag)
    if isinstance(value, bool):
        element.text = "1" if value else "0"
    elif isinstance(value, dt.date):
        element.text = value.isoformat()
    else:
        element.text = str(value)


def _census_records(year: CollectionYear) -> dict[int, _ChildRecords]:
    """Everything the year's file needs, gathered per child in a handful of queries. Only held
    conferences count: booked and cancelled ones are no part of a return."""
    from safeguard.cases.models import Child, Enquiry, EnquiryOutcome, Plan
    from safeguard.conferences.models import Conference, ConferenceStatus

    from .models import (
        Assessment,
        ChildCensusDetail,
        CinEpisode,
        CinPlanPeriod,
        PlanCensusDetail,
        Section47Enquiry,
    )

    start_on, end_on = year.start_on, year.end_on
    by_child: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    all_plan_starts: dict[int, list[dt.date]] = defaultdict(list)
    previous = dict(PlanCensusDetail.objects.values_list("plan_id", "previous_plans"))
    for pk, child_pk, plan_start, plan_end, initial, latest in Plan.objects.values_list(
        "pk", "child_id", "start_on", "end_on", "initial_category", "latest_category"
    ).order_by("start_on"):
        all_plan_starts[child_pk].append(plan_start)
        if plan_start <= end_on and (plan_end is None or plan_end >= start_on):
            by_child[child_pk]["plans"].append(
                (plan_start, plan_end, initial, latest, previous.get(pk))
            )
    for child_pk, kind, held_on, strategy_on, notified_on in Conference.objects.filter(
        held_on__gte=start_on, held_on__lte=end_on, status=ConferenceStatus.HELD
    ).values_list(
        "child_id", "kind", "held_on", "strategy_discussion_on", "transfer_notification_on"
    ):
        key = "reviews" if kind == "review" else "initials"
        by_child[child_pk][key].append((held_on, strategy_on))
        if kind == "transfer_in" and notified_on is not None and notified_on <= held_on:
            # The receiving authority opens a referral when told of the move (the SSD's
            # transfer-in notification is that referral's date): a referral date of its own.
            by_child[child_pk]["notifications"].append(notified_on)
    for row in Section47Enquiry.objects.filter(
        Q(started_on__gte=start_on, started_on__lte=end_on)
        | Q(initial_conference_on__gte=start_on, initial_conference_on__lte=end_on)
    ).values_list(
        "child_id",
        "started_on",
        "initial_conference_target_on",
        "initial_conference_on",
        "icpc_not_required",
    ):
        by_child[row[0]]["enquiries"].append(row[1:])
    # The records' enquiries: their outcome is the record's; the census's own details, where
    # it was imported, give the target and conference dates.
    for child_pk, started_on, outcome in Enquiry.objects.filter(
        strategy_discussion_on__gte=start_on, strategy_discussion_on__lte=end_on
    ).values_list("child_id", "strategy_discussion_on", "outcome"):
        by_child[child_pk]["recorded_enquiries"].append(
            (started_on, outcome == EnquiryOutcome.NO_FURTHER_ACTION)
        )
    episodes = CinEpisode.objects.filter(
        Q(closure_on__isnull=True) | Q(closure_on__gte=start_on), referral_on__lte=end_on
    )
    for episode in episodes.values_list(
        "child_id",
        "referral_on",
        "referral_source",
        "primary_need_code",
        "closure_on",
        "closure_reason",
        "referral_nfa",
        "initial_conference_on",
        "pk",
    ):
        by_child[episode[0]]["episodes"].append(episode[1:])
    children = {
        pk: tuple(fields)
        for pk, *fields in Child.objects.filter(pk__in=list(by_child)).values_list(
            "pk",
            "child_id",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "ethnicity",
            "disability",
        )
    }
    details = {
        pk: tuple(fields)
        for pk, *fields in ChildCensusDetail.objects.filter(
            child_id__in=list(by_child)
        ).values_list("child_id", "upn", "former_upn", "upn_unknown", "death_on", "disabilities")
    }
    assessments: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for episode_pk, *assessment in (
        Assessment.objects.filter(episode__in=episodes.values("pk"))
        .values_list("episode_id", "started_on", "internal_review_on", "authorised_on", "factors")
        .order_by("episode_id", "id")
    ):
        assessments[episode_pk].append(tuple(assessment))
    cin_plans: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for episode_pk, *dates in (
        CinPlanPeriod.objects.filter(episode__in=episodes.values("pk"))
        .values_list("episode_id", "start_on", "end_on")
        .order_by("episode_id", "id")
    ):
        cin_plans[episode_pk].append(tuple(dates))
    return {
        pk: _ChildRecords(
            child=child,
            detail=details.get(pk),
            by_kind=by_child[pk],
            plan_starts=all_plan_starts[pk],
            assessments=assessments,
            cin_plans=cin_plans,
        )
        for pk, child in children.items()
    }


def _disability_codes(disability: bool | None, codes: str) -> list[str]:
    """The <Disability> codes to write: the census's own while they agree with the record's
    yes/no, else NONE for no, and DDA (another disability) for a yes no code describes."""
    recorded = codes.split()
    recorded_yes = any(code != "NONE" for code in recorded) if recorded else None
    if disability is None or disability == recorded_yes:
        return recorded
    return [OTHER_DISABILITY] if disability else [NO_DISABILITY]


def _child_element(
    year: CollectionYear,
    records: _ChildRecords,
    notes: dict,
    faults: list[tuple[str, str]] | None = None,
) -> etree._Element:
    """The child's census record. A fault the schema cannot express stops the export, or, given
    `faults` (`safeguard check`), is noted there as (child id, reason) and the record left out."""
    child_id, born_on, expected_on, sex, ethnicity, disability = records.child
    upn, former_upn, upn_unknown, death_on, codes = records.detail or ("", "", "", None, "")
    element = etree.Element("Child")
    identifiers = etree.SubElement(element, "ChildIdentifiers")
    _sub(identifiers, "LAchildID", child_id)
    _sub(identifiers, "UPN", upn)
    _sub(identifiers, "FormerUPN", former_upn)
    _sub(identifiers, "UPNunknown", upn_unknown)
    _sub(identifiers, "PersonBirthDate", born_on)
    # Both, when both are held: the DfE queries it (8525Q), as `safeguard check` does.
    _sub(identifiers, "ExpectedPersonBirthDate", expected_on)
    _sub(identifiers, "Sex", sex or "U")
    if death_on is not None and death_on <= year.end_on:
        _sub(identifiers, "PersonDeathDate", death_on)
    characteristics = etree.SubElement(element, "ChildCharacteristics")
    if not ethnicity:
        notes["no ethnicity"] += 1
    _sub(characteristics, "Ethnicity", ethnicity or NOT_OBTAINED_ETHNICITY)
    disabilities = _disability_codes(disability, codes)
    if disabilities:
        listed = etree.SubElement(characteristics, "Disabilities")
        for code in disabilities:
            _sub(listed, "Disability", code)

    by_kind = records.by_kind
    enquiries = {row[0]: [*row, False] for row in sorted(by_kind["enquiries"])}
    for started_on, no_further_action in sorted(by_kind["recorded_enquiries"]):
        row = enquiries.get(started_on)
        if row is None:
            # Recorded outside the census: the conference it led to is found below.
            enquiries[started_on] = [started_on, None, None, no_further_action, True]
        else:
            row[3] = no_further_action
    covered = {row[2] for row in enquiries.values() if row[2]}
    episode_initials: list[dt.date] = []
    for held_on, strategy_on in sorted(by_kind["initials"]):
        if held_on in covered:
            continue
        if strategy_on is not None and strategy_on <= held_on:
            # A conference recorded with its strategy discussion: the enquiry it ended.
            row = enquiries.setdefault(strategy_on, [strategy_on, None, None, False, False])
            if row[2] is None:
                row[2] = held_on
                covered.add(held_on)
                continue
        # A conference recorded without its strategy discussion ends the latest enquiry recorded
        # outside the census before it that waits for a conference.
        waiting = [
            row
            for row in enquiries.values()
            if row[4] and row[2] is None and not row[3] and row[0] <= held_on
        ]
        if waiting:
            waiting[-1][2] = held_on
            covered.add(held_on)
            continue
        episode_initials.append(held_on)

    episodes = [_Episode(*row) for row in sorted(by_kind["episodes"])]
    dates = [
        *(row[0] for row in enquiries.values()),
        *(plan[0] for plan in by_kind["plans"]),
        *episode_initials,
        *by_kind["notifications"],
    ]
    if not episodes:
        notes["no referral"] += 1
        episodes = [_Episode(referral_on=min(dates) if dates else year.start_on)]

    def episode_of(day: dt.date) -> _Episode:
        chosen = episodes[0]
        for episode in episodes:
            if episode.referral_on <= day:
                chosen = episode
        return chosen

    for row in enquiries.values():
        episode_of(row[0]).enquiries.append(tuple(row[:4]))
    for held_on in episode_initials:
        episode = episode_of(held_on)
        if episode.initial_conference_on not in (None, held_on):
            notes["initial conferences left out"] += 1
            continue
        episode.initial_conference_on = held_on
    reviews = sorted(held_on for held_on, _ in by_kind["reviews"])
    for plan in sorted(by_kind["plans"], key=lambda p: p[0]):
        episode_of(plan[0]).plans.append(plan)

    placed_reviews: set[dt.date] = set()
    for episode in episodes:
        details = etree.SubElement(element, "CINdetails")
        _sub(details, "CINreferralDate", episode.referral_on)
        _sub(details, "ReferralSource", episode.referral_source or UNKNOWN_REFERRAL_SOURCE)
        _sub(details, "PrimaryNeedCode", episode.primary_need_code)
        if episode.closure_on is None or episode.closure_on <= year.end_on:
            # A reason held without a date is written too: the DfE refuses it (8810), and so
            # does `safeguard check`, rather than the export hiding it.
            _sub(details, "CINclosureDate", episode.closure_on)
            _sub(details, "ReasonForClosure", episode.closure_reason)
        _sub(details, "DateOfInitialCPC", episode.initial_conference_on)
        _episode_modules(details, year, records, episode.pk)
        for started_on, target_on, conference_on, not_required in sorted(episode.enquiries):
            enquiry = etree.SubElement(details, "Section47")
            _sub(enquiry, "S47ActualStartDate", started_on)
            _sub(enquiry, "InitialCPCtarget", target_on)
            _sub(enquiry, "DateOfInitialCPC", conference_on)
            _sub(enquiry, "ICPCnotRequired", bool(not_required))
        _sub(details, "ReferralNFA", bool(episode.referral_nfa))
        for start_on, end_on, initial, latest, previous in episode.plans:
            if not (initial or latest):
                reason = (
                    f"the plan starting {start_on} has no category of abuse, "
                    "which the census requires"
                )
                if faults is None:
                    raise CensusExportError(f"child '{child_id}': {reason}")
                faults.append((child_id, reason))
                continue
            plan = etree.SubElement(details, "ChildProtectionPlans")
            _sub(plan, "CPPstartDate", start_on)
            if end_on is not None and end_on <= year.end_on:
                _sub(plan, "CPPendDate", end_on)
            _sub(plan, "InitialCategoryOfAbuse", initial or latest)
            _sub(plan, "LatestCategoryOfAbuse", latest or initial)
            if previous is None:
                previous = sum(1 for day in records.plan_starts if day < start_on)
            _sub(plan, "NumberOfPreviousCPP", previous)
            own = [
                day
                for day in reviews
                if day not in placed_reviews
                and start_on < day
                and (end_on is None or day <= end_on)
            ]
            if own:
                reviews_element = etree.SubElement(plan, "Reviews")
                for day in own:
                    _sub(reviews_element, "CPPreviewDate", day)
                placed_reviews.update(own)
    notes["reviews left out"] += len(set(reviews) - placed_reviews)
    return element


def _episode_modules(
    details: etree._Element, year: CollectionYear, records: _ChildRecords, episode_pk: int | None
) -> None:
    """The episode's assessments and CIN plan periods as the census gave them; what happened
    after the reference date is no part of the year's return."""
    if episode_pk is None:
        return
    for started_on, review_on, authorised_on, factors in records.assessments.get(episode_pk, ()):
        if started_on > year.end_on:
            continue
        assessment = etree.SubElement(details, "Assessments")
        _sub(assessment, "AssessmentActualStartDate", started_on)
        if review_on is not None and review_on <= year.end_on:
            _sub(assessment, "AssessmentInternalReviewDate", review_on)
        if authorised_on is not None and authorised_on <= year.end_on:
            _sub(assessment, "AssessmentAuthorisationDate", authorised_on)
            if factors:
                listed = etree.SubElement(assessment, "FactorsIdentifiedAtAssessment")
                for code in factors.split():
                    _sub(listed, "AssessmentFactors", code)
    for start_on, end_on in records.cin_plans.get(episode_pk, ()):
        if start_on > year.end_on:
            continue
        period = etree.SubElement(details, "CINPlanDates")
        _sub(period, "CINPlanStartDate", start_on)
        if end_on is not None and end_on <= year.end_on:
            _sub(period, "CINPlanEndDate", end_on)


@dataclass(frozen=True)
class _YearToDate(CollectionYear):
    """A collection year as it stands on `as_of`: its reference date is `as_of`."""

    as_of: dt.date

    @property
    def end_on(self) -> dt.date:
        return self.as_of


@dataclass
class CensusDocument:
    """A collection year's census file, built in memory (`safeguard check`)."""

    root: etree._Element
    faults: list[tuple[str, str]]  # (child id, reason): what no file can hold


def census_document(year: CollectionYear, *, as_of: dt.date | None = None) -> CensusDocument:
    """The file `census_export` would write for `year`, as a tree; with `as_of` before the
    year's end, the year to date, `as_of` as its reference date."""
    if as_of is not None and as_of < year.end_on:
        year = _YearToDate(year.start_year, as_of)
    notes: dict[str, int] = defaultdict(int)
    faults: list[tuple[str, str]] = []
    gathered = _census_records(year)
    root = etree.Element("Message")
    root.append(_header(year, None))
    children_element = etree.SubElement(root, "Children")
    for child_pk in sorted(gathered, key=lambda pk: gathered[pk].child[0]):
        children_element.append(_child_element(year, gathered[child_pk], notes, faults))
    return CensusDocument(root=root, faults=faults)


def _header(year: CollectionYear, lea: str | None) -> etree._Element:
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", year.start_year + 1)
    _sub(details, "ReferenceDate", year.end_on)
    if lea:
        source = etree.SubElement(header, "Source")
        _sub(source, "SourceLevel", "L")
        _sub(source, "LEA", lea)
        _sub(source, "SoftwareCode", "Safeguard")
    return header


def census_export(
    *,
    path: Path,
    year: CollectionYear,
    by: Any | None,
    lea: str | None = None,
    gaps_found: Callable[[list[CensusFinding]], None] | None = None,
) -> CensusExportResult:
    """Write the year's child protection records as a census file that validates against
    CIN_schema_2026.xsd; checked by reading it back before it replaces `path`.

    `gaps_found` is handed the DfE errors of the file (what the records lack for the return)
    before the file replaces `path`; they are also in the result."""
    path = Path(path)
    if lea is not None and not re.fullmatch(r"\d{3}", lea):
        raise CensusExportError(f"'{lea}' is not a three-digit local authority (LEA) code")
    notes: dict[str, int] = defaultdict(int)
    result = CensusExportResult()
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    read_back: list[CensusChild] = []
    with transaction.atomic():
        gathered = _census_records(year)
        order = sorted(gathered, key=lambda pk: gathered[pk].child[0])
        header = _header(year, lea)
        try:
            with (
                etree.xmlfile(str(partial), encoding="UTF-8") as xml,
                xml.element("Message"),
            ):
                xml.write(header, pretty_print=True)
                with xml.element("Children"):
                    for child_pk in order:
                        element = _child_element(year, gathered[child_pk], notes)
                        read_back.append(census_child(element))
                        xml.write(element, pretty_print=True)
                        result.children += 1
        except CensusExportError:
            partial.unlink(missing_ok=True)
            raise
        audit_record(
            actor=by,
            action=AuditAction.EXPORT,
            record_type="cin_census",
            record_id=path.name[:100],
            summary=f"collection year {year.name}: {result.children} children",
        )
    check = census_read(partial)
    if check.problems:
        partial.unlink(missing_ok=True)
        raise CensusExportError(
            "the file written does not validate against the DfE schema: "
            + "; ".join(str(p) for p in check.problems[:5])
        )
    # What the records lack for the return, named by child, before the file takes FILE's place.
    result.gaps = [
        finding for finding in census_rules_check(read_back, year.end_on) if finding.kind == "error"
    ]
    if gaps_found is not None and result.gaps:
        gaps_found(result.gaps)
    partial.replace(path)
    messages = {
        "no referral": "children have no CIN referral recorded: the first child protection date "
        "(a transfer-in's notification date among them) was given as the referral date and "
        f"{UNKNOWN_REFERRAL_SOURCE} (source unknown) as its source",
        "no ethnicity": f"children have no ethnicity recorded: {NOT_OBTAINED_ETHNICITY} was given",
        "initial conferences left out": "initial conferences without a section 47 enquiry were "
        "left out: a CIN episode holds one",
        "reviews left out": "review conferences of the year fall in no plan and were left out",
    }
    for key, count in notes.items():
        if count:
            result.warnings.append(f"{count} {messages[key]}")
    return result
