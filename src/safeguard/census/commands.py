"""Census subcommands registered into the CLI by safeguard.cli: `cin-census` (the DfE CIN census
file, import and export), `annex-a` (Ofsted ILACS Annex A) and `check` (the DfE census rules)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def _print_import(result, *, dry_run: bool, name: str) -> int:
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
    print(f"{'Would import' if dry_run else 'Imported'} {name}:")
    for label, counts in result.files.items():
        print(
            f"  {label:<22} {counts.added:>7} added {counts.changed:>7} changed "
            f"{counts.unchanged:>7} unchanged"
        )
    if dry_run:
        print("Nothing was written (--dry-run).")
    return 0


GAP_CHILDREN_SHOWN = 20


def gap_line(gap) -> str:
    """A DfE error of the exported file as one line: the rule, the DfE's words, the children."""
    shown = ", ".join(gap.child_ids[:GAP_CHILDREN_SHOWN])
    more = len(gap.child_ids) - GAP_CHILDREN_SHOWN
    children = f"{shown} and {more} more" if more > 0 else shown
    count = len(gap.child_ids)
    return (
        f"DfE rule {gap.rule} will refuse the return for {count} "
        f"child{'ren' if count != 1 else ''} ({gap.message}): {children}"
    )


def _print_gaps(gaps) -> None:
    """What the records lack for the return, printed before the file replaces FILE."""
    for gap in gaps:
        print(f"warning: {gap_line(gap)}", file=sys.stderr)


def cmd_cin_census(args: argparse.Namespace) -> int:
    from safeguard.console import UserError

    from .exporter import CensusExportError, census_export
    from .importer import census_import
    from .reader import CensusError, CollectionYear

    if args.census_command == "import":
        try:
            outcome = census_import(path=Path(args.file), by=None, dry_run=args.dry_run)
        except CensusError as error:
            raise UserError(str(error)) from None
        return _print_import(outcome.result, dry_run=args.dry_run, name=args.file)
    try:
        year = CollectionYear.parse(args.year)
        exported = census_export(
            path=Path(args.file), year=year, by=None, lea=args.lea, gaps_found=_print_gaps
        )
    except (ValueError, CensusExportError) as error:
        raise UserError(str(error)) from None
    for warning in exported.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Wrote {args.file}: collection year {year.name}, {exported.children} children.")
    return 0


def cmd_annex_a(args: argparse.Namespace) -> int:
    from safeguard.console import UserError, today

    from .annex_a import AnnexAError, annex_a_export, annex_a_import

    if args.annex_command == "export":
        as_of = args.as_of or today()
        counts = annex_a_export(path=Path(args.file), as_of=as_of, by=None)
        print(f"Wrote {args.file} (six months to {as_of.isoformat()}):")
        for sheet, count in counts.items():
            print(f"  {sheet:<8} {count:>7} rows")
        return 0
    try:
        result = annex_a_import(path=Path(args.file), by=None, dry_run=args.dry_run)
    except AnnexAError as error:
        raise UserError(str(error)) from None
    return _print_import(result, dry_run=args.dry_run, name=args.file)


def _print_identifier_breaches(limit: int) -> int:
    """The records whose ids break the identifier rule (issue 17), before the census rules."""
    from safeguard.operations.identifiers import identifiers_breaking_the_rule

    breaches = identifiers_breaking_the_rule()
    if breaches:
        print(f"Records whose id breaks the identifier rule ({len(breaches)}):")
        for breach in breaches[:limit]:
            print(f"  {breach}")
        if len(breaches) > limit:
            print(f"  and {len(breaches) - limit} more")
        print("  A service manager corrects a child's id on the child's page.")
    return len(breaches)


# --- `safeguard check`: the DfE census rules ------------------------------------------------


def _current_collection_year(day):
    from .reader import CollectionYear

    return CollectionYear(day.year if day.month >= 4 else day.year - 1)


def _print_census_check(result, limit: int) -> None:
    print(
        f"DfE census checks, collection year {result.year_name} to "
        f"{result.reference_on.isoformat()} ({result.children} children in the census file):"
    )
    sections = (
        ("Errors (the DfE refuses the return until they are corrected)", result.errors),
        ("Queries (the DfE asks for a correction or a reason)", result.queries),
    )
    for title, findings in sections:
        print(f"{title}:" if findings else f"{title}: none")
        for finding in findings:
            label = "Schema" if finding.rule == "schema" else f"DfE rule {finding.rule}"
            count = len(finding.child_ids)
            shown = ", ".join(finding.child_ids[:limit])
            more = count - limit
            print(f"  {label}: {finding.message} [{count} child{'ren' if count != 1 else ''}]")
            print(f"      children: {shown}{f' and {more} more' if more > 0 else ''}")


def cmd_check(args: argparse.Namespace) -> int:
    from safeguard.console import UserError, today

    from .dfe_rules import census_check, dfe_rules_check
    from .reader import CollectionYear

    year_text = getattr(args, "year", None)
    if year_text and (args.start or args.end):
        raise UserError("give either --year or --from/--to, not both")
    end_on = args.end or today()
    if args.start and args.start > end_on:
        raise UserError("--from is after --to")
    breaches = _print_identifier_breaches(args.limit)
    if year_text or not (args.start or args.end):
        try:
            year = CollectionYear.parse(year_text) if year_text else None
        except ValueError as error:
            raise UserError(str(error)) from None
        on = today()
        if year is None:
            year = _current_collection_year(on)
        if year.start_on > on:
            raise UserError(f"the collection year {year.name} has not started")
        result = census_check(year, as_of=on)
        _print_census_check(result, args.limit)
        return 1 if result.errors or breaches else 0

    failures = dfe_rules_check(end_on=end_on, start_on=args.start)
    scope = f"from {args.start.isoformat()} " if args.start else ""
    if not failures:
        print(f"Every DfE census rule checked passes ({scope}to {end_on.isoformat()}).")
        return 1 if breaches else 0
    print(f"DfE census rules that records fail ({scope}to {end_on.isoformat()}):")
    for failure in failures:
        shown = ", ".join(failure.child_ids[: args.limit])
        more = len(failure.child_ids) - args.limit
        print(f"  {failure} [{failure.count} record{'s' if failure.count != 1 else ''}]")
        print(f"      children: {shown}{f' and {more} more' if more > 0 else ''}")
    return 1


def _rule_book_section(args: argparse.Namespace) -> int:
    """The records that break the rule book (docs/record-rules.md), each named by its id: errors
    (impossible records, loaded before the rules) fail the check, warnings are listed."""
    from itertools import groupby

    from safeguard.conferences.timeliness import installation_rule_set
    from safeguard.console import today
    from safeguard.exchange.selectors import stored_records_check

    findings = stored_records_check(today=today(), rules=installation_rule_set())
    errors = sum(f.is_error for f in findings)
    if not findings:
        print("Every record keeps the rule book (docs/record-rules.md).")
        return 0
    print(
        f"Records that break the rule book (docs/record-rules.md): {errors} "
        f"error{'s' if errors != 1 else ''}, {len(findings) - errors} "
        f"warning{'s' if len(findings) - errors != 1 else ''}:"
    )
    for rule, group in groupby(findings, key=lambda f: f.rule):
        found = list(group)
        print(f"  {rule.severity} {rule.code} {rule.message} [{len(found)}]")
        for finding in found[: args.limit]:
            child = f" (child '{finding.child_id}')" if finding.record != "child" else ""
            detail = f": {finding.detail}" if finding.detail else ""
            print(f"      {finding.record} '{finding.record_id}'{child} {finding.field}{detail}")
        if len(found) > args.limit:
            print(f"      and {len(found) - args.limit} more")
    return 1 if errors else 0


def _check_with_rule_book(args: argparse.Namespace) -> int:
    """`safeguard check`: the DfE census rules, then the rule book."""
    status = cmd_check(args)
    print()
    return max(status, _rule_book_section(args))


def register(commands: argparse._SubParsersAction, command: Callable) -> None:
    from safeguard.console import date_argument

    sub = command("cin-census", cmd_cin_census, "Import or export the DfE CIN census (XML).")
    actions = sub.add_subparsers(dest="census_command", required=True, metavar="ACTION")
    action = actions.add_parser(
        "import",
        help="Check a census file against the DfE schema and import its child protection parts.",
    )
    action.add_argument("file")
    action.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    action = actions.add_parser(
        "export", help="Write a collection year's child protection records as a census file."
    )
    action.add_argument("--year", required=True, help="the collection year, e.g. 2023/24")
    action.add_argument("--lea", help="the three-digit LA code for the header (optional)")
    action.add_argument("file")

    sub = command("annex-a", cmd_annex_a, "Ofsted ILACS Annex A: export Lists 5 and 7, import 7.")
    actions = sub.add_subparsers(dest="annex_command", required=True, metavar="ACTION")
    action = actions.add_parser("export", help="Write Lists 5 and 7 as an .xlsx workbook.")
    action.add_argument("file")
    action.add_argument("--as-of", type=date_argument, metavar="DATE", help="default: today")
    action = actions.add_parser("import", help="Import List 7 (children on a plan) from .xlsx.")
    action.add_argument("file")
    action.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    sub = command(
        "check",
        _check_with_rule_book,
        "Check the records against the DfE census rules and the rule book.",
    )
    sub.add_argument(
        "--year",
        help="the collection year, e.g. 2023/24 (default: the current one, to today)",
    )
    sub.add_argument("--from", dest="start", type=date_argument, metavar="DATE")
    sub.add_argument("--to", dest="end", type=date_argument, metavar="DATE", help="default: today")
    sub.add_argument("--limit", type=int, default=20, help="children listed per rule")
