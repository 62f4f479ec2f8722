"""Read a .docx into the pure model: blocks, runs with formatting, tracked changes, comments."""

from __future__ import annotations

from dataclasses import replace
from typing import List, Optional

from lxml import etree

from ..core.model import (
    DELETE, INSERT, MOVE_FROM, MOVE_TO, Cell, Change, Comment, CommentMark, Document, Format, Meta,
    Paragraph, Row, Run, Table,
)
from .ns import qn
from .numbering import Numbering, style_numbering

_CHANGE_TAGS = {qn("w:ins"): INSERT, qn("w:del"): DELETE, qn("w:moveFrom"): MOVE_FROM, qn("w:moveTo"): MOVE_TO}
_CONTAINERS = {qn(t) for t in ("w:hyperlink", "w:smartTag", "w:customXml", "w:fldSimple", "w:dir", "w:bdo")}
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_TEXT_TAGS = {qn("w:t"), qn("w:delText")}
_SPECIAL = {
    qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "\u2011", qn("w:softHyphen"): "\u00ad",
}
_OFF = ("0", "false", "off", "none")
VIEWS = ("accept", "reject", "all")


def change_of(el) -> Change:
    """Return the Change described by a w:ins/w:del/w:moveFrom/w:moveTo element."""
    return Change(_CHANGE_TAGS[el.tag], el.get(qn("w:author"), ""), el.get(qn("w:date"), ""), el.get(qn("w:id"), ""))


def _on(rpr, *tags: str) -> bool:
    for tag in tags:
        el = rpr.find(qn(tag))
        if el is not None and el.get(qn("w:val"), "true") not in _OFF:
            return True
    return False


def format_of(rpr) -> Format:
    """Return the comparable formatting of a w:rPr (None → plain)."""
    if rpr is None:
        return Format()
    size = None
    for tag in ("w:szCs", "w:sz"):
        el = rpr.find(qn(tag))
        if el is not None and (el.get(qn("w:val")) or "").isdigit():
            size = int(el.get(qn("w:val")))
            break
    u = rpr.find(qn("w:u"))
    return Format(
        bold=_on(rpr, "w:b", "w:bCs"),
        italic=_on(rpr, "w:i", "w:iCs"),
        underline=u is not None and u.get(qn("w:val"), "single") not in _OFF,
        strike=_on(rpr, "w:strike", "w:dstrike"),
        size=size,
    )


def _xml(el) -> str:
    return etree.tostring(el, encoding="unicode") if el is not None else ""


def _without(el, *tags: str):
    """A copy of ``el`` without children of the given tags (None stays None)."""
    if el is None:
        return None
    drop = {qn(t) for t in tags}
    if not any(child.tag in drop for child in el):
        return el
    copy = etree.fromstring(etree.tostring(el))
    for child in list(copy):
        if child.tag in drop:
            copy.remove(child)
    return copy


class _Reader:
    def __init__(self, styles_root=None):
        self.style_num = style_numbering(styles_root)
        self.warnings: List[str] = []

    def blocks(self, parent) -> tuple:
        out = []
        for child in parent:
            tag = child.tag
            if tag == qn("w:p"):
                out.append(self.paragraph(child))
            elif tag == qn("w:tbl"):
                out.append(self.table(child))
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    out.extend(self.blocks(content))
            elif tag == qn("w:customXml"):
                out.extend(self.blocks(child))
        return tuple(out)

    def table(self, tbl) -> Table:
        props = "".join(_xml(tbl.find(qn(t))) for t in ("w:tblPr", "w:tblGrid"))
        rows = tuple(self.row(tr) for tr in tbl.iter(qn("w:tr")) if tr.getparent() is tbl)
        return Table(rows=rows, props=props)

    def row(self, tr) -> Row:
        trpr = tr.find(qn("w:trPr"))
        change = None
        if trpr is not None:
            for tag in ("w:ins", "w:del"):
                el = trpr.find(qn(tag))
                if el is not None:
                    change = change_of(el)
        cells = tuple(
            Cell(blocks=self.blocks(tc), props=_xml(tc.find(qn("w:tcPr"))))
            for tc in tr if tc.tag == qn("w:tc")
        )
        return Row(cells=cells, props=_xml(_without(trpr, "w:ins", "w:del")), change=change)

    def paragraph(self, p) -> Paragraph:
        ppr = p.find(qn("w:pPr"))
        style, num, mark = "", None, None
        if ppr is not None:
            style = self._val(ppr.find(qn("w:pStyle"))) or ""
            num = self._numpr(ppr.find(qn("w:numPr")))
            mark_rpr = ppr.find(qn("w:rPr"))
            if mark_rpr is not None:
                for el in mark_rpr:
                    if el.tag in _CHANGE_TAGS:
                        mark = change_of(el)
        if num is None and style in self.style_num:
            num = self.style_num[style]
        runs: List = []
        self.inlines(p, None, runs)
        para = Paragraph(runs=tuple(runs), style=style, props=_xml(self._clean_ppr(ppr)), mark_change=mark, num=num)
        change = ppr.find(f"{qn('w:pPrChange')}/{qn('w:pPr')}") if ppr is not None else None
        if change is None:
            return para
        old_style = self._val(change.find(qn("w:pStyle"))) or ""
        old_num = self._numpr(change.find(qn("w:numPr")))
        if old_num is None and old_style in self.style_num:
            old_num = self.style_num[old_style]
        return replace(para, has_prop_change=True, old_style=old_style, old_num=old_num)

    @staticmethod
    def _clean_ppr(ppr):
        if ppr is None:
            return None
        ppr = _without(ppr, "w:pPrChange")
        rpr = ppr.find(qn("w:rPr"))
        if rpr is not None and any(c.tag in _CHANGE_TAGS for c in rpr):
            ppr = etree.fromstring(etree.tostring(ppr))
            rpr = ppr.find(qn("w:rPr"))
            for c in list(rpr):
                if c.tag in _CHANGE_TAGS:
                    rpr.remove(c)
        return ppr

    @staticmethod
    def _val(el) -> Optional[str]:
        return None if el is None else el.get(qn("w:val"))

    def _numpr(self, numpr):
        if numpr is None:
            return None
        num_id = self._val(numpr.find(qn("w:numId")))
        if num_id is None:
            return None
        ilvl = self._val(numpr.find(qn("w:ilvl"))) or "0"
        return (num_id, int(ilvl) if ilvl.isdigit() else 0)

    def inlines(self, parent, change: Optional[Change], out: List) -> None:
        for child in parent:
            tag = child.tag
            if tag == qn("w:r"):
                run = self.run(child, change)
                if run is not None:
                    out.append(run)
            elif tag in _CHANGE_TAGS:
                # Nested revisions (hostile or odd files): the innermost one describes the text.
                self.inlines(child, change_of(child), out)
            elif tag in _CONTAINERS:
                self.inlines(child, change, out)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.inlines(content, change, out)
            elif tag == qn("w:commentRangeStart"):
                out.append(CommentMark("start", child.get(qn("w:id"), "")))
            elif tag == qn("w:commentRangeEnd"):
                out.append(CommentMark("end", child.get(qn("w:id"), "")))

    def run(self, r, change: Optional[Change]) -> Optional[Run]:
        parts = []
        for child in r:
            tag = child.tag
            if tag in _TEXT_TAGS:
                parts.append(child.text or "")
            elif tag in _SPECIAL:
                parts.append(_SPECIAL[tag])
            elif tag == qn("w:sym"):
                parts.append(self._sym(child))
        if not parts:
            return None
        rpr = r.find(qn("w:rPr"))
        old = rpr.find(qn("w:rPrChange")) if rpr is not None else None
        old_rpr = old.find(qn("w:rPr")) if old is not None else None
        clean = _without(rpr, "w:rPrChange")
        return Run(
            text="".join(parts), fmt=format_of(clean), props=_xml(clean), change=change,
            old_fmt=format_of(old_rpr) if old is not None else None,
            old_props=_xml(old_rpr) if old is not None else None,
        )

    def _sym(self, el) -> str:
        try:
            return chr(int(el.get(qn("w:char"), ""), 16))
        except (ValueError, OverflowError):
            self.warnings.append("a w:sym with an unreadable character code was left out")
            return ""


def read_comments(comments_root, extended_root=None) -> tuple:
    """Return the comments of comments.xml with replies and resolved state from commentsExtended."""
    if comments_root is None:
        return ()
    ext = {}
    if extended_root is not None:
        for ex in extended_root.iter(qn("w15:commentEx")):
            ext[ex.get(qn("w15:paraId"))] = (ex.get(qn("w15:paraIdParent")), ex.get(qn("w15:done")) == "1")
    para_owner = {}
    comments = []
    for c in comments_root.iter(qn("w:comment")):
        paras = c.findall(qn("w:p"))
        text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paras)
        last_para = paras[-1].get(qn("w14:paraId")) if paras else None
        cid = c.get(qn("w:id"), "")
        if last_para:
            para_owner[last_para] = cid
        comments.append((cid, c, text, last_para))
    out = []
    for cid, c, text, last_para in comments:
        parent_para, done = ext.get(last_para, (None, False))
        out.append(Comment(
            id=cid, author=c.get(qn("w:author"), ""), initials=c.get(qn("w:initials"), ""),
            date=c.get(qn("w:date"), ""), text=text, parent_id=para_owner.get(parent_para, "") if parent_para else "",
            done=done,
        ))
    return tuple(out)


def read_meta(core_root) -> Meta:
    """Return title, author and dates from docProps/core.xml."""
    if core_root is None:
        return Meta()

    def text(tag: str) -> str:
        el = core_root.find(qn(tag))
        return (el.text or "").strip() if el is not None else ""

    return Meta(title=text("dc:title"), author=text("dc:creator"), created=text("dcterms:created"),
                modified=text("dcterms:modified"))


def read_parts(document_root, *, numbering_root=None, styles_root=None, comments_root=None,
               extended_root=None, core_root=None, view: str = "accept", source: str = "") -> Document:
    """Build a Document from parsed parts, in the given view of tracked changes."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    reader = _Reader(styles_root)
    body = document_root.find(qn("w:body"))
    blocks = reader.blocks(body) if body is not None else ()
    doc = Document(blocks=blocks, comments=read_comments(comments_root, extended_root),
                   meta=read_meta(core_root), warnings=tuple(reader.warnings), source=source)
    if view != "all":
        doc = doc.view(view)
    numbering = Numbering(numbering_root)
    doc = replace(doc, blocks=_label_blocks(doc.blocks, numbering))
    return replace(doc, warnings=doc.warnings + tuple(dict.fromkeys(numbering.warnings)))


def _label_blocks(blocks, numbering: Numbering) -> tuple:
    # Counters advance in document order, table cells included, as Word renders them.
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(replace(b, label=numbering.label(*b.num)) if b.num else b)
        else:
            rows = tuple(
                replace(r, cells=tuple(replace(c, blocks=_label_blocks(c.blocks, numbering)) for c in r.cells))
                for r in b.rows
            )
            out.append(replace(b, rows=rows))
    return tuple(out)


def read_package(pkg, view: str = "accept") -> Document:
    """Read an opened Package (see ``package.open_package``) into a Document."""
    main = pkg.main_part

    def part(source: str, key: str):
        name = pkg.part_by_type(source, key)
        return pkg.xml(name) if name else None

    doc = read_parts(
        pkg.main_document(), numbering_root=part(main, "numbering"), styles_root=part(main, "styles"),
        comments_root=part(main, "comments"), extended_root=part(main, "commentsExtended"),
        core_root=part("/", "core-properties"), view=view, source=str(pkg.path),
    )
    return replace(doc, warnings=tuple(pkg.warnings) + doc.warnings) if pkg.warnings else doc


def read_docx(path, view: str = "accept") -> Document:
    """Open and read a .docx file; raises an InputError subclass for bad input."""
    from .package import open_package

    return read_package(open_package(path), view)
