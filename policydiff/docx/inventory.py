"""An independent, XML-level view of a .docx: every story's paragraphs as (text, objects).

Used to check redlines from the outside: ``stories(out, "accept")`` must equal the new draft and
``stories(out, "reject")`` the old one, in every story, with every object (image, field, note,
hyperlink, bookmark, text box...) kept. It reads the XML itself and never the policydiff reader
or model. Views: "accept" (accept all tracked changes), "reject" (reject all), "as-is" (both
sides of every change kept, nothing joined).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter, namedtuple
from copy import deepcopy
from pathlib import Path

from lxml import etree

from policydiff.docx import ns
from policydiff.docx.opc import Package
from policydiff.docx.package import open_package, open_package_bytes
from policydiff.docx.safexml import parse_xml

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

ParaSig = namedtuple("ParaSig", "text objects")


def q(tag: str) -> str:
    """Clark name of a prefixed tag such as ``w:p``."""
    prefix, local = tag.split(":")
    return "{%s}%s" % (NS[prefix], local)


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

REL_FOOTNOTES = "/footnotes"
REL_ENDNOTES = "/endnotes"
REL_OFFICE_DOCUMENT = "/officeDocument"
BLOCK_MARKERS = {q("w:bookmarkStart"), q("w:bookmarkEnd"), q("w:permStart"), q("w:permEnd")}
CONTAINERS_OF_BLOCKS = {q("w:customXml"), q("w:smartTag")}


# -- opening -----------------------------------------------------------------------------------

def _open(path_or_bytes) -> Package:
    """A hardened, size-limited package from a path or from bytes."""
    if isinstance(path_or_bytes, Package):
        return path_or_bytes
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return open_package_bytes(bytes(path_or_bytes), "<bytes>")
    return open_package(Path(path_or_bytes))


def _main_part(pkg: Package) -> str:
    """The main document part named by the package relationships."""
    for rel in pkg.rels("/").values():
        if rel.type.endswith(REL_OFFICE_DOCUMENT) and rel.mode != "External":
            member = pkg.member(rel.target)
            if member is not None:
                return member.name
    raise ValueError("no officeDocument relationship to an existing part")


def _related(pkg: Package, source: str, suffix: str):
    """The first internal part ``source`` relates to with a type ending in ``suffix``."""
    for rel in pkg.rels(source).values():
        if rel.type.endswith(suffix) and rel.mode != "External" and pkg.member(rel.target):
            return pkg.member(rel.target).name
    return None


# -- views ---------------------------------------------------------------------------------------

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


# -- the context of one story part ----------------------------------------------------------------

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


# -- blocks --------------------------------------------------------------------------------------

class _Story:
    """Paragraph signatures of one story (a container of blocks) in one view."""

    def __init__(self, part: _Part):
        self.part = part
        self.items = []  # ("p", element, prefix objects) or ("break",)
        self.pending = []
        self.textboxes = []

    def flatten(self, container) -> None:
        """Paragraphs in reading order; tables and container ends break paragraph joins."""
        for child in container:
            tag = child.tag
            if tag == q("w:p"):
                self.items.append(("p", child, self.pending))
                self.pending = []
            elif tag == q("w:tbl"):
                self._table(child)
            elif tag == q("w:sdt"):
                self._block_sdt(child, self.flatten)
            elif tag in CONTAINERS_OF_BLOCKS:
                self.flatten(child)
            elif tag in BLOCK_MARKERS:
                self._marker(child)
            elif isinstance(tag, str) and tag not in IGNORED and not _is_property(child):
                self.pending = self.pending + [etree.QName(tag).localname]  # w:altChunk...
        self.items.append(("break",))

    def _marker(self, el) -> None:
        probe = _Collector(self.part, [])
        probe.visit(el)
        self.pending = self.pending + probe.objects

    def _block_sdt(self, sdt, inner) -> None:
        start, before = len(self.items), self.pending
        at = len(before)
        self.pending = before + ["sdt:" + _sdt_name(sdt)]
        content = sdt.find(q("w:sdtContent"))
        if content is not None:
            inner(content)
        paras = [item[1] for item in self.items[start:] if item[0] == "p"]
        if not paras:  # no row or paragraph left: the control is gone with its content
            self.pending = self.pending[:at] + self.pending[at + 1:]
        elif self._joins_out(sdt, paras):
            del self.items[start:]
            self.pending = before

    def _joins_out(self, sdt, paras) -> bool:
        """Whether the view empties every paragraph of a control and removes their marks, with
        a paragraph after the control for them to join: nothing of the control is left."""
        nxt = sdt.getnext()
        return nxt is not None and nxt.tag == q("w:p") and all(
            _mark_removed(p, self.part.which) and self._paragraph(p, []) == ParaSig("", ()) for p in paras)

    def _table(self, tbl) -> None:
        self.items.append(("break",))
        self._rows(tbl)

    def _rows(self, container) -> None:
        for child in container:
            if child.tag == q("w:tr"):
                self._cells(child)
            elif child.tag == q("w:sdt"):
                self._block_sdt(child, self._rows)
            elif child.tag in CONTAINERS_OF_BLOCKS:
                self._rows(child)

    def _cells(self, container) -> None:
        for child in container:
            if child.tag == q("w:tc"):
                self.flatten(child)
            elif child.tag == q("w:sdt"):
                self._block_sdt(child, self._cells)
            elif child.tag in CONTAINERS_OF_BLOCKS:
                self._cells(child)

    def signatures(self) -> list:
        """ParaSigs after joining paragraphs whose mark the view removes."""
        out, carry = [], None
        items = self.items
        for i, item in enumerate(items):
            if item[0] != "p":
                if carry is not None:
                    out.append(carry)  # no next paragraph to join: the mark stays
                    carry = None
                continue
            _, p, prefix = item
            sig = self._paragraph(p, prefix)
            if carry is not None:
                sig = ParaSig(carry.text + sig.text, carry.objects + sig.objects)
                carry = None
            nxt = items[i + 1] if i + 1 < len(items) else ("break",)
            if _mark_removed(p, self.part.which) and nxt[0] == "p":
                carry = sig
            else:
                out.append(sig)
        if self.pending and out:
            out[-1] = ParaSig(out[-1].text, out[-1].objects + tuple(self.pending))
        return out

    def _paragraph(self, p, prefix) -> ParaSig:
        col = _Collector(self.part, self.textboxes)
        col.objects.extend(prefix)
        col.walk(p)
        return col.sig()


def _story_sigs(part: _Part, container, name: str, out: dict) -> None:
    """Add the story ``name`` and, after it, its text boxes (recursively) to ``out``."""
    part.goback |= {b.get(q("w:id")) for b in container.iter(q("w:bookmarkStart"))
                    if b.get(q("w:name")) == "_GoBack"}
    story = _Story(part)
    story.flatten(container)
    sigs = story.signatures()
    out[name] = sigs
    for k, box in enumerate(story.textboxes, 1):
        box_name = f"textbox {k} in {name}"
        _story_sigs(part, box, box_name, out)
        digest = _sha("\n".join(s.text for s in out[box_name]))
        out[name] = sigs = [_fill_box(s, k - 1, digest) for s in sigs]


def _fill_box(sig: ParaSig, index: int, digest: str) -> ParaSig:
    """Replace the placeholder of text box ``index`` by the sha1 of its text."""
    marker = f"textbox:#{index}"
    if marker not in sig.objects:
        return sig
    return ParaSig(sig.text, tuple("textbox:" + digest if o == marker else o for o in sig.objects))


# -- stories ---------------------------------------------------------------------------------------

def stories(path_or_bytes, which: str) -> dict:
    """{story name: [ParaSig, ...]} for body, notes, headers/footers and text boxes, in order."""
    pkg = _open(path_or_bytes)
    main = _main_part(pkg)
    body_root = apply_view(_xml(pkg, main), which)
    body = body_root.find(q("w:body"))
    if body is None:
        raise ValueError(f"{main} has no w:body")
    notes_out, note_texts = _notes(pkg, main, body_root, which)
    out = {}
    _story_sigs(_Part(pkg, main, which, note_texts), body, "body", out)
    out.update(notes_out)
    out.update(_headers_footers(pkg, main, body, which))
    return out


def _xml(pkg: Package, name: str):
    """Parse a part with the project's hardened parser."""
    return parse_xml(pkg.read(name), name, pkg.path)


def _notes(pkg, main: str, body_root, which: str):
    """Note stories named by order of reference, and {(kind, id): text} for references."""
    out, texts = {}, {}
    for kind, suffix in (("footnote", REL_FOOTNOTES), ("endnote", REL_ENDNOTES)):
        part_name = _related(pkg, main, suffix)
        if part_name is None:
            continue
        root = apply_view(_xml(pkg, part_name), which)
        by_id = {n.get(q("w:id")): n for n in root.iter(q("w:" + kind))
                 if n.get(q("w:type"), "normal") == "normal"}
        order = []
        for ref in body_root.iter(q(f"w:{kind}Reference")):
            nid = ref.get(q("w:id"))
            if nid in by_id and nid not in order:
                order.append(nid)
        part = _Part(pkg, part_name, which)
        for n, nid in enumerate(order, 1):
            name = f"{kind} {n}"
            _story_sigs(part, by_id[nid], name, out)
            texts[(kind, nid)] = "\n".join(s.text for s in out[name])
    return out, texts


def _section_properties(body) -> list:
    """Every w:sectPr of the body in order (paragraph ones, then the body's own)."""
    return [s for s in body.iter(q("w:sectPr"))
            if s.getparent().tag in (q("w:pPr"), q("w:body"))]


def _headers_footers(pkg, main: str, body, which: str) -> dict:
    """Stories of headers and footers, named by section and kind."""
    out = {}
    rels = pkg.rels(main)
    for index, sect in enumerate(_section_properties(body), 1):
        for ref in sect:
            if ref.tag not in (q("w:headerReference"), q("w:footerReference")):
                continue
            what = "header" if ref.tag == q("w:headerReference") else "footer"
            name = f"{what} ({ref.get(q('w:type'), 'default')}), section {index}"
            rel = rels.get(ref.get(q("r:id"), ""))
            if rel is None or rel.mode == "External" or pkg.member(rel.target) is None:
                out[name] = [ParaSig("", ("missing part",))]
                continue
            part_name = pkg.member(rel.target).name
            root = apply_view(_xml(pkg, part_name), which)
            _story_sigs(_Part(pkg, part_name, which), root, name, out)
    return out


# -- inventory and comparison -----------------------------------------------------------------------

def kind_of(signature: str) -> str:
    """The kind of an object signature (the part before the first ':')."""
    return signature.split(":", 1)[0]


def object_counts(views: dict) -> Counter:
    """Counter of object kinds over every paragraph of a ``stories()`` result."""
    return Counter(kind_of(o) for sigs in views.values() for s in sigs for o in s.objects)


def inventory(path) -> Counter:
    """Counter of object kinds over all stories in the as-is view."""
    return object_counts(stories(path, "as-is"))


def compare(a_views: dict, b_views: dict, limit: int = 10) -> list:
    """Readable differences between two ``stories()`` results; empty when equal."""
    problems = []
    for name in a_views:
        if name not in b_views:
            problems.append(f"story {name!r} only on the left")
    for name in b_views:
        if name not in a_views:
            problems.append(f"story {name!r} only on the right")
    for name in a_views:
        if name in b_views and a_views[name] != b_views[name]:
            problems.append(_story_difference(name, a_views[name], b_views[name]))
    return problems[:limit] if limit else problems


def _story_difference(name: str, a: list, b: list) -> str:
    """The paragraph count and the first differing paragraph of one story."""
    counts = f"{len(a)} vs {len(b)} paragraphs; " if len(a) != len(b) else ""
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        if left != right:
            both = bool((left and left.objects) or (right and right.objects))
            return f"{name}: {counts}paragraph {i + 1}: {_show(left, both)} != {_show(right, both)}"
    return f"{name}: {counts}".rstrip("; ")


def _show(sig, with_objects: bool = False, width: int = 120) -> str:
    """A short display of one ParaSig (objects shown when it or ``with_objects`` says so)."""
    if sig is None:
        return "(none)"
    text = sig.text if len(sig.text) <= width else sig.text[:width] + "…"
    objects = f" {list(sig.objects)}" if sig.objects or with_objects else ""
    return _escape(repr(text)) + objects


def _escape(text: str) -> str:
    """Show object placeholders and tag/variation characters as escapes."""
    return "".join(f"\\u{{{ord(c):x}}}" if ord(c) >= 0xE0000 or c == "\ufffc" else c for c in text)


# -- package checks -----------------------------------------------------------------------------------

def dangling_relationships(path) -> list:
    """Relationship ids without a relationship, missing targets, parts without a content type."""
    pkg = _open(path)
    problems = []
    names = {m.name.casefold() for m in pkg.members}
    for member in pkg.members:
        name = member.name
        if name.endswith("/"):
            continue
        if _is_rels(name):
            problems.extend(_missing_targets(pkg, name, names))
        elif name != "[Content_Types].xml":
            if pkg.content_type(name) is None:
                problems.append(f"{name}: no content type in [Content_Types].xml")
            if _is_xml(pkg, name):
                problems.extend(_unknown_ids(pkg, name))
    return problems


def _is_rels(name: str) -> bool:
    return name.endswith(".rels") and "/_rels/" in "/" + name


def _is_xml(pkg: Package, name: str) -> bool:
    """True for XML parts (by content type or extension)."""
    ctype = (pkg.content_type(name) or "").lower()
    return ctype.endswith("xml") or name.lower().endswith(".xml")


def _source_of(rels_name: str) -> str:
    """The part a relationships part belongs to ('/' for the package)."""
    folder, file = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, file[: -len(".rels")]) if file != ".rels" else "/"


def _missing_targets(pkg: Package, rels_name: str, names: set) -> list:
    """Internal relationships of one .rels part whose target part is missing."""
    try:
        rels = pkg.rels(_source_of(rels_name))
    except Exception as exc:  # noqa: BLE001 - a broken rels part is itself a problem
        return [f"{rels_name}: unreadable ({exc})"]
    return [f"{rels_name}: {rid} -> missing part {rel.target}"
            for rid, rel in sorted(rels.items())
            if rel.mode != "External" and rel.target.casefold() not in names]


def _unknown_ids(pkg: Package, name: str) -> list:
    """Attributes in the r namespace of one XML part that name no relationship of it."""
    try:
        root = parse_xml(pkg.read(name), name, pkg.path)
        rels = pkg.rels(name)
    except Exception as exc:  # noqa: BLE001
        return [f"{name}: unreadable ({exc})"]
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            if _is_r(attr) and value and value not in rels:
                found.append(f"{name}: {etree.QName(el).localname} r:{etree.QName(attr).localname}="
                             f"{value!r} has no relationship")
    return found
