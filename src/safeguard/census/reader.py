"""Reading a DfE children in need (CIN) census file: `census_read`.

Reading streams the file (lxml iterparse) and checks it against the DfE schema in blocks of
children, so that memory stays bounded and every fault is named with its line and element, all
at once. This module imports no Django (an import-linter contract holds it to that): reading is
lxml, the DfE schema and plain Python, tested without a database."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from safeguard.exchange.reader import Problem

from .sourced import Sourced

SCHEMA_DIR = Path(__file__).parent / "schemas"
XS = "{http://www.w3.org/2001/XMLSchema}"
CHUNK_CHILDREN = 500  # children validated together: bounded memory, few validator calls
PROLOG_BYTES = 64 * 1024
GENDER_CURRENT_TO_SEX = {"1": "M", "2": "F", "9": "U", "0": ""}


class SchemaVersion(Enum):
    CIN_2026 = "CIN_schema_2026.xsd"
    CIN_2024 = "CIN_schema_2024.xsd"


class CensusError(Exception):
    """The file cannot be read at all (missing, not a file)."""


@cache
def census_schema(version: SchemaVersion) -> etree.XMLSchema:
    """The DfE schema, with <Child>, <Children> and <Header> also declared at the top level so
    that a block of children can be checked on its own.

    The 2024 schema types NumberOfPreviousCPP as a positive integer, which wrongly refuses a
    first plan (DfE rule 8730 allows 0): it is read as a non-negative integer."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(SCHEMA_DIR / version.value), parser)
    root = tree.getroot()
    for name, type_name in (
        ("Child", "childtype"),
        ("Children", "childrentype"),
        ("Header", "headertype"),
    ):
        declared = etree.SubElement(root, f"{XS}element")
        declared.set("name", name)
        declared.set("type", type_name)
    if version is SchemaVersion.CIN_2024:
        for element in root.iter(f"{XS}element"):
            if element.get("name") == "NumberOfPreviousCPP":
                element.set("type", "xs:nonNegativeInteger")
    return etree.XMLSchema(tree)


# ------------------------------------------------------------------------------------------
# collection years


@dataclass(frozen=True)
class CollectionYear:
    """A census collection year: 1 April to 31 March (the reference date)."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        match = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*", text)
        if not match:
            raise ValueError(f"'{text}' is not a collection year (use e.g. 2023/24)")
        first, second = int(match[1]), int(match[2])
        if second % 100 != (first + 1) % 100 or (second >= 1000 and second != first + 1):
            raise ValueError(f"'{text}' is not a collection year (use e.g. 2023/24)")
        return cls(first)

    @property
    def start_on(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def end_on(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def name(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start_on <= day <= self.end_on


# ------------------------------------------------------------------------------------------
# reading


@dataclass
class CensusFile:
    """A census file read and checked whole; `problems` empty means it can be imported."""

    name: str
    version: SchemaVersion | None = None
    reference_on: dt.date | None = None
    children: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sourced: Sourced = field(default_factory=Sourced)
    episodes: dict[tuple[str, dt.date], dict[str, Any]] = field(default_factory=dict)
    enquiries: dict[tuple[str, dt.date], dict[str, Any]] = field(default_factory=dict)
    previous_plans: dict[tuple[str, dt.date], int | None] = field(default_factory=dict)
    # What only the census carries, kept so that a year imported exports whole again: each
    # child's UPNs, date of death and disability codes; each episode's (child id, referral date)
    # assessments and CIN plan periods, in the file's order.
    child_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    assessments: dict[tuple[str, dt.date], list[tuple[Any, ...]]] = field(default_factory=dict)
    cin_plans: dict[tuple[str, dt.date], list[tuple[Any, ...]]] = field(default_factory=dict)
    enquiry_lines: dict[tuple[str, dt.date], int] = field(default_factory=dict)


_HINTS = (
    (
        re.compile(r"^Sex$"),
        re.compile(r"'[0129]'"),
        "the 2026 schema codes sex as M, F or U (0/1/2/9 were the 2024 schema's GenderCurrent)",
    ),
    (
        re.compile(r"^(ICPCnotRequired|ReferralNFA)$"),
        re.compile(r"'(true|false|TRUE|FALSE)'"),
        "yes/no is 1 or 0 in the 2026 schema",
    ),
)


def _error_text(error, element: etree._Element | None) -> tuple[str, str]:
    """The element an error is about, and a short reason in the person's terms."""
    match = re.match(r"Element '([^']+)'(?: \[[^\]]*\])?: ?(.*)", error.message, re.S)
    name, reason = (match[1], match[2]) if match else ("", error.message)
    reason = " ".join(reason.split())
    # A long set of allowed codes helps nobody: show the start of it.
    reason = re.sub(
        r"\{([^}]{80,})\}",
        lambda m: "{" + ", ".join(m[1].split(", ")[:8]) + ", ...}",
        reason,
    )
    if "Character content other than whitespace" in reason and element is not None:
        stray = _stray_text(element)
        if stray:
            reason = f"stray text '{stray}' between its elements ({reason})"
    for element_name, value, hint in _HINTS:
        if element_name.match(name) and value.search(reason):
            reason = f"{reason} ({hint})"
    return name, reason


def _stray_text(element: etree._Element) -> str:
    for text in (element.text, *(child.tail for child in element)):
        if text and text.strip():
            return " ".join(text.split())[:40]
    return ""


def _element_at(root: etree._Element, path: str | None) -> etree._Element | None:
    if not path:
        return None
    try:
        found = root.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


class UnheldDate(ValueError):
    """A valid xs:date that no record can hold (year 10000 or later, or before year 1)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@lru_cache(maxsize=8192)  # a return's dates repeat: one object each, parsed once
def _date(text: str | None) -> dt.date | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    # xs:date may carry a time zone ("2023-09-15Z"); the day is what counts.
    day = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$", text)
    try:
        if day is None:
            raise ValueError(text)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise UnheldDate(text) from None


def _required_date(text: str | None) -> dt.date:
    """A date the schema requires (the block was valid before it is read)."""
    day = _date(text)
    if day is None:
        raise UnheldDate(text or "")
    return day


def _yes(text: str | None) -> bool | None:
    if text is None or not text.strip():
        return None
    return text.strip().lower() in ("1", "true")


def _text(element: etree._Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _safe_iterparse(source, **options) -> etree.iterparse:
    """lxml's iterparse with entities, DTDs, the network and huge documents all left alone."""
    return etree.iterparse(
        source, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **options
    )


def _declares_doctype(path: Path) -> bool:
    """Whether the prolog, however long (comments can pad it), declares a DOCTYPE: parsed up to
    the root element's start only, with entities, DTDs and the network all left alone."""
    context = _safe_iterparse(str(path), events=("start",))
    try:
        for _, element in context:
            docinfo = element.getroottree().docinfo
            return bool(docinfo.doctype) or docinfo.internalDTD is not None
    except etree.XMLSyntaxError:
        return False  # the full read reports it, with its line
    return False


class _Reader:
    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.result = CensusFile(name=name)
        self.block: etree._Element | None = None
        self.in_block = 0  # len() of an lxml element walks its children: counted instead
        # The last child read stays where it is until the next one ends (see _child).
        self.pending: etree._Element | None = None
        self.seen_children: dict[str, int] = {}

    def problem(self, line: int, element: str, reason: str) -> None:
        self.result.problems.append(Problem(self.result.name, line, element, reason))

    # -- the stream ------------------------------------------------------------------------

    def read(self) -> CensusFile:
        with self.path.open("rb") as handle:
            prolog = handle.read(PROLOG_BYTES)
        if re.search(rb"<!(DOCTYPE|ENTITY)", prolog) or _declares_doctype(self.path):
            self.problem(
                1,
                "",
                "the file declares a DOCTYPE or entities; census files have none, and such "
                "files are refused for safety",
            )
            return self.result
        context = _safe_iterparse(
            str(self.path),
            events=("end",),
            tag=("Child", "Header"),
            remove_comments=True,
            remove_pis=True,
            # Fewer nodes to build, check and walk; text that is not blank (a stray word between
            # elements, a value) stays, so every fault is still seen.
            remove_blank_text=True,
        )
        try:
            for _, element in context:
                if element.tag == "Header":
                    self._header(element)
                else:
                    self._child(element)
            if self.pending is not None:
                self._take(self.pending)
            self._flush()
        except etree.XMLSyntaxError as error:
            line = error.lineno or (error.position[0] if error.position else 0)
            self.problem(line, "", f"not well-formed XML: {error.msg}")
            return self.result
        root = context.root
        if root is not None:
            if root.getroottree().docinfo.doctype:
                self.problem(1, "", "the file declares a DOCTYPE; census files have none")
            self._structure(root)
        self.result.problems.sort(key=lambda p: (p.line, p.column, p.reason))
        return self.result

    def _header(self, element: etree._Element) -> None:
        parent = element.getparent()
        if parent is None or parent.tag != "Message" or parent.getparent() is not None:
            self.problem(element.sourceline, "Header", "not expected here")
            return
        schema = census_schema(SchemaVersion.CIN_2026)
        if not schema.validate(element):
            for error in schema.error_log:
                name, reason = _error_text(error, None)
                self.problem(error.line, name, reason)
        reference = _text(element, "CollectionDetails/ReferenceDate")
        with contextlib.suppress(ValueError):
            self.result.reference_on = _date(reference)

    def _child(self, element: etree._Element) -> None:
        parent = element.getparent()
        grandparent = parent.getparent() if parent is not None else None
        if (
            parent is None
            or parent.tag != "Children"
            or grandparent is None
            or grandparent.tag != "Message"
            or grandparent.getparent() is not None
        ):
            self.problem(element.sourceline, "Child", "not expected here (only in <Children>)")
            element.clear(keep_tail=True)
            return
        if parent.text and parent.text.strip():
            self.problem(parent.sourceline, "Children", f"stray text '{parent.text.strip()[:40]}'")
            parent.text = None
        # The parser may still be reading this child's tail text, so the document is only ever
        # trimmed behind it (lxml's rule for iterparse): the child before it moves now.
        if self.pending is not None:
            self._take(self.pending)
        self.pending = element
        # Children already read have left <Children>: anything still before this one is stray.
        leftovers = []
        while (leftover := element.getprevious()) is not None:
            leftovers.append(leftover)
            parent.remove(leftover)
        for leftover in reversed(leftovers):
            self.problem(leftover.sourceline, str(leftover.tag), "not expected in <Children>")
        if self.result.version is None:
            self.result.version = (
                SchemaVersion.CIN_2024
                if element.find("ChildIdentifiers/GenderCurrent") is not None
                else SchemaVersion.CIN_2026
            )
        self.result.children += 1

    def _take(self, element: etree._Element) -> None:
        """Move a finished child, its tail text read whole, into the block to validate: moved,
        not copied (copying was a fifth of the read), keeping its source lines."""
        if element.tail and element.tail.strip():
            self.problem(
                element.sourceline, "Children", f"stray text '{element.tail.strip()[:40]}'"
            )
        if self.block is None:
            self.block = etree.Element("Children")
        self.block.append(element)
        element.tail = None
        self.in_block += 1
        if self.in_block >= CHUNK_CHILDREN:
            self._flush()

    def _flush(self) -> None:
        block, self.block, self.in_block = self.block, None, 0
        if block is None or len(block) == 0:
            return
        schema = census_schema(self.result.version or SchemaVersion.CIN_2026)
        clean = schema.validate(block)
        if not clean:
            for error in schema.error_log:
                name, reason = _error_text(error, _element_at(block, error.path))
                self.problem(error.line, name, reason)
        if clean and not self.result.problems:
            for child in block:
                try:
                    self._extract(child)
                except UnheldDate as error:
                    self._unheld_date(child, error.text)

    def _unheld_date(self, child: etree._Element, text: str) -> None:
        """xs:date allows years of five digits, and years before 1, which no record can hold."""
        where = next((e for e in child.iter() if (e.text or "").strip() == text), child)
        self.problem(
            where.sourceline,
            str(where.tag),
            f"'{text}' is not a calendar date that can be recorded (years 1 to 9999)",
        )

    def _structure(self, root: etree._Element) -> None:
        if root.tag != "Message":
            self.problem(root.sourceline, str(root.tag), "the root element must be <Message>")
            return
        if root.text and root.text.strip():
            self.problem(root.sourceline, "Message", f"stray text '{root.text.strip()[:40]}'")
        names = [child.tag for child in root]
        if names not in (["Header", "Children"], ["Children"]):
            for child in root:
                if child.tag not in ("Header", "Children"):
                    self.problem(child.sourceline, str(child.tag), "not expected in <Message>")
            if names.count("Children") != 1 or names.count("Header") > 1:
                self.problem(
                    root.sourceline, "Message", "expected an optional <Header>, then <Children>"
                )
        if self.result.children == 0:
            line = next((c.sourceline for c in root if c.tag == "Children"), root.sourceline)
            self.problem(line, "Children", "no <Child> in the file")

    # -- one child ------------------------------------------------------------------------

    def _extract(self, element: etree._Element) -> None:
        result = self.result
        line = element.sourceline
        identifiers = characteristics = {}
        episodes = []
        for part in element:
            if part.tag == "CINdetails":
                episodes.append(part)
            elif part.tag == "ChildIdentifiers":
                identifiers = _fields(part)
            elif part.tag == "ChildCharacteristics":
                characteristics = _fields(part)
        child_id = _value(identifiers, "LAchildID")
        if child_id in self.seen_children:
            self.problem(
                identifiers["LAchildID"].sourceline,
                "LAchildID",
                f"child '{child_id}' appears twice (first on line {self.seen_children[child_id]})",
            )
            return
        self.seen_children[child_id] = line
        if not child_id:
            # xs:string lets a blank id through the schema; the records need one to hang off.
            self.problem(
                identifiers["LAchildID"].sourceline, "LAchildID", "blank: a child needs an id"
            )
            return
        if len(child_id) > 64:
            self.problem(line, "LAchildID", "longer than 64 characters")
            return
        if result.version is SchemaVersion.CIN_2024:
            sex = GENDER_CURRENT_TO_SEX.get(_value(identifiers, "GenderCurrent"), "")
        else:
            sex = _value(identifiers, "Sex")
        disabilities = characteristics.get("Disabilities")
        result.child_details[child_id] = {
            "upn": _value(identifiers, "UPN"),
            "former_upn": _value(identifiers, "FormerUPN"),
            "upn_unknown": _value(identifiers, "UPNunknown"),
            "death_on": _date(_value(identifiers, "PersonDeathDate")),
            "disabilities": " ".join((code.text or "").strip() for code in disabilities)
            if disabilities is not None
            else "",
        }
        result.sourced.children[child_id] = (
            line,
            {
                "date_of_birth": _date(_value(identifiers, "PersonBirthDate")),
                "expected_date_of_birth": _date(_value(identifiers, "ExpectedPersonBirthDate")),
                "sex": sex,
                "ethnicity": _value(characteristics, "Ethnicity"),
            },
        )

        # initial conference date -> (line, strategy discussion date or None)
        initials: dict[dt.date, tuple[int, dt.date | None]] = {}
        plan_starts: set[dt.date] = set()
        reviews: dict[dt.date, int] = {}
        for episode_element in episodes:
            episode: dict[str, etree._Element] = {}
            enquiry_elements, plan_elements = [], []
            assessments: list[tuple[Any, ...]] = []
            cin_plans: list[tuple[Any, ...]] = []
            for part in episode_element:
                if part.tag == "Section47":
                    enquiry_elements.append(part)
                elif part.tag == "ChildProtectionPlans":
                    plan_elements.append(part)
                elif part.tag == "Assessments":
                    assessments.append(_assessment(part))
                elif part.tag == "CINPlanDates":
                    dates = _fields(part)
                    cin_plans.append(
                        (
                            _required_date(_value(dates, "CINPlanStartDate")),
                            _date(_value(dates, "CINPlanEndDate")),
                        )
                    )
                else:
                    episode[part.tag] = part
            referral_on = _required_date(_value(episode, "CINreferralDate"))
            key = (child_id, referral_on)
            if key in result.episodes:
                self.problem(
                    episode_element.sourceline,
                    "CINreferralDate",
                    "two CINdetails with the same referral date",
                )
                continue
            episode_icpc = _date(_value(episode, "DateOfInitialCPC"))
            result.episodes[key] = {
                "referral_source": _value(episode, "ReferralSource"),
                "primary_need_code": _value(episode, "PrimaryNeedCode"),
                "closure_on": _date(_value(episode, "CINclosureDate")),
                "closure_reason": _value(episode, "ReasonForClosure"),
                "referral_nfa": _yes(_value(episode, "ReferralNFA")),
                "initial_conference_on": episode_icpc,
            }
            if assessments:
                result.assessments[key] = assessments
            if cin_plans:
                result.cin_plans[key] = cin_plans
            if episode_icpc:
                initials.setdefault(episode_icpc, (episode["DateOfInitialCPC"].sourceline, None))
            for enquiry_element in enquiry_elements:
                enquiry = _fields(enquiry_element)
                started_on = _required_date(_value(enquiry, "S47ActualStartDate"))
                conference_on = _date(_value(enquiry, "DateOfInitialCPC"))
                if (child_id, started_on) in result.enquiries:
                    self.problem(
                        enquiry_element.sourceline,
                        "S47ActualStartDate",
                        "two section 47 enquiries of the child start on the same day",
                    )
                    continue
                if conference_on and conference_on < started_on:
                    self.problem(
                        enquiry["DateOfInitialCPC"].sourceline,
                        "DateOfInitialCPC",
                        "the initial conference is before the section 47 enquiry started",
                    )
                    continue
                result.enquiry_lines[(child_id, started_on)] = enquiry_element.sourceline
                result.enquiries[(child_id, started_on)] = {
                    "initial_conference_target_on": _date(_value(enquiry, "InitialCPCtarget")),
                    "initial_conference_on": conference_on,
                    "icpc_not_required": _yes(_value(enquiry, "ICPCnotRequired")),
                }
                if conference_on:
                    earlier = initials.get(conference_on)
                    # The strategy discussion that initiated the enquiry nearest the conference.
                    if earlier is None or earlier[1] is None or earlier[1] < started_on:
                        initials[conference_on] = (
                            enquiry["DateOfInitialCPC"].sourceline,
                            started_on,
                        )
            for plan_element in plan_elements:
                plan = _fields(plan_element)
                start_on = _required_date(_value(plan, "CPPstartDate"))
                plan_line = plan_element.sourceline
                if (child_id, start_on) in result.previous_plans:
                    self.problem(
                        plan_line, "CPPstartDate", "two plans of the child start on the same day"
                    )
                    continue
                previous = _value(plan, "NumberOfPreviousCPP")
                result.previous_plans[(child_id, start_on)] = int(previous) if previous else None
                plan_starts.add(start_on)
                result.sourced.plans.append(
                    (
                        plan_line,
                        {
                            "child": child_id,
                            "start_on": start_on,
                            "end_on": _date(_value(plan, "CPPendDate")),
                            "initial_category": _value(plan, "InitialCategoryOfAbuse"),
                            "latest_category": _value(plan, "LatestCategoryOfAbuse"),
                        },
                    )
                )
                reviews_element = plan.get("Reviews")
                if reviews_element is not None:
                    for review in reviews_element:
                        held_on = _required_date(review.text)
                        if held_on in reviews:
                            result.warnings.append(
                                f"{result.name}:{review.sourceline}: CPPreviewDate: child "
                                f"'{child_id}' has two reviews on {held_on}; one conference "
                                "is recorded"
                            )
                            continue
                        reviews[held_on] = review.sourceline
        for held_on, (conference_line, strategy_on) in sorted(initials.items()):
            result.sourced.conferences.append(
                (
                    conference_line,
                    {
                        "child": child_id,
                        "kind": "initial",
                        "held_on": held_on,
                        "strategy_discussion_on": strategy_on,
                        "outcome": "plan" if held_on in plan_starts else "no_plan",
                    },
                )
            )
        for held_on, review_line in sorted(reviews.items()):
            result.sourced.conferences.append(
                (review_line, {"child": child_id, "kind": "review", "held_on": held_on})
            )


def _assessment(element: etree._Element) -> tuple[Any, ...]:
    """An <Assessments> module: (start, internal review, authorisation, factors as one string of
    codes in the file's order)."""
    fields = _fields(element)
    factors = fields.get("FactorsIdentifiedAtAssessment")
    return (
        _required_date(_value(fields, "AssessmentActualStartDate")),
        _date(_value(fields, "AssessmentInternalReviewDate")),
        _date(_value(fields, "AssessmentAuthorisationDate")),
        " ".join((code.text or "").strip() for code in factors) if factors is not None else "",
    )


def _fields(element: etree._Element) -> dict[str, etree._Element]:
    """An element's children by tag, for elements the schema allows once (checked by now): one
    walk instead of a path search per field."""
    return {child.tag: child for child in element}


def _value(fields: dict[str, etree._Element], tag: str) -> str:
    found = fields.get(tag)
    if found is None:
        return ""
    return (found.text or "").strip()


def census_read(path: Path) -> CensusFile:
    """Read and check a census file whole; never writes. Raises CensusError only when the file
    cannot be opened."""
    path = Path(path)
    if not path.is_file():
        raise CensusError(f"{path}: no such file")
    return _Reader(path, path.name).read()


@contextlib.contextmanager
def cycle_collection_paused():
    """A census read or import builds hundreds of thousands of small dicts and tuples, none of
    them in a reference cycle; the cyclic collector's passes over them cost a tenth of a
    16,000-child import and free nothing. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
