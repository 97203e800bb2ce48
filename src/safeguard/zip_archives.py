"""Checks that every zip Safeguard reads passes before its members are trusted: exchange
bundles, Ofsted Annex A workbooks (an .xlsx is a zip) and backups.

A zip may hold two members of one name; which one a reader then gets depends on the reader, so
the file a person checked need not be the one imported. Such a zip is refused, naming the member.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable


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
    """The first member whose XML prolog declares a DTD (`<!DOCTYPE …>`), or None. Every
    member is tried whatever its name (a workbook's parts are found through its relationships,
    not their names), and parsed only up to its root element's start, with entities, DTDs and
    the network left alone: a long comment cannot hide the declaration, any encoding the XML
    declares is read as such, and a member that is not XML (an image) fails at its first bytes."""
    # Here, not at the top: the date arguments of every command come through this module's
    # importers, and lxml is only needed to read a zip.
    from lxml import etree

    for info in archive.infolist():
        if info.is_dir():
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
                continue  # not XML, or not well-formed: its reader refuses it in its own words
    return None
