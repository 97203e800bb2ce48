"""The codes that the database accepts are the codes the contract and the rules define: the
Django choices (with their labels for pages) must not drift from the domain's constants."""

from safeguard.cases.models import AllocationRole, PlanCategory
from safeguard.conferences.models import (
    ConferenceKind,
    ParticipationCode,
    Verdict,
    ViewsSharedVia,
)
from safeguard.domain import timeliness, vocabulary
from safeguard.escalations.models import EscalationReason


def test_the_databases_choices_are_the_domains_codes_in_the_same_order():
    assert tuple(EscalationReason.values) == vocabulary.ESCALATION_REASONS
    assert tuple(ViewsSharedVia.values) == vocabulary.VIEWS_SHARED_VIA
    assert tuple(ParticipationCode.values) == vocabulary.PARTICIPATION_CODES
    assert tuple(PlanCategory.values) == vocabulary.PLAN_CATEGORIES
    assert tuple(AllocationRole.values) == vocabulary.ALERT_ROLES
    assert ConferenceKind.values == [k.value for k in timeliness.ConferenceKind]
    assert Verdict.values == [v.value for v in timeliness.Verdict]
    assert Verdict.values == list(vocabulary.VERDICTS)
    assert ConferenceKind.values == list(vocabulary.CONFERENCE_KINDS)


def test_a_code_reads_the_same_on_the_pages_as_in_the_report():
    for choices, vocabulary_of in (
        (EscalationReason, vocabulary.ESCALATION_REASONS),
        (ViewsSharedVia, vocabulary.VIEWS_SHARED_VIA),
        (ParticipationCode, vocabulary.PARTICIPATION_CODES),
        (PlanCategory, vocabulary.PLAN_CATEGORIES),
        (AllocationRole, vocabulary.ALERT_ROLES),
        (ConferenceKind, vocabulary.CONFERENCE_KINDS),
        (Verdict, vocabulary.VERDICTS),
    ):
        assert choices.choices == [(code, vocabulary_of.label(code)) for code in vocabulary_of]
    assert ConferenceKind.TRANSFER_IN.label == "Transfer in"
