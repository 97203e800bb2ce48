"""`safeguard digests`, `safeguard reminders` and `safeguard worker`: registered into the CLI by
safeguard.cli. Thin: the work is in safeguard.notifications.digests, .reminders and .tasks (run by
django-tasks' database worker)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def _quarter(text: str):
    from .quarters import Quarter, QuarterError

    try:
        return Quarter.parse(text)
    except QuarterError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_digests(args: argparse.Namespace) -> int:
    import sys

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from safeguard.console import UserError

    from .digests import digests_issue
    from .outbox import Delivery
    from .selectors import liaison_cover_check

    quarter = args.quarter
    out_dir = Path(args.out or f"digests-{quarter}")
    try:
        outcomes = digests_issue(quarter=quarter, send=args.send, out_dir=out_dir, by=None)
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    if not outcomes:
        raise UserError("no Senior Liaison Officers are recorded, so there is nobody to write to")
    for outcome in outcomes:
        count = f"{outcome.total} escalation{'s' if outcome.total != 1 else ''}"
        if outcome.delivery is Delivery.WRITTEN:
            print(f"{outcome.path}  ({outcome.officer}: {count})")
        elif outcome.delivery is Delivery.SENT:
            print(f"Sent to {', '.join(outcome.recipients)}  ({count})")
        elif outcome.delivery is Delivery.FAILED:
            print(
                f"safeguard: the digest for {' '.join(outcome.officer.split())} could not be "
                f"{'sent' if args.send else 'written'} ({outcome.error}); the others went on",
                file=sys.stderr,
            )
        else:
            print(
                f"Already sent to {', '.join(outcome.recipients)} on "
                f"{timezone.localtime(outcome.sent_at):%d/%m/%Y %H:%M}; not sent again"
            )
    cover = liaison_cover_check(quarter=quarter)
    in_digests = sum(outcome.total for outcome in outcomes)
    print(
        f"{cover.total} formal escalations were raised in {quarter.label}; "
        f"the digests hold {in_digests}."
    )
    if cover.uncovered:
        print(
            f"warning: {len(cover.uncovered)} escalations are in no officer's cover, so no digest "
            f"tells of them: {', '.join(cover.uncovered)}",
            file=sys.stderr,
        )
    for escalation_id, officers in cover.overlapping:
        print(
            f"warning: escalation {escalation_id} is in the cover of {' and '.join(officers)}, "
            "and in each of their digests",
            file=sys.stderr,
        )
    if not args.send:
        print("Nothing was sent: review the files, then run again with --send.")
    return 1 if any(o.delivery is Delivery.FAILED for o in outcomes) else 0


def cmd_reminders(args: argparse.Namespace) -> int:
    from safeguard.console import today

    from .outbox import Delivery
    from .reminders import reminders_send

    as_of = args.as_of or today()
    outcomes = reminders_send(as_of=as_of, by=None)
    if not outcomes:
        print(f"Nothing sent: {as_of:%d/%m/%Y} is not a working day, or nothing is due.")
        return 0
    for outcome in outcomes:
        what = f"{outcome.upcoming} due, {outcome.overdue} overdue"
        if outcome.delivery is Delivery.SENT:
            print(f"Sent to {', '.join(outcome.recipients)}  ({what})")
        elif outcome.delivery is Delivery.ALREADY_SENT:
            print(f"Already sent to {', '.join(outcome.recipients)} today; not sent again")
        else:
            print(f"warning: chair {outcome.chair} has no email address ({what})")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """django-tasks' database worker (its `db_worker` command) over the default queue: issues the
    report editions asked for on the web (safeguard.reporting.tasks), and sends the
    queued alerts and their retries."""
    from django.core.management import call_command

    call_command(
        "db_worker",
        batch=args.batch,
        interval=args.interval,
        reload=False,
        startup_delay=not args.batch,
        verbosity=0 if args.quiet else 1,
    )
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    from safeguard.console import date_argument

    sub = command(
        "digests",
        cmd_digests,
        "Write (or, with --send, send) each Senior Liaison Officer's escalations digest.",
    )
    sub.add_argument("--quarter", type=_quarter, required=True, help="e.g. 2022Q3 (July-Sept)")
    sub.add_argument(
        "--send",
        action="store_true",
        help="send by email; each officer's digest of a quarter is sent only once",
    )
    sub.add_argument("--out", metavar="DIR", help="where to write the .eml files for review")

    sub = command(
        "reminders",
        cmd_reminders,
        "Email each chair the reviews and checks due in the next 10 working days (daily).",
    )
    sub.add_argument(
        "--as-of", type=date_argument, metavar="DATE", help="count from DATE, not today"
    )

    sub = command(
        "worker",
        cmd_worker,
        "Run the task worker that sends the alerts after chairs' checks (retrying the failed "
        "ones) and issues the report editions asked for on the web (keep it running beside the "
        "server; `safeguard serve` starts one).",
    )
    sub.add_argument(
        "--batch", action="store_true", help="run the tasks that are due, then stop (once)"
    )
    sub.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how often to look for due tasks when there are none (default 1)",
    )
    sub.add_argument("--quiet", action="store_true", help="log nothing but failures")
