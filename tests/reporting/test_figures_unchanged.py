"""The report's figures, byte for byte, as they were before the renovation of issue 22.

The files in tests/data/report-before were written from the code before the renovation: the demo
authority and three synthetic authorities, each counted per child and per meeting. Moving code
between packages must not move a figure. (To write them again after a deliberate change of a
figure: SAFEGUARD_WRITE_REPORT_BEFORE=1 pytest tests/reporting/test_figures_unchanged.py.)

Issue 20 added the version 2 keys and changed the narrative's wording and the national comparison;
the files were written again then, and every version 1 key was checked to be unchanged. The
version 1 keys are compared first, on their own, so a change to one of them names itself.

Issue 23 gave the demo authority's children their disability and its conferences their quoracy
and parents' attendance (from generators of their own, so no other record moved): the demo's
files were written again, and every version 1 key was checked to be unchanged.

England's data file version 2 (issue 20, item 2) holds DfE's figures for every year from 2013 to
2025: the national comparison rows, their new `not_published` key and the narrative's sentences on
England moved, and the files were written again; every version 1 key was checked to be unchanged."""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import partial
from pathlib import Path

import pytest

from safeguard.demo.authority import write_demo_bundle
from safeguard.demo.synthetic import write_synthetic_bundle
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.exchange.importer import bundle_import
from safeguard.reporting.selectors import report_build
from tests.factories import database_emptied_after_module

BEFORE = Path(__file__).resolve().parents[1] / "data" / "report-before"
WRITE = os.environ.get("SAFEGUARD_WRITE_REPORT_BEFORE") == "1"
GENERATED_ON = dt.date(2025, 10, 1)

# The contract's version 1 keys (report-figures.md, "JSON"), and the version 1 keys of "plans".
VERSION_1_KEYS = (
    "period", "count_by", "cp_population", "unborn_initial_conferences", "conferences_by_month",
    "conferences_cumulative", "timeliness", "escalations_by_organisation", "escalations_total",
    "escalations_by_reason", "escalations_by_month", "participation", "agency_contributions",
    "monitoring_checks", "data_quality",
)  # fmt: skip
VERSION_1_PLAN_KEYS = (
    "started", "second_or_subsequent", "ended", "ended_after_2_years_or_more", "open_by_category",
)  # fmt: skip


def version_1(figures: dict) -> dict:
    return {
        **{key: figures[key] for key in VERSION_1_KEYS},
        "plans": {key: figures["plans"][key] for key in VERSION_1_PLAN_KEYS},
    }


AUTHORITIES = {
    "demo": (
        lambda folder: write_demo_bundle(folder),
        Period(dt.date(2022, 4, 1), dt.date(2022, 9, 30)),
    ),
    **{
        f"synthetic-{seed}": (
            partial(write_synthetic_bundle, children=children, years=years, seed=seed),
            Period(dt.date(2024, 10, 1), dt.date(2025, 3, 31)),
        )
        for seed, children, years in ((1, 300, 3), (2, 600, 5), (3, 150, 10))
    },
}


@pytest.fixture(scope="module", params=sorted(AUTHORITIES))
def authority(request, django_db_setup, django_db_blocker, tmp_path_factory):
    name = request.param
    write, period = AUTHORITIES[name]
    folder = tmp_path_factory.mktemp(name)
    write(folder)
    with django_db_blocker.unblock():
        database_emptied_after_module()
        result = bundle_import(path=folder, by=None)
        assert result.ok, [str(p) for p in result.problems[:5]]
        yield name, period
        database_emptied_after_module()


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("count_by", [CountBy.CHILD, CountBy.MEETING], ids=["child", "meeting"])
def test_the_report_json_is_byte_for_byte_what_it_was_before_the_renovation(authority, count_by):
    name, period = authority
    report = report_to_json(
        report_build(period=period, count_by=count_by, generated_on=GENERATED_ON)
    )
    text = json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path = BEFORE / f"{name}-per-{count_by.value}.json"
    if WRITE:
        BEFORE.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    stored = path.read_text(encoding="utf-8")
    assert version_1(json.loads(stored)) == version_1(report)
    assert stored == text
