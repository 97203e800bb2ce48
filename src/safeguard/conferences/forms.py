from __future__ import annotations

import re

from django import forms
from django.db.models import QuerySet

from safeguard.cases.models import Child
from safeguard.cases.selectors import children_with_ids
from safeguard.escalations.models import OrganisationType
from safeguard.web.editing import ConfirmUnusualMixin, VersionField
from safeguard.web.forms import GovukDateField, GovukForm

from .models import (
    Chair,
    ConferenceKind,
    Outcome,
    ParticipationCode,
    ReportReceived,
    ViewsSharedVia,
)

YES_NO_UNKNOWN = [(True, "Yes"), (False, "No"), ("", "Not recorded")]


def yes_no(label: str, help_text: str = "") -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.RadioSelect(choices=YES_NO_UNKNOWN),
    )


class ConferenceFields(ConfirmUnusualMixin, GovukForm):
    """What is recorded about a conference, for one child or for each child of a group."""

    kind = forms.ChoiceField(
        label="Type of conference",
        choices=ConferenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of conference"},
    )
    held_on = GovukDateField(label="Date of the conference", help_text="For example, 10 4 2024")
    strategy_discussion_on = GovukDateField(
        label="Date of the strategy discussion",
        required=False,
        help_text="For an initial conference: the strategy discussion that led to the enquiry",
    )
    transfer_notification_on = GovukDateField(
        label="Date the transfer was notified",
        required=False,
        help_text="For a transfer-in conference",
    )
    chair = forms.ModelChoiceField(
        label="Chair", queryset=Chair.objects.all(), required=False, empty_label="Not recorded"
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the conference"},
        help_text="A plan made at an initial or transfer-in conference starts a plan; "
        "a review that ends the plan ends it on the conference date",
    )
    out_of_timescale_reason = forms.CharField(
        label="Reason the conference was out of timescale (if it was)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_attended = yes_no("Did the child attend?")
    advocate_involved = yes_no("Was an advocate involved?")
    views_shared_via = forms.ChoiceField(
        label="How the child's views were shared",
        choices=[("", "Not recorded"), *ViewsSharedVia.choices],
        required=False,
    )
    preparation_session = yes_no("Did the child have a preparation session?")
    participation_code = forms.ChoiceField(
        label="Participation code",
        choices=[("", "Not recorded"), *ParticipationCode.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        held_on = cleaned.get("held_on")
        for name, label in (
            ("strategy_discussion_on", "Date of the strategy discussion"),
            ("transfer_notification_on", "Date the transfer was notified"),
        ):
            value = cleaned.get(name)
            if held_on and value and value > held_on:
                self.add_error(name, f"{label} must be the same as or before the conference date")
        if cleaned.get("kind") == ConferenceKind.TRANSFER_IN and cleaned.get(
            "strategy_discussion_on"
        ):
            self.add_error(
                "strategy_discussion_on",
                "Leave the strategy discussion date empty for a transfer-in conference",
            )
        return cleaned


class MeetingRecordForm(ConferenceFields):
    children = forms.CharField(
        label="Child ids",
        max_length=500,
        help_text="One child, or each child of a sibling group discussed at this meeting, "
        "separated by commas",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"required": "Enter the child id of each child discussed"},
    )
    field_order = ["children"]

    def __init__(self, *args, children: QuerySet[Child], **kwargs) -> None:
        """`children`: those the user may record for (children_in_sight); any other id is
        answered as not recorded, as a child's page answers 404."""
        super().__init__(*args, **kwargs)
        self.children_allowed = children

    def clean_children(self) -> list[Child]:
        ids = list(
            dict.fromkeys(i for i in re.split(r"[\s,;]+", self.cleaned_data["children"]) if i)
        )
        if not ids:
            raise forms.ValidationError("Enter the child id of each child discussed")
        found = children_with_ids(self.children_allowed, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(
                f"No child is recorded with the id {', '.join(missing)}: check the "
                f"id{'s' if len(missing) > 1 else ''}"
            )
        return list({found[i].pk: found[i] for i in ids}.values())  # "c1, C1" is one child


class ConferenceEditForm(ConferenceFields):
    version = VersionField()


class InvitationForm(GovukForm):
    organisation_type = forms.ModelChoiceField(
        label="Type of organisation",
        queryset=OrganisationType.objects.all(),
        empty_label="Choose a type",
        error_messages={"required": "Select the type of organisation"},
    )
    organisation_name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        required=False,
        help_text="For example, the surgery or the school",
    )
    report_requested = yes_no("Was a report requested?")
    report_received = forms.ChoiceField(
        label="Did the agency send a report?",
        choices=[*ReportReceived.choices, ("", "Not recorded")],
        required=False,
        widget=forms.RadioSelect,
    )
    attended = yes_no("Did the agency attend?")
    apologies = yes_no("Did the agency send apologies?")


class InvitationEditForm(InvitationForm):
    version = VersionField()
