"""GOV.UK Design System pieces that pages repeat.

`{% load govuk %}{% govuk_table_head "File" "Line" "Reason" numeric="Line" %}` writes the head
of a GOV.UK table: one row of column headers, with the columns named in `numeric` (separated by
"|") right-aligned and those in `hidden` read only by screen readers (an "Action" column)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = False
    hidden: bool = False


@register.inclusion_tag("govuk/includes/table_head.html")
def govuk_table_head(*names: str, numeric: str = "", hidden: str = "") -> dict[str, list[Column]]:
    numeric_names = set(numeric.split("|")) if numeric else set()
    hidden_names = set(hidden.split("|")) if hidden else set()
    unknown = (numeric_names | hidden_names) - set(names)
    if unknown:
        raise template.TemplateSyntaxError(f"govuk_table_head: no column {sorted(unknown)}")
    return {
        "columns": [
            Column(name, numeric=name in numeric_names, hidden=name in hidden_names)
            for name in names
        ]
    }


@register.filter
def words(name: str) -> str:
    """A stored field's name as words a person reads: "completed_on" is "completed on"."""
    return str(name).replace("_", " ")
