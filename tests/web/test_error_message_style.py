"""Every error message written by hand follows the GOV.UK Design System's style
(design-system.service.gov.uk/components/error-message): it says what happened and how to fix
it, "Enter ..." for what is typed, "Select ..." for a choice (never "Choose ..."), "... must be
...", with no "Please", no "invalid", no "error" and no full stop at the end.

The messages are collected from the source: the literal (or f-string) given to every
ValidationError, form.add_error and messages.error, every form field's error_messages, and
every `errors[...] = ...` that a service gathers; and the reason of every import Problem
(whose `FILE:LINE: COLUMN: reason` lines keep their own format, and the same words). A new
message in the wrong style fails here, naming its file and line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "safeguard"
PLACEHOLDER = "{…}"  # where an f-string puts a value
BANNED_WORDS = re.compile(r"\b(please|sorry|invalid|error|oops)\b", re.IGNORECASE)


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else PLACEHOLDER for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _messages_in(node: ast.AST) -> list[ast.expr]:
    """The expressions that hold a message a person reads, in one node of the tree."""
    if isinstance(node, ast.Assign):
        to_errors = any(
            isinstance(t, ast.Subscript) and _name(t.value) in ("errors", "error_messages")
            for t in node.targets
        )
        return [node.value] if to_errors else []
    if not isinstance(node, ast.Call):
        return []
    called = _name(node.func)
    found: list[ast.expr] = []
    if called == "ValidationError" and node.args:
        first = node.args[0]
        found += first.values if isinstance(first, ast.Dict) else [first]  # type: ignore[misc]
    elif len(node.args) >= 2 and (
        called == "add_error"
        or (
            called == "error"
            and isinstance(node.func, ast.Attribute)
            and _name(node.func.value) == "messages"
        )
    ):
        found.append(node.args[1])
    for keyword in node.keywords:
        if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
            found += [v for v in keyword.value.values if v is not None]
    return found


def _collect() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(where, message) for the messages of forms and services, and for import problems."""
    messages: list[tuple[str, str]] = []
    problems: list[tuple[str, str]] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where_file = path.relative_to(SOURCE.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for expression in _messages_in(node):
                if (text := _text(expression)) is not None:
                    messages.append((f"{where_file}:{expression.lineno}", text))
            if (
                isinstance(node, ast.Call)
                and _name(node.func) == "Problem"
                and len(node.args) > 3
                and (text := _text(node.args[3])) is not None
            ):
                problems.append((f"{where_file}:{node.lineno}", text))
    return messages, problems


MESSAGES, PROBLEMS = _collect()


def style_faults(message: str, *, sentence: bool = True) -> list[str]:
    """What is wrong with `message` in the Design System's style; `sentence`: it stands alone
    (an import problem's reason follows "COLUMN: " and starts in lower case)."""
    faults = []
    if message.rstrip().endswith("."):
        faults.append("ends with a full stop")
    if banned := BANNED_WORDS.findall(message):
        faults.append(f"says {banned[0]!r}")
    if re.match(r"(?i)choose\b", message):
        faults.append('says "Choose" for "Select"')
    if "!" in message:
        faults.append("exclaims")
    if sentence and not (message.startswith(PLACEHOLDER) or message[:1].isupper()):
        faults.append("does not start with a capital letter")
    return faults


def test_the_collector_finds_the_messages_it_is_meant_to_check():
    texts = {text for _, text in MESSAGES}
    assert "Select who to alert about the concerns" in texts  # a service's errors[...]
    assert "Year must include 4 numbers" in texts  # a form field's ValidationError
    assert "Select the check you made" in texts  # error_messages
    assert len(MESSAGES) > 100 and len(PROBLEMS) > 20


@pytest.mark.parametrize(
    "message, faults",
    [
        ("Choose who to alert about the concerns.", 2),
        ("Please enter a valid date", 1),
        ("Invalid child id", 1),
        ("enter the date", 1),
        ("Enter the date of the conference", 0),
        ("Year must include 4 numbers", 0),
    ],
)
def test_the_style_rules_catch_the_known_faults(message, faults):
    assert len(style_faults(message)) == faults, style_faults(message)


def test_every_hand_written_error_message_follows_the_govuk_style():
    wrong = [
        f"{where}: {message!r}: {', '.join(faults)}"
        for where, message in MESSAGES
        if (faults := style_faults(message))
    ]
    assert not wrong, "\n".join(wrong)


def test_every_import_problems_reason_follows_the_same_style():
    wrong = [
        f"{where}: {message!r}: {', '.join(faults)}"
        for where, message in PROBLEMS
        if (faults := style_faults(message, sentence=False))
    ]
    assert not wrong, "\n".join(wrong)
