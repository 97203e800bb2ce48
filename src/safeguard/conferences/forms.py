from __future__ import annotations

import re

from django import forms
from django.db.models import QuerySet

from safeguard.cases.models import Child, PlanCategory
from safeguard.cases.selectors import children_with_ids
from safeguard.escalations.models import OrganisationType
from safeguard.web.editing import ConfirmUnusualMixin, VersionField
from safeguard.web.forms import GovukDateField, GovukForm

from .models import (
    DATES_OF_KIND,
    Chair,
    ConferenceKind,
    Organisation,
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
    category = forms.ChoiceField(
        label="Category of abuse",
        choices=PlanCategory.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="The category under which the plan is made or continued",
    )
    quorate = yes_no("Was the conference quorate?")
    parents_attended = yes_no("Did the parents or carers attend?")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        # Only the dates the type takes are asked for (the others are hidden once the page's
        # script runs); without the script all are shown, and those of other types are ignored.
        if kind in DATES_OF_KIND:
            for name in ("strategy_discussion_on", "transfer_notification_on"):
                if name not in DATES_OF_KIND[kind]:
                    cleaned[name] = None
                    self.errors.pop(name, None)
        if cleaned.get("outcome") != Outcome.PLAN:
            cleaned["category"] = ""
        held_on = cleaned.get("held_on")
        for name, label in (
            ("strategy_discussion_on", "Date of the strategy discussion"),
            ("transfer_notification_on", "Date the transfer was notified"),
        ):
            value = cleaned.get(name)
            if held_on and value and value > held_on:
                self.add_error(name, f"{label} must be the same as or before the conference date")
        return cleaned


def child_choice_label(child: Child) -> str:
    """How the picker names a child: name, date of birth and id (ids alone are not recognised)."""
    born = (
        f"born {child.date_of_birth.day} {child.date_of_birth:%B %Y}"
        if child.date_of_birth
        else "date of birth not recorded"
    )
    return f"{child.full_name or 'Name not recorded'}, {born} ({child.child_id})"


class MeetingRecordForm(ConferenceFields):
    """The chair's record of one meeting: the children discussed (the picker, or ids typed),
    then the conference, asked only for what its type needs."""

    children = forms.MultipleChoiceField(
        label="Children discussed at this meeting",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. The children of the same family are listed, with "
        "those already on the meeting",
    )
    other_children = forms.CharField(
        label="Child ids",
        max_length=500,
        required=False,
        help_text="Separated by commas, for example C-1042, C-1043",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    meeting = forms.CharField(required=False, widget=forms.HiddenInput)
    field_order = ["children", "other_children"]

    def __init__(
        self, *args, children: QuerySet[Child], candidates: QuerySet[Child], **kwargs
    ) -> None:
        """`children`: those the user may record for (children_in_sight); any other id is
        answered as not recorded, as a child's page answers 404. `candidates`: the picker's
        children (conferences.selectors.sibling_candidates)."""
        super().__init__(*args, **kwargs)
        self.children_allowed = children
        self.candidates = list(candidates)
        self.fields["children"].choices = [  # type: ignore[attr-defined]
            (child.child_id, child_choice_label(child)) for child in self.candidates
        ]
        self.fields["category"].required = False

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("children") or [])
        typed = [i for i in re.split(r"[\s,;]+", cleaned.get("other_children") or "") if i]
        if "children" in self.errors or "other_children" in self.errors:
            return cleaned
        if not chosen and not typed:
            if self.candidates:
                self.add_error("children", "Select each child discussed, or enter their child ids")
            else:
                self.add_error("other_children", "Enter the child id of each child discussed")
            return cleaned
        by_id = {c.child_id: c for c in self.candidates}
        found = [by_id[i] for i in chosen if i in by_id]
        missing = []
        for child_id in typed:
            child = self.children_allowed.filter(child_id__iexact=child_id).first()
            if child is None:
                missing.append(child_id)
            elif child not in found:
                found.append(child)
        if missing:
            self.add_error(
                "other_children",
                f"No child is recorded with the id {', '.join(missing)}: check the "
                f"id{'s' if len(missing) > 1 else ''}",
            )
        cleaned["children"] = found
        if cleaned.get("outcome") == Outcome.PLAN and not cleaned.get("category"):
            self.add_error("category", "Select the category of abuse")
        return cleaned


class ConferenceEditForm(ConferenceFields):
    version = VersionField()


class InvitationForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Organisation from the register",
        queryset=Organisation.objects.select_related("organisation_type"),
        required=False,
        empty_label="Not in the register: give its type and name below",
        help_text="Choosing one fills in its type and name",
    )
    organisation_type = forms.ModelChoiceField(
        label="Type of organisation",
        queryset=OrganisationType.objects.all(),
        empty_label="Choose a type",
        required=False,
    )
    organisation_name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        required=False,
        help_text="For example, the surgery or the school",
    )
    invited_on = GovukDateField(label="Date invited", required=False)
    report_requested = yes_no("Was a report requested?")
    report_due_on = GovukDateField(
        label="Date the report is due",
        required=False,
        help_text="Leave empty to set it by the authority's rule (working days before the "
        "conference)",
    )
    report_received_on = GovukDateField(label="Date the report was received", required=False)
    report_received = forms.ChoiceField(
        label="Did the agency send a report?",
        choices=[*ReportReceived.choices, ("", "Not recorded")],
        required=False,
        widget=forms.RadioSelect,
        help_text="With the date received and the due date known, leave this as not recorded: "
        "on time or late follows from the dates",
    )
    attended = yes_no("Did the agency attend?")
    apologies = yes_no("Did the agency send apologies?")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("organisation_type"):
            self.add_error(
                "organisation_type", "Select the type of organisation, or one from the register"
            )
        return cleaned


class InvitationEditForm(InvitationForm):
    version = VersionField()


class BookingForm(GovukForm):
    """Book an initial or review conference for one child or a sibling group."""

    children = forms.CharField(
        label="Child ids",
        max_length=500,
        help_text="One child, or each child of a sibling group at this meeting, separated by "
        "commas",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"required": "Enter the child id of each child"},
    )
    kind = forms.ChoiceField(
        label="Type of conference",
        choices=[
            (ConferenceKind.INITIAL.value, ConferenceKind.INITIAL.label),
            (ConferenceKind.REVIEW.value, ConferenceKind.REVIEW.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of conference"},
    )
    held_on = GovukDateField(
        label="Date of the conference",
        help_text="For example, 23 3 2026",
        error_messages={"required": "Enter the date of the conference"},
    )
    starts_at = forms.TimeField(
        label="Start time",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="In 24-hour time, for example, 10:00 or 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter the start time in 24-hour time, like 14:30"},
    )
    place = forms.CharField(
        label="Place",
        max_length=200,
        required=False,
        help_text="For example, Room 2, Civic Centre. Leave empty for a conference by video",
    )
    video_link = forms.URLField(
        label="Video link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="For a conference by video, or one in person that others join by video",
        error_messages={
            "invalid": "Enter the video link as a web address, like https://meet.example.org/conference"
        },
    )
    chair = forms.ModelChoiceField(
        label="Chair", queryset=Chair.objects.all(), required=False, empty_label="Not chosen yet"
    )

    siblings = forms.MultipleChoiceField(
        label="Their brothers and sisters",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select those to book at the same meeting. The children of the same family "
        "are listed",
    )
    field_order = ["children", "siblings"]

    def __init__(
        self,
        *args,
        children: QuerySet[Child],
        candidates: QuerySet[Child] | None = None,
        **kwargs,
    ) -> None:
        """`children`: those the user may book for (children_in_sight). `candidates`: the
        picker's children (conferences.selectors.sibling_candidates); without any, no picker."""
        super().__init__(*args, **kwargs)
        self.children_allowed = children
        self.candidates = list(candidates or [])
        if self.candidates:
            self.fields["siblings"].choices = [  # type: ignore[attr-defined]
                (child.child_id, child_choice_label(child)) for child in self.candidates
            ]
        else:
            del self.fields["siblings"]

    def clean_children(self) -> list[Child]:
        """The children named, each within the user's sight; any other id is answered as not
        recorded, as a child's page answers 404."""
        ids = list(
            dict.fromkeys(i for i in re.split(r"[\s,;]+", self.cleaned_data["children"]) if i)
        )
        if not ids:
            raise forms.ValidationError("Enter the child id of each child")
        found = children_with_ids(self.children_allowed, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(
                f"No child is recorded with the id {', '.join(missing)}: check the "
                f"id{'s' if len(missing) > 1 else ''}"
            )
        return list({found[i].pk: found[i] for i in ids}.values())  # "c1, C1" is one child

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("place")
            and not cleaned.get("video_link")
            and not self.has_error("video_link")
        ):
            self.add_error("place", "Enter the place of the conference or its video link")
        if isinstance(cleaned.get("children"), list):
            by_id = {c.child_id: c for c in self.candidates}
            chosen = [by_id[i] for i in cleaned.pop("siblings", None) or [] if i in by_id]
            cleaned["children"] += [c for c in chosen if c not in cleaned["children"]]
        cleaned.pop("siblings", None)
        return cleaned


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the conference cancelled?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the conference is cancelled"},
    )


class OrganisationForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, Riverside Surgery",
        error_messages={"required": "Enter the name of the organisation"},
    )
    organisation_type = forms.ModelChoiceField(
        label="Type of organisation",
        queryset=OrganisationType.objects.all(),
        empty_label="Choose a type",
        error_messages={"required": "Select the type of organisation"},
    )
    email = forms.EmailField(
        label="Email address for invitations",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )


class OrganisationEditForm(OrganisationForm):
    version = VersionField()
