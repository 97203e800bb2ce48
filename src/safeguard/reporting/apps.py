import os
import sys
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class ReportingConfig(AppConfig):
    name = "safeguard.reporting"
    label = "reporting"

    def ready(self) -> None:
        matplotlib_folders_writable(Path(settings.DATA_DIR) / "matplotlib")


def matplotlib_folders_writable(fallback: Path) -> None:
    """Point matplotlib (the report's charts) at `fallback` (MPLCONFIGDIR) when it could not
    write its own folders: its configuration folder (~/.config/matplotlib) and its cache
    (~/.cache/matplotlib), where it keeps the list of the machine's fonts. Without a writable
    cache it makes a new temporary folder in every process, warns, and builds the font list
    again each time; the fallback is the same folder in every process, so the list is built
    once. matplotlib reads MPLCONFIGDIR when it is first imported, which is after Django is
    set up (charts are drawn on demand)."""
    try:
        home = Path.home()
    except RuntimeError:  # no home folder at all
        home = Path("/nonexistent")
    if os.environ.get("MPLCONFIGDIR"):
        folders = [Path(os.environ["MPLCONFIGDIR"])]
    elif sys.platform.startswith(("linux", "freebsd")):
        folders = [
            Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib",
            Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib",
        ]
    else:
        folders = [home / ".matplotlib"]
    if not all(_writable_folder(folder) for folder in folders) and _writable_folder(fallback):
        os.environ["MPLCONFIGDIR"] = str(fallback)


def _writable_folder(folder: Path) -> bool:
    """Whether `folder` is (or could be made) a folder this process can write in; matplotlib
    makes its folders itself, as this does."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK)
