"""What a paragraph holds besides text, read into ``core.objects`` values with their XML.

``ObjectReader`` tells which elements are objects (images, notes, fields, symbols, bookmarks,
equations...), which wrap runs (hyperlinks, simple fields, content controls), and works out
each one's identity: its XML without the ids Word renumbers at will, with every relationship
id replaced by what it points at (an external address, or the hash of the part's bytes). So an
image is the same image in two drafts whatever its relationship id. A note reference is only
"a note here": its note is compared word by word as a story of its own (``docx.stories``).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit
from typing import Dict, Optional

from lxml import etree

from ..core.objects import Obj, Wrap
from .ns import nsmap, qn

_R_NS = "{%s}" % nsmap["r"]
_W14 = "{%s}" % nsmap["w14"]
# Attributes Word renumbers or regenerates on every save: no part of what an object is.
_VOLATILE = frozenset({
    qn("w:rsidR"), qn("w:rsidRPr"), qn("w:rsidDel"), qn("w:rsidRDefault"), qn("w:rsidP"),
    _W14 + "paraId", _W14 + "textId", _W14 + "anchorId", _W14 + "editId",
    qn("w:history"),  # whether a hyperlink goes into the visited list
})
_VOLATILE_ID_TAGS = frozenset({
    qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:permStart"), qn("w:permEnd"),
    qn("wp:docPr"), qn("pic:cNvPr"),
})
_SDT_ID = qn("w:id")
_VML = "{urn:schemas-microsoft-com:vml}"
_SPID = "{urn:schemas-microsoft-com:office:office}spid"
_SHAPE_TYPE = re.compile(r"^(#_x0000_t\d+)_\d+$")

# Children of a w:r that are objects, by kind.
RUN_OBJECTS: Dict[str, str] = {
    qn("w:drawing"): "image", qn("w:pict"): "image", qn("w:object"): "object",
    qn("mc:AlternateContent"): "image",
    qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote",
    qn("w:fldChar"): "field", qn("w:instrText"): "field", qn("w:delInstrText"): "field",
    qn("w:pgNum"): "field", qn("w:sym"): "symbol", qn("w:ptab"): "tab", qn("w:cr"): "break",
    qn("w:noBreakHyphen"): "hyphen", qn("w:softHyphen"): "hyphen",
    qn("w:footnoteRef"): "note mark", qn("w:endnoteRef"): "note mark",
    qn("w:separator"): "other", qn("w:continuationSeparator"): "other",
    qn("w:annotationRef"): "comment", qn("w:ruby"): "other", qn("w:contentPart"): "other",
}
# Children of a w:p that are objects.
PARA_OBJECTS: Dict[str, str] = {
    qn("w:bookmarkStart"): "bookmark", qn("w:bookmarkEnd"): "bookmark",
    qn("w:permStart"): "permission", qn("w:permEnd"): "permission",
    qn("m:oMath"): "equation", qn("m:oMathPara"): "equation",
}
# Children of a w:p the model leaves out: proofing marks, and revision ranges the writer
# writes anew.
SKIPPED = frozenset(qn(t) for t in (
    "w:proofErr", "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd",
    "w:customXmlInsRangeStart", "w:customXmlInsRangeEnd", "w:customXmlDelRangeStart", "w:customXmlDelRangeEnd",
    "w:customXmlMoveFromRangeStart", "w:customXmlMoveFromRangeEnd", "w:customXmlMoveToRangeStart",
    "w:customXmlMoveToRangeEnd", "w:pPr",
))
# Elements that wrap runs, and the child that holds the runs (None: the element itself).
WRAPPERS: Dict[str, Optional[str]] = {
    qn("w:hyperlink"): None, qn("w:fldSimple"): None, qn("w:smartTag"): None, qn("w:customXml"): None,
    qn("w:dir"): None, qn("w:bdo"): None, qn("w:sdt"): qn("w:sdtContent"),
}
_WRAP_KIND = {qn("w:hyperlink"): "hyperlink", qn("w:fldSimple"): "simple field", qn("w:sdt"): "content control"}
_TEXTBOX = qn("w:txbxContent")
_INSTR = (qn("w:instrText"), qn("w:delInstrText"))


class ObjectReader:
    """Objects and wrappers of one part, their identities resolved against ``pkg`` (which may be None)."""

    def __init__(self, pkg=None, part: str = ""):
        self.pkg, self.part = pkg, part
        self._rels: Optional[dict] = None
        self._hashes: Dict[str, str] = {}
        self.bookmarks: Dict[str, str] = {}  # bookmark id -> its identity, of this part
        self.used_package = False  # an identity was resolved through the package (rels, notes)

    def run_object(self, el, change_tag: bool = False) -> Obj:
        kind = RUN_OBJECTS.get(el.tag, "other")
        if kind == "image" and next(el.iter(_TEXTBOX), None) is not None:
            kind = "textbox"
        if el.tag == _INSTR[1]:  # a deleted instruction is an instruction: the writer marks it
            el = _renamed(el, _INSTR[0])
        if el.tag in _NOTE_REFS:  # "a note here": the note itself is compared as a story
            return Obj(kind, _NOTE_REFS[el.tag], _xml(el), "run")
        if kind == "textbox":  # the box is its shape; its words are compared as a story
            shell, content = _emptied(el)
            return Obj(kind, "textbox:" + self.identity(shell), _xml(el), "run",
                       content="".join(self.identity(c) for c in content))
        return Obj(kind, self.identity(el), _xml(el), "run")

    def para_object(self, el) -> Obj:
        kind = PARA_OBJECTS.get(el.tag, "other")
        if el.tag == qn("w:bookmarkStart"):
            name = "bookmark:" + el.get(qn("w:name"), "")
            self.bookmarks[el.get(_SDT_ID, "")] = name
            identity = name + self.identity(el)
        elif el.tag == qn("w:bookmarkEnd"):
            identity = "bookmarkEnd:" + self.bookmarks.get(el.get(_SDT_ID, ""), el.get(_SDT_ID, ""))
        else:
            identity = self.identity(el)
        return Obj(kind, identity, _xml(el), "para")

    def wrap(self, el) -> Wrap:
        shell = _shell(el, WRAPPERS[el.tag])
        return Wrap(_WRAP_KIND.get(el.tag, "other"), self.identity(shell), _xml(shell))

    def identity(self, el) -> str:
        """The element's XML without volatile ids, relationship ids resolved."""
        c = _copy(el)
        for node in c.iter():
            if not isinstance(node.tag, str):
                continue
            vml = node.tag.startswith(_VML)
            for name in list(node.attrib):
                if name in _VOLATILE or (name == _SDT_ID and node.tag in _VOLATILE_ID_TAGS) or (
                        name == "id" and (vml or node.tag in _VOLATILE_ID_TAGS)) or name == _SPID:
                    del node.attrib[name]
                elif vml and name == "type":  # a shape type's id, renamed where two met (#_x0000_t202_1)
                    node.set(name, _SHAPE_TYPE.sub(r"\1", node.get(name)))
                elif name.startswith(_R_NS):
                    node.set(name, self._target(node.get(name)))
            if node.tag == qn("w:sdtPr"):
                for sid in node.findall(_SDT_ID_EL):
                    node.remove(sid)
        # Exclusive canonical XML: namespaces declared where they are used, whatever the file did.
        return etree.tostring(c, method="c14n", exclusive=True).decode()

    def _target(self, rid: str) -> str:
        """What a relationship id points at: the address, or the hash of the part's bytes."""
        if self.pkg is None:
            return "?" + rid
        self.used_package = True
        if self._rels is None:
            self._rels = self.pkg.rels(self.part)
        rel = self._rels.get(rid)
        if rel is None:
            return "missing:" + rid
        if rel.mode == "External":
            return "url:" + _url(rel.target)
        if rel.target not in self._hashes:
            data = self.pkg.read(rel.target) or b""
            self._hashes[rel.target] = hashlib.sha1(data).hexdigest()
        return "part:" + self._hashes[rel.target]


_NOTE_REFS = {qn("w:footnoteReference"): "footnote reference", qn("w:endnoteReference"): "endnote reference"}
_SDT_ID_EL = qn("w:id")


def _url(address: str) -> str:
    """An address as a link compares: ``http://host`` and ``http://host/`` are one page."""
    parts = urlsplit(address)
    if parts.scheme and parts.netloc and not parts.path:
        return urlunsplit(parts._replace(path="/"))
    return address


def _emptied(el):
    """A copy of a text box without its words (each w:txbxContent emptied), and the contents."""
    shell = _copy(el)
    contents = []
    for box in shell.iter(_TEXTBOX):
        contents.append(_copy(box))
        for child in list(box):
            box.remove(child)
    return shell, contents


def _copy(el):
    return el.__deepcopy__(None)


def _xml(el) -> str:
    return etree.tostring(el, encoding="unicode")


def _renamed(el, tag: str):
    c = _copy(el)
    c.tag = tag
    return c


def _shell(el, holder: Optional[str]):
    """A copy of a wrapper without the runs it wraps (its w:sdtContent emptied, for a content control)."""
    c = etree.Element(el.tag, attrib=dict(el.attrib), nsmap=el.nsmap)
    if holder is None:
        return c
    for child in el:
        if child.tag == holder:
            etree.SubElement(c, holder)
        else:
            c.append(_copy(child))
    return c
