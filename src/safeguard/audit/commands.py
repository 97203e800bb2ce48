"""`safeguard audit`: registered into the CLI by safeguard.cli."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def cmd_audit(args: argparse.Namespace) -> int:
    from .selectors import audit_entries, audit_entry_line

    if args.verify:
        return _verify()

    entries = audit_entries(
        child_id=args.child, username=args.user, since=args.since, until=args.until
    )
    count = 0
    for entry in entries.iterator():
        print(audit_entry_line(entry))
        count += 1
    if count == 0:
        print("No audit entries match.")
    return 0


def _verify() -> int:
    from .services import audit_verify

    report = audit_verify()
    first_break = report.first_break
    if first_break is None:  # intact
        entries = "1 entry" if report.checked == 1 else f"{report.checked} entries"
        print(f"The audit trail is intact: {entries}, each chained to the last.")
        return 0
    print(
        f"The audit trail has been tampered with: {first_break.describe()}",
        file=sys.stderr,
    )
    print(
        f"Entries before it ({report.checked - 1}) hold; see docs/operations.md "
        "(the audit trail) for what to do",
        file=sys.stderr,
    )
    return 1


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    from safeguard.console import date_argument

    sub = command("audit", cmd_audit, "Print the audit trail, newest first.")
    sub.add_argument("--child", metavar="ID", help="entries about this child id")
    sub.add_argument("--user", metavar="NAME", help="entries by this username")
    sub.add_argument("--since", type=date_argument, metavar="DATE", help="on or after this date")
    sub.add_argument("--until", type=date_argument, metavar="DATE", help="on or before this date")
    sub.add_argument(
        "--verify",
        action="store_true",
        help="check the hash chain instead: exit 1 naming the first entry altered or deleted",
    )
