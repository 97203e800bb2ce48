from __future__ import annotations

from django import forms

from safeguard.cases.models import AllocationRole
from safeguard.conferences.forms import yes_no
from safeguard.conferences.models import Chair
from safeguard.web.forms import GovukDateField, GovukForm

from .models import CheckKind, CheckOutcome


class CheckForm(GovukForm):
    kind = forms.ChoiceField(
        label="Check",
        choices=CheckKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the check you made"},
    )
    completed_on = GovukDateField(label="Date of the check", help_text="For example, 10 4 2024")
    chair = forms.ModelChoiceField(
        label="Chair", queryset=Chair.objects.all(), required=False, empty_label="Not recorded"
    )
    core_groups_on_track = yes_no("Are core groups meeting as planned?")
    visits_on_track = yes_no("Are the child's visits happening as planned?")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CheckOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the check"},
    )
    alerted_roles = forms.MultipleChoiceField(
        label="Who to alert about the concerns",
        choices=AllocationRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only with concerns. They are emailed at once a link to the child's record, "
        "with no case details",
    )
    concern = forms.CharField(
        label="The concern",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only with concerns. Recorded on the child's record; the alert email does not "
        "hold it",
    )
