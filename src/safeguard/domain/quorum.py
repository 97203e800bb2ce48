"""Whether a conference was quorate, suggested from the agencies recorded as attending.

Working Together to Safeguard Children (2023, chapter 4) leaves the quorum to the local
safeguarding partners; the usual local rule, and Safeguard's default, is that a conference is
quorate when children's social care and at least two other agencies (professional groups)
attend. The authority may change the number (`RuleSetting.quorum_other_agencies`). The chair
records the answer; this is only the suggestion the form offers."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_QUORUM_OTHER_AGENCIES = 2
"""Other agencies needed beside children's social care when the authority sets no number."""

_CHILDRENS_SOCIAL_CARE_WORDS = ("social care", "social work", "children's services")
_CHILDRENS_SOCIAL_CARE_NAMES = ("csc", "cs", "social services", "children's social care")


def is_childrens_social_care(organisation_type: str) -> bool:
    """Whether an organisation type (the authority's own list, kept as data) is children's
    social care: its name contains "social care", "social work" or "children's services", or
    is "CSC" or "Social services" (case and a curly apostrophe aside). "Social Workers /
    Practice Supervisors" is; "Adult social care" is not."""
    name = " ".join(organisation_type.lower().replace("\u2019", "'").split())
    if name.startswith("adult"):
        return False
    return name in _CHILDRENS_SOCIAL_CARE_NAMES or any(
        word in name for word in _CHILDRENS_SOCIAL_CARE_WORDS
    )


class QuorumVerdict(enum.Enum):
    QUORATE = "quorate"
    NOT_QUORATE = "not_quorate"
    UNKNOWN = "unknown"  # no attendance recorded: nothing to suggest


@dataclass(frozen=True)
class QuorumSuggestion:
    verdict: QuorumVerdict
    childrens_social_care_attended: bool
    other_agencies_attended: tuple[str, ...]
    other_agencies_needed: int

    @property
    def quorate(self) -> bool | None:
        """The answer to pre-fill in the form: yes, no, or nothing."""
        return {QuorumVerdict.QUORATE: True, QuorumVerdict.NOT_QUORATE: False}.get(self.verdict)

    @property
    def reason(self) -> str:
        if self.verdict is QuorumVerdict.UNKNOWN:
            return "No agency's attendance is recorded for this meeting."
        social_care = (
            "Children's social care attended"
            if self.childrens_social_care_attended
            else "Children's social care is not recorded as attending"
        )
        count = len(self.other_agencies_attended)
        others = f"{count} other agenc{'y' if count == 1 else 'ies'}"
        if count:
            others += f" ({', '.join(self.other_agencies_attended)})"
        return (
            f"{social_care}, with {others}; the quorum is children's social care and at "
            f"least {self.other_agencies_needed} other agenc"
            f"{'y' if self.other_agencies_needed == 1 else 'ies'}."
        )


def quorum_suggested(
    *, attended: Iterable[str], invited: int, other_agencies_needed: int | None = None
) -> QuorumSuggestion:
    """The suggestion from the organisation types of the agencies that attended (`attended`,
    one entry per agency) out of `invited` invitations recorded. Other agencies are counted by
    organisation type (two GPs are one professional group). Nothing is suggested when no
    invitation is recorded."""
    needed = (
        DEFAULT_QUORUM_OTHER_AGENCIES if other_agencies_needed is None else other_agencies_needed
    )
    names = list(attended)
    social_care = any(is_childrens_social_care(name) for name in names)
    others = tuple(
        sorted({name for name in names if not is_childrens_social_care(name)}, key=str.lower)
    )
    if invited == 0:
        verdict = QuorumVerdict.UNKNOWN
    elif social_care and len(others) >= needed:
        verdict = QuorumVerdict.QUORATE
    else:
        verdict = QuorumVerdict.NOT_QUORATE
    return QuorumSuggestion(
        verdict=verdict,
        childrens_social_care_attended=social_care,
        other_agencies_attended=others,
        other_agencies_needed=needed,
    )
