"""Hostile census XML: entity expansion ("billion laughs") and external entities, however far
into the file, and any bytes at all: the import answers with problems, never reads what an
entity points at, and writes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.census.importer import census_import
from tests.exchange.test_hostile_input import HOSTILE, tables_snapshot

_LAUGHS = (
    '<!DOCTYPE Message [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
_EXTERNAL = '<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
_PADDING = "<!--" + "x" * 70_000 + "-->"  # pushes the DOCTYPE past the first 64 KB


def _census_import(tmp_path: Path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "census.xml"
    path.write_bytes(text.encode(encoding))
    before = tables_snapshot()
    outcome = census_import(path=path, by=None)
    assert not outcome.ok
    assert tables_snapshot() == before
    message = " ".join(str(p) for p in outcome.problems)
    assert "root:" not in message, "the contents of /etc/passwd must never be read"
    return message


@pytest.mark.parametrize(
    "document,encoding",
    [
        ('<?xml version="1.0"?>' + _LAUGHS + "<Message><Header/>&lol9;</Message>", "utf-8"),
        ('<?xml version="1.0"?>' + _EXTERNAL + "<Message><Header>&x;</Header></Message>", "utf-8"),
        (
            '<?xml version="1.0"?>' + _PADDING + _LAUGHS + "<Message><Header/>&lol9;</Message>",
            "utf-8",
        ),
        (
            '<?xml version="1.0" encoding="UTF-16"?>' + _LAUGHS + "<Message>&lol9;</Message>",
            "utf-16",
        ),
    ],
    ids=["billion-laughs", "external-entity", "laughs-after-64KB", "laughs-in-utf16"],
)
def test_census_xml_with_entities_is_refused_with_a_message(db, tmp_path, document, encoding):
    message = _census_import(tmp_path, document, encoding)
    assert "DOCTYPE" in message or "entit" in message.lower()


def test_census_xml_with_an_external_entity_after_64kb_is_refused_with_a_message(db, tmp_path):
    document = (
        '<?xml version="1.0"?>' + _PADDING + _EXTERNAL + "<Message><Header>&x;</Header></Message>"
    )
    message = _census_import(tmp_path, document)
    assert "DOCTYPE" in message or "entit" in message.lower()


@HOSTILE
@given(body=st.binary(max_size=3000), prefix=st.sampled_from([b"", b'<?xml version="1.0"?>']))
def test_census_import_of_any_bytes_answers_with_problems(db, body, prefix):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "census.xml"
        path.write_bytes(prefix + body)
        outcome = census_import(path=path, by=None)
        assert not outcome.ok
        assert all(p.reason for p in outcome.problems)
