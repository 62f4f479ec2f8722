"""Read a .docx into the pure model: blocks, runs with formatting, tracked changes, comments."""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import replace
from typing import List, Optional

from lxml import etree

from ..core.model import (
    DELETE, INSERT, MOVE_FROM, MOVE_TO, Cell, Change, Comment, CommentMark, Document, Format, Meta,
    Paragraph, Row, Run, Table,
)
from ..errors import PolicydiffError, UnsafeDocumentError
from . import fastpaths, known
from .ns import qn
from .numbering import Numbering, style_numbering
from .objects import SKIPPED, WRAPPERS, ObjectReader
from .package import MAX_XML_TEXT, parse_xml

_CHANGE_TAGS = {qn("w:ins"): INSERT, qn("w:del"): DELETE, qn("w:moveFrom"): MOVE_FROM, qn("w:moveTo"): MOVE_TO}
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_TEXT_TAGS = {qn("w:t"), qn("w:delText")}
_TAB, _BR = qn("w:tab"), qn("w:br")
_PLAIN_BREAKS = {_TAB: "\t", _BR: "\n"}  # a w:br with a type or clear is an object
_LAST_PAGE_BREAK, _COMMENT_REF = qn("w:lastRenderedPageBreak"), qn("w:commentReference")
_OFF = ("0", "false", "off", "none")
# Tags and attributes the hot loops compare against, computed once rather than per element.
_P, _R, _TBL, _CUSTOM_XML = qn("w:p"), qn("w:r"), qn("w:tbl"), qn("w:customXml")
_TR, _TC = qn("w:tr"), qn("w:tc")
_PPR, _RPR, _PSTYLE, _NUMPR = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:numPr")
_PPR_CHANGE, _RPR_CHANGE = qn("w:pPrChange"), qn("w:rPrChange")
_COMMENT_START, _COMMENT_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
_VAL, _ID, _AUTHOR, _DATE, _NAME = qn("w:val"), qn("w:id"), qn("w:author"), qn("w:date"), qn("w:name")
_BODY, _SECT_PR = qn("w:body"), qn("w:sectPr")
_PPR_PARTS = frozenset((_PSTYLE, _NUMPR, _RPR, _PPR_CHANGE))
_OLD_PPR = f"{_PPR_CHANGE}/{_PPR}"
_XML_CHAR = re.compile("[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A paragraph of plain runs as Word writes it, read from its bytes (``_Reader.from_bytes``):
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


def change_of(el) -> Change:
    """Return the Change described by a w:ins/w:del/w:moveFrom/w:moveTo element."""
    return Change(_CHANGE_TAGS[el.tag], el.get(_AUTHOR, ""), el.get(_DATE, ""), el.get(_ID, ""))


def _on(rpr, *tags: str) -> bool:
    for tag in tags:
        el = rpr.find(qn(tag))
        if el is not None and el.get(qn("w:val"), "true") not in _OFF:
            return True
    return False


def _number(value: Optional[str]) -> Optional[int]:
    """A non-negative decimal attribute value, or None ("²" is a digit but no number; nor are 5,000 digits)."""
    if not value or not value.isdecimal() or len(value) > 18:
        return None
    return int(value)


def format_of(rpr) -> Format:
    """Return the comparable formatting of a w:rPr (None → plain)."""
    if rpr is None:
        return Format()
    size = None
    for tag in ("w:szCs", "w:sz"):
        el = rpr.find(qn(tag))
        size = _number(el.get(qn("w:val")) if el is not None else None)
        if size is not None:
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


def _first(el, tag):
    """The first child of ``el`` with ``tag``, or None (``find`` costs more: it goes through ElementPath)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _firsts(el, tags) -> dict:
    """{tag: first child with that tag} for the wanted tags, in one pass over ``el``'s children."""
    found = {}
    if el is not None:
        for child in el:
            tag = child.tag
            if tag in tags and tag not in found:
                found[tag] = child
    return found


_NO_RUN_PROPS = (Format(), "", None, None)
_RUN_PROPS_MAX = 1 << 14  # a real draft has a handful of distinct w:rPr


def _run_props(rpr, xml: str) -> tuple:
    """(fmt, props, old_fmt, old_props) of a run's w:rPr whose XML is ``xml``."""
    old = rpr.find(_RPR_CHANGE)
    if old is None:
        return format_of(rpr), xml, None, None
    old_rpr = old.find(_RPR)
    clean = _without(rpr, "w:rPrChange")
    return format_of(clean), _xml(clean), format_of(old_rpr), _xml(old_rpr)


class _NotPlain(Exception):
    """A paragraph's bytes do not parse on their own: the parser reads it with the rest."""


class _Fragment:
    """A paragraph's element, parsed from its bytes alone under the document's root start tag
    (so its properties serialize with the namespace declarations they have in the document),
    when first asked for."""

    def __init__(self, raw: bytes, root_tag: bytes):
        self.raw, self.root_tag, self._p = raw, root_tag, None

    def p(self):
        if self._p is None:
            try:
                root = parse_xml(self.root_tag + self.raw + b"</w:document>", "a paragraph")
            except PolicydiffError:
                raise _NotPlain from None
            self._p = root[0]
        return self._p


def _run(texts: List[bytes], props: tuple) -> Run:
    """One run of the joined UTF-8 ``texts`` with ``props`` (fmt, props, old_fmt, old_props);
    raises _NotPlain when they are not UTF-8."""
    fmt, xml, old_fmt, old_xml = props
    try:
        text = b"".join(texts).decode()
    except UnicodeDecodeError:
        raise _NotPlain from None
    return Run(text=text, fmt=fmt, props=xml, old_fmt=old_fmt, old_props=old_xml)


def _copy(para: Paragraph) -> Paragraph:
    """A distinct Paragraph equal to ``para``, keeping the cached properties it has computed.

    ``dataclasses.replace`` would run __init__ and drop the cached_property values (text,
    text_runs, tracked, ...) that the view and the diff would then compute again; they
    derive from the fields alone, so they hold for the copy too.
    """
    new = object.__new__(Paragraph)
    new.__dict__.update(para.__dict__)
    return new


def _joined(inlines: List) -> tuple:
    """The inlines with each run joined to the run before it when nothing but the text tells
    them apart: Word splits runs at every editing session (w:rsidR), which the model does not
    keep, and every later step pays per run."""
    out: List = []
    texts: List[str] = []  # of the run being joined (joined once: no quadratic concatenation)
    for x in inlines:
        prev = out[-1] if out else None
        if (type(x) is Run and type(prev) is Run and x.props == prev.props and x.change == prev.change
                and x.old_props == prev.old_props and x.fmt == prev.fmt and x.old_fmt == prev.old_fmt
                and x.obj is None and prev.obj is None and x.wrap == prev.wrap):
            texts.append(x.text)
            continue
        if len(texts) > 1:
            out[-1] = replace(prev, text="".join(texts))
        out.append(x)
        texts = [x.text] if type(x) is Run else []
    if len(texts) > 1:
        out[-1] = replace(out[-1], text="".join(texts))
    return tuple(out)


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


_ADDED = (INSERT, MOVE_TO)


def _cancels(outer: Change, inner: Change) -> bool:
    """Whether one revision adds the text and the other removes it."""
    return (outer.kind in _ADDED) != (inner.kind in _ADDED)


# Paragraphs already read, by (style numbering, w:p XML): the reviewed copies of a round repeat
# the base draft and each other almost paragraph for paragraph. Each hit is a fresh copy, so no
# paragraph object stands twice in a document (the redline indexes paragraphs by identity).
_READ: dict = {}
_READ_MAX = 1 << 17


def _has_objects(para: Paragraph) -> bool:
    """Whether ``para`` holds objects or wrappers, or a comment's reference mark (whether it
    stands for a range depends on the rest of the document)."""
    return any((type(r) is Run and (r.obj is not None or r.wrap)) or type(r) is CommentMark for r in para.runs)


class _Reader:
    def __init__(self, styles_root=None, objects: Optional[ObjectReader] = None):
        self.objects = objects or ObjectReader()
        self.ranged_comments: set = set()  # ids of comments whose range starts somewhere
        self.style_num = style_numbering(styles_root)
        self.style_key = tuple(sorted(self.style_num.items()))
        self.warnings: List[str] = []
        self.run_props: dict = {}  # w:rPr XML -> _run_props: a draft repeats a few formats thousands of times
        # From the main document's raw bytes (see known.py): the placeholder w:p elements and
        # the models they stand for; the other paragraphs' byte keys; the runs left unparsed.
        self.found: dict = {}
        self.placed: set = set()  # the placeholders the reader came to, as blocks
        self.keys: dict = {}
        self.runs_left_out = 0
        self.props_by_bytes: dict = {}  # a w:rPr's bytes -> _run_props, for from_bytes
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
        props = "".join(_xml(tbl.find(qn(t))) for t in ("w:tblPr", "w:tblGrid"))
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
            Cell(blocks=self.blocks(tc), props=_xml(tc.find(qn("w:tcPr"))), wrap=cell_wrap)
            for tc, cell_wrap in self._wrapped(tr, _TC)
        )
        return Row(cells=cells, props=_xml(_without(trpr, "w:ins", "w:del")), change=change, wrap=wrap)

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
            return _copy(para)
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
            return _copy(para)
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
        element = _Fragment(raw, cut.root_tag)
        try:
            ppr = _PLAIN_PPR.match(raw, tag.end())
            runs = self._plain_runs(element, raw, ppr.end() if ppr else tag.end(), cut)
            if runs is None:
                return None
            head = self._head_by_bytes(element, ppr.group() if ppr else b"")
        except _NotPlain:
            return None
        style, num, mark, props, _ = head
        return Paragraph(runs=runs, style=style, props=props, mark_change=mark, num=num)

    def _head_by_bytes(self, element: "_Fragment", ppr: bytes) -> tuple:
        """_head of the paragraph's w:pPr, whose bytes are ``ppr``."""
        head = self.heads_by_bytes.get(ppr)
        if head is None:
            head = self._head(_first(element.p(), _PPR))
            if head[2] is None and len(self.heads_by_bytes) < _RUN_PROPS_MAX:  # a mark change keeps its own
                self.heads_by_bytes[ppr] = head
        return head

    def _plain_runs(self, element: "_Fragment", raw: bytes, pos: int, cut: "known.Cut") -> Optional[tuple]:
        """The joined runs of a paragraph from its bytes ``raw`` after ``pos`` (its w:pPr), or
        None when anything but plain runs and proofing marks is there, or anything
        the parser would refuse: a malformed attribute, a reference other than the five named
        ones, bytes that are not UTF-8 (characters XML does not allow: ``from_bytes``); raises
        _NotPlain for the last."""
        end = len(raw) - len(b"</w:p>")
        judged, props = cut.judged, self.props_by_bytes  # judged before: most runs repeat a few
        runs: List[Run] = []
        texts: List[str] = []
        last = None
        k = 0  # direct w:r children matched so far
        for m in _PLAIN_INLINE.finditer(raw, pos, end):
            if m.start() != pos:
                return None
            pos = m.end()
            run_attrs, rpr, empty_rpr, t_attrs, text, other_attrs = m.group(1, 2, 3, 4, 5, 6)
            if run_attrs is None:  # proofing marks: not text
                if other_attrs and not (judged.get(other_attrs) or cut.attributes_ok(other_attrs)):
                    return None
                continue
            if ((run_attrs and not (judged.get(run_attrs) or cut.attributes_ok(run_attrs)))
                    or (t_attrs and not (judged.get(t_attrs) or cut.attributes_ok(t_attrs)))):
                return None
            if empty_rpr is not None:
                rpr = b"/"
            found = _NO_RUN_PROPS if rpr is None else props.get(rpr) or self._props_by_bytes(element, k, rpr)
            k += 1
            if text:
                if len(text) > MAX_XML_TEXT:
                    return None
                if b"&" in text:
                    if _NOT_AN_ENTITY.search(text):
                        return None
                    for entity, char in _ENTITIES:
                        text = text.replace(entity, char)
            if found is not last and texts:
                runs.append(_run(texts, last))
                texts = []
            last = found
            texts.append(text or b"")
        if pos != end:
            return None
        if texts:
            runs.append(_run(texts, last))
        return tuple(runs)

    def _props_by_bytes(self, element: "_Fragment", k: int, rpr: bytes) -> tuple:
        """_run_props of the w:rPr of the paragraph's ``k``-th run, whose bytes are ``rpr``."""
        found = self.props_by_bytes.get(rpr)
        if found is None:
            run = [child for child in element.p() if child.tag == _R][k]
            if len(self.props_by_bytes) >= _RUN_PROPS_MAX:
                self.props_by_bytes.clear()
            found = self.props_by_bytes[rpr] = self._run_props(_first(run, _RPR))
        return found

    def _head(self, ppr) -> tuple:
        """(style, numbering, mark change, w:pPr XML, holds a w:pPrChange) of a w:pPr."""
        kids = _firsts(ppr, _PPR_PARTS)
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
        ppr = _first(p, _PPR)
        style, num, mark, props, has_change = self._head(ppr)
        inlines: List = []
        self.inlines(p, None, inlines)
        para = Paragraph(runs=_joined(inlines), style=style, props=props, mark_change=mark, num=num)
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
            return _xml(_Reader._clean_ppr(ppr))
        return _xml(ppr)  # nothing to remove: no copy

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
        return None if el is None else el.get(_VAL)

    def _numpr(self, numpr):
        if numpr is None:
            return None
        num_id = self._val(numpr.find(qn("w:numId")))
        if num_id is None:
            return None
        ilvl = self._val(numpr.find(qn("w:ilvl"))) or "0"
        return (num_id, _number(ilvl) or 0)

    def inlines(self, parent, change: Optional[Change], out: List, wrap: tuple = ()) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self.run(child, change, wrap, out)
            elif tag in _CHANGE_TAGS:
                inner = change_of(child)
                if change is not None and _cancels(change, inner):
                    # Inserted, then deleted (either nesting): the text is in neither view.
                    self._warn_once("text inserted and then deleted (w:ins and w:del nested) was left out: "
                                    "it is in neither the accepted nor the rejected view")
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
            return _NO_RUN_PROPS
        xml = _xml(rpr)
        found = self.run_props.get(xml)
        if found is None:
            if len(self.run_props) >= _RUN_PROPS_MAX:  # a hostile file may make every w:rPr different
                self.run_props.clear()
            found = self.run_props[xml] = _run_props(rpr, xml)
        return found


_REVISION_TAGS = tuple(_CHANGE_TAGS)
_MOVE_RANGES = (qn("w:moveFromRangeStart"), qn("w:moveToRangeStart"))
_SHOWN_IDS = 5


def markup_warnings(body, comments: tuple) -> List[str]:
    """Warnings about revision and comment markup Word would not write: repeated ids, half moves."""
    if body is None:
        return []
    ids: Counter = Counter()
    kinds: Counter = Counter()
    names = {tag: set() for tag in _MOVE_RANGES}
    marked = set()
    # These tags are rare, so walking the tree is the cost: walk it once for all of them.
    for el in body.iter(*_REVISION_TAGS, *_MOVE_RANGES, _COMMENT_START, _COMMENT_END):
        tag = el.tag
        if tag in _CHANGE_TAGS:
            ids[el.get(_ID, "")] += 1
            kinds[tag] += 1
        elif tag in names:
            names[tag].add(el.get(_NAME, ""))
        else:
            marked.add(el.get(_ID, ""))
    out = []
    repeated = [i for i, n in ids.items() if n > 1 and i]
    if repeated:
        out.append(f"duplicate revision ids ({_ids(repeated)}) on different tracked changes; each is read as "
                   "its own change (ids are renumbered when written)")
    out.extend(_move_warnings(kinds, names))
    out.extend(_comment_id_warnings(marked, comments))
    return out


def _ids(values) -> str:
    shown = ", ".join(sorted(values, key=lambda v: (len(v), v))[:_SHOWN_IDS])
    return shown + (f" and {len(values) - _SHOWN_IDS} more" if len(values) > _SHOWN_IDS else "")


def _move_warnings(kinds: Counter, names: dict) -> List[str]:
    """A moveFrom with no moveTo (or the reverse) is read as a plain deletion (insertion)."""
    from_names, to_names = names[_MOVE_RANGES[0]] - {""}, names[_MOVE_RANGES[1]] - {""}
    n_from, n_to = kinds[qn("w:moveFrom")], kinds[qn("w:moveTo")]
    out = []
    if (n_from and not n_to) or from_names - to_names:
        out.append("moved text has no destination (w:moveFrom without its w:moveTo); read as a deletion")
    if (n_to and not n_from) or to_names - from_names:
        out.append("moved text has no origin (w:moveTo without its w:moveFrom); read as an insertion")
    return out


def _comment_id_warnings(marked: set, comments: tuple) -> List[str]:
    """Comments sharing an id, and comment marks (their ids ``marked``) whose comment is missing."""
    counts = Counter(c.id for c in comments)
    repeated = [i for i, n in counts.items() if n > 1]
    out = []
    if repeated:
        out.append(f"duplicate comment ids ({_ids(repeated)}); the first comment with each id is placed on the "
                   "marked words, the others are kept without a place")
    missing = list(marked - set(counts))
    if missing:
        out.append(f"comment marks refer to comments that are not in the file ({_ids(missing)}); ignored")
    return out


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
    """Return title, subject, author and dates from docProps/core.xml."""
    if core_root is None:
        return Meta()

    def text(tag: str) -> str:
        el = core_root.find(qn(tag))
        return (el.text or "").strip() if el is not None else ""

    return Meta(title=text("dc:title"), author=text("dc:creator"), created=text("dcterms:created"),
                modified=text("dcterms:modified"), subject=text("dc:subject"))


# A 3,000-clause draft has about 5,200 paragraphs and 60,000 runs; these bound memory and time
# (each paragraph costs about 1 KB read, 3 KB in a redline), not what a real draft may hold.
LIMITS = {"w:p": ("paragraphs", 100_000), "w:r": ("runs", 1_000_000), "w:tc": ("table cells", 200_000)}
MAX_COMMENTS = 100_000  # Word itself refuses more than 32,767 comment ranges


def _check_counts(source: str, body, comments_root, runs_left_out: int = 0) -> None:
    """Refuse a document with more paragraphs, runs, cells or comments than the safety limits
    (``runs_left_out``: runs of paragraphs replaced before parsing, see known.py)."""
    # One walk for the three tags: a walk per tag costs twice as much when runs are many.
    counts = Counter(el.tag for el in body.iter(*(qn(t) for t in LIMITS))) if body is not None else Counter()
    counts[_R] += runs_left_out
    for tag, (what, limit) in LIMITS.items():
        if counts[qn(tag)] > limit:
            raise UnsafeDocumentError(source, f"has {counts[qn(tag)]:,} {what}, over the safety limit of {limit:,}")
    if comments_root is not None:
        n = sum(1 for _ in comments_root.iter(qn("w:comment")))
        if n > MAX_COMMENTS:
            raise UnsafeDocumentError(source, f"has {n:,} comments, over the safety limit of {MAX_COMMENTS:,}")


def read_parts(document_root, *, numbering_root=None, styles_root=None, comments_root=None,
               extended_root=None, core_root=None, view: str = "accept", source: str = "",
               reader: Optional[_Reader] = None) -> Document:
    """Build a Document from parsed parts, in the given view of tracked changes.

    ``reader``: one already made for ``styles_root`` and the raw bytes of the main document
    (``read_package``); otherwise one is made here.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    reader = reader or _Reader(styles_root)
    body = document_root.find(qn("w:body"))
    _check_counts(source, body, comments_root, reader.runs_left_out)
    if body is not None:
        reader.ranged_comments = {el.get(_ID, "") for el in body.iter(_COMMENT_START)}
    blocks = reader.blocks(body) if body is not None else ()
    comments = read_comments(comments_root, extended_root)
    warnings = reader.warnings + markup_warnings(body, comments)
    doc = Document(blocks=blocks, comments=comments, meta=read_meta(core_root), warnings=tuple(warnings),
                   source=source)
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

    styles = part(main, "styles")
    others = dict(numbering_root=part(main, "numbering"), comments_root=part(main, "comments"),
                  extended_root=part(main, "commentsExtended"), core_root=part("/", "core-properties"),
                  view=view, source=str(pkg.path))
    reader = _Reader(styles, ObjectReader(pkg, main))
    root = _main_document(pkg, reader)
    doc = read_parts(root, reader=reader, **others)
    if len(reader.placed) != len(reader.found):
        # A paragraph left out of the parse sat where the reader does not read paragraphs (in
        # a w:pPr, a w:tcPr, a w:sectPr...), whose XML the model or the writer keeps whole: its
        # placeholder would stand in that XML. Only a crafted file does this; read it plainly.
        root = pkg.main_document()
        doc = read_parts(root, reader=_Reader(styles, ObjectReader(pkg, main)), **others)
    pkg.skeleton = _skeleton(root)
    pkg.sections = _sections(doc, pkg.skeleton)
    return replace(doc, warnings=tuple(pkg.warnings) + doc.warnings) if pkg.warnings else doc


def _sections(doc: Document, skeleton: bytes) -> tuple:
    """The w:sectPr elements of the body's sections in order (the paragraphs' that end a
    section, then the body's own): what the stories need of the main document, read from the
    model rather than by parsing the part again."""
    out = []
    for b in doc.blocks:
        if isinstance(b, Paragraph) and "sectPr" in b.props:
            sect = etree.fromstring(b.props).find(_SECT_PR)
            if sect is not None:
                out.append(sect)
    body = etree.fromstring(skeleton).find(_BODY)
    last = body.find(_SECT_PR) if body is not None else None
    if last is not None:
        out.append(last)
    return tuple(out)


def _main_document(pkg, reader: _Reader):
    """The parsed main document, its paragraphs read before left out of the parse (known.py);
    tells ``reader`` which placeholders stand for which models and how the rest are keyed."""
    data = pkg.read(pkg.main_part)
    cut = known.cut(data, reader.style_key) if data and fastpaths.enabled() else None
    if cut is None:
        return pkg.main_document()
    reduced, found, fresh, runs = cut.reduced(lambda raw: reader.from_bytes(raw, cut))
    root = pkg.main_document(reduced if found else None)
    paras = list(root.iter(_P))
    if len(paras) != len(cut.extents):  # known.cut's rules make this impossible: read it plainly
        return pkg.main_document() if found else root
    # A model read just now is this document's (and the cache's, which so keeps what later
    # steps compute on it: its text, its key); one read before is copied.
    reader.found = {paras[i]: para if i in fresh else _copy(para) for i, para in found.items()}
    reader.keys = {p: key for i, p in enumerate(paras) if i not in found and (key := cut.key(i)) is not None}
    reader.runs_left_out = runs
    return root


def _skeleton(root) -> bytes:
    """The main document with an empty body but for its final w:sectPr, built as a new small
    tree (emptying the parsed one costs as much as serializing a big document)."""
    skel = etree.Element(root.tag, attrib=root.attrib, nsmap=root.nsmap)
    skel.text = root.text
    for child in root:
        if child.tag != _BODY:
            skel.append(copy.deepcopy(child))
            continue
        body = etree.SubElement(skel, _BODY, attrib=child.attrib)
        body.text, body.tail = child.text, child.tail
        sect = child.find(_SECT_PR)
        if sect is not None:
            body.append(copy.deepcopy(sect))
    return etree.tostring(skel, xml_declaration=True, encoding="UTF-8", standalone=True)


def read_docx(path, view: str = "accept") -> Document:
    """Open and read a .docx file; raises an InputError subclass for bad input."""
    from .package import open_package

    return read_package(open_package(path), view)
