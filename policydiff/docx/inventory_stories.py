"""Every story of a .docx in one view, for the independent inventory (``inventory``): the body,
notes, headers and footers and text boxes, each as its paragraphs' signatures in order."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .inventory_paragraphs import IGNORED, ParaSig, _Collector, _Part, _sdt_name, _sha
from .inventory_view import _is_property, _mark_removed, apply_view, q
from .opc import Package
from .package import open_package, open_package_bytes
from .safexml import parse_xml

REL_FOOTNOTES = "/footnotes"
REL_ENDNOTES = "/endnotes"
REL_OFFICE_DOCUMENT = "/officeDocument"
BLOCK_MARKERS = {q("w:bookmarkStart"), q("w:bookmarkEnd"), q("w:permStart"), q("w:permEnd")}
CONTAINERS_OF_BLOCKS = {q("w:customXml"), q("w:smartTag")}


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
