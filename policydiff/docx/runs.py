"""Runs as the reader sees them: a run's formatting and revision, plain runs read from their bytes,
neighbouring runs joined when only Word's editing sessions tell them apart."""

from __future__ import annotations

from dataclasses import replace
from typing import List, Optional

from lxml import etree

from ..core.model import DELETE, INSERT, MOVE_FROM, MOVE_TO, Change, Format, Run
from ..errors import PolicydiffError
from .ns import qn
from .safexml import parse_xml

_CHANGE_TAGS = {qn("w:ins"): INSERT, qn("w:del"): DELETE, qn("w:moveFrom"): MOVE_FROM, qn("w:moveTo"): MOVE_TO}
_OFF = ("0", "false", "off", "none")
_PPR, _RPR, _PSTYLE, _NUMPR = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:numPr")
_PPR_CHANGE, _RPR_CHANGE = qn("w:pPrChange"), qn("w:rPrChange")
_VAL, _ID, _AUTHOR, _DATE, _NAME = qn("w:val"), qn("w:id"), qn("w:author"), qn("w:date"), qn("w:name")


def change_of(el) -> Change:
    """Return the Change described by a w:ins/w:del/w:moveFrom/w:moveTo element."""
    return Change(_CHANGE_TAGS[el.tag], el.get(_AUTHOR, ""), el.get(_DATE, ""), el.get(_ID, ""))


def _on(rpr, *tags: str) -> bool:
    for tag in tags:
        el = rpr.find(qn(tag))
        if el is not None and el.get(qn("w:val"), "true") not in _OFF:
            return True
    return False


def int_value(value: Optional[str]) -> Optional[int]:
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
        size = int_value(el.get(qn("w:val")) if el is not None else None)
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


def xml_of(el) -> str:
    return etree.tostring(el, encoding="unicode") if el is not None else ""


def first_child(el, tag):
    """The first child of ``el`` with ``tag``, or None (``find`` costs more: it goes through ElementPath)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def first_children(el, tags) -> dict:
    """{tag: first child with that tag} for the wanted tags, in one pass over ``el``'s children."""
    found = {}
    if el is not None:
        for child in el:
            tag = child.tag
            if tag in tags and tag not in found:
                found[tag] = child
    return found


NO_RUN_PROPS = (Format(), "", None, None)
RUN_PROPS_MAX = 1 << 14  # a real draft has a handful of distinct w:rPr


def props_of_run(rpr, xml: str) -> tuple:
    """(fmt, props, old_fmt, old_props) of a run's w:rPr whose XML is ``xml``."""
    old = rpr.find(_RPR_CHANGE)
    if old is None:
        return format_of(rpr), xml, None, None
    old_rpr = old.find(_RPR)
    clean = without_children(rpr, "w:rPrChange")
    return format_of(clean), xml_of(clean), format_of(old_rpr), xml_of(old_rpr)


class NotPlain(Exception):
    """A paragraph's bytes do not parse on their own: the parser reads it with the rest."""


class Fragment:
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
                raise NotPlain from None
            self._p = root[0]
        return self._p


def plain_run(texts: List[bytes], props: tuple) -> Run:
    """One run of the joined UTF-8 ``texts`` with ``props`` (fmt, props, old_fmt, old_props);
    raises NotPlain when they are not UTF-8."""
    fmt, xml, old_fmt, old_xml = props
    try:
        text = b"".join(texts).decode()
    except UnicodeDecodeError:
        raise NotPlain from None
    return Run(text=text, fmt=fmt, props=xml, old_fmt=old_fmt, old_props=old_xml)


def joined_runs(inlines: List) -> tuple:
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


def without_children(el, *tags: str):
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


def cancels(outer: Change, inner: Change) -> bool:
    """Whether one revision adds the text and the other removes it."""
    return (outer.kind in _ADDED) != (inner.kind in _ADDED)
