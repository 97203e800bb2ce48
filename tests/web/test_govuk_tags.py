"""The GOV.UK table head that pages share writes the Design System's markup."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str) -> str:
    return Template("{% load govuk %}" + source).render(Context())


def squeezed(html: str) -> str:
    return " ".join(html.split()).replace("> <", "><")


def test_a_table_head_has_one_column_header_per_name_numeric_ones_right_aligned():
    html = render('{% govuk_table_head "File" "Line" "Action" numeric="Line" hidden="Action" %}')

    assert squeezed(html) == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">File</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Line</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Action</span></th>'
        "</tr></thead>"
    )


def test_a_numeric_or_hidden_column_that_is_not_in_the_head_is_a_template_mistake():
    with pytest.raises(TemplateSyntaxError, match="no column"):
        render('{% govuk_table_head "File" numeric="Line" %}')
