"""Who owns which value when the SSD and Safeguard both hold a record (docs/ssd.md, Ownership).

The SSD owns children, plans, held conferences, enquiries, allocations, visits, family and
disability; Safeguard owns everything the SSD does not carry (chairs, attendance, advocates,
out-of-timescale reasons, end reasons, the expected date of birth of a child born since, ...).
An SSD value replaces Safeguard's only when it is not blank: a blank never erases. Participation
and quoracy are recorded by chairs too: the SSD's fills a blank and never overwrites.

Plain functions over records in the exchange bundle's natural form (a row of the bundle)."""

from __future__ import annotations

from typing import Any

# The values the SSD carries, by record; any other value of the record is Safeguard's.
SSD_OWNS: dict[str, tuple[str, ...]] = {
    "child": (
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "area",
        "disability",
        "disability_codes",
        "family_id",
    ),
    "plan": ("child", "start_on", "end_on", "initial_category", "latest_category"),
    "conference": (
        "child",
        "kind",
        "held_on",
        "strategy_discussion_on",
        "transfer_notification_on",
        "outcome",
    ),
    "allocation": ("to_on", "team", "staff_id"),
    "enquiry": ("child", "strategy_discussion_on", "outcome", "end_on"),
    "visit": ("child", "plan", "visited_on", "seen", "seen_alone", "bedroom_seen"),
}
# The values both record: the SSD's fills Safeguard's blank, never overwrites it.
SSD_FILLS: dict[str, tuple[str, ...]] = {
    "child": ("expected_date_of_birth",),
    "conference": ("participation_code", "quorate"),
}


def blank(value: Any) -> bool:
    return value is None or value == "" or value == ()


def merged(kind: str, held: dict[str, Any] | None, extract: dict[str, Any]) -> dict[str, Any]:
    """The record as it is to be after a sync: Safeguard's `held` record (None: a new record,
    taken from the extract whole) with the extract's values that the SSD owns or fills."""
    if held is None:
        return dict(extract)
    result = dict(held)
    for name in SSD_OWNS.get(kind, ()):
        if name in extract and not blank(extract[name]):
            result[name] = extract[name]
    for name in SSD_FILLS.get(kind, ()):
        if name in extract and blank(result.get(name)) and not blank(extract[name]):
            if name == "expected_date_of_birth" and not blank(result.get("date_of_birth")):
                continue
            result[name] = extract[name]
    return result


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """`field old -> new` for each value a sync changes, for the preview."""
    return [
        f"{name} {_shown(before.get(name))} -> {_shown(after.get(name))}"
        for name in after
        if name in before and before.get(name) != after.get(name)
    ]


def _shown(value: Any) -> str:
    if blank(value):
        return "(blank)"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)
