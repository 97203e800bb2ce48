"""The benchmark's synthetic census return (bench/census_file.py) is a valid, importable file."""

from __future__ import annotations

from lxml import etree

from bench.census_file import write_census_file
from safeguard.cases.models import Child, Plan
from safeguard.census.importer import census_import
from safeguard.census.models import CinEpisode
from safeguard.census.reader import SCHEMA_DIR


def test_the_bench_census_file_validates_against_the_2026_schema(tmp_path):
    path = tmp_path / "census.xml"
    write_census_file(path, children=400, seed=7)

    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "CIN_schema_2026.xsd")))
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log
    children = document.getroot().findall("Children/Child")
    assert len(children) == 400
    # Shaped like a real return: every child is in need, a minority is on a plan.
    on_plan = sum(
        1 for child in children if child.find("CINdetails/ChildProtectionPlans") is not None
    )
    assert 0.05 * 400 < on_plan < 0.3 * 400


def test_the_bench_census_file_imports_whole_into_an_empty_database(tmp_path, db):
    path = tmp_path / "census.xml"
    write_census_file(path, children=400, seed=7)

    outcome = census_import(path=path, by=None)

    assert outcome.ok, outcome.problems[:5]
    assert Child.objects.count() == 400
    assert CinEpisode.objects.count() >= 400
    assert Plan.objects.exists()
