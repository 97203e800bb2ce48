"""The PDF's start-up: WeasyPrint opens its C libraries by their file names, without running
ldconfig, gcc and ld some fifty times to look up names that are not Linux's (a third of a
second or more before each PDF command could start typesetting)."""

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(
    """
    import ctypes.util
    import subprocess

    from safeguard.reporting.renderers.pdf import _weasyprint_html

    started = []
    original = subprocess.Popen.__init__

    def recording(self, *args, **kwargs):
        started.append(args[0] if args else kwargs.get("args"))
        original(self, *args, **kwargs)

    subprocess.Popen.__init__ = recording
    search = ctypes.util.find_library
    html = _weasyprint_html()
    assert html.__name__ == "HTML", html
    assert ctypes.util.find_library is search, "the library search is put back"
    assert started == [], started
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the file names are Linux's")
def test_weasyprint_loads_without_running_a_library_search():
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
