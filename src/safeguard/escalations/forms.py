from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from safeguard.cases.models import Area, Child
from safeguard.conferences.models import Chair
from safeguard.web.editing import VersionField
from safeguard.web.forms import GovukDateField, GovukForm

from .models import EscalationReason, OrganisationType
from .selectors import INFORMAL, EscalationStatus

STAGES = [(1, "Stage 1"), (2, "Stage 2"), (3, "Stage 3")]


class EscalationFilterForm(GovukForm):
    since = GovukDateField(label="Raised from", required=False, help_text="For example, 1 4 2024")
    until = GovukDateField(label="Raised to", required=False, help_text="For example, 30 6 2024")
    organisation_type = forms.ModelChoiceField(
        label="Type of organisation",
        queryset=OrganisationType.objects.all(),
        required=False,
        empty_label="All",
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.all(), required=False, empty_label="All"
    )
    stage = forms.ChoiceField(
        label="Stage",
        choices=[("", "All"), *STAGES, (INFORMAL, "Informal")],
        required=False,
    )
    status = forms.ChoiceField(
        label="Open or resolved",
        choices=[
            ("", "All"),
            (EscalationStatus.OPEN, "Open"),
            (EscalationStatus.RESOLVED, "Resolved"),
        ],
        required=False,
    )
    raised_by = forms.ModelChoiceField(
        label="Raised by", queryset=Chair.objects.all(), required=False, empty_label="Anyone"
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "Raised to must be the same as or after raised from")
        return cleaned


class EscalationFields(GovukForm):
    raised_on = GovukDateField(label="Date raised", help_text="For example, 10 4 2024")
    organisation_type = forms.ModelChoiceField(
        label="Type of organisation",
        queryset=OrganisationType.objects.all(),
        empty_label="Choose a type",
        error_messages={"required": "Select the type of organisation"},
    )
    organisation_name = forms.CharField(
        label="Name of the organisation", max_length=200, required=False
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.all(),
        required=False,
        empty_label="Not recorded",
        help_text="Left empty, the child's area",
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *EscalationReason.choices],
        error_messages={"required": "Select the reason"},
    )
    formal = forms.TypedChoiceField(
        label="Formal or informal",
        choices=[(True, "Formal"), (False, "Informal")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the escalation is formal or informal"},
    )
    stage = forms.TypedChoiceField(
        label="Stage",
        choices=[("", "Not recorded"), *STAGES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Formal escalations only",
    )
    raised_by = forms.ModelChoiceField(
        label="Raised by", queryset=Chair.objects.all(), required=False, empty_label="Not recorded"
    )
    resolved_on = GovukDateField(
        label="Date resolved", required=False, help_text="Leave empty while it is open"
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("formal") is False and cleaned.get("stage"):
            self.add_error("stage", "An informal escalation has no stage: leave it not recorded")
        raised_on, resolved_on = cleaned.get("raised_on"), cleaned.get("resolved_on")
        if raised_on and resolved_on and resolved_on < raised_on:
            self.add_error("resolved_on", "Date resolved must be the same as or after date raised")
        return cleaned


class EscalationRaiseForm(EscalationFields):
    child = forms.CharField(
        label="Child id",
        max_length=64,
        required=False,
        help_text="The child the escalation is about, if it is about one",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    field_order = ["child"]

    def __init__(self, *args, children: QuerySet[Child], **kwargs) -> None:
        """`children`: those the user may see (children_in_sight); any other id is answered
        as not recorded, as a child's page answers 404."""
        super().__init__(*args, **kwargs)
        self.children_allowed = children

    def clean_child(self) -> Child | None:
        child_id = self.cleaned_data["child"].strip()
        if not child_id:
            return None
        child = self.children_allowed.select_related("area").filter(child_id=child_id).first()
        if child is None:
            raise forms.ValidationError(f"No child is recorded with the id {child_id}")
        return child

    def clean(self):
        cleaned = super().clean()
        child = cleaned.get("child")
        if child is not None and cleaned.get("area") is None:
            cleaned["area"] = child.area
        return cleaned


class EscalationEditForm(EscalationFields):
    version = VersionField()


class EscalationStepForm(GovukForm):
    on = GovukDateField(label="Date of the step", help_text="For example, 10 4 2024")
    stage = forms.TypedChoiceField(
        label="Stage",
        choices=[("", "No stage (informal)"), *STAGES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Keep the current stage to add a note only",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened: for example, who was contacted and what they said",
    )
    version = VersionField()


class GoodPracticeForm(GovukForm):
    recorded_on = GovukDateField(label="Date", help_text="For example, 10 4 2024")
    organisation_type = forms.ModelChoiceField(
        label="Type of organisation",
        queryset=OrganisationType.objects.all(),
        empty_label="Choose a type",
        error_messages={"required": "Select the type of organisation"},
    )
    organisation_name = forms.CharField(
        label="Name of the organisation or professional",
        max_length=200,
        required=False,
        help_text="For example, the surgery, the school or the professional's role",
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.all(), required=False, empty_label="Not recorded"
    )
    description = forms.CharField(
        label="The good practice",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the agency or professional did well; name no child",
        error_messages={"required": "Describe the good practice"},
    )
    recorded_by = forms.ModelChoiceField(
        label="Recorded by",
        queryset=Chair.objects.all(),
        required=False,
        empty_label="Not recorded",
    )
