"""The body reader: paragraphs, tables and their runs, objects and wrappers, in one view of the
tracked changes (accept, reject or all)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import List, Optional

from lxml import etree

from ..i18n import _
from ..core.model import DELETE, INSERT, MOVE_FROM, MOVE_TO, Cell, Change, CommentMark, Paragraph, Row, Run, Table
from . import known
from .ns import qn
from .numbering import style_numbering
from .objects import SKIPPED, WRAPPERS, ObjectReader
from .runs import (
    NO_RUN_PROPS, RUN_PROPS_MAX, Fragment, NotPlain, cancels, change_of, first_child, first_children, int_value,
    joined_runs, plain_run, props_of_run, without_children, xml_of,
)
from .safexml import MAX_XML_TEXT

_CHANGE_TAGS = {qn("w:ins"): INSERT, qn("w:del"): DELETE, qn("w:moveFrom"): MOVE_FROM, qn("w:moveTo"): MOVE_TO}
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_TEXT_TAGS = {qn("w:t"), qn("w:delText")}
_TAB, _BR = qn("w:tab"), qn("w:br")
_PLAIN_BREAKS = {_TAB: "\t", _BR: "\n"}  # a w:br with a type or clear is an object
_LAST_PAGE_BREAK, _COMMENT_REF = qn("w:lastRenderedPageBreak"), qn("w:commentReference")
# Tags and attributes the hot loops compare against, computed once rather than per element.
_P, _R, _TBL, _CUSTOM_XML = qn("w:p"), qn("w:r"), qn("w:tbl"), qn("w:customXml")
_TR, _TC = qn("w:tr"), qn("w:tc")
_PPR, _RPR, _PSTYLE, _NUMPR = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:numPr")
_PPR_CHANGE, _RPR_CHANGE = qn("w:pPrChange"), qn("w:rPrChange")
_COMMENT_START, _COMMENT_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
_VAL, _ID, _AUTHOR, _DATE, _NAME = qn("w:val"), qn("w:id"), qn("w:author"), qn("w:date"), qn("w:name")
_PPR_PARTS = frozenset((_PSTYLE, _NUMPR, _RPR, _PPR_CHANGE))
_OLD_PPR = f"{_PPR_CHANGE}/{_PPR}"
# A paragraph of plain runs as Word writes it, read from its bytes (``BodyReader.from_bytes``):
# optional w:pPr, then runs of one w:rPr and one w:t, and markup the reader skips anyway.
_PLAIN_PPR = re.compile(rb"<w:pPr>[^<]*(?:<(?!/w:pPr>)[^<]*)*</w:pPr>|<w:pPr/>")
# One run or one skipped element; a w:rPr's body is matched tag by tag (a lazy ``.*?`` tries
# every byte, twice the cost). Groups: the run's attributes, its w:rPr body, an empty w:rPr,
# the w:t's attributes, its text; a skipped element's attributes.
_PLAIN_INLINE = re.compile(
    rb"<w:r(" + known.ATTRS + rb")>(?:<w:rPr>([^<]*(?:<(?!/w:rPr>)[^<]*)*)</w:rPr>|(<w:rPr/>))?"
    rb"(?:<w:lastRenderedPageBreak/>)?<w:t(" + known.ATTRS + rb")(?:>([^<]*)</w:t>|/>)</w:r>"
    rb"|<w:proofErr(" + known.ATTRS + rb")/>")
# A reference other than the five named entities (characters the parser refuses or changes are
# looked for once per document: known.Cut.chars_ok).
_NOT_AN_ENTITY = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos);)")
_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"), (b"&amp;", b"&"))
VIEWS = ("accept", "reject", "all")




# Paragraphs already read, by (style numbering, w:p XML): the reviewed copies of a round repeat
# the base draft and each other almost paragraph for paragraph. The model is immutable, so a hit
# is the same object (the redline refers to paragraphs by position, never by identity).
_READ: dict = {}
_READ_MAX = 1 << 17


def _has_objects(para: Paragraph) -> bool:
    """Whether ``para`` holds objects or wrappers, or a comment's reference mark (whether it
    stands for a range depends on the rest of the document)."""
    return any((type(r) is Run and (r.obj is not None or r.wrap)) or type(r) is CommentMark for r in para.runs)


def _attrs_ok(judged: dict, cut: "known.Cut", attrs: Optional[bytes]) -> bool:
    """Whether the parser would take these attributes as they are (judged once per distinct bytes)."""
    return not attrs or judged.get(attrs) or cut.attributes_ok(attrs)


def _plain_text(text: Optional[bytes]) -> Optional[bytes]:
    """A w:t's bytes with the five named entities replaced; None when only the parser may read
    them (too long, or another reference)."""
    if not text:
        return b""
    if len(text) > MAX_XML_TEXT:
        return None
    if b"&" in text:
        if _NOT_AN_ENTITY.search(text):
            return None
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    return text


class BodyReader:
    def __init__(self, styles_root=None, objects: Optional[ObjectReader] = None):
        self.objects = objects or ObjectReader()
        self.ranged_comments: set = set()  # ids of comments whose range starts somewhere
        self.style_num = style_numbering(styles_root)
        self.style_key = tuple(sorted(self.style_num.items()))
        self.warnings: List[str] = []
        self.run_props: dict = {}  # w:rPr XML -> its props_of_run: a draft repeats a few formats thousands of times
        # From the main document's raw bytes (see known.py): the placeholder w:p elements and
        # the models they stand for; the other paragraphs' byte keys; the runs left unparsed.
        self.found: dict = {}
        self.placed: set = set()  # the placeholders the reader came to, as blocks
        self.keys: dict = {}
        self.runs_left_out = 0
        self.props_by_bytes: dict = {}  # a w:rPr's bytes -> props_of_run, for from_bytes
        self.heads_by_bytes: dict = {}  # a w:pPr's bytes -> _head, for from_bytes

    def _warn_once(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def blocks(self, parent) -> tuple:
        out = []
        for child in parent:
            tag = child.tag
            if tag == _P:
                out.append(self.paragraph(child))
            elif tag == _TBL:
                out.append(self.table(child))
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    wrap = self.objects.wrap(child)
                    out.extend(replace(b, block_wrap=(wrap,) + b.block_wrap) for b in self.blocks(content))
            elif tag == _CUSTOM_XML:
                out.extend(self.blocks(child))
        return tuple(out)

    def table(self, tbl) -> Table:
        props = "".join(xml_of(tbl.find(qn(t))) for t in ("w:tblPr", "w:tblGrid"))
        rows = tuple(self.row(tr, wrap) for tr, wrap in self._wrapped(tbl, _TR))
        return Table(rows=rows, props=props)

    def _wrapped(self, parent, tag):
        """(element, content control around it or None) of ``parent``'s ``tag`` children, also
        those inside a row- or cell-level content control (w:tbl/w:sdt/w:tr, w:tr/w:sdt/w:tc)."""
        for child in parent:
            if child.tag == tag:
                yield child, None
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    wrap = self.objects.wrap(child)
                    for inner, _ in self._wrapped(content, tag):
                        yield inner, wrap
            elif child.tag == _CUSTOM_XML:
                yield from self._wrapped(child, tag)

    def row(self, tr, wrap=None) -> Row:
        trpr = tr.find(qn("w:trPr"))
        change = None
        if trpr is not None:
            for tag in ("w:ins", "w:del"):
                el = trpr.find(qn(tag))
                if el is not None:
                    change = change_of(el)
        cells = tuple(
            Cell(blocks=self.blocks(tc), props=xml_of(tc.find(qn("w:tcPr"))), wrap=cell_wrap)
            for tc, cell_wrap in self._wrapped(tr, _TC)
        )
        return Row(cells=cells, props=xml_of(without_children(trpr, "w:ins", "w:del")), change=change, wrap=wrap)

    def paragraph(self, p) -> Paragraph:
        para = self.found.get(p)
        if para is not None:
            self.placed.add(p)
            return para
        key = self.keys.get(p)
        if key is not None:
            return self._by_bytes(p, key)
        # Unicode serializes Thai as itself; the default ASCII writes each character as &#...; (3x slower).
        key = (self.style_key, etree.tostring(p, encoding="unicode"))
        para = _READ.get(key)
        if para is not None:
            return para
        warned = len(self.warnings)
        para = self._paragraph(p)
        # One that warned is read again, so that it warns again; one with objects, because
        # their identities depend on the package (an image's part) and the document (a
        # bookmark's name, a comment that has only its reference mark).
        if len(self.warnings) == warned and not _has_objects(para):
            if len(_READ) >= _READ_MAX:
                _READ.clear()
            _READ[key] = para
        return para

    def _by_bytes(self, p, key: tuple) -> Paragraph:
        """A paragraph keyed by its raw bytes: read before, or read now and kept."""
        para = known.recall(key)
        if para is not None:
            return para
        warned = len(self.warnings)
        para = self._paragraph(p)
        if len(self.warnings) == warned and not _has_objects(para):
            known.remember(key, para)
        return para

    def from_bytes(self, raw: bytes, cut: "known.Cut") -> Optional[Paragraph]:
        """A paragraph of plain runs read from its bytes ``raw`` alone (``cut``: the document's),
        or None for any other paragraph: the parser then reads it.

        Plain: an optional w:pPr, then runs of one w:rPr and one w:t, with proofing marks
        between (a bookmark is an object: the parser reads it); nothing the parser would refuse
        (see ``_plain_runs``). Each distinct
        w:pPr and w:rPr is still worked out from its element, once per document (the model holds
        the XML lxml writes for them, which their bytes need not be): the first paragraph that
        has it is parsed on its own, under the document's root start tag.
        """
        # Revised properties are never plain (the grammar below would refuse them too, but only
        # after matching part of them); a declaration inside the paragraph gives its w:rPr XML
        # more than the root's, which the per-document caches here key by bytes.
        if b"PrChange" in raw or b"xmlns" in raw or not cut.chars_ok:
            return None
        tag = known.P_TAG.match(raw)
        if tag is None or tag.group(2) or not cut.attributes_ok(tag.group(1)):
            return None
        element = Fragment(raw, cut.root_tag)
        try:
            ppr = _PLAIN_PPR.match(raw, tag.end())
            runs = self._plain_runs(element, raw, ppr.end() if ppr else tag.end(), cut)
            if runs is None:
                return None
            head = self._head_by_bytes(element, ppr.group() if ppr else b"")
        except NotPlain:
            return None
        style, num, mark, props, _ = head
        return Paragraph(runs=runs, style=style, props=props, mark_change=mark, num=num)

    def _head_by_bytes(self, element: "Fragment", ppr: bytes) -> tuple:
        """_head of the paragraph's w:pPr, whose bytes are ``ppr``."""
        head = self.heads_by_bytes.get(ppr)
        if head is None:
            head = self._head(first_child(element.p(), _PPR))
            if head[2] is None and len(self.heads_by_bytes) < RUN_PROPS_MAX:  # a mark change keeps its own
                self.heads_by_bytes[ppr] = head
        return head

    def _plain_runs(self, element: "Fragment", raw: bytes, pos: int, cut: "known.Cut") -> Optional[tuple]:
        """The joined runs of a paragraph from its bytes ``raw`` after ``pos`` (its w:pPr), or
        None when anything but plain runs and proofing marks is there, or anything
        the parser would refuse: a malformed attribute, a reference other than the five named
        ones, bytes that are not UTF-8 (characters XML does not allow: ``from_bytes``); raises
        NotPlain for the last."""
        end = len(raw) - len(b"</w:p>")
        judged, props = cut.judged, self.props_by_bytes  # judged before: most runs repeat a few
        runs: List[Run] = []
        texts: List[bytes] = []
        last = None
        k = 0  # direct w:r children matched so far
        for m in _PLAIN_INLINE.finditer(raw, pos, end):
            if m.start() != pos:
                return None
            pos = m.end()
            run_attrs, rpr, empty_rpr, t_attrs, text, other_attrs = m.group(1, 2, 3, 4, 5, 6)
            if run_attrs is None:  # proofing marks: not text
                if not _attrs_ok(judged, cut, other_attrs):
                    return None
                continue
            text = _plain_text(text)
            if text is None or not (_attrs_ok(judged, cut, run_attrs) and _attrs_ok(judged, cut, t_attrs)):
                return None
            rpr = b"/" if empty_rpr is not None else rpr
            found = NO_RUN_PROPS if rpr is None else props.get(rpr) or self._props_by_bytes(element, k, rpr)
            k += 1
            if found is not last and texts:
                runs.append(plain_run(texts, last))
                texts = []
            last = found
            texts.append(text)
        if pos != end:
            return None
        return tuple(runs) + ((plain_run(texts, last),) if texts else ())

    def _props_by_bytes(self, element: "Fragment", k: int, rpr: bytes) -> tuple:
        """props_of_run of the w:rPr of the paragraph's ``k``-th run, whose bytes are ``rpr``."""
        found = self.props_by_bytes.get(rpr)
        if found is None:
            run = [child for child in element.p() if child.tag == _R][k]
            if len(self.props_by_bytes) >= RUN_PROPS_MAX:
                self.props_by_bytes.clear()
            found = self.props_by_bytes[rpr] = self._run_props(first_child(run, _RPR))
        return found

    def _head(self, ppr) -> tuple:
        """(style, numbering, mark change, w:pPr XML, holds a w:pPrChange) of a w:pPr."""
        kids = first_children(ppr, _PPR_PARTS)
        style = self._val(kids.get(_PSTYLE)) or ""
        num = self._numpr(kids.get(_NUMPR))
        mark = None
        mark_rpr = kids.get(_RPR)
        if mark_rpr is not None:
            for el in mark_rpr:
                if el.tag in _CHANGE_TAGS:
                    mark = change_of(el)
        if num is None and style in self.style_num:
            num = self.style_num[style]
        return style, num, mark, self._ppr_xml(ppr, kids), _PPR_CHANGE in kids

    def _paragraph(self, p) -> Paragraph:
        ppr = first_child(p, _PPR)
        style, num, mark, props, has_change = self._head(ppr)
        inlines: List = []
        self.inlines(p, None, inlines)
        para = Paragraph(runs=joined_runs(inlines), style=style, props=props, mark_change=mark, num=num)
        # The path finds a w:pPr in any w:pPrChange, not only the first (_head looks at the first).
        change = ppr.find(_OLD_PPR) if has_change else None
        if change is None:
            return para
        old_style = self._val(change.find(qn("w:pStyle"))) or ""
        old_num = self._numpr(change.find(qn("w:numPr")))
        if old_num is None and old_style in self.style_num:
            old_num = self.style_num[old_style]
        return replace(para, has_prop_change=True, old_style=old_style, old_num=old_num)

    @staticmethod
    def _ppr_xml(ppr, kids: dict) -> str:
        """The w:pPr XML the writer reuses, without the revisions read into the model."""
        if ppr is None:
            return ""
        mark_rpr = kids.get(_RPR)
        if _PPR_CHANGE in kids or (mark_rpr is not None and any(c.tag in _CHANGE_TAGS for c in mark_rpr)):
            return xml_of(BodyReader._clean_ppr(ppr))
        return xml_of(ppr)  # nothing to remove: no copy

    @staticmethod
    def _clean_ppr(ppr):
        if ppr is None:
            return None
        ppr = without_children(ppr, "w:pPrChange")
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
        return None if el is None else el.get(_VAL)

    def _numpr(self, numpr):
        if numpr is None:
            return None
        num_id = self._val(numpr.find(qn("w:numId")))
        if num_id is None:
            return None
        ilvl = self._val(numpr.find(qn("w:ilvl"))) or "0"
        return (num_id, int_value(ilvl) or 0)

    def inlines(self, parent, change: Optional[Change], out: List, wrap: tuple = ()) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self.run(child, change, wrap, out)
            elif tag in _CHANGE_TAGS:
                inner = change_of(child)
                if change is not None and cancels(change, inner):
                    # Inserted, then deleted (either nesting): the text is in neither view.
                    self._warn_once(_("text inserted and then deleted (w:ins and w:del nested) was left out: "
                                      "it is in neither the accepted nor the rejected view"))
                    continue
                # Other nested revisions (odd files): the innermost one describes the text.
                self.inlines(child, inner, out, wrap)
            elif tag in WRAPPERS:
                holder = WRAPPERS[tag]
                content = child if holder is None else child.find(holder)
                if content is not None:
                    self.inlines(content, change, out, wrap + (self.objects.wrap(child),))
            elif tag == _COMMENT_START:
                out.append(CommentMark("start", child.get(_ID, "")))
            elif tag == _COMMENT_END:
                out.append(CommentMark("end", child.get(_ID, "")))
            elif tag in SKIPPED or not isinstance(tag, str):
                continue
            else:
                obj = self.objects.para_object(child)
                out.append(Run(text=obj.marker, change=change, obj=obj, wrap=wrap))

    def run(self, r, change: Optional[Change], wrap: tuple, out: List) -> None:
        """Append the runs of a w:r to ``out``: its text, and each object in it as a run of its own."""
        parts: List[str] = []
        rpr = None
        props = None
        for child in r:
            tag = child.tag
            if tag in _TEXT_TAGS:
                parts.append(child.text or "")
            elif tag == _TAB or (tag == _BR and not child.attrib):
                parts.append(_PLAIN_BREAKS[tag])
            elif tag == _RPR:
                if rpr is None:
                    rpr = child
            elif tag == _LAST_PAGE_BREAK or not isinstance(tag, str):
                continue
            elif tag == _COMMENT_REF:
                self._comment_reference(child, out)
            else:
                if props is None:
                    props = self._run_props(rpr)
                if parts:
                    out.append(self._text_run(parts, props, change, wrap))
                    parts = []
                obj = self.objects.run_object(child)
                fmt, xml, old_fmt, old_xml = props
                out.append(Run(text=obj.marker, fmt=fmt, props=xml, change=change, old_fmt=old_fmt,
                               old_props=old_xml, obj=obj, wrap=wrap))
        if parts:
            out.append(self._text_run(parts, props or self._run_props(rpr), change, wrap))

    @staticmethod
    def _text_run(parts: List[str], props: tuple, change, wrap) -> Run:
        fmt, xml, old_fmt, old_xml = props
        return Run(text="".join(parts), fmt=fmt, props=xml, change=change, old_fmt=old_fmt, old_props=old_xml,
                   wrap=wrap)

    def _comment_reference(self, el, out: List) -> None:
        """A comment with no range (only its reference mark) is placed at the mark."""
        cid = el.get(_ID, "")
        if cid not in self.ranged_comments:
            out.append(CommentMark("start", cid))
            out.append(CommentMark("end", cid))

    def _run_props(self, rpr) -> tuple:
        """(fmt, props, old_fmt, old_props) of a w:rPr, worked out once per distinct w:rPr."""
        if rpr is None:
            return NO_RUN_PROPS
        xml = xml_of(rpr)
        found = self.run_props.get(xml)
        if found is None:
            if len(self.run_props) >= RUN_PROPS_MAX:  # a hostile file may make every w:rPr different
                self.run_props.clear()
            found = self.run_props[xml] = props_of_run(rpr, xml)
        return found
