"""Importing a DfE children in need (CIN) census file: `census_import`.

The file is read and checked whole (safeguard.census.reader) before anything is written. Every
module is kept: children (with their disability), section 47 enquiries (as the records'
enquiries) and their initial conferences, initial conferences recorded on the episode, plans
and review conferences through the exchange format's records; UPNs, dates of death, disability
codes, CIN episodes, assessments and CIN plan dates as the census app's own records
(docs/cin-census.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.exchange.importer import FileCounts, ImportResult, bundle_apply
from safeguard.exchange.reader import Problem

from .reader import CensusFile, census_read, cycle_collection_paused
from .services import census_records_write
from .settling import settle

ID_PREFIX = "CIN"


@dataclass
class CensusImportResult:
    result: ImportResult
    census: CensusFile

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def problems(self) -> list[Problem]:
        return self.result.problems


class _RollBack(Exception):
    pass


FILE_LABELS = {
    "children.csv": "children",
    "cp_plans.csv": "plans",
    "conferences.csv": "conferences",
}


def census_import(*, path: Path, by: User | None, dry_run: bool = False) -> CensusImportResult:
    """Check the census file whole; if it is clean, write its child protection records.

    Records are matched by child and date (a plan by its start, a conference by its type and
    date): new ones are added, differing ones changed, equal ones left alone, and records the
    file does not mention are kept. Fields the census does not carry keep their recorded values."""
    with cycle_collection_paused():
        return _census_import(path=path, by=by, dry_run=dry_run)


def _census_import(*, path: Path, by: User | None, dry_run: bool) -> CensusImportResult:
    census = census_read(path)
    if census.problems:
        return CensusImportResult(
            ImportResult(problems=list(census.problems), warnings=census.warnings), census
        )
    result = ImportResult(warnings=list(census.warnings), dry_run=dry_run)
    try:
        with transaction.atomic():
            bundle = settle(census.sourced, prefix=ID_PREFIX, source_name=census.name)
            bundle.warnings.extend(census.warnings)
            result = bundle_apply(bundle=bundle, source_name=census.name, by=by)
            result.dry_run = dry_run
            if not result.ok:
                raise _RollBack
            result.files = {
                FILE_LABELS[name]: counts
                for name, counts in result.files.items()
                if name in FILE_LABELS
            }
            extras, problems = census_records_write(
                episodes=census.episodes,
                enquiries=census.enquiries,
                previous_plans=census.previous_plans,
                child_details=census.child_details,
                assessments=census.assessments,
                cin_plans=census.cin_plans,
                source_name=census.name,
                enquiry_lines=census.enquiry_lines,
            )
            if problems:
                result.problems.extend(problems)
                raise _RollBack
            for name, counts in extras.items():
                result.files[name] = FileCounts(
                    counts.added, counts.changed, counts.unchanged, counts.removed
                )
            audit_record(
                actor=by,
                action=AuditAction.IMPORT,
                record_type="cin_census",
                record_id=census.name[:100],
                summary="; ".join(
                    f"{name}: {c.added} added, {c.changed} changed, {c.unchanged} unchanged"
                    for name, c in extras.items()
                )[:500],
            )
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return CensusImportResult(result, census)
