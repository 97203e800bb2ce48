"""Sentences generated from the report's figures, in the register of the unit's own reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeguard.domain.figures import Report


def narrative_paragraphs(report: Report) -> dict[str, list[str]]:
    return {}
