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
    rows       [{ref, clause, quote, text, proposed, type}]   form rows, in file order
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
import io
import json
import re
import sys
import tempfile
import zipfile
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

LABEL_RE = re.compile(r"^(ข้อ [๐-๙]+(?:/[๐-๙]+)?|\([๐-๙]+\)|\([ก-ฮ]\)) ")
# twips: clause and follow-on paragraphs, items, sub-items (first-line indents, as in Thai official letters)
INDENTS = (1418, 1985, 2552)
PAGE = {"w": "11906", "h": "16838", "top": "1418", "right": "1134", "bottom": "1134", "left": "1701"}
TABLE_COLS = (2835, 6236)
FORM_HEADERS_TH = ("หน่วยงาน", "ข้อ", "ข้อความที่อ้างถึง", "ความเห็น", "ข้อความที่เสนอ", "ประเภท")
FORM_HEADERS_EN = ("Division", "Clause", "Quoted text", "Comment", "Proposed wording", "Type")


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

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.spans)

    @property
    def level(self):
        return label_level(self.label)


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
        if re.search(r"[0-9]", p.text):
            raise SourceError(f"{where}: Arabic digits in {p.text[:40]!r}: the example uses Thai digits")


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


def run(parent, text, bold=False, tag="w:t"):
    r = sub(parent, "w:r")
    if bold:
        rpr = sub(r, "w:rPr")
        sub(rpr, "w:b")
        sub(rpr, "w:bCs")
    text_el(r, tag, text)
    return r


def bold_mask(para: Para):
    return [b for t, b in para.spans for _ in t]


def runs_for(parent, text, mask, tag="w:t"):
    """Append runs for ``text``, one per stretch of equal boldness."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or mask[i] != mask[start]:
            run(parent, text[start:i], mask[start], tag)
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


def events(ops: ParaOps):
    """Positions where something other than plain text goes, in the order to write them."""
    out = []
    for c in ops.comments:
        out.append((c.end, 0, "end", c))
        out.append((c.start, 1, "start", c))
    for e in ops.edits:
        out.append((e.start, 2, "edit", e))
    return sorted(out, key=lambda ev: (ev[0], ev[1]))


def fill_runs(p, para: Para, text: str, ops: ParaOps):
    shift = len(para.text) - len(text)  # automatic numbering took the label out of the text
    mask = bold_mask(para)[shift:]
    cur = 0
    for pos, _, what, item in events(ops):
        pos -= shift
        if pos > cur:
            runs_for(p, text[cur:pos], mask[cur:pos])
            cur = pos
        if what == "start":
            for cid in item.ids:
                sub(p, "w:commentRangeStart", {"w:id": str(cid)})
        elif what == "end":
            for cid in item.ids:
                sub(p, "w:commentRangeEnd", {"w:id": str(cid)})
                comment_ref(p, cid)
        else:
            emit_edit(p, text, mask, replace(item, start=item.start - shift, end=item.end - shift))
            cur = item.end - shift
    if cur < len(text):
        runs_for(p, text[cur:], mask[cur:])


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


def write_para(parent, para: Para, numbers, ops_by_para):
    ops = ops_by_para.get(id(para), ParaOps())
    num = numbers.get(id(para))
    p = sub(parent, "w:p")
    para_props(p, para, num, ops)
    text = para.text[len(para.label) + 1:] if num else para.text
    fill_runs(p, para, text, ops)
    for new_para, rev in ops.inserted_after:
        q = sub(parent, "w:p")
        para_props(q, new_para, None, ParaOps())
        ins = sub(q, "w:ins", rev_attrs(rev, 1))
        runs_for(ins, new_para.text, bold_mask(new_para))


def write_table(parent, table: Table, numbers, ops_by_para):
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
            write_para(tc, cell, numbers, ops_by_para)


def document_xml(draft: Draft, numbers, ops_by_para):
    root = etree.Element(qn("w:document"), nsmap={"w": nsmap["w"], "r": nsmap["r"]})
    body = sub(root, "w:body")
    for block in draft.blocks:
        if isinstance(block, Table):
            write_table(body, block, numbers, ops_by_para)
        else:
            write_para(body, block, numbers, ops_by_para)
    sect = sub(body, "w:sectPr")
    sub(sect, "w:pgSz", {"w:w": PAGE["w"], "w:h": PAGE["h"]})
    sub(sect, "w:pgMar", {"w:top": PAGE["top"], "w:right": PAGE["right"], "w:bottom": PAGE["bottom"],
                          "w:left": PAGE["left"], "w:header": "709", "w:footer": "709", "w:gutter": "0"})
    sub(sect, "w:cols", {"w:space": "708"})
    sub(sect, "w:docGrid", {"w:linePitch": "435"})
    return root


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


def settings_xml(track: bool):
    root = etree.Element(qn("w:settings"), nsmap={"w": nsmap["w"]})
    sub(root, "w:zoom", {"w:percent": "100"})
    if track:
        sub(root, "w:trackRevisions")
    sub(root, "w:defaultTabStop", {"w:val": "720"})
    sub(root, "w:characterSpacingControl", {"w:val": "doNotCompress"})
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
    root = etree.Element(f"{{{nsmap['pr']}}}Relationships", nsmap={None: nsmap["pr"]})
    for rid, kind, target in rels:
        etree.SubElement(root, f"{{{nsmap['pr']}}}Relationship", Id=rid, Type=REL_TYPES.get(kind, kind),
                         Target=target)
    return root


def content_types_xml(overrides):
    ct = nsmap["ct"]
    root = etree.Element(f"{{{ct}}}Types", nsmap={None: ct})
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
    parts = {
        "word/theme/theme1.xml": xml_bytes(theme_xml()),
        "word/document.xml": xml_bytes(document_xml(draft, numbers, ops_by_para)),
        "word/styles.xml": xml_bytes(styles_xml()),
        "word/settings.xml": xml_bytes(settings_xml(track)),
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
    parts["word/_rels/document.xml.rels"] = xml_bytes(rels_xml(rels))
    parts["_rels/.rels"] = xml_bytes(rels_xml([("rId1", "officeDocument", "word/document.xml"),
                                               ("rId2", "core-properties", "docProps/core.xml"),
                                               ("rId3", "extended-properties", "docProps/app.xml")]))
    parts["[Content_Types].xml"] = xml_bytes(content_types_xml(sorted(overrides)))
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


def form_rows(division):
    return [(division["name"], r["ref"], r["quote"], r["text"], r["proposed"], r["type"]) for r in division["rows"]]


def build_csv(division) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(FORM_HEADERS_TH)
    writer.writerows(form_rows(division))
    return buf.getvalue().encode("utf-8-sig")


def build_xlsx(division) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ความเห็น"
    ws.append(FORM_HEADERS_EN)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in form_rows(division):
        ws.append(row)
    for col, width in zip("ABCDEF", (24, 12, 40, 60, 40, 14)):
        ws.column_dimensions[col].width = width
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
