"""`demo_load`: the demo authority goes only into a database that holds nothing else.

A *record* here is a row of any table of Safeguard's own apps (children, plans, conferences,
chairs, areas, escalations, checks, census details, user accounts and their liaison covers, the
audit trail...), except the data-version bookkeeping (a fresh database has one slot) and the
demo's own marker. A database with no record is fresh; one holding the marker was populated by
the demo and may take it again; any other database is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from .authority import write_demo_bundle
from .models import DemoLoad

# Tables that hold no record of anybody: bookkeeping that migrations fill, and the marker.
NOT_RECORDS = ("data_version", "demo")
# The audit chain's head only says where the trail ends; its entries are records.
NOT_RECORD_MODELS = ("audit.AuditChainHead",)


class DemoRefused(Exception):
    """The database holds records the demo did not create; its message says which."""


@dataclass
class DemoLoaded:
    files: dict[str, int]
    lines: list[str] = field(default_factory=list)  # sign-in details etc., printed once


def _record_models() -> list[type[Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("safeguard.") and config.label not in NOT_RECORDS
        for model in config.get_models(include_auto_created=True)
        if model._meta.label not in NOT_RECORD_MODELS
    ]


def records_present() -> dict[str, int]:
    """The number of records per kind (a model's plural name), kinds with none left out."""
    counts: dict[str, int] = {}
    for model in _record_models():
        count = model._base_manager.count()
        if count:
            meta = model._meta
            if meta.label == settings.AUTH_USER_MODEL:
                name = "user account" if count == 1 else "user accounts"
            else:
                name = str(meta.verbose_name if count == 1 else meta.verbose_name_plural)
            counts[name] = counts.get(name, 0) + count
    return counts


def demo_load_allowed() -> None:
    """Refuse (DemoRefused) unless the demo may load into this database. Writes nothing."""
    if not getattr(settings, "SAFEGUARD_DEMO_ALLOWED", True):
        raise DemoRefused(
            "refusing to load the demo: these settings do not allow the demo "
            "(SAFEGUARD_DEMO_ALLOWED is off, as under the production settings). Nothing was changed."
        )
    if DemoLoad.objects.exists():
        return
    found = records_present()
    if found:
        listed = ", ".join(f"{count:,} {name}" for name, count in sorted(found.items()))
        raise DemoRefused(
            "refusing to load the demo: this database holds records not loaded by safeguard demo "
            f"({listed}). Nothing was changed. Load the demo into an empty database, for "
            "example another SAFEGUARD_DATA_DIR or DATABASE_URL."
        )


def demo_load(*, seed: int, today: dt.date | None) -> DemoLoaded:
    """Load the demo authority, its sign-in accounts and its liaison officers.

    With `today`, the authority's records are continued to that day (safeguard.demo.living);
    without, they stop on 30 September 2022. Refuses (DemoRefused) before writing anything unless `demo_load_allowed`. The marker is
    written first, so a load that fails part way may be run again."""
    from safeguard.exchange.importer import bundle_import

    from .accounts import demo_accounts_ensure
    from .liaison_officers import demo_liaison_officers_ensure

    with transaction.atomic():
        demo_load_allowed()
        DemoLoad.objects.create(loaded_at=timezone.now(), seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        write_demo_bundle(Path(folder), seed=seed, today=today)
        result = bundle_import(path=Path(folder), by=None, replace=True)
    if not result.ok:
        raise DemoRefused(
            "the demo bundle did not import:\n" + "\n".join(str(p) for p in result.problems)
        )
    files = {
        name: counts.added + counts.changed + counts.unchanged
        for name, counts in result.files.items()
    }
    return DemoLoaded(files=files, lines=demo_accounts_ensure() + demo_liaison_officers_ensure())
