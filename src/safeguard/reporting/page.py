"""The report as the web app's report page embeds it.

The renderer's body fragment carries matplotlib's SVG charts, which style their shapes with
`style="..."` attributes and a `<style>` element. The application's Content Security Policy has
no `unsafe-inline` (docs/security.md), so a browser ignores both and draws the charts black. Here
each declaration becomes the equivalent SVG presentation attribute (`fill="#1f3b63"`), which the
policy does not govern, and each chart gets a `<title>` beside its `role="img"` and
`aria-label`."""

from __future__ import annotations

import html
import re

from safeguard.domain.editions import Commentary
from safeguard.domain.figures import Report
from safeguard.reporting.renderers.html import render_report_body

# SVG presentation attributes that matplotlib writes as CSS declarations.
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_SVG_OPEN = re.compile(r'<svg([^>]*?)\saria-label="([^"]*)"([^>]*)>')
# matplotlib's one stylesheet rule, `*{stroke-linejoin: round; stroke-linecap: butt}`, as
# attributes on the root, which every shape inherits unless it sets its own.
_ROOT_DEFAULTS = 'stroke-linejoin="round" stroke-linecap="butt"'


def _attributes(match: re.Match[str]) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name in PRESENTATION_ATTRIBUTES and value:
            attributes.append(f'{name}="{value}"')
    return "".join(f" {attribute}" for attribute in attributes)


def _titled(match: re.Match[str]) -> str:
    before, label, after = match.groups()
    return (
        f'<svg{before} aria-label="{label}"{after} {_ROOT_DEFAULTS}>'
        f"<title>{html.escape(html.unescape(label))}</title>"
    )


def without_inline_styles(fragment: str) -> str:
    """`fragment` with every SVG style attribute turned into presentation attributes, no
    `<style>` elements, and a `<title>` in each labelled chart."""
    fragment = _STYLE_ELEMENT.sub("", fragment)
    fragment = _STYLE_ATTRIBUTE.sub(_attributes, fragment)
    return _SVG_OPEN.sub(_titled, fragment)


def report_page_body(
    report: Report, *, authority: str, commentary: Commentary | None = None
) -> str:
    """The report's sections, charts included, ready to embed under the application's CSP."""
    return without_inline_styles(
        render_report_body(report, authority=authority, commentary=commentary)
    )
