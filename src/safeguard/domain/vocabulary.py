"""The codes the contract fixes, each with the label it has in a table or a form and the phrase
it has inside a sentence, defined once for the models' choices, the pages and the report.

Each vocabulary is the tuple of its codes in the contract's order (the report's order too), so
it can be used wherever the codes are: `"PN3" in PARTICIPATION_CODES`, `(*PLAN_CATEGORIES,
NOT_RECORDED)`; `PLAN_CATEGORIES.label("NEG")` is "Neglect". A figure counts the records that
leave a coded field empty under NOT_RECORDED, which every vocabulary can label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    label: str  # in a table, a chart or a form: "Transfer in"
    phrase: str = ""  # inside a sentence: "transfer in"; the label in lower case unless given

    def __post_init__(self) -> None:
        if not self.phrase:
            object.__setattr__(self, "phrase", self.label.lower())


NOT_RECORDED = "not_recorded"
_NOT_RECORDED = Term(NOT_RECORDED, "Not recorded")


class Vocabulary(tuple[str, ...]):
    """The codes of one coded field, in order, each with its Term."""

    _terms: dict[str, Term]

    def __new__(cls, *terms: Term) -> Vocabulary:
        vocabulary = super().__new__(cls, (term.code for term in terms))
        vocabulary._terms = {term.code: term for term in terms}
        return vocabulary

    def term(self, code: str) -> Term:
        if code == NOT_RECORDED:
            return _NOT_RECORDED
        return self._terms[code]

    def label(self, code: str) -> str:
        return self.term(code).label

    def phrase(self, code: str) -> str:
        return self.term(code).phrase

    def choice(self, code: str) -> tuple[str, str]:
        """(code, label), as a Django choice is written."""
        return code, self.label(code)


ESCALATION_REASONS = Vocabulary(
    Term(
        "no_report_no_apologies",
        "No report and no apologies",
        "no report being prepared for the conference and no apologies provided for non-attendance",
    ),
    Term("no_report", "No report", "no report being prepared for the conference"),
    Term("no_apologies", "No apologies", "no apologies being provided for non-attendance"),
    Term("late_report", "Late report", "a report arriving late"),
    Term("non_attendance", "Non-attendance", "non-attendance at the conference"),
    Term("plan_not_progressing", "Plan not progressing", "the plan not progressing"),
    Term("other", "Other", "other reasons"),
)
VIEWS_SHARED_VIA = Vocabulary(
    Term("in_person", "In person"),
    Term("virtual", "Virtually"),
    Term("advocate", "Through an advocate"),
    Term("written", "In writing"),
    Term("other", "Another way"),
    Term("not_obtained", "Views not obtained"),
    Term("not_applicable", "Not applicable"),
)
PARTICIPATION_CODES = Vocabulary(
    Term("PN0", "PN0: under 4"),
    Term("PN1", "PN1: attends and speaks for self"),
    Term("PN2", "PN2: attends, an advocate speaks"),
    Term("PN3", "PN3: attends, conveys views non-verbally"),
    Term("PN4", "PN4: attends, conveys no views"),
    Term("PN5", "PN5: does not attend, briefs an advocate"),
    Term("PN6", "PN6: does not attend, conveys views by another medium"),
    Term("PN7", "PN7: does not attend, views not conveyed"),
)
# "Multiple categories", not the report's former "Multiple": Annex A's list 8 is written and
# read with these labels (safeguard's Annex A export and import), so the file must not change.
PLAN_CATEGORIES = Vocabulary(
    Term("NEG", "Neglect"),
    Term("PHY", "Physical abuse"),
    Term("SAB", "Sexual abuse"),
    Term("EMO", "Emotional abuse"),
    Term("MUL", "Multiple categories"),
)
ALERT_ROLES = Vocabulary(
    Term("social_worker", "Social worker"),
    Term("practice_supervisor", "Practice supervisor"),
    Term("team_manager", "Team manager"),
)
CONFERENCE_KINDS = Vocabulary(
    Term("initial", "Initial"),
    Term("review", "Review"),
    Term("transfer_in", "Transfer in"),
)
VERDICTS = Vocabulary(
    Term("within", "Within timescale"),
    Term("out", "Out of timescale"),
    Term("not_determinable", "Not determinable"),
)
CONFERENCE_STATUSES = Vocabulary(
    Term("held", "Held"),
    Term("booked", "Booked"),
    Term("cancelled", "Cancelled"),
)
ENQUIRY_OUTCOMES = Vocabulary(
    Term("conference", "Initial conference to be held", "an initial conference to be held"),
    Term("no_further_action", "No further action"),
)
# The version 2 figures' breakdowns (report-figures.md, "Version 2 additions").
AGE_BANDS = Vocabulary(
    Term("unborn", "Unborn"),
    Term("under_1", "Under 1"),
    Term("1_to_4", "1 to 4"),
    Term("5_to_9", "5 to 9"),
    Term("10_to_15", "10 to 15"),
    Term("16_and_over", "16 and over"),
)
SEXES = Vocabulary(
    Term("M", "Male", "boys"),
    Term("F", "Female", "girls"),
    Term("U", "Unknown or indeterminate", "children whose sex is unknown"),
)
ETHNICITY_GROUPS = Vocabulary(
    Term("white", "White"),
    Term("mixed", "Mixed or multiple"),
    Term("asian", "Asian or Asian British", "Asian or Asian British"),
    Term("black", "Black or Black British", "Black or Black British"),
    Term("other", "Other ethnic group"),
    Term("refused", "Refused"),
    Term("not_obtained", "Information not yet obtained"),
)
DISABILITY = Vocabulary(
    Term("yes", "Disabled"),
    Term("no", "Not disabled"),
)
PLAN_LENGTHS = Vocabulary(
    Term("under_3_months", "Under 3 months"),
    Term("3_to_6_months", "3 to 6 months"),
    Term("6_to_12_months", "6 to 12 months"),
    Term("1_to_2_years", "1 to 2 years"),
    Term("2_years_or_more", "2 years or more"),
)
ESCALATION_STAGES = Vocabulary(
    Term("1", "Stage 1"),
    Term("2", "Stage 2"),
    Term("3", "Stage 3"),
)
