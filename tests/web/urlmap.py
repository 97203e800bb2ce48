"""Every URL the application serves, found from the URL resolver, with sample arguments; and
the status each role gets for it. Shared by the role-matrix, CSRF and append-only tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from safeguard.accounts.models import Role

ANONYMOUS = "anonymous"
SAMPLE_AREA = "Sample area"  # the sample child's; the matrix's chairs and business support have it
ROLES = [ANONYMOUS, *Role.values]
SIGNED_IN = list(Role.values)


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when it has no name
    parameters: tuple[str, ...]


def _parameters(pattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.pattern.regex.groupindex)


def _walk(patterns, namespace: str, parameters: tuple[str, ...], route: str) -> Iterator[Route]:
    for pattern in patterns:
        here = parameters + _parameters(pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns, here, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                name = f"(unnamed) {route}{pattern.pattern}"
            yield Route(name, here)


def all_routes() -> list[Route]:
    """Every URL pattern of the project, by name (duplicates collapsed)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", (), "/"):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.name)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int = 200, **exceptions: int) -> dict[str, int]:
    """Anonymous visitors are sent to sign in (302); every role gets `status` unless named."""
    return {ANONYMOUS: 302, **dict.fromkeys(SIGNED_IN, status), **exceptions}


def only(*roles: str, status: int = 200, otherwise: int = 403) -> dict[str, int]:
    """For the named roles `status`; other roles `otherwise`; anonymous 302 to sign in."""
    return {ANONYMOUS: 302, **{r: (status if r in roles else otherwise) for r in SIGNED_IN}}


C, BS, M, AN, LO, AU = (
    Role.CHAIR,
    Role.BUSINESS_SUPPORT,
    Role.MANAGER,
    Role.ANALYST,
    Role.LIAISON_OFFICER,
    Role.AUDITOR,
)

# The status a GET gets, by URL name and role. A page added without a row here fails the
# role-matrix test: add the row (and, for a new URL parameter, a sample in test_role_matrix).
EXPECTED: dict[str, dict[str, int]] = {
    # public
    "web:healthz": everyone(200),
    "accounts:sign-in": {**everyone(302), ANONYMOUS: 200},  # signed in: off to home
    "accounts:sign-in-code": everyone(302),  # without a password first: back to sign in
    "accounts:enrol": everyone(200),  # where a link opens: its code comes by POST
    "accounts:enrol-set-up": everyone(404),  # with no link opened in this session
    # anybody signed in
    "web:home": signed_in(),
    "accounts:account": signed_in(),
    "accounts:password-change": signed_in(),
    "accounts:recovery-codes": signed_in(),
    "accounts:sign-out": signed_in(),
    "accounts:sign-out-everywhere": signed_in(405),  # POST only
    "accounts:session-extend": signed_in(405),  # POST only: "Stay signed in"
    "accounts:session-ended": everyone(405),  # POST only: the time-out warning went unanswered
    "web:worklist": only(C, BS, M),
    "web:worklist-csv": only(C, BS, M),
    # children and plans (issue 5): a record's fetcher answers 404 to roles that may not see it
    "cases:child-list": only(C, BS, M),
    "cases:child-add": only(BS),
    "cases:child-detail": only(C, BS, M, otherwise=404),
    "cases:child-edit": only(BS),
    "cases:child-id-correct": only(M),  # a service manager corrects a child's id (issue 17)
    "cases:child-break-glass": only(C, BS, M),  # the form; a POST for no child is a 404
    "cases:plan-add": only(BS),
    "cases:plan-edit": only(BS),
    # conferences, agencies invited, the one-step escalation of a missing report
    "conferences:meeting-record": only(C, BS, M),
    "conferences:meeting-detail": only(C, BS, M, otherwise=404),
    "conferences:conference-edit": only(C, BS, M),
    "conferences:invitation-add": only(C, BS, M),
    "conferences:invitation-edit": only(C, BS, M),
    # booking (issue 19): business support and managers book, cancel and keep the register;
    # whoever records invitations copies them and sees the reports overdue
    "cases:enquiry-add": only(BS, M),
    "conferences:meeting-book": only(BS, M),
    "conferences:meeting-cancel": only(BS, M),
    "conferences:invitations-copy": only(C, BS, M, status=405),  # POST only
    "conferences:diary": only(C, BS, M),
    "conferences:reports-overdue": only(C, BS, M),
    "conferences:organisations": only(BS, M),
    "conferences:organisation-add": only(BS, M),
    "conferences:organisation-edit": only(BS, M),
    "conferences:invitation-escalate": only(C, M),
    # chairs' checks
    "monitoring:check-record": only(C, M),
    # escalations: a liaison officer sees the log of their cover (the sample is outside it: 404)
    "escalations:list": only(C, M, LO),
    "escalations:export": only(C, M, LO),
    "escalations:raise": only(C, M),
    "escalations:detail": only(C, M, LO, otherwise=403) | {LO: 404},
    "escalations:edit": only(C, M),
    "escalations:step-add": only(C, M),
    "escalations:good-practice": only(C, M, LO),
    "escalations:good-practice-record": only(C, M),
    # administration
    "accounts:users": only(M),
    "accounts:user-add": only(M),
    "accounts:user-detail": only(M),
    "accounts:user-edit": only(M),
    "accounts:user-reset-two-factor": only(M),
    # audit
    "audit:search": only(M, AU),
    # reports (issue 4): the page, its downloads, and the JSON API (401, not a redirect)
    "reporting:index": only(C, M, AN),
    "reporting:download": only(C, M, AN),
    "reporting:api-report": {**only(C, M, AN), ANONYMOUS: 401},
    # editions (issue 20): readers of the report list them, download their stored files and
    # see what changed since; managers issue them (POST only) and write the commentary
    "reporting:editions": only(C, M, AN),
    "reporting:edition-issue": only(M, status=405),
    "reporting:edition-download": only(C, M, AN),
    "reporting:edition-changes": only(C, M, AN),
    "reporting:commentary": only(M),
    # import and exports (issues 5 and 6); downloads are POST-only
    "exchange:import": only(BS),
    "exchange:import-confirm": only(BS, status=405),
    "exchange:export": only(BS, M, AN),
    "exchange:export-bundle": only(BS, M, status=405),
    "exchange:export-pseudonymised": only(M, AN, status=405),
    # the SSD feed (issue 21): business support uploads and reconciles
    "ssd:import": only(BS),
    "ssd:import-confirm": only(BS, status=405),
    "ssd:reconcile": only(BS),
    # administration of reference data and the rule set (managers)
    "administration:index": only(M),
    "administration:organisation-types": only(M),
    "administration:organisation-type-edit": only(M),
    "administration:areas": only(M),
    "administration:area-edit": only(M),
    "administration:chairs": only(M),
    "administration:chair-add": only(M),
    "administration:chair-edit": only(M),
    "administration:liaison-officers": only(M),
    "administration:liaison-officer-add": only(M),
    "administration:liaison-officer-edit": only(M),
    "administration:rules": only(M),
    # emails sent: managers all; liaison officers their digests, chairs their reminders
    "notifications:list": only(C, M, LO),
    "notifications:retry": only(M, status=405),  # POST only, for managers
}


def make_url_samples() -> dict[str, str]:
    """Records to stand behind each URL parameter (created in the test database). A new URL
    parameter needs a sample here."""
    from django.utils import timezone

    from safeguard.conferences.models import Chair, Organisation
    from safeguard.escalations.models import SeniorLiaisonOfficer
    from safeguard.notifications.models import Notification
    from tests.factories import (
        make_area,
        make_child,
        make_escalation,
        make_organisation_type,
        make_plan,
        make_user,
    )

    area = make_area(SAMPLE_AREA)
    child = make_child(child_id="SAMPLE-CHILD", area=area)
    plan = make_plan(child=child)
    escalation = make_escalation(
        organisation_type=make_organisation_type("Sample agency"), area=area, child=child
    )
    meeting, conference, invitation = make_meeting_samples(child=child)
    subject = make_user(Role.CHAIR, username="sample-subject")
    notification = Notification.objects.create(
        kind="digest", key="digest:SAMPLE", subject="Sample", body="...", created_at=timezone.now()
    )
    return {
        "child_id": child.child_id,
        "plan_id": plan.plan_id,
        "escalation_id": escalation.escalation_id,
        "reference": meeting.reference,
        "conference_id": conference.conference_id,
        "invitation_id": str(invitation.pk),
        "user_id": str(subject.pk),
        "report_format": "json",
        "organisation_type_id": str(escalation.organisation_type_id),
        "area_id": str(area.pk),
        "chair_id": str(Chair.objects.get_or_create(name="Sample chair")[0].pk),
        "officer_id": str(
            SeniorLiaisonOfficer.objects.get_or_create(
                name="Sample officer", defaults={"email": "officer@example.org"}
            )[0].pk
        ),
        "notification_id": str(notification.pk),
        "organisation_id": str(
            Organisation.objects.get_or_create(
                name="Sample surgery", organisation_type=escalation.organisation_type
            )[0].pk
        ),
        "edition_id": make_edition_sample(),
    }


def make_edition_sample() -> str:
    """An issued edition with its JSON stored for both audiences."""
    import datetime as dt

    from django.utils import timezone

    from safeguard.reporting.models import Edition, EditionFile

    edition = Edition.objects.create(
        edition_id="CPR-20220101-20220630-1",
        start_on=dt.date(2022, 1, 1),
        end_on=dt.date(2022, 6, 30),
        count_by="child",
        generated_on=dt.date(2022, 10, 1),
        data_version="sample",
        figures={"escalations_total": 0},
        issued_at=timezone.now(),
        issued_by_name="system",
    )
    for audience in ("internal", "members"):
        EditionFile.objects.create(
            edition=edition,
            audience=audience,
            report_format="json",
            filename=f"sample-{audience}.json",
            media_type="application/json",
            content=b"{}",
            sha256="",
        )
    return edition.edition_id


def make_meeting_samples(*, child):
    """A meeting with the child's conference and an agency invited (for the conference pages)."""
    import datetime as dt

    from safeguard.conferences.models import Conference, Invitation, Meeting
    from tests.factories import make_organisation_type

    meeting = Meeting.objects.create(reference="SAMPLE-MEETING", held_on=dt.date(2022, 1, 10))
    conference = Conference.objects.create(
        conference_id="SAMPLE-CONFERENCE",
        child=child,
        meeting=meeting,
        kind="initial",
        held_on=meeting.held_on,
        outcome="plan",
    )
    invitation = Invitation.objects.create(
        meeting=meeting, organisation_type=make_organisation_type("Sample agency")
    )
    return meeting, conference, invitation


def url_for(route: Route, samples: dict[str, str]) -> str:
    from django.urls import reverse

    missing = [p for p in route.parameters if p not in samples]
    assert not missing, f"{route.name}: add a sample for {missing} to make_url_samples()"
    return reverse(route.name, kwargs={p: samples[p] for p in route.parameters})
