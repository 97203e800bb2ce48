"""Record identifiers: the rule a new id must follow, and how any stored id, old or new, is
carried in one segment of a web address.

The rule is the exchange format's v2 rule: 1 to 40 characters, each a letter, a digit, `-`,
`_` or `.`. Records written before the rule (older imports, direct database loads) may hold
anything: `/`, spaces, `%`, `?`, `#`, markup, other scripts. Those still need an address, so
`identifier_to_url` escapes every character outside the rule as `~` and its UTF-8 bytes in
hexadecimal (`/` is `~2F`), and `identifier_from_url` reverses it. An id that follows the rule
is its own address; `~` never appears in an id that follows the rule, so the two cannot clash.
Percent-encoding would not do: the web server decodes `%2F` to `/` before the address is
matched, and browsers resolve `.` and `..` segments before sending them.
"""

from __future__ import annotations

import re

IDENTIFIER_MAX = 40
IDENTIFIER_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
_CHARACTERS = "only letters, numbers, hyphens (-), underscores (_) and full stops (.)"
# The characters an id's address may hold: the rule's characters and the escape `~`.
URL_SEGMENT_REGEX = r"[A-Za-z0-9._~-]+"

_ESCAPE = "~"
_EMPTY = "~"  # an empty id (only a direct database load can write one)
# Words that are pages of their own beside a record's address (/children/add/,
# /escalations/raise/): an id spelled so has its first letter escaped, so its address is its own.
RESERVED_SEGMENTS = frozenset({"add", "raise", "record", "export.csv"})
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def identifier_problem(text: str, *, noun: str = "record id") -> str | None:
    """Why `text` cannot be a new record's id, in a sentence for the person typing it; None
    when it follows the rule (1-40 letters, digits, `-`, `_`, `.`)."""
    if not text:
        return f"Enter the {noun}"
    if len(text) > IDENTIFIER_MAX:
        return f"The {noun} must be {IDENTIFIER_MAX} characters or fewer"
    if not IDENTIFIER_PATTERN.fullmatch(text):
        return f"Enter a {noun} using {_CHARACTERS}"
    return None


def identifier_to_url(identifier: str) -> str:
    """The id as one address segment: itself when it follows the rule, escaped otherwise."""
    if identifier == "":
        return _EMPTY
    if identifier.lower() in RESERVED_SEGMENTS:
        first = identifier[0]
        return f"{_ESCAPE}{ord(first):02X}{identifier[1:]}"
    only_dots = set(identifier) == {"."}  # "." and ".." would be resolved away by browsers
    parts = []
    for character in identifier:
        if character in _SAFE or (character == "." and not only_dots):
            parts.append(character)
        else:
            parts.extend(f"{_ESCAPE}{byte:02X}" for byte in character.encode("utf-8"))
    return "".join(parts)


def identifier_from_url(segment: str) -> str:
    """The id an address segment names (the reverse of identifier_to_url). Raises ValueError
    for a segment identifier_to_url never writes."""
    if segment == _EMPTY:
        return ""
    if _ESCAPE not in segment:
        return segment
    out = bytearray()
    index = 0
    while index < len(segment):
        character = segment[index]
        if character == _ESCAPE:
            pair = segment[index + 1 : index + 3]
            if len(pair) != 2 or not all(c in "0123456789ABCDEFabcdef" for c in pair):
                raise ValueError(f"not an escaped id: {segment!r}")
            out.append(int(pair, 16))
            index += 3
        else:
            out.extend(character.encode("ascii"))
            index += 1
    return out.decode("utf-8")  # invalid UTF-8 raises UnicodeDecodeError, a ValueError
