"""A census file's content in a form two files can be compared by, whatever their order."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lxml import etree


def census_modules(path: Path) -> dict[str, Counter]:
    """Per child, every module of the file as (its path, its fields' values), counted: the
    order of modules and of children is not compared, their content is."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    children: dict[str, Counter] = {}
    for child in root.iter("Child"):
        modules: Counter = Counter()
        for element in child.iter():
            leaves = [e for e in element if len(e) == 0]
            if leaves:
                path_of = element.getroottree().getpath(element)
                where = "/".join(part.split("[")[0] for part in path_of.split("/")[4:])
                modules[(where, tuple((e.tag, (e.text or "").strip()) for e in leaves))] += 1
        children[child.findtext("ChildIdentifiers/LAchildID")] = modules
    return children
