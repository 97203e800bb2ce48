from django import forms

from safeguard.cases.models import Area
from safeguard.escalations.models import OrganisationType
from safeguard.web.forms import GovukForm

from .models import Role


class SignInForm(GovukForm):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "class": "govuk-input--width-10"}
        ),
    )


class EnrolmentLinkForm(GovukForm):
    link = forms.CharField(
        label="Enrolment link",
        max_length=500,
        help_text="Paste the whole link you were sent, including everything after the # sign.",
        error_messages={"required": "Enter your enrolment link"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class EnrolmentForm(GovukForm):
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. Not a common password, and not all numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Enter the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="After scanning the QR code, enter the 6 digits that the app shows.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The passwords do not match")
        return cleaned


class PasswordChangeForm(GovukForm):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Not a common password, and not all numbers.",
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="Enter the new password again",
        strip=False,
        error_messages={"required": "Enter the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password")
        if new and cleaned.get("new_password_again") and new != cleaned["new_password_again"]:
            self.add_error("new_password_again", "The new passwords do not match")
        return cleaned


class PasswordConfirmForm(GovukForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class UserForm(GovukForm):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class UserAddForm(UserForm):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter a username"},
        help_text="Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    field_order = ["username", "first_name", "last_name", "email", "role"]


class UserEditForm(UserForm):
    is_active = forms.BooleanField(label="The account is active", required=False)


class LiaisonCoverForm(GovukForm):
    organisation_types = forms.ModelMultipleChoiceField(
        label="Organisation types covered",
        queryset=OrganisationType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas covered",
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_areas = forms.BooleanField(
        label="Every area, including escalations with no area recorded", required=False
    )


class UserAreasForm(GovukForm):
    areas = forms.ModelMultipleChoiceField(
        label="Areas",
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_areas = forms.BooleanField(
        label="Every area, including children with no area recorded", required=False
    )
