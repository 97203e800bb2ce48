import os
import tempfile

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "safeguard.reporting"
    label = "reporting"

    def ready(self) -> None:
        _matplotlib_config_writable()


def _matplotlib_config_writable() -> None:
    """Give matplotlib (the report's charts) a writable folder for its font cache when the
    user's own is not (a service account without a home): it reads MPLCONFIGDIR when it is
    first imported, which is after Django is set up (charts are drawn on demand)."""
    folder = os.environ.get("MPLCONFIGDIR", os.path.expanduser("~/.config/matplotlib"))
    if not os.access(folder, os.W_OK):
        os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="safeguard-mpl-")
