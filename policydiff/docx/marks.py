"""The marks around a paragraph's content: each revision's id, author and date, the paragraph
mark's revision and w:pPrChange, move ranges, comment ranges and their reference marks."""

from __future__ import annotations

from typing import List

from lxml import etree

from ..core.redline import KEEP, MOVE_FROM, RPara
from .fragments import _AUTHOR, _DATE, _ID, _PPR, _WRAPPER, _element
from .ns import qn


class MarkWriter:
    """The revision and comment marks of ``BodyWriter``: it needs ``ids``, ``comment_ids``,
    ``num_map`` and ``relinker``."""

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


class _Cursor:
    """Where a paragraph being written has got to: the text offset, the comment marks still to
    place (``BodyWriter._comment_marks``), the piece written last."""

    def __init__(self, marks: List):
        self.pos, self.marks, self.last = 0, marks, None


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
