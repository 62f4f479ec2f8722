"""The old draft's numbering definitions brought into the output package, renumbered after the
new draft's, so deleted and moved paragraphs keep their list labels."""

from __future__ import annotations

import copy
from typing import Dict

from lxml import etree

from .ns import CONTENT_TYPES, REL_TYPES, qn
from .opc import rels_name
from .parts import add_override, add_relationship


def number(value) -> int:
    """A decimal attribute value as int; 0 for a missing or malformed one (odd files exist)."""
    return int(value) if value and value.isascii() and value.isdigit() else 0


def merge_numbering(parts: Dict[str, bytes], template, old) -> Dict[str, str]:
    """Bring the old version's numbering definitions into the package; return old→new numIds."""
    old_name = old.part_by_type(old.main_part, "numbering") if old is not None else None
    if old_name is None:
        return {}
    old_bytes = old.read(old_name)
    new_name = template.part_by_type(template.main_part, "numbering")
    if new_name is None:
        _add_numbering_part(parts, template.main_part, old_bytes)
        return {}
    if parts[new_name] == old_bytes:
        return {}
    root, src = etree.fromstring(parts[new_name]), etree.fromstring(old_bytes)
    a_off, n_off = _next_ids(root)
    a_map = _copy_abstracts(root, src, a_off)
    num_map = _copy_nums(root, src, n_off, a_map)
    parts[new_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return num_map


def _add_numbering_part(parts: Dict[str, bytes], main: str, data: bytes) -> None:
    """The old numbering part as it is, beside a main part that has none."""
    folder = main.rpartition("/")[0]
    name = f"{folder}/numbering.xml" if folder else "numbering.xml"
    parts[name] = data
    rels = rels_name(main)
    parts[rels] = add_relationship(parts.get(rels), REL_TYPES["numbering"], "numbering.xml")
    parts["[Content_Types].xml"] = add_override(parts["[Content_Types].xml"], name, CONTENT_TYPES["numbering"])


def _next_ids(root) -> tuple:
    """(first free w:abstractNumId, first free w:numId) of a numbering part."""
    abstract_ids = [number(a.get(qn("w:abstractNumId"))) for a in root.iter(qn("w:abstractNum"))]
    num_ids = [number(n.get(qn("w:numId"))) for n in root.iter(qn("w:num"))]
    return max(abstract_ids, default=-1) + 1, max(num_ids, default=0) + 1


def _copy_abstracts(root, src, a_off: int) -> Dict[str, str]:
    """Copy ``src``'s w:abstractNum after ``root``'s last one, from id ``a_off``; return old→new ids."""
    a_map: Dict[str, str] = {}
    last_abstract = list(root.iter(qn("w:abstractNum")))
    anchor = last_abstract[-1] if last_abstract else None
    for a in src.iter(qn("w:abstractNum")):
        el = copy.deepcopy(a)
        new_id = str(a_off + len(a_map))
        a_map[a.get(qn("w:abstractNumId"))] = new_id
        el.set(qn("w:abstractNumId"), new_id)
        for nsid in el.findall(qn("w:nsid")):
            el.remove(nsid)  # nsid identifies a list; the copy is a different list
        if anchor is not None:
            anchor.addnext(el)
        else:
            root.insert(0, el)
        anchor = el
    return a_map


def _copy_nums(root, src, n_off: int, a_map: Dict[str, str]) -> Dict[str, str]:
    """Copy ``src``'s w:num into ``root`` from id ``n_off``, pointing at the copied abstracts;
    return old→new numIds."""
    num_map: Dict[str, str] = {}
    for n in src.iter(qn("w:num")):
        el = copy.deepcopy(n)
        new_id = str(n_off + len(num_map))
        num_map[n.get(qn("w:numId"))] = new_id
        el.set(qn("w:numId"), new_id)
        ref = el.find(qn("w:abstractNumId"))
        if ref is not None:
            ref.set(qn("w:val"), a_map.get(ref.get(qn("w:val")), ref.get(qn("w:val"))))
        cleanup = root.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(el)
        else:
            root.append(el)
    return num_map
