"""Edit forms: service errors shown on the form, and the refusal of the later of two saves
(safeguard.storage.StaleRecordError).

Every edit form carries the version of the record the person opened in a hidden `version`
field. When somebody else saved the record in between, the service refuses the save; the page
then shows the explanation and, field by field, the other person's values beside the person's
own, and the form carries the new version so that a second save is a deliberate choice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from safeguard.storage import StaleRecordError, Versioned


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any):
        super().__init__(min_value=1, **kwargs)


@dataclasses.dataclass(frozen=True)
class ChangedField:
    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


def shown(field: forms.Field, value: object) -> str:
    """A value as a person reads it: a date as "10 April 2024", a choice by its label."""
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool) and not isinstance(field, forms.ChoiceField):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(shown(field, v) for v in value) or "None"
    choices = getattr(field, "choices", None)
    if choices:
        for key, label in choices:
            if key == value or str(key) == str(value):
                return str(label)
    return str(value)


def stale_comparison(
    *, form: forms.Form, error: StaleRecordError, current_values: dict[str, Any] | None = None
) -> list[ChangedField]:
    """Each field of `form`: the value now stored (the other person's) and the person's own.

    Also moves the form's version on to the stored one, so that saving again overwrites the
    other change knowingly. `current_values` gives stored values the record has under
    other names than the form's fields."""
    current = error.current
    rows = []
    for name, field in form.fields.items():
        if name in ("version", ConfirmUnusualMixin.CONFIRM_FIELD):
            continue
        if current_values is not None and name in current_values:
            theirs = current_values[name]
        else:
            theirs = getattr(current, name, None)
        yours = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        rows.append(
            ChangedField(str(field.label or name), shown(field, theirs), shown(field, yours))
        )
    # A bound form's data is a QueryDict or a dict; the stub says only Mapping.
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(cast(Versioned, current).version)
    form.data = data
    return rows


def errors_onto(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: beside the field it names when the form has
    that field, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclasses.dataclass
class Attempt:
    """The outcome of a save: `saved` and its result, or the context explaining a refusal."""

    saved: bool
    result: Any = None
    context: dict[str, Any] = dataclasses.field(default_factory=dict)


def attempt_save(
    form: forms.Form,
    save: Callable[[], Any],
    *,
    current_values: dict[str, Any] | None = None,
) -> Attempt:
    """Call `save()`; a ValidationError goes onto `form`, a refused stale save into the context
    (`stale`, `stale_message`) for web/includes/stale_record.html."""
    try:
        return Attempt(True, save())
    except StaleRecordError as error:
        rows = stale_comparison(form=form, error=error, current_values=current_values)
        return Attempt(False, context={"stale": rows, "stale_message": str(error)})
    except ValidationError as error:
        errors_onto(form, error)
        return Attempt(False)


def initial_from(record: models.Model, form_class: type[forms.Form]) -> dict[str, Any]:
    """The form's initial values from `record`'s attributes of the same names."""
    return {name: getattr(record, name) for name in form_class.base_fields if hasattr(record, name)}


def prefill_from(query: Mapping[str, str], **fields: Sequence[str] | None) -> dict[str, Any]:
    """Initial values a link asks for (a worklist's "Record the review" opens the form with the
    type and today's date): each of `fields` taken from `query` when it is one of the field's
    allowed values, or for a field whose allowed values are None, a date written YYYY-MM-DD.
    Anything else is ignored: a link only pre-fills, it never decides."""
    initial: dict[str, Any] = {}
    for name, allowed in fields.items():
        value = query.get(name, "")
        if not value:
            continue
        if allowed is None:
            try:
                initial[name] = dt.date.fromisoformat(value)
            except ValueError:
                continue
        elif value in allowed:
            initial[name] = value
    return initial


class ConfirmUnusualMixin:
    """A form whose record the rule book may find unusual (docs/record-rules.md): the service
    raises the warnings on `confirm_unusual`, which then shows as a box to tick; ticked, the
    record is saved and who confirmed it is audited. Hidden until a warning asks for it."""

    CONFIRM_FIELD = "confirm_unusual"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.CONFIRM_FIELD] = forms.BooleanField(  # type: ignore[attr-defined]
            label="The record is right although it is unusual",
            required=False,
            widget=forms.HiddenInput,
        )

    def add_error(self, field: str | None, error: Any) -> None:
        if field == self.CONFIRM_FIELD:
            # GOV.UK's class, or the label's drawn box lies over the browser's own checkbox
            self.fields[field].widget = forms.CheckboxInput(  # type: ignore[attr-defined]
                attrs={"class": "govuk-checkboxes__input"}
            )
        super().add_error(field, error)  # type: ignore[misc]
