"""The identifier rule for new records, and any stored id carried in one address segment."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.domain.identifiers import (
    URL_SEGMENT_REGEX,
    identifier_from_url,
    identifier_problem,
    identifier_to_url,
)


@pytest.mark.parametrize("text", ["C00123", "a", "C-9.1_x", "x" * 40])
def test_an_id_of_letters_digits_hyphens_underscores_and_full_stops_follows_the_rule(text):
    assert identifier_problem(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Enter the child id"),
        ("x" * 41, "The child id must be 40 characters or fewer"),
        (
            "C 9/1<b>x</b>",
            "Enter a child id using only letters, numbers, hyphens (-), "
            "underscores (_) and full stops (.)",
        ),
        ("Zoë", "Enter a child id using only letters"),
        ("a\n", "Enter a child id using only letters"),
    ],
)
def test_an_id_outside_the_rule_is_refused_with_a_reason(text, problem):
    assert identifier_problem(text, noun="child id").startswith(problem)


@pytest.mark.parametrize(
    ("identifier", "segment"),
    [
        ("C00123", "C00123"),
        ("C 9/1<b>x</b>", "C~209~2F1~3Cb~3Ex~3C~2Fb~3E"),
        ("..", "~2E~2E"),
        (".", "~2E"),
        ("a.b", "a.b"),
        ("", "~"),
        ("a~b", "a~7Eb"),
        ("ü", "~C3~BC"),
        ("add", "~61dd"),  # not /children/add/, the new child's form
        ("raise", "~72aise"),
    ],
)
def test_an_id_is_carried_in_one_segment_a_browser_leaves_alone(identifier, segment):
    assert identifier_to_url(identifier) == segment
    assert identifier_from_url(segment) == identifier


@given(st.text(max_size=80))
def test_every_id_goes_there_and_back(identifier):
    segment = identifier_to_url(identifier)
    assert re.fullmatch(URL_SEGMENT_REGEX, segment)
    assert segment not in (".", "..")
    assert identifier_from_url(segment) == identifier


@pytest.mark.parametrize("segment", ["~", "~Z1", "a~", "~FF", "~C3"])
def test_a_segment_never_written_is_refused_or_is_the_empty_id(segment):
    if segment == "~":
        assert identifier_from_url(segment) == ""
        return
    with pytest.raises(ValueError):
        identifier_from_url(segment)
