"""The codes that the database accepts are the codes the contract and the rules define: the
Django choices (with their labels for pages) must not drift from the domain's constants."""

from safeguard.cases.models import AllocationRole, PlanCategory
from safeguard.conferences.models import (
    ConferenceKind,
    ParticipationCode,
    Verdict,
    ViewsSharedVia,
)
from safeguard.domain import figures, timeliness
from safeguard.escalations.models import EscalationReason


def test_the_databases_choices_are_the_domains_codes_in_the_same_order():
    assert tuple(EscalationReason.values) == figures.ESCALATION_REASONS
    assert tuple(ViewsSharedVia.values) == figures.VIEWS_SHARED_VIA
    assert tuple(ParticipationCode.values) == figures.PARTICIPATION_CODES
    assert tuple(PlanCategory.values) == figures.PLAN_CATEGORIES
    assert tuple(AllocationRole.values) == figures.ALERT_ROLES
    assert ConferenceKind.values == [k.value for k in timeliness.ConferenceKind]
    assert Verdict.values == [v.value for v in timeliness.Verdict]
