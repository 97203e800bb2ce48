"""Checks that every zip Safeguard reads passes before its members are trusted: exchange
bundles, Ofsted Annex A workbooks (an .xlsx is a zip) and backups.

A zip may hold two members of one name; which one a reader then gets depends on the reader, so
the file a person checked need not be the one imported. Such a zip is refused, naming the member.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable

from lxml import etree

XML_SUFFIXES = (".xml", ".rels", ".vml")


def duplicated_member(
    names: Iterable[str], *, key: Callable[[str], str] = str
) -> tuple[str, str] | None:
    """The first two names that are the same member (by `key`), or None."""
    seen: dict[str, str] = {}
    for name in names:
        earlier = seen.setdefault(key(name), name)
        if earlier is not name:
            return earlier, name
    return None


def xml_member_with_dtd(archive: zipfile.ZipFile) -> str | None:
    """The first XML member (by name: .xml, .rels, .vml) whose prolog declares a DTD
    (`<!DOCTYPE …>`), or None. Each is parsed only up to its root element's start, with
    entities, DTDs and the network left alone, so a long comment cannot hide the declaration
    and any encoding the XML declares is read as such."""
    for info in archive.infolist():
        if info.is_dir() or not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        with archive.open(info) as member:
            context = etree.iterparse(
                member,
                events=("start",),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
            )
            try:
                for _, element in context:
                    docinfo = element.getroottree().docinfo
                    if docinfo.doctype or docinfo.internalDTD is not None:
                        return info.filename
                    break
            except etree.XMLSyntaxError:
                continue  # not well-formed: the workbook reader refuses it in its own words
    return None
