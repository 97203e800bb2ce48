"""The `<record:...>` path converter: any stored record id, old or new, as one address
segment (safeguard.domain.identifiers). Every URL that carries a child, plan, conference,
meeting or escalation id uses it, so a record written before the identifier rule (an id with
`/`, spaces, `%`, `?`, `#`, markup) still has a page and every link to it resolves."""

from __future__ import annotations

from django.urls import register_converter

from safeguard.domain.identifiers import (
    URL_SEGMENT_REGEX,
    identifier_from_url,
    identifier_to_url,
)

RECORD = "record"


class RecordIdConverter:
    regex = URL_SEGMENT_REGEX

    def to_python(self, value: str) -> str:
        return identifier_from_url(value)  # a ValueError makes the address a 404

    def to_url(self, value: str) -> str:
        return identifier_to_url(str(value))


register_converter(RecordIdConverter, RECORD)
