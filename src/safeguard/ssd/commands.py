"""`safeguard ssd`: import, sync and reconcile the Standard Safeguarding Dataset feed
(docs/ssd.md), registered into the command line by safeguard.cli."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

SHOWN_CHANGES = 200


def _print_result(result, *, verbose: bool) -> int:
    from .services import summary_line

    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not result.ok:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        count = len(result.problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was imported",
            file=sys.stderr,
        )
        return 1
    if result.unchanged:
        print(f"{result.source}: the extract is unchanged since the last sync; nothing to do.")
        return 0
    print(f"{'Would import' if result.dry_run else 'Imported'} {result.source}:")
    for kind, counts in result.counts.items():
        print(
            f"  {kind:<12} {counts.added:>7} added {counts.changed:>7} changed "
            f"{counts.unchanged:>7} unchanged {counts.withdrawn:>7} withdrawn"
        )
    if result.skipped_undated:
        print(f"  {result.skipped_undated} conference rows without a date (not held) skipped")
    if result.other_authority_plans:
        print(
            f"  {len(result.other_authority_plans)} other authorities' plans not imported: "
            + ", ".join(result.other_authority_plans[:20])
        )
    shown = result.changes if verbose else result.changes[:SHOWN_CHANGES]
    for change in shown:
        print(f"  {change}")
    if len(shown) < len(result.changes):
        print(f"  ... and {len(result.changes) - len(shown)} more (--all lists every record)")
    if result.dry_run:
        print("Nothing was written (--dry-run).")
    else:
        print(summary_line(result))
    return 0


def cmd_ssd(args: argparse.Namespace) -> int:
    from safeguard.console import UserError

    from .reader import SsdError
    from .reconcile import ssd_reconcile
    from .services import ssd_import, ssd_sync

    try:
        if args.ssd_command == "import":
            result = ssd_import(path=Path(args.path), by=None, dry_run=args.dry_run)
            return _print_result(result, verbose=args.all)
        if args.ssd_command == "sync":
            folder = Path(args.folder) if args.folder else None
            return _print_result(ssd_sync(folder=folder, by=None), verbose=args.all)
    except SsdError as error:
        raise UserError(str(error)) from None
    lines = ssd_reconcile(by=None)
    for line in lines:
        print(line)
    print(
        f"{len(lines)} difference{'s' if len(lines) != 1 else ''} between the extract and Safeguard."
    )
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    sub = command(
        "ssd", cmd_ssd, "The Standard Safeguarding Dataset feed: import, sync, reconcile."
    )
    actions = sub.add_subparsers(dest="ssd_command", required=True, metavar="ACTION")
    action = actions.add_parser(
        "import", help="Check an SSD extract (a folder or .zip of its CSV files) and apply it."
    )
    action.add_argument("path")
    action.add_argument(
        "--dry-run", action="store_true", help="name the records that would change; write nothing"
    )
    action.add_argument("--all", action="store_true", help="list every record changed")
    action = actions.add_parser(
        "sync", help="Apply the extract in the configured folder (SAFEGUARD_SSD_FOLDER): nightly."
    )
    action.add_argument("--folder", help="read this folder instead of SAFEGUARD_SSD_FOLDER")
    action.add_argument("--all", action="store_true", help="list every record changed")
    actions.add_parser(
        "reconcile", help="List what differs between the last extract and Safeguard's records."
    )
