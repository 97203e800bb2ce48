"""Reading a census file in a process of its own, begun before Django starts (as the command
line does), gives exactly what reading it in place gives: the records, and every fault. A large
file is read in two shares, one per process; whatever is in it, the outcome is the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import safeguard.exchange.census_file as census_file
from bench.census_file import write_census_file
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


@pytest.fixture
def two_share_file(tmp_path, monkeypatch) -> Path:
    """A 600-child return (about 750 KB), read in two shares: the size from which files are
    shared is lowered so that a small file takes that path."""
    path = tmp_path / "census.xml"
    write_census_file(path, children=600, seed=11)
    monkeypatch.setattr(census_file, "SPLIT_FROM_BYTES", 100_000)
    assert census_file._split_at(path) is not None
    return path


def _edit(path: Path, old: bytes, new: bytes, *, last: bool) -> None:
    """Replace the first (or last) `old` in the file."""
    data = path.read_bytes()
    at = data.rfind(old) if last else data.find(old)
    assert at >= 0
    path.write_bytes(data[:at] + new + data[at + len(old) :])


def test_a_large_clean_file_read_in_two_shares_is_the_file_read_whole(two_share_file):
    whole = census_read(two_share_file)
    assert not whole.problems and whole.children == 600
    assert census_read_begun(two_share_file)() == whole


@pytest.mark.parametrize("last", [False, True], ids=["first share", "second share"])
def test_a_fault_in_either_share_is_reported_as_one_read_reports_it(two_share_file, last):
    _edit(two_share_file, b"<Sex>", b"<Sex>X", last=last)  # not M, F or U
    whole = census_read(two_share_file)
    assert whole.problems
    assert census_read_begun(two_share_file)() == whole


def test_a_child_in_both_shares_is_named_as_one_read_names_it(two_share_file):
    first_id = two_share_file.read_bytes().split(b"<LAchildID>")[1].split(b"<")[0]
    data = two_share_file.read_bytes()
    last_id = data[data.rfind(b"<LAchildID>") + len(b"<LAchildID>") :].split(b"<")[0]
    _edit(two_share_file, b"<LAchildID>" + last_id, b"<LAchildID>" + first_id, last=True)
    whole = census_read(two_share_file)
    assert [p.column for p in whole.problems] == ["LAchildID"]
    assert census_read_begun(two_share_file)() == whole


def test_a_child_tag_in_a_comment_where_the_file_is_shared_changes_nothing(two_share_file):
    split = census_file._split_at(two_share_file)
    data = two_share_file.read_bytes()
    # A comment holding a <Child> start tag just before the one the file would be shared at.
    two_share_file.write_bytes(data[:split] + b"<!-- <Child> -->" + data[split:])
    whole = census_read(two_share_file)
    assert not whole.problems
    assert census_read_begun(two_share_file)() == whole


def test_warnings_in_the_second_share_keep_the_files_own_lines(two_share_file):
    data = two_share_file.read_bytes()
    review = data.rfind(b"<CPPreviewDate>")
    end = data.index(b"</CPPreviewDate>", review) + len(b"</CPPreviewDate>")
    two_share_file.write_bytes(data[:end] + data[review:end] + data[end:])  # the review twice
    whole = census_read(two_share_file)
    assert not whole.problems and len(whole.warnings) == 1
    assert census_read_begun(two_share_file)() == whole
