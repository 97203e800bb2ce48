"""Every error message written by hand follows the GOV.UK Design System's style
(design-system.service.gov.uk/components/error-message): it says what happened and how to fix
it, "Enter ..." for what is typed, "Select ..." for a choice (never "Choose ..."), "... must be
...", with no "Please", no "invalid", no "error" and no full stop at the end.

The messages are collected from the source: the literal (or f-string, or either side of an `if`
expression) given to every ValidationError, form.add_error, messages.error and the domain's
PeriodError, every form field's error_messages, every `errors[...] = ...` that a service
gathers, and what the domain's `..._problem` functions return; a name given instead is followed
to the texts assigned to it in the same function. Three kinds start in lower case, after what
comes before them: the reason of every import Problem (`FILE:LINE: COLUMN: reason`), the
message of every rule of the rule book (after its code, "R104 the date of birth is in the
future") and the command line's errors and notes on standard error (after "safeguard: ":
UserError, argparse's ArgumentTypeError, parser.error, print(..., file=sys.stderr) in cli.py,
console.py and each app's commands.py). A new message in the wrong style fails here, naming its
file and line."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "safeguard"
PLACEHOLDER = "{…}"  # where an f-string puts a value
BANNED_WORDS = re.compile(r"\b(please|sorry|invalid|error|oops)\b", re.IGNORECASE)


def _texts(node: ast.expr, names: dict[str, list[ast.expr]], depth: int = 0) -> list[str]:
    """Every text `node` may hold: a literal or f-string (joined by +, either side of an `if`
    expression), or a name assigned such texts earlier in the same function."""
    if depth > 5:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            "".join(
                str(part.value) if isinstance(part, ast.Constant) else PLACEHOLDER
                for part in node.values
            )
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        lefts, rights = _texts(node.left, names, depth + 1), _texts(node.right, names, depth + 1)
        return [left + right for left in lefts for right in rights]
    if isinstance(node, ast.IfExp):
        return _texts(node.body, names, depth + 1) + _texts(node.orelse, names, depth + 1)
    if isinstance(node, ast.Name):
        return [
            text for value in names.get(node.id, []) for text in _texts(value, names, depth + 1)
        ]
    return []


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _messages_in(node: ast.AST) -> list[ast.expr]:
    """The expressions that hold a message a person reads on a page, in one node of the tree:
    ValidationError, add_error, messages.error, error_messages, `errors[...] = ...`, and the
    domain's PeriodError (a report period refused, on the report form and page)."""
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
        found += first.values if isinstance(first, ast.Dict) else [first]
    elif called == "PeriodError" and node.args:
        found.append(node.args[0])
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


def _command_errors_in(node: ast.AST) -> list[ast.expr]:
    """The messages of the command line's errors, which follow "safeguard: " (or argparse's
    "argument --x: ") and so start in lower case: UserError, ArgumentTypeError, parser.error,
    and what is printed to standard error after "safeguard: "."""
    if not isinstance(node, ast.Call):
        return []
    called = _name(node.func)
    if called in ("UserError", "ArgumentTypeError") and node.args:
        return [node.args[0]]
    if called == "error" and _name(getattr(node.func, "value", node.func)) == "parser":
        return node.args[:1]
    if called == "print" and any(
        k.arg == "file" and _name(k.value) == "stderr" for k in node.keywords
    ):
        return node.args[:1]
    return []


def _own_assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """name -> the values assigned to it directly in `scope` (not in the functions within)."""
    names: dict[str, list[ast.expr]] = {}
    pending = list(ast.iter_child_nodes(scope))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            names.setdefault(node.target.id, []).append(node.value)
        pending.extend(ast.iter_child_nodes(node))
    return names


def _scopes(tree: ast.Module) -> Iterator[tuple[ast.AST, dict[str, list[ast.expr]], ast.AST]]:
    """(the module or a function, the names assigned in it, one of its own nodes), for every
    node: a name in a message is looked up in the function that uses it."""
    functions = (
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    )
    for scope in [tree, *functions]:
        names = _own_assignments(scope)
        pending = list(ast.iter_child_nodes(scope))
        while pending:
            node = pending.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            yield scope, names, node
            pending.extend(ast.iter_child_nodes(node))


@dataclass
class Collected:
    """(where, message) for each kind of hand-written message."""

    messages: list[tuple[str, str]] = field(default_factory=list)  # forms, services, pages
    problems: list[tuple[str, str]] = field(default_factory=list)  # an import file's reasons
    rules: list[tuple[str, str]] = field(default_factory=list)  # the rule book's, after "R104 "
    commands: list[tuple[str, str]] = field(default_factory=list)  # after "safeguard: "
    from_names: int = 0  # messages found through a name assigned before


def _collect() -> Collected:
    found = Collected()
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where_file = path.relative_to(SOURCE.parent).as_posix()
        command_line = path.name in ("cli.py", "console.py", "commands.py")
        in_domain = path.parent.name == "domain"
        for scope, names, node in _scopes(ast.parse(path.read_text(encoding="utf-8"))):
            kinds = [(found.messages, _messages_in(node))]
            if command_line:
                kinds.append((found.commands, _command_errors_in(node)))
            if isinstance(node, ast.Call) and len(node.args) > 3 and _name(node.func) == "Problem":
                kinds.append((found.problems, [node.args[3]]))
            if (
                in_domain
                and isinstance(node, ast.Call)
                and _name(node.func) == "Rule"
                and len(node.args) == 3
            ):
                kinds.append((found.rules, [node.args[2]]))
            # the domain's `..._problem` functions return a form's message (identifier_problem)
            if (
                in_domain
                and isinstance(node, ast.Return)
                and node.value is not None
                and getattr(scope, "name", "").endswith("_problem")
            ):
                kinds.append((found.messages, [node.value]))
            for into, expressions in kinds:
                for expression in expressions:
                    texts = _texts(expression, names)
                    if isinstance(expression, ast.Name) and texts:
                        found.from_names += len(texts)
                    into += [(f"{where_file}:{expression.lineno}", text) for text in texts]
    return found


COLLECTED = _collect()
MESSAGES, PROBLEMS = COLLECTED.messages, COLLECTED.problems
RULES, COMMANDS = COLLECTED.rules, COLLECTED.commands


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
    assert "Say why you need to open this record (at least {…} letters)" in texts  # a name
    assert "The plan would overlap plan {…}, which runs from {…} and is still open" in texts
    assert "A period cannot end ({…}) before it starts ({…})" in texts  # PeriodError
    assert "Enter the {…}" in texts  # identifier_problem
    assert ("safeguard/domain/record_rules.py:89", "the date of birth is in the future") in RULES
    assert "give a child id, or --recompute" in {text for _, text in COMMANDS}
    assert len(MESSAGES) > 140 and len(PROBLEMS) > 20 and len(RULES) > 20 and len(COMMANDS) > 25


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


@pytest.mark.parametrize(
    "kind", ["import problems' reasons", "the rule book's rules", "the command line's errors"]
)
def test_every_message_that_follows_another_text_follows_the_same_style(kind):
    collected = {
        "import problems' reasons": PROBLEMS,
        "the rule book's rules": RULES,
        "the command line's errors": COMMANDS,
    }[kind]
    wrong = [
        f"{where}: {message!r}: {', '.join(faults)}"
        for where, message in collected
        if (faults := style_faults(message, sentence=False))
    ]
    assert not wrong, "\n".join(wrong)
