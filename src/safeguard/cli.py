"""The `safeguard` command: thin subcommands over the services.

Every subcommand sets Django up, applies migrations, and turns known failures into one plain
sentence on standard error (exit status 1 for bad input, 2 for anything else); no stack trace
reaches the person at the terminal (it goes to the log in the data folder instead)."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from safeguard.console import UserError, date_argument, today

log = logging.getLogger("safeguard.cli")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.config.settings.local")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    if getattr(settings, "SAFEGUARD_CLI_MIGRATES", True) and _migrations_pending():
        call_command("migrate", verbosity=0, interactive=False)


def _migrations_pending() -> bool:
    """Whether the database lacks a migration. Asking is a tenth of a second cheaper than a
    `migrate` with nothing to do, which also rebuilds every model's state; and when every
    migration file is recorded as applied (the usual case) the answer comes from the files'
    names, without importing every migration to build Django's graph."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if _every_migration_file_applied(connection):
        return False
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _every_migration_file_applied(connection) -> bool:  # noqa: ANN001
    """Whether each app's migration modules (named as Django's loader finds them) are all in
    the database's record of applied migrations. False whenever unsure: the full check follows."""
    import pkgutil

    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = set(recorder.applied_migrations())
    for app in apps.get_app_configs():
        module_name, _ = MigrationLoader.migrations_module(app.label)
        if module_name is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if not hasattr(module, "__path__"):
            return False
        for _, name, is_package in pkgutil.iter_modules(module.__path__):
            if not is_package and name[0] not in "_~" and (app.label, name) not in applied:
                return False
    return True


# ------------------------------------------------------------------------------------------
# import / export


def cmd_import(args: argparse.Namespace) -> int:
    from safeguard.exchange.importer import bundle_import
    from safeguard.exchange.reader import BundleError

    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=6, desc="Importing", unit="file", file=sys.stderr, leave=False)

    def progress(step: str, rows: int) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{step}: {rows} rows")
            bar.update(1)

    try:
        result = bundle_import(
            path=Path(args.path),
            by=None,
            replace=args.replace,
            dry_run=args.dry_run,
            progress=progress,
        )
    except BundleError as error:
        raise UserError(str(error)) from None
    finally:
        if bar is not None:
            bar.close()
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
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {args.path} ({result.rows} rows):")
    for name, counts in result.files.items():
        line = (
            f"  {name:<22} {counts.added:>7} added {counts.changed:>7} changed "
            f"{counts.unchanged:>7} unchanged"
        )
        if args.replace:
            line += f" {counts.removed:>7} removed"
        print(line)
    if args.dry_run:
        print("Nothing was written (--dry-run).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.pseudonymised:
        from safeguard.exchange.pseudonymised import bundle_export_pseudonymised

        counts = bundle_export_pseudonymised(path=Path(args.path), by=None)
        print(f"Exported the pseudonymised bundle (no names, months of birth) to {args.path}:")
    else:
        from safeguard.exchange.exporter import bundle_export

        counts = bundle_export(path=Path(args.path), by=None)
        print(f"Exported to {args.path}:")
    for name, count in counts.items():
        print(f"  {name:<22} {count:>7} rows")
    return 0


# ------------------------------------------------------------------------------------------
# timeliness


def cmd_timeliness(args: argparse.Namespace) -> int:
    from safeguard.cases.models import Child
    from safeguard.cases.selectors import child_conferences
    from safeguard.conferences.timeliness import timeliness_refresh

    if args.recompute:
        changed = timeliness_refresh(child_pks=None)
        print(f"Recomputed timeliness for every conference: {changed} verdicts changed.")
        return 0
    if not args.child_id:
        raise UserError("give a child id, or --recompute")
    child = Child.objects.filter(child_id__iexact=args.child_id).first()
    if child is None:
        raise UserError(f"no child with id '{args.child_id}'")
    rows = list(child_conferences(child=child))
    if not rows:
        print(f"Child {child.child_id} has no conferences recorded.")
        return 0
    print(f"Conferences of child {child.child_id}:")
    for conference in rows:
        if conference.status != "held":
            print(
                f"  {conference.held_on.isoformat()}  {conference.get_kind_display():<12} "
                f"{conference.get_status_display()}: no verdict (only held conferences are judged)"
            )
            continue
        due = conference.due_on.isoformat() if conference.due_on else "-"
        late = ""
        if conference.verdict == "out":
            late = f", {conference.days_late} {conference.days_late_unit} days late"
        print(
            f"  {conference.held_on.isoformat()}  {conference.get_kind_display():<12} "
            f"due {due:<10}  {conference.get_verdict_display()}{late}"
        )
        print(f"      {conference.verdict_reason}")
    return 0


DUE_CSV_COLUMNS = ("due_date", "kind", "child_id", "reference", "status")


def cmd_due(args: argparse.Namespace) -> int:
    from safeguard.conferences.selectors import due_items
    from safeguard.spreadsheet_cells import SafeCsvWriter

    as_of = args.as_of or today()
    upcoming, overdue = due_items(as_of=as_of, within_days=args.within, chair_name=args.chair)
    if args.format == "csv":
        writer = SafeCsvWriter(sys.stdout, lineterminator="\n")
        writer.writerow(DUE_CSV_COLUMNS)
        for item in sorted(
            [*overdue, *upcoming], key=lambda i: (i.due_on, i.child_id, i.kind.code, i.reference)
        ):
            writer.writerow(
                (
                    item.due_on.isoformat(),
                    item.kind.code,
                    item.child_id,
                    item.reference,
                    "overdue" if item.overdue else "due",
                )
            )
        return 0
    print(
        f"Falling due from {as_of.isoformat()} to "
        f"{(as_of + dt.timedelta(days=args.within)).isoformat()} ({len(upcoming)}):"
    )
    for item in upcoming:
        print(
            f"  {item.due_on.isoformat()}  {item.kind.label:<27} child {item.child_id:<10} "
            f"{_due_reference(item):<15} {item.chair}"
        )
    print(f"Overdue ({len(overdue)}):")
    for item in overdue:
        days = (as_of - item.due_on).days
        print(
            f"  {item.due_on.isoformat()}  {item.kind.label:<27} child {item.child_id:<10} "
            f"{_due_reference(item):<15} {days} days overdue  {item.chair}"
        )
    return 0


def _due_reference(item) -> str:
    return f"enquiry {item.enquiry_id}" if item.enquiry_id else f"plan {item.plan_id}"


# ------------------------------------------------------------------------------------------
# the report


def cmd_report(args: argparse.Namespace) -> int:
    import json

    from django.conf import settings

    from safeguard.domain.figures import CountBy
    from safeguard.domain.periods import (
        PeriodError,
        latest_completed_half_year,
        period_ended_by,
        report_period,
    )
    from safeguard.domain.report_json import report_to_json
    from safeguard.reporting.renderers import ReportFormat, render
    from safeguard.reporting.services import report_file_name, report_for_command

    generated_on = today()
    if args.changes_since:
        return _report_changes_since(args.changes_since)
    if args.editions:
        return _report_editions()
    if (args.start is None) != (args.end is None):
        raise UserError("give both --from and --to, or neither (the latest half-year)")
    try:
        period = (
            period_ended_by(report_period(args.start, args.end), generated_on)
            if args.start
            else latest_completed_half_year(generated_on)
        )
    except PeriodError as error:
        raise UserError(str(error)) from None
    if args.issue:
        return _report_issue(args, period, generated_on)
    report_format = ReportFormat(args.format)
    if args.template:
        if report_format is not ReportFormat.docx:
            raise UserError("--template is for the Word format: add --format docx")
        if not Path(args.template).is_file():
            raise UserError(f"{args.template}: no such template file")
    if report_format is ReportFormat.json:
        destination = args.output or "standard output"
    else:
        destination = args.output or report_file_name(period, report_format)
    report = report_for_command(
        period=period,
        count_by=CountBy(args.count_by),
        include_informal=args.include_informal,
        audience=args.audience,
        report_format=report_format,
        generated_on=generated_on,
        destination=str(destination),
    )
    if report_format is ReportFormat.json:
        text = json.dumps(report_to_json(report), indent=1, ensure_ascii=False) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"Wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    if args.template:
        from safeguard.reporting.renderers.docx import render_into_template

        try:
            data = render_into_template(report, args.template, authority=settings.AUTHORITY_NAME)
        except Exception as error:  # docxtpl reports template mistakes as Jinja errors
            raise UserError(f"{args.template}: the template could not be filled: {error}") from None
    else:
        from safeguard.reporting.editions import commentary_for

        data = render(
            report,
            report_format,
            authority=settings.AUTHORITY_NAME,
            commentary=commentary_for(period, report_to_json(report)),
        )
    output = Path(destination)
    output.write_bytes(data)
    print(f"Wrote {output} ({len(data):,} bytes)")
    return 0


def _report_issue(args: argparse.Namespace, period, generated_on: dt.date) -> int:  # noqa: ANN001
    from safeguard.domain.figures import CountBy
    from safeguard.reporting.editions import EDITION_FORMATS, edition_issue

    edition = edition_issue(
        period=period,
        count_by=CountBy(args.count_by),
        include_informal=args.include_informal,
        by=None,
        generated_on=generated_on,
    )
    print(
        f"Stored {len(EDITION_FORMATS) * 2} files (internal and members' versions of "
        f"{', '.join(f.value for f in EDITION_FORMATS)}) at data version {edition.data_version}."
    )
    print(f"Issued the Child Protection Report {period} as edition {edition.edition_id}")
    return 0


def _report_changes_since(edition_id: str) -> int:
    from django.http import Http404

    from safeguard.reporting.editions import edition_changes, edition_get, record_line

    try:
        edition = edition_get(edition_id, by=None)
    except Http404:
        raise UserError(
            f"{edition_id}: no such edition (safeguard report --editions lists them)"
        ) from None
    changes = edition_changes(edition, by=None)
    print(
        f"Edition {edition.edition_id} ({edition.start_on.isoformat()} to "
        f"{edition.end_on.isoformat()}), issued {edition.issued_at:%Y-%m-%d %H:%M} by "
        f"{edition.issued_by_name}."
    )
    if changes.unchanged:
        print("Every figure is as issued: the records give the same report.")
    else:
        print(
            f"{len(changes.figures)} figures now read differently (path: issued -> now), "
            "each with the records that moved it:"
        )
        for account in changes.figures:
            print(f"  {account.change}")
            for record in account.moved_by:
                for line in record_line(record):
                    print(f"    {line}")
            if account.may_have_moved:
                print("    may have moved it (not worked out):")
                for record in account.may_have_moved:
                    for line in record_line(record):
                        print(f"      {line}")
            if account.unexplained:
                print(
                    "    no record changed since moves it (the software or its reference data "
                    "may have changed)"
                )
    if changes.moving_nothing:
        print(
            f"Records changed since the edition that move no figure ({len(changes.moving_nothing)}):"
        )
        for record in changes.moving_nothing:
            for line in record_line(record):
                print(f"  {line}")
    if not changes.records_changed:
        print("No record has been changed since the edition was issued.")
    return 0


def _report_editions() -> int:
    from safeguard.reporting.editions import editions_list

    editions = editions_list(by=None)
    if not editions:
        print("No edition of the report has been issued.")
    for edition in editions:
        print(
            f"{edition.edition_id}  {edition.start_on.isoformat()} to {edition.end_on.isoformat()}"
            f"  issued {edition.issued_at:%Y-%m-%d %H:%M} by {edition.issued_by_name}"
        )
    return 0


# ------------------------------------------------------------------------------------------
# demo and serving


def cmd_demo(args: argparse.Namespace) -> int:
    from safeguard.demo.services import DemoRefused, demo_load

    try:
        loaded = demo_load(seed=args.seed, today=None if args.as_of_2022 else args.as_of or today())
    except DemoRefused as refusal:
        raise UserError(str(refusal)) from None
    for name, count in loaded.files.items():
        print(f"  {name:<22} {count:>7} records")
    print("Demo authority loaded.")
    for line in loaded.lines:
        print(line)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import subprocess

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from gunicorn.app.base import BaseApplication

    from safeguard.config.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("access_log_format", '%(t)s "%(m)s %(U)s" %(s)s %(M)sms')

        def load(self):
            return application

    worker = None
    if args.worker:
        # The task worker (alerts, report editions), as a child process stopped with the server
        # (docs/operations.md runs it as its own systemd unit instead).
        worker = subprocess.Popen([sys.executable, "-m", "safeguard.cli", "worker", "--quiet"])
        print(f"The task worker (alerts, report editions) runs as process {worker.pid}.")
    print(f"Safeguard is serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    try:
        Server().run()
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


# ------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safeguard",
        description="Records, statutory timeliness and the Child Protection Report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("import", cmd_import, "Import an exchange-format bundle (folder or .zip).")
    sub.add_argument("path")
    sub.add_argument(
        "--replace",
        action="store_true",
        help="make the database equal to the bundle: remove what it does not hold",
    )
    sub.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    sub = command("export", cmd_export, "Export every record as a bundle (folder or .zip).")
    sub.add_argument("path")
    sub.add_argument(
        "--pseudonymised",
        action="store_true",
        help="the analysts' bundle, as the web offers it: no names, months of birth, "
        "keyed-hash ids",
    )

    sub = command(
        "timeliness",
        cmd_timeliness,
        "Show a child's conferences with their due dates and verdicts.",
    )
    sub.add_argument("child_id", nargs="?")
    sub.add_argument(
        "--recompute",
        action="store_true",
        help="recompute every verdict (after changing the rule set or holidays)",
    )

    sub = command("due", cmd_due, "List reviews and checks falling due, then everything overdue.")
    sub.add_argument("--within", type=int, default=28, metavar="DAYS")
    sub.add_argument(
        "--as-of", type=date_argument, metavar="DATE", help="count from DATE, not today"
    )
    sub.add_argument("--chair", help="only plans whose latest conference this chair held")
    sub.add_argument(
        "--format",
        choices=["text", "csv"],
        default="text",
        help="csv: due_date,kind,child_id,reference,status, oldest first",
    )

    sub = command("report", cmd_report, "Produce the Child Protection Report.")
    sub.add_argument("--from", dest="start", type=date_argument, metavar="DATE")
    sub.add_argument("--to", dest="end", type=date_argument, metavar="DATE")
    sub.add_argument("--format", choices=["html", "pdf", "docx", "xlsx", "json"], default="json")
    sub.add_argument("-o", "--output", metavar="FILE")
    sub.add_argument("--count-by", choices=["child", "meeting"], default="child")
    sub.add_argument("--include-informal", action="store_true")
    sub.add_argument(
        "--audience",
        choices=["internal", "members"],
        default="internal",
        help="members: no child or conference id and no reason typed (for elected members, "
        "partners and analysts); internal (the default): the unit's own copy",
    )
    sub.add_argument(
        "--template",
        metavar="DOCX",
        help="with --format docx: fill the authority's own Word template (docxtpl)",
    )
    sub.add_argument(
        "--issue",
        action="store_true",
        help="issue the report as an edition: store its figures, data version and every file "
        "(both audiences); prints the edition's id as the last word",
    )
    sub.add_argument(
        "--changes-since",
        metavar="EDITION",
        help="list each figure the records now give differently from this edition "
        "(path: issued -> now) and the records changed since it was issued",
    )
    sub.add_argument("--editions", action="store_true", help="list the editions issued")

    sub = command(
        "demo",
        cmd_demo,
        "Load the demo authority (no real people) into an empty database, or one the demo "
        "loaded before; any other database is refused untouched.",
    )
    sub.add_argument("--seed", type=int, default=2022)
    sub.add_argument(
        "--as-of",
        type=date_argument,
        metavar="DATE",
        help="continue the authority's records to this day instead of today",
    )
    sub.add_argument(
        "--as-of-2022",
        action="store_true",
        help="the authority as the seed report saw it, frozen on 30 September 2022",
    )

    sub = command("serve", cmd_serve, "Serve the web application.")
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8000)
    sub.add_argument("--workers", type=int, default=2)
    sub.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not start the task worker that sends alerts and issues report editions (run "
        "`safeguard worker` yourself)",
    )

    for register in _extensions():
        register(commands, command)
    return parser


EXTENSIONS = (
    "safeguard.accounts.commands",
    "safeguard.audit.commands",
    "safeguard.census.commands",
    "safeguard.ssd.commands",
    "safeguard.demo.commands",
    "safeguard.notifications.commands",
    "safeguard.escalations.commands",
    "safeguard.operations.commands",
)


def _extensions() -> list[Callable]:
    """Subcommands that other apps contribute (users, audit, census, digests, backups...)."""
    return [importlib.import_module(name).register for name in EXTENSIONS]


def main(argv: Sequence[str] | None = None) -> int:
    """The command. Without `argv` it is the process's own (the `safeguard` program), which
    starts with the cycle collector paused: see _startup_without_collections."""
    from django.core.exceptions import ImproperlyConfigured

    own_process = argv is None
    if own_process:
        gc.disable()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _setup()
        if own_process:
            _startup_without_collections()
        return args.handler(args)
    except UserError as error:
        print(f"safeguard: {error}", file=sys.stderr)
        return 1
    except ImproperlyConfigured as error:  # the settings refuse to start: say why, plainly
        print(f"safeguard: the settings are not usable: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("safeguard: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except Exception:  # the last resort: a sentence for the person, the trace for the log
        _write_trace()
        print(
            f"safeguard: the {args.command} command failed unexpectedly; the details are in "
            f"{_trace_path()}. Nothing half-written was kept",
            file=sys.stderr,
        )
        return 2


def _startup_without_collections() -> None:
    """Start-up (Python, Django, every app's models and the settings) makes a few hundred
    thousand objects that live as long as the process. With the cycle collector running it
    walks them again and again while they are made, and again in every full collection after:
    about a fifth of the CPU of a large authority's `safeguard report --format json`. So the
    collector is paused until Django is set up, and what start-up made is then frozen (left out
    of every later collection; gc.freeze) before it runs again for what the command makes."""
    gc.freeze()
    gc.enable()


def _trace_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "safeguard-errors.log"


def _write_trace() -> None:
    import traceback

    try:
        path = _trace_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat()}\n{traceback.format_exc()}\n")
    except Exception:  # noqa: S110 - the log is best effort; the message still goes out
        pass


if __name__ == "__main__":
    # `python -m safeguard.cli`: run the imported module's main, not this __main__ copy, so that
    # the UserError the subcommands raise (from safeguard.console) is the one caught.
    from safeguard.cli import main as cli_main

    sys.exit(cli_main())
