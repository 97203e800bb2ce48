"""Exporting a collection year's child protection records as a DfE children in need (CIN)
census file: `census_export` (docs/cin-census.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from lxml import etree

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record

from .reader import CollectionYear, census_read

UNKNOWN_REFERRAL_SOURCE = "10"  # the census code set's "Source unknown"
NOT_OBTAINED_ETHNICITY = "NOBT"


class CensusExportError(Exception):
    """The records cannot make a valid census file; the message says which and why."""


@dataclass
class CensusExportResult:
    children: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Episode:
    referral_on: dt.date
    referral_source: str = UNKNOWN_REFERRAL_SOURCE
    primary_need_code: str = ""
    closure_on: dt.date | None = None
    closure_reason: str = ""
    referral_nfa: bool | None = False
    initial_conference_on: dt.date | None = None
    enquiries: list[tuple[Any, ...]] = field(default_factory=list)
    plans: list[tuple[Any, ...]] = field(default_factory=list)


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


def _census_records(year: CollectionYear) -> tuple[dict, list[str]]:
    """Everything the year's file needs, gathered per child in a handful of queries."""
    from safeguard.cases.models import Child, Plan
    from safeguard.conferences.models import Conference, ConferenceStatus

    from .models import CinEpisode, PlanCensusDetail, Section47Enquiry

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
    for child_pk, kind, held_on, strategy_on in Conference.objects.filter(
        held_on__gte=start_on, held_on__lte=end_on, status=ConferenceStatus.HELD
    ).values_list("child_id", "kind", "held_on", "strategy_discussion_on"):
        key = "reviews" if kind == "review" else "initials"
        by_child[child_pk][key].append((held_on, strategy_on))
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
    for episode in CinEpisode.objects.filter(
        Q(closure_on__isnull=True) | Q(closure_on__gte=start_on), referral_on__lte=end_on
    ).values_list(
        "child_id",
        "referral_on",
        "referral_source",
        "primary_need_code",
        "closure_on",
        "closure_reason",
        "referral_nfa",
        "initial_conference_on",
    ):
        by_child[episode[0]]["episodes"].append(episode[1:])
    children = {
        pk: row
        for pk, *row in Child.objects.filter(pk__in=list(by_child)).values_list(
            "pk", "child_id", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity"
        )
    }
    return {"by_child": by_child, "children": children, "plan_starts": all_plan_starts}, []


def _child_element(
    year: CollectionYear,
    child: list,
    records: dict,
    plan_starts: list[dt.date],
    notes: dict,
    faults: list[tuple[str, str]] | None = None,
) -> etree._Element:
    """The child's census record. A fault the schema cannot express stops the export, or, given
    `faults` (`safeguard check`), is noted there as (child id, reason) and the record left out."""
    child_id, born_on, expected_on, sex, ethnicity = child
    element = etree.Element("Child")
    identifiers = etree.SubElement(element, "ChildIdentifiers")
    _sub(identifiers, "LAchildID", child_id)
    _sub(identifiers, "PersonBirthDate", born_on)
    # Both, when both are held: the DfE queries it (8525Q), as `safeguard check` does.
    _sub(identifiers, "ExpectedPersonBirthDate", expected_on)
    _sub(identifiers, "Sex", sex or "U")
    characteristics = etree.SubElement(element, "ChildCharacteristics")
    if not ethnicity:
        notes["no ethnicity"] += 1
    _sub(characteristics, "Ethnicity", ethnicity or NOT_OBTAINED_ETHNICITY)

    enquiries = {row[0]: list(row) for row in sorted(records["enquiries"])}
    covered = {row[2] for row in enquiries.values() if row[2]}
    episode_initials: list[dt.date] = []
    for held_on, strategy_on in sorted(records["initials"]):
        if held_on in covered:
            continue
        if strategy_on is not None and strategy_on <= held_on:
            # A conference recorded with its strategy discussion: the enquiry it ended.
            row = enquiries.setdefault(strategy_on, [strategy_on, None, None, False])
            if row[2] is None:
                row[2] = held_on
                covered.add(held_on)
                continue
        episode_initials.append(held_on)

    episodes = [_Episode(*row) for row in sorted(records["episodes"])]
    dates = [
        *(row[0] for row in enquiries.values()),
        *(plan[0] for plan in records["plans"]),
        *episode_initials,
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
        episode_of(row[0]).enquiries.append(tuple(row))
    for held_on in episode_initials:
        episode = episode_of(held_on)
        if episode.initial_conference_on not in (None, held_on):
            notes["initial conferences left out"] += 1
            continue
        episode.initial_conference_on = held_on
    reviews = sorted(held_on for held_on, _ in records["reviews"])
    for plan in sorted(records["plans"], key=lambda p: p[0]):
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
                previous = sum(1 for day in plan_starts if day < start_on)
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
    gathered, _ = _census_records(year)
    by_child, children = gathered["by_child"], gathered["children"]
    root = etree.Element("Message")
    root.append(_header(year, None))
    children_element = etree.SubElement(root, "Children")
    for child_pk in sorted(children, key=lambda pk: children[pk][0]):
        children_element.append(
            _child_element(
                year,
                children[child_pk],
                by_child[child_pk],
                gathered["plan_starts"][child_pk],
                notes,
                faults,
            )
        )
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
    *, path: Path, year: CollectionYear, by: Any | None, lea: str | None = None
) -> CensusExportResult:
    """Write the year's child protection records as a census file that validates against
    CIN_schema_2026.xsd; checked by reading it back before it replaces `path`."""
    path = Path(path)
    if lea is not None and not re.fullmatch(r"\d{3}", lea):
        raise CensusExportError(f"'{lea}' is not a three-digit local authority (LEA) code")
    notes: dict[str, int] = defaultdict(int)
    result = CensusExportResult()
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        gathered, _ = _census_records(year)
        by_child, children = gathered["by_child"], gathered["children"]
        order = sorted(children, key=lambda pk: children[pk][0])
        header = _header(year, lea)
        try:
            with (
                etree.xmlfile(str(partial), encoding="UTF-8") as xml,
                xml.element("Message"),
            ):
                xml.write(header, pretty_print=True)
                with xml.element("Children"):
                    for child_pk in order:
                        xml.write(
                            _child_element(
                                year,
                                children[child_pk],
                                by_child[child_pk],
                                gathered["plan_starts"][child_pk],
                                notes,
                            ),
                            pretty_print=True,
                        )
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
    partial.replace(path)
    messages = {
        "no referral": "children have no CIN referral recorded: the first child protection date "
        f"was given as the referral date and {UNKNOWN_REFERRAL_SOURCE} (source unknown) as "
        "its source",
        "no ethnicity": f"children have no ethnicity recorded: {NOT_OBTAINED_ETHNICITY} was given",
        "initial conferences left out": "initial conferences without a section 47 enquiry were "
        "left out: a CIN episode holds one",
        "reviews left out": "review conferences of the year fall in no plan and were left out",
    }
    for key, count in notes.items():
        if count:
            result.warnings.append(f"{count} {messages[key]}")
    return result
