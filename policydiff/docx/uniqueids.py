"""Ids that must be unique in a part made unique again once old and new content stand side by
side in it: drawings, VML shapes, bookmarks, content controls."""

from __future__ import annotations

import copy
from typing import Optional

from lxml import etree

from .fragments import _AUTHOR, _DATE, _ID, _Ids, _P, _WRAPPER_TAG
from .ns import qn

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
