"""Elements from the opaque property strings a redline carries, and the Clark names and
revision tags every part of the writer shares: parsed once, copied for each use."""

from __future__ import annotations

import copy
import functools
import re

from lxml import etree

from ..core.redline import DEL, INS, MOVE_FROM, MOVE_TO
from .ns import nsmap, qn

_WRAPPER = {INS: "w:ins", DEL: "w:del", MOVE_FROM: "w:moveFrom", MOVE_TO: "w:moveTo"}
_REMOVED = (DEL, MOVE_FROM)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = re.compile("([\t\n])")
_MAX_TEXT_NODE = 1_000_000  # characters (up to 3 MB of UTF-8 Thai)
_BREAK_TAGS = {"\t": qn("w:tab"), "\n": qn("w:br")}

# Clark names of what is written once per run or paragraph, looked up once (a 5,000-paragraph
# body builds tens of thousands of elements).
_P, _R, _T, _DEL_TEXT = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:delText")
_RPR, _PPR, _RPR_CHANGE = qn("w:rPr"), qn("w:pPr"), qn("w:rPrChange")
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
