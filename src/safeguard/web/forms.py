"""GOV.UK Design System forms for Django.

- `GovukForm`: the base class that renders every field as a GOV.UK form group
  (label, hint, error message, and the right `govuk-*` classes) with `{{ form }}`; put
  `{% include "govuk/includes/error_summary.html" %}` at the top of the page for the summary.
- `GovukDateField`: a date entered as day, month and year boxes (the GOV.UK date input), with the
  Design System's error messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

_INPUT_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


def _css_class_for(widget: forms.Widget) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in _INPUT_CLASSES:
            return _INPUT_CLASSES[widget_type]
    return "govuk-input"


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        def box(width: int, autocomplete: str | None) -> forms.TextInput:
            box_attrs = {
                "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                "inputmode": "numeric",
            }
            if autocomplete:
                box_attrs["autocomplete"] = autocomplete
            return forms.TextInput(attrs=box_attrs)

        super().__init__(
            widgets={"day": box(2, None), "month": box(2, None), "year": box(4, None)},
            attrs=attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Django numbers the boxes (id_x_0); name them (id_x_day), as the labels and the error
        # summary's links expect.
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id")
        if base_id:
            for subwidget in context["widget"]["subwidgets"]:
                subwidget["attrs"]["id"] = base_id + subwidget["name"][len(name) :]
        return context


class GovukDateField(forms.Field):
    """A date from GOV.UK day, month and year boxes, with the Design System's error messages
    ("Date of birth must include a month", "... must be a real date")."""

    widget = GovukDateWidget

    def __init__(self, *, label: str | None = None, **kwargs: Any):
        super().__init__(label=label, **kwargs)

    def _name(self) -> str:
        return str(self.label or "Date")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        if not value:
            return None
        day, month, year = (str(part or "").strip() for part in value)
        if not (day or month or year):
            return None
        missing = [n for n, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(
                f"{self._name()} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if year.isdigit() and len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self._name()} must be a real date", code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid") from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(f"Enter the {self._name().lower()}", code="required")


# Words that already make a label a phrase the message can take whole ("Enter your password").
_DETERMINERS = ("a", "an", "the", "your", "whether", "who", "what", "which", "each", "how", "why")


def required_message(label: str, *, choose: bool) -> str:
    """The Design System's message for a required answer left empty: "Enter the start date",
    "Select the outcome" (a label that is an instruction is taken as it is: "Enter the
    password again"; "Create a password" asks to enter one)."""
    words = label.strip().rstrip("?").split()
    if not words:
        return "Enter an answer" if not choose else "Select an answer"
    first = words[0].lower()
    if first in ("enter", "select", "choose"):
        return " ".join([words[0].capitalize(), *words[1:]])
    if first in ("create", "give", "add", "type"):
        words = words[1:]
        first = words[0].lower() if words else ""
    verb = "Select" if choose else "Enter"
    phrase = " ".join(words)
    phrase = phrase[:1].lower() + phrase[1:]
    if first not in _DETERMINERS:
        phrase = f"the {phrase}"
    return f"{verb} {phrase}"


class GovukFormMixin:
    """Renders fields the GOV.UK way and marks those in error."""

    template_name_div = "govuk/forms/form.html"
    template_name = "govuk/forms/form.html"
    error_summary_title = "There is a problem"

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if (
                field.error_messages.get("required")
                == forms.Field.default_error_messages["required"]
            ):  # the Design System's wording, unless the form gave its own
                field.error_messages["required"] = required_message(
                    str(field.label or pretty_name(name)),
                    choose=isinstance(field, forms.ChoiceField),
                )
            if isinstance(widget, GovukDateWidget):
                if field.label is None:  # the error messages name the field
                    field.label = pretty_name(name)
                continue
            css = _css_class_for(widget)
            existing = widget.attrs.get("class", "")
            if css not in existing.split():
                widget.attrs["class"] = f"{existing} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is None:
                continue
            widgets = (
                field.widget.widgets
                if isinstance(field.widget, GovukDateWidget)
                else [field.widget]
            )
            for widget in widgets:
                classes = widget.attrs.get("class", "").split()
                for css, error_css in _ERROR_CLASSES.items():
                    if css in classes and error_css not in classes:
                        classes.append(error_css)
                widget.attrs["class"] = " ".join(classes)
            if not isinstance(field.widget, GovukDateWidget):
                described = [f"id_{name}-hint"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*described, f"id_{name}-error"])

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the GOV.UK error summary, in field order."""
        items = []
        for message in self.non_field_errors():  # type: ignore[attr-defined]
            items.append(("", message))
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            for message in self.errors.get(name, []):  # type: ignore[attr-defined]
                anchor = f"id_{name}"
                if isinstance(field.widget, GovukDateWidget):
                    anchor = f"id_{name}_day"
                elif isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                    anchor = f"id_{name}_0"
                items.append((anchor, message))
        return items


class GovukForm(GovukFormMixin, forms.Form):
    pass
