"""`safeguard backup FILE` and `safeguard restore FILE [--yes] [--check]`, registered into the
CLI by safeguard.cli."""

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
            "(or from a terminal, to be asked)."
        )
    try:
        backup_restore(path=path)
    except BackupError as error:
        raise UserError(str(error)) from None
    print(f"Restored {database_description()} from {path}, and applied any newer migrations.")
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
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
