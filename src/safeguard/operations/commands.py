"""`safeguard backup FILE`, `safeguard restore FILE [--yes] [--check]` and `safeguard retention
[--dry-run] [--as-of DATE]`, registered into the CLI by safeguard.cli."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def cmd_backup(args: argparse.Namespace) -> int:
    from safeguard.console import UserError

    from .backup import BackupError, backup_write, database_description

    try:
        manifest = backup_write(path=Path(args.file))
    except BackupError as error:
        raise UserError(str(error)) from None
    print(f"Backed up {database_description()} to {args.file}:")
    print(f"  {manifest.description}")
    print(f"  SHA-256 of the data: {manifest.payload_sha256}")
    return 0


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} Type yes to go ahead: ")
    return answer.strip().lower() == "yes"


def cmd_restore(args: argparse.Namespace) -> int:
    from safeguard.console import UserError

    from .backup import BackupError, backup_check, backup_restore, database_description

    path = Path(args.file)
    try:
        manifest, _ = backup_check(path=path)
    except BackupError as error:
        raise UserError(str(error)) from None
    print(f"{path} is {manifest.description}; its checksum is correct.")
    if args.check:
        print("Checked only (--check): nothing was changed.")
        return 0
    question = (
        f"Restoring replaces every record in {database_description()} with the backup's "
        "records; changes made since the backup are lost."
    )
    if not args.yes and not _confirmed(question):
        raise UserError(
            f"{question} Nothing was changed: run it again with --yes to confirm "
            "(or from a terminal, to be asked)"
        )
    try:
        backup_restore(path=path)
    except BackupError as error:
        raise UserError(str(error)) from None
    print(f"Restored {database_description()} from {path}, and applied any newer migrations.")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.utils import timezone

    from safeguard.reporting.editions import (
        editions_identifiers_due,
        editions_identifiers_withdraw,
    )

    from .retention import retention_apply, retention_candidates

    as_of = args.as_of or timezone.localdate()
    years = settings.SAFEGUARD_RETENTION_YEARS
    edition_years = settings.SAFEGUARD_EDITION_IDENTIFIERS_YEARS
    if args.dry_run:
        candidates = retention_candidates(as_of=as_of)
        for candidate in candidates:
            print(f"{candidate.child_id}\tdue for deletion since {candidate.due_on.isoformat()}")
        editions = editions_identifiers_due(as_of=as_of)
        for edition in editions:
            print(
                f"{edition.edition_id}\tidentifiers due for withdrawal since "
                f"{edition.due_on.isoformat()}"
            )
        print(
            f"{len(candidates)} child record(s) past the {years}-year retention period, and "
            f"{len(editions)} internal edition(s) of the report past {edition_years} years with "
            f"children's identifiers, on {as_of.isoformat()}; nothing deleted (dry run)."
        )
        return 0
    result = retention_apply(as_of=as_of, by=None)
    withdrawn = editions_identifiers_withdraw(as_of=as_of, by=None)
    print(
        f"Deleted the records of {result.children} child(ren): {result.plans} plans, "
        f"{result.conferences} conferences, {result.meetings} meetings, {result.checks} checks, "
        f"{result.alert_emails} alert emails; "
        f"{result.escalations_unlinked} escalations kept without the child. "
        f"Withdrew the identifiers of {withdrawn} edition(s) of the report (their members' "
        "version kept). Each deletion is in the audit trail."
    )
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    from safeguard.console import date_argument

    sub = command(
        "backup",
        cmd_backup,
        "Back up the whole database to FILE (a checked archive; never overwrites).",
    )
    sub.add_argument("file", metavar="FILE")

    sub = command(
        "restore",
        cmd_restore,
        "Replace the whole database with the backup in FILE, after checking it.",
    )
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sub.add_argument(
        "--check",
        action="store_true",
        help="check the backup and say what it holds; change nothing",
    )

    sub = command(
        "retention",
        cmd_retention,
        "Delete the records of children past the retention period (see --dry-run).",
    )
    sub.add_argument("--dry-run", action="store_true", help="list them, delete nothing")
    sub.add_argument("--as-of", type=date_argument, metavar="DATE", help="instead of today")
