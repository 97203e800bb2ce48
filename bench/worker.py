"""One measurement, run in its own process so that its peak memory is its own.

`python -m bench.worker STEP --bundle DIR [--end DATE] [--repeat N]`, with DATABASE_URL naming
the database and DJANGO_SETTINGS_MODULE=bench.settings. Prints one line `BENCH-RESULT {json}`.

Steps: synth, import, reimport, timeliness, report, pages, ssd, census. Each (except synth) migrates
first, outside the timing."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

RESULT_PREFIX = "BENCH-RESULT "
# Runs of each whole `safeguard report --format json` (the median is shown)
COMMAND_REPEAT = 5


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def step_synth(args: argparse.Namespace) -> dict:
    from safeguard.demo.synthetic import write_synthetic_bundle

    started = time.perf_counter()
    counts: dict[str, int] = {}
    # England is many authorities pooled: one bundle each, with their own ids, imported in turn.
    for index, (folder, children) in enumerate(_authorities(args), start=1):
        prefix = f"A{index:03d}-" if args.authorities > 1 else ""
        written = write_synthetic_bundle(
            folder,
            children=children,
            years=args.years,
            seed=args.seed + index - 1,
            end_on=args.end,
            id_prefix=prefix,
        )
        for name, count in written.items():
            counts[name] = counts.get(name, 0) + count
    return {"seconds": time.perf_counter() - started, "rows": sum(counts.values()), "files": counts}


def _authorities(args: argparse.Namespace) -> list[tuple[Path, int]]:
    """The bundle folder of each authority and its number of children."""
    if args.authorities <= 1:
        return [(Path(args.bundle), args.children)]
    share, extra = divmod(args.children, args.authorities)
    return [
        (Path(args.bundle) / f"authority-{index:03d}", share + (1 if index <= extra else 0))
        for index in range(1, args.authorities + 1)
    ]


def _import(args: argparse.Namespace) -> dict:
    _setup()
    from safeguard.exchange.importer import bundle_import

    started, cpu = time.perf_counter(), _cpu_seconds()
    rows, changed, files = 0, False, {}
    for folder, _ in _authorities(args):
        result = bundle_import(path=folder, by=None)
        if not result.ok:
            raise SystemExit(
                f"{folder.name} did not import: " + "; ".join(map(str, result.problems[:5]))
            )
        rows += result.rows
        changed = changed or result.changed_anything
        for name, c in result.files.items():
            total = files.setdefault(name, [0, 0, 0])
            for i, value in enumerate((c.added, c.changed, c.unchanged)):
                total[i] += value
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "seconds": seconds,
        "rows": rows,
        "rows_per_second": rows / seconds,
        # On a shared machine the wall time waits for the CPU; the CPU time does not.
        "cpu_seconds": cpu,
        "changed_anything": changed,
        "files": files,
        "authorities": max(1, args.authorities),
    }


def step_import(args: argparse.Namespace) -> dict:
    return _import(args)


def step_reimport(args: argparse.Namespace) -> dict:
    return _import(args)


def step_timeliness(args: argparse.Namespace) -> dict:
    _setup()
    from safeguard.conferences.models import Conference
    from safeguard.conferences.timeliness import installation_rule_set, timeliness_refresh

    # Force every verdict to be rewritten: a stored reason that differs from the computed one.
    Conference.objects.update(verdict_reason="")
    _ = installation_rule_set().calendar  # built once per process (0.3 s): not part of a recompute
    started, cpu = time.perf_counter(), _cpu_seconds()
    rewritten = timeliness_refresh(child_pks=None)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    conferences = Conference.objects.count()
    started = time.perf_counter()
    unchanged = timeliness_refresh(child_pks=None)
    return {
        "seconds": seconds,
        "conferences": conferences,
        "rewritten": rewritten,
        "seconds_per_100k": seconds / max(1, conferences) * 100_000,
        "cpu_seconds": cpu,
        "unchanged_seconds": time.perf_counter() - started,
        "unchanged_rewritten": unchanged,
    }


def _period(end_on: dt.date):
    from safeguard.domain.periods import latest_completed_half_year

    return latest_completed_half_year(end_on + dt.timedelta(days=1))


def step_report(args: argparse.Namespace) -> dict:
    _setup()
    from django.conf import settings

    from safeguard.domain.report_json import report_to_json
    from safeguard.reporting.renderers import ReportFormat, render
    from safeguard.reporting.selectors import report_build

    period = _period(args.end)

    def build():
        return report_build(period=period, generated_on=args.end)

    timings: dict[str, list[float]] = {"build": [], "json": [], "pdf": [], "docx": [], "cpu": []}
    report = build()  # warm: imports, the calendar, matplotlib's fonts
    render(report, ReportFormat.pdf, authority=settings.AUTHORITY_NAME)
    for fmt, repeat in (("json", 3), ("pdf", 1), ("docx", 1)):
        for _ in range(repeat):
            started, cpu = time.perf_counter(), _cpu_seconds()
            report = build()
            built = time.perf_counter()
            render(report, ReportFormat(fmt), authority=settings.AUTHORITY_NAME)
            timings[fmt].append(time.perf_counter() - started)
            timings["build"].append(built - started)
            if fmt == "json":
                timings["cpu"].append(_cpu_seconds() - cpu)
    figures = report_to_json(report)
    # Issue 20's targets are for the whole command as a person runs it: interpreter, Django,
    # the queries, the figures and the file (JSON under 1 s, PDF under 10 s, a large authority).
    from django.db import connections

    connections.close_all()
    dates = ["--from", period.start_on.isoformat(), "--to", period.end_on.isoformat()]
    commands: dict[str, list[dict]] = {"json": [], "pdf": []}
    with tempfile.TemporaryDirectory() as scratch:
        for fmt, repeat in (("json", COMMAND_REPEAT), ("pdf", 1)):
            output = str(Path(scratch) / f"report.{fmt}")
            for _ in range(repeat):
                commands[fmt].append(
                    _command_timed(["report", "--format", fmt, *dates, "--output", output])
                )
    return {
        "json_command_seconds": statistics.median(c["seconds"] for c in commands["json"]),
        "json_command_cpu_seconds": statistics.median(c["cpu_seconds"] for c in commands["json"]),
        "json_command_all_seconds": [c["seconds"] for c in commands["json"]],
        "pdf_command_seconds": commands["pdf"][0]["seconds"],
        "pdf_command_cpu_seconds": commands["pdf"][0]["cpu_seconds"],
        "period": [period.start_on.isoformat(), period.end_on.isoformat()],
        "build_seconds": statistics.median(timings["build"]),
        "json_seconds": statistics.median(timings["json"]),
        "json_cpu_seconds": statistics.median(timings["cpu"]),
        "pdf_seconds": statistics.median(timings["pdf"]),
        "docx_seconds": statistics.median(timings["docx"]),
        "on_plan_at_period_end": figures["cp_population"]["at_period_end"],
        "held_in_period": figures["timeliness"]["period"]["held"],
    }


# The pages a person opens every day (issue 23: each under 200 ms at the 95th percentile for a
# large authority), by the name the table shows: (the role that opens it, its address). `None` in
# an address is filled with the busiest child's id or meeting's reference.
PAGES: dict[str, tuple[str, str]] = {
    "home, service manager": ("manager", "/"),
    "home, chair": ("chair", "/"),
    "home, business support": ("business_support", "/"),
    "home, liaison officer": ("liaison_officer", "/"),
    "home, analyst": ("analyst", "/"),
    "home, auditor": ("auditor", "/"),
    "worklist, 4 weeks": ("manager", "/worklist/"),
    "worklist, 12 weeks by child": ("manager", "/worklist/?show=reviews-due&weeks=12&sort=child"),
    "worklist CSV, 12 weeks": ("manager", "/worklist.csv?weeks=12"),
    "diary": ("manager", "/diary/"),
    "child": ("manager", "/children/{child}/"),
    "meeting": ("manager", "/meetings/{meeting}/"),
    "escalations log": ("manager", "/escalations/"),
    "reports overdue": ("manager", "/reports-overdue/"),
    "report page": ("manager", "/reports/"),
    "editions list": ("manager", "/reports/editions/"),
}


def _signed_in_client(role: str):
    """A client signed in (with its second factor) as a benchmark user of `role`, who sees every
    area; the chair is the busiest chair of the records, the liaison officer covers everything."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.models import User

    user, _ = User.objects.get_or_create(
        username=f"bench-{role}", defaults={"role": role, "all_areas": True}
    )
    if role == "chair":
        from django.db.models import Count

        from safeguard.conferences.models import Chair

        chair = Chair.objects.annotate(n=Count("conference")).order_by("-n", "name").first()
        if chair is not None and chair.user_id is None:
            chair.user = user
            chair.save(update_fields=["user"])
    elif role == "liaison_officer":
        from safeguard.cases.models import Area
        from safeguard.escalations.models import OrganisationType, SeniorLiaisonOfficer

        officer, created = SeniorLiaisonOfficer.objects.get_or_create(
            name="Bench liaison officer",
            defaults={"email": "bench@example.org", "covers_unassigned_areas": True, "user": user},
        )
        if created:
            officer.organisation_types.set(OrganisationType.objects.all())
            officer.areas.set(Area.objects.all())
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def step_pages(args: argparse.Namespace) -> dict:
    _setup()
    from django.db.models import Count

    from safeguard.cases.models import Child
    from safeguard.conferences.models import Meeting

    busiest = Child.objects.annotate(n=Count("conferences")).order_by("-n", "child_id").first()
    meeting = Meeting.objects.annotate(n=Count("conferences")).order_by("-n", "reference").first()
    samples = {
        "child": busiest.child_id if busiest else None,
        "meeting": meeting.reference if meeting else None,
    }
    clients: dict[str, object] = {}
    result: dict[str, dict] = {}
    for name, (role, address) in PAGES.items():
        needed = [key for key in samples if "{" + key + "}" in address]
        if any(samples[key] is None for key in needed):
            result[name] = {"status": None}
            continue
        url = address.format(**{key: samples[key] for key in needed})
        client = clients.get(role) or clients.setdefault(role, _signed_in_client(role))
        # The first request is kept apart: it loads templates and the calendar and, for the
        # report page, builds the report that later visits read from the cache (decision 0008).
        started = time.perf_counter()
        first = client.get(url)
        first_seconds = time.perf_counter() - started
        if first.status_code != 200:
            result[name] = {"status": first.status_code, "url": url}
            continue
        timings, cpu_timings = [], []
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), _cpu_seconds()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            # the request's own CPU (with SQLite's work, not PostgreSQL's): on a shared machine
            # the wall time also counts the waits for a core
            cpu_timings.append(_cpu_seconds() - cpu)
            assert response.status_code == 200, (url, response.status_code)
        result[name] = {
            "status": 200,
            "url": url,
            "median": statistics.median(timings),
            "p95": _percentile(timings, 0.95),
            "cpu_p95": _percentile(cpu_timings, 0.95),
            "requests": len(timings),
            "first": first_seconds,
        }
    return {"pages": result}


def step_census(args: argparse.Namespace) -> dict:
    """`safeguard cin-census import` of a 16,000-child census return into an empty database,
    timed whole as a person runs it (issue 8): its own process's wall time, CPU time and peak
    memory. The file (`--bundle`) is written on first use and shared by the run's columns."""
    import subprocess
    import sys

    from bench.census_file import CENSUS_CHILDREN, write_census_file

    path = Path(args.bundle)
    if not path.exists():
        write_census_file(path, children=CENSUS_CHILDREN, seed=args.seed)
    _setup()  # migrate outside the timing, as the other steps do
    from django.db import connections

    connections.close_all()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "safeguard.cli", "cin-census", "import", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise SystemExit("the census file did not import: " + process.stderr[-500:])
    from safeguard.cases.models import Child

    return {
        "seconds": seconds,
        "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "command_peak_rss_mib": after.ru_maxrss / 1024,  # the command's own process
        "children": Child.objects.count(),
        "file_mib": path.stat().st_size / 2**20,
        "output": process.stdout.strip().splitlines()[-6:],
    }


def _command_timed(arguments: list[str]) -> dict:
    """One `safeguard` command, timed whole as a person runs it: its process's wall time."""
    import subprocess
    import sys

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "safeguard.cli", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise SystemExit(f"safeguard {' '.join(arguments)} failed: " + process.stderr[-500:])
    return {
        "seconds": seconds,
        # on a shared machine the wall time waits for the CPU; the CPU time does not
        "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "output": process.stdout.strip().splitlines()[-3:],
    }


def _change_one_percent(folder: Path) -> int:
    """Give 1% of the extract's children a new forename (the case management system corrected
    them): each changed child is merged and written again."""
    path = folder / "ssd_person.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    step = 100
    changed = 0
    for index in range(1, len(lines), step):
        cells = lines[index].split(",")
        cells[3] = (cells[3] or "Name") + "x"  # pers_forename, the 4th column of the writer's
        lines[index] = ",".join(cells)
        changed += 1
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return changed


def step_ssd(args: argparse.Namespace) -> dict:
    """The SSD feed (issue 21) into the authority its bundle loaded: the first sync, then the
    whole process of `ssd import` and `ssd sync` of the unchanged extract (under 3 s for a large
    authority), then of the extract with 1% of its children changed (under 5 s)."""
    import shutil

    from safeguard.demo.ssd_extract import write_ssd_extract

    _setup()  # migrate outside the timing, as the other steps do
    from django.db import connections

    connections.close_all()
    with tempfile.TemporaryDirectory() as scratch:
        extract = Path(scratch) / "ssd"
        rows = write_ssd_extract(Path(args.bundle), extract)
        first = _command_timed(["ssd", "import", str(extract)])
        unchanged_import = _command_timed(["ssd", "import", str(extract)])
        unchanged_sync = _command_timed(["ssd", "sync", "--folder", str(extract)])
        changed_children = _change_one_percent(extract)
        changed_sync = _command_timed(["ssd", "sync", "--folder", str(extract)])
        shutil.rmtree(extract, ignore_errors=True)
    return {
        "seconds": first["seconds"],
        "rows": sum(rows.values()),
        "first_sync_seconds": first["seconds"],
        "first_sync_cpu_seconds": first["cpu_seconds"],
        "unchanged_import_seconds": unchanged_import["seconds"],
        "unchanged_import_cpu_seconds": unchanged_import["cpu_seconds"],
        "unchanged_sync_seconds": unchanged_sync["seconds"],
        "unchanged_sync_cpu_seconds": unchanged_sync["cpu_seconds"],
        "changed_children": changed_children,
        "changed_sync_seconds": changed_sync["seconds"],
        "changed_sync_cpu_seconds": changed_sync["cpu_seconds"],
        "changed_output": changed_sync["output"],
    }


STEPS = {
    "synth": step_synth,
    "ssd": step_ssd,
    "census": step_census,
    "import": step_import,
    "reimport": step_reimport,
    "timeliness": step_timeliness,
    "report": step_report,
    "pages": step_pages,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--children", type=int, default=0)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(2025, 3, 31))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--authorities", type=int, default=1)
    args = parser.parse_args()
    result = STEPS[args.step](args)
    result["peak_rss_mib"] = _peak_rss_mib()
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
