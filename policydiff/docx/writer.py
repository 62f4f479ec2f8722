"""Write a Redline as a .docx with native Word tracked changes and comments.

The new version's package is the template: every part is copied as it is except
word/document.xml (its body is rebuilt from the redline), the comment parts, the notes, headers
and footers that changed (redlined as the body is: ``stories``) and what deleted content needs
from the old package (``parts``). Revision ids come from one counter; author and date come from
the redline's pieces; the zip is written with fixed timestamps, so the same inputs give the same
bytes.
"""

from __future__ import annotations

import copy
import functools
import io
import re
import zipfile
from typing import Dict, List, Optional

from lxml import etree

from ..core import objects as _objects
from ..core.model import STORY_KINDS, Document
from ..core.redline import Revision, change_counts, diff_blocks
from ..core.redline import DEL, INS, KEEP, MOVE_FROM, MOVE_TO, RPara, RTable, Redline
from .ns import CONTENT_TYPES, REL_TYPES, nsmap, qn
from .parts import Relinker, bring_styles

_WRAPPER = {INS: "w:ins", DEL: "w:del", MOVE_FROM: "w:moveFrom", MOVE_TO: "w:moveTo"}
_REMOVED = (DEL, MOVE_FROM)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# zlib level 3 deflates an 8.5 MB body in 0.03 s instead of level 6's 0.06 s, into 350 KB
# instead of 230 KB: a committee's file is opened, not sent by the thousand.
_ZIP_LEVEL = 3
_BREAKS = re.compile("([\t\n])")
_MAX_TEXT_NODE = 1_000_000  # characters (up to 3 MB of UTF-8 Thai)
_BREAK_TAGS = {"\t": qn("w:tab"), "\n": qn("w:br")}

# Clark names of what is written once per run or paragraph, looked up once (a 5,000-paragraph
# body builds tens of thousands of elements).
_P, _R, _T, _DEL_TEXT = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:delText")
_RPR, _PPR, _RPR_CHANGE = qn("w:rPr"), qn("w:pPr"), qn("w:rPrChange")
_BODY = qn("w:body")
_TXBX = qn("w:txbxContent")
_ID, _AUTHOR, _DATE = qn("w:id"), qn("w:author"), qn("w:date")
_WRAPPER_TAG = {op: qn(tag) for op, tag in _WRAPPER.items()}


def _fresh(el):
    """A deep copy of ``el`` (lxml's own, without ``copy.deepcopy``'s memo: a fifth of the
    writer's time went to it)."""
    return el.__deepcopy__(None)


@functools.lru_cache(maxsize=4096)
def _parsed(xml: str):
    return etree.fromstring(xml)


def _element(xml: str):
    """A fresh element from an opaque property string ('' → None)."""
    return _fresh(_parsed(xml)) if xml else None


@functools.lru_cache(maxsize=4096)
def _paragraph_start(props: str):
    """An empty w:p holding these paragraph properties, for each paragraph that has them to copy."""
    # Assembled as a paragraph always was (a new w:p, then a copy of the parsed w:pPr appended),
    # so each copy carries the same namespace declarations, and so the same bytes; one copy
    # costs far less than a new w:p plus a copied w:pPr moved into it.
    p = etree.Element(_P)
    if props:
        p.append(_element(props))
    return p


@functools.lru_cache(maxsize=4096)
def _run_start(props: str, removed: bool):
    """A w:r holding these run properties and one empty w:t (w:delText when removed), for each
    run of plain text to copy: one copy costs less than building the run piece by piece."""
    r = etree.Element(_R)
    if props:
        r.append(_element(props))
    etree.SubElement(r, _DEL_TEXT if removed else _T).set(_XML_SPACE, "preserve")
    return r


def _elements(xml: str) -> list:
    """Several sibling elements from one string (a table's w:tblPr + w:tblGrid)."""
    if not xml:
        return []
    wrapper = _parsed(f'<x xmlns:w="{nsmap["w"]}">{xml}</x>')
    return [copy.deepcopy(e) for e in wrapper]


class _Ids:
    def __init__(self):
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return str(self.n)


class BodyWriter:
    """Turns redline blocks into w:p / w:tbl elements."""

    # A paragraph is built detached and then appended to its parent; its runs are built in
    # place inside it. lxml binds every element made inside the paragraph, or moved into it,
    # to the paragraph's own namespace declaration, so the bytes do not depend on the order
    # the pieces were assembled in.

    def __init__(self, comment_ids: Optional[Dict[int, str]] = None, num_map: Optional[Dict[str, str]] = None,
                 objects: Optional[dict] = None, old_objects: Optional[dict] = None,
                 relinker: Optional[Relinker] = None):
        self.ids = _Ids()
        self.comment_ids = comment_ids or {}
        self.num_map = num_map or {}
        self.rev = Revision()  # who and when for the changes inside stories (text boxes)
        self.stories = None  # (side, element) -> the accepted Document of a story of that draft
        self.report: list = []  # (story, change counts) of each text box redlined
        self.objects = objects or {}  # {marker: Obj} of the new (template) draft
        self.old_objects = old_objects or {}  # of the old draft: XML that points into its package
        self.relinker = relinker
        self.notes = _NoteQueue((), ())

    def _old_ppr(self, ppr):
        """Old-version paragraph properties with their numbering ids moved to the merged numbering
        and their relationship ids (a section's headers) to the output package."""
        if ppr is not None and self.num_map:
            for el in ppr.iter(qn("w:numId")):
                val = el.get(qn("w:val"))
                if val in self.num_map:
                    el.set(qn("w:val"), self.num_map[val])
        if ppr is not None and self.relinker is not None:
            self.relinker.element(ppr)
        return ppr

    def _stamp(self, el, author: str, date: str):
        el.set(_ID, self.ids.next())
        el.set(_AUTHOR, author or "policydiff")
        if date:
            el.set(_DATE, date)
        return el

    # -- runs
    def run(self, parent, text: str, props: str, removed: bool, old_props: Optional[str] = None,
            author="", date=""):
        """Append a w:r to ``parent``: its properties (with a w:rPrChange if asked) and its text."""
        if old_props is None and len(text) <= _MAX_TEXT_NODE and "\t" not in text and "\n" not in text:
            r = _fresh(_run_start(props, removed))
            r[-1].text = text
            parent.append(r)
            return r
        r = etree.SubElement(parent, _R)
        rpr = _element(props)
        if old_props is not None:
            if rpr is None:
                rpr = etree.Element(_RPR)
            change = self._stamp(etree.SubElement(rpr, _RPR_CHANGE), author, date)
            change.append(_element(old_props) if old_props else etree.Element(_RPR))
        if rpr is not None:
            r.append(rpr)
        self._text(r, text, removed)
        return r

    @staticmethod
    def _text(r, text: str, removed: bool) -> None:
        """Text as w:t (w:delText when deleted), with w:tab and w:br for tabs and line breaks."""
        tag = _DEL_TEXT if removed else _T
        for part in _BREAKS.split(text):
            if part in _BREAK_TAGS:
                etree.SubElement(r, _BREAK_TAGS[part])
                continue
            # A text node over libxml2's 10 MB limit could not be read back: split long text
            # over several w:t (readers join them).
            for at in range(0, len(part), _MAX_TEXT_NODE):
                t = etree.SubElement(r, tag)
                t.set(_XML_SPACE, "preserve")
                t.text = part[at:at + _MAX_TEXT_NODE]

    # -- paragraphs
    def paragraph(self, para: RPara):
        p = _fresh(_paragraph_start(para.props))
        self._revise_ppr(p, para)
        if para.move:
            self._move_range(p, para, start=True)
        cursor = _Cursor(self._comment_marks(para))
        self._group(p, para.pieces, 0, None, cursor)
        if cursor.marks:
            self._marks_at(p, cursor.pos, cursor.marks, final=True, after=cursor.last)
        if para.move:
            self._move_range(p, para, start=False)
        return p

    def _group(self, parent, pieces, depth: int, inside, cursor: "_Cursor") -> None:
        """Write ``pieces``, whose wrappers above ``depth`` are open in ``parent``. ``inside``:
        the piece whose revision element already holds them, or None.

        Pieces in one wrapper (a hyperlink, a field, a content control) go into one element. A
        wrapper whose pieces are all inserted (or all deleted) goes inside the revision, as Word
        writes it, so that rejecting (accepting) leaves no empty content control; a simple field
        becomes a complex one there (w:fldSimple may not stand in a revision). A hyperlink may
        not either: its revisions stay inside it.
        """
        for wrap, group in _by_wrapper(pieces, depth):
            if wrap is None:
                for piece in group:
                    self._leaf(parent, piece, inside, cursor)
                continue
            first = group[0]
            whole = inside is None and first.op != KEEP and all(
                (p.op, p.author, p.date) == (first.op, first.author, first.date) for p in group)
            if whole and wrap.kind != "hyperlink":
                revision = self._stamp(etree.SubElement(parent, _WRAPPER_TAG[first.op]), first.author, first.date)
                if wrap.kind == "simple field":
                    self._complex_field(revision, wrap, group, depth, cursor)
                    continue
                el, holder = self._wrap_element(wrap, first.op in _REMOVED)
                revision.append(el)
                self._group(holder, group, depth + 1, first, cursor)
                continue
            el, holder = self._wrap_element(wrap, first.op in _REMOVED)
            parent.append(el)
            self._group(holder, group, depth + 1, inside, cursor)

    def _complex_field(self, revision, wrap, group, depth: int, cursor: "_Cursor") -> None:
        """A simple field inserted or deleted whole, written as the complex field it stands for."""
        first = group[0]
        removed = first.op in _REMOVED
        instr = _parsed(wrap.xml).get(qn("w:instr"), "")

        def field_run(tag: str, **attrs):
            r = etree.SubElement(revision, _R)
            rpr = _element(first.props)
            if rpr is not None:
                r.append(rpr)
            el = etree.SubElement(r, qn(tag))
            for name, value in attrs.items():
                el.set(qn("w:" + name), value)
            return el

        field_run("w:fldChar", fldCharType="begin")
        field_run("w:delInstrText" if removed else "w:instrText").text = instr
        field_run("w:fldChar", fldCharType="separate")
        self._group(revision, group, depth + 1, first, cursor)
        field_run("w:fldChar", fldCharType="end")

    def _leaf(self, parent, piece, inside, cursor: "_Cursor") -> None:
        """One piece, cut where comment ranges start and end, with the range marks between."""
        pos = cursor.pos
        for a, b in _cut(pos, pos + len(piece.text), cursor.marks):
            if cursor.marks:
                self._marks_at(parent, a, cursor.marks, after=cursor.last)
            text = piece.text[a - pos:b - pos]
            if inside is None:
                self._piece(parent, piece, text)
            else:
                self._content(parent, piece, text, inside.op in _REMOVED)
            cursor.last = piece
        cursor.pos += len(piece.text)

    def _piece(self, p, piece, text: str) -> None:
        if not text:
            return
        if piece.op == KEEP:
            self._content(p, piece, text, False)
            return
        holder = self._stamp(etree.SubElement(p, _WRAPPER_TAG[piece.op]), piece.author, piece.date)
        self._content(holder, piece, text, piece.op in _REMOVED)

    def _content(self, holder, piece, text: str, removed: bool) -> None:
        """The runs of a piece's text, and its objects, into ``holder``."""
        for part in _objects.split(text):
            if part[0] == _objects.MARKER and _objects.is_marker(part):
                self._object(holder, part, piece, removed)
            elif piece.op == KEEP:
                self.run(holder, part, piece.props, False, piece.old_props, piece.author, piece.date)
            else:
                self.run(holder, part, piece.props, removed)

    def _object(self, parent, marker: str, piece, removed: bool) -> None:
        """An object of the text: its XML as its draft has it, in a run of the piece's properties."""
        from_old = piece.op in _REMOVED
        obj = (self.old_objects if from_old else self.objects).get(marker)
        if obj is None:
            obj, from_old = (self.objects.get(marker), False) if from_old else (self.old_objects.get(marker), True)
        if obj is None:
            return  # an object no draft of this redline holds (a proposal's, from a copy): left out
        pair = None
        if obj.kind in STORY_KINDS:
            pair = self.notes.take(obj, piece.op)
            obj = pair[1] or pair[0] or obj
        el = _element(obj.xml)
        if pair and piece.op == KEEP and obj.kind == "textbox" and pair[0] and pair[0].content != obj.content:
            self._textbox(el, _element(pair[0].xml))
        if from_old and self.relinker is not None:
            self.relinker.element(el)
        if removed:
            for instr in el.iter(qn("w:instrText")):
                instr.tag = qn("w:delInstrText")
            if el.tag == qn("w:instrText"):
                el.tag = qn("w:delInstrText")
        if obj.level == "para":
            parent.append(el)
            return
        r = etree.SubElement(parent, _R)
        rpr = _element(piece.props)
        if rpr is not None:
            r.append(rpr)
        r.append(el)

    def _textbox(self, el, old_el) -> None:
        """A text box kept whose words changed: each of its w:txbxContent (the mc:Choice and the
        mc:Fallback copy) redlined word by word against the old box's."""
        if self.stories is None:
            return  # no packages to read the boxes with (a consolidated copy): the new box as it is
        for new_box, old_box in zip(el.iter(_TXBX), old_el.iter(_TXBX)):
            old_doc, new_doc = self.stories("old", old_box), self.stories("new", new_box)
            blocks = diff_blocks(old_doc.blocks, new_doc.blocks, self.rev)
            if not self.report or self.report[-1][0] != f"text box {self.notes.boxes}":
                self.report.append((f"text box {self.notes.boxes}", change_counts(blocks)))
            inner = BodyWriter(None, self.num_map, new_doc.objects(), old_doc.objects(), self.relinker)
            inner.ids, inner.rev, inner.stories, inner.report = self.ids, self.rev, self.stories, self.report
            for child in list(new_box):
                new_box.remove(child)
            inner.blocks(new_box, blocks)

    def _wrap_element(self, wrap, from_old: bool):
        """A fresh wrapper element (hyperlink, field, content control) and the element its runs go in."""
        el = _element(wrap.xml)
        if from_old and self.relinker is not None:
            self.relinker.element(el)
        holder = el.find(qn("w:sdtContent")) if el.tag == qn("w:sdt") else el
        return el, (holder if holder is not None else el)

    def _revise_ppr(self, p, para: RPara) -> None:
        """Give the w:pPr that ``p`` starts with its old numbering ids, mark revision and w:pPrChange."""
        ppr = p[0] if len(p) else None
        if para.props_from_old:
            self._old_ppr(ppr)
        if para.mark == KEEP and para.old_props is None:
            return
        if ppr is None:
            ppr = etree.SubElement(p, _PPR)
        if para.mark != KEEP:
            rpr = ppr.find(qn("w:rPr"))
            if rpr is None:
                rpr = etree.Element(qn("w:rPr"))
                anchor = ppr.find(qn("w:sectPr"))
                if anchor is None:
                    anchor = ppr.find(qn("w:pPrChange"))
                if anchor is not None:
                    anchor.addprevious(rpr)
                else:
                    ppr.append(rpr)
            rpr.insert(0, self._stamp(etree.Element(qn(_WRAPPER[para.mark])), para.author, para.date))
        if para.old_props is not None:
            change = self._stamp(etree.SubElement(ppr, qn("w:pPrChange")), para.author or _first_author(para),
                                 para.date or _first_date(para))
            change.append(self._old_ppr(_base_ppr(para.old_props)))

    def _move_range(self, p, para: RPara, start: bool) -> None:
        name, _, _ = para.move
        side = "moveFrom" if para.mark == MOVE_FROM else "moveTo"
        if start:
            el = etree.SubElement(p, qn(f"w:{side}RangeStart"))
            self._stamp(el, para.author, para.date)
            el.set(qn("w:name"), name)
            self._open_range = el.get(qn("w:id"))
        else:
            el = etree.SubElement(p, qn(f"w:{side}RangeEnd"))
            el.set(qn("w:id"), self._open_range)

    # -- comments
    def _comment_marks(self, para: RPara) -> List:
        marks = []
        for span in para.comments:
            cid = self.comment_ids.get(span.comment)
            if cid is None:
                continue
            if span.start is not None and span.start == span.end:
                marks.append((span.end, 2, cid))  # a comment on no words: its reference mark alone
                continue
            if span.start is not None:
                marks.append((span.start, 0, cid))
            if span.end is not None:
                marks.append((span.end, 1, cid))
        marks.sort(key=lambda m: (m[0], m[1]))
        return marks

    def _marks_at(self, p, pos: int, marks: List, final: bool = False, after=None) -> None:
        while marks and (marks[0][0] <= pos or final):
            at, kind, cid = marks.pop(0)
            if kind == 0:
                etree.SubElement(p, qn("w:commentRangeStart")).set(qn("w:id"), cid)
            else:
                if kind == 1:
                    etree.SubElement(p, qn("w:commentRangeEnd")).set(qn("w:id"), cid)
                holder = p
                if after is not None and after.op != KEEP:
                    # The reference goes with the words it follows: a comment on deleted words
                    # goes when the deletion is accepted (as in Word), one on inserted words when
                    # the insertion is rejected; a plain reference run would keep an emptied
                    # paragraph alive in LibreOffice.
                    holder = self._stamp(etree.SubElement(p, qn(_WRAPPER[after.op])), after.author, after.date)
                ref = etree.SubElement(holder, qn("w:r"))
                rpr = etree.SubElement(ref, qn("w:rPr"))
                etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), "CommentReference")
                etree.SubElement(ref, qn("w:commentReference")).set(qn("w:id"), cid)

    # -- tables
    def table(self, table: RTable):
        tbl = etree.Element(qn("w:tbl"))
        for el in _elements(table.props):
            tbl.append(el)
        if tbl.find(qn("w:tblPr")) is None:
            tbl.insert(0, etree.Element(qn("w:tblPr")))
        rows = _Wraps(tbl, self._wrap_element)
        for row in table.rows:
            tr = etree.SubElement(rows.at_wrap(row.wrap, row.op in _REMOVED), qn("w:tr"))
            trpr = _element(row.props)
            if row.op != KEEP:
                if trpr is None:
                    trpr = etree.Element(qn("w:trPr"))
                if len(trpr) == 0:
                    # The schema wants one row property before w:ins/w:del: state the default.
                    etree.SubElement(trpr, qn("w:cantSplit")).set(qn("w:val"), "off")
                trpr.append(self._stamp(etree.Element(qn(_WRAPPER[row.op])), row.author, row.date))
            if trpr is not None:
                tr.append(trpr)
            cells = _Wraps(tr, self._wrap_element)
            for cell in row.cells:
                tc = etree.SubElement(cells.at_wrap(cell.wrap, row.op in _REMOVED), qn("w:tc"))
                tcpr = _element(cell.props)
                if tcpr is not None:
                    tc.append(tcpr)
                self.blocks(tc, cell.blocks)
                if len(tc) == 0 or tc[-1].tag != qn("w:p"):
                    etree.SubElement(tc, qn("w:p"))
        return tbl

    def blocks(self, parent, blocks) -> None:
        """The blocks of a container, those in one block-level content control inside it."""
        wraps = _Wraps(parent, self._wrap_element)
        for b in blocks:
            holder = wraps.at_chain(b.block_wrap, _from_old(b)) if b.block_wrap or wraps.open else parent
            holder.append(self.table(b) if isinstance(b, RTable) else self.paragraph(b))


class _NoteQueue:
    """The note references and text boxes of both drafts, taken in the order the redline writes
    them: all of a kind may share one marker, and the k-th one written on a side is that side's
    k-th. One kept on both sides pairs an old note (box) with a new one (``pairs``)."""

    def __init__(self, old: tuple, new: tuple):
        self.old, self.new = list(old), list(new)
        self.pairs: List[tuple] = []  # (kind, old reference Obj or None, new reference Obj or None)
        self.boxes = 0  # text boxes taken so far

    def take(self, obj, op: str) -> tuple:
        """(old, new) of the next one of ``obj``'s kind written with revision ``op`` (None on
        the side that does not show it)."""
        old = self._next(self.old, obj.kind) if op in (KEEP, DEL, MOVE_FROM) else None
        new = self._next(self.new, obj.kind) if op in (KEEP, INS, MOVE_TO) else None
        self.pairs.append((obj.kind, old, new))
        self.boxes += obj.kind == "textbox"
        return old, new

    @staticmethod
    def _next(queue: list, kind: str):
        for k, ref in enumerate(queue):
            if ref.kind == kind:
                return queue.pop(k)
        return None


class _Cursor:
    """Where a paragraph being written has got to: the text offset, the comment marks still to
    place (``BodyWriter._comment_marks``), the piece written last."""

    def __init__(self, marks: List):
        self.pos, self.marks, self.last = 0, marks, None


def _by_wrapper(pieces, depth: int):
    """(wrapper at ``depth`` or None, consecutive pieces sharing it), in order."""
    out: List[tuple] = []
    for piece in pieces:
        wrap = piece.wrap[depth] if len(piece.wrap) > depth else None
        if out and out[-1][0] == wrap:
            out[-1][1].append(piece)
        else:
            out.append((wrap, [piece]))
    return out


class _Wraps:
    """The content controls open in a container being written: blocks, rows or cells in the same
    block-, row- or cell-level content control go into one element."""

    def __init__(self, p, make):
        self.p, self.make = p, make
        self.open: List[tuple] = []  # (Wrap, element, holder)

    def at_wrap(self, wrap, from_old: bool):
        """The element a row or cell goes in: its content control's, or the table's (the row's)."""
        return self.at_chain((wrap,) if wrap is not None else (), from_old)

    def at_chain(self, wrap: tuple, from_old: bool):
        """The element something inside the wrappers ``wrap`` goes in, opening and closing them."""
        keep = 0
        while keep < len(self.open) and keep < len(wrap) and self.open[keep][0] == wrap[keep]:
            keep += 1
        del self.open[keep:]
        for w in wrap[keep:]:
            parent = self.open[-1][2] if self.open else self.p
            el, holder = self.make(w, from_old)
            parent.append(el)
            self.open.append((w, el, holder))
        return self.open[-1][2] if self.open else self.p


_VML = "urn:schemas-microsoft-com:vml"
_BOOKMARKS = (qn("w:bookmarkStart"), qn("w:bookmarkEnd"))


def unique_ids(root, ids: Optional["_Ids"] = None) -> None:
    """Make the ids that must be unique in a part unique again where old and new content now
    stand side by side: drawing ids (wp:docPr), VML shape and shape-type ids (the shapes of a
    renamed type follow it), bookmark ids (each end follows its start) and content-control ids."""
    seen: set = set()
    for el in root.iter(qn("wp:docPr")):
        _unique(el, "id", seen, numeric=True)
    seen = set()
    for el in root.iter("{%s}shapetype" % _VML):
        old = el.get("id")
        if old is not None and _unique(el, "id", seen) != old:  # its shapes in the same picture follow
            for shape in el.getparent().iter("{%s}*" % _VML):
                if shape.get("type") == "#" + old:
                    shape.set("type", "#" + el.get("id"))
    for el in root.iter("{%s}*" % _VML):
        if el.tag != "{%s}shapetype" % _VML and el.get("id") is not None:
            _unique(el, "id", seen)
    _unique_bookmarks(root, ids)
    seen = set()
    for el in root.iter(qn("w:sdtPr")):
        sid = el.find(qn("w:id"))
        if sid is not None:
            _unique(sid, qn("w:val"), seen, numeric=True)


def _unique_bookmarks(root, ids: Optional["_Ids"]) -> None:
    """Bookmark ids unique, each end closing the start before it. A kept start whose end moved
    (a deleted end, then an inserted one) is split in two: the start as it was for the removed
    end, a copy with a fresh id for the added end, each in its revision, so each view keeps
    one whole bookmark."""
    seen: set = set()
    open_ids: dict = {}  # old id -> [(new id, start)] not yet closed
    closed: dict = {}  # old id -> (new id, start, end) closed last
    for el in list(root.iter(*_BOOKMARKS)):
        old = el.get(qn("w:id"))
        if old is None:
            continue
        if el.tag == _BOOKMARKS[0]:
            open_ids.setdefault(old, []).append((_unique(el, qn("w:id"), seen, numeric=True), el))
        elif open_ids.get(old):
            new, start = open_ids[old].pop(0)
            el.set(qn("w:id"), new)
            closed[old] = (new, start, el)
        elif old in closed and ids is not None and _split_start(closed[old], el, seen, ids):
            del closed[old]


def _split_start(closing: tuple, end, seen: set, ids: "_Ids") -> bool:
    """Give ``end`` a start of its own (see ``_unique_bookmarks``); False when it is no such case."""
    _, start, first_end = closing
    first, second = _side(first_end), _side(end)  # the revisions the two ends sit in
    if _side(start) is not None or first is None or second is None or first.tag == second.tag:
        return False
    twin = copy.deepcopy(start)
    twin.set(qn("w:id"), _unique(twin, qn("w:id"), seen | {start.get(qn("w:id"))}, numeric=True))
    seen.add(twin.get(qn("w:id")))
    end.set(qn("w:id"), twin.get(qn("w:id")))
    removed = _revision_like(first, ids)
    start.addprevious(removed)
    removed.append(start)
    added = _revision_like(second, ids)
    added.append(twin)
    removed.addnext(added)
    return True


def _revision_like(revision, ids: "_Ids"):
    """A new revision element of ``revision``'s kind, author and date, with a fresh id."""
    el = etree.Element(revision.tag)
    el.set(_ID, ids.next())
    for name in (_AUTHOR, _DATE):
        if revision.get(name) is not None:
            el.set(name, revision.get(name))
    return el


def _side(el):
    """The w:del/w:ins (or move) element ``el`` sits in, up to its paragraph, or None."""
    for anc in el.iterancestors():
        if anc.tag == _P:
            return None
        if anc.tag in _REVISION_WRAPPERS:
            return anc
    return None


_REVISION_WRAPPERS = frozenset(_WRAPPER_TAG.values())


def _unique(el, attr: str, seen: set, numeric: bool = False) -> str:
    """Give ``el`` a value of ``attr`` not in ``seen`` (its own when it is free); record it."""
    value = el.get(attr)
    if value is None:
        return value
    if value in seen:
        n = 1
        while (str(n) if numeric else f"{value}_{n}") in seen:
            n += 1
        value = str(n) if numeric else f"{value}_{n}"
        el.set(attr, value)
    seen.add(value)
    return value


def _from_old(block) -> bool:
    """Whether a block's XML (its content controls') is the old draft's."""
    return isinstance(block, RPara) and block.props_from_old


def _first_author(para: RPara) -> str:
    return next((p.author for p in para.pieces if p.author), "policydiff")


def _first_date(para: RPara) -> str:
    return next((p.date for p in para.pieces if p.date), "")


def _base_ppr(props: str):
    """The old paragraph properties as w:pPrChange holds them: no run, section or change children."""
    ppr = _element(props) if props else etree.Element(qn("w:pPr"))
    for tag in ("w:rPr", "w:sectPr", "w:pPrChange"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    return ppr


def _cut(start: int, end: int, marks: List):
    """Split [start, end) at the comment mark offsets inside it."""
    points = sorted({m[0] for m in marks if start < m[0] < end})
    edges = [start] + points + [end]
    return list(zip(edges, edges[1:]))


# ---------------------------------------------------------------- comments part

def comments_part(comments, ids: Dict[int, str]) -> bytes:
    """word/comments.xml for the given model.Comment values."""
    root = etree.Element(qn("w:comments"), nsmap={"w": nsmap["w"], "w14": nsmap["w14"]})
    for index, c in enumerate(comments):
        el = etree.SubElement(root, qn("w:comment"))
        el.set(qn("w:id"), ids[index])
        el.set(qn("w:author"), c.author or "policydiff")
        if c.date:
            el.set(qn("w:date"), c.date)
        if c.initials:
            el.set(qn("w:initials"), c.initials)
        for n, line in enumerate((c.text or "").split("\n")):
            p = etree.SubElement(el, qn("w:p"))
            p.set(qn("w14:paraId"), _para_id(index, n))
            ppr = etree.SubElement(p, qn("w:pPr"))
            etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), "CommentText")
            if n == 0:
                ref = etree.SubElement(p, qn("w:r"))
                rpr = etree.SubElement(ref, qn("w:rPr"))
                etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), "CommentReference")
                etree.SubElement(ref, qn("w:annotationRef"))
            r = etree.SubElement(p, qn("w:r"))
            BodyWriter._text(r, line, False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _para_id(index: int, n: int) -> str:
    # w14:paraId must be below 0x80000000; derive it from the comment's position.
    return "%08X" % (0x10000000 + index * 64 + n)


def comments_extended_part(comments, ids: Dict[int, str]) -> Optional[bytes]:
    """word/commentsExtended.xml with replies and resolved state, or None when not needed."""
    by_id = {c.id: i for i, c in enumerate(comments) if c.id}
    if not any(c.parent_id or c.done for c in comments):
        return None
    root = etree.Element(qn("w15:commentsEx"), nsmap={"w15": nsmap["w15"]})
    for index, c in enumerate(comments):
        last = len((c.text or "").split("\n")) - 1
        ex = etree.SubElement(root, qn("w15:commentEx"))
        ex.set(qn("w15:paraId"), _para_id(index, last))
        parent = by_id.get(c.parent_id) if c.parent_id else None
        if parent is not None:
            plast = len((comments[parent].text or "").split("\n")) - 1
            ex.set(qn("w15:paraIdParent"), _para_id(parent, plast))
        ex.set(qn("w15:done"), "1" if c.done else "0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- the package

_COMMENT_STYLES = {
    "CommentText": ("paragraph", "annotation text", '<w:sz w:val="20"/><w:szCs w:val="28"/>'),
    "CommentReference": ("character", "annotation reference", '<w:sz w:val="16"/><w:szCs w:val="16"/>'),
}


def _ensure_comment_styles(styles: bytes) -> bytes:
    root = etree.fromstring(styles)
    have = {s.get(qn("w:styleId")) for s in root.iter(qn("w:style"))}
    changed = False
    for sid, (kind, name, rpr) in _COMMENT_STYLES.items():
        if sid in have:
            continue
        el = etree.fromstring(
            f'<w:style xmlns:w="{nsmap["w"]}" w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{"Normal" if kind == "paragraph" else "DefaultParagraphFont"}"/>'
            f'<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr>{rpr}</w:rPr></w:style>'
        )
        root.append(el)
        changed = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if changed else styles


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _add_relationship(rels: Optional[bytes], rel_type: str, target: str) -> bytes:
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


def _add_override(types: bytes, partname: str, content_type: str) -> bytes:
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


def render_document(template_document: bytes, redline: Redline, comment_ids: Dict[int, str],
                    num_map: Optional[Dict[str, str]] = None, relinker: Optional[Relinker] = None,
                    writer: Optional[BodyWriter] = None) -> bytes:
    """word/document.xml: the template's root and section properties around the redline's body."""
    root = etree.fromstring(template_document)
    body = root.find(_BODY)
    sect = body.find(qn("w:sectPr")) if body is not None else None
    if body is None:
        body = etree.SubElement(root, _BODY)
    del body[:]  # unlike remove() one by one, frees the old body without re-homing each subtree
    writer = writer or BodyWriter(comment_ids, num_map, redline.objects, redline.old_objects, relinker)
    writer.notes = _NoteQueue(redline.old_stories, redline.new_stories)
    writer.blocks(body, redline.blocks)
    unique_ids(body, writer.ids)
    if sect is not None:
        if redline.landscape_tail:
            _landscape(sect)
        body.append(sect)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _number(value) -> int:
    """A decimal attribute value as int; 0 for a missing or malformed one (odd files exist)."""
    return int(value) if value and value.isascii() and value.isdigit() else 0


def _merge_numbering(parts: Dict[str, bytes], template, old) -> Dict[str, str]:
    """Bring the old version's numbering definitions into the package; return old→new numIds."""
    main = template.main_part
    old_name = old.part_by_type(old.main_part, "numbering") if old is not None else None
    if old_name is None:
        return {}
    old_bytes = old.read(old_name)
    new_name = template.part_by_type(main, "numbering")
    if new_name is None:
        folder = main.rpartition("/")[0]
        name = f"{folder}/numbering.xml" if folder else "numbering.xml"
        parts[name] = old_bytes
        rels = _rels_name(main)
        parts[rels] = _add_relationship(parts.get(rels), REL_TYPES["numbering"], "numbering.xml")
        parts["[Content_Types].xml"] = _add_override(parts["[Content_Types].xml"], name, CONTENT_TYPES["numbering"])
        return {}
    if parts[new_name] == old_bytes:
        return {}
    root, src = etree.fromstring(parts[new_name]), etree.fromstring(old_bytes)
    abstract_ids = [_number(a.get(qn("w:abstractNumId"))) for a in root.iter(qn("w:abstractNum"))]
    num_ids = [_number(n.get(qn("w:numId"))) for n in root.iter(qn("w:num"))]
    a_off, n_off = max(abstract_ids, default=-1) + 1, max(num_ids, default=0) + 1
    a_map, num_map = {}, {}
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
    parts[new_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return num_map


def _landscape(sect) -> None:
    """Turn a w:sectPr's page to landscape (swap width and height)."""
    size = sect.find(qn("w:pgSz"))
    if size is None:
        return
    w, h = size.get(qn("w:w")), size.get(qn("w:h"))
    if w and h and _number(w) < _number(h):
        size.set(qn("w:w"), h)
        size.set(qn("w:h"), w)
    size.set(qn("w:orient"), "landscape")


def write_package(template, redline: Redline, old=None, stories: Optional[list] = None) -> bytes:
    """The whole .docx as bytes, using ``template`` (an opened Package) for every other part.

    ``old`` is the old version's package: numbering its paragraphs use is brought along.
    ``stories``: a list to which each story besides the body that changed is appended as
    (name, ``change_counts`` of its redline).
    """
    main = template.main_part
    parts: Dict[str, bytes] = {name: template.read(name) for name in template.names}
    if redline.own_comments:  # the new draft's own comments: its parts as they are, ids as they were
        comment_ids = {i: c.id for i, c in enumerate(redline.comments)}
    else:
        comment_ids = {i: str(i) for i in range(len(redline.comments))}
    num_map = _merge_numbering(parts, template, old)
    # The reader left the template's document emptied of its body: parsing that costs nothing,
    # parsing the part again costs as much as reading it (0.16 s for an 8 MB Word draft).
    skeleton = getattr(template, "skeleton", None)
    relinker = Relinker(parts, main, template, old) if old is not None else None
    writer = BodyWriter(comment_ids, num_map, redline.objects, redline.old_objects, relinker)
    writer.report = stories if stories is not None else []
    if old is not None:
        writer.rev = Revision(author=redline.author or "policydiff", date=redline.date)
        from .stories import story_reader

        readers = {"old": story_reader(old, old.main_part), "new": story_reader(template, main)}
        writer.stories = lambda side, element: Document(blocks=readers[side].blocks(element)).view("accept")
    parts[main] = render_document(skeleton or parts[main], redline, comment_ids, num_map, relinker, writer)
    if relinker is not None:
        _write_stories(parts, template, old, redline, relinker, writer)
        relinker.finish()
        stories = [main] + [template.part_by_type(main, kind) for kind in ("footnotes", "endnotes")]
        stories += list(relinker.copied.values())
        bring_styles(parts, template.part_by_type(main, "styles"), old, stories)
    if redline.comments and not redline.own_comments:
        folder = main.rpartition("/")[0]
        cpart = f"{folder}/comments.xml" if folder else "comments.xml"
        parts[cpart] = comments_part(redline.comments, comment_ids)
        rels = _rels_name(main)
        parts[rels] = _add_relationship(parts.get(rels), REL_TYPES["comments"], "comments.xml")
        types = _add_override(parts["[Content_Types].xml"], cpart, CONTENT_TYPES["comments"])
        extended = comments_extended_part(redline.comments, comment_ids)
        if extended is not None:
            xpart = f"{folder}/commentsExtended.xml" if folder else "commentsExtended.xml"
            parts[xpart] = extended
            parts[rels] = _add_relationship(parts[rels], REL_TYPES["commentsExtended"], "commentsExtended.xml")
            types = _add_override(types, xpart, CONTENT_TYPES["commentsExtended"])
        parts["[Content_Types].xml"] = types
        styles = template.part_by_type(main, "styles")
        if styles in parts:
            parts[styles] = _ensure_comment_styles(parts[styles])
    _mark(parts)
    return zip_parts(parts, order=list(template.names))


_CUSTOM = "docProps/custom.xml"
_CUSTOM_NS, _VT_NS = nsmap["cp2"], nsmap["vt"]
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _mark(parts: Dict[str, bytes]) -> None:
    """Add the custom document property that says policydiff wrote this file (``ownfiles``), so
    a round folder never reads it back as a division's copy."""
    from ..ownfiles import MARK_PROPERTY

    if _CUSTOM in parts:
        root = etree.fromstring(parts[_CUSTOM])
    else:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
        parts["_rels/.rels"] = _add_relationship(parts.get("_rels/.rels"), REL_TYPES["custom-properties"],
                                                 _CUSTOM)
        parts["[Content_Types].xml"] = _add_override(parts["[Content_Types].xml"], _CUSTOM,
                                                     CONTENT_TYPES["custom-properties"])
    props = root.findall(f"{{{_CUSTOM_NS}}}property")
    if any(p.get("name") == MARK_PROPERTY for p in props):
        return
    pids = [int(p.get("pid")) for p in props if (p.get("pid") or "").isdigit()]
    prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(max(pids + [1]) + 1),
                            name=MARK_PROPERTY)
    etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = "written by policydiff; not a division's copy"
    parts[_CUSTOM] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write_stories(parts, template, old, redline: Redline, relinker: Relinker, body: BodyWriter) -> None:
    """Notes, headers and footers redlined as the body is (``stories``), one id counter for all."""
    from .stories import StoryWriter, story_reader

    def make_writer(objects, old_objects, part_relinker):
        w = BodyWriter(None, body.num_map, objects, old_objects, part_relinker)
        w.ids = body.ids
        return w

    rev = Revision(author=redline.author or "policydiff", date=redline.date)
    stories = StoryWriter(parts, template, old, relinker, rev, story_reader, make_writer, body.report)
    stories.notes(body.notes.pairs)
    stories.headers_and_footers()


def zip_parts(parts: Dict[str, bytes], order: Optional[List[str]] = None) -> bytes:
    """A deterministic zip: [Content_Types].xml first, then the given order, then the rest sorted."""
    names = ["[Content_Types].xml"] if "[Content_Types].xml" in parts else []
    for name in (order or []) + sorted(parts):
        if name in parts and name not in names:
            names.append(name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, parts[name], compresslevel=_ZIP_LEVEL)
    return buf.getvalue()
