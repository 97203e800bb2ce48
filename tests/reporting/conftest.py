from __future__ import annotations

import pytest

from safeguard.domain.figures import Report, build_report
from tests.factories_report import seed_like_inputs


@pytest.fixture(scope="session")
def report() -> Report:
    return build_report(seed_like_inputs())
