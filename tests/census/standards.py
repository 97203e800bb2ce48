"""Fixtures for the DfE and Ofsted sample files, copied into tests/data/standards from the contract.

Use with `from tests.census.standards import *  # noqa: F403`."""

from __future__ import annotations

from pathlib import Path

import pytest

STANDARDS = Path(__file__).resolve().parents[1] / "data" / "standards"
CENSUS_DIR = STANDARDS / "cin-census"
ANNEX_A_DIR = STANDARDS / "annex-a"


def shared_file(folder: Path, name: str) -> Path:
    path = folder / name
    assert path.is_file(), f"{path} is missing from the repository's test data"
    return path


@pytest.fixture
def example_census() -> Path:
    return shared_file(CENSUS_DIR, "CIN_Census_example-2023-24.xml")


@pytest.fixture
def faulty_census() -> Path:
    return shared_file(CENSUS_DIR, "CIN_Census_2024-sample.xml")


@pytest.fixture
def schema_2026() -> Path:
    return shared_file(CENSUS_DIR, "CIN_schema_2026.xsd")


@pytest.fixture
def annex_a_columns() -> Path:
    return shared_file(ANNEX_A_DIR, "annex-a-columns.yml")


@pytest.fixture
def annex_a_sample() -> Path:
    return shared_file(ANNEX_A_DIR, "Annex_A-sample.xlsx")
