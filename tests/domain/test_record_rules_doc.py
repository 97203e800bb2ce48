"""docs/record-rules.md lists exactly the rule book's rules, each with its severity and message."""

import re
from pathlib import Path

from safeguard.domain.record_rules import RULES, Severity

DOC = Path(__file__).resolve().parents[2] / "docs" / "record-rules.md"


def _rows() -> dict[str, tuple[str, str]]:
    """code -> (section, message) for each table row of the page."""
    rows: dict[str, tuple[str, str]] = {}
    section = ""
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = re.match(r"\| (R\d{3}) \| ([^|]+) \|", line)
        if match:
            assert match.group(1) not in rows, f"{match.group(1)} is listed twice"
            rows[match.group(1)] = (section, match.group(2).strip())
    return rows


def test_every_rule_in_the_code_is_in_the_doc_and_every_rule_in_the_doc_is_in_the_code():
    assert set(_rows()) == {rule.code for rule in RULES}


def test_the_doc_gives_each_rule_its_severity_and_message():
    rows = _rows()
    for rule in RULES:
        section, message = rows[rule.code]
        assert section == ("Errors" if rule.severity is Severity.error else "Warnings"), rule.code
        assert message == rule.message, rule.code
