"""`safeguard ssd import | sync | reconcile` as a person at a terminal (or the nightly job)
uses them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safeguard.cli import main

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ssd-sample"


def test_a_dry_run_names_the_records_and_writes_nothing_then_the_import_and_an_unchanged_sync(
    capsys, settings
):
    assert main(["ssd", "import", str(SAMPLE), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"conference +408 added +0 changed +0 unchanged +0 withdrawn", out)
    assert "37 conference rows without a date (not held) skipped" in out
    assert "Nothing was written (--dry-run)." in out

    assert main(["ssd", "import", str(SAMPLE)]) == 0
    assert "child: 127 added" in capsys.readouterr().out

    settings.SAFEGUARD_SSD_FOLDER = str(SAMPLE)
    assert main(["ssd", "sync"]) == 0
    assert "the extract is unchanged since the last sync" in capsys.readouterr().out

    assert main(["ssd", "reconcile"]) == 0
    assert "0 differences between the extract and Safeguard." in capsys.readouterr().out


def test_a_sync_without_a_folder_says_which_setting_to_set(capsys, settings):
    settings.SAFEGUARD_SSD_FOLDER = ""
    assert main(["ssd", "sync"]) == 1
    assert "set SAFEGUARD_SSD_FOLDER" in capsys.readouterr().err


def test_an_extract_with_problems_prints_each_and_exits_with_status_1(tmp_path, capsys):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_person_id,pers_dob\n1,2020-02-30\n")
    (folder / "ssd_cp_plans.csv").write_text(
        "cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date\nP1,1,2024-01-01\n"
    )
    assert main(["ssd", "import", str(folder)]) == 1
    err = capsys.readouterr().err
    assert (
        "ssd_person.csv:2: pers_dob: '2020-02-30' is not a date (use YYYY-MM-DD or DD/MM/YYYY, "
        "a time may follow)" in err
    )
    assert "1 problem found; nothing was imported" in err
