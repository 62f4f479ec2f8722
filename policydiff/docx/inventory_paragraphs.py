"""Paragraph signatures for the independent inventory (``inventory``): each paragraph of a view
as (text, objects), every object (image, field, note, hyperlink, bookmark, text box...) named
by a kind and an identity that does not depend on ids."""

from __future__ import annotations

import hashlib
import re
from collections import namedtuple

from lxml import etree

from .inventory_view import R_NAMESPACES, W, _is_property, q
from .opc import Package

ParaSig = namedtuple("ParaSig", "text objects")

# The one table of objects: element -> kind. The kind is the part of a signature before ':'.
OBJECT_KINDS = {
    q("w:drawing"): "image",            # image:<sha1 of each referenced part>:<cx>x<cy>
    q("w:pict"): "image",               # VML picture, same identity
    q("w:object"): "object",            # object:<sha1 of the embedded part>
    q("w:footnoteReference"): "footnoteReference",  # :<the note's text>
    q("w:endnoteReference"): "endnoteReference",    # :<the note's text>
    q("w:footnoteRef"): "footnoteRef",  # the number mark inside a note
    q("w:endnoteRef"): "endnoteRef",
    q("w:fldChar"): "fldChar",          # fldChar:begin|separate|end
    q("w:instrText"): "instrText",      # instrText:<instruction stripped>
    q("w:delInstrText"): "instrText",
    q("w:fldSimple"): "fldSimple",      # fldSimple:<instr>
    q("w:sym"): "sym",                  # sym:<font>:<char>
    q("w:noBreakHyphen"): "noBreakHyphen",
    q("w:softHyphen"): "softHyphen",
    q("w:ptab"): "ptab",
    q("w:br"): "br",                    # br:page / br:column (plain breaks are "\n" text)
    q("w:hyperlink"): "hyperlink",      # hyperlink:<url or #anchor>
    q("w:bookmarkStart"): "bookmarkStart",  # bookmarkStart:<name>, _GoBack ignored
    q("w:bookmarkEnd"): "bookmarkEnd",
    q("w:sdt"): "sdt",                  # sdt:<tag or alias>
    q("m:oMath"): "oMath",              # oMath:<text of its m:t>
    q("w:txbxContent"): "textbox",      # textbox:<sha1 of its text>
    q("w:commentReference"): "commentReference",
    q("w:permStart"): "permStart",
    q("w:permEnd"): "permEnd",
}

# Markup that is neither text nor object: rendering caches, proofing, range markers.
IGNORED = {q(t) for t in (
    "w:lastRenderedPageBreak", "w:proofErr", "w:commentRangeStart", "w:commentRangeEnd",
    "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd",
    "w:customXmlInsRangeStart", "w:customXmlInsRangeEnd", "w:customXmlDelRangeStart",
    "w:customXmlDelRangeEnd", "w:customXmlMoveFromRangeStart", "w:customXmlMoveFromRangeEnd",
    "w:customXmlMoveToRangeStart", "w:customXmlMoveToRangeEnd", "w:annotationRef",
    "w:separator", "w:continuationSeparator")}

TEXT_ELEMENTS = {q("w:t"): None, q("w:delText"): None, q("w:tab"): "\t", q("w:cr"): "\n"}


class _Part:
    """One XML part of the package in one view: relationships, notes, ignored bookmark ids."""

    def __init__(self, pkg: Package, name: str, which: str, notes=None):
        self.pkg, self.name, self.which = pkg, name, which
        self.rels = pkg.rels(name)
        self.notes = notes or {}
        self.goback = set()

    def part_hash(self, rid: str) -> str:
        """sha1 (12 hex) of a related part's bytes, or the external target itself."""
        rel = self.rels.get(rid)
        if rel is None:
            return f"missing({rid})"
        if rel.mode == "External":
            return "ext(" + rel.target + ")"
        data = self.pkg.read(rel.target)
        if data is None:
            return f"absent({rel.target})"
        return _sha(data)

    def target(self, rid: str) -> str:
        """A relationship's target (URL or part name), or a marker when it is missing."""
        rel = self.rels.get(rid)
        return rel.target if rel is not None else f"missing({rid})"


def _sha(data) -> str:
    """Short sha1 of bytes or text."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:12]


# -- paragraphs ----------------------------------------------------------------------------------

class _Collector:
    """Text and objects of one paragraph, plus the text boxes met on the way."""

    def __init__(self, part: _Part, textboxes: list):
        self.part = part
        self.text = []
        self.objects = []
        self.textboxes = textboxes

    def sig(self) -> ParaSig:
        return ParaSig("".join(self.text), tuple(self.objects))

    def walk(self, el) -> None:
        """Walk inline content in document order."""
        for child in el:
            self.visit(child)

    def visit(self, el) -> None:
        """Text, object or transparent container."""
        tag = el.tag
        if not isinstance(tag, str) or tag in IGNORED or _is_property(el):
            return
        if tag in TEXT_ELEMENTS:
            self.text.append(TEXT_ELEMENTS[tag] if TEXT_ELEMENTS[tag] is not None else (el.text or ""))
        elif tag == q("w:br"):
            self._br(el)
        elif tag in OBJECT_KINDS:
            getattr(self, "_" + etree.QName(tag).localname, self._plain)(el)
        elif tag == q("m:oMathPara"):
            self.walk(el)
        elif tag.startswith("{%s}" % W) and etree.QName(tag).localname in ("r", "smartTag", "customXml",
                                                                         "dir", "bdo", "ins", "del",
                                                                         "moveFrom", "moveTo", "sdtContent"):
            self.walk(el)
        else:
            self.objects.append(etree.QName(tag).localname)

    def _plain(self, el) -> None:
        self.objects.append(OBJECT_KINDS[el.tag])

    def _br(self, el) -> None:
        kind = el.get(q("w:type"), "textWrapping")
        if kind == "textWrapping":
            self.text.append("\n")
        else:
            self.objects.append("br:" + kind)

    def _fldChar(self, el) -> None:
        self.objects.append("fldChar:" + el.get(q("w:fldCharType"), ""))

    def _instrText(self, el) -> None:
        self.objects.append("instrText:" + (el.text or "").strip())

    _delInstrText = _instrText

    def _fldSimple(self, el) -> None:
        self.objects.append("fldSimple:" + el.get(q("w:instr"), "").strip())
        self.walk(el)

    def _sym(self, el) -> None:
        self.objects.append(f"sym:{el.get(q('w:font'), '')}:{el.get(q('w:char'), '')}")

    def _hyperlink(self, el) -> None:
        """A hyperlink counts only with content in this view (an emptied one is invisible)."""
        rid = el.get(q("r:id"))
        target = self.part.target(rid) if rid else ""
        anchor = el.get(q("w:anchor"))
        at, text_at = len(self.objects), len(self.text)
        self.walk(el)
        if len(self.objects) > at or "".join(self.text[text_at:]):
            self.objects.insert(at, "hyperlink:" + target + ("#" + anchor if anchor else ""))

    def _bookmarkStart(self, el) -> None:
        name = el.get(q("w:name"), "")
        if name == "_GoBack":
            self.part.goback.add(el.get(q("w:id")))
        else:
            self.objects.append("bookmarkStart:" + name)

    def _bookmarkEnd(self, el) -> None:
        if el.get(q("w:id")) not in self.part.goback:
            self.objects.append("bookmarkEnd")

    def _sdt(self, el) -> None:
        self.objects.append("sdt:" + _sdt_name(el))
        content = el.find(q("w:sdtContent"))
        if content is not None:
            self.walk(content)

    def _oMath(self, el) -> None:
        self.objects.append("oMath:" + "".join(t.text or "" for t in el.iter(q("m:t"))))

    def _footnoteReference(self, el) -> None:
        self._note_ref(el, "footnote")

    def _endnoteReference(self, el) -> None:
        self._note_ref(el, "endnote")

    def _note_ref(self, el, kind: str) -> None:
        text = self.part.notes.get((kind, el.get(q("w:id"))), "missing note")
        self.objects.append(f"{kind}Reference:{text}")

    def _drawing(self, el) -> None:
        self._graphic(el)

    _pict = _drawing

    def _object(self, el) -> None:
        rids = [v for o in el.iter(q("o:OLEObject")) for k, v in o.attrib.items() if _is_r(k)]
        rids = rids or _r_ids(el)
        self.objects.append("object:" + ",".join(self.part.part_hash(r) for r in rids))

    def _graphic(self, el) -> None:
        """An image (parts it references + extent), and the text boxes it holds."""
        rids = _r_ids(el)
        boxes = [b for b in el.iter(q("w:txbxContent")) if not _has_box_ancestor(b, el)]
        if rids or not boxes:
            hashes = ",".join(self.part.part_hash(r) for r in rids)
            self.objects.append(f"image:{hashes}:{_extent(el)}")
        for box in boxes:
            self._txbxContent(box)

    def _txbxContent(self, box) -> None:
        index = len(self.textboxes)
        self.textboxes.append(box)
        self.objects.append(f"textbox:#{index}")  # replaced by the text's sha1 once known


def _is_r(attr: str) -> bool:
    """True for an attribute in a relationships namespace."""
    return attr.startswith("{") and attr[1:].split("}")[0] in R_NAMESPACES


def _has_box_ancestor(el, stop) -> bool:
    """True when ``el`` lies in a text box inside ``stop`` (not counting itself)."""
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag == q("w:txbxContent"):
            return True
        node = node.getparent()
    return False


def _r_ids(el) -> list:
    """Relationship ids referenced under ``el``, outside any text box, in document order."""
    found = []
    for node in el.iter():
        if not isinstance(node.tag, str) or _has_box_ancestor(node, el) or node.tag == q("w:txbxContent"):
            continue
        found.extend(v for k, v in node.attrib.items() if _is_r(k))
    return found


_VML_SIZE = re.compile(r"(width|height)\s*:\s*([^;]+)")


def _extent(el) -> str:
    """``cx x cy`` of a DrawingML drawing, or VML width/height."""
    ext = el.find(".//" + q("wp:extent"))
    if ext is not None:
        return f"{ext.get('cx')}x{ext.get('cy')}"
    for shape in el.iter():
        style = shape.get("style") if isinstance(shape.tag, str) else None
        if style:
            size = dict(_VML_SIZE.findall(style))
            if size:
                return f"{size.get('width', '').strip()}x{size.get('height', '').strip()}"
    return "?"


def _sdt_name(sdt) -> str:
    """The tag, else the alias, of a content control."""
    pr = sdt.find(q("w:sdtPr"))
    if pr is None:
        return ""
    for name in ("w:tag", "w:alias"):
        found = pr.find(q(name))
        if found is not None:
            return found.get(q("w:val"), "")
    return ""
