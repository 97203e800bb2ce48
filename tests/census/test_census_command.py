"""`safeguard cin-census import`, run as a person runs it (a process of its own): it imports the
example return, a second run changes nothing, and a missing file is one plain line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.census.standards import *  # noqa: F403


@pytest.mark.slow
def test_the_command_imports_a_return_and_a_second_run_changes_nothing(example_census, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeguard.config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'census.sqlite3'}",
        "SAFEGUARD_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "safeguard.cli", "cin-census", "import"]
    first = subprocess.run(
        [*command, str(example_census)], env=env, capture_output=True, text=True, check=False
    )
    assert first.returncode == 0, first.stderr
    assert "Imported" in first.stdout and "children" in first.stdout
    again = subprocess.run(
        [*command, str(example_census)], env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    # Everything already held: nothing added or changed the second time.
    counts = [line.split() for line in again.stdout.splitlines()[1:]]
    assert counts and all(row[-6] == "0" and row[-4] == "0" for row in counts), again.stdout

    missing = subprocess.run(
        [*command, str(tmp_path / "absent.xml")], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().endswith("absent.xml: no such file")
    assert "Traceback" not in missing.stderr
