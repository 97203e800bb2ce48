"""GOV.UK forms: the date input and the error summary."""

import datetime as dt

import pytest
from django import forms

from safeguard.web.forms import GovukDateField, GovukForm


class BirthForm(GovukForm):
    name = forms.CharField(help_text="As on the birth certificate")
    date_of_birth = GovukDateField()


def _form(day="", month="", year="", name="x"):
    return BirthForm(
        {
            "name": name,
            "date_of_birth_day": day,
            "date_of_birth_month": month,
            "date_of_birth_year": year,
        }
    )


def test_a_date_from_day_month_and_year():
    form = _form("7", "3", "2019")
    assert form.is_valid()
    assert form.cleaned_data["date_of_birth"] == dt.date(2019, 3, 7)


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", "", ""), "Enter the date of birth"),
        (("7", "", "2019"), "Date of birth must include a month"),
        (("", "", "2019"), "Date of birth must include a day and a month"),
        (("31", "2", "2019"), "Date of birth must be a real date"),
        (("7", "3", "19"), "Year must include 4 numbers"),
        (("x", "3", "2019"), "Date of birth must be a real date"),
    ],
)
def test_date_errors_use_the_design_systems_words(parts, message):
    form = _form(*parts)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]


def test_fields_render_the_govuk_way_with_errors_marked():
    form = _form("31", "2", "2019", name="")
    assert not form.is_valid()
    html = str(form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert "govuk-input govuk-input--error" in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'class="govuk-date-input"' in html and 'name="date_of_birth_month"' in html
    assert "govuk-date-input__input govuk-input--width-4 govuk-input--error" in html
    assert form.error_summary() == [
        ("id_name", "Enter the name"),
        ("id_date_of_birth_day", "Date of birth must be a real date"),
    ]


def test_an_existing_date_fills_the_three_boxes():
    html = str(BirthForm(initial={"date_of_birth": dt.date(2019, 3, 7)}))
    assert 'value="7"' in html and 'value="3"' in html and 'value="2019"' in html


@pytest.mark.parametrize(
    "label, choose, message",
    [
        ("Name", False, "Enter the name"),
        ("Date of the conference", False, "Enter the date of the conference"),
        ("Outcome", True, "Select the outcome"),
        ("Nation whose guidance sets the timescales", True,
         "Select the nation whose guidance sets the timescales"),
        ("Your username", False, "Enter your username"),
        ("Create a password", False, "Enter a password"),
        ("Enter the password again", False, "Enter the password again"),
        ("Code from your authenticator app", False, "Enter the code from your authenticator app"),
        ("A role", True, "Select a role"),
    ],
)  # fmt: skip
def test_an_empty_required_answer_gets_the_design_systems_words(label, choose, message):
    from safeguard.web.forms import required_message

    assert required_message(label, choose=choose) == message
