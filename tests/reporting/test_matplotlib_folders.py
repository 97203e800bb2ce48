"""matplotlib keeps the list of the machine's fonts in its cache folder; a process that cannot
write there builds the list again (and leaves a temporary folder behind) every time the report
is drawn, so the reporting app gives it a folder of Safeguard's own, the same in every process."""

import os

import pytest

from safeguard.reporting.apps import matplotlib_folders_writable


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLCONFIGDIR", "")  # restored after the test, whatever sets it
    monkeypatch.delenv("MPLCONFIGDIR")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_matplotlib_keeps_its_own_folders_when_it_can_write_them(home):
    matplotlib_folders_writable(home / "data" / "matplotlib")
    assert "MPLCONFIGDIR" not in os.environ
    assert (home / "home" / ".cache" / "matplotlib").is_dir()


def test_an_unwritable_cache_gives_matplotlib_the_same_folder_of_safeguards_every_time(
    home, monkeypatch
):
    (home / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "not-a-folder"))
    fallback = home / "data" / "matplotlib"
    matplotlib_folders_writable(fallback)
    assert os.environ["MPLCONFIGDIR"] == str(fallback)
    assert fallback.is_dir()
    matplotlib_folders_writable(fallback)
    assert os.environ["MPLCONFIGDIR"] == str(fallback)


def test_a_writable_folder_named_by_mplconfigdir_is_kept(home, monkeypatch):
    monkeypatch.setenv("MPLCONFIGDIR", str(home / "mine"))
    matplotlib_folders_writable(home / "data" / "matplotlib")
    assert os.environ["MPLCONFIGDIR"] == str(home / "mine")
