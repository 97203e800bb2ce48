"""`safeguard user add NAME --role ROLE`: registered into the CLI by safeguard.cli."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def cmd_user(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from safeguard.console import UserError

    from .services import cli_user_add

    if args.user_command == "add":
        try:
            print(
                cli_user_add(
                    username=args.name,
                    role=args.role,
                    areas=args.area or (),
                    all_areas=args.all_areas,
                ),
                end="",
            )
        except ValidationError as error:
            raise UserError("; ".join(error.messages)) from None
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    sub = command("user", cmd_user, "Manage user accounts.")
    actions = sub.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="Create an account; prints a one-time enrolment link (password and 2FA).",
        description="Create an account; prints a one-time enrolment link (password and 2FA).",
    )
    add.add_argument("name", help="the username")
    # Checked by user_create, which names the roles (Django is not set up yet here).
    add.add_argument("--role", required=True, help="chair, business_support, manager, ...")
    add.add_argument(
        "--area",
        action="append",
        metavar="NAME",
        help="an area whose children a chair or business support sees (repeat for several)",
    )
    add.add_argument(
        "--all-areas",
        action="store_true",
        help="every area, including children with no area recorded",
    )
