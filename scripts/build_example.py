"""Build the shipped example workspace (drafts/ and comments/round1/) from readable sources.

    python scripts/build_example.py            rebuild every file in place
    python scripts/build_example.py --check    rebuild into a temporary folder, compare, exit 1 if stale
    python scripts/build_example.py --out DIR  write the built files under DIR instead

The example is a fictional secretariat's good-governance policy (ประกาศสำนักงานเลขาธิการ
คณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ เรื่อง นโยบายการกำกับดูแลองค์การที่ดี) in four versions, and one
comment round on the first version. Output is deterministic: same sources, same bytes.

Draft sources: drafts/src/v1.txt ... v4.txt (UTF-8) -> drafts/v1.docx ... v4.docx
  - Lines starting with "#" are comments; blank lines are ignored.
  - Header lines "key: value" up to a line "---":
        title, subject, creator, last-modified-by   docProps/core.xml
        created, modified                           ISO 8601 UTC ("2009-06-26T08:30:00Z")
        revision                                    cp:revision
        numbering                                   "typed": labels are part of the text;
                                                    "auto": Word automatic numbering (below)
        emblem      FIELD|DEVICE                    colours of the emblem in the first-page header
                                                    (red, gold, navy, green, white); a different
                                                    pair gives a different image, i.e. a replaced
                                                    emblem. The picture is a plain geometric stand-in
                                                    drawn by this script (a disc, a ring, a star),
                                                    NOT the Garuda emblem.
        header      TEXT                            the header of the pages after the first
        footer      TEXT                            the footer's second line; its first line is
                                                    "หน้า " and a PAGE field
  - Then one paragraph per line:
        @title TEXT      title line (style Title)
        @center TEXT     centred line
        @chapter TEXT    หมวด heading line (style Heading1); number and name are two lines
        @part TEXT       ส่วน heading line (style Heading2)
        @dated TEXT      the "ประกาศ ณ วันที่ ..." line
        @sign TEXT       a signature-block line (centred in the right half of the page)
        | A | B |        a table row; consecutive rows make one table, the first row is its header
        anything else    a body paragraph (justified, thaiDistribute). It is a clause when it starts
                         "ข้อ ๕ " or "ข้อ ๕/๑ ", an item for "(๑) ", a sub-item for "(ก) ";
                         otherwise an unnumbered follow-on paragraph (วรรคสอง, a definition) of
                         the numbered paragraph above it.
    Inline: **bold**.
  - Object lines, right after the paragraph they belong to, add what a real draft has besides
    its words. They do not change the paragraph's text, so its line stays what the reader sees:
        ^footnote WORDS => TEXT      a footnote (its reference mark right after WORDS)
        ^link WORDS => URL           WORDS are a hyperlink to URL (external relationship)
        ^field WORDS => INSTRUCTION  WORDS are the cached result of a complex field, e.g.
                                     "^field ข้อ ๒๔ => REF committee \\h" (a cross-reference)
        ^bookmark NAME               a bookmark on the paragraph: on its typed label ("ข้อ ๒๔",
                                     what a REF to it shows), or on all of its text when the
                                     label is Word's automatic numbering or there is none
    WORDS must occur exactly once in the paragraph, outside its label; REF and PAGEREF fields
    must name a bookmark of the same draft. Not in table rows.
  - A draft with the header lines emblem, header and footer (all three, or none) gets a
    first-page header (w:titlePg) with the emblem (word/header1.xml,
    inline picture word/media/image1.png, 3 cm, centred), a header for the other pages
    (header2.xml), the same footer on the first and other pages (footer1.xml, footer2.xml),
    Thai page-number format (w:pgNumType thaiNumbers). Every draft with footnotes gets
    word/footnotes.xml with Word's separator (-1) and continuation separator (0) notes.
    A table of contents is deliberately left out: its cached entries are body paragraphs
    ("หมวด ๑ ...") that a clause reader takes for the chapters themselves.
  - numbering: auto keeps the labels typed in the source so it stays readable; the builder checks
    each against the number Word will show, removes it from the text and gives the paragraph
    w:numPr. One abstractNum: level 0 "ข้อ %1" (thaiNumbers), 1 "(%2)" (thaiNumbers),
    2 "(%3)" (thaiLetters). Clauses share w:num 1, so ข้อ numbers continue across หมวด; each
    clause's items get their own w:num with a startOverride, as Word writes when a list restarts.

Comment round source: comments/src/round1.json -> comments/round1/<code>.docx | <code>-form.csv
| <code>-form.xlsx. Each "divisions" entry:
    name, initials, code          author name in the files, comment initials, file-name code
    form                          "docx" (v1 reviewed in Word), "csv" or "xlsx" (a comment form)
    saved                         docx: cp:lastModifiedBy/dcterms:modified of the copy
    received                      forms: when the form came in
    comments   [{clause, quote, text, date, replies?: [{author, text, date}], done?: true}]
    proposals  [{clause, old, new, date, anchor?, paragraph?}]
    untracked  [{clause, old, new}]    edits made with Track Changes off (text silently differs)
    rows       [{ref, clause, quote, text, proposed, type, date}]   form rows, in file order; the date
                                  is written as a Thai B.E. date in a CSV, a date cell in an XLSX
  The reviewed copies are v1 with the division's marks, so they carry v1's header, footer,
  emblem, footnotes, link, bookmark and field as well.
  "clause" names a clause as labelled in v1: "ข้อ ๕", "ข้อ ๑๖ (๒) (ก)". Its text is the labelled
  paragraph, the unnumbered paragraphs after it and any table right after it, up to the next
  labelled paragraph or heading. A quote, an "old" and an "anchor" must occur exactly once in it,
  inside one paragraph. A proposal with old "" inserts "new" right after "anchor"; new "" deletes
  "old"; paragraph "after" inserts "new" as a whole new paragraph after the clause's last
  paragraph (tracked paragraph-mark insertion). Form rows: "ref" is the clause as the division
  wrote it ("5", "หมวด ๒ ข้อ ๘"), "clause" the same reference normalized; "quote" may be "".
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import io
import json
import math
import re
import struct
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.styles import Font

from policydiff.docx.ns import CONTENT_TYPES, REL_TYPES, nsmap, qn

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("v1", "v2", "v3", "v4")
FONT = "TH SarabunPSK"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# Whether Word's thaiLetters counts ข, ฃ or ข, ค is not settled here, so sub-item lists stop at (ข).
THAI_LETTERS = "กข"
# ns.py has no extended-properties or DrawingML namespace and no theme relationship yet;
# derive them from their neighbours there rather than spell out URIs (prefer ns.py once it has them).
EP_NS = nsmap.get("ep", nsmap["r"].rsplit("/", 1)[0] + "/extended-properties")
A_NS = nsmap.get("a", nsmap["w"].replace("wordprocessingml", "drawingml"))
THEME_REL = REL_TYPES.get("theme", REL_TYPES["styles"].rsplit("/", 1)[0] + "/theme")
THEME_CT = CONTENT_TYPES.get("theme", "application/vnd.openxmlformats-officedocument.theme+xml")
# Likewise for the parts a real draft has besides its text: headers, footers, footnotes, pictures.
WP_NS = nsmap.get("wp", A_NS.replace("/main", "/wordprocessingDrawing"))
PIC_NS = nsmap.get("pic", A_NS.replace("/main", "/picture"))
REL_BASE = REL_TYPES["styles"].rsplit("/", 1)[0]
REL = {k: REL_TYPES.get(k, f"{REL_BASE}/{k}") for k in ("header", "footer", "footnotes", "image", "hyperlink")}
CT = {k: CONTENT_TYPES.get(k, CONTENT_TYPES["styles"].replace("styles+xml", f"{k}+xml"))
      for k in ("header", "footer", "footnotes")}
# Section references: (w:type, header or footer, r:id); the first page's parts are number 1.
HEADERS_FOOTERS = (("first", "header", "rId9"), ("default", "header", "rId10"),
                   ("first", "footer", "rId11"), ("default", "footer", "rId12"))
HEADER_FOOTER_PARTS = {"rId9": "header1.xml", "rId10": "header2.xml", "rId11": "footer1.xml", "rId12": "footer2.xml"}
LINK_RID_BASE = 20  # hyperlinks are rId20, rId21, ...
EMBLEM_PART = "word/media/image1.png"
EMBLEM_EMU = 1080000  # 3 cm, the size of the emblem on a Thai official announcement
EMBLEM_DESCR = "ตราสำนักงาน (ภาพแทนตราครุฑ วาดขึ้นใหม่สำหรับตัวอย่าง)"
DRAFT_KEYS = ("emblem", "header", "footer")

LABEL_RE = re.compile(r"^(ข้อ [๐-๙]+(?:/[๐-๙]+)?|\([๐-๙]+\)|\([ก-ฮ]\)) ")
# twips: clause and follow-on paragraphs, items, sub-items (first-line indents, as in Thai official letters)
INDENTS = (1418, 1985, 2552)
PAGE = {"w": "11906", "h": "16838", "top": "1418", "right": "1134", "bottom": "1134", "left": "1701"}
TABLE_COLS = (2835, 6236)
FORM_HEADERS_TH = ("หน่วยงาน", "อักษรย่อ", "ข้อ", "ข้อความที่อ้างถึง", "ความเห็น", "ข้อความที่เสนอ", "ประเภท",
                   "วันที่")
FORM_HEADERS_EN = ("Division", "Initials", "Clause", "Quoted text", "Comment", "Proposed wording", "Type", "Date")
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


class SourceError(Exception):
    """A source file does not say what the builder needs."""


# ---------------------------------------------------------------- source model


@dataclass
class Para:
    """One source paragraph: kind, formatted spans, typed label and the clause it belongs to."""

    kind: str  # title, center, chapter, part, body, dated, sign, cell
    spans: tuple  # ((text, bold), ...)
    label: str = ""
    key: str = ""
    header: bool = False  # a table header cell
    objects: tuple = ()  # Footnote, Link, Field, at offsets of ``text``
    bookmark: str = ""  # name of the bookmark on this paragraph

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.spans)

    @property
    def level(self):
        return label_level(self.label)


@dataclass(frozen=True)
class Footnote:
    """A footnote whose reference mark follows text[:pos]."""

    pos: int
    text: str


@dataclass(frozen=True)
class Link:
    """text[start:end] is an external hyperlink to ``url``."""

    start: int
    end: int
    url: str


@dataclass(frozen=True)
class Field:
    """text[start:end] is the cached result of a complex field with instruction ``instr``."""

    start: int
    end: int
    instr: str


@dataclass
class Table:
    rows: list
    key: str = ""


@dataclass
class Draft:
    meta: dict
    blocks: list


def label_level(label: str):
    """0 for ข้อ, 1 for (๑), 2 for (ก), None for no label."""
    if not label:
        return None
    if label.startswith("ข้อ"):
        return 0
    return 1 if label[1] in THAI_DIGITS else 2


def thai_number(n: int) -> str:
    return "".join(THAI_DIGITS[int(c)] for c in str(n))


def parse_spans(text: str, where: str) -> tuple:
    """Split ``**bold**`` markup into (text, bold) spans."""
    pieces = text.split("**")
    if len(pieces) % 2 == 0:
        raise SourceError(f"{where}: unbalanced ** in {text!r}")
    return tuple((p, i % 2 == 1) for i, p in enumerate(pieces) if p)


OBJECT_LINE = re.compile(r"^\^(footnote|link|field|bookmark) (.+)$")
BOOKMARK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def attach_object(para, line: str, where: str):
    """Add what an object line ("^footnote WORDS => TEXT", ...) says to the paragraph above it."""
    m = OBJECT_LINE.match(line)
    if m is None:
        raise SourceError(f"{where}: unknown object line {line!r}")
    if not isinstance(para, Para) or para.kind == "cell":
        raise SourceError(f"{where}: an object line must follow the paragraph it belongs to")
    kind, rest = m.groups()
    if kind == "bookmark":
        if para.bookmark or not BOOKMARK_NAME.match(rest):
            raise SourceError(f"{where}: a paragraph takes one bookmark named like a Word bookmark: {rest!r}")
        para.bookmark = rest
        return
    words, sep, value = (x.strip() for x in rest.partition("=>"))
    if not sep or not words or not value:
        raise SourceError(f"{where}: expected '^{kind} WORDS => ...', got {line!r}")
    hits = [h.start() for h in re.finditer(re.escape(words), para.text)]
    if len(hits) != 1:
        raise SourceError(f"{where}: {words!r} occurs {len(hits)} times in the paragraph above, not once")
    start, end = hits[0], hits[0] + len(words)
    if start < len(para.label) + (1 if para.label else 0):
        raise SourceError(f"{where}: {words!r} touches the label {para.label}")
    if kind == "footnote":
        para.objects += (Footnote(end, value),)
        return
    for o in para.objects:
        if not isinstance(o, Footnote) and start < o.end and o.start < end:
            raise SourceError(f"{where}: {words!r} overlaps another link or field")
    para.objects += (Link(start, end, value) if kind == "link" else Field(start, end, value),)


def parse_header(lines, where):
    """Read "key: value" lines up to "---"; return (meta, remaining lines)."""
    meta = {}
    for i, line in enumerate(lines):
        if line == "---":
            return meta, lines[i + 1:]
        key, sep, value = line.partition(":")
        if not sep:
            raise SourceError(f"{where}: header line without ':' {line!r}")
        meta[key.strip()] = value.strip()
    raise SourceError(f"{where}: no '---' after the header")


def split_row(line: str, where: str):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return [Para("cell", parse_spans(c, where)) for c in cells]


def parse_line(line: str, where: str) -> Para:
    if line.startswith("@"):
        kind, _, rest = line[1:].partition(" ")
        if kind not in ("title", "center", "chapter", "part", "dated", "sign"):
            raise SourceError(f"{where}: unknown marker @{kind}")
        return Para(kind, parse_spans(rest, where))
    m = LABEL_RE.match(line)
    return Para("body", parse_spans(line, where), m.group(1) if m else "")


class KeyTracker:
    """Follows the labels to name the clause each paragraph belongs to ("ข้อ ๑๖ (๒) (ก)")."""

    def __init__(self):
        self.path = [None, None, None]

    def key_for(self, para: Para) -> str:
        if para.kind in ("chapter", "part", "title", "center", "dated", "sign"):
            self.path = [None, None, None]
            return ""
        level = para.level
        if level is not None:
            self.path[level] = para.label
            for deeper in range(level + 1, 3):
                self.path[deeper] = None
        return " ".join(p for p in self.path if p)


def parse_draft(path: Path) -> Draft:
    lines = [l.rstrip("\n") for l in path.read_text(encoding="utf-8").splitlines()]
    lines = [l for l in lines if l.strip() and not l.startswith("#")]
    meta, body = parse_header(lines, path.name)
    blocks, keys = [], KeyTracker()
    for n, line in enumerate(body, 1):
        where = f"{path.name} body line {n}"
        if line.startswith("^"):
            attach_object(blocks[-1] if blocks else None, line, where)
            continue
        if line.startswith("|"):
            if not (blocks and isinstance(blocks[-1], Table)):
                blocks.append(Table([], keys.key_for(Para("cell", ()))))
            row = split_row(line, where)
            for cell in row:
                cell.key = blocks[-1].key  # a table belongs to the clause it follows
            blocks[-1].rows.append(row)
            continue
        para = parse_line(line, where)
        para.key = keys.key_for(para)
        blocks.append(para)
    for b in blocks:
        if isinstance(b, Table):
            for cell in b.rows[0]:
                cell.header = True
    check_thai_digits(blocks, path.name)
    check_bookmarks(blocks, path.name)
    given = [key for key in DRAFT_KEYS if key in meta]
    if given and len(given) != len(DRAFT_KEYS):  # page furniture: all of it, or none
        missing = [key for key in DRAFT_KEYS if key not in meta]
        raise SourceError(f"{path.name}: no header line {missing[0]!r}")
    return Draft(meta, blocks)


def iter_paras(blocks):
    """Every paragraph in document order, table cells included."""
    for b in blocks:
        if isinstance(b, Table):
            for row in b.rows:
                yield from row
        else:
            yield b


def check_thai_digits(blocks, where):
    for p in iter_paras(blocks):
        for text in [p.text] + [o.text for o in p.objects if isinstance(o, Footnote)]:
            if re.search(r"[0-9]", text):
                raise SourceError(f"{where}: Arabic digits in {text[:40]!r}: the example uses Thai digits")


def check_bookmarks(blocks, where):
    """Bookmark names are unique, and every REF/PAGEREF field names one of them."""
    names = [p.bookmark for p in iter_paras(blocks) if p.bookmark]
    if len(names) != len(set(names)):
        raise SourceError(f"{where}: a bookmark name is used twice: {names}")
    for p in iter_paras(blocks):
        for o in p.objects:
            words = o.instr.split() if isinstance(o, Field) else []
            if words and words[0] in ("REF", "PAGEREF") and (len(words) < 2 or words[1] not in names):
                raise SourceError(f"{where}: field {o.instr!r} names no bookmark of this draft")


# ---------------------------------------------------------------- automatic numbering


def auto_numbers(blocks, where):
    """Map paragraph id -> (numId, ilvl) for numbering: auto, checking the typed labels."""
    out, counters, num_id, next_num = {}, [0, 0, 0], "1", 2
    for p in iter_paras(blocks):
        level = p.level
        if level is None:
            continue
        if "/" in p.label:
            raise SourceError(f"{where}: {p.label} cannot be numbered automatically")
        counters[level] += 1
        counters[level + 1:] = [0] * (2 - level)
        if level == 2 and counters[2] > len(THAI_LETTERS):
            raise SourceError(f"{where}: sub-item {p.label}: keep automatic sub-item lists to (ก) and (ข)")
        shown = label_text(level, counters[level])
        if shown != p.label:
            raise SourceError(f"{where}: typed label {p.label} but Word will show {shown}")
        if level == 0:
            out[id(p)] = ("1", 0)
            num_id = None
            continue
        if num_id is None:  # the clause's first item starts a new list instance
            num_id, next_num = str(next_num), next_num + 1
        out[id(p)] = (num_id, level)
    return out


def label_text(level: int, n: int) -> str:
    if level == 0:
        return f"ข้อ {thai_number(n)}"
    if level == 1:
        return f"({thai_number(n)})"
    return f"({THAI_LETTERS[n - 1]})"


def numbering_xml(item_num_ids):
    root = etree.Element(qn("w:numbering"), nsmap={"w": nsmap["w"]})
    absn = sub(root, "w:abstractNum", {"w:abstractNumId": "0"})
    sub(absn, "w:nsid", {"w:val": "5A3C1E07"})
    sub(absn, "w:multiLevelType", {"w:val": "multilevel"})
    formats = (("thaiNumbers", "ข้อ %1"), ("thaiNumbers", "(%2)"), ("thaiLetters", "(%3)"))
    for ilvl, (fmt, text) in enumerate(formats):
        lvl = sub(absn, "w:lvl", {"w:ilvl": str(ilvl)})
        sub(lvl, "w:start", {"w:val": "1"})
        sub(lvl, "w:numFmt", {"w:val": fmt})
        sub(lvl, "w:suff", {"w:val": "space"})
        sub(lvl, "w:lvlText", {"w:val": text})
        sub(lvl, "w:lvlJc", {"w:val": "left"})
        ppr = sub(lvl, "w:pPr")
        sub(ppr, "w:ind", {"w:left": "0", "w:firstLine": str(INDENTS[ilvl])})
    num = sub(root, "w:num", {"w:numId": "1"})
    sub(num, "w:abstractNumId", {"w:val": "0"})
    for num_id in item_num_ids:
        num = sub(root, "w:num", {"w:numId": num_id})
        sub(num, "w:abstractNumId", {"w:val": "0"})
        override = sub(num, "w:lvlOverride", {"w:ilvl": "1"})
        sub(override, "w:startOverride", {"w:val": "1"})
    return root


# ---------------------------------------------------------------- XML helpers


def sub(parent, tag, attrs=None, text=None):
    """Append a child ``tag`` (prefixed name) with prefixed attributes."""
    el = etree.SubElement(parent, qn(tag) if ":" in tag else tag)
    for k, v in (attrs or {}).items():
        el.set(qn(k) if ":" in k else k, v)
    if text is not None:
        el.text = text
    return el


def xml_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def text_el(parent, tag, text):
    el = sub(parent, tag, text=text)
    el.set(qn("xml:space"), "preserve")
    return el


# ---------------------------------------------------------------- revisions and comments


@dataclass
class Rev:
    """Author and date of one tracked change or comment, and its id(s)."""

    author: str
    date: str
    ids: tuple = ()


@dataclass
class Edit:
    """Replace text[start:end] with ``new``; ``rev`` None means Track Changes was off."""

    start: int
    end: int
    new: str
    rev: Rev = None


@dataclass
class CommentRange:
    start: int
    end: int
    ids: tuple  # the comment's id, then its replies' ids


@dataclass
class ParaOps:
    edits: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    mark_insert: Rev = None  # this paragraph's mark was inserted (a new paragraph follows)
    inserted_after: list = field(default_factory=list)  # [(Para, Rev)]


def run(parent, text, bold=False, tag="w:t", style=None):
    r = sub(parent, "w:r")
    if bold or style:
        rpr = sub(r, "w:rPr")
        if style:
            sub(rpr, "w:rStyle", {"w:val": style})
        if bold:
            sub(rpr, "w:b")
            sub(rpr, "w:bCs")
    text_el(r, tag, text)
    return r


def bold_mask(para: Para):
    return [b for t, b in para.spans for _ in t]


def runs_for(parent, text, mask, tag="w:t", style=None):
    """Append runs for ``text``, one per stretch of equal boldness."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or mask[i] != mask[start]:
            run(parent, text[start:i], mask[start], tag, style)
            start = i


def rev_attrs(rev: Rev, n: int) -> dict:
    return {"w:id": str(rev.ids[n]), "w:author": rev.author, "w:date": rev.date}


def emit_edit(p, text, mask, edit: Edit):
    old = text[edit.start:edit.end]
    if edit.rev is None:
        bold = mask[edit.start] if old else False
        runs_for(p, edit.new, [bold] * len(edit.new))
        return
    if old:
        d = sub(p, "w:del", rev_attrs(edit.rev, 0))
        runs_for(d, old, mask[edit.start:edit.end], "w:delText")
    if edit.new:
        bold = mask[edit.start] if old else (mask[edit.start - 1] if edit.start else False)
        ins = sub(p, "w:ins", rev_attrs(edit.rev, 1))
        runs_for(ins, edit.new, [bold] * len(edit.new))


def comment_ref(p, cid):
    r = sub(p, "w:r")
    rpr = sub(r, "w:rPr")
    sub(rpr, "w:rStyle", {"w:val": "CommentReference"})
    sub(r, "w:commentReference", {"w:id": str(cid)})


def footnote_ref(parent, footnote_id):
    r = sub(parent, "w:r")
    sub(sub(r, "w:rPr"), "w:rStyle", {"w:val": "FootnoteReference"})
    sub(r, "w:footnoteReference", {"w:id": str(footnote_id)})


def fld_char(parent, kind):
    sub(sub(parent, "w:r"), "w:fldChar", {"w:fldCharType": kind})


def field_begin(parent, instr):
    """The begin, instruction and separate runs of a complex field; its result runs follow."""
    fld_char(parent, "begin")
    text_el(sub(parent, "w:r"), "w:instrText", f" {instr} ")
    fld_char(parent, "separate")


class Objects:
    """Per-document numbering of footnotes, bookmarks and hyperlink relationships."""

    def __init__(self):
        self.footnotes = []  # footnote texts; the n-th has w:id n (Word's separators are -1 and 0)
        self.links = []  # hyperlink targets; the n-th has r:id LINK_RID_BASE + n
        self.bookmarks = 0

    def footnote(self, text) -> int:
        self.footnotes.append(text)
        return len(self.footnotes)

    def link(self, url) -> str:
        if url not in self.links:
            self.links.append(url)
        return f"rId{LINK_RID_BASE + self.links.index(url)}"

    def bookmark(self) -> int:
        self.bookmarks += 1
        return self.bookmarks - 1


# At one offset: containers close, then comments end, then the bookmark; a footnote mark follows
# the text before it; then the bookmark, comments and containers open; an edit comes last.
ORDER = {"/link": 0, "/field": 0, "end": 1, "/mark": 2, "note": 3, "mark": 4, "start": 5,
         "link": 6, "field": 7, "edit": 8}


def events(ops: ParaOps, para: Para, bookmark=None):
    """Positions where something other than plain text goes, in the order to write them."""
    out = []
    for c in ops.comments:
        out += [(c.end, "end", c), (c.start, "start", c)]
    for e in ops.edits:
        out.append((e.start, "edit", e))
    for o in para.objects:
        if isinstance(o, Footnote):
            out.append((o.pos, "note", o))
            continue
        kind = "link" if isinstance(o, Link) else "field"
        out += [(o.start, kind, o), (o.end, "/" + kind, o)]
        for e in ops.edits:
            if e.start < o.start < e.end or e.start < o.end < e.end:
                raise SourceError(f"an edit cuts through the {kind} on {para.text[o.start:o.end]!r}")
    if bookmark is not None:
        start, end, bid = bookmark
        out += [(start, "mark", (bid, para.bookmark)), (end, "/mark", (bid, para.bookmark))]
    return sorted(out, key=lambda ev: (ev[0], ORDER[ev[1]]))


def bookmark_span(para: Para, text: str, shift: int):
    """A bookmark covers the typed label of a labelled paragraph, else all of its text."""
    if para.label and not shift:
        return 0, len(para.label)
    return shift, shift + len(text)


def fill_runs(p, para: Para, text: str, ops: ParaOps, objs: "Objects" = None):
    shift = len(para.text) - len(text)  # automatic numbering took the label out of the text
    mask = bold_mask(para)[shift:]
    objs = objs or Objects()
    bookmark = None
    if para.bookmark:
        bookmark = bookmark_span(para, text, shift) + (objs.bookmark(),)
    cur, target, style = 0, p, None  # target: the paragraph, or the hyperlink being written
    for pos, what, item in events(ops, para, bookmark):
        pos -= shift
        if pos < 0:
            raise SourceError(f"a footnote, link or field in the automatic label of {para.text[:30]!r}")
        if pos > cur:
            runs_for(target, text[cur:pos], mask[cur:pos], style=style)
            cur = pos
        if what == "start":
            for cid in item.ids:
                sub(target, "w:commentRangeStart", {"w:id": str(cid)})
        elif what == "end":
            for cid in item.ids:
                sub(target, "w:commentRangeEnd", {"w:id": str(cid)})
                comment_ref(target, cid)
        elif what == "note":
            footnote_ref(target, objs.footnote(item.text))
        elif what == "mark":
            sub(target, "w:bookmarkStart", {"w:id": str(item[0]), "w:name": item[1]})
        elif what == "/mark":
            sub(target, "w:bookmarkEnd", {"w:id": str(item[0])})
        elif what == "link":
            target, style = sub(p, "w:hyperlink", {"r:id": objs.link(item.url), "w:history": "1"}), "Hyperlink"
        elif what == "/link":
            target, style = p, None
        elif what == "field":
            field_begin(target, item.instr)
        elif what == "/field":
            fld_char(target, "end")
        else:
            emit_edit(target, text, mask, replace(item, start=item.start - shift, end=item.end - shift))
            cur = item.end - shift
    if cur < len(text):
        runs_for(target, text[cur:], mask[cur:], style=style)


# ---------------------------------------------------------------- document.xml


def para_props(p, para: Para, num, ops: ParaOps):
    ppr = sub(p, "w:pPr")
    style = {"title": "Title", "chapter": "Heading1", "part": "Heading2"}.get(para.kind)
    if style:
        sub(ppr, "w:pStyle", {"w:val": style})
    if para.kind == "cell" and para.header:
        sub(ppr, "w:keepNext")
    if num:
        numpr = sub(ppr, "w:numPr")
        sub(numpr, "w:ilvl", {"w:val": str(num[1])})
        sub(numpr, "w:numId", {"w:val": num[0]})
    spacing = spacing_for(para)
    if spacing:
        sub(ppr, "w:spacing", {"w:before": spacing})
    indent = indent_for(para, num)
    if indent:
        sub(ppr, "w:ind", indent)
    sub(ppr, "w:jc", {"w:val": justification(para)})
    if ops.mark_insert is not None:
        rpr = sub(ppr, "w:rPr")
        sub(rpr, "w:ins", rev_attrs(ops.mark_insert, 0))
    return ppr


def spacing_for(para: Para):
    if para.kind in ("chapter", "part") and re.match(r"(หมวด|ส่วนที่) ", para.text):
        return "240"
    if para.kind == "dated":
        return "360"
    if para.kind == "sign" and para.text.startswith("("):
        return "960"  # room for the signature
    return None


def indent_for(para: Para, num):
    if para.kind == "sign":
        return {"w:left": "2835"}
    if para.kind == "dated":
        return {"w:firstLine": str(INDENTS[0] * 2)}
    if para.kind != "body" or num:
        return None
    return {"w:firstLine": str(INDENTS[para.level or 0])}


def justification(para: Para) -> str:
    if para.kind in ("title", "center", "chapter", "part", "sign"):
        return "center"
    if para.kind == "cell":
        return "center" if para.header else "left"
    if para.kind == "dated":
        return "left"
    return "thaiDistribute"


def write_para(parent, para: Para, numbers, ops_by_para, objs=None):
    ops = ops_by_para.get(id(para), ParaOps())
    num = numbers.get(id(para))
    p = sub(parent, "w:p")
    para_props(p, para, num, ops)
    text = para.text[len(para.label) + 1:] if num else para.text
    fill_runs(p, para, text, ops, objs)
    for new_para, rev in ops.inserted_after:
        q = sub(parent, "w:p")
        para_props(q, new_para, None, ParaOps())
        ins = sub(q, "w:ins", rev_attrs(rev, 1))
        runs_for(ins, new_para.text, bold_mask(new_para))


def write_table(parent, table: Table, numbers, ops_by_para, objs=None):
    tbl = sub(parent, "w:tbl")
    tblpr = sub(tbl, "w:tblPr")
    sub(tblpr, "w:tblStyle", {"w:val": "TableGrid"})
    sub(tblpr, "w:tblW", {"w:w": str(sum(TABLE_COLS)), "w:type": "dxa"})
    sub(tblpr, "w:tblLayout", {"w:type": "fixed"})
    sub(tblpr, "w:tblLook", {"w:val": "04A0"})  # the Word 2007 form: the flag attributes came in 2010
    grid = sub(tbl, "w:tblGrid")
    for width in TABLE_COLS:
        sub(grid, "w:gridCol", {"w:w": str(width)})
    for n, row in enumerate(table.rows):
        tr = sub(tbl, "w:tr")
        if n == 0:
            trpr = sub(tr, "w:trPr")
            sub(trpr, "w:tblHeader")
        for width, cell in zip(TABLE_COLS, row):
            tc = sub(tr, "w:tc")
            tcpr = sub(tc, "w:tcPr")
            sub(tcpr, "w:tcW", {"w:w": str(width), "w:type": "dxa"})
            write_para(tc, cell, numbers, ops_by_para, objs)


def document_xml(draft: Draft, numbers, ops_by_para, objs: Objects):
    root = etree.Element(qn("w:document"), nsmap={"w": nsmap["w"], "r": nsmap["r"]})
    body = sub(root, "w:body")
    for block in draft.blocks:
        if isinstance(block, Table):
            write_table(body, block, numbers, ops_by_para, objs)
        else:
            write_para(body, block, numbers, ops_by_para, objs)
    sect = sub(body, "w:sectPr")
    furniture = "emblem" in draft.meta
    for kind, tag, rid in HEADERS_FOOTERS if furniture else ():
        sub(sect, f"w:{tag}Reference", {"w:type": kind, "r:id": rid})
    sub(sect, "w:pgSz", {"w:w": PAGE["w"], "w:h": PAGE["h"]})
    sub(sect, "w:pgMar", {"w:top": PAGE["top"], "w:right": PAGE["right"], "w:bottom": PAGE["bottom"],
                          "w:left": PAGE["left"], "w:header": "709", "w:footer": "709", "w:gutter": "0"})
    if furniture:
        sub(sect, "w:pgNumType", {"w:fmt": "thaiNumbers"})  # page numbers in Thai digits, as the text
    sub(sect, "w:cols", {"w:space": "708"})
    if furniture:
        sub(sect, "w:titlePg")  # the first page has its own header: the emblem
    sub(sect, "w:docGrid", {"w:linePitch": "435"})
    return root


# ---------------------------------------------------------------- headers, footers, footnotes, emblem


def header_footer_root(tag):
    return etree.Element(qn(f"w:{tag}"), nsmap={"w": nsmap["w"], "r": nsmap["r"], "wp": WP_NS, "a": A_NS,
                                                 "pic": PIC_NS})


def centred(parent, style):
    p = sub(parent, "w:p")
    ppr = sub(p, "w:pPr")
    sub(ppr, "w:pStyle", {"w:val": style})
    sub(ppr, "w:jc", {"w:val": "center"})
    return p


def emblem_header_xml(name):
    """The first-page header: the emblem, centred, EMBLEM_EMU square, as an inline picture."""
    root = header_footer_root("hdr")
    drawing = sub(sub(centred(root, "Header"), "w:r"), "w:drawing")
    inline = etree.SubElement(drawing, f"{{{WP_NS}}}inline", distT="0", distB="0", distL="0", distR="0")
    size = str(EMBLEM_EMU)
    etree.SubElement(inline, f"{{{WP_NS}}}extent", cx=size, cy=size)
    etree.SubElement(inline, f"{{{WP_NS}}}effectExtent", l="0", t="0", r="0", b="0")
    etree.SubElement(inline, f"{{{WP_NS}}}docPr", id="1", name=name, descr=EMBLEM_DESCR)
    a_el(etree.SubElement(inline, f"{{{WP_NS}}}cNvGraphicFramePr"), "graphicFrameLocks", noChangeAspect="1")
    data = a_el(a_el(inline, "graphic"), "graphicData", uri=PIC_NS)
    pic = etree.SubElement(data, f"{{{PIC_NS}}}pic")
    nv = etree.SubElement(pic, f"{{{PIC_NS}}}nvPicPr")
    etree.SubElement(nv, f"{{{PIC_NS}}}cNvPr", id="0", name=EMBLEM_PART.rsplit("/", 1)[1], descr=EMBLEM_DESCR)
    etree.SubElement(nv, f"{{{PIC_NS}}}cNvPicPr")
    fill = etree.SubElement(pic, f"{{{PIC_NS}}}blipFill")
    a_el(fill, "blip").set(qn("r:embed"), "rId1")
    a_el(a_el(fill, "stretch"), "fillRect")
    sppr = etree.SubElement(pic, f"{{{PIC_NS}}}spPr")
    xfrm = a_el(sppr, "xfrm")
    a_el(xfrm, "off", x="0", y="0")
    a_el(xfrm, "ext", cx=size, cy=size)
    a_el(a_el(sppr, "prstGeom", prst="rect"), "avLst")
    return root


def title_header_xml(text):
    """The header of the other pages: the short title."""
    root = header_footer_root("hdr")
    run(centred(root, "Header"), text)
    return root


def footer_xml(text):
    """Page number ("หน้า " and a PAGE field) centred, then the footer line of the source."""
    root = header_footer_root("ftr")
    p = centred(root, "Footer")
    run(p, "หน้า ")
    field_begin(p, "PAGE")
    run(p, "๑")  # the cached result; Word and Writer compute the number on each page
    fld_char(p, "end")
    run(centred(root, "Footer"), text)
    return root


def footnotes_xml(texts):
    """Word's separator (-1) and continuation separator (0), then one footnote per text."""
    root = etree.Element(qn("w:footnotes"), nsmap={"w": nsmap["w"], "r": nsmap["r"]})
    for fid, kind in (("-1", "separator"), ("0", "continuationSeparator")):
        note = sub(root, "w:footnote", {"w:type": kind, "w:id": fid})
        p = sub(note, "w:p")
        sub(sub(p, "w:pPr"), "w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"})
        sub(sub(p, "w:r"), f"w:{kind}")
    for fid, text in enumerate(texts, 1):
        note = sub(root, "w:footnote", {"w:id": str(fid)})
        p = sub(note, "w:p")
        sub(sub(p, "w:pPr"), "w:pStyle", {"w:val": "FootnoteText"})
        ref = sub(p, "w:r")
        sub(sub(ref, "w:rPr"), "w:rStyle", {"w:val": "FootnoteReference"})
        sub(ref, "w:footnoteRef")
        run(p, " " + text)
    return root


EMBLEM_COLOURS = {"red": (0xB2, 0x1E, 0x23), "gold": (0xD4, 0xA0, 0x17), "navy": (0x1F, 0x3A, 0x68),
                  "green": (0x1E, 0x6B, 0x3A), "white": (0xFF, 0xFF, 0xFF)}


def emblem_colours(value, where):
    names = [v.strip() for v in value.split("|")]
    if len(names) != 2 or any(n not in EMBLEM_COLOURS for n in names):
        raise SourceError(f"{where}: emblem must be FIELD|DEVICE, two of {sorted(EMBLEM_COLOURS)}: {value!r}")
    return tuple(names)


def png_bytes(width, height, rows) -> bytes:
    """An RGBA PNG from rows of bytes (pure zlib + struct; deterministic)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", 5906, 5906, 1))  # 150 dpi
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


@functools.lru_cache(maxsize=None)
def emblem_png(field_name: str, device_name: str, size: int = 200) -> bytes:
    """A stand-in for the Garuda emblem: NOT the Garuda, a plain geometric seal drawn here.

    A disc in the field colour inside a ring of the device colour, with an eight-pointed star
    of the device colour in the middle; transparent outside, edges smoothed by 4x4 supersampling.
    """
    field_rgb, device_rgb = EMBLEM_COLOURS[field_name], EMBLEM_COLOURS[device_name]
    c, points, outer, inner = size / 2, 8, 0.62, 0.27
    # The star's edge from the outer point at angle 0 to the inner point at pi/points, as n.x = k.
    p1, p2 = (outer, 0.0), (inner * math.cos(math.pi / points), inner * math.sin(math.pi / points))
    nx, ny = p2[1] - p1[1], p1[0] - p2[0]
    k = nx * p1[0] + ny * p1[1]
    sector = 2 * math.pi / points

    def colour(x, y):  # x, y in units of the radius, centre at 0
        r = math.hypot(x, y)
        if r > 1.0:
            return None
        if r > 0.9 or 0.8 < r < 0.84:
            return device_rgb
        phi = abs((math.atan2(y, x) + math.pi / 2 + sector / 2) % sector - sector / 2)
        edge = k / (nx * math.cos(phi) + ny * math.sin(phi))
        return device_rgb if r <= edge else field_rgb

    n = 4
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc, hits = [0, 0, 0], 0
            for sy in range(n):
                for sx in range(n):
                    col = colour((px + (sx + 0.5) / n - c) / c, (py + (sy + 0.5) / n - c) / c)
                    if col is not None:
                        hits += 1
                        for i in range(3):
                            acc[i] += col[i]
            if hits:
                row += bytes((acc[0] // hits, acc[1] // hits, acc[2] // hits, 255 * hits // (n * n)))
            else:
                row += b"\x00\x00\x00\x00"
        rows.append(bytes(row))
    return png_bytes(size, size, rows)


# ---------------------------------------------------------------- other parts


def run_props(parent, bold=False, size=None):
    rpr = sub(parent, "w:rPr")
    if bold:
        sub(rpr, "w:b")
        sub(rpr, "w:bCs")
    if size:
        sub(rpr, "w:sz", {"w:val": size})
        sub(rpr, "w:szCs", {"w:val": size})
    return rpr


def style(root, kind, style_id, name, based_on=None, default=False, extra=()):
    attrs = {"w:type": kind, "w:styleId": style_id}
    if default:
        attrs["w:default"] = "1"
    s = sub(root, "w:style", attrs)
    sub(s, "w:name", {"w:val": name})
    if based_on:
        sub(s, "w:basedOn", {"w:val": based_on})
    for tag in extra:
        sub(s, tag)
    return s


def styles_xml():
    root = etree.Element(qn("w:styles"), nsmap={"w": nsmap["w"]})
    defaults = sub(root, "w:docDefaults")
    rpr = sub(sub(defaults, "w:rPrDefault"), "w:rPr")
    sub(rpr, "w:rFonts", {"w:ascii": FONT, "w:eastAsia": FONT, "w:hAnsi": FONT, "w:cs": FONT})
    sub(rpr, "w:sz", {"w:val": "32"})
    sub(rpr, "w:szCs", {"w:val": "32"})
    sub(rpr, "w:lang", {"w:val": "en-US", "w:eastAsia": "en-US", "w:bidi": "th-TH"})
    ppr = sub(sub(defaults, "w:pPrDefault"), "w:pPr")
    sub(ppr, "w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"})
    style(root, "paragraph", "Normal", "Normal", default=True, extra=("w:qFormat",))
    style(root, "character", "DefaultParagraphFont", "Default Paragraph Font", default=True,
          extra=("w:semiHidden", "w:unhideWhenUsed"))
    table_styles(root)
    style(root, "numbering", "NoList", "No List", default=True, extra=("w:semiHidden", "w:unhideWhenUsed"))
    title = style(root, "paragraph", "Title", "Title", "Normal", extra=("w:qFormat",))
    sub(sub(title, "w:pPr"), "w:jc", {"w:val": "center"})
    run_props(title, bold=True)  # official letters keep the title at 16 pt
    for level in (1, 2):
        heading = style(root, "paragraph", f"Heading{level}", f"heading {level}", "Normal", extra=("w:qFormat",))
        hppr = sub(heading, "w:pPr")
        sub(hppr, "w:keepNext")
        sub(hppr, "w:jc", {"w:val": "center"})
        sub(hppr, "w:outlineLvl", {"w:val": str(level - 1)})
        run_props(heading, bold=True)
    ctext = style(root, "paragraph", "CommentText", "annotation text", "Normal", extra=("w:unhideWhenUsed",))
    run_props(ctext, size="28")
    cref = style(root, "character", "CommentReference", "annotation reference", "DefaultParagraphFont",
                 extra=("w:unhideWhenUsed",))
    run_props(cref, size="16")
    for style_id, name in (("Header", "header"), ("Footer", "footer")):
        hf = style(root, "paragraph", style_id, name, "Normal", extra=("w:unhideWhenUsed",))
        tabs = sub(sub(hf, "w:pPr"), "w:tabs")
        sub(tabs, "w:tab", {"w:val": "center", "w:pos": "4535"})
        sub(tabs, "w:tab", {"w:val": "right", "w:pos": "9071"})
        run_props(hf, size="28")
    ftext = style(root, "paragraph", "FootnoteText", "footnote text", "Normal", extra=("w:unhideWhenUsed",))
    run_props(ftext, size="28")
    fref = style(root, "character", "FootnoteReference", "footnote reference", "DefaultParagraphFont",
                 extra=("w:unhideWhenUsed",))
    sub(sub(fref, "w:rPr"), "w:vertAlign", {"w:val": "superscript"})
    link = style(root, "character", "Hyperlink", "Hyperlink", "DefaultParagraphFont", extra=("w:unhideWhenUsed",))
    lrpr = sub(link, "w:rPr")
    sub(lrpr, "w:color", {"w:val": "0000FF"})
    sub(lrpr, "w:u", {"w:val": "single"})
    return root


def table_styles(root):
    normal = style(root, "table", "TableNormal", "Normal Table", default=True,
                   extra=("w:semiHidden", "w:unhideWhenUsed"))
    tblpr = sub(normal, "w:tblPr")
    sub(tblpr, "w:tblInd", {"w:w": "0", "w:type": "dxa"})
    margins = sub(tblpr, "w:tblCellMar")
    for side, width in (("top", "0"), ("left", "108"), ("bottom", "0"), ("right", "108")):
        sub(margins, f"w:{side}", {"w:w": width, "w:type": "dxa"})
    grid = style(root, "table", "TableGrid", "Table Grid", "TableNormal")
    borders = sub(sub(grid, "w:tblPr"), "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        sub(borders, f"w:{side}", {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": "auto"})


def settings_xml(track: bool, footnotes: bool = True):
    root = etree.Element(qn("w:settings"), nsmap={"w": nsmap["w"]})
    sub(root, "w:zoom", {"w:percent": "100"})
    if track:
        sub(root, "w:trackRevisions")
    sub(root, "w:defaultTabStop", {"w:val": "720"})
    sub(root, "w:characterSpacingControl", {"w:val": "doNotCompress"})
    if footnotes:
        notes = sub(root, "w:footnotePr")  # the separators every Word file with footnotes names
        for fid in ("-1", "0"):
            sub(notes, "w:footnote", {"w:id": fid})
    sub(root, "w:themeFontLang", {"w:val": "en-US", "w:bidi": "th-TH"})
    return root


def font_table_xml():
    root = etree.Element(qn("w:fonts"), nsmap={"w": nsmap["w"]})
    font = sub(root, "w:font", {"w:name": FONT})
    sub(font, "w:panose1", {"w:val": "020B0500040200020003"})
    sub(font, "w:charset", {"w:val": "00"})
    sub(font, "w:family", {"w:val": "swiss"})
    sub(font, "w:pitch", {"w:val": "variable"})
    sub(font, "w:sig", {"w:usb0": "A100006F", "w:usb1": "5000205A", "w:usb2": "00000000",
                        "w:usb3": "00000000", "w:csb0": "00010183", "w:csb1": "00000000"})
    return root


def core_xml(meta: dict):
    cp = {k: nsmap[k] for k in ("cp", "dc", "dcterms", "xsi")}
    root = etree.Element(qn("cp:coreProperties"), nsmap=cp)
    for tag, key in (("dc:title", "title"), ("dc:subject", "subject"), ("dc:creator", "creator"),
                     ("cp:lastModifiedBy", "last-modified-by"), ("cp:revision", "revision")):
        sub(root, tag, text=meta[key])
    for tag, key in (("dcterms:created", "created"), ("dcterms:modified", "modified")):
        sub(root, tag, {"xsi:type": "dcterms:W3CDTF"}, meta[key])
    return root


def app_xml():
    root = etree.Element(f"{{{EP_NS}}}Properties", nsmap={None: EP_NS})
    for tag, value in (("Template", "Normal.dotm"), ("TotalTime", "0"),
                       ("Application", "policydiff scripts/build_example.py"), ("DocSecurity", "0"),
                       ("Company", "สำนักงานเลขาธิการคณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ")):
        etree.SubElement(root, f"{{{EP_NS}}}{tag}").text = value
    return root


def a_el(parent, local, **attrs):
    """Append a DrawingML element (theme parts only)."""
    el = etree.Element(f"{{{A_NS}}}{local}", **attrs) if parent is None else etree.SubElement(
        parent, f"{{{A_NS}}}{local}", **attrs)
    return el


THEME_COLORS = (("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "1F497D"), ("lt2", "EEECE1"),
                ("accent1", "4F81BD"), ("accent2", "C0504D"), ("accent3", "9BBB59"), ("accent4", "8064A2"),
                ("accent5", "4BACC6"), ("accent6", "F79646"), ("hlink", "0000FF"), ("folHlink", "800080"))


def solid_fills(parent):
    for _ in range(3):
        a_el(a_el(parent, "solidFill"), "schemeClr", val="phClr")


def theme_xml():
    """A minimal Office theme; Word expects one, and its fonts name TH SarabunPSK for Thai."""
    root = etree.Element(f"{{{A_NS}}}theme", nsmap={"a": A_NS}, name="Office Theme")
    elements = a_el(root, "themeElements")
    colors = a_el(elements, "clrScheme", name="Office")
    for name, rgb in THEME_COLORS:
        a_el(a_el(colors, name), "srgbClr", val=rgb)
    fonts = a_el(elements, "fontScheme", name="Office")
    for kind in ("majorFont", "minorFont"):
        f = a_el(fonts, kind)
        for slot in ("latin", "ea", "cs"):
            a_el(f, slot, typeface=FONT if slot != "ea" else "")
        a_el(f, "font", script="Thai", typeface=FONT)
    fmt = a_el(elements, "fmtScheme", name="Office")
    solid_fills(a_el(fmt, "fillStyleLst"))
    lines = a_el(fmt, "lnStyleLst")
    for width in ("9525", "25400", "38100"):
        a_el(a_el(a_el(lines, "ln", w=width), "solidFill"), "schemeClr", val="phClr")
    effects = a_el(fmt, "effectStyleLst")
    for _ in range(3):
        a_el(a_el(effects, "effectStyle"), "effectLst")
    solid_fills(a_el(fmt, "bgFillStyleLst"))
    a_el(root, "objectDefaults")
    a_el(root, "extraClrSchemeLst")
    return root


def rels_xml(rels):
    """Relationships from (id, type, target) or (id, type, target, "External")."""
    root = etree.Element(f"{{{nsmap['pr']}}}Relationships", nsmap={None: nsmap["pr"]})
    for rid, kind, target, *mode in rels:
        rel = etree.SubElement(root, f"{{{nsmap['pr']}}}Relationship", Id=rid, Type=REL_TYPES.get(kind, kind),
                               Target=target)
        if mode:
            rel.set("TargetMode", mode[0])
    return root


def content_types_xml(overrides):
    ct = nsmap["ct"]
    root = etree.Element(f"{{{ct}}}Types", nsmap={None: ct})
    etree.SubElement(root, f"{{{ct}}}Default", Extension="png", ContentType="image/png")
    etree.SubElement(root, f"{{{ct}}}Default", Extension="rels", ContentType=CONTENT_TYPES["relationships"])
    etree.SubElement(root, f"{{{ct}}}Default", Extension="xml", ContentType="application/xml")
    for part, kind in overrides:
        etree.SubElement(root, f"{{{ct}}}Override", PartName="/" + part,
                         ContentType=CONTENT_TYPES.get(kind, kind))
    return root


@dataclass
class CommentEntry:
    """One w:comment, with the paraId that commentsExtended refers to."""

    id: int
    author: str
    initials: str
    date: str
    text: str
    para_id: str
    parent_para_id: str = ""
    done: bool = False


def comments_xml(entries):
    root = etree.Element(qn("w:comments"), nsmap={k: nsmap[k] for k in ("w", "w14", "mc")})
    root.set(qn("mc:Ignorable"), "w14")
    for c in entries:
        el = sub(root, "w:comment", {"w:id": str(c.id), "w:author": c.author, "w:date": c.date,
                                     "w:initials": c.initials})
        p = sub(el, "w:p", {"w14:paraId": c.para_id, "w14:textId": "77777777"})
        sub(sub(p, "w:pPr"), "w:pStyle", {"w:val": "CommentText"})
        ref = sub(p, "w:r")
        sub(sub(ref, "w:rPr"), "w:rStyle", {"w:val": "CommentReference"})
        sub(ref, "w:annotationRef")
        run(p, c.text)
    return root


def comments_ex_xml(entries):
    root = etree.Element(qn("w15:commentsEx"), nsmap={k: nsmap[k] for k in ("w15", "mc")})
    root.set(qn("mc:Ignorable"), "w15")
    for c in entries:
        attrs = {"w15:paraId": c.para_id}
        if c.parent_para_id:
            attrs["w15:paraIdParent"] = c.parent_para_id
        attrs["w15:done"] = "1" if c.done else "0"
        sub(root, "w15:commentEx", attrs)
    return root


# ---------------------------------------------------------------- packaging


def zip_bytes(parts: dict) -> bytes:
    """A zip of ``parts`` with sorted names and fixed timestamps, so equal input gives equal bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, parts[name], compresslevel=9)
    return buf.getvalue()


def docx_parts(draft: Draft, meta: dict, numbers, ops_by_para, comments=(), track=False):
    rels = [("rId1", "styles", "styles.xml"), ("rId2", "settings", "settings.xml"),
            ("rId3", "fontTable", "fontTable.xml"), ("rId7", THEME_REL, "theme/theme1.xml")]
    overrides = [("word/document.xml", "document"), ("word/styles.xml", "styles"),
                 ("word/settings.xml", "settings"), ("word/fontTable.xml", "fontTable"),
                 ("word/theme/theme1.xml", THEME_CT),
                 ("docProps/core.xml", "core-properties"), ("docProps/app.xml", "extended-properties")]
    objs = Objects()
    parts = {
        "word/theme/theme1.xml": xml_bytes(theme_xml()),
        "word/document.xml": xml_bytes(document_xml(draft, numbers, ops_by_para, objs)),
        "word/styles.xml": xml_bytes(styles_xml()),
        "word/settings.xml": xml_bytes(settings_xml(track, bool(objs.footnotes))),
        "word/fontTable.xml": xml_bytes(font_table_xml()),
        "docProps/core.xml": xml_bytes(core_xml(meta)),
        "docProps/app.xml": xml_bytes(app_xml()),
    }
    item_nums = sorted({n for n, lvl in numbers.values() if lvl > 0}, key=int)
    if numbers:
        parts["word/numbering.xml"] = xml_bytes(numbering_xml(item_nums))
        rels.append(("rId4", "numbering", "numbering.xml"))
        overrides.append(("word/numbering.xml", "numbering"))
    if comments:
        parts["word/comments.xml"] = xml_bytes(comments_xml(comments))
        parts["word/commentsExtended.xml"] = xml_bytes(comments_ex_xml(comments))
        rels += [("rId5", "comments", "comments.xml"), ("rId6", "commentsExtended", "commentsExtended.xml")]
        overrides += [("word/comments.xml", "comments"), ("word/commentsExtended.xml", "commentsExtended")]
    parts.update(object_parts(draft, meta, objs, rels, overrides))
    parts["word/_rels/document.xml.rels"] = xml_bytes(rels_xml(rels))
    parts["_rels/.rels"] = xml_bytes(rels_xml([("rId1", "officeDocument", "word/document.xml"),
                                               ("rId2", "core-properties", "docProps/core.xml"),
                                               ("rId3", "extended-properties", "docProps/app.xml")]))
    parts["[Content_Types].xml"] = xml_bytes(content_types_xml(sorted(overrides)))
    return parts


def object_parts(draft: Draft, meta: dict, objs: Objects, rels: list, overrides: list) -> dict:
    """Headers, footers, the emblem, footnotes and hyperlink targets; adds their rels and types."""
    parts = _page_furniture(meta, rels, overrides) if "emblem" in meta else {}
    if objs.footnotes:
        parts["word/footnotes.xml"] = xml_bytes(footnotes_xml(objs.footnotes))
        rels.append(("rId8", REL["footnotes"], "footnotes.xml"))
        overrides.append(("word/footnotes.xml", CT["footnotes"]))
    for n, url in enumerate(objs.links):
        rels.append((f"rId{LINK_RID_BASE + n}", REL["hyperlink"], url, "External"))
    return parts


def _page_furniture(meta: dict, rels: list, overrides: list) -> dict:
    """The emblem header, the title header and the footers (header lines emblem, header, footer)."""
    where = meta.get("subject", "draft")
    parts = {
        "word/header1.xml": xml_bytes(emblem_header_xml("ตราสำนักงาน")),
        "word/_rels/header1.xml.rels": xml_bytes(rels_xml([("rId1", REL["image"], "media/image1.png")])),
        EMBLEM_PART: emblem_png(*emblem_colours(meta["emblem"], where)),
        "word/header2.xml": xml_bytes(title_header_xml(meta["header"])),
        "word/footer1.xml": xml_bytes(footer_xml(meta["footer"])),
        "word/footer2.xml": xml_bytes(footer_xml(meta["footer"])),
    }
    for _, tag, rid in HEADERS_FOOTERS:
        rels.append((rid, REL[tag], HEADER_FOOTER_PARTS[rid]))
        overrides.append((f"word/{HEADER_FOOTER_PARTS[rid]}", CT[tag]))
    return parts


def build_draft(path: Path) -> bytes:
    draft = parse_draft(path)
    mode = draft.meta.get("numbering", "typed")
    if mode not in ("typed", "auto"):
        raise SourceError(f"{path.name}: numbering must be typed or auto, not {mode!r}")
    numbers = auto_numbers(draft.blocks, path.name) if mode == "auto" else {}
    return zip_bytes(docx_parts(draft, draft.meta, numbers, {}))


# ---------------------------------------------------------------- the comment round


def clause_paras(draft: Draft, clause: str):
    paras = [p for p in iter_paras(draft.blocks) if p.key == clause]
    if not paras:
        raise SourceError(f"round1.json: no clause {clause!r} in v1")
    return paras


def locate(draft: Draft, clause: str, words: str):
    """The one (paragraph, offset) where ``words`` occur in ``clause``; an error otherwise."""
    hits = [(p, m.start()) for p in clause_paras(draft, clause) for m in re.finditer(re.escape(words), p.text)]
    if len(hits) != 1:
        raise SourceError(f"round1.json: {words!r} occurs {len(hits)} times in {clause}, not once")
    return hits[0]


class Ids:
    """Counters for comment ids, revision ids and comment paraIds."""

    def __init__(self, first_revision: int):
        self.comment = 0
        self.revision = first_revision
        self.para = 0

    def next_comment(self):
        self.comment += 1
        return self.comment - 1

    def next_revisions(self, n=2):
        self.revision += n
        return tuple(range(self.revision - n, self.revision))

    def next_para_id(self):
        self.para += 1
        return f"{0x3C1A0000 + self.para:08X}"


def add_comments(division, draft, ops_by_para, ids: Ids):
    entries = []
    for c in division.get("comments", []):
        para, start = locate(draft, c["clause"], c["quote"])
        parent = CommentEntry(ids.next_comment(), division["name"], division["initials"], c["date"], c["text"],
                              ids.next_para_id(), done=bool(c.get("done")))
        entries.append(parent)
        replies = [CommentEntry(ids.next_comment(), r["author"], r.get("initials", division["initials"]), r["date"],
                                r["text"], ids.next_para_id(), parent.para_id) for r in c.get("replies", [])]
        entries += replies
        ops = ops_by_para.setdefault(id(para), ParaOps())
        ops.comments.append(CommentRange(start, start + len(c["quote"]), (parent.id,) + tuple(r.id for r in replies)))
    return entries


def add_proposals(division, draft, ops_by_para, ids: Ids):
    for prop in division.get("proposals", []):
        rev = Rev(division["name"], prop["date"], ids.next_revisions())
        if prop.get("paragraph") == "after":
            last = clause_paras(draft, prop["clause"])[-1]
            ops = ops_by_para.setdefault(id(last), ParaOps())
            ops.mark_insert = rev
            new = parse_line(prop["new"], "round1.json")
            ops.inserted_after.append((replace(new, key=last.key), rev))
            continue
        words = prop["old"] or prop["anchor"]
        para, start = locate(draft, prop["clause"], words)
        if not prop["old"]:
            start += len(words)
        ops_by_para.setdefault(id(para), ParaOps()).edits.append(
            Edit(start, start + len(prop["old"]), prop["new"], rev))
    for change in division.get("untracked", []):
        para, start = locate(draft, change["clause"], change["old"])
        ops_by_para.setdefault(id(para), ParaOps()).edits.append(
            Edit(start, start + len(change["old"]), change["new"]))


def check_no_overlap(ops_by_para, who):
    """Edits may not overlap each other, and a comment range may not start or end inside an edit."""
    for ops in ops_by_para.values():
        spans = sorted((e.start, e.end) for e in ops.edits)
        for (s1, e1), (s2, _) in zip(spans, spans[1:]):
            if s2 < e1 or (s1 == s2):
                raise SourceError(f"round1.json: overlapping edits from {who}")
        for c in ops.comments:
            for s, e in spans:
                if s < c.start < e or s < c.end < e or (s == e and c.start < s < c.end):
                    raise SourceError(f"round1.json: a comment of {who} cuts through an edit")


def review_meta(base: dict, division: dict) -> dict:
    meta = dict(base)
    meta["last-modified-by"] = division["name"]
    meta["modified"] = division["saved"]
    meta["revision"] = str(int(base["revision"]) + 1)
    return meta


def build_review_copy(v1: Draft, division: dict) -> bytes:
    """v1 as the division sent it back: its comments, tracked proposals and untracked edits."""
    ops_by_para = {}
    n_comments = sum(1 + len(c.get("replies", [])) for c in division.get("comments", []))
    ids = Ids(first_revision=n_comments)
    entries = add_comments(division, v1, ops_by_para, ids)
    add_proposals(division, v1, ops_by_para, ids)
    check_no_overlap(ops_by_para, division["name"])
    return zip_bytes(docx_parts(v1, review_meta(v1.meta, division), {}, ops_by_para, entries, track=True))


def check_form_rows(v1: Draft, division):
    """A form row's quote, when it has one and names a clause, must be findable in v1."""
    for row in division["rows"]:
        if row["quote"] and row["clause"].startswith("ข้อ"):
            locate(v1, row["clause"], row["quote"])


def form_rows(division, thai_dates: bool):
    def day(iso: str):
        d = datetime.date.fromisoformat(iso[:10])
        if not thai_dates:
            return d
        digits = str.maketrans("0123456789", THAI_DIGITS)
        return f"{d.day} {THAI_MONTHS_SHORT[d.month - 1]} {d.year + 543}".translate(digits)

    return [(division["name"], division["initials"], r["ref"], r["quote"], r["text"], r["proposed"], r["type"],
             day(r["date"])) for r in division["rows"]]


def build_csv(division) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(FORM_HEADERS_TH)
    writer.writerows(form_rows(division, thai_dates=True))
    return buf.getvalue().encode("utf-8-sig")


def build_xlsx(division) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ความเห็น"
    ws.append(FORM_HEADERS_EN)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in form_rows(division, thai_dates=False):
        ws.append(row)
    for col, width in zip("ABCDEFGH", (24, 10, 12, 40, 60, 40, 14, 12)):
        ws.column_dimensions[col].width = width
    for (cell,) in ws.iter_rows(min_row=2, min_col=8, max_col=8):
        cell.number_format = "d mmm yyyy"
    wb.properties.creator = division["name"]
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_xlsx(buf.getvalue(), division["received"])


def fixed_xlsx(data: bytes, when: str) -> bytes:
    """Re-zip openpyxl's output with fixed timestamps: it stamps docProps/core.xml with the clock."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    core = etree.fromstring(parts["docProps/core.xml"])
    for tag in ("dcterms:created", "dcterms:modified"):
        for el in core.iter(qn(tag)):
            el.text = when
    parts["docProps/core.xml"] = xml_bytes(core)
    return zip_bytes(parts)


# ---------------------------------------------------------------- driver


def build_all(src_root: Path) -> dict:
    """Every output file, relative path -> bytes."""
    out = {f"drafts/{v}.docx": build_draft(src_root / "drafts" / "src" / f"{v}.txt") for v in VERSIONS}
    v1 = parse_draft(src_root / "drafts" / "src" / "v1.txt")
    round1 = json.loads((src_root / "comments" / "src" / "round1.json").read_text(encoding="utf-8"))
    builders = {"docx": lambda d: build_review_copy(v1, d), "csv": build_csv, "xlsx": build_xlsx}
    for division in round1["divisions"]:
        if division["form"] != "docx":
            check_form_rows(v1, division)
        out[division_path(division)] = builders[division["form"]](division)
    return out


def division_path(division) -> str:
    suffix = ".docx" if division["form"] == "docx" else f"-form.{division['form']}"
    return f"comments/round1/{division['code']}{suffix}"


def write_outputs(files: dict, out_root: Path):
    for rel, data in files.items():
        path = out_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


def same_zip_content(a: bytes, b: bytes) -> bool:
    """True when two zips hold the same parts with the same bytes (compression may differ by zlib)."""
    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            if za.namelist() != zb.namelist():
                return False
            return all(za.read(n) == zb.read(n) for n in za.namelist())
    except zipfile.BadZipFile:
        return False


def stale_files(files: dict, root: Path):
    """Relative paths whose committed bytes differ from a fresh build, plus leftovers nobody builds."""
    stale = []
    for rel, data in sorted(files.items()):
        path = root / rel
        if not path.exists():
            stale.append(f"{rel} (missing)")
        elif path.read_bytes() != data and not same_zip_content(path.read_bytes(), data):
            stale.append(f"{rel} (differs)")
    for folder, pattern in (("drafts", "*.docx"), ("comments/round1", "*")):
        for path in sorted((root / folder).glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if rel not in files:
                stale.append(f"{rel} (not built from any source)")
    return stale


def check(root: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = build_all(root)
        write_outputs(files, Path(tmp))
        rebuilt = {rel: (Path(tmp) / rel).read_bytes() for rel in files}
    stale = stale_files(rebuilt, root)
    for line in stale:
        print(f"out of date: {line}")
    if not stale:
        print(f"up to date: {len(rebuilt)} files")
    return 1 if stale else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh build with the files in place")
    parser.add_argument("--out", type=Path, default=None, help="write under this folder instead of the repo")
    args = parser.parse_args(argv)
    try:
        if args.check:
            return check(ROOT)
        files = build_all(ROOT)
        write_outputs(files, args.out or ROOT)
    except SourceError as e:
        print(f"build_example: {e}", file=sys.stderr)
        return 2
    for rel in sorted(files):
        print(rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
