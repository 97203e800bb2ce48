"""The service is set in Arial (or the authority's font), never GDS Transport, which is licensed
for GOV.UK services only: the CSS built from GOV.UK Frontend's Sass names no GDS Transport, and
no font file is shipped (scripts/build_frontend.sh)."""

from pathlib import Path

import safeguard

PACKAGE = Path(safeguard.__file__).resolve().parent
BUILT_CSS = PACKAGE / "web" / "static" / "govuk" / "govuk-frontend.min.css"
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}


def test_the_built_govuk_css_is_set_in_arial_and_references_no_gds_transport():
    css = BUILT_CSS.read_text()
    assert "font-family:arial,sans-serif" in css
    assert "GDS Transport" not in css
    assert "assets/fonts" not in css


def test_no_stylesheet_of_the_service_names_gds_transport():
    stylesheets = list(PACKAGE.glob("*/static/**/*.css"))
    assert len(stylesheets) >= 3
    for stylesheet in stylesheets:
        assert "GDS Transport" not in stylesheet.read_text(), stylesheet


def test_no_font_file_is_shipped_in_the_static_folders():
    fonts = [p for p in PACKAGE.glob("*/static/**/*") if p.suffix.lower() in FONT_SUFFIXES]
    assert fonts == []
