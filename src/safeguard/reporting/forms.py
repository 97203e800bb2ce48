"""Choosing a report: a period of whole months (GOV.UK month-and-year inputs), what to count
by, and whether informal escalations count. The API reads the same choice from a query string."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeguard.domain.figures import CountBy
from safeguard.domain.periods import (
    Period,
    PeriodError,
    latest_completed_half_year,
    month_end,
    period_ended_by,
    report_period,
)
from safeguard.web.forms import GovukDateWidget, GovukForm


@dataclass(frozen=True)
class ReportChoice:
    period: Period
    count_by: CountBy = CountBy.CHILD
    include_informal: bool = False


def default_choice(*, today: dt.date) -> ReportChoice:
    """The latest completed half-year, counted by child, formal escalations only."""
    return ReportChoice(period=latest_completed_half_year(today))


class GovukMonthWidget(GovukDateWidget):
    """The GOV.UK date input with only month and year boxes (a period is whole months)."""

    template_name = "reporting/widgets/month_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs)
        self.widgets = self.widgets[1:]  # month, year
        self.widgets_names: list[str] = self.widgets_names[1:]

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.month, value.year]
        return [None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # MultiWidget's own context: GovukDateWidget's names three boxes, this has two.
        context = forms.MultiWidget.get_context(self, name, value, attrs)
        # Name the boxes' ids as their names (id_end_month), so the error summary can link them.
        for subwidget, suffix in zip(
            context["widget"]["subwidgets"], self.widgets_names, strict=True
        ):
            if subwidget["attrs"].get("id"):
                subwidget["attrs"]["id"] = context["widget"]["attrs"]["id"] + suffix
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_month" if id_ else id_


class GovukMonthField(forms.Field):
    """A month from GOV.UK month and year boxes: the first day of it, or with `month_end` the
    last day of it."""

    widget = GovukMonthWidget

    def __init__(self, *, month_end: bool = False, **kwargs: Any):
        self.month_end = month_end
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        if not value:
            return None
        month, year = (str(part or "").strip() for part in value)
        if not (month or year):
            return None
        name = str(self.label)
        if not month:
            raise ValidationError(f"{name} must include a month", code="incomplete")
        if not year:
            raise ValidationError(f"{name} must include a year", code="incomplete")
        if not (month.isdigit() and year.isdigit()) or len(year) != 4 or not 1 <= int(month) <= 12:
            raise ValidationError(f"{name} must be a real month, like 4 2022", code="invalid")
        first = dt.date(int(year), int(month), 1)
        return month_end(first) if self.month_end else first


class ReportForm(GovukForm):
    start = GovukMonthField(
        label="Start month",
        required=False,
        help_text="The report starts on the 1st of this month. For example, 4 2022",
    )
    end = GovukMonthField(
        label="End month",
        required=False,
        month_end=True,
        help_text="The report ends on the last day of this month. For example, 9 2022",
    )
    count_by = forms.ChoiceField(
        label="Count conferences by",
        choices=[
            (CountBy.CHILD.value, "Child: each child at a conference counts once"),
            (CountBy.MEETING.value, "Meeting: siblings discussed together count as one"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    include_informal = forms.BooleanField(label="Include informal escalations", required=False)

    def __init__(self, data: Any = None, *args: Any, today: dt.date, **kwargs: Any):
        self.today = today
        if data is not None and not data.get("count_by"):
            data = data.copy()  # counting by child is the default: show it chosen
            data["count_by"] = CountBy.CHILD.value
        super().__init__(data, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        if start is None and end is None:
            cleaned["period"] = latest_completed_half_year(self.today)
        elif start is None:
            self.add_error("start", "Enter the month the report starts in")
        elif end is None:
            self.add_error("end", "Enter the month the report ends in")
        else:
            try:
                cleaned["period"] = period_ended_by(report_period(start, end), self.today)
            except PeriodError as error:
                self.add_error("end", str(error))
        return cleaned

    def choice(self) -> ReportChoice:
        """The report asked for; call after `is_valid()` answered true."""
        return ReportChoice(
            period=self.cleaned_data["period"],
            count_by=CountBy(self.cleaned_data.get("count_by") or CountBy.CHILD),
            include_informal=bool(self.cleaned_data.get("include_informal")),
        )

    def error_summary(self) -> list[tuple[str, str]]:
        # Month fields have no day box: point the summary at the month box instead.
        return [
            (anchor.removesuffix("_day") + "_month" if anchor.endswith("_day") else anchor, text)
            for anchor, text in super().error_summary()
        ]

    @classmethod
    def for_choice(cls, choice: ReportChoice, *, today: dt.date) -> ReportForm:
        """An unbound form showing `choice` (the default report, before anything is asked)."""
        return cls(
            today=today,
            initial={
                "start": choice.period.start_on,
                "end": choice.period.end_on,
                "count_by": choice.count_by.value,
                "include_informal": choice.include_informal,
            },
        )


class ApiReportQuery:
    """`from`, `to` (ISO dates), `count_by` and `include_informal` from an API query string.

    `choice()` raises ValueError with a message meant for the client."""

    TRUE = frozenset({"1", "true", "yes", "on"})
    FALSE = frozenset({"", "0", "false", "no", "off"})

    def __init__(self, query: Any, *, today: dt.date):
        self.query = query
        self.today = today

    def _date(self, name: str) -> dt.date | None:
        text = (self.query.get(name) or "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{name}: expected a date as YYYY-MM-DD, got {text[:20]!r}") from None

    def choice(self) -> ReportChoice:
        start, end = self._date("from"), self._date("to")
        if (start is None) != (end is None):
            raise ValueError("give both from and to, or neither (the latest completed half-year)")
        try:
            if start is not None and end is not None:
                period = period_ended_by(report_period(start, end), self.today)
            else:
                period = latest_completed_half_year(self.today)
        except PeriodError as error:
            raise ValueError(str(error)) from None
        count_by_text = (self.query.get("count_by") or CountBy.CHILD.value).strip()
        try:
            count_by = CountBy(count_by_text)
        except ValueError:
            raise ValueError("count_by: expected child or meeting") from None
        informal_text = (self.query.get("include_informal") or "").strip().lower()
        if informal_text not in self.TRUE | self.FALSE:
            raise ValueError("include_informal: expected 1 or 0")
        return ReportChoice(
            period=period, count_by=count_by, include_informal=informal_text in self.TRUE
        )


PRIORITY_ROWS = 5


class CommentaryForm(GovukForm):
    """The manager's words for a period's report: built with one box per section of the report
    and one per priority of the previous edition (`sections`: (key, title); `reviews`: the
    previous priorities' texts)."""

    executive_summary = forms.CharField(
        label="Executive summary",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown first in the report. Leave a blank line between paragraphs.",
    )

    def __init__(
        self,
        *args: Any,
        sections: list[tuple[str, str]],
        reviews: list[str],
        known_figures: frozenset[str] = frozenset(),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.known_figures = known_figures
        self.section_keys = [key for key, _ in sections]
        self.review_count = len(reviews)
        for key, title in sections:
            self.fields[f"section_{key}"] = forms.CharField(
                label=f"Commentary: {title}",
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
            )
        for number, said in enumerate(reviews, start=1):
            self.fields[f"progress_{number}"] = forms.CharField(
                label=f"What we did about the last report's priority {number}: {said}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
            )
        for number in range(1, PRIORITY_ROWS + 1):
            self.fields[f"priority_{number}"] = forms.CharField(
                label=f"Priority {number} for the next period",
                required=False,
                max_length=1000,
            )
            self.fields[f"priority_{number}_figure"] = forms.CharField(
                label=f"Figure that measures priority {number} (optional)",
                required=False,
                max_length=200,
                help_text="The figure's path in the report's JSON, for example "
                "timeliness.period.compliance_percent",
            )
        # GovukFormMixin styled the fields it saw; style the ones added here too.
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.TextInput):
                field.widget.attrs.setdefault("class", "govuk-input")
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for number in range(1, PRIORITY_ROWS + 1):
            figure = (cleaned.get(f"priority_{number}_figure") or "").strip()
            if figure and not (cleaned.get(f"priority_{number}") or "").strip():
                self.add_error(
                    f"priority_{number}",
                    f"Enter priority {number}, or remove the figure that measures it",
                )
            if figure and self.known_figures and figure not in self.known_figures:
                self.add_error(
                    f"priority_{number}_figure",
                    f"The report has no figure called {figure}: enter a path from the report's "
                    "JSON, for example timeliness.period.compliance_percent",
                )
        return cleaned
