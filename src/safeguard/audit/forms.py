from django import forms

from safeguard.accounts.models import User
from safeguard.web.forms import GovukDateField, GovukForm


class PersonChoiceField(forms.ModelChoiceField):
    """People by name, with the username that the trail records beside it."""

    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class AuditSearchForm(GovukForm):
    child_id = forms.CharField(
        label="Child id",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    user = PersonChoiceField(
        label="Person",
        queryset=User.objects.order_by("first_name", "last_name", "username"),
        required=False,
        empty_label="Anyone",
    )
    since = GovukDateField(label="From", required=False, help_text="For example, 27 3 2025")
    until = GovukDateField(label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "To must be the same as or after From")
        return cleaned
