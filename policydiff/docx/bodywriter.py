"""Redline blocks written as WordprocessingML: paragraphs and their runs, wrappers (hyperlinks,
fields, content controls), objects, text boxes redlined in place, and tables."""

from __future__ import annotations

from typing import Dict, List, Optional

from lxml import etree

from ..core import objects as _objects
from ..core.model import STORY_KINDS
from ..core.redline import DEL, INS, KEEP, MOVE_FROM, MOVE_TO, RPara, RTable, Revision, change_counts, diff_blocks
from .fragments import (_MAX_TEXT_NODE, _R, _REMOVED, _RPR, _RPR_CHANGE, _TXBX, _WRAPPER, _WRAPPER_TAG,
                        _element, _elements, _fresh, _Ids, _paragraph_start, _parsed, _run_start, _text)
from .marks import MarkWriter, _Cursor, _cut
from .ns import qn
from .parts import Relinker


class BodyWriter(MarkWriter):
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
        _text(r, text, removed)
        return r


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
                    self._inserted_simple_field(revision, wrap, group, depth, cursor)
                    continue
                el, holder = self._wrap_element(wrap, first.op in _REMOVED)
                revision.append(el)
                self._group(holder, group, depth + 1, first, cursor)
                continue
            el, holder = self._wrap_element(wrap, first.op in _REMOVED)
            parent.append(el)
            self._group(holder, group, depth + 1, inside, cursor)

    def _inserted_simple_field(self, revision, wrap, group, depth: int, cursor: "_Cursor") -> None:
        """A simple field inserted or deleted whole, written as the complex field it stands for
        (a revision holds runs, not w:fldSimple); one without an instruction is no field, and
        only its runs are written."""
        instr = _parsed(wrap.xml).get(qn("w:instr"), "")
        if instr.strip():
            self._complex_field(revision, instr, group, depth, cursor)
        else:
            self._group(revision, group, depth + 1, group[0], cursor)

    def _complex_field(self, revision, instr: str, group, depth: int, cursor: "_Cursor") -> None:
        first = group[0]
        removed = first.op in _REMOVED

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


def _from_old(block) -> bool:
    """Whether a block's XML (its content controls') is the old draft's."""
    return isinstance(block, RPara) and block.props_from_old
