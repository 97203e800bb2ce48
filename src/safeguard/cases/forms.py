from __future__ import annotations

from django import forms

from safeguard.conferences.models import Chair
from safeguard.domain.identifiers import IDENTIFIER_MAX, identifier_problem
from safeguard.web.editing import ConfirmUnusualMixin, VersionField
from safeguard.web.forms import GovukDateField, GovukForm

from .models import Area, EnquiryOutcome, PlanCategory, Sex
from .services import BREAK_GLASS_REASON_MAX


class ChildSearchForm(GovukForm):
    q = forms.CharField(
        label="Child id or name",
        max_length=100,
        help_text="For example, C00123 or Amelia Smith",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={"required": "Enter a child id or name"},
    )


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        max_length=BREAK_GLASS_REASON_MAX,
        help_text="For example, the duty chair covering a conference for another area. Do not "
        "write anybody's name: your reason is recorded in the audit trail with your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you need to open this record"},
    )


class ChildForm(ConfirmUnusualMixin, GovukForm):
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2016"
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth",
        required=False,
        help_text="Only for an unborn child",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=[("", "Not recorded"), *Sex.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    ethnicity = forms.CharField(
        label="Ethnicity code",
        max_length=4,
        required=False,
        help_text="The census code, for example WBRI",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.all(), required=False, empty_label="Not recorded"
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_of_birth") and cleaned.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth",
                "Leave the expected date of birth empty once the child is born",
            )
        return cleaned


class ChildAddForm(ChildForm):
    child_id = forms.CharField(
        label="Child id",
        help_text="The id in the case management system: up to 40 letters, numbers, hyphens, "
        "underscores and full stops",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the child id"},
    )
    field_order = ["child_id"]

    def clean_child_id(self) -> str:
        return _valid_child_id(self.cleaned_data["child_id"])


def _valid_child_id(text: str) -> str:
    text = text.strip()
    problem = identifier_problem(text, noun="child id")
    if problem:
        raise forms.ValidationError(problem)
    return text


class ChildIdCorrectionForm(GovukForm):
    """A service manager's correction of a child's id (a record stored before the id rule)."""

    new_child_id = forms.CharField(
        label="New child id",
        max_length=IDENTIFIER_MAX + 20,  # longer input reaches the rule's own message
        help_text="Up to 40 letters, numbers, hyphens, underscores and full stops",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the new child id"},
    )
    version = VersionField()

    def clean_new_child_id(self) -> str:
        return _valid_child_id(self.cleaned_data["new_child_id"])


class ChildEditForm(ChildForm):
    version = VersionField()


class PlanForm(ConfirmUnusualMixin, GovukForm):
    start_on = GovukDateField(label="Start date", help_text="For example, 10 4 2024")
    end_on = GovukDateField(
        label="End date", required=False, help_text="Leave empty while the plan is open"
    )
    end_reason = forms.CharField(label="Reason the plan ended", max_length=200, required=False)
    initial_category = forms.ChoiceField(
        label="Initial category of abuse",
        choices=[("", "Not recorded"), *PlanCategory.choices],
        required=False,
    )
    latest_category = forms.ChoiceField(
        label="Latest category of abuse",
        choices=[("", "Not recorded"), *PlanCategory.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        start_on, end_on = cleaned.get("start_on"), cleaned.get("end_on")
        if start_on and end_on and end_on < start_on:
            self.add_error("end_on", "End date must be the same as or after the start date")
        return cleaned


class PlanEditForm(PlanForm):
    version = VersionField()


class ChairChoiceForm(GovukForm):
    """A manager (or anyone not linked to a chair) chooses whose diary to see."""

    chair = forms.ModelChoiceField(
        label="Chair", queryset=Chair.objects.all(), required=False, empty_label="All chairs"
    )


class WorklistFilterForm(GovukForm):
    """What a worklist shows: how far ahead, whose (for anyone not linked to a chair), which
    area and which kind of item, and in what order."""

    weeks = forms.TypedChoiceField(
        label="Looking ahead",
        choices=[(w, f"{w} weeks") for w in (4, 8, 12)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    chair = forms.ModelChoiceField(
        label="Chair", queryset=Chair.objects.all(), required=False, empty_label="All chairs"
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.all(), required=False, empty_label="All areas"
    )
    kind = forms.ChoiceField(
        label="What",
        choices=[
            ("", "Everything"),
            ("initial", "Initial conferences to book"),
            ("review", "Reviews"),
            ("checks", "Midway and pre-review checks"),
            ("midway", "Midway checks"),
            ("pre_review", "Pre-review checks"),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Order",
        choices=[("", "Soonest first"), ("child", "By child's name")],
        required=False,
    )

    def __init__(self, *args, areas: list[int] | None = None, **kwargs) -> None:
        """`areas`: the user's areas (None: every area), the only ones offered."""
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = Area.objects.filter(pk__in=areas)  # type: ignore[attr-defined]


class EnquiryForm(GovukForm):
    """A section 47 enquiry and the strategy discussion that started it."""

    strategy_discussion_on = GovukDateField(
        label="Date of the strategy discussion",
        help_text="The strategy discussion at which the section 47 enquiry was started. "
        "For example, 2 3 2026",
        error_messages={"required": "Enter the date of the strategy discussion"},
    )
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=[("", "Not known yet: the enquiry is open"), *EnquiryOutcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    end_on = GovukDateField(
        label="Date the enquiry was completed",
        required=False,
        help_text="Leave empty while the enquiry is open",
    )

    def clean(self):
        cleaned = super().clean()
        start_on, end_on = cleaned.get("strategy_discussion_on"), cleaned.get("end_on")
        if start_on and end_on and end_on < start_on:
            self.add_error(
                "end_on",
                "Date the enquiry was completed must be on or after the strategy discussion",
            )
        return cleaned
