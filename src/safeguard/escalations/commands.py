"""`safeguard liaison-officer`: registered into the CLI by safeguard.cli. Thin: the work is in
safeguard.escalations.services."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def cmd_liaison_officer(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from safeguard.console import UserError

    from .models import SeniorLiaisonOfficer
    from .services import liaison_officer_record

    if args.officer_command == "set":
        try:
            officer = liaison_officer_record(
                name=args.name,
                email=args.email,
                cover_name=args.cover_name or "",
                organisation_types=args.organisation_type or [],
                areas=args.area or [],
                covers_unassigned_areas=args.unassigned_areas,
                by=None,
            )
        except ValidationError as error:
            raise UserError("; ".join(error.messages)) from None
        print(f"Recorded Senior Liaison Officer {officer.name}.")
        return 0
    officers = SeniorLiaisonOfficer.objects.prefetch_related("organisation_types", "areas")
    for officer in officers:
        areas = ", ".join(a.name for a in officer.areas.all()) or "no areas"
        if officer.covers_unassigned_areas:
            areas += ", and no area"
        print(f"{officer.name} <{officer.email}>: {officer.cover_name or '-'}")
        print(f"    types: {', '.join(t.name for t in officer.organisation_types.all()) or '-'}")
        print(f"    areas: {areas}")
    return 0


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    sub = command("liaison-officer", cmd_liaison_officer, "List or record Senior Liaison Officers.")
    actions = sub.add_subparsers(dest="officer_command", required=True, metavar="ACTION")
    actions.add_parser("list", help="List the officers and their cover.")
    add = actions.add_parser(
        "set",
        help="Add an officer, or replace their email and cover.",
        description="Add an officer, or replace their email and cover.",
    )
    add.add_argument("name")
    add.add_argument("--email", required=True)
    add.add_argument("--cover-name", help="how subjects name the cover, e.g. 'North (Health)'")
    add.add_argument("--organisation-type", action="append", metavar="NAME", help="repeat for each")
    add.add_argument("--area", action="append", metavar="NAME", help="repeat for each")
    add.add_argument(
        "--unassigned-areas",
        action="store_true",
        help="also cover escalations recorded without an area",
    )
