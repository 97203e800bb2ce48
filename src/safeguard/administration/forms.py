from django import forms

from safeguard.accounts.models import Role, User
from safeguard.cases.models import Area
from safeguard.domain.calendar import Nation
from safeguard.escalations.models import OrganisationType
from safeguard.web.forms import GovukForm

NATION_LABELS = {
    Nation.england: "England (Working Together to Safeguard Children 2023)",
    Nation.wales: "Wales (Wales Safeguarding Procedures)",
    Nation.scotland: "Scotland (National Guidance for Child Protection 2021)",
    Nation.northern_ireland: "Northern Ireland (Co-operating to Safeguard Children and Young People)",
}


class NameForm(GovukForm):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"spellcheck": "false"}))


class ChairForm(GovukForm):
    name = forms.CharField(
        max_length=150,
        help_text="As the case management system's extracts name the chair.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Where reminders of reviews and checks falling due are sent.",
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    user = forms.ModelChoiceField(
        label="Safeguard account",
        queryset=User.objects.filter(role__in=[Role.CHAIR, Role.MANAGER]).order_by("username"),
        required=False,
        empty_label="None",
        help_text="The chair's own account, if they sign in to Safeguard.",
    )


class LiaisonOfficerForm(GovukForm):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"spellcheck": "false"}))
    email = forms.EmailField(
        label="Email address",
        help_text="Each quarter's digest of escalations is sent here.",
        error_messages={"required": "Enter the email address"},
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    cover_name = forms.CharField(
        label="Name of the cover (optional)",
        max_length=150,
        required=False,
        help_text="How the digest's subject names the cover, for example North (Health).",
    )
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
        help_text="Areas are added on Administration, Areas.",
        widget=forms.CheckboxSelectMultiple,
    )
    covers_unassigned_areas = forms.BooleanField(
        label="Also the escalations recorded without an area", required=False
    )
    user = forms.ModelChoiceField(
        label="Safeguard account",
        queryset=User.objects.filter(role=Role.LIAISON_OFFICER).order_by("username"),
        required=False,
        empty_label="None",
        help_text="The officer's own account, if they sign in to see their escalations.",
    )


def _days(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=100,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be 1 or more",
            "max_value": f"{label} must be 100 or fewer",
        },
    )


class RuleSettingForm(GovukForm):
    nation = forms.ChoiceField(
        label="Nation whose guidance sets the timescales",
        choices=[(nation.value, NATION_LABELS[nation]) for nation in Nation],
        widget=forms.RadioSelect,
        help_text="Also chooses the bank holidays that working days skip.",
    )
    transfer_in_conference_working_days = _days(
        "Transfer-in conference, working days after notification",
        "Blank for the nation's default (15).",
    )
    first_core_group_working_days = _days(
        "First core group, working days after the initial conference",
        "Blank for the nation's default (10; Scotland 15).",
    )
    pre_birth_conference_gestation_week = _days(
        "Pre-birth conference, by week of pregnancy",
        "Blank for the nation's default (32; Scotland 28).",
    )
    pre_review_check_working_days = _days(
        "Pre-review check, working days before the review",
        "Blank for the default (10).",
    )
    initial_report_due_working_days = _days(
        "Agencies' reports to an initial conference, working days before it",
        "Blank for the default (3).",
    )
    review_report_due_working_days = _days(
        "Agencies' reports to a review conference, working days before it",
        "Blank for the default (5).",
    )
    quorum_other_agencies = _days(
        "Quorum: other agencies beside children's social care",
        "The number of other agencies a quorate conference needs. Blank for the default (2).",
    )
