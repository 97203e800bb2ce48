"""Fixtures for the DfE and Ofsted files in ../shared/standards, beside the clone (as CI has them).

Use with `from tests.census.standards import *  # noqa: F403`."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CENSUS_DIR = SHARED / "standards" / "cin-census"
ANNEX_A_DIR = SHARED / "standards" / "annex-a"


def shared_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared standards folder sits beside the clone in CI")
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
