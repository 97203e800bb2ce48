"""Each test a document names as holding a claim exists where the document says it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITATION = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")
DOCUMENTS = sorted((ROOT / "docs").rglob("*.md"))


def _citations() -> list[tuple[str, str, str]]:
    return [
        (document.relative_to(ROOT).as_posix(), path, name)
        for document in DOCUMENTS
        for path, name in CITATION.findall(document.read_text(encoding="utf-8"))
    ]


def test_the_security_page_names_the_tests_that_hold_its_claims() -> None:
    assert any(document == "docs/security.md" for document, _, _ in _citations())


@pytest.mark.parametrize(("document", "path", "name"), _citations())
def test_a_cited_test_exists(document: str, path: str, name: str) -> None:
    source = ROOT / path
    assert source.is_file(), f"{document} cites {path}, which does not exist"
    assert re.search(rf"^\s*(async )?def {name}\(", source.read_text(encoding="utf-8"), re.M), (
        f"{document} cites {path}::{name}, which is not defined there"
    )
