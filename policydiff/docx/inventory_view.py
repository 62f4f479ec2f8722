"""The accept, reject and as-is views of raw WordprocessingML for the independent inventory
(``inventory``): tracked containers dropped or unwrapped, removed rows and cells dropped,
alternate content chosen. It reads the XML itself, never the policydiff reader or model."""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from . import ns

# URIs come from policydiff.docx.ns; math and wordprocessingDrawing are derived from its base
# when ns.py does not (yet) name them. VML/Office and Strict relationships are not OOXML-base URIs.
_BASE = ns.nsmap["w"].rsplit("/wordprocessingml/", 1)[0]
NS = {
    **{k: ns.nsmap[k] for k in ("w", "r", "mc", "pr", "ct")},
    "m": ns.nsmap.get("m", _BASE + "/officeDocument/2006/math"),
    "wp": ns.nsmap.get("wp", _BASE + "/drawingml/2006/wordprocessingDrawing"),
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
}
W = NS["w"]
R_NAMESPACES = (NS["r"], "http://purl.oclc.org/ooxml/officeDocument/relationships")


def q(tag: str) -> str:
    """Clark name of a prefixed tag such as ``w:p``."""
    prefix, local = tag.split(":")
    return "{%s}%s" % (NS[prefix], local)


# Tracked containers: (dropped, kept) per view; "as-is" keeps both.
VIEW_CONTAINERS = {
    "accept": ({q("w:del"), q("w:moveFrom")}, {q("w:ins"), q("w:moveTo")}),
    "reject": ({q("w:ins"), q("w:moveTo")}, {q("w:del"), q("w:moveFrom")}),
    "as-is": (set(), {q("w:ins"), q("w:del"), q("w:moveFrom"), q("w:moveTo")}),
}
# Paragraph marks, rows and cells that the view removes (their marker inside *Pr).
VIEW_MARKS = {
    "accept": {q("w:del"), q("w:moveFrom")},
    "reject": {q("w:ins"), q("w:moveTo")},
    "as-is": set(),
}
VIEW_CELLS = {"accept": q("w:cellDel"), "reject": q("w:cellIns"), "as-is": None}


def _is_property(el) -> bool:
    """True for property elements (``w:rPr``, ``w:trPr``, ``w:rPrChange``...)."""
    local = etree.QName(el).localname
    return local.endswith("Pr") or local.endswith("PrChange") or local.endswith("PrEx")


def _unwrap(el) -> None:
    """Replace ``el`` by its children, keeping tails."""
    parent = el.getparent()
    idx = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(idx + offset, child)
    parent.remove(el)


def _drop(el) -> None:
    """Remove ``el`` from its parent."""
    el.getparent().remove(el)


def apply_view(root, which: str):
    """A copy of ``root`` with the view applied to content (marks are handled when joining)."""
    if which not in VIEW_CONTAINERS:
        raise ValueError(f"view must be accept, reject or as-is, not {which!r}")
    root = deepcopy(root)
    _choose_alternates(root)
    dropped, kept = VIEW_CONTAINERS[which]
    for el in list(root.iter(*(dropped | kept))):
        parent = el.getparent()
        if parent is None or _is_property(parent) or _inside_dropped(el, root):
            continue
        (_drop if el.tag in dropped else _unwrap)(el)
    _drop_rows_and_cells(root, which)
    return root


def _inside_dropped(el, root) -> bool:
    """True when an ancestor of ``el`` is no longer attached under ``root``."""
    node = el
    while node.getparent() is not None:
        node = node.getparent()
    return node is not root


def _choose_alternates(root) -> None:
    """Replace each mc:AlternateContent by the content of its first mc:Choice (else Fallback)."""
    for alt in list(root.iter(q("mc:AlternateContent"))):
        if _inside_dropped(alt, root):
            continue
        choice = alt.find(q("mc:Choice"))
        if choice is None:
            choice = alt.find(q("mc:Fallback"))
        for branch in list(alt):
            if branch is not choice:
                alt.remove(branch)
        if choice is not None:
            _unwrap(choice)
        _unwrap(alt)


def _drop_rows_and_cells(root, which: str) -> None:
    """Remove rows whose trPr marks them deleted (accept) or inserted (reject), and such cells."""
    marks = VIEW_MARKS[which]
    for tr in list(root.iter(q("w:tr"))):
        trpr = tr.find(q("w:trPr"))
        if trpr is not None and any(c.tag in marks for c in trpr) and not _inside_dropped(tr, root):
            _drop(tr)
    cell_mark = VIEW_CELLS[which]
    if cell_mark is None:
        return
    for tc in list(root.iter(q("w:tc"))):
        tcpr = tc.find(q("w:tcPr"))
        if tcpr is not None and tcpr.find(cell_mark) is not None and not _inside_dropped(tc, root):
            _drop(tc)


def _mark_removed(p, which: str) -> bool:
    """True when the view removes this paragraph's mark (it joins the next paragraph)."""
    marks = VIEW_MARKS[which]
    rpr = p.find(q("w:pPr") + "/" + q("w:rPr"))
    return rpr is not None and any(c.tag in marks for c in rpr)
