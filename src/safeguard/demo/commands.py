"""Demo subcommands registered into the CLI by safeguard.cli (`synth`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def cmd_synth(args: argparse.Namespace) -> int:
    from safeguard.console import UserError

    from .synthetic import write_synthetic_bundle

    if args.children < 1 or args.years < 1:
        raise UserError("--children and --years must be at least 1")
    counts = write_synthetic_bundle(
        Path(args.out),
        children=args.children,
        years=args.years,
        seed=args.seed,
        end_on=args.end,
        id_prefix=args.id_prefix,
    )
    print(f"Wrote a synthetic authority to {args.out} ({sum(counts.values()):,} rows):")
    for name, count in counts.items():
        print(f"  {name:<22} {count:>9,} rows")
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    from safeguard.console import date_argument

    sub = command(
        "synth",
        cmd_synth,
        "Write a synthetic authority (no real people) as an exchange-format bundle.",
    )
    sub.add_argument("--children", type=int, required=True, metavar="N")
    sub.add_argument("--years", type=int, default=8, metavar="Y", help="history span (default 8)")
    sub.add_argument("--seed", type=int, default=0, metavar="S")
    sub.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    sub.add_argument(
        "--id-prefix",
        default="",
        metavar="TEXT",
        help="put before every id, so that several authorities can be pooled in one database",
    )
    sub.add_argument(
        "--end",
        type=date_argument,
        metavar="DATE",
        help="the last day the records cover (default 2025-03-31, so a seed fixes the bytes)",
    )
