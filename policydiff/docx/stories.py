"""The stories besides the body: footnotes, endnotes, headers and footers, redlined like it.

A note is paired with its old version through the body's redline: the references it keeps on
both sides pair an old note with a new one (``body._NoteQueue``); a reference only the new
draft has is an inserted note, one only the old draft has a deleted note (copied into the
output by ``parts.Relinker``). Headers and footers are paired by section and kind (default,
first page, even pages), as the sections' ``w:sectPr`` name them. Each pair is diffed word by
word with the body's machinery and written back into its part in the output, so accepting all
changes gives the new draft's notes, headers and footers and rejecting all gives the old ones.
(Text boxes live in the body's XML: the writer redlines them in place, ``BodyWriter._textbox``.)
``story_texts`` gives the same stories' texts to ``diff``.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from lxml import etree

from ..core.model import NOTE_KINDS, Document
from ..core.redline import DEL, Revision, change_counts, diff_blocks, fix_marks, whole_block
from .ns import REL_TYPES, qn
from .uniqueids import unique_ids

_ID = re.compile(r'\bw:id="(-?\d+)"')
_BLOCK_TAGS = (qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:customXml"))
_SECT = qn("w:sectPr")
_KINDS = {qn("w:headerReference"): "header", qn("w:footerReference"): "footer"}
_R_ID = qn("r:id")
_TYPE_NAMES = {"default": "default", "first": "first page", "even": "even pages"}


def story_reader(pkg, part: str):
    """A reader for one story part of ``pkg`` (its objects' relationships are that part's),
    made once per package and part."""
    from .objects import ObjectReader
    from .bodyreader import BodyReader

    readers = pkg.story_readers
    if part not in readers:
        styles = pkg.part_by_type(pkg.main_part, "styles")
        readers[part] = BodyReader(pkg.xml(styles) if styles else None, ObjectReader(pkg, part))
    return readers[part]


def notes_of(pkg, kind: str) -> Tuple[Optional[str], Dict[str, object]]:
    """(part, {id: w:footnote or w:endnote element}) of a package's notes of ``kind``, parsed
    once per package."""
    cache = pkg.notes
    if kind not in cache:
        part = pkg.part_by_type(pkg.main_part, kind + "s")
        root = pkg.xml(part) if part else None
        found = {n.get(qn("w:id")): n for n in root.iterfind(qn("w:" + kind))} if root is not None else {}
        cache[kind] = (part, found)
    return cache[kind]


def story_texts(pkg, doc: Document) -> Tuple[Dict[str, List[Tuple[str, str]]], dict]:
    """The text of each story of a draft besides its body, for ``diff``: ({"footnote": [(name,
    text)], "endnote": [...], "text box": [...], "section": [...]}, {marker: Obj} of the objects
    in them), notes and boxes in the order the body refers to them, headers and footers by
    section and kind."""
    out: Dict[str, List[Tuple[str, str]]] = {"footnote": [], "endnote": [], "text box": [], "section": []}
    objects: dict = {}

    def text_of(story: Document) -> str:
        objects.update(story.objects())
        return "\n".join(p.text for p in story.paragraphs())

    main = story_reader(pkg, pkg.main_part)
    for obj in doc.story_objects():
        if obj.kind in NOTE_KINDS:
            part, found = notes_of(pkg, obj.kind)
            note = found.get(_id(obj))
            text = text_of(read_story(pkg, part, note, story_reader)) if note is not None else ""
            out[obj.kind].append((f"{obj.kind} {len(out[obj.kind]) + 1}", text))
        else:
            box = next(etree.fromstring(obj.xml).iter(qn("w:txbxContent")), None)
            text = text_of(Document(blocks=main.blocks(box)).view("accept")) if box is not None else ""
            out["text box"].append((f"text box {len(out['text box']) + 1}", text))
    parts = _section_parts(pkg) if _has_headers(pkg) else {}
    count = 1 + max((k for k, _, _ in parts), default=0)
    for (k, kind, typ), part in sorted(parts.items(), key=lambda item: (-item[0][0], item[0][1:])):
        text = text_of(read_story(pkg, part, pkg.xml(part), story_reader))
        out["section"].append((f"{kind} ({_TYPE_NAMES.get(typ, typ)}), section {count - k}", text))
    return out, objects


def read_story(pkg, part: str, element, reader_factory) -> Document:
    """The blocks of one story (a note, or a header's root) in the accepted view."""
    reader = reader_factory(pkg, part)
    return Document(blocks=reader.blocks(element)).view("accept")


class StoryWriter:
    """Redlines the notes and the headers and footers of two drafts into the output's parts."""

    def __init__(self, parts: Dict[str, bytes], template, old, relinker, rev: Revision, reader_factory,
                 writer_factory, report: list):
        self.parts, self.template, self.old, self.relinker, self.rev = parts, template, old, relinker, rev
        self.read, self.make_writer = reader_factory, writer_factory
        self.report = report  # (story, change counts) of each story redlined
        self._indexes: Dict[int, dict] = {}  # id(notes root) -> {note id: element}

    # -- notes
    def notes(self, pairs: List[tuple]) -> None:
        number = {kind: 0 for kind in NOTE_KINDS}
        for kind, old_ref, new_ref in pairs:
            if kind not in NOTE_KINDS:
                continue
            number[kind] += 1
            name = f"{kind} {number[kind]}"
            part_kind = kind + "s"
            old_id = _id(old_ref)
            new_id = _id(new_ref)
            if new_ref is not None:
                self._note(name, part_kind, old_id if old_ref is not None else None, new_id)
            elif old_ref is not None and self._has_own_notes(part_kind):
                copied = self.relinker.note_ids.get((part_kind, old_id))
                if copied is not None:
                    self._note(name, part_kind, old_id, None, copied=copied)

    def _target(self, root, tag: str, wanted: Optional[str]):
        """The note ``wanted`` in the output's notes part ``root`` (indexed once per part)."""
        index = self._indexes.get(id(root))
        if index is None:
            index = self._indexes[id(root)] = {n.get(qn("w:id")): n for n in root.iterfind(tag)}
        found = index.get(wanted)
        if found is None:  # a note copied in since the index was made
            found = index[wanted] = _find(root, tag, wanted)
        return found

    def _has_own_notes(self, part_kind: str) -> bool:
        return self.template.part_by_type(self.template.main_part, part_kind) is not None

    def _note(self, name: str, part_kind: str, old_id: Optional[str], new_id: Optional[str],
              copied: Optional[str] = None) -> None:
        tag = qn("w:" + part_kind[:-1])
        new_part = self.template.part_by_type(self.template.main_part, part_kind)
        old_part, old_notes = notes_of(self.old, part_kind[:-1])
        if new_part is None:
            return
        root = self.relinker.notes_root(new_part)
        target_id = new_id if new_id is not None else copied
        target = self._target(root, tag, target_id)
        if target is None:
            return
        old_el = old_notes.get(old_id) if old_id is not None else None
        old_doc = read_story(self.old, old_part, old_el, self.read) if old_el is not None else Document()
        if new_id is None:  # a deleted note: its copy is written as deleted
            blocks = tuple(whole_block(b, DEL, self.rev) for b in old_doc.blocks)
            self._write(name, target, fix_marks(list(blocks)), old_doc, old_doc, (new_part, old_part))
            return
        new_doc = read_story(self.template, new_part, target, self.read)
        if old_el is not None and old_doc.blocks == new_doc.blocks:
            return
        blocks = diff_blocks(old_doc.blocks, new_doc.blocks, self.rev)
        self._write(name, target, blocks, old_doc, new_doc, (new_part, old_part))

    # -- headers and footers
    def headers_and_footers(self) -> None:
        if not (_has_headers(self.template) or _has_headers(self.old)):
            return  # no section of either draft has a header or footer: no need to read the sections
        old_map = _section_parts(self.old)
        done = set()
        new_map = _section_parts(self.template)
        sections = 1 + max((k for k, _, _ in new_map), default=0)
        for key, new_part in new_map.items():
            if new_part in done:
                continue
            done.add(new_part)
            name = f"{key[1]} ({_TYPE_NAMES.get(key[2], key[2])}), section {sections - key[0]}"
            old_part = old_map.get(key)
            root = etree.fromstring(self.parts[new_part])
            new_doc = read_story(self.template, new_part, root, self.read)
            old_doc = (read_story(self.old, old_part, self.old.xml(old_part), self.read)
                       if old_part is not None else Document())
            if old_doc.blocks == new_doc.blocks:
                continue
            blocks = diff_blocks(old_doc.blocks, new_doc.blocks, self.rev)
            self._write(name, root, blocks, old_doc, new_doc, (new_part, old_part))
            self.parts[new_part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # -- writing
    def _write(self, name: str, container, blocks, old_doc: Document, new_doc: Document, parts: tuple) -> None:
        """Replace ``container``'s blocks with the redline ``blocks`` (its other children stay);
        ``parts``: (the output part it is in, the old part the old story came from or None)."""
        new_part, old_part = parts
        self.report.append((name, change_counts(blocks)))
        writer = self.make_writer(new_doc.objects(), old_doc.objects(), _PartRelinker(self.relinker, old_part, new_part))
        first = next((i for i, c in enumerate(container) if c.tag in _BLOCK_TAGS), len(container))
        for child in [c for c in container if c.tag in _BLOCK_TAGS]:
            container.remove(child)
        holder = etree.Element("holder")
        writer.blocks(holder, blocks)
        for k, el in enumerate(list(holder)):
            container.insert(first + k, el)
        unique_ids(container.getroottree().getroot(), writer.ids)


class _PartRelinker:
    """``parts.Relinker`` for XML of one old story part written into one output part."""

    def __init__(self, relinker, old_part: Optional[str], new_part: str):
        self.relinker, self.old_part, self.new_part = relinker, old_part, new_part

    def element(self, el):
        if self.old_part is None:
            return el
        return self.relinker.element(el, self.old_part, self.new_part)


def _id(ref) -> Optional[str]:
    if ref is None:
        return None
    m = _ID.search(ref.xml)
    return m.group(1) if m else None


def _find(root, tag: str, wanted: Optional[str]):
    if root is None or wanted is None:
        return None
    return next((n for n in root.iterfind(tag) if n.get(qn("w:id")) == wanted), None)


def _has_headers(pkg) -> bool:
    wanted = {REL_TYPES["header"], REL_TYPES["footer"]}
    return any(rel.type in wanted for rel in pkg.rels(pkg.main_part).values())


def _section_parts(pkg) -> Dict[Tuple[int, str, str], str]:
    """{(section index from the end, "header"|"footer", type): part name}, a section without
    its own reference of a kind taking the previous section's (as Word shows it). Sections
    count from the end: the last section is the body's own, whatever was inserted or deleted
    before it."""
    sections = pkg.sections
    if sections is None:  # a package the reader has not read
        root = pkg.xml(pkg.main_part)
        body = root.find(qn("w:body")) if root is not None else None
        if body is None:
            return {}
        sections = [s for s in body.iter(_SECT) if s.getparent().getparent().tag != qn("w:pPrChange")]
    rels = pkg.rels(pkg.main_part)
    out: Dict[Tuple[int, str, str], str] = {}
    current: Dict[Tuple[str, str], str] = {}
    for k, sect in enumerate(sections):
        for ref in sect:
            kind = _KINDS.get(ref.tag)
            rel = rels.get(ref.get(_R_ID, "")) if kind else None
            if rel is not None and pkg.member(rel.target) is not None:
                current[(kind, ref.get(qn("w:type"), "default"))] = pkg.member(rel.target).name
        for (kind, typ), name in current.items():
            out[(len(sections) - 1 - k, kind, typ)] = name
    return out
