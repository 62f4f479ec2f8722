"""Bring what the old draft's deleted content needs into the output package.

The new draft's package is the template of every redline. Text deleted from the old draft can
hold objects whose XML points into the old package: an image's ``r:embed``, a hyperlink's
``r:id``, a deleted section's header references, a footnote reference's note. ``Relinker``
copies each part they need (with the parts that part needs in turn) into the output under a
fresh name, adds a relationship with a fresh id, covers it in ``[Content_Types].xml``, and
rewrites the XML to the new ids. A part the template already has, byte for byte and related
from the same part, is reused.
"""

from __future__ import annotations

import copy
import posixpath
import re
from typing import Dict, Optional

from lxml import etree

from .ns import CONTENT_TYPES, REL_TYPES, nsmap, qn
from .opc import rels_name

_R_NS = "{%s}" % nsmap["r"]
_REL = qn("pr:Relationship")
_TYPES = "[Content_Types].xml"


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def add_relationship(rels: Optional[bytes], rel_type: str, target: str) -> bytes:
    """A relationships part with one of ``rel_type`` pointing at ``target`` (replacing the first of
    that type, or added under the first free rId)."""
    if rels:
        root = etree.fromstring(rels)
    else:
        root = etree.Element(qn("pr:Relationships"), nsmap={None: nsmap["pr"]})
    existing = [r for r in root if r.get("Type") == rel_type]
    if existing:
        existing[0].set("Target", target)
    else:
        used = {r.get("Id") for r in root}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rel = etree.SubElement(root, qn("pr:Relationship"))
        rel.set("Id", f"rId{n}")
        rel.set("Type", rel_type)
        rel.set("Target", target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def add_override(types: bytes, partname: str, content_type: str) -> bytes:
    """[Content_Types].xml with ``partname`` overridden to ``content_type``."""
    root = etree.fromstring(types)
    for o in root.findall(qn("ct:Override")):
        if o.get("PartName") == "/" + partname:
            o.set("ContentType", content_type)
            break
    else:
        o = etree.SubElement(root, qn("ct:Override"))
        o.set("PartName", "/" + partname)
        o.set("ContentType", content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class Relinker:
    """Rewrites XML from ``old``'s main document so its relationship ids hold in ``parts``
    (the output package's parts, by name, whose main document is ``main``)."""

    def __init__(self, parts: Dict[str, bytes], main: str, template, old):
        self.parts, self.main, self.template, self.old = parts, main, template, old
        self.copied: Dict[str, str] = {}  # old part name -> its name in the output
        self.ids: Dict[tuple, str] = {}  # (source part, old id) -> new id
        self._rels_roots: Dict[str, object] = {}
        self._notes: Dict[str, Optional[object]] = {}
        self.note_ids: Dict[tuple, str] = {}

    # -- the XML of deleted content
    def element(self, el, source: Optional[str] = None, target: Optional[str] = None):
        """``el`` (a copy) with every relationship id remapped from ``source`` in the old
        package (its main document by default) to ``target`` in the output (its main document
        by default); a note reference of the body gets its note copied over."""
        body = source is None
        source = source or self.old.main_part
        for node in el.iter():
            if not isinstance(node.tag, str):
                continue
            for name, value in list(node.attrib.items()):
                if name.startswith(_R_NS):
                    node.set(name, self.relationship(source, value, target))
            if body and node.tag in _NOTE_REFS:
                node.set(qn("w:id"), self.note(node.tag, node.get(qn("w:id"), "")))
        return el

    def relationship(self, source: str, rid: str, target_part: Optional[str] = None) -> str:
        """The id, in ``target_part``'s relationships (the output's main document by default),
        of what ``rid`` of old ``source`` points at."""
        target_part = target_part or self.main
        key = (source, rid, target_part)
        if key in self.ids:
            return self.ids[key]
        rel = self.old.rels(source).get(rid)
        if rel is None:
            return rid  # dangling in the old draft already; nothing to point at
        if rel.mode == "External":
            new_id = self._add_rel(target_part, rel.type, rel.target, external=True)
        else:
            name = self.copy_part(rel.target)
            new_id = self._add_rel(target_part, rel.type, _relative(target_part, name))
        self.ids[key] = new_id
        return new_id

    # -- parts
    def copy_part(self, old_name: str) -> str:
        """The output's name for old part ``old_name``, copying it (and what it relates to) when
        the output has no part with the same bytes."""
        if old_name in self.copied:
            return self.copied[old_name]
        data = self.old.read(old_name)
        if data is None:
            return old_name
        for name, existing in self.parts.items():
            if existing == data and not name.endswith(".rels"):
                self.copied[old_name] = name
                return name
        name = self._fresh_name(old_name)
        self.copied[old_name] = name
        self.parts[name] = data
        self._cover(name, self.old.content_type(old_name))
        for rid, rel in self.old.rels(old_name).items():  # the copy's own relationships
            if rel.mode == "External":
                self._add_rel(name, rel.type, rel.target, external=True, rid=rid)
            else:
                self._add_rel(name, rel.type, _relative(name, self.copy_part(rel.target)), rid=rid)
        return name

    def _fresh_name(self, old_name: str) -> str:
        taken = {n.casefold() for n in self.parts}
        if old_name.casefold() not in taken:
            return old_name
        stem, ext = posixpath.splitext(old_name)
        n = 1
        while f"{stem}_old{n}{ext}".casefold() in taken:
            n += 1
        return f"{stem}_old{n}{ext}"

    def _cover(self, name: str, content_type: Optional[str]) -> None:
        """Make ``[Content_Types].xml`` give ``name`` its type (an Override unless a Default does)."""
        if not content_type:
            return
        root = etree.fromstring(self.parts[_TYPES])
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        for d in root.iterfind(qn("ct:Default")):
            if d.get("Extension", "").lower() == ext and d.get("ContentType") == content_type:
                return
        o = etree.SubElement(root, qn("ct:Override"))
        o.set("PartName", "/" + name)
        o.set("ContentType", content_type)
        self.parts[_TYPES] = _serialize(root)

    def _rels_root(self, part: str):
        name = rels_name(part)
        if name not in self._rels_roots:
            data = self.parts.get(name)
            self._rels_roots[name] = (etree.fromstring(data) if data
                                      else etree.Element(qn("pr:Relationships"), nsmap={None: nsmap["pr"]}))
        return self._rels_roots[name]

    def _add_rel(self, part: str, rel_type: str, target: str, external: bool = False, rid: Optional[str] = None) -> str:
        root = self._rels_root(part)
        for rel in root.iterfind(_REL):
            if (rel.get("Type") == rel_type and rel.get("Target") == target
                    and (rel.get("TargetMode") == "External") == external):
                return rel.get("Id")
        used = {r.get("Id") for r in root.iterfind(_REL)}
        if rid is None or rid in used:
            n = len(used) + 1
            while f"rId{n}" in used:
                n += 1
            rid = f"rId{n}"
        rel = etree.SubElement(root, _REL)
        rel.set("Id", rid)
        rel.set("Type", rel_type)
        rel.set("Target", target)
        if external:
            rel.set("TargetMode", "External")
        return rid

    # -- notes
    def note(self, tag: str, old_id: str) -> str:
        """The id in the output of the old draft's footnote or endnote ``old_id``, copied over."""
        kind = "footnotes" if tag == _NOTE_REFS[0] else "endnotes"
        key = (kind, old_id)
        if key in self.note_ids:
            return self.note_ids[key]
        old_part = self.old.part_by_type(self.old.main_part, kind)
        new_part = self.template.part_by_type(self.main, kind)
        if old_part is None:
            return old_id
        if new_part is None:  # the new draft has no notes at all: bring the old notes part whole
            self.relationship_to_part(old_part, kind)
            self.note_ids[key] = old_id
            return old_id
        root = self.notes_root(new_part)
        old_root = self.old.xml(old_part)
        found = next((n for n in old_root.iterfind(qn("w:" + kind[:-1])) if n.get(qn("w:id")) == old_id), None)
        if found is None:
            return old_id
        ids = [int(n.get(qn("w:id"))) for n in root.iterfind(qn("w:" + kind[:-1]))
               if (n.get(qn("w:id")) or "").lstrip("-").isdigit()]
        new_id = str(max(ids + [0]) + 1)
        note = self.element(copy.deepcopy(found), old_part, new_part)
        note.set(qn("w:id"), new_id)
        root.append(note)
        self.note_ids[key] = new_id
        return new_id

    def relationship_to_part(self, old_part: str, kind: str) -> None:
        name = self.copy_part(old_part)
        self._add_rel(self.main, REL_TYPES[kind], _relative(self.main, name))
        self._cover(name, CONTENT_TYPES.get(kind))

    def notes_root(self, part: str):
        if part not in self._notes:
            self._notes[part] = etree.fromstring(self.parts[part])
        return self._notes[part]

    def finish(self) -> None:
        """Write the changed relationship and notes parts back into ``parts``."""
        for name, root in self._rels_roots.items():
            if len(root):
                self.parts[name] = _serialize(root)
        for part, root in self._notes.items():
            self.parts[part] = _serialize(root)


_NOTE_REFS = (qn("w:footnoteReference"), qn("w:endnoteReference"))
_STYLE_REF = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"')
_STYLE_LINKS = ("w:basedOn", "w:link", "w:next")


def bring_styles(parts: Dict[str, bytes], styles_part: Optional[str], old, stories) -> None:
    """Copy into ``styles_part`` the styles the old draft defines that ``stories`` (part names)
    now use and the output's styles do not define: deleted text keeps the style it had (a
    footnote reference's character style, say), with the styles it is based on."""
    if not styles_part or styles_part not in parts:
        return
    old_name = old.part_by_type(old.main_part, "styles")
    if old_name is None:
        return
    used = {m.group(1).decode() for part in stories if part in parts for m in _STYLE_REF.finditer(parts[part])}
    root = etree.fromstring(parts[styles_part])
    have = {st.get(qn("w:styleId")) for st in root.iterfind(qn("w:style"))}
    wanted = used - have
    if not wanted:
        return
    old_styles = {st.get(qn("w:styleId")): st for st in old.xml(old_name).iterfind(qn("w:style"))}
    while wanted:
        sid = wanted.pop()
        style = old_styles.get(sid)
        if style is None or sid in have:
            continue
        root.append(copy.deepcopy(style))
        have.add(sid)
        for link in _STYLE_LINKS:
            el = style.find(qn(link))
            if el is not None and el.get(qn("w:val")) not in have:
                wanted.add(el.get(qn("w:val")))
    parts[styles_part] = _serialize(root)


def _relative(source_part: str, target: str) -> str:
    """``target`` as a relationship of ``source_part`` names it (relative to its folder)."""
    folder = posixpath.dirname(source_part)
    return posixpath.relpath(target, folder) if folder else target
