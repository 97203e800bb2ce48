"""Reading a census file in a process of its own, begun before Django starts (as the command
line does), gives exactly what reading it in place gives: the records, and every fault."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safeguard.exchange.census_file import CensusError, census_read, census_read_begun
from tests.census.standards import *  # noqa: F403


def test_the_example_reads_the_same_in_a_process_of_its_own(example_census):
    in_place = census_read(example_census)
    begun = census_read_begun(example_census)()
    assert not begun.problems
    assert begun == in_place
    assert begun.children == in_place.children > 0


def test_the_faulty_sample_is_refused_the_same_in_a_process_of_its_own(faulty_census):
    begun = census_read_begun(faulty_census)()
    assert begun.problems == census_read(faulty_census).problems != []


def test_a_missing_file_is_the_same_plain_error(tmp_path):
    wait = census_read_begun(tmp_path / "absent.xml")
    with pytest.raises(CensusError, match=r"absent\.xml: no such file"):
        wait()


@pytest.mark.slow
def test_the_command_imports_with_the_file_read_alongside_start_up(example_census, tmp_path):
    """In a fresh process Django is not yet set up, so the command reads the file in a forked
    process while it starts: the import must come out as the in-process one does."""
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


def test_the_reader_module_does_not_start_django():
    """The reader runs before Django is set up; importing it must not need Django."""
    code = (
        "import sys; import safeguard.exchange.census_file; "
        "print('django.apps' in sys.modules or 'django.db' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert result.stdout.strip() == "False"
