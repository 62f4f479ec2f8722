"""Fuzzing the reader and the comment importer: seeds, mutators, a markup grammar, and the checks.

Every mutator takes a ``random.Random`` (hypothesis's ``st.randoms()`` in the test slice, a
seeded one in the long campaign), so a failing input is replayed from its seed. A check runs
what the commands run and says how it ended:

- ``refused``: a ``PolicydiffError`` with a one-line message (what bad input must give);
- ``ok``: read, and the invariants held;
- anything else raises ``Crash`` with a signature (exception type + the policydiff frame it
  came from), the input's bytes and the traceback.

Invariants for a document that reads: an outline is built in every view; the redline from
the unmutated seed to it, written and read back, accepts to its text and rejects to the
seed's. For a reviewed copy that reads: the import gives a ``Result`` of annotations; conflicts and
duplicates are computed; the consolidated copy, written and read back, rejects to the base.
"""

from __future__ import annotations

import copy
import io
import random
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

from lxml import etree

from policydiff.docx.ns import CONTENT_TYPES, REL_TYPES, nsmap, qn
from tests.docxgen import Commented, Del, Ins, Para, Table, docx_bytes

REPO = Path(__file__).resolve().parents[2]
W = nsmap["w"]
W14 = nsmap["w14"]
W15 = nsmap["w15"]
DATE = (1980, 1, 1, 0, 0, 0)


class Crash(Exception):
    """An input that ended in something other than a Document, a Result or a clear refusal."""

    def __init__(self, stage: str, exc: BaseException, data: bytes, extra: Optional[dict] = None):
        self.stage = stage
        self.exc = exc
        self.data = data
        self.extra = extra or {}
        self.trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        super().__init__(f"{stage}: {self.signature}: {exc!r}"[:600])

    @property
    def signature(self) -> str:
        """The exception type and the innermost policydiff frame: one name per distinct bug."""
        frames = traceback.extract_tb(self.exc.__traceback__)
        ours = [f for f in frames if "/policydiff/" in f.filename]
        where = f"{Path(ours[-1].filename).name}:{ours[-1].name}:{ours[-1].lineno}" if ours else "?"
        return f"{self.stage}:{type(self.exc).__name__}@{where}"


# ---------------------------------------------------------------------------------------------
# Packages


def parts_of(data: bytes) -> Dict[str, bytes]:
    """The members of a zip, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def repack(parts: Dict[str, bytes]) -> bytes:
    """A zip of ``parts`` with fixed timestamps (None values are left out)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if data is not None:
                zf.writestr(zipfile.ZipInfo(name, DATE), data)
    return buf.getvalue()


def with_parts(data: bytes, changes: Dict[str, Optional[bytes]]) -> bytes:
    """The package with some parts replaced, added or (None) removed."""
    parts = parts_of(data)
    parts.update(changes)
    return repack(parts)


def _add_relationship(parts: Dict[str, bytes], kind: str, target: str, content_type: str) -> None:
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    rid = f"rIdFuzz{len(rels)}"
    el = etree.SubElement(rels, f"{{{nsmap['pr']}}}Relationship")
    el.set("Id", rid)
    el.set("Type", REL_TYPES[kind])
    el.set("Target", target)
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    types = etree.fromstring(parts["[Content_Types].xml"])
    over = etree.SubElement(types, f"{{{nsmap['ct']}}}Override")
    over.set("PartName", "/word/" + target)
    over.set("ContentType", content_type)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")


# ---------------------------------------------------------------------------------------------
# Seeds


def small_seed() -> bytes:
    """A small Thai draft with every kind of markup the reader knows, built by tests.docxgen."""
    return docx_bytes([
        Para("ประกาศสำนักงานเลขาธิการ เรื่อง นโยบายการกำกับดูแลองค์การที่ดี"),
        "หมวด ๑ บททั่วไป",
        ["ข้อ ๑ ให้ส่วนราชการ", Del("จัดทำ"), Ins("ปรับปรุง"), "แผนปฏิบัติราชการตามหลักธรรมาภิบาล"],
        ["ข้อ ๒ ", Commented("ผู้บริหารทุกระดับ", "ควรระบุตำแหน่ง"), "ต้องยึดหลักความโปร่งใส"],
        "(๑) ความรับผิดชอบ",
        Para(["(๒) ", Ins("การมีส่วนร่วมของผู้มีส่วนได้ส่วนเสีย")], mark="ins"),
        Table([["หน่วยงาน", "หน้าที่"], ["กองคลัง", ["จัดทำ", Del("งบ"), Ins("แผน"), "การเงิน"]]]),
        "ข้อ ๓ ให้ใช้บังคับตั้งแต่วันถัดจากวันประกาศ",
    ], track_revisions=True)


def seed_files() -> Dict[str, bytes]:
    """The example drafts and reviewed copies, and the small seed."""
    out = {"small.docx": small_seed()}
    for path in sorted((REPO / "drafts").glob("*.docx")) + sorted((REPO / "comments" / "round1").glob("*.docx")):
        out[path.name] = path.read_bytes()
    return out


# ---------------------------------------------------------------------------------------------
# A grammar of WordprocessingML markup (what a hostile or broken writer could produce)

WORDS = ["ข้อ ๕", "ให้", "ส่วนราชการ", "จัดทำ", "แผน", "หลักธรรมาภิบาล", "(๑)", "(ก)", "หมวด ๒", "ส่วนที่ ๑",
         "ข้อ ๕/๑", "วรรคสอง", "1.", "(3)", "่", "้ำ", "ำ", "เ", " ", "  ", "\u200b", "\u200f", "A", "policy", "๑๒๓",
         "123", "\U0001F600", "e\u0301", "\u0e4c", "ฯ", "ๆ", "\u00a0", "—", "‘", "\\", "%1", "<>&\""]
IDS = ["0", "1", "2", "3", "", "-1", "x", "99999999999999999999", "1.5", "²", "๓"]
ODD_NUMBERS = ["²", "٣", "๕", "１", "1_000", " 7", "+3", "0x10", "Ⅻ"]
STYLES = ["", "Title", "Heading1", "ListParagraph", "CommentText", "nosuchstyle", "ข้อ"]
NUM_IDS = ["1", "2", "0", "7", "", "x", "-3"]
LEVELS = ["0", "1", "8", "9", "-1", "x", "", "²", "๒"]
SYMS = ["F0A7", "0E01", "41", "0001", "0000", "D800", "DFFF", "110000", "FFFE", "FFFF", "zz", "", "-5", "1F600",
        "0009", "000A", "001F"]
AUTHORS = ["กองคลัง", "กองแผน", "", "A" * 300, "กอง\nerror: spoofed line", "\u202e\u0e01"]
DATES = ["2009-07-01T10:00:00Z", "", "not a date", "2552-07-01T10:00:00Z", "9999-99-99"]
REVISION_TAGS = ["w:ins", "w:del", "w:moveFrom", "w:moveTo"]
CONTAINERS = ["w:hyperlink", "w:smartTag", "w:customXml", "w:fldSimple", "w:dir", "w:bdo"]


def E(tag: str, attrs: Optional[dict] = None, *children, text: Optional[str] = None):
    el = etree.Element(qn(tag), nsmap={"w": W, "w14": W14})
    for key, value in (attrs or {}).items():
        el.set(qn(key), value)
    for child in children:
        el.append(child)
    if text is not None:
        el.text = text
    return el


def text(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))


def rpr(rng: random.Random):
    el = E("w:rPr")
    for tag in rng.sample(["w:b", "w:bCs", "w:i", "w:u", "w:strike", "w:sz", "w:szCs"], rng.randint(0, 3)):
        el.append(E(tag, {"w:val": rng.choice(["0", "1", "false", "on", "32", "x", ""] + ODD_NUMBERS)}))
    if rng.random() < 0.15:
        el.append(E("w:rPrChange", {"w:id": rng.choice(IDS), "w:author": rng.choice(AUTHORS)},
                    *([E("w:rPr", None, E("w:b"))] if rng.random() < 0.8 else [])))
    return el


def run(rng: random.Random, deleted: bool = False):
    r = E("w:r")
    if rng.random() < 0.5:
        r.append(rpr(rng))
    for _ in range(rng.randint(0, 3)):
        kind = rng.random()
        if kind < 0.6:
            t = E("w:delText" if deleted or rng.random() < 0.05 else "w:t", text=text(rng))
            t.set(f"{{{nsmap['xml']}}}space", "preserve")
            r.append(t)
        elif kind < 0.7:
            r.append(E("w:sym", {"w:font": "Wingdings", "w:char": rng.choice(SYMS)}))
        elif kind < 0.9:
            r.append(E(rng.choice(["w:tab", "w:br", "w:cr", "w:noBreakHyphen", "w:softHyphen", "w:ptab"])))
        else:
            r.append(E("w:commentReference", {"w:id": rng.choice(IDS)}))
    return r


def inline(rng: random.Random, depth: int = 0) -> List:
    kind = rng.random()
    if depth > 3 or kind < 0.45:
        return [run(rng)]
    if kind < 0.65:
        tag = rng.choice(REVISION_TAGS)
        el = E(tag, {"w:id": rng.choice(IDS), "w:author": rng.choice(AUTHORS), "w:date": rng.choice(DATES)})
        removed = tag in ("w:del", "w:moveFrom")
        for _ in range(rng.randint(0, 3)):
            el.extend(inline(rng, depth + 1) if rng.random() < 0.3 else [run(rng, deleted=removed)])
        if tag.startswith("w:move") and rng.random() < 0.7:
            name = rng.choice(["move1", "move2", ""])
            start = E(tag + "RangeStart", {"w:id": rng.choice(IDS), "w:name": name, "w:author": rng.choice(AUTHORS)})
            return [start, el, E(tag + "RangeEnd", {"w:id": rng.choice(IDS)})]
        return [el]
    if kind < 0.8:
        cid = rng.choice(IDS[:4])
        return [E(rng.choice(["w:commentRangeStart", "w:commentRangeEnd"]), {"w:id": cid})]
    if kind < 0.9:
        el = E(rng.choice(CONTAINERS))
        for _ in range(rng.randint(0, 3)):
            el.extend(inline(rng, depth + 1))
        return [el]
    content = E("w:sdtContent")
    for _ in range(rng.randint(0, 2)):
        content.extend(inline(rng, depth + 1))
    return [E("w:sdt", None, E("w:sdtPr"), content)]


def ppr(rng: random.Random):
    el = E("w:pPr")
    if rng.random() < 0.4:
        el.append(E("w:pStyle", {"w:val": rng.choice(STYLES)}))
    if rng.random() < 0.3:
        numpr = E("w:numPr")
        if rng.random() < 0.9:
            numpr.append(E("w:ilvl", {"w:val": rng.choice(LEVELS)}))
        if rng.random() < 0.9:
            numpr.append(E("w:numId", {"w:val": rng.choice(NUM_IDS)}))
        el.append(numpr)
    if rng.random() < 0.25:
        mark = E("w:rPr", None, E(rng.choice(REVISION_TAGS), {"w:id": rng.choice(IDS),
                                                             "w:author": rng.choice(AUTHORS)}))
        el.append(mark)
    if rng.random() < 0.1:
        old = E("w:pPr")
        if rng.random() < 0.5:
            old.append(E("w:pStyle", {"w:val": rng.choice(STYLES)}))
        if rng.random() < 0.5:
            old.append(E("w:numPr", None, E("w:numId", {"w:val": rng.choice(NUM_IDS)})))
        el.append(E("w:pPrChange", {"w:id": rng.choice(IDS)}, *([old] if rng.random() < 0.9 else [])))
    return el


def paragraph(rng: random.Random):
    p = E("w:p")
    if rng.random() < 0.7:
        p.append(ppr(rng))
    if rng.random() < 0.5:
        p.append(run(rng))  # most paragraphs start with a label or text
        p[-1].insert(0, E("w:t", text=rng.choice(["ข้อ ๑ ", "ข้อ ๒ ", "(๑) ", "หมวด ๑ ", "(ก) ", ""])))
    for _ in range(rng.randint(0, 5)):
        p.extend(inline(rng))
    return p


def table(rng: random.Random, depth: int = 0):
    tbl = E("w:tbl", None, E("w:tblPr"), E("w:tblGrid", None, E("w:gridCol", {"w:w": "2000"})))
    for _ in range(rng.randint(0, 3)):
        tr = E("w:tr")
        if rng.random() < 0.3:
            tr.append(E("w:trPr", None, E(rng.choice(["w:ins", "w:del"]), {"w:id": rng.choice(IDS)})))
        for _ in range(rng.randint(0, 3)):
            tc = E("w:tc")
            for _ in range(rng.randint(0, 2)):
                tc.append(table(rng, depth + 1) if depth < 3 and rng.random() < 0.15 else paragraph(rng))
            tr.append(tc)
        tbl.append(tr)
    return tbl


def body(rng: random.Random, blocks: int = 8):
    b = E("w:body")
    for _ in range(rng.randint(1, blocks)):
        kind = rng.random()
        if kind < 0.8:
            b.append(paragraph(rng))
        elif kind < 0.92:
            b.append(table(rng))
        else:
            b.append(E(rng.choice(["w:sdt", "w:customXml"]), None,
                       E("w:sdtContent", None, paragraph(rng)) if rng.random() < 0.5 else paragraph(rng)))
    return b


def comments_part(rng: random.Random):
    root = E("w:comments")
    for n in range(rng.randint(0, 4)):
        c = E("w:comment", {"w:id": rng.choice(IDS[:5]), "w:author": rng.choice(AUTHORS),
                            "w:date": rng.choice(DATES), "w:initials": "กค"})
        for _ in range(rng.randint(0, 2)):
            p = E("w:p", None, run(rng))
            p.set(f"{{{W14}}}paraId", rng.choice(["1A", "2B", "3C", "4D"]))
            c.append(p)
        root.append(c)
    return root


def extended_part(rng: random.Random):
    root = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
    for _ in range(rng.randint(0, 4)):
        ex = etree.SubElement(root, f"{{{W15}}}commentEx")
        ex.set(f"{{{W15}}}paraId", rng.choice(["1A", "2B", "3C", "4D"]))
        if rng.random() < 0.6:
            ex.set(f"{{{W15}}}paraIdParent", rng.choice(["1A", "2B", "3C", "4D", "ZZ"]))
        ex.set(f"{{{W15}}}done", rng.choice(["0", "1", "x"]))
    return root


def numbering_part(rng: random.Random):
    root = E("w:numbering")
    for a in range(rng.randint(0, 3)):
        an = E("w:abstractNum", {"w:abstractNumId": rng.choice(["0", "1", "2", "x"])})
        for _ in range(rng.randint(0, 3)):
            lvl = E("w:lvl", {"w:ilvl": rng.choice(LEVELS)},
                    E("w:start", {"w:val": rng.choice(["1", "0", "-5", "5", "99999999999", "x"])}),
                    E("w:numFmt", {"w:val": rng.choice(["decimal", "thaiNumbers", "thaiLetters", "lowerRoman",
                                                        "bullet", "none", "decimalZero", "chineseCounting",
                                                        "upperLetter", ""])}),
                    E("w:lvlText", {"w:val": rng.choice(["ข้อ %1", "%1.%2", "(%3)", "%9", "%0", "%", "•", ""])}))
            if rng.random() < 0.3:
                lvl.append(E("w:lvlRestart", {"w:val": rng.choice(LEVELS)}))
            an.append(lvl)
        root.append(an)
    for n in range(rng.randint(0, 3)):
        num = E("w:num", {"w:numId": rng.choice(NUM_IDS)}, E("w:abstractNumId", {"w:val": rng.choice(["0", "1", "7"])}))
        if rng.random() < 0.4:
            num.append(E("w:lvlOverride", {"w:ilvl": rng.choice(LEVELS)},
                         E("w:startOverride", {"w:val": rng.choice(["1", "3", "-1", "x"])})))
        root.append(num)
    return root


def generated_docx(rng: random.Random) -> bytes:
    """A whole package from the grammar: body, comments (with replies), numbering."""
    doc = E("w:document", None, body(rng))
    parts = parts_of(small_seed())
    parts["word/document.xml"] = etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
    parts["word/comments.xml"] = etree.tostring(comments_part(rng), xml_declaration=True, encoding="UTF-8")
    if rng.random() < 0.5:
        parts["word/commentsExtended.xml"] = etree.tostring(extended_part(rng), xml_declaration=True, encoding="UTF-8")
        _add_relationship(parts, "commentsExtended", "commentsExtended.xml", CONTENT_TYPES["commentsExtended"])
    if rng.random() < 0.6:
        parts["word/numbering.xml"] = etree.tostring(numbering_part(rng), xml_declaration=True, encoding="UTF-8")
        _add_relationship(parts, "numbering", "numbering.xml", CONTENT_TYPES["numbering"])
    return repack(parts)


# ---------------------------------------------------------------------------------------------
# Mutations of an existing package's XML

GARBAGE = ["", "-1", "0", "99999999999999999999", "x", "1e5", "%1%2%9", "ข้อ", "\t", "true", "false", "F0A7",
           "D800", "../../etc/passwd", "A" * 1000, "move1", "1", "2"] + ODD_NUMBERS
RETAG = ["w:t", "w:delText", "w:r", "w:p", "w:tbl", "w:tr", "w:tc", "w:ins", "w:del", "w:moveFrom", "w:moveTo",
         "w:hyperlink", "w:sdt", "w:sdtContent", "w:pPr", "w:rPr", "w:numPr", "w:commentRangeStart",
         "w:commentRangeEnd", "w:sym", "w:body"]


def _elements(root) -> list:
    return [el for el in root.iter() if isinstance(el.tag, str)]


def delete_element(rng, root) -> None:
    els = [el for el in _elements(root) if el.getparent() is not None]
    if els:
        el = rng.choice(els)
        el.getparent().remove(el)


def duplicate_element(rng, root) -> None:
    els = [el for el in _elements(root) if el.getparent() is not None]
    if els:
        el = rng.choice(els)
        el.addnext(copy.deepcopy(el))


def move_element(rng, root) -> None:
    els = [el for el in _elements(root) if el.getparent() is not None]
    if len(els) > 1:
        el, target = rng.sample(els, 2)
        if el not in target.iterancestors() and el is not target and target not in el.iter():
            el.getparent().remove(el)
            target.insert(rng.randint(0, len(target)), el)


def garble_attribute(rng, root) -> None:
    els = [el for el in _elements(root) if el.attrib]
    if els:
        el = rng.choice(els)
        key = rng.choice(list(el.attrib))
        if rng.random() < 0.2:
            del el.attrib[key]
        else:
            el.set(key, rng.choice(GARBAGE))


def retag_element(rng, root) -> None:
    els = [el for el in _elements(root) if el.getparent() is not None]
    if els:
        rng.choice(els).tag = qn(rng.choice(RETAG))


def wrap_element(rng, root, depth: Optional[int] = None) -> None:
    els = [el for el in _elements(root) if el.getparent() is not None]
    if not els:
        return
    el = rng.choice(els)
    for _ in range(depth or rng.randint(1, 4)):
        tag = rng.choice(REVISION_TAGS + CONTAINERS)
        wrapper = E(tag, {"w:id": rng.choice(IDS), "w:author": rng.choice(AUTHORS)})
        el.addprevious(wrapper)
        wrapper.append(el)
        el = wrapper


def deep_nesting(rng, root) -> None:
    wrap_element(rng, root, depth=rng.choice([40, 80, 120, 300]))


def insert_markup(rng, root) -> None:
    paragraphs = [el for el in root.iter(qn("w:p"))]
    bodies = [el for el in root.iter(qn("w:body"), qn("w:tc"))]
    if paragraphs and rng.random() < 0.6:
        p = rng.choice(paragraphs)
        at = rng.randint(0, len(p))
        for n, el in enumerate(inline(rng)):
            p.insert(at + n, el)
    elif bodies:
        b = rng.choice(bodies)
        b.insert(rng.randint(0, len(b)), paragraph(rng) if rng.random() < 0.8 else table(rng))


def set_text(rng, root) -> None:
    ts = [el for el in root.iter(qn("w:t"), qn("w:delText"))]
    if ts:
        rng.choice(ts).text = text(rng) * rng.choice([1, 1, 1, 50])


TREE_MUTATORS: List[Callable] = [delete_element, duplicate_element, move_element, garble_attribute, retag_element,
                                 wrap_element, deep_nesting, insert_markup, insert_markup, set_text, set_text]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def mutate_xml(rng: random.Random, data: bytes, steps: Optional[int] = None) -> bytes:
    """The part after a few tree mutations, or (sometimes) raw byte flips."""
    if rng.random() < 0.12:
        return flip_bytes(rng, data)
    try:
        root = etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:  # already broken by an earlier mutation
        return flip_bytes(rng, data)
    for _ in range(steps or rng.randint(1, 4)):
        rng.choice(TREE_MUTATORS)(rng, root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


MUTABLE_PARTS = ["word/document.xml"] * 6 + ["word/comments.xml", "word/commentsExtended.xml", "word/numbering.xml",
                                             "word/styles.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"]


def mutate_package(rng: random.Random, data: bytes) -> bytes:
    """The package with one or two of its XML parts mutated (or, rarely, dropped)."""
    parts = parts_of(data)
    for _ in range(rng.randint(1, 2)):
        name = rng.choice([n for n in MUTABLE_PARTS if parts.get(n) is not None] or ["word/document.xml"])
        if parts.get(name) is None:
            continue
        if rng.random() < 0.03:
            parts[name] = None
        else:
            parts[name] = mutate_xml(rng, parts[name])
    return repack(parts)


# ---------------------------------------------------------------------------------------------
# The checks


@dataclass
class Outcome:
    kind: str  # "ok" | "refused"
    message: str = ""


def read_or_refuse(data: bytes, name: str, views=("accept", "reject", "all")):
    """{view: Document} for a package that reads, or the refusal's message; raises Crash otherwise."""
    from policydiff.core.structure import outline
    from policydiff.docx.package import open_package_bytes
    from policydiff.docx.reader import read_package
    from policydiff.errors import PolicydiffError

    try:
        pkg = open_package_bytes(data, name)
        docs = {v: read_package(pkg, v) for v in views}
        for doc in docs.values():
            outline(doc)
    except PolicydiffError as e:
        message = str(e)
        if "\n" in message or "\r" in message or not message.startswith(name):
            raise Crash("message", AssertionError(f"not one line naming the file: {message!r}"), data)
        return None, message
    except Exception as e:  # noqa: BLE001 - the point is to catch what should never happen
        raise Crash("read", e, data) from None
    return (pkg, docs), ""


def texts(doc) -> list:
    """Non-empty paragraph texts (an empty paragraph may stay behind at a container's end)."""
    return [p.text for p in doc.paragraphs() if p.text]


def check_reader(data: bytes, seed_pkg, seed_doc, name: str = "fuzz.docx") -> Outcome:
    """Read a mutated package; if it reads, redline the seed to it and check accept/reject exactness."""
    got, message = read_or_refuse(data, name)
    if got is None:
        return Outcome("refused", message)
    pkg, docs = got
    from policydiff.core.redline import Revision, build_redline
    from policydiff.docx.package import open_package_bytes
    from policydiff.docx.reader import read_package
    from policydiff.docx.writer import write_package

    try:
        red = build_redline(seed_doc, docs["accept"], Revision("fuzz", "2009-07-01T00:00:00Z"))
        written = write_package(pkg, red, seed_pkg)
        back = open_package_bytes(written, "redline.docx")
        accepted, rejected = read_package(back, "accept"), read_package(back, "reject")
    except Exception as e:  # noqa: BLE001
        raise Crash("redline", e, data) from None
    if texts(accepted) != texts(docs["accept"]) or texts(rejected) != texts(seed_doc):
        raise Crash("exactness", AssertionError("accept/reject of the redline differ from the drafts"), data,
                    {"accept": (texts(accepted), texts(docs["accept"])), "reject": (texts(rejected), texts(seed_doc))})
    return Outcome("ok")


def check_importer(data: bytes, base, name: str = "copy.docx") -> Outcome:
    """Import a mutated reviewed copy onto ``base`` (a drafts.Version); consolidate; check reject = base."""
    got, message = read_or_refuse(data, name, views=("all",))
    if got is None:
        return Outcome("refused", message)
    _, docs = got
    from policydiff.workflows import merge
    from policydiff.core.annotations import from_review_copy
    from policydiff.core.result import Result
    from policydiff.core.groups import conflicts, duplicates
    from policydiff.docx.package import open_package_bytes
    from policydiff.docx.reader import read_package
    from policydiff.docx.writer import write_package
    from policydiff.workflows.sources import Imported

    try:
        result = from_review_copy(base.doc, docs["all"], source=name)
        assert isinstance(result, Result)
    except Exception as e:  # noqa: BLE001
        raise Crash("import", e, data) from None
    _check_segments(docs["all"], data)
    try:
        conflicts(result.value)
        duplicates(result.value)
        red = merge.consolidate(base, Imported(result.value, result.messages, ())).redline
        back = open_package_bytes(write_package(base.package, red), "merged.docx")
        rejected = read_package(back, "reject")
    except Exception as e:  # noqa: BLE001
        raise Crash("merge", e, data) from None
    if texts(rejected) != texts(base.doc):
        raise Crash("exactness", AssertionError("rejecting the consolidated copy does not give the base"), data,
                    {"reject": (texts(rejected), texts(base.doc))})
    return Outcome("ok")


def _check_segments(copy_all, data: bytes) -> None:
    """The importer's paragraphs are the rejected view's, one for one, with the same text."""
    from policydiff.core.annotations import _segments

    mine = ["".join(seg.text for seg in segs if seg.kind in ("keep", "del")) for segs in _segments(copy_all)]
    theirs = [p.text for p in copy_all.view("reject").paragraphs()]
    if mine != theirs:
        raise Crash("segments", AssertionError("importer paragraphs differ from the rejected view"), data,
                    {"importer": mine[:20], "reject": theirs[:20]})


def base_version(data: bytes, name: str, view: str = "accept"):
    """A drafts.Version of a package held in memory, read in ``view``."""
    from policydiff.workflows import drafts

    return drafts.load_bytes(data, name, view)


# ---------------------------------------------------------------------------------------------
# One fuzz input from a Random: which seed, which mutation


def reader_input(rng: random.Random, seeds: Dict[str, bytes]):
    """(seed name, mutated package bytes): mutations of a seed, or a package from the grammar."""
    if rng.random() < 0.35:
        return "grammar", generated_docx(rng)
    name = rng.choice(sorted(seeds))
    return name, mutate_package(rng, seeds[name])


def importer_input(rng: random.Random, seeds: Dict[str, bytes]):
    """(base kind, base bytes, copy bytes): a grammar copy on its own original (rejected view), a
    mutated round1 copy on v1, or a round1 copy on a mutated or later draft."""
    copies = sorted(n for n in seeds if n not in ("small.docx",) and not n.startswith("v"))
    pick = rng.random()
    if pick < 0.4 or not copies:
        data = generated_docx(rng)
        return "self", data, mutate_package(rng, data) if rng.random() < 0.5 else data
    name = rng.choice(copies)
    if pick < 0.8:
        return "v1.docx", seeds["v1.docx"], mutate_package(rng, seeds[name])
    base = rng.choice(sorted(n for n in seeds if n.startswith("v")))
    copy_data = seeds[name] if rng.random() < 0.5 else mutate_package(rng, seeds[name])
    return "other", mutate_package(rng, seeds[base]) if rng.random() < 0.7 else seeds[base], copy_data
