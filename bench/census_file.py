"""A synthetic DfE CIN census return for the census import benchmark (issue 8).

`write_census_file(path, children=16_000)` writes a 2023/24 return shaped like a real one: every
child is a child in need with one CIN episode (a tenth have two), with assessments, disabilities
and CIN plan dates; about three in ten had a section 47 enquiry, about half of those went to an
initial conference, most conferences started a child protection plan, and some plans carry on
from earlier years; plans have their review conferences. It validates against
CIN_schema_2026.xsd and imports without a fault into an empty database."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

CENSUS_CHILDREN = 16_000  # such a file imports in up to 3 s (issue 22) and 300 MB (issue 8)
YEAR_START, REFERENCE_ON = dt.date(2023, 4, 1), dt.date(2024, 3, 31)
ETHNICITIES = ("WBRI",) * 14 + ("WOTH", "MWBC", "MOTH", "APKN", "BAFR", "AOTH", "NOBT")
SOURCES = ("1A", "1B", "2A", "2B", "3A", "3B", "3E", "4", "5A", "5B", "6", "8", "9", "10")
NEEDS = ("N1",) * 6 + ("N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
CLOSURES = ("RC1", "RC2", "RC3", "RC4", "RC7", "RC8")
FACTORS = ("1A", "2A", "3A", "4A", "6A", "8B", "9A", "16A", "17A", "18B", "19A", "21", "22A")
DISABILITIES = ("NONE",) * 9 + ("LD", "AUT", "COMM", "BEH")
CATEGORIES = ("NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL")


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _element(tag: str, value: object, indent: str) -> str:
    return f"{indent}<{tag}>{value}</{tag}>\n"


def _child(rng: random.Random, number: int) -> str:
    out = ["    <Child>\n      <ChildIdentifiers>\n"]
    out.append(_element("LAchildID", f"CIN{number:06d}", "        "))
    if rng.random() < 0.85:
        out.append(
            _element("UPN", f"A{rng.randrange(10**10, 10**11)}{rng.choice('ABCDE')}", " " * 8)
        )
    else:
        out.append(_element("UPNunknown", rng.choice(("UN1", "UN2", "UN3")), " " * 8))
    continuing = rng.random() < 0.06  # a plan that began before the year
    # A fifth of the episodes (and every continuing plan's) were open when the year began.
    if continuing or rng.random() < 0.2:
        first_referral = _weekday(YEAR_START - _days(rng, 60, 700))
    else:
        first_referral = _weekday(YEAR_START + _days(rng, 0, 330))
    if rng.random() < 0.01:
        out.append(_element("ExpectedPersonBirthDate", REFERENCE_ON + _days(rng, 10, 120), " " * 8))
    else:
        born = first_referral - _days(rng, 30, 17 * 365)
        out.append(_element("PersonBirthDate", born, " " * 8))
    out.append(_element("Sex", "U" if rng.random() < 0.01 else rng.choice("MF"), " " * 8))
    out.append("      </ChildIdentifiers>\n      <ChildCharacteristics>\n")
    out.append(_element("Ethnicity", rng.choice(ETHNICITIES), " " * 8))
    out.append("        <Disabilities>\n")
    for disability in sorted(set(rng.choices(DISABILITIES, k=rng.choice((1, 1, 1, 2))))):
        out.append(_element("Disability", disability, " " * 10))
    out.append("        </Disabilities>\n      </ChildCharacteristics>\n")

    episodes = [first_referral]
    early = first_referral < YEAR_START + dt.timedelta(days=200)
    if not continuing and early and rng.random() < 0.1:
        episodes.append(_weekday(max(first_referral, YEAR_START) + _days(rng, 90, 160)))
    for index, referral_on in enumerate(episodes):
        last = index == len(episodes) - 1
        out.append(_episode(rng, referral_on, last=last, continuing=continuing and last,
                            next_referral=None if last else episodes[index + 1]))  # fmt: skip
    out.append("    </Child>\n")
    return "".join(out)


def _episode(
    rng: random.Random,
    referral_on: dt.date,
    *,
    last: bool,
    continuing: bool,
    next_referral: dt.date | None,
) -> str:
    indent = " " * 8
    out = ["      <CINdetails>\n"]
    out.append(_element("CINreferralDate", referral_on, indent))
    out.append(_element("ReferralSource", rng.choice(SOURCES), indent))
    out.append(_element("PrimaryNeedCode", rng.choice(NEEDS), indent))
    # What happened in the episode: a section 47 enquiry, a conference, a plan.
    s47_on = icpc_on = None
    plan: tuple[dt.date, dt.date | None] | None = None
    if continuing:
        plan_start = _weekday(referral_on + _days(rng, 20, 40))
        plan = (plan_start, None)
    elif last and rng.random() < 0.3:
        s47_on = _weekday(max(referral_on, YEAR_START) + _days(rng, 0, 20))
        if s47_on < REFERENCE_ON - dt.timedelta(days=30) and rng.random() < 0.45:
            icpc_on = _weekday(s47_on + _days(rng, 10, 21))
            if rng.random() < 0.85:
                plan = (icpc_on, None)
    if plan is not None and rng.random() < 0.5:
        end_on = _weekday(plan[0] + _days(rng, 120, 540))
        if end_on <= REFERENCE_ON:
            plan = (plan[0], end_on)
    closure_on = None
    if next_referral is not None:
        closure_on = next_referral - _days(rng, 10, 40)
    elif plan is not None and plan[1] is not None and rng.random() < 0.6:
        closure_on = min(REFERENCE_ON, plan[1] + _days(rng, 20, 90))
    elif plan is None and rng.random() < 0.6:
        closure_on = min(REFERENCE_ON, max(referral_on, YEAR_START) + _days(rng, 30, 200))
        if s47_on is not None:
            closure_on = max(closure_on, s47_on + dt.timedelta(days=30))
            closure_on = min(closure_on, REFERENCE_ON)
    if closure_on is not None:
        out.append(_element("CINclosureDate", closure_on, indent))
        out.append(_element("ReasonForClosure", rng.choice(CLOSURES), indent))
    assessment_on = referral_on + _days(rng, 0, 5)
    out.append("        <Assessments>\n")
    out.append(_element("AssessmentActualStartDate", assessment_on, " " * 10))
    authorised = assessment_on + _days(rng, 10, 45)
    if closure_on is None or authorised <= closure_on:
        out.append(_element("AssessmentAuthorisationDate", authorised, " " * 10))
        out.append("          <FactorsIdentifiedAtAssessment>\n")
        for factor in sorted(set(rng.choices(FACTORS, k=rng.randint(1, 3)))):
            out.append(_element("AssessmentFactors", factor, " " * 12))
        out.append("          </FactorsIdentifiedAtAssessment>\n")
    out.append("        </Assessments>\n")
    if plan is None and rng.random() < 0.4:
        start = assessment_on + _days(rng, 20, 60)
        if start <= REFERENCE_ON:
            out.append("        <CINPlanDates>\n")
            out.append(_element("CINPlanStartDate", start, " " * 10))
            if closure_on is not None and start <= closure_on:
                out.append(_element("CINPlanEndDate", closure_on, " " * 10))
            out.append("        </CINPlanDates>\n")
    if s47_on is not None:
        out.append("        <Section47>\n")
        out.append(_element("S47ActualStartDate", s47_on, " " * 10))
        out.append(_element("InitialCPCtarget", _weekday(s47_on + dt.timedelta(days=21)), " " * 10))
        if icpc_on is not None:
            out.append(_element("DateOfInitialCPC", icpc_on, " " * 10))
        not_required = icpc_on is None and rng.random() < 0.9
        out.append(_element("ICPCnotRequired", int(not_required), " " * 10))
        out.append("        </Section47>\n")
    out.append(_element("ReferralNFA", 0, indent))
    if plan is not None:
        start_on, end_on = plan
        out.append("        <ChildProtectionPlans>\n")
        out.append(_element("CPPstartDate", start_on, " " * 10))
        if end_on is not None:
            out.append(_element("CPPendDate", end_on, " " * 10))
        initial = rng.choice(CATEGORIES)
        latest = initial if rng.random() < 0.9 else rng.choice(CATEGORIES)
        out.append(_element("InitialCategoryOfAbuse", initial, " " * 10))
        out.append(_element("LatestCategoryOfAbuse", latest, " " * 10))
        out.append(_element("NumberOfPreviousCPP", 0 if rng.random() < 0.8 else 1, " " * 10))
        reviews = []
        review_on = _weekday(start_on + dt.timedelta(days=rng.randint(80, 90)))
        while review_on <= (end_on or REFERENCE_ON) and review_on <= REFERENCE_ON:
            if review_on >= YEAR_START:
                reviews.append(review_on)
            review_on = _weekday(review_on + dt.timedelta(days=rng.randint(170, 182)))
        if reviews:
            out.append("          <Reviews>\n")
            for day in reviews:
                out.append(_element("CPPreviewDate", day, " " * 12))
            out.append("          </Reviews>\n")
        out.append("        </ChildProtectionPlans>\n")
    out.append("      </CINdetails>\n")
    return "".join(out)


def write_census_file(path: Path, *, children: int = CENSUS_CHILDREN, seed: int = 2025) -> int:
    """Write the return to `path`; returns the number of children."""
    rng = random.Random(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "<?xml version='1.0' encoding='UTF-8'?>\n<Message>\n  <Header>\n"
            "    <CollectionDetails>\n      <Collection>CIN</Collection>\n"
            f"      <Year>{REFERENCE_ON.year}</Year>\n"
            f"      <ReferenceDate>{REFERENCE_ON}</ReferenceDate>\n    </CollectionDetails>\n"
            "    <Source>\n      <SourceLevel>L</SourceLevel>\n      <LEA>999</LEA>\n"
            "      <SoftwareCode>Safeguard bench</SoftwareCode>\n    </Source>\n"
            "  </Header>\n  <Children>\n"
        )
        for number in range(1, children + 1):
            handle.write(_child(rng, number))
        handle.write("  </Children>\n</Message>\n")
    return children
