"""After the load test: check that every record the people saved is in the database, whole;
print the figures; and write them into docs/operations.md (between the loadtest markers).

    python loadtest/verify.py WRITES TIMINGS SECONDS [--record docs/operations.md]

Exits 1 when a request failed, the 95th percentile of the work (every request but signing
in) is 500 ms or more, or a record is missing or
differs."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
from pathlib import Path

import django

P95_LIMIT_MS = 500
START, END = "<!-- loadtest:start -->", "<!-- loadtest:end -->"


def check_writes(path: Path) -> tuple[dict[str, int], list[str]]:
    from safeguard.conferences.models import Conference
    from safeguard.escalations.models import Escalation

    counts = {"conference": 0, "escalation": 0}
    faults = []
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        entry = json.loads(line)
        counts[entry["kind"]] += 1
        if entry["kind"] == "conference":
            found = list(
                Conference.objects.filter(out_of_timescale_reason=entry["marker"]).select_related(
                    "child", "meeting"
                )
            )
            if len(found) != 1:
                faults.append(f"conference {entry['marker']}: {len(found)} stored, not 1")
                continue
            c = found[0]
            expected = (entry["child_id"], entry["held_on"], entry["meeting"], "review", "plan")
            stored = (
                c.child.child_id,
                c.held_on.isoformat(),
                c.meeting.reference,
                c.kind,
                c.outcome,
            )
            if stored != expected or (entry["chair"] and str(c.chair_id) != entry["chair"]):
                faults.append(f"conference {entry['marker']}: stored {stored}, saved {expected}")
        else:
            e = Escalation.objects.filter(escalation_id=entry["escalation_id"]).first()
            if e is None:
                faults.append(f"escalation {entry['escalation_id']}: missing")
                continue
            stored = (
                e.raised_on.isoformat(),
                e.organisation_name,
                str(e.organisation_type_id),
                e.reason,
            )
            expected = (
                entry["raised_on"],
                entry["organisation_name"],
                entry["organisation_type"],
                entry["reason"],
            )
            if stored != expected:
                faults.append(
                    f"escalation {entry['escalation_id']}: stored {stored}, saved {expected}"
                )
    return counts, faults


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarise(timings: list) -> dict[str, dict]:
    """Count, failures, median, 95th percentile and maximum per request, for the work (every
    request but signing in, whose password hashing is slow on purpose), and for everything."""
    groups: dict[str, list] = {}
    for name, ms, failed in timings:
        groups.setdefault(name, []).append((ms, failed))
        groups.setdefault("work" if "/sign-in" not in name else "signing in", []).append(
            (ms, failed)
        )
        groups.setdefault("everything", []).append((ms, failed))
    return {
        name: {
            "count": len(rows),
            "failures": sum(1 for _, failed in rows if failed),
            "median": _percentile([ms for ms, _ in rows], 0.5),
            "p95": _percentile([ms for ms, _ in rows], 0.95),
            "max": max(ms for ms, _ in rows),
        }
        for name, rows in groups.items()
    }


SUMMARY_ROWS = ("work", "signing in", "everything")


def figures_text(summary: dict, counts: dict, faults: list, seconds: int) -> str:
    lines = [
        f"Last run: {dt.date.today().isoformat()}; {seconds} s; 20 people; gunicorn (2 workers x "
        f"4 threads) and PostgreSQL 15, with locust, on the same {os.cpu_count()}-core machine "
        f"({platform.python_implementation()} {platform.python_version()}); the demo authority.",
        "",
        "| Request | Count | Failures | Median ms | 95th percentile ms | Max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(n for n in summary if n not in SUMMARY_ROWS):
        r = summary[name]
        lines.append(
            f"| `{name}` | {r['count']} | {r['failures']} | {r['median']:.0f} | {r['p95']:.0f} "
            f"| {r['max']:.0f} |"
        )
    for name in SUMMARY_ROWS:
        r = summary.get(name)
        if r:
            lines.append(
                f"| **{name}** | **{r['count']}** | **{r['failures']}** | **{r['median']:.0f}** | "
                f"**{r['p95']:.0f}** | **{r['max']:.0f}** |"
            )
    total = summary["everything"]["count"]
    lines += [
        "",
        f"Throughput {total / seconds:.1f} requests/s. Records saved through the pages during "
        f"the run: {counts['conference']} conferences and {counts['escalation']} escalations; "
        f"afterwards {'every one was' if not faults else 'NOT every one was'} found in the "
        f"database with the values saved ({len(faults)} faults).",
    ]
    return "\n".join(lines)


def record(doc: Path, text: str) -> None:
    content = doc.read_text(encoding="utf-8")
    if START not in content or END not in content:
        print(f"({doc} has no {START} ... {END} markers; figures not recorded)")
        return
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    doc.write_text(pattern.sub(lambda _: f"{START}\n{text}\n{END}", content), encoding="utf-8")
    print(f"Figures written into {doc}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("writes", type=Path)
    parser.add_argument("timings", type=Path)
    parser.add_argument("seconds", type=int)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.config.settings.local")
    django.setup()

    counts, faults = check_writes(args.writes)
    summary = summarise(json.loads(args.timings.read_text(encoding="utf-8")))
    text = figures_text(summary, counts, faults, args.seconds)
    print(text)
    for fault in faults[:20]:
        print("  fault:", fault)
    p95 = summary["work"]["p95"]
    failures = summary["everything"]["failures"]
    ok = not faults and failures == 0 and p95 < P95_LIMIT_MS and sum(counts.values()) > 0
    verdict = (
        f"{'PASS' if ok else 'FAIL'} (failures {failures}, 95th percentile of the work "
        f"{p95:.0f} ms, limit {P95_LIMIT_MS} ms, {len(faults)} record faults)"
    )
    if args.record:  # a full-length run is recorded whatever its verdict
        record(args.record, f"{text}\n\nVerdict: **{verdict}**.")
    print(verdict)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
