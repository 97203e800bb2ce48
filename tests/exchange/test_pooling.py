"""Pooling authorities: a region (or England) is loaded one authority's bundle at a time, and
each import reads only the records its bundle names, never the whole database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguard.cases.models import Child
from safeguard.conferences.models import Conference
from safeguard.demo.synthetic import write_synthetic_bundle
from safeguard.exchange.importer import bundle_import

pytestmark = pytest.mark.django_db(transaction=True)


def _authority(tmp_path, prefix: str, seed: int):
    folder = tmp_path / prefix
    counts = write_synthetic_bundle(folder, children=40, years=3, seed=seed, id_prefix=prefix)
    return folder, counts


def test_two_authorities_pool_and_each_reimports_unchanged(tmp_path):
    north, north_counts = _authority(tmp_path, "N-", 1)
    south, south_counts = _authority(tmp_path, "S-", 2)

    assert bundle_import(path=north, by=None).ok
    assert bundle_import(path=south, by=None).ok

    assert Child.objects.count() == north_counts["children.csv"] + south_counts["children.csv"]
    assert (
        Conference.objects.filter(child__child_id__startswith="S-").count()
        == (south_counts["conferences.csv"])
    )
    again = bundle_import(path=north, by=None)
    assert again.ok and not again.changed_anything
    assert again.files["children.csv"].unchanged == north_counts["children.csv"]


def test_an_import_into_a_large_pool_reads_only_the_records_its_bundle_names(tmp_path):
    # a database much bigger than the bundle: its tables are read by the bundle's names only
    for index in range(1, 4):
        folder, _ = _authority(tmp_path, f"N{index}-", index)
        assert bundle_import(path=folder, by=None).ok
    south = tmp_path / "S-"
    write_synthetic_bundle(south, children=8, years=3, seed=9, id_prefix="S-")

    with CaptureQueriesContext(connection) as queries:
        assert bundle_import(path=south, by=None).ok

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    # counting a table and the installation's one row of settings aside, every read is filtered
    unfiltered = [
        sql
        for sql in reads
        if " WHERE " not in sql and "LIMIT 1" not in sql and "COUNT(*)" not in sql
    ]
    assert unfiltered == []
    # and nothing the south bundle reads names a northern record
    assert not any("'N" in sql for sql in reads)


@pytest.mark.postgresql
def test_a_large_import_leaves_the_planner_statistics_of_what_it_wrote(tmp_path, monkeypatch):
    from safeguard.exchange import importer

    monkeypatch.setattr(importer, "STATISTICS_AFTER_ROWS", 1)  # these bundles are small
    north, counts = _authority(tmp_path, "N-", 1)
    assert bundle_import(path=north, by=None).ok

    def rows_known_to_planner(table: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]

    assert rows_known_to_planner("cases_child") == counts["children.csv"]
    assert rows_known_to_planner("conferences_conference") == counts["conferences.csv"]
