"""Small, deterministic .docx files for tests: plain, inserted and deleted runs, comments, tables.

A document is a list of blocks. A block is a paragraph or a ``Table``. A paragraph is a
``str``, a sequence of segments, or a ``Para``; a segment is a ``str`` (plain run), ``Ins``,
``Del`` or ``Commented``. A table cell is a paragraph or a ``Cell`` of several paragraphs.

    write_docx(path, [
        ["ข้อ ๑ ให้ส่วนราชการ", Del("จัดทำ"), Ins("ปรับปรุง"), "แผน"],
        Table([["หัวข้อ", "รายละเอียด"], ["งบ", ["ปี ", Del("๒๕๖๖"), Ins("๒๕๖๗")]]]),
    ])

Every run carries the Thai settings of an official document: TH SarabunPSK 16 pt in the
complex-script slot and ``w:lang w:bidi="th-TH"``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Tuple, Union

from lxml import etree

from policydiff.docx.ns import CONTENT_TYPES, REL_TYPES, nsmap, qn

AUTHOR = "ผู้ทดสอบ"
DATE = "2024-01-15T09:00:00Z"
THAI_FONT = "TH SarabunPSK"
THAI_SIZE = "32"  # half-points: 16 pt
_W = {"w": nsmap["w"], "r": nsmap["r"]}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Ins:
    """Text inserted with Track Changes on (``w:ins``)."""

    text: str
    author: str = AUTHOR
    date: str = DATE


@dataclass(frozen=True)
class Del:
    """Text deleted with Track Changes on (``w:del`` + ``w:delText``)."""

    text: str
    author: str = AUTHOR
    date: str = DATE


@dataclass(frozen=True)
class Commented:
    """Plain text carrying a Word comment on exactly these words."""

    text: str
    comment: str
    author: str = AUTHOR
    initials: str = "ผท"
    date: str = DATE


Segment = Union[str, Ins, Del, Commented]


@dataclass(frozen=True)
class Para:
    """A paragraph with options: ``mark`` "ins"/"del" tracks the paragraph mark itself."""

    content: Union[str, Sequence[Segment]] = ()
    mark: Optional[str] = None
    style: str = ""
    author: str = AUTHOR
    date: str = DATE


ParaSpec = Union[str, Sequence[Segment], Para]


@dataclass(frozen=True)
class Cell:
    """A table cell holding several paragraphs."""

    paragraphs: Sequence[ParaSpec]


@dataclass(frozen=True)
class Table:
    """A bordered table; ``rows`` is a list of rows, each a list of cells."""

    rows: Sequence[Sequence[Union[ParaSpec, Cell]]]


Block = Union[ParaSpec, Table]


class _Ids:
    """Counters: one for all revisions (Word requires them unique), one for comments."""

    def __init__(self):
        self.revision = 0
        self.comments = []

    def next_revision(self) -> str:
        self.revision += 1
        return str(self.revision)


def _el(tag: str, attrs=None, children=(), text=None):
    el = etree.Element(qn(tag), nsmap=_W)
    for key, value in (attrs or {}).items():
        el.set(qn(key), value)
    el.extend(children)
    if text is not None:
        el.text = text
    return el


def _thai_rpr():
    return _el("w:rPr", children=[
        _el("w:rFonts", {"w:ascii": THAI_FONT, "w:hAnsi": THAI_FONT, "w:cs": THAI_FONT}),
        _el("w:sz", {"w:val": THAI_SIZE}),
        _el("w:szCs", {"w:val": THAI_SIZE}),
        _el("w:lang", {"w:val": "th-TH", "w:bidi": "th-TH"}),
    ])


def _run(text: str, text_tag: str = "w:t"):
    t = _el(text_tag, {"xml:space": "preserve"}, text=text)
    return _el("w:r", children=[_thai_rpr(), t])


def _revision(tag: str, seg, ids: _Ids, children):
    attrs = {"w:id": ids.next_revision(), "w:author": seg.author, "w:date": seg.date}
    return _el(tag, attrs, children)


def _commented(seg: Commented, ids: _Ids):
    cid = str(len(ids.comments))
    ids.comments.append(seg)
    ref = _el("w:r", children=[
        _el("w:rPr", children=[_el("w:rStyle", {"w:val": "CommentReference"})]),
        _el("w:commentReference", {"w:id": cid}),
    ])
    return [_el("w:commentRangeStart", {"w:id": cid}), _run(seg.text),
            _el("w:commentRangeEnd", {"w:id": cid}), ref]


def _segment(seg: Segment, ids: _Ids):
    if isinstance(seg, str):
        return [_run(seg)]
    if isinstance(seg, Ins):
        return [_revision("w:ins", seg, ids, [_run(seg.text)])]
    if isinstance(seg, Del):
        return [_revision("w:del", seg, ids, [_run(seg.text, "w:delText")])]
    if isinstance(seg, Commented):
        return _commented(seg, ids)
    raise TypeError(f"not a segment: {seg!r}")


def _as_para(spec: ParaSpec) -> Para:
    return spec if isinstance(spec, Para) else Para(spec)


def _paragraph(spec: ParaSpec, ids: _Ids):
    para = _as_para(spec)
    segments = [para.content] if isinstance(para.content, str) else list(para.content)
    ppr = _el("w:pPr")
    if para.style:
        ppr.append(_el("w:pStyle", {"w:val": para.style}))
    mark_rpr = _thai_rpr()
    if para.mark:
        # CT_ParaRPr puts the revision marks before the formatting.
        mark_rpr.insert(0, _revision(_mark_tag(para.mark), para, ids, []))
    ppr.append(mark_rpr)
    p = _el("w:p", children=[ppr])
    for seg in segments:
        p.extend(_segment(seg, ids))
    return p


def _mark_tag(mark: str) -> str:
    """The revision element for a paragraph mark kind "ins" or "del"."""
    if mark not in ("ins", "del"):
        raise ValueError(f"paragraph mark must be 'ins' or 'del', not {mark!r}")
    return "w:" + mark


def _cell(cell, width: int, ids: _Ids):
    paras = cell.paragraphs if isinstance(cell, Cell) else [cell]
    tcpr = _el("w:tcPr", children=[_el("w:tcW", {"w:w": str(width), "w:type": "dxa"})])
    return _el("w:tc", children=[tcpr] + [_paragraph(p, ids) for p in paras or [""]])


def _table(table: Table, ids: _Ids):
    ncols = max(len(row) for row in table.rows)
    width = 9000 // ncols
    borders = _el("w:tblBorders", children=[
        _el(f"w:{side}", {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": "000000"})
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    ])
    tblpr = _el("w:tblPr", children=[_el("w:tblW", {"w:w": str(width * ncols), "w:type": "dxa"}),
                                     borders])
    grid = _el("w:tblGrid", children=[_el("w:gridCol", {"w:w": str(width)}) for _ in range(ncols)])
    rows = [_el("w:tr", children=[_cell(c, width, ids) for c in row]) for row in table.rows]
    return _el("w:tbl", children=[tblpr, grid] + rows)


def _section():
    return _el("w:sectPr", children=[
        _el("w:pgSz", {"w:w": "11906", "w:h": "16838"}),
        _el("w:pgMar", {"w:top": "1440", "w:right": "1440", "w:bottom": "1440", "w:left": "1440",
                        "w:header": "720", "w:footer": "720", "w:gutter": "0"}),
    ])


def _document(blocks: Sequence[Block], ids: _Ids):
    body = _el("w:body")
    for block in blocks:
        body.append(_table(block, ids) if isinstance(block, Table) else _paragraph(block, ids))
    body.append(_section())
    return _el("w:document", children=[body])


def _comments(ids: _Ids):
    root = _el("w:comments")
    for cid, seg in enumerate(ids.comments):
        mark = _el("w:r", children=[
            _el("w:rPr", children=[_el("w:rStyle", {"w:val": "CommentReference"})]),
            _el("w:annotationRef"),
        ])
        p = _el("w:p", children=[_el("w:pPr", children=[_el("w:pStyle", {"w:val": "CommentText"})]),
                                 mark, _run(seg.comment)])
        attrs = {"w:id": str(cid), "w:author": seg.author, "w:date": seg.date,
                 "w:initials": seg.initials}
        root.append(_el("w:comment", attrs, [p]))
    return root


def _style(kind: str, style_id: str, name: str, extra=(), default=False):
    attrs = {"w:type": kind, "w:styleId": style_id}
    if default:
        attrs["w:default"] = "1"
    return _el("w:style", attrs, [_el("w:name", {"w:val": name})] + list(extra))


def _styles():
    defaults = _el("w:docDefaults", children=[
        _el("w:rPrDefault", children=[_thai_rpr()]),
        _el("w:pPrDefault", children=[_el("w:pPr")]),
    ])
    small = _el("w:rPr", children=[_el("w:sz", {"w:val": "28"}), _el("w:szCs", {"w:val": "28"})])
    return _el("w:styles", children=[
        defaults,
        _style("paragraph", "Normal", "Normal", default=True),
        _style("character", "DefaultParagraphFont", "Default Paragraph Font", default=True),
        _style("paragraph", "CommentText", "annotation text",
               [_el("w:basedOn", {"w:val": "Normal"}), small]),
        _style("character", "CommentReference", "annotation reference",
               [_el("w:basedOn", {"w:val": "DefaultParagraphFont"})]),
    ])


def _font_table():
    font = _el("w:font", {"w:name": THAI_FONT}, [
        _el("w:charset", {"w:val": "DE"}),  # 222: the Thai character set
        _el("w:family", {"w:val": "swiss"}),
        _el("w:pitch", {"w:val": "variable"}),
    ])
    return _el("w:fonts", children=[font])


def _settings(track_revisions: bool):
    children = [_el("w:trackRevisions")] if track_revisions else []
    return _el("w:settings", children=children)


def _package_el(prefix: str, tag: str, attrs):
    el = etree.Element(qn(f"{prefix}:{tag}"), nsmap={None: nsmap[prefix]})
    for key, value in attrs.items():
        el.set(key, value)
    return el


def _content_types(with_comments: bool):
    root = _package_el("ct", "Types", {})
    root.append(_package_el("ct", "Default", {"Extension": "rels",
                                              "ContentType": CONTENT_TYPES["relationships"]}))
    root.append(_package_el("ct", "Default", {"Extension": "xml", "ContentType": "application/xml"}))
    parts = ["document", "styles", "settings", "fontTable"] + (["comments"] if with_comments else [])
    for part in parts:
        root.append(_package_el("ct", "Override", {"PartName": f"/word/{part}.xml",
                                                   "ContentType": CONTENT_TYPES[part]}))
    return root


def _rels(targets: Sequence[Tuple[str, str]]):
    root = _package_el("pr", "Relationships", {})
    for n, (kind, target) in enumerate(targets, start=1):
        root.append(_package_el("pr", "Relationship", {"Id": f"rId{n}", "Type": REL_TYPES[kind],
                                                       "Target": target}))
    return root


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def docx_bytes(blocks: Sequence[Block], *, track_revisions: bool = False) -> bytes:
    """The .docx package for ``blocks``, byte-identical for the same input."""
    ids = _Ids()
    document = _document(blocks, ids)
    with_comments = bool(ids.comments)
    doc_rels = [("styles", "styles.xml"), ("settings", "settings.xml"), ("fontTable", "fontTable.xml")]
    if with_comments:
        doc_rels.append(("comments", "comments.xml"))
    parts = [
        ("[Content_Types].xml", _content_types(with_comments)),
        ("_rels/.rels", _rels([("officeDocument", "word/document.xml")])),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", _rels(doc_rels)),
        ("word/styles.xml", _styles()),
        ("word/settings.xml", _settings(track_revisions)),
        ("word/fontTable.xml", _font_table()),
    ]
    if with_comments:
        parts.append(("word/comments.xml", _comments(ids)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, root in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, _xml(root))
    return buf.getvalue()


def write_docx(path, blocks: Sequence[Block], *, track_revisions: bool = False) -> Path:
    """Write ``blocks`` as a .docx at ``path`` and return the path."""
    path = Path(path)
    path.write_bytes(docx_bytes(blocks, track_revisions=track_revisions))
    return path
