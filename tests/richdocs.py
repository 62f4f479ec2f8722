"""Realistic Word documents for tests: Thai paragraphs holding the objects real drafts hold.

A document is a list of blocks; a block is a paragraph (``Para``, a ``str`` or a list of
segments), a ``Table`` or a block-level ``Sdt``. A paragraph is a sequence of segments: a
``str`` is a plain Thai run, every other segment is an object written as Word writes it, with
the package parts it needs (media, footnotes.xml, rels, content types, ...)::

    build(path, [
        Para("ข้อ ๑ ให้ส่วนราชการ", Image("red"), "จัดทำแผน",
             Footnote("ตามพระราชกฤษฎีกา ว่าด้วยหลักเกณฑ์และวิธีการบริหารกิจการบ้านเมืองที่ดี พ.ศ. ๒๕๔๖")),
        Table([["หัวข้อ", Sdt("รายละเอียด", tag="detail"), "หมายเหตุ"],   # a cell-level control
               Sdt(["ก", "ข", "ค"], tag="row")]),                          # a row-level control
        Sdt(Para("ข้อความในตัวควบคุมเนื้อหา"), tag="block"),                # a block-level control
    ], header=Header("สำนักงานเลขาธิการ"), first_header=Header(Image("emblem")),
       footer=Footer("หน้า ", Field(" PAGE ", "1")))

Objects (segments): ``Image`` (DrawingML inline picture), ``VmlImage`` (``w:pict``),
``OleObject`` (``w:object``), ``Footnote``/``Endnote``, ``Field`` (complex field),
``SimpleField`` (``w:fldSimple``), ``Hyperlink`` (URL or anchor), ``Bookmark``, ``Sdt``
(run-level content control), ``Math`` (``m:oMath``), ``TextBox`` (``mc:AlternateContent``
with a ``wps`` choice and a VML fallback), ``Sym``, ``NoBreakHyphen``, ``SoftHyphen``,
``PTab``, ``PageBreak``, ``Tab``, ``CommentMark`` (a Word comment with only its reference
mark). A ``Para(..., section=Section(header=...))`` ends a section with its own header.

Every run carries TH SarabunPSK 16 pt and ``w:lang w:bidi="th-TH"``; every paragraph a
``w14:paraId``/``w14:textId`` as Word writes them. The bytes are deterministic: the same
input gives the same file. Independent of policydiff (lxml and zipfile only).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
# Declared on the root of every story part, as Word does (xml is implicit).
_ROOT_NS = {k: v for k, v in NS.items() if k != "xml"}
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CONTENT_TYPES = {
    "document": WML + "document.main+xml",
    "styles": WML + "styles+xml",
    "settings": WML + "settings+xml",
    "fontTable": WML + "fontTable+xml",
    "footnotes": WML + "footnotes+xml",
    "endnotes": WML + "endnotes+xml",
    "comments": WML + "comments+xml",
    "header": WML + "header+xml",
    "footer": WML + "footer+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
}
PNG_TYPE = "image/png"
OLE_TYPE = "application/vnd.openxmlformats-officedocument.oleObject"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"

AUTHOR = "ผู้ทดสอบ"
DATE = "2024-01-15T09:00:00Z"
THAI_FONT = "TH SarabunPSK"
THAI_SIZE = "32"  # half-points: 16 pt
EMU_PER_PT = 12700
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def qn(tag: str) -> str:
    prefix, local = tag.split(":")
    return "{%s}%s" % (NS[prefix], local)


# A minimal Office theme (Word expects one; its fonts name TH SarabunPSK for Thai).
def theme_xml() -> bytes:
    a = "{%s}" % NS["a"]

    def sub(parent, tag, **attrs):
        return etree.SubElement(parent, a + tag, {k: v for k, v in attrs.items()})

    root = etree.Element(a + "theme", nsmap={"a": NS["a"]}, name="Office Theme")
    elements = sub(root, "themeElements")
    colours = sub(elements, "clrScheme", name="Office")
    for name, rgb in (("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "1F497D"), ("lt2", "EEECE1"),
                      ("accent1", "4F81BD"), ("accent2", "C0504D"), ("accent3", "9BBB59"), ("accent4", "8064A2"),
                      ("accent5", "4BACC6"), ("accent6", "F79646"), ("hlink", "0000FF"), ("folHlink", "800080")):
        sub(sub(colours, name), "srgbClr", val=rgb)
    fonts = sub(elements, "fontScheme", name="Office")
    for kind in ("majorFont", "minorFont"):
        font = sub(fonts, kind)
        sub(font, "latin", typeface=THAI_FONT)
        sub(font, "ea", typeface="")
        sub(font, "cs", typeface=THAI_FONT)
        sub(font, "font", script="Thai", typeface=THAI_FONT)
    fmt = sub(elements, "fmtScheme", name="Office")
    fills, lines, effects = sub(fmt, "fillStyleLst"), sub(fmt, "lnStyleLst"), sub(fmt, "effectStyleLst")
    backgrounds = sub(fmt, "bgFillStyleLst")
    for width in ("9525", "25400", "38100"):
        sub(sub(fills, "solidFill"), "schemeClr", val="phClr")
        sub(sub(sub(lines, "ln", w=width), "solidFill"), "schemeClr", val="phClr")
        sub(sub(effects, "effectStyle"), "effectLst")
        sub(sub(backgrounds, "solidFill"), "schemeClr", val="phClr")
    sub(root, "objectDefaults")
    sub(root, "extraClrSchemeLst")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------ pictures

COLOURS = {
    "red": (200, 30, 30), "green": (30, 160, 60), "blue": (30, 60, 200), "gold": (212, 175, 55),
    "black": (0, 0, 0), "white": (255, 255, 255), "grey": (128, 128, 128),
}


def png(colour: Union[str, Tuple[int, int, int]], size: int = 8, emblem: bool = False) -> bytes:
    """A valid ``size``×``size`` RGB PNG of one colour; ``emblem`` draws a gold ring on it."""
    rgb = COLOURS[colour] if isinstance(colour, str) else tuple(colour)
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])  # filter type None
        for x in range(size):
            d2 = (x - c) ** 2 + (y - c) ** 2
            ring = emblem and (size / 4) ** 2 <= d2 <= (size / 2.2) ** 2
            row += bytes(COLOURS["gold"] if ring else rgb)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def image_bytes(spec) -> bytes:
    """The PNG of an ``Image``/``VmlImage``/``OleObject`` colour spec ("emblem" is special)."""
    if spec == "emblem":
        return png("red", 16, emblem=True)
    return png(spec)


# ------------------------------------------------------------------ the document model

@dataclass(frozen=True)
class Image:
    """An inline DrawingML picture (``w:drawing/wp:inline``); ``colour`` picks its bytes."""

    colour: str = "red"
    width_pt: int = 36
    height_pt: int = 36
    descr: str = "ภาพประกอบ"


@dataclass(frozen=True)
class VmlImage:
    """A legacy VML picture (``w:pict/v:shape/v:imagedata``)."""

    colour: str = "blue"
    width_pt: int = 36
    height_pt: int = 36


@dataclass(frozen=True)
class OleObject:
    """An embedded OLE object (``w:object``: a VML preview and ``o:OLEObject`` → embeddings/*.bin)."""

    colour: str = "grey"
    payload: bytes = b"policydiff test OLE payload"
    prog_id: str = "Package"


@dataclass(frozen=True)
class Footnote:
    text: Union[str, Sequence] = ""


@dataclass(frozen=True)
class Endnote:
    text: Union[str, Sequence] = ""


@dataclass(frozen=True)
class Field:
    """A complex field: begin, ``instr`` (e.g. `` PAGE ``), separate, ``result`` runs, end."""

    instr: str = " PAGE "
    result: str = "1"


@dataclass(frozen=True)
class SimpleField:
    """``w:fldSimple w:instr=...`` holding one result run."""

    instr: str = "PAGE"
    result: str = "1"


@dataclass(frozen=True)
class Hyperlink:
    """A hyperlink to ``url`` (an external relationship) or to a bookmark ``anchor``."""

    text: str
    url: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class Bookmark:
    """``w:bookmarkStart``/``w:bookmarkEnd`` around ``text`` (empty: a point bookmark)."""

    name: str
    text: str = ""


@dataclass(frozen=True)
class Sdt:
    """A content control. Its level is where it stands: among a paragraph's segments it is
    run-level (``content``: segments); among blocks, block-level (``content``: a block or
    a list of blocks); among a table's rows, row-level (``content``: a row, a list of cells);
    among a row's cells, cell-level (``content``: a cell)."""

    content: object
    tag: str = "control"
    alias: str = "ตัวควบคุมเนื้อหา"


@dataclass(frozen=True)
class Math:
    """An equation ``m:oMath`` of math runs (``m:r/m:t``), one per part."""

    parts: Tuple[str, ...] = ("x", "=", "๑", "+", "๒")

    def __init__(self, *parts: str):
        object.__setattr__(self, "parts", tuple(parts) or ("x", "=", "๑"))


@dataclass(frozen=True)
class TextBox:
    """A floating text box: ``mc:AlternateContent`` with a ``wps`` choice and a VML fallback,
    both holding the same paragraphs (each a str, a segment list or a ``Para``)."""

    paragraphs: Tuple = ()

    def __init__(self, *paragraphs):
        object.__setattr__(self, "paragraphs", tuple(paragraphs))


@dataclass(frozen=True)
class Sym:
    font: str = "Wingdings"
    char: str = "F0FE"  # a ticked check box


@dataclass(frozen=True)
class NoBreakHyphen:
    pass


@dataclass(frozen=True)
class SoftHyphen:
    pass


@dataclass(frozen=True)
class PTab:
    alignment: str = "right"


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Tab:
    pass


@dataclass(frozen=True)
class CommentMark:
    """A Word comment with only its reference mark (no commentRangeStart/End)."""

    comment: str
    author: str = AUTHOR
    initials: str = "ผท"
    date: str = DATE


@dataclass(frozen=True)
class Header:
    paragraphs: Tuple = ()

    def __init__(self, *paragraphs):
        object.__setattr__(self, "paragraphs", tuple(paragraphs))


@dataclass(frozen=True)
class Footer:
    paragraphs: Tuple = ()

    def __init__(self, *paragraphs):
        object.__setattr__(self, "paragraphs", tuple(paragraphs))


@dataclass(frozen=True)
class Section:
    """Page setup of a section and its own headers/footers (None: inherited from before)."""

    header: Optional[Header] = None
    footer: Optional[Footer] = None
    first_header: Optional[Header] = None
    first_footer: Optional[Footer] = None

    @property
    def title_page(self) -> bool:
        return self.first_header is not None or self.first_footer is not None


@dataclass(frozen=True)
class Para:
    """A paragraph: segments (str or objects); ``section`` makes it end a section."""

    segments: Tuple = ()
    style: str = ""
    section: Optional[Section] = None

    def __init__(self, *segments, style: str = "", section: Optional[Section] = None):
        object.__setattr__(self, "segments", tuple(segments))
        object.__setattr__(self, "style", style)
        object.__setattr__(self, "section", section)


@dataclass(frozen=True)
class Cell:
    """A table cell of several paragraphs."""

    paragraphs: Tuple = ()

    def __init__(self, *paragraphs):
        object.__setattr__(self, "paragraphs", tuple(paragraphs))


@dataclass(frozen=True)
class Table:
    """A bordered table: a list of rows, each a list of cells (or an ``Sdt`` around a row)."""

    rows: Sequence


# ------------------------------------------------------------------ building

def _el(tag: str, attrs=None, children=(), text=None, nsmap=None):
    el = etree.Element(qn(tag), nsmap=nsmap)
    for key, value in (attrs or {}).items():
        el.set(qn(key) if ":" in key else key, value)
    for child in children:
        if child is not None:
            el.append(child)
    if text is not None:
        el.text = text
    return el


def _rpr(style: str = "", extra=()):
    return _el("w:rPr", children=[
        _el("w:rStyle", {"w:val": style}) if style else None,
        _el("w:rFonts", {"w:ascii": THAI_FONT, "w:hAnsi": THAI_FONT, "w:cs": THAI_FONT}),
        *extra,
        _el("w:sz", {"w:val": THAI_SIZE}),
        _el("w:szCs", {"w:val": THAI_SIZE}),
        _el("w:lang", {"w:val": "th-TH", "w:bidi": "th-TH"}),
    ])


def _run(*content, style: str = ""):
    return _el("w:r", children=[_rpr(style), *content])


def _t(text: str, tag: str = "w:t"):
    return _el(tag, {"xml:space": "preserve"}, text=text)


def _as_para(spec) -> Para:
    """A paragraph spec as a ``Para``: a Para, a str, a list of segments, or one object."""
    if isinstance(spec, Para):
        return spec
    if isinstance(spec, (list, tuple)):
        return Para(*spec)
    return Para(spec)


class _Part:
    """One story part being built: its relationships (rIdN in order of first use)."""

    def __init__(self, name: str):
        self.name = name  # e.g. "word/header1.xml"
        self.rels: List[Tuple[str, str, str, bool]] = []  # (id, type, target, external)
        self.shapetypes: set = set()  # VML shape types defined in this part (Word: once each)

    def rel(self, kind: str, target: str, external: bool = False) -> str:
        for rid, k, t, ext in self.rels:
            if (k, t, ext) == (kind, target, external):
                return rid
        rid = f"rId{len(self.rels) + 1}"
        self.rels.append((rid, kind, target, external))
        return rid


class _Builder:
    def __init__(self):
        self.media: Dict[bytes, str] = {}  # bytes -> "media/imageN.png"
        self.embeddings: Dict[bytes, str] = {}
        self.footnotes: List[object] = []  # footnote elements in id order (1..)
        self.endnotes: List[object] = []
        self.comments: List[CommentMark] = []
        self.headers: List[Tuple[str, object]] = []  # (part name, root)
        self.footers: List[Tuple[str, object]] = []
        self.parts: Dict[str, _Part] = {}
        self.counters: Dict[str, int] = {}
        self.para_count = 0

    def next(self, what: str, start: int = 1) -> int:
        n = self.counters.get(what, start - 1) + 1
        self.counters[what] = n
        return n

    # ---- package resources

    def image_rel(self, part: _Part, spec) -> str:
        data = image_bytes(spec)
        if data not in self.media:
            self.media[data] = f"media/image{len(self.media) + 1}.png"
        return part.rel("image", self.media[data])

    def ole_rel(self, part: _Part, payload: bytes) -> str:
        if payload not in self.embeddings:
            self.embeddings[payload] = f"embeddings/oleObject{len(self.embeddings) + 1}.bin"
        return part.rel("oleObject", self.embeddings[payload])

    # ---- paragraphs

    def paragraph(self, spec, part: _Part, style: str = ""):
        para = _as_para(spec)
        self.para_count += 1
        n = self.para_count
        p = _el("w:p", {"w14:paraId": f"{0x10000000 + n * 7919:08X}", "w14:textId": f"{0x20000000 + n:08X}"})
        ppr = _el("w:pPr")
        if para.style or style:
            ppr.append(_el("w:pStyle", {"w:val": para.style or style}))
        ppr.append(_rpr())
        if para.section is not None:
            ppr.append(self.section(para.section, part))
        p.append(ppr)
        for seg in para.segments:
            for el in self.segment(seg, part):
                p.append(el)
        return p

    def segment(self, seg, part: _Part) -> list:
        if isinstance(seg, str):
            return [_run(_t(seg))]
        method = getattr(self, "_" + type(seg).__name__.lower(), None)
        if method is None:
            raise TypeError(f"not a segment: {seg!r}")
        return method(seg, part)

    def _image(self, seg: Image, part: _Part):
        rid = self.image_rel(part, seg.colour)
        n = self.next("docPr")
        cx, cy = str(seg.width_pt * EMU_PER_PT), str(seg.height_pt * EMU_PER_PT)
        pic = _el("pic:pic", children=[
            _el("pic:nvPicPr", children=[
                _el("pic:cNvPr", {"id": "0", "name": f"image{n}.png"}), _el("pic:cNvPicPr")]),
            _el("pic:blipFill", children=[
                _el("a:blip", {"r:embed": rid}),
                _el("a:stretch", children=[_el("a:fillRect")])]),
            _el("pic:spPr", children=[
                _el("a:xfrm", children=[_el("a:off", {"x": "0", "y": "0"}),
                                        _el("a:ext", {"cx": cx, "cy": cy})]),
                _el("a:prstGeom", {"prst": "rect"}, [_el("a:avLst")])]),
        ])
        inline = _el("wp:inline", {"distT": "0", "distB": "0", "distL": "0", "distR": "0"}, [
            _el("wp:extent", {"cx": cx, "cy": cy}),
            _el("wp:effectExtent", {"l": "0", "t": "0", "r": "0", "b": "0"}),
            _el("wp:docPr", {"id": str(n), "name": f"Picture {n}", "descr": seg.descr}),
            _el("wp:cNvGraphicFramePr", children=[_el("a:graphicFrameLocks", {"noChangeAspect": "1"})]),
            _el("a:graphic", children=[_el("a:graphicData", {
                "uri": "http://schemas.openxmlformats.org/drawingml/2006/picture"}, [pic])]),
        ])
        return [_run(_el("w:drawing", children=[inline]))]

    @staticmethod
    def _shapetype_75(part: "_Part"):
        if "75" in part.shapetypes:
            return None
        part.shapetypes.add("75")
        return _el("v:shapetype", {
            "id": "_x0000_t75", "coordsize": "21600,21600", "o:spt": "75", "o:preferrelative": "t",
            "path": "m@4@5l@4@11@9@11@9@5xe", "filled": "f", "stroked": "f"}, [
            _el("v:stroke", {"joinstyle": "miter"}),
            _el("v:path", {"o:extrusionok": "f", "gradientshapeok": "t", "o:connecttype": "rect"}),
            _el("o:lock", {"v:ext": "edit", "aspectratio": "t"}),
        ])

    def _vmlimage(self, seg: VmlImage, part: _Part):
        rid = self.image_rel(part, seg.colour)
        n = self.next("vml", 1025)
        shape = _el("v:shape", {"id": f"_x0000_i{n}", "type": "#_x0000_t75",
                                "style": f"width:{seg.width_pt}pt;height:{seg.height_pt}pt"},
                    [_el("v:imagedata", {"r:id": rid, "o:title": ""})])
        return [_run(_el("w:pict", children=[self._shapetype_75(part), shape]))]

    def _oleobject(self, seg: OleObject, part: _Part):
        preview = self.image_rel(part, seg.colour)
        rid = self.ole_rel(part, seg.payload)
        n = self.next("vml", 1025)
        shape_id = f"_x0000_i{n}"
        shape = _el("v:shape", {"id": shape_id, "type": "#_x0000_t75", "style": "width:36pt;height:36pt",
                                "o:ole": ""}, [_el("v:imagedata", {"r:id": preview, "o:title": ""})])
        ole = _el("o:OLEObject", {"Type": "Embed", "ProgID": seg.prog_id, "ShapeID": shape_id,
                                  "DrawAspect": "Icon", "ObjectID": f"_{1700000000 + n}", "r:id": rid})
        obj = _el("w:object", {"w:dxaOrig": "720", "w:dyaOrig": "720"}, [self._shapetype_75(part), shape, ole])
        return [_run(obj)]

    def _note(self, seg, part: _Part, kind: str):
        notes = self.footnotes if kind == "footnote" else self.endnotes
        nid = len(notes) + 1
        style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
        notes.append(self.note_element(kind, nid, seg.text))
        return [_run(_el(f"w:{kind}Reference", {"w:id": str(nid)}), style=style)]

    def note_element(self, kind: str, nid: int, text):
        part = self.part(f"word/{kind}s.xml")
        cap = kind.capitalize()
        segments = [text] if isinstance(text, str) else list(text)
        p = self.paragraph(Para(*segments, style=f"{cap}Text"), part)
        mark = _run(_el(f"w:{kind}Ref"), style=f"{cap}Reference")
        p.insert(1, mark)
        p.insert(2, _run(_t(" ")))
        return _el(f"w:{kind}", {"w:id": str(nid)}, [p])

    def _footnote(self, seg, part):
        return self._note(seg, part, "footnote")

    def _endnote(self, seg, part):
        return self._note(seg, part, "endnote")

    def _field(self, seg: Field, part: _Part):
        out = [_run(_el("w:fldChar", {"w:fldCharType": "begin"})),
               _run(_el("w:instrText", {"xml:space": "preserve"}, text=seg.instr)),
               _run(_el("w:fldChar", {"w:fldCharType": "separate"}))]
        if seg.result:
            out.append(_run(_t(seg.result)))
        out.append(_run(_el("w:fldChar", {"w:fldCharType": "end"})))
        return out

    def _simplefield(self, seg: SimpleField, part: _Part):
        return [_el("w:fldSimple", {"w:instr": seg.instr}, [_run(_t(seg.result))])]

    def _hyperlink(self, seg: Hyperlink, part: _Part):
        if seg.url:
            attrs = {"r:id": part.rel("hyperlink", seg.url, external=True), "w:history": "1"}
        else:
            attrs = {"w:anchor": seg.anchor, "w:history": "1"}
        return [_el("w:hyperlink", attrs, [_run(_t(seg.text), style="Hyperlink")])]

    def _bookmark(self, seg: Bookmark, part: _Part):
        bid = str(self.next("bookmark", 0))
        out = [_el("w:bookmarkStart", {"w:id": bid, "w:name": seg.name})]
        if seg.text:
            out.append(_run(_t(seg.text)))
        out.append(_el("w:bookmarkEnd", {"w:id": bid}))
        return out

    def _sdt_pr(self, seg: Sdt, text: bool = True):
        sid = str(1000 + self.next("sdt"))
        return _el("w:sdtPr", children=[
            _rpr(), _el("w:alias", {"w:val": seg.alias}), _el("w:tag", {"w:val": seg.tag}),
            _el("w:id", {"w:val": sid}), _el("w:text") if text else None])

    def _sdt(self, seg: Sdt, part: _Part):
        content = seg.content
        segments = [content] if isinstance(content, str) else list(content)
        inner = [el for s in segments for el in self.segment(s, part)]
        return [_el("w:sdt", children=[self._sdt_pr(seg), _el("w:sdtContent", children=inner)])]

    def _math(self, seg: Math, part: _Part):
        runs = [_el("m:r", children=[
            _el("w:rPr", children=[_el("w:rFonts", {"w:ascii": "Cambria Math", "w:hAnsi": "Cambria Math"})]),
            _el("m:t", text=text)]) for text in seg.parts]
        return [_el("m:oMath", children=runs)]

    def _textbox(self, seg: TextBox, part: _Part):
        n = self.next("docPr")
        s = self.next("vml_s", 1026)
        width_pt, height_pt = 216, 72
        cx, cy = str(width_pt * EMU_PER_PT), str(height_pt * EMU_PER_PT)

        def content():
            return _el("w:txbxContent", children=[self.paragraph(p, part) for p in seg.paragraphs or [""]])

        black = _el("a:solidFill", children=[_el("a:srgbClr", {"val": "000000"})])
        wsp = _el("wps:wsp", children=[
            _el("wps:cNvSpPr", {"txBox": "1"}),
            _el("wps:spPr", children=[
                _el("a:xfrm", children=[_el("a:off", {"x": "0", "y": "0"}), _el("a:ext", {"cx": cx, "cy": cy})]),
                _el("a:prstGeom", {"prst": "rect"}, [_el("a:avLst")]),
                _el("a:solidFill", children=[_el("a:srgbClr", {"val": "FFFFFF"})]),
                _el("a:ln", {"w": "6350"}, [black])]),
            _el("wps:txbx", children=[content()]),
            _el("wps:bodyPr", {"rot": "0", "vert": "horz", "wrap": "square", "lIns": "91440", "tIns": "45720",
                               "rIns": "91440", "bIns": "45720", "anchor": "t", "anchorCtr": "0"},
                [_el("a:noAutofit")]),
        ])
        anchor = _el("wp:anchor", {
            "distT": "0", "distB": "0", "distL": "114300", "distR": "114300", "simplePos": "0",
            "relativeHeight": str(251658240 + n), "behindDoc": "0", "locked": "0", "layoutInCell": "1",
            "allowOverlap": "1"}, [
            _el("wp:simplePos", {"x": "0", "y": "0"}),
            _el("wp:positionH", {"relativeFrom": "column"}, [_el("wp:posOffset", text="0")]),
            _el("wp:positionV", {"relativeFrom": "paragraph"}, [_el("wp:posOffset", text="0")]),
            _el("wp:extent", {"cx": cx, "cy": cy}),
            _el("wp:effectExtent", {"l": "0", "t": "0", "r": "0", "b": "0"}),
            _el("wp:wrapSquare", {"wrapText": "bothSides"}),
            _el("wp:docPr", {"id": str(n), "name": f"Text Box {n}"}),
            _el("wp:cNvGraphicFramePr"),
            _el("a:graphic", children=[_el("a:graphicData", {
                "uri": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"}, [wsp])]),
        ])
        shapetype = None
        if "202" not in part.shapetypes:
            part.shapetypes.add("202")
            shapetype = _el("v:shapetype", {"id": "_x0000_t202", "coordsize": "21600,21600", "o:spt": "202",
                                            "path": "m,l,21600r21600,l21600,xe"}, [
                _el("v:stroke", {"joinstyle": "miter"}),
                _el("v:path", {"gradientshapeok": "t", "o:connecttype": "rect"})])
        shape = _el("v:shape", {
            "id": f"Text Box {n}", "o:spid": f"_x0000_s{s}", "type": "#_x0000_t202",
            "style": (f"position:absolute;margin-left:0;margin-top:0;width:{width_pt}pt;height:{height_pt}pt;"
                      f"z-index:{n};visibility:visible;mso-wrap-style:square"),
            "fillcolor": "white", "strokeweight": ".5pt"}, [_el("v:textbox", children=[content()])])
        alternate = _el("mc:AlternateContent", children=[
            _el("mc:Choice", {"Requires": "wps"}, [_el("w:drawing", children=[anchor])]),
            _el("mc:Fallback", children=[_el("w:pict", children=[shapetype, shape])]),
        ])
        return [_run(alternate)]

    def _sym(self, seg: Sym, part):
        return [_run(_el("w:sym", {"w:font": seg.font, "w:char": seg.char}))]

    def _nobreakhyphen(self, seg, part):
        return [_run(_el("w:noBreakHyphen"))]

    def _softhyphen(self, seg, part):
        return [_run(_el("w:softHyphen"))]

    def _ptab(self, seg: PTab, part):
        return [_run(_el("w:ptab", {"w:relativeTo": "margin", "w:alignment": seg.alignment, "w:leader": "none"}))]

    def _pagebreak(self, seg, part):
        return [_run(_el("w:br", {"w:type": "page"}))]

    def _tab(self, seg, part):
        return [_run(_el("w:tab"))]

    def _commentmark(self, seg: CommentMark, part):
        cid = str(len(self.comments))
        self.comments.append(seg)
        return [_el("w:r", children=[_el("w:rPr", children=[_el("w:rStyle", {"w:val": "CommentReference"})]),
                                     _el("w:commentReference", {"w:id": cid})])]

    # ---- blocks

    def blocks(self, blocks, part: _Part) -> list:
        out = []
        for block in blocks:
            if isinstance(block, Table):
                out.append(self.table(block, part))
            elif isinstance(block, Sdt):
                inner = block.content if isinstance(block.content, list) else [block.content]
                out.append(_el("w:sdt", children=[self._sdt_pr(block, text=False),
                                                  _el("w:sdtContent", children=self.blocks(inner, part))]))
            else:
                out.append(self.paragraph(block, part))
        return out

    def cell(self, cell, width: int, part: _Part):
        if isinstance(cell, Sdt):
            return _el("w:sdt", children=[self._sdt_pr(cell, text=False),
                                          _el("w:sdtContent", children=[self.cell(cell.content, width, part)])])
        paras = cell.paragraphs if isinstance(cell, Cell) else [cell]
        tcpr = _el("w:tcPr", children=[_el("w:tcW", {"w:w": str(width), "w:type": "dxa"})])
        return _el("w:tc", children=[tcpr] + [self.paragraph(p, part) for p in paras or [""]])

    def row(self, row, width: int, part: _Part):
        if isinstance(row, Sdt):
            return _el("w:sdt", children=[self._sdt_pr(row, text=False),
                                          _el("w:sdtContent", children=[self.row(row.content, width, part)])])
        return _el("w:tr", children=[self.cell(c, width, part) for c in row])

    def table(self, table: Table, part: _Part):
        def ncells(row):
            return len(row.content) if isinstance(row, Sdt) else len(row)

        ncols = max(ncells(r) for r in table.rows)
        width = 9000 // ncols
        borders = _el("w:tblBorders", children=[
            _el(f"w:{side}", {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": "000000"})
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")])
        tblpr = _el("w:tblPr", children=[_el("w:tblW", {"w:w": str(width * ncols), "w:type": "dxa"}), borders,
                                         _el("w:tblLook", {"w:val": "04A0"})])
        grid = _el("w:tblGrid", children=[_el("w:gridCol", {"w:w": str(width)}) for _ in range(ncols)])
        return _el("w:tbl", children=[tblpr, grid] + [self.row(r, width, part) for r in table.rows])

    # ---- parts

    def part(self, name: str) -> _Part:
        if name not in self.parts:
            self.parts[name] = _Part(name)
        return self.parts[name]

    def header_footer(self, hf, parent: _Part) -> str:
        is_header = isinstance(hf, Header)
        kind = "header" if is_header else "footer"
        store = self.headers if is_header else self.footers
        name = f"word/{kind}{len(store) + 1}.xml"
        part = self.part(name)
        root = _el("w:hdr" if is_header else "w:ftr", nsmap=_ROOT_NS)
        root.set(qn("mc:Ignorable"), "w14 wp14")
        for spec in hf.paragraphs or [""]:
            root.append(self.paragraph(spec, part, style="Header" if is_header else "Footer"))
        store.append((name, root))
        return parent.rel(kind, name.split("/", 1)[1])

    def section(self, section: Section, part: _Part):
        refs = []
        for tag, kind, hf in (("w:headerReference", "default", section.header),
                              ("w:headerReference", "first", section.first_header),
                              ("w:footerReference", "default", section.footer),
                              ("w:footerReference", "first", section.first_footer)):
            if hf is not None:
                refs.append(_el(tag, {"w:type": kind, "r:id": self.header_footer(hf, part)}))
        return _el("w:sectPr", children=refs + [
            _el("w:pgSz", {"w:w": "11906", "w:h": "16838"}),
            _el("w:pgMar", {"w:top": "1440", "w:right": "1440", "w:bottom": "1440", "w:left": "1440",
                            "w:header": "720", "w:footer": "720", "w:gutter": "0"}),
            _el("w:cols", {"w:space": "708"}),
            _el("w:titlePg") if section.title_page else None,
            _el("w:docGrid", {"w:linePitch": "360"}),
        ])


def _separator_notes(kind: str):
    out = []
    for nid, sep in (("-1", "separator"), ("0", "continuationSeparator")):
        p = _el("w:p", children=[
            _el("w:pPr", children=[_el("w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"})]),
            _el("w:r", children=[_el(f"w:{sep}")])])
        out.append(_el(f"w:{kind}", {"w:type": sep, "w:id": nid}, [p]))
    return out


def _style(kind: str, style_id: str, name: str, extra=(), default=False):
    attrs = {"w:type": kind, "w:styleId": style_id}
    if default:
        attrs["w:default"] = "1"
    return _el("w:style", attrs, [_el("w:name", {"w:val": name}), *extra])


def _styles():
    small = [_el("w:rPr", children=[_el("w:sz", {"w:val": "28"}), _el("w:szCs", {"w:val": "28"})])]
    based_p = _el("w:basedOn", {"w:val": "Normal"})
    superscript = [_el("w:rPr", children=[_el("w:vertAlign", {"w:val": "superscript"})])]
    return _el("w:styles", nsmap=_ROOT_NS, children=[
        _el("w:docDefaults", children=[_el("w:rPrDefault", children=[_rpr()]),
                                       _el("w:pPrDefault", children=[_el("w:pPr")])]),
        _style("paragraph", "Normal", "Normal", default=True),
        _style("character", "DefaultParagraphFont", "Default Paragraph Font", default=True),
        _style("paragraph", "FootnoteText", "footnote text", [based_p, *small]),
        _style("character", "FootnoteReference", "footnote reference", superscript),
        _style("paragraph", "EndnoteText", "endnote text", [_el("w:basedOn", {"w:val": "Normal"}), *small]),
        _style("character", "EndnoteReference", "endnote reference",
               [_el("w:rPr", children=[_el("w:vertAlign", {"w:val": "superscript"})])]),
        _style("paragraph", "Header", "header", [_el("w:basedOn", {"w:val": "Normal"})]),
        _style("paragraph", "Footer", "footer", [_el("w:basedOn", {"w:val": "Normal"})]),
        _style("character", "Hyperlink", "Hyperlink", [_el("w:rPr", children=[
            _el("w:color", {"w:val": "0563C1"}), _el("w:u", {"w:val": "single"})])]),
        _style("paragraph", "CommentText", "annotation text",
               [_el("w:basedOn", {"w:val": "Normal"}),
                _el("w:rPr", children=[_el("w:sz", {"w:val": "28"}), _el("w:szCs", {"w:val": "28"})])]),
        _style("character", "CommentReference", "annotation reference"),
    ])


def _settings(notes: bool, track_revisions: bool):
    children = [_el("w:trackRevisions") if track_revisions else None, _el("w:defaultTabStop", {"w:val": "720"})]
    if notes:
        for kind in ("footnote", "endnote"):  # the separator notes, as Word lists them
            children.append(_el(f"w:{kind}Pr", children=[_el(f"w:{kind}", {"w:id": "-1"}),
                                                         _el(f"w:{kind}", {"w:id": "0"})]))
    return _el("w:settings", nsmap={"w": NS["w"]}, children=children)


def _font_table():
    fonts = []
    for name, charset in ((THAI_FONT, "DE"), ("Wingdings", "02"), ("Cambria Math", "00")):
        fonts.append(_el("w:font", {"w:name": name}, [_el("w:charset", {"w:val": charset}),
                                                      _el("w:family", {"w:val": "auto"}),
                                                      _el("w:pitch", {"w:val": "variable"})]))
    return _el("w:fonts", nsmap={"w": NS["w"]}, children=fonts)


def _comments(comments: Sequence[CommentMark]):
    root = _el("w:comments", nsmap=_ROOT_NS)
    for cid, c in enumerate(comments):
        p = _el("w:p", children=[
            _el("w:pPr", children=[_el("w:pStyle", {"w:val": "CommentText"})]),
            _el("w:r", children=[_el("w:rPr", children=[_el("w:rStyle", {"w:val": "CommentReference"})]),
                                 _el("w:annotationRef")]),
            _run(_t(c.comment))])
        root.append(_el("w:comment", {"w:id": str(cid), "w:author": c.author, "w:date": c.date,
                                      "w:initials": c.initials}, [p]))
    return root


def _pkg(tag: str, ns: str, attrs=None):
    el = etree.Element("{%s}%s" % (ns, tag), nsmap={None: ns})
    for k, v in (attrs or {}).items():
        el.set(k, v)
    return el


def _rels_xml(part: _Part):
    root = _pkg("Relationships", PR_NS)
    for rid, kind, target, external in part.rels:
        rel = _pkg("Relationship", PR_NS, {"Id": rid, "Type": REL + kind, "Target": target})
        if external:
            rel.set("TargetMode", "External")
        root.append(rel)
    return root


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_name(part_name: str) -> str:
    folder, _, base = part_name.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def docx_bytes(blocks, *, header: Optional[Header] = None, footer: Optional[Footer] = None,
               first_header: Optional[Header] = None, first_footer: Optional[Footer] = None,
               track_revisions: bool = False) -> bytes:
    """The .docx package of ``blocks``; the final section gets the given headers/footers."""
    b = _Builder()
    doc_part = b.part("word/document.xml")
    for kind, target in (("styles", "styles.xml"), ("settings", "settings.xml"), ("fontTable", "fontTable.xml"),
                         ("theme", "theme/theme1.xml")):
        doc_part.rel(kind, target)
    body = _el("w:body", children=b.blocks(blocks, doc_part))
    body.append(b.section(Section(header, footer, first_header, first_footer), doc_part))
    document = _el("w:document", nsmap=_ROOT_NS, children=[body])
    document.set(qn("mc:Ignorable"), "w14 wp14")

    notes = bool(b.footnotes or b.endnotes)
    story_parts: List[Tuple[str, object]] = [("word/document.xml", document)]
    overrides = [("/word/document.xml", "document"), ("/word/styles.xml", "styles"),
                 ("/word/settings.xml", "settings"), ("/word/fontTable.xml", "fontTable"),
                 ("/word/theme/theme1.xml", "theme")]
    if notes:
        for kind, items in (("footnote", b.footnotes), ("endnote", b.endnotes)):
            root = _el(f"w:{kind}s", nsmap=_ROOT_NS, children=_separator_notes(kind) + items)
            root.set(qn("mc:Ignorable"), "w14 wp14")
            story_parts.append((f"word/{kind}s.xml", root))
            doc_part.rel(f"{kind}s", f"{kind}s.xml")
            overrides.append((f"/word/{kind}s.xml", f"{kind}s"))
    if b.comments:
        story_parts.append(("word/comments.xml", _comments(b.comments)))
        doc_part.rel("comments", "comments.xml")
        overrides.append(("/word/comments.xml", "comments"))
    for kind, items in (("header", b.headers), ("footer", b.footers)):
        for name, root in items:
            story_parts.append((name, root))
            overrides.append(("/" + name, kind))

    ct = _pkg("Types", CT_NS)
    defaults = [("rels", RELS_TYPE), ("xml", "application/xml")]
    if b.media:
        defaults.append(("png", PNG_TYPE))
    if b.embeddings:
        defaults.append(("bin", OLE_TYPE))
    for ext, ctype in defaults:
        ct.append(_pkg("Default", CT_NS, {"Extension": ext, "ContentType": ctype}))
    for name, kind in overrides:
        ct.append(_pkg("Override", CT_NS, {"PartName": name, "ContentType": CONTENT_TYPES[kind]}))

    package_rels = _Part("")
    package_rels.rel("officeDocument", "word/document.xml")
    files: List[Tuple[str, bytes]] = [("[Content_Types].xml", _xml(ct)), ("_rels/.rels", _xml(_rels_xml(package_rels)))]
    for name, root in story_parts:
        files.append((name, _xml(root)))
        part = b.parts.get(name)
        if part is not None and part.rels:
            files.append((_rels_name(name), _xml(_rels_xml(part))))
    files += [("word/styles.xml", _xml(_styles())), ("word/settings.xml", _xml(_settings(notes, track_revisions))),
              ("word/fontTable.xml", _xml(_font_table())),
              ("word/theme/theme1.xml", theme_xml())]
    files += [("word/" + name, data) for data, name in b.media.items()]
    files += [("word/" + name, data) for data, name in b.embeddings.items()]

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def build(path, blocks, **kwargs) -> Path:
    """Write ``blocks`` as a .docx at ``path`` (options as ``docx_bytes``) and return the path."""
    path = Path(path)
    path.write_bytes(docx_bytes(blocks, **kwargs))
    return path


# ------------------------------------------------------------------ ready-made samples

FOOTNOTE_TEXT = "ตามพระราชกฤษฎีกา ว่าด้วยหลักเกณฑ์และวิธีการบริหารกิจการบ้านเมืองที่ดี พ.ศ. ๒๕๔๖"
ENDNOTE_TEXT = "ดูมติคณะรัฐมนตรี เมื่อวันที่ ๓๐ มิถุนายน ๒๕๕๒"
HEADER_TEXT = "สำนักงานเลขาธิการคณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ"
TEXTBOX_TEXT = "ให้ส่งความเห็นภายในวันที่ ๑๔ กรกฎาคม ๒๕๕๒"
URL = "https://www.ocsc.go.th/"

# One sample of every object kind, each a segment or block that a paragraph of Thai text
# can hold; tests parametrize over these names.
SAMPLES = {
    "image": lambda: Image("red"),
    "vml_image": lambda: VmlImage("blue"),
    "ole_object": lambda: OleObject("grey"),
    "footnote": lambda: Footnote(FOOTNOTE_TEXT),
    "endnote": lambda: Endnote(ENDNOTE_TEXT),
    "field_page": lambda: Field(" PAGE ", "๑"),
    "field_date": lambda: Field(' DATE \\@ "d MMMM yyyy" ', "๑๕ มกราคม ๒๕๖๗"),
    "field_toc": lambda: Field(' TOC \\o "1-3" \\h \\z \\u ', "สารบัญ"),
    "simple_field": lambda: SimpleField("PAGE", "๑"),
    "hyperlink_url": lambda: Hyperlink("เว็บไซต์สำนักงาน", url=URL),
    "hyperlink_anchor": lambda: Hyperlink("ดูข้อ ๕", anchor="clause5"),
    "bookmark": lambda: Bookmark("clause5", "ข้อ ๕"),
    "run_sdt": lambda: Sdt("ชื่อหน่วยงาน", tag="agency", alias="หน่วยงาน"),
    "math": lambda: Math("ร้อยละ", "=", "๘๐"),
    "textbox": lambda: TextBox(TEXTBOX_TEXT),
    "sym": lambda: Sym("Wingdings", "F0FE"),
    "no_break_hyphen": lambda: NoBreakHyphen(),
    "soft_hyphen": lambda: SoftHyphen(),
    "ptab": lambda: PTab(),
    "page_break": lambda: PageBreak(),
    "tab": lambda: Tab(),
}


def everything(emblem: bool = True):
    """Blocks and options of a draft holding every object kind at least once."""
    blocks = [
        Para("ประกาศสำนักงานเลขาธิการ เรื่อง นโยบายการกำกับดูแลองค์การที่ดี", Bookmark("title")),
        Para("ข้อ ๑ ให้ส่วนราชการ", Image("red"), "จัดทำแผน", Footnote(FOOTNOTE_TEXT)),
        Para("ข้อ ๒ ภาพเดิม", VmlImage("blue"), " และวัตถุฝัง", OleObject("grey")),
        Para("ข้อ ๓ ", Bookmark("clause3", "การรายงาน"), "ให้เป็นไปตามแบบ", Endnote(ENDNOTE_TEXT)),
        Para("ข้อ ๔ หน้า ", Field(" PAGE ", "๑"), " พิมพ์วันที่ ", Field(' DATE \\@ "d MMMM yyyy" ', "๑๕ มกราคม ๒๕๖๗"),
             " หน้า ", SimpleField("PAGE", "๑")),
        Para(Field(' TOC \\o "1-3" \\h \\z \\u ', "สารบัญ")),
        Para("ข้อ ๕ ดูรายละเอียดที่ ", Hyperlink("เว็บไซต์สำนักงาน", url=URL), " และ ",
             Hyperlink("ข้อ ๓", anchor="clause3")),
        Para("ข้อ ๖ หน่วยงาน ", Sdt("กองกฎหมาย", tag="agency", alias="หน่วยงาน"), " รับผิดชอบ"),
        Sdt(Para("ข้อ ๗ ข้อความในตัวควบคุมเนื้อหาระดับย่อหน้า"), tag="block", alias="ย่อหน้า"),
        Para("ข้อ ๘ ตัวชี้วัด ", Math("ร้อยละ", "=", "๘๐"), " ของเป้าหมาย"),
        Para("ข้อ ๙ ดูกรอบข้อความ", TextBox(TEXTBOX_TEXT, "ฝ่ายเลขานุการ")),
        Para(Sym("Wingdings", "F0FE"), " เห็นชอบ", Tab(), "ISO", NoBreakHyphen(), "9001 ราช", SoftHyphen(),
             "การ", PTab(), "ท้าย"),
        Para("ข้อ ๑๐ ให้ใช้บังคับ", CommentMark("ควรระบุวันที่ให้ชัดเจน")),
        Table([["หัวข้อ", Sdt("รายละเอียด", tag="cell", alias="ช่อง"), "หมายเหตุ"],
               Sdt(["งบประมาณ", "ปี ๒๕๕๓", "-"], tag="row", alias="แถว"),
               ["ผู้รับผิดชอบ", Cell("กองแผนงาน", Para("กองคลัง")), "-"]]),
        Para("ส่วนที่ ๑ จบ", PageBreak(), section=Section(header=Header("ส่วนหน้า " + HEADER_TEXT))),
        Para("ข้อ ๑๑ ส่วนที่สอง"),
    ]
    options = dict(header=Header(HEADER_TEXT), footer=Footer(Para("หน้า ", Field(" PAGE ", "๑"))),
                   first_header=Header(Image("emblem") if emblem else "ครุฑ"))
    return blocks, options
