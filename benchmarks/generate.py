"""Generate Thai policy drafts of any size, an edited version with its edits recorded, and reviewed copies.

    python benchmarks/generate.py --clauses 300 --out DIR [--seed 1] [--copies 20] [--flavour clean|word]

Writes into DIR:
    base.txt, edited.txt      readable sources in the format of scripts/build_example.py
    base.docx, edited.docx    built by scripts/build_example.py (TH SarabunPSK, thaiDistribute,
                              typed labels in Thai digits: ข้อ ๕, (๑), (ก); หมวด / ส่วนที่ headings)
    edits.json                the ground truth: every edit from base to edited (see ``apply_edits``)
    reviews/NN-code.docx      COPIES reviewed copies of base: Word comments and tracked proposals

Two flavours of .docx: *clean* (as build_example.py writes them: one run per paragraph, formatting
only in styles) and *word* (benchmarks/wordlike.py applied to every file: paragraphs cut into
about 4 runs each with its own Thai w:rPr, rsids and w14 paragraph ids, as Word saves a draft
after a few editing sessions; the text, and so edits.json, is the same).

A draft is made of clauses (ข้อ), about 1.7 paragraphs per clause with items, sub-items,
follow-on paragraphs (วรรคสอง), chapter and part headings and one table per 500 clauses, so
3,000 clauses give about 5,000 paragraphs. Sentences are drawn from a vocabulary of governance
phrases with a seeded ``random.Random``: the same arguments give the same bytes.

The edited version carries: one-word replacements inside long sentences (about one paragraph
in ten), phrase insertions and phrase deletions, a deleted clause, an inserted clause (later
clauses renumbered), a moved clause, a formatting-only change (a word made bold) and a table
cell edit. ``edits.json`` lists them against the base draft's paragraphs in reading order
(table cells included, as ``policydiff.docx.reader`` gives them), so that applying them to
the base texts gives the edited texts exactly, and each edit's *true* characters are known:

    replaced word A by B            len(A) + len(B)
    inserted / deleted phrase       its length
    renumbered label ข้อ N → ข้อ M   len(N) + len(M) (a number is one word; a digit-level count
                                    is kept too, as ``true_chars_digitwise``)
    deleted / inserted paragraph    its length
    moved paragraph                 old length + new length (it left one place and came to another)
    bold only                       0
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
FLAVOURS = ("clean", "word", "real")
# Generated sets are reused only when made by this very file and its Word-style rewriter (see ``ensure``).
GENERATOR_VERSION = hashlib.sha1(Path(__file__).read_bytes()
                                 + (Path(__file__).parent / "wordlike.py").read_bytes()).hexdigest()[:12]
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
THAI_LETTERS = "กขคงจฉชซฌญ"
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")

# ---------------------------------------------------------------- vocabulary
# Phrases are written word by word: "|" separates words, a space is a word of its own.
# Only words that are keys of SYNONYMS are ever replaced, so replacements are whole words.

BOARD = "คณะกรรมการส่งเสริมการบริหารทรัพยากรน้ำแห่งชาติ"
ORG = "สำนักงาน" + BOARD
POLICY = "นโยบายการกำกับดูแลองค์การที่ดีและการบริหารราชการตามหลักธรรมาภิบาล"
PREAMBLE = (
    "โดยที่พระราชกฤษฎีกาว่าด้วยหลักเกณฑ์และวิธีการบริหารกิจการบ้านเมืองที่ดี พ.ศ. ๒๕๔๖ กำหนดให้การบริหารราชการ"
    "ต้องเป็นไปเพื่อประโยชน์สุขของประชาชน เกิดผลสัมฤทธิ์ต่อภารกิจของรัฐ มีประสิทธิภาพและเกิดความคุ้มค่าในเชิงภารกิจ"
    " สมควรกำหนดนโยบายการกำกับดูแลองค์การที่ดี เพื่อเป็นแนวทางให้ผู้บริหารและผู้ปฏิบัติงานทุกระดับยึดถือปฏิบัติ",
    f"อาศัยอำนาจตามความในมาตรา ๓๒ แห่งพระราชบัญญัติระเบียบบริหารราชการแผ่นดิน พ.ศ. ๒๕๓๔ เลขาธิการ{BOARD}"
    "จึงออกประกาศไว้ ดังต่อไปนี้",
)

SUBJECTS = (
    "สำนักงาน", "ส่วนราชการ", "ผู้บริหาร", "ผู้อำนวยการ|สำนัก", "ผู้อำนวยการ|กอง", "คณะกรรมการ|บริหาร",
    "คณะอนุกรรมการ", "หัวหน้าส่วนราชการ", "ฝ่าย|เลขานุการ", "กอง|นโยบาย|และ|แผน", "กอง|คลัง",
    "กอง|การเจ้าหน้าที่", "กลุ่ม|ตรวจสอบภายใน", "ศูนย์|เทคโนโลยี|สารสนเทศ|และ|การสื่อสาร",
    "กลุ่ม|พัฒนา|ระบบ|บริหาร", "สำนัก|ประสาน|ลุ่มน้ำ", "ผู้ปฏิบัติงาน", "หน่วยงาน|ใน|สังกัด",
)
VERBS = ("จัดทำ", "ทบทวน", "ติดตาม", "ประเมิน", "เผยแพร่", "กำกับดูแล", "ส่งเสริม", "พัฒนา", "ตรวจสอบ",
         "วิเคราะห์", "จัดให้มี", "รายงาน", "ปรับปรุง", "บริหาร", "สนับสนุน")
OBJECTS = (
    "แผน|ปฏิบัติราชการ|ประจำปี", "แผน|ยุทธศาสตร์", "ระบบ|ควบคุม|ภายใน", "มาตรการ|ป้องกัน|การทุจริต",
    "คู่มือ|การปฏิบัติงาน", "ข้อมูลข่าวสาร|ของ|ทางราชการ", "ตัวชี้วัด|ผลการปฏิบัติราชการ",
    "แผน|บริหาร|ความเสี่ยง", "การใช้จ่าย|งบประมาณ", "กระบวนการ|ให้บริการ|ประชาชน",
    "ระบบ|สารสนเทศ|เพื่อ|การบริหาร", "แผน|พัฒนา|บุคลากร", "การจัดซื้อจัดจ้าง", "ผลการดำเนินงาน|ตาม|นโยบาย",
    "ช่องทาง|การรับ|เรื่องร้องเรียน", "ฐานข้อมูล|ลุ่มน้ำ", "ข้อมูล|ส่วนบุคคล", "สมรรถนะ|ของ|ผู้ปฏิบัติงาน",
    "ความพึงพอใจ|ของ|ผู้รับบริการ", "ทรัพย์สิน|ของ|ทางราชการ", "โครงการ|ลงทุน|ด้าน|แหล่งน้ำ",
    "ระบบ|บริหาร|ผลการปฏิบัติงาน", "แผน|การบริหาร|ทรัพยากรน้ำ", "มาตรฐาน|การให้บริการ",
    "ระบบ|เตือนภัย|น้ำท่วม", "แผน|รองรับ|ภาวะ|ภัยแล้ง", "การประชุม|คณะกรรมการ|ลุ่มน้ำ",
)
QUALIFIERS = (
    "ให้|สอดคล้อง|กับ|ยุทธศาสตร์ชาติ", "ให้|เป็นไป|ตาม|หลักธรรมาภิบาล", "อย่าง|ต่อเนื่อง", "อย่าง|เป็นระบบ",
    "ให้|ทัน|ต่อ|สถานการณ์", "ตาม|หลักเกณฑ์|ที่|คณะกรรมการ|กำหนด", "ให้|ครอบคลุม|ทุก|หน่วยงาน",
    "อย่าง|โปร่งใส|และ|ตรวจสอบได้", "ให้|เหมาะสม|กับ|ภารกิจ", "ตาม|ความจำเป็น|ของ|แต่ละ|พื้นที่",
)
PURPOSES = (
    "เพื่อ|ให้|การบริหาร|ราชการ|เป็นไป|อย่าง|มีประสิทธิภาพ|และ|เกิด|ความคุ้มค่า", "เพื่อ|ประโยชน์สุข|ของ|ประชาชน",
    "เพื่อ|ให้|ผู้รับบริการ|ได้รับ|ความสะดวก|และ|เป็นธรรม", "เพื่อ|ป้องกัน|ผลประโยชน์ทับซ้อน",
    "เพื่อ|ให้|ประชาชน|สามารถ|ตรวจสอบได้", "เพื่อ|ยกระดับ|คุณภาพ|การให้บริการ",
    "เพื่อ|ลด|ความเสี่ยง|ที่|อาจ|เกิดขึ้น|ต่อ|ภารกิจ|ของ|สำนักงาน", "เพื่อ|ให้|การใช้|ทรัพยากรน้ำ|เกิด|ความยั่งยืน",
)
CONCERNS = ("ความโปร่งใส", "ความคุ้มค่า", "ผลสัมฤทธิ์|ต่อ|ภารกิจ|ของ|รัฐ", "ความต้องการ|ของ|ผู้รับบริการ",
            "สิทธิ|และ|เสรีภาพ|ของ|ประชาชน", "ความปลอดภัย|ของ|ข้อมูล", "ผลกระทบ|ต่อ|สิ่งแวดล้อม")
PARTNERS = ("ผู้มีส่วนได้ส่วนเสีย", "ประชาชน", "ภาคเอกชน", "องค์กรปกครองส่วนท้องถิ่น", "ชุมชน|ใน|พื้นที่|ลุ่มน้ำ")
BOSSES = ("เลขาธิการ", "คณะกรรมการ", "ผู้บังคับบัญชา", "รองเลขาธิการ|ที่|ได้รับ|มอบหมาย")
DAYS = ("๗", "๑๕", "๓๐", "๖๐", "๙๐")
TIMES = ("๑", "๒", "๔")
PERCENTS = ("๗๐", "๗๕", "๘๐", "๘๕", "๙๐", "๙๕")
INSERTS = ("อย่าง|เป็นรูปธรรม", "ให้|ครบถ้วน|และ|ถูกต้อง", "อย่าง|สม่ำเสมอ", "ทุก|ระดับ", "ให้|แล้วเสร็จ|ตาม|กำหนด")

# One-word replacements an editor makes; two choices each so divisions can disagree. A word and
# its replacement share no two adjacent characters (``shares_bigram``), so no sensible diff can
# keep part of the word and the true edit is the whole word out and the whole word in. Numbers
# are words too.
SYNONYMS: Dict[str, Tuple[str, str]] = {
    "จัดทำ": ("ปรับปรุง", "เตรียม"), "ส่งเสริม": ("สนับสนุน", "ผลักดัน"), "ติดตาม": ("กำกับ", "สอดส่อง"),
    "เผยแพร่": ("ประกาศ", "สื่อสาร"), "ทบทวน": ("ปรับปรุง", "พิจารณา"), "พัฒนา": ("ยกระดับ", "เสริมสร้าง"),
    "ประจำปี": ("รายไตรมาส", "รายเดือน"), "ผู้บริหาร": ("หัวหน้าหน่วยงาน", "คณะทำงาน"),
    "ประชาชน": ("ผู้รับบริการ", "พลเมือง"), "ต่อเนื่อง": ("สม่ำเสมอ", "จริงจัง"), "เหมาะสม": ("สอดคล้อง", "จำเป็น"),
    "รายงาน": ("แจ้ง", "เสนอ"), "เลขาธิการ": ("ปลัดกระทรวง", "รัฐมนตรี"), "โปร่งใส": ("เป็นธรรม", "รัดกุม"),
    "ภารกิจ": ("อำนาจหน้าที่", "เป้าหมาย"), "ยั่งยืน": ("สมดุล", "ถาวร"), "ตรวจสอบ": ("ประเมิน", "ทบทวน"),
    "วิเคราะห์": ("ศึกษา", "ทบทวน"), "ชุมชน": ("ประชาคม", "เครือข่าย"),
    "๗": ("๑๐", "๑๔"), "๑๕": ("๒๐", "๔๕"), "๓๐": ("๔๕", "๖๐"), "๖๐": ("๙๐", "๑๒๐"),
    "๑": ("๒", "๓"), "๒": ("๓", "๔"), "๔": ("๖", "๑๒"), "๗๐": ("๘๐", "๗๕"), "๗๕": ("๘๐", "๗๐"), "๘๐": ("๘๕", "๙๐"),
    "๘๕": ("๙๐", "๘๐"), "๙๐": ("๙๕", "๘๕"), "๙๕": ("๙๐", "๘๐"),
}


def shares_bigram(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` have two adjacent characters in common."""
    return bool({a[i:i + 2] for i in range(len(a) - 1)} & {b[i:i + 2] for i in range(len(b) - 1)})


SYNONYMS.update({m: tuple([n for n in THAI_MONTHS[i + 1:] + THAI_MONTHS[:i] if not shares_bigram(m, n)][:2])
                 for i, m in enumerate(THAI_MONTHS)})

AREAS = ("ด้านรัฐ สังคมและสิ่งแวดล้อม", "ด้านผู้รับบริการและผู้มีส่วนได้ส่วนเสีย", "ด้านองค์การ", "ด้านผู้ปฏิบัติงาน",
         "การบริหารความเสี่ยง", "การควบคุมภายใน", "การเปิดเผยข้อมูลข่าวสาร", "การป้องกันผลประโยชน์ทับซ้อน",
         "การบริหารงบประมาณ", "การจัดซื้อจัดจ้าง", "การพัฒนาบุคลากร", "เทคโนโลยีสารสนเทศ", "การรับเรื่องร้องเรียน",
         "การติดตามและประเมินผล", "การบริหารทรัพยากรน้ำ", "ความร่วมมือกับภาคีเครือข่าย")
ASPECTS = ("", "ในส่วนกลาง", "ในส่วนภูมิภาค", "ระยะเร่งด่วน", "ระยะยาว", "สำหรับโครงการลงทุน")
INDICATORS = ("ร้อยละของโครงการที่ดำเนินการแล้วเสร็จตามแผน", "ร้อยละความพึงพอใจของผู้รับบริการ",
              "จำนวนช่องทางการเปิดเผยข้อมูลต่อสาธารณะ", "ร้อยละของเรื่องร้องเรียนที่ได้รับการแก้ไข",
              "ร้อยละของการเบิกจ่ายงบประมาณ", "จำนวนครั้งของการประชุมคณะกรรมการลุ่มน้ำ",
              "ร้อยละของบุคลากรที่ได้รับการพัฒนา", "ระดับความสำเร็จของการบริหารความเสี่ยง")

DIVISIONS = ("กองนโยบายและแผน", "กองคลัง", "กองการเจ้าหน้าที่", "กลุ่มตรวจสอบภายใน", "กลุ่มพัฒนาระบบบริหาร",
             "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร", "สำนักบริหารกลาง", "กองกฎหมาย", "สำนักประสานลุ่มน้ำภาคเหนือ",
             "สำนักประสานลุ่มน้ำภาคใต้", "สำนักประสานลุ่มน้ำภาคกลาง", "สำนักประสานลุ่มน้ำภาคตะวันออกเฉียงเหนือ",
             "กองแผนงานโครงการ", "กองวิเคราะห์ทรัพยากรน้ำ", "ศูนย์ปฏิบัติการน้ำแห่งชาติ", "กองมาตรฐานและกำกับ",
             "กลุ่มงานคุ้มครองจริยธรรม", "กองประชาสัมพันธ์", "สถาบันพัฒนาบุคลากรด้านน้ำ", "กองความร่วมมือระหว่างประเทศ")
COMMENT_TEXTS = ("ควรระบุระยะเวลาดำเนินการให้ชัดเจน", "เสนอให้กำหนดหน่วยงานรับผิดชอบหลัก",
                 "ถ้อยคำนี้อาจตีความได้หลายทาง ควรนิยามไว้ในข้อ ๓", "ควรสอดคล้องกับระเบียบกระทรวงการคลังที่แก้ไขใหม่",
                 "ขอให้พิจารณาภาระงานของหน่วยงานในส่วนภูมิภาคด้วย", "เห็นด้วยในหลักการ",
                 "ควรเพิ่มการรายงานผลต่อคณะกรรมการลุ่มน้ำ", "ขอให้ตรวจสอบความซ้ำซ้อนกับหมวดอื่น")


def words_of(phrase: str) -> List[str]:
    """The words of a vocabulary phrase: "|" separates words, each space is a word of its own."""
    return [w for w in re.split(r"\||( )", phrase) if w]


def thai_number(n: int) -> str:
    return "".join(THAI_DIGITS[int(c)] for c in str(n))


# ---------------------------------------------------------------- the draft as a model


@dataclass
class Para:
    """A paragraph as words, with an identity that survives edits, and its special positions."""

    pid: str
    words: List[str]
    ins_points: Tuple[int, ...] = ()  # word indices where a phrase may be inserted
    cut_spans: Tuple[Tuple[int, int], ...] = ()  # word ranges that may be deleted

    @property
    def text(self) -> str:
        return "".join(self.words)


@dataclass
class Item:
    para: Para
    subs: List[Para] = field(default_factory=list)


@dataclass
class Clause:
    para: Para
    items: List[Item] = field(default_factory=list)
    follow: List[Para] = field(default_factory=list)
    table: Optional[List[List[Para]]] = None  # rows of cells; the first row is the header

    def paras(self) -> List[Para]:
        out = [self.para]
        for it in self.items:
            out.append(it.para)
            out.extend(it.subs)
        out.extend(self.follow)
        return out


@dataclass
class Heading:
    kind: str  # title, center, chapter, part, preamble, dated, sign
    para: Para


@dataclass
class Rendered:
    """A draft rendered: source lines for build_example, and each paragraph in reading order."""

    lines: List[str]
    paras: List[Tuple[str, str, str, str]]  # (pid, shown text, typed label, clause key)


class _Words:
    """Builds sentences from the vocabulary, never the same body twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen = set()

    def pick(self, options) -> List[str]:
        return words_of(self.rng.choice(options))

    def unique(self, make, tries: int = 60):
        for _ in range(tries):
            words, ins, cuts = make()
            body = "".join(words)
            if body not in self.seen:
                self.seen.add(body)
                return words, ins, cuts
        raise RuntimeError("vocabulary exhausted")  # only if the banks shrink a lot

    def tail(self) -> List[str]:
        r = self.rng
        kind = r.randrange(6)
        if kind == 0:
            return words_of(f"ทั้งนี้ |ให้|รายงาน|ผล|ต่อ|{r.choice(BOSSES)}|ภายใน| |{r.choice(DAYS)}| |วัน|นับแต่|วัน|สิ้น|ปีงบประมาณ")
        if kind == 1:
            return words_of(f"ทั้งนี้ |ให้|แล้วเสร็จ|ภายใน|เดือน|{r.choice(THAI_MONTHS)}|ของ|ทุก|ปี")
        if kind == 2:
            return words_of(f"และ|ให้|ทบทวน|อย่างน้อย|ปีละ| |{r.choice(TIMES)}| |ครั้ง")
        if kind == 3:
            return words_of(f"ทั้งนี้ |ตาม|หลักเกณฑ์|และ|วิธีการ|ที่|{r.choice(BOSSES)}|ประกาศ|กำหนด")
        if kind == 4:
            return words_of(f"โดย|ให้|มี|ผลการดำเนินงาน|ไม่น้อยกว่า|ร้อยละ| |{r.choice(PERCENTS)}")
        return []

    def manner(self) -> List[str]:
        r = self.rng
        if r.random() < 0.5:
            return words_of("โดย|คำนึงถึง|" + r.choice(CONCERNS))
        return words_of("โดย|เปิดโอกาส|ให้|" + r.choice(PARTNERS) + "|มีส่วนร่วม")

    def opener(self) -> List[str]:
        r = self.rng
        s = r.choice(SUBJECTS)
        form = r.randrange(5)
        return words_of(("ให้|{s}", "{s}|ต้อง", "{s}|มีหน้าที่", "ในกรณีที่|มี|ความจำเป็น| |ให้|{s}", "{s}|จะ")[form]
                        .format(s=s))

    def action(self, sentence: List[str], ins: List[int], cuts: List[Tuple[int, int]], qualify: float) -> None:
        """Append verb, object and maybe a qualifier; note where a phrase may go in or come out."""
        sentence.extend(words_of(self.rng.choice(VERBS)))
        sentence.extend(self.pick(OBJECTS))
        ins.append(len(sentence))
        if self.rng.random() < qualify:
            start = len(sentence)
            sentence.extend(self.pick(QUALIFIERS))
            cuts.append((start, len(sentence)))

    def extra(self, sentence, cuts, part: List[str]) -> None:
        """Append `` part`` (space first) as a phrase that may be deleted."""
        if part:
            start = len(sentence)
            sentence.extend([" "] + part)
            cuts.append((start, len(sentence)))

    def clause(self, with_items: bool):
        def make():
            r = self.rng
            s, ins, cuts = self.opener(), [], []
            if with_items:
                topic = r.choice(OBJECTS)
                s.extend(words_of(r.choice(("ดำเนินการ|เกี่ยวกับ|{t}| |ดังต่อไปนี้", "ยึดถือ|แนวทาง|ปฏิบัติ|ใน|การ|{v}|{t}"
                                            "| |ดังต่อไปนี้", "มีหน้าที่|และ|อำนาจ|เกี่ยวกับ|{t}| |ดังต่อไปนี้"))
                                  .format(t=topic, v=r.choice(VERBS))))
                return s, (), ()
            self.action(s, ins, cuts, 0.6)
            if r.random() < 0.6:
                self.extra(s, cuts, self.manner())
            if r.random() < 0.7:
                self.extra(s, cuts, self.pick(PURPOSES))
            tail = self.tail()
            if tail:
                s.extend([" "] + tail)
            return s, tuple(ins), tuple(cuts)

        return self.unique(make)

    def item(self):
        def make():
            s, ins, cuts = [], [], []
            self.action(s, ins, cuts, 0.5)
            if self.rng.random() < 0.4:
                self.extra(s, cuts, self.pick(PURPOSES))
            return s, tuple(ins), tuple(cuts)

        return self.unique(make)

    def sub(self):
        def make():
            s = self.pick(OBJECTS)
            ins = (len(s),)
            cuts = []
            if self.rng.random() < 0.5:
                start = len(s)
                s.extend(self.pick(QUALIFIERS))
                cuts.append((start, len(s)))
            if self.rng.random() < 0.5:
                self.extra(s, cuts, self.manner())
            return s, ins, tuple(cuts)

        return self.unique(make)

    def follow(self):
        def make():
            r = self.rng
            if r.random() < 0.5:
                s = words_of("การดำเนินการ|ตาม|วรรคหนึ่ง| |ให้|" + r.choice(SUBJECTS))
                ins, cuts = [], []
                self.action(s, ins, cuts, 0.3)
                tail = self.tail()
                if tail:
                    s.extend([" "] + tail)
                return s, tuple(ins), tuple(cuts)
            s = words_of("ในกรณีที่|" + r.choice(SUBJECTS) + "|ไม่|อาจ|ดำเนินการ|ได้|ภายใน|กำหนด| |ให้|รายงาน|"
                         + r.choice(BOSSES) + "|ทราบ|โดย|ไม่|ชักช้า")
            return s, (), ()

        return self.unique(make)


def _para(pid: str, built) -> Para:
    words, ins, cuts = built
    return Para(pid, list(words), tuple(ins), tuple(cuts))


def _table(pid: str, rng: random.Random, rows: int) -> List[List[Para]]:
    header = [Para(f"{pid}.r0.c0", ["ตัวชี้วัด"]), Para(f"{pid}.r0.c1", words_of("ค่า|เป้าหมาย"))]
    out = [header]
    names = list(INDICATORS)
    rng.shuffle(names)
    for r in range(1, rows + 1):
        name = names[(r - 1) % len(names)] + ("" if r <= len(names) else f" ระยะที่ {thai_number(r // len(names) + 1)}")
        target = words_of(f"ไม่น้อยกว่า|ร้อยละ| |{rng.choice(PERCENTS)}")
        out.append([Para(f"{pid}.r{r}.c0", [name]), Para(f"{pid}.r{r}.c1", target)])
    return out


def build_model(n_clauses: int, seed) -> List:
    """The base draft: headings and clauses in order (a flat list), ``n_clauses`` clauses."""
    rng = random.Random(f"policydiff-bench-{seed}")
    w = _Words(rng)
    blocks: List = [
        Heading("title", Para("title1", ["ประกาศ" + ORG])),
        Heading("title", Para("title2", ["เรื่อง " + POLICY])),
        Heading("center", Para("rule", ["------------------------------------"])),
    ]
    blocks += [Heading("preamble", Para(f"pre{k}", [text])) for k, text in enumerate(PREAMBLE)]
    chapters = _chapter_sizes(n_clauses, rng)
    names = _chapter_names(len(chapters), rng)
    tables_at = set(rng.sample(range(5, n_clauses), max(1, n_clauses // 500))) if n_clauses > 5 else {n_clauses - 1}
    c = 0
    for ch, size in enumerate(chapters):
        if ch > 0:
            blocks.append(Heading("chapter", Para(f"ch{ch}", [f"หมวด {thai_number(ch)}"])))
            blocks.append(Heading("chapter", Para(f"ch{ch}.name", [names[ch]])))
        parts = _part_sizes(size, rng)
        for pn, psize in enumerate(parts):
            if len(parts) > 1:
                blocks.append(Heading("part", Para(f"ch{ch}.p{pn}", [f"ส่วนที่ {thai_number(pn + 1)}"])))
                blocks.append(Heading("part", Para(f"ch{ch}.p{pn}.name", [rng.choice(AREAS)])))
            for _ in range(psize):
                blocks.append(_clause(c, w, rng, c in tables_at))
                c += 1
    blocks.append(Heading("dated", Para("dated", ["ประกาศ ณ วันที่ ๑ เมษายน พ.ศ. ๒๕๖๗"])))
    blocks.append(Heading("sign", Para("sign1", ["(นายสมเกียรติ ธรรมรักษา)"])))
    blocks.append(Heading("sign", Para("sign2", ["เลขาธิการ" + BOARD])))
    return blocks


def _chapter_sizes(n: int, rng: random.Random) -> List:
    """Clauses per chapter; the first four general clauses come before หมวด ๑ (index 0)."""
    first = min(4, n)
    sizes, left = [first], n - first
    while left > 0:
        size = min(left, rng.randint(18, 42))
        sizes.append(size)
        left -= size
    return sizes


def _chapter_names(n: int, rng: random.Random) -> List[str]:
    combos = [f"{a} {b}".strip() for b in ASPECTS for a in AREAS]
    rng.shuffle(combos)
    return [""] + [combos[i % len(combos)] + ("" if i < len(combos) else f" (ต่อ {thai_number(i // len(combos))})")
                   for i in range(n)]


def _part_sizes(size: int, rng: random.Random) -> List[int]:
    if size < 16 or rng.random() < 0.5:
        return [size]
    k = rng.randint(2, 3)
    cuts = sorted(rng.sample(range(3, size - 2), k - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [size])]


def _clause(c: int, w: _Words, rng: random.Random, with_table: bool) -> Clause:
    pid = f"c{c}"
    roll = rng.random()
    if with_table:
        clause = Clause(_para(pid, w.clause(False)))
        clause.para.words += words_of(" |โดย|มี|ตัวชี้วัด|และ|ค่า|เป้าหมาย|ตาม|ตาราง|ท้าย|ข้อ|นี้")
        clause.table = _table(f"{pid}.t", rng, 8)
        return clause
    if roll < 0.13:
        clause = Clause(_para(pid, w.clause(True)))
        for i in range(rng.randint(2, 4)):
            item = Item(_para(f"{pid}.i{i}", w.item()))
            if rng.random() < 0.12:
                item.subs = [_para(f"{pid}.i{i}.s{s}", w.sub()) for s in range(2)]
            clause.items.append(item)
        return clause
    clause = Clause(_para(pid, w.clause(False)))
    if roll > 0.96:
        clause.follow.append(_para(f"{pid}.f0", w.follow()))
    return clause


def render(blocks, bold: Dict[str, Tuple[int, int]] = None) -> Rendered:
    """Source lines (build_example format) and paragraphs in reading order, with typed labels."""
    bold = bold or {}
    out = Rendered([], [])
    n = 0
    for b in blocks:
        if isinstance(b, Heading):
            text = b.para.text
            out.lines.append(text if b.kind == "preamble" else f"@{b.kind} {text}")
            out.paras.append((b.para.pid, text, "", ""))
            continue
        n += 1
        label = f"ข้อ {thai_number(n)}"
        _emit(out, b.para, label, label, bold)
        for i, item in enumerate(b.items, 1):
            key = f"{label} ({thai_number(i)})"
            _emit(out, item.para, f"({thai_number(i)})", key, bold)
            for s, sub in enumerate(item.subs):
                _emit(out, sub, f"({THAI_LETTERS[s]})", f"{key} ({THAI_LETTERS[s]})", bold)
        for f in b.follow:
            _emit(out, f, "", label, bold)
        for row in b.table or ():
            out.lines.append("| " + " | ".join(_marked(cell, bold) for cell in row) + " |")
            out.paras.extend((cell.pid, cell.text, "", label) for cell in row)
    return out


def _marked(p: Para, bold) -> str:
    """The paragraph's text with ``**`` around its bold words (build_example's markup)."""
    if p.pid not in bold:
        return p.text
    a, b = bold[p.pid]
    return "".join(p.words[:a]) + "**" + "".join(p.words[a:b]) + "**" + "".join(p.words[b:])


def _emit(out: Rendered, p: Para, label: str, key: str, bold) -> None:
    """Add one labelled (or follow-on) paragraph; ``key`` names its clause as build_example does."""
    body = _marked(p, bold)
    out.lines.append(f"{label} {body}" if label else body)
    out.paras.append((p.pid, f"{label} {p.text}" if label else p.text, label, key))


# ---------------------------------------------------------------- edits


@dataclass
class Plan:
    """What the edited version changes, chosen from the base model."""

    text_edits: List[dict] = field(default_factory=list)  # {pid, at (in body), old, new, kind}
    bold: Dict[str, Tuple[int, int]] = field(default_factory=dict)
    deleted: Optional[str] = None  # clause pid
    inserted_after: Optional[str] = None  # clause pid
    moved: Optional[str] = None
    moved_after: Optional[str] = None


def _clauses(blocks) -> List[Clause]:
    return [b for b in blocks if isinstance(b, Clause)]


def _single(c: Clause) -> bool:
    return not c.items and not c.follow and c.table is None


def _structural_choices(clauses: List[Clause]) -> Tuple[Clause, Clause, Clause, Clause]:
    """(moved, moved after, inserted after, deleted): single-paragraph clauses near 20%, 35%, 50%, 80%."""
    def near(frac: float, taken) -> Clause:
        start = int(len(clauses) * frac)
        for k in list(range(start, len(clauses))) + list(range(start - 1, -1, -1)):
            if _single(clauses[k]) and clauses[k].para.pid not in taken:
                return clauses[k]
        raise ValueError("the draft is too small for the structural edits")

    moved = near(0.2, ())
    after = near(0.35, {moved.para.pid})
    inserted_after = near(0.5, {moved.para.pid})
    deleted = near(0.8, {moved.para.pid, after.para.pid, inserted_after.para.pid})
    return moved, after, inserted_after, deleted


def _body_paras(clauses: List[Clause], frozen) -> List[Para]:
    return [p for c in clauses for p in c.paras() if p.pid not in frozen]


def plan_edits(blocks, seed) -> Plan:
    """Choose the edits: structural ones at fixed fractions, text edits at random paragraphs."""
    rng = random.Random(f"policydiff-bench-edits-{seed}")
    clauses = _clauses(blocks)
    moved, after, ins_after, deleted = _structural_choices(clauses)
    plan = Plan(deleted=deleted.para.pid, inserted_after=ins_after.para.pid, moved=moved.para.pid,
                moved_after=after.para.pid)
    body = _body_paras(clauses, {moved.para.pid, deleted.para.pid})
    rng.shuffle(body)
    n = len(body)
    want = {"word": max(3, round(0.10 * n)), "insert": max(1, round(0.02 * n)), "delete": max(1, round(0.01 * n))}
    for p in body:
        kind = _edit_kind(p, want)
        if kind:
            plan.text_edits.append(_text_edit(p, kind, rng))
            want[kind] -= 1
    touched = {e["pid"] for e in plan.text_edits}
    plan.bold = _bold_choice(body, touched, rng)
    table = next(c.table for c in clauses if c.table)
    plan.text_edits.append(_cell_edit(table[rng.randint(1, len(table) - 1)][1]))
    return plan


def _edit_kind(p: Para, want: dict) -> Optional[str]:
    if want["word"] > 0 and any(w in SYNONYMS for w in p.words):
        return "word"
    if want["insert"] > 0 and p.ins_points:
        return "insert"
    if want["delete"] > 0 and p.cut_spans:
        return "delete"
    return None


def _offset(words: Sequence[str], i: int) -> int:
    return sum(len(w) for w in words[:i])


def _text_edit(p: Para, kind: str, rng: random.Random) -> dict:
    """One edit of a paragraph, at a body offset: the index/end fields say which words it touches."""
    if kind == "word":
        i = rng.choice([k for k, w in enumerate(p.words) if w in SYNONYMS])
        old = p.words[i]
        return {"pid": p.pid, "kind": kind, "index": i, "end": i + 1, "old": old, "new": rng.choice(SYNONYMS[old])}
    if kind == "insert":
        i = rng.choice(p.ins_points)
        phrase = "".join(words_of(rng.choice(INSERTS)))
        return {"pid": p.pid, "kind": kind, "index": i, "end": i, "old": "", "new": phrase}
    a, b = rng.choice(p.cut_spans)
    return {"pid": p.pid, "kind": kind, "index": a, "end": b, "old": "".join(p.words[a:b]), "new": ""}


def _cell_edit(cell: Para) -> dict:
    i = len(cell.words) - 1  # the target value: "ไม่น้อยกว่าร้อยละ ๘๐" → another percentage
    old = cell.words[i]
    return {"pid": cell.pid, "kind": "cell", "index": i, "end": i + 1, "old": old, "new": SYNONYMS[old][0]}


def _bold_choice(body: List[Para], touched, rng: random.Random) -> Dict[str, Tuple[int, int]]:
    for p in body:
        if p.pid in touched:
            continue
        spots = [k for k, w in enumerate(p.words) if len(w) >= 4 and 0 < k < len(p.words) - 1]
        if spots:
            k = rng.choice(spots)
            return {p.pid: (k, k + 1)}
    raise ValueError("no paragraph to make bold")


def _all_paras(blocks) -> Dict[str, Para]:
    out = {}
    for b in blocks:
        if isinstance(b, Heading):
            out[b.para.pid] = b.para
            continue
        out.update((p.pid, p) for p in b.paras())
        out.update((cell.pid, cell) for row in b.table or () for cell in row)
    return out


def edited_model(blocks, plan: Plan, seed):
    """The edited draft: text edits applied, a clause deleted, one inserted, one moved."""
    out = copy.deepcopy(blocks)
    paras = _all_paras(out)
    for e in plan.text_edits:
        p = paras[e["pid"]]
        p.words[e["index"]:e["end"]] = [e["new"]] if e["new"] else []
    index = {b.para.pid: k for k, b in enumerate(out) if isinstance(b, Clause)}
    moved = out[index[plan.moved]]
    w = _Words(random.Random(f"policydiff-bench-new-{seed}"))
    w.seen = {p.text for p in paras.values()}
    new = Clause(_para("new0", w.clause(False)))
    # Applied from the back so that earlier indices stay valid.
    ops = sorted([(index[plan.deleted], 0, None), (index[plan.inserted_after] + 1, 1, new),
                  (index[plan.moved], 0, None), (index[plan.moved_after] + 1, 1, moved)],
                 key=lambda op: (op[0], op[1]), reverse=True)
    for at, put, what in ops:
        if put:
            out.insert(at, what)
        else:
            del out[at]
    return out


def ground_truth(blocks, base: Rendered, edited: Rendered, plan: Plan) -> List[dict]:
    """The edits against the base paragraphs (flat reading-order indices), as ``apply_edits`` applies them."""
    bidx = {pid: k for k, (pid, _, _, _) in enumerate(base.paras)}
    blabel = {pid: label for pid, _, label, _ in base.paras}
    paras = _all_paras(blocks)

    def at(pid: str, word: int) -> int:
        return (len(blabel[pid]) + 1 if blabel[pid] else 0) + _offset(paras[pid].words, word)

    edits = [{"op": "replace", "kind": e["kind"], "para": bidx[e["pid"]], "at": at(e["pid"], e["index"]),
              "old": e["old"], "new": e["new"]} for e in plan.text_edits]
    edits += [{"op": "bold", "kind": "bold", "para": bidx[pid], "at": at(pid, a), "end": at(pid, b)}
              for pid, (a, b) in sorted(plan.bold.items())]
    return sorted(edits + _structure(base, edited, plan, bidx), key=_edit_order)


def _edit_order(e: dict):
    """Base paragraph order (an insertion at the top, after no paragraph, first), then kind and offset."""
    where = e["para"] if "para" in e else e["after"]
    return (-1 if where is None else where, e["op"], e.get("at", 0))


def _structure(base: Rendered, edited: Rendered, plan: Plan, bidx) -> List[dict]:
    """Inserted, moved, deleted and renumbered paragraphs, found by comparing the two renderings."""
    out = []
    btext = {pid: text for pid, text, _, _ in base.paras}
    blabel = {pid: label for pid, _, label, _ in base.paras}
    anchor = None  # the last base paragraph kept in place, in edited order
    for pid, text, label, _ in edited.paras:
        if pid not in bidx:
            out.append({"op": "insert_para", "kind": "insert_para", "after": anchor, "new": text})
        elif pid == plan.moved:
            out.append({"op": "move_para", "kind": "move", "para": bidx[pid], "after": anchor,
                        "old": btext[pid], "new": text})
        else:
            anchor = bidx[pid]
            if label != blabel[pid]:
                cut = len("ข้อ ")
                out.append({"op": "replace", "kind": "renumber", "para": bidx[pid], "at": cut,
                            "old": blabel[pid][cut:], "new": label[cut:]})
    kept = {pid for pid, _, _, _ in edited.paras}
    out += [{"op": "delete_para", "kind": "delete_para", "para": bidx[pid], "old": text}
            for pid, text, _, _ in base.paras if pid not in kept]
    return out


def apply_edits(texts: Sequence[str], edits: Sequence[dict]) -> List[str]:
    """The edited paragraphs' texts from the base paragraphs' texts and the recorded edits."""
    texts = list(texts)
    for e in sorted((e for e in edits if e["op"] == "replace"), key=lambda e: (e["para"], e["at"]), reverse=True):
        t, a = texts[e["para"]], e["at"]
        if t[a:a + len(e["old"])] != e["old"]:
            raise ValueError(f"paragraph {e['para']}: expected {e['old']!r} at {a}, found {t[a:a + len(e['old'])]!r}")
        texts[e["para"]] = t[:a] + e["new"] + t[a + len(e["old"]):]
    gone, after = set(), {}
    for e in edits:
        if e["op"] in ("delete_para", "move_para"):
            if texts[e["para"]] != e["old"]:
                raise ValueError(f"paragraph {e['para']}: recorded text differs")
            gone.add(e["para"])
        if e["op"] in ("insert_para", "move_para"):
            after.setdefault(e["after"], []).append(e["new"])
    out = list(after.get(None, ()))
    for k, t in enumerate(texts):
        if k not in gone:
            out.append(t)
        out.extend(after.get(k, ()))
    return out


def true_chars(e: dict) -> int:
    """The characters an ideal redline marks for one recorded edit (see the module docstring)."""
    return len(e.get("old", "")) + len(e.get("new", "")) if e["op"] != "bold" else 0


def true_chars_digitwise(e: dict) -> int:
    """As ``true_chars``, but a renumbered label counts only the digits that differ (right-aligned)."""
    if e["kind"] != "renumber":
        return true_chars(e)
    old, new = e["old"][::-1], e["new"][::-1]
    return 2 * sum(a != b for a, b in zip(old, new)) + abs(len(old) - len(new))


# ---------------------------------------------------------------- reviewed copies


def _keys(base: Rendered) -> Dict[str, List[str]]:
    """Clause key (as build_example names clauses: "ข้อ ๕ (๒)") → the texts of its paragraphs."""
    out: Dict[str, List[str]] = {}
    for _, text, _, key in base.paras:
        if key:
            out.setdefault(key, []).append(text)
    return out


def _unique_in(word: str, texts: Sequence[str]) -> bool:
    return len(word) >= 2 and word.strip() == word and sum(t.count(word) for t in texts) == 1


class _Reviewer:
    """Chooses comments and proposals on the base draft for build_example's review-copy builder."""

    def __init__(self, blocks, base: Rendered, seed):
        self.paras = _all_paras(blocks)
        self.keys = _keys(base)
        self.key_of = {pid: key for pid, _, _, key in base.paras}
        self.label = {pid: label for pid, _, label, _ in base.paras}
        self.seed = seed
        rng = random.Random(f"policydiff-bench-hot-{seed}")
        cands = [pid for pid, _, _, key in base.paras if key and self._syn_words(pid)]
        self.hot = rng.sample(cands, 2)

    def _texts(self, pid: str) -> List[str]:
        return self.keys[self.key_of[pid]]

    def _syn_words(self, pid: str) -> List[str]:
        texts = self._texts(pid)
        return [w for w in self.paras[pid].words if w in SYNONYMS and _unique_in(w, texts)]

    def _quotes(self, pid: str) -> List[str]:
        texts = self._texts(pid)
        return [w for w in self.paras[pid].words if len(w) >= 3 and _unique_in(w, texts)]

    def _anchors(self, pid: str) -> List[str]:
        p, texts = self.paras[pid], self._texts(pid)
        return [p.words[i - 1] for i in p.ins_points if i > 0 and _unique_in(p.words[i - 1], texts)]

    def division(self, d: int) -> dict:
        rng = random.Random(f"policydiff-bench-review-{self.seed}-{d}")
        name = DIVISIONS[d % len(DIVISIONS)]
        if d >= len(DIVISIONS):  # more copies than named divisions: number the repeats
            name += f" {thai_number(d // len(DIVISIONS) + 1)}"
        day = 11 + d % 15
        div = {"name": name, "initials": "".join(c for c in name if "ก" <= c <= "ฮ")[:2], "code": f"div{d + 1:02d}",
               "form": "docx", "saved": f"2024-03-{day:02d}T16:{d % 60:02d}:00Z", "comments": [], "proposals": []}
        date = f"2024-03-{day:02d}T10:{d % 60:02d}:00Z"
        pool = [pid for pid in self.key_of if self.key_of[pid] and pid not in self.hot]
        picks = iter(rng.sample(pool, 40))
        for _ in range(rng.randint(2, 4)):
            self._comment(div, picks, rng, date)
        for _ in range(rng.randint(1, 2)):
            self._proposal(div, picks, rng, date)
        if d in (1, 2):  # two divisions propose different words for the same word: a conflict
            w = self._syn_words(self.hot[0])[0]
            div["proposals"].append({"clause": self.key_of[self.hot[0]], "old": w, "new": SYNONYMS[w][d - 1],
                                     "date": date})
        if d in (3, 4):  # the same comment twice: a duplicate
            div["comments"].append({"clause": self.key_of[self.hot[1]], "quote": self._quotes(self.hot[1])[0],
                                    "text": COMMENT_TEXTS[0], "date": date})
        if d % 6 == 1 and div["comments"]:
            div["comments"][0]["replies"] = [{"author": "ฝ่ายเลขานุการ", "initials": "ลข", "text": "รับไว้พิจารณา",
                                              "date": date.replace("T10", "T14")}]
        return div

    def _comment(self, div, picks, rng, date) -> None:
        for pid in picks:
            quotes = self._quotes(pid)
            if quotes:
                div["comments"].append({"clause": self.key_of[pid], "quote": rng.choice(quotes),
                                        "text": rng.choice(COMMENT_TEXTS), "date": date})
                return

    def _proposal(self, div, picks, rng, date) -> None:
        for pid in picks:
            words, anchors = self._syn_words(pid), self._anchors(pid)
            if words and (not anchors or rng.random() < 0.7):
                w = rng.choice(words)
                div["proposals"].append({"clause": self.key_of[pid], "old": w, "new": rng.choice(SYNONYMS[w]),
                                         "date": date})
                return
            if anchors:
                div["proposals"].append({"clause": self.key_of[pid], "old": "", "anchor": rng.choice(anchors),
                                         "new": "".join(words_of(rng.choice(INSERTS))), "date": date})
                return


# ---------------------------------------------------------------- files


def _builder():
    """scripts/build_example.py as a module: it turns sources like ours into .docx files."""
    spec = importlib.util.spec_from_file_location("policydiff_build_example", ROOT / "scripts" / "build_example.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _wordlike():
    """benchmarks/wordlike.py as a module (this file is also loaded by path, outside any package)."""
    name = "policydiff_bench_wordlike"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "wordlike.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _flavoured(data: bytes, flavour: str, seed) -> bytes:
    """The built .docx bytes in the asked flavour (*real* is Word-like too, its objects added in
    the sources: ``with_objects``)."""
    return _wordlike().wordlike(data, seed) if flavour in ("word", "real") else data


OBJECT_EVERY = 6  # every sixth untouched body paragraph gets a footnote, a link or a bookmark


def with_objects(base: List[str], edited: List[str]) -> Tuple[List[str], List[str]]:
    """Source lines of both drafts with what a real ministry draft has: the emblem header, a
    footer with a PAGE field, and on untouched body paragraphs footnotes citing the Gazette,
    hyperlinks and bookmarks. The edited draft replaces the emblem, edits the footer and the
    first footnote's text: changes in stories besides the body, so the body's recorded edits
    (and the quality figures) stay what they are."""
    same = set(edited)
    out_base, out_edited = ["emblem: red|gold", f"header: {POLICY}", f"footer: กลุ่มพัฒนาระบบบริหาร {ORG}"], \
        ["emblem: navy|gold", f"header: {POLICY}", f"footer: กลุ่มพัฒนาระบบบริหาร สำนักบริหารกลาง {ORG}"]
    head = base.index("---")
    out_base += base[:head + 1]
    out_edited += edited[:edited.index("---") + 1]
    attached: Dict[str, str] = {}
    k = 0
    for line in base[head + 1:]:
        anchor = _anchor(line) if line in same else None
        if anchor is not None:
            k += 1
            if k % OBJECT_EVERY == 0:
                attached[line] = _object_line(k // OBJECT_EVERY, anchor)
    first_note = next((obj for obj in attached.values() if obj.startswith("^footnote")), None)
    for lines, out, edited_side in ((base[head + 1:], out_base, False),
                                    (edited[edited.index("---") + 1:], out_edited, True)):
        for line in lines:
            out.append(line)
            if line in attached:
                obj = attached[line]
                out.append(obj + " และที่แก้ไขเพิ่มเติม" if edited_side and obj == first_note else obj)
    return out_base, out_edited


def _anchor(line: str) -> Optional[str]:
    """The last space-separated phrase of a plain body paragraph, when it occurs once in it and
    is not its label; else None."""
    if not line or line[0] in "@|#^" or "**" in line or ":" in line.split(" ", 1)[0]:
        return None
    words = line.split()
    if len(words) < 4 or line.count(words[-1]) != 1:
        return None
    return words[-1]


def _object_line(n: int, anchor: str) -> str:
    kind = n % 3
    if kind == 1:
        return f"^footnote {anchor} => ราชกิจจานุเบกษา เล่ม {thai_number(100 + n)} ตอนที่ {thai_number(n)} ก หน้า ๑"
    if kind == 2:
        return f"^link {anchor} => http://www.opdc.go.th/policy/{n}"
    return f"^bookmark clause{n}"


def _source(r: Rendered, meta: Dict[str, str]) -> str:
    head = [f"{k}: {v}" for k, v in meta.items()] + ["---"]
    return "\n".join(head + r.lines) + "\n"


BASE_META = {"title": f"ประกาศ{ORG} เรื่อง {POLICY}", "subject": "ร่างที่ ๑", "creator": "กลุ่มพัฒนาระบบบริหาร",
             "last-modified-by": "กลุ่มพัฒนาระบบบริหาร", "created": "2024-02-01T09:00:00Z",
             "modified": "2024-02-05T16:00:00Z", "revision": "3", "numbering": "typed"}
EDITED_META = dict(BASE_META, subject="ร่างที่ ๒", modified="2024-04-10T10:30:00Z", revision="7")


def _params(clauses: int, seed, copies: int, flavour: str = "clean") -> dict:
    return {"generator": GENERATOR_VERSION, "clauses": clauses, "seed": seed, "copies": copies, "flavour": flavour}


def generate(out: Path, clauses: int, seed=1, copies: int = 20, flavour: str = "clean") -> dict:
    """Write the base and edited drafts, the ground truth and the reviewed copies; return the truth."""
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {', '.join(FLAVOURS)}, not {flavour!r}")
    out = Path(out)
    (out / "reviews").mkdir(parents=True, exist_ok=True)
    blocks = build_model(clauses, seed)
    plan = plan_edits(blocks, seed)
    base = render(blocks)
    edited = render(edited_model(blocks, plan, seed), plan.bold)
    edits = ground_truth(blocks, base, edited, plan)
    if apply_edits([t for _, t, _, _ in base.paras], edits) != [t for _, t, _, _ in edited.paras]:
        raise AssertionError("recorded edits do not turn the base into the edited draft")  # a generator bug
    be = _builder()
    sources = {"base": _source(base, BASE_META).splitlines(), "edited": _source(edited, EDITED_META).splitlines()}
    if flavour == "real":
        sources["base"], sources["edited"] = with_objects(sources["base"], sources["edited"])
    for name in ("base", "edited"):
        (out / f"{name}.txt").write_text("\n".join(sources[name]) + "\n", encoding="utf-8")
        (out / f"{name}.docx").write_bytes(_flavoured(be.build_draft(out / f"{name}.txt"), flavour, seed))
    reviews = _write_reviews(out, be, blocks, base, seed, copies, flavour)
    truth = dict(_params(clauses, seed, copies, flavour), runs_per_paragraph=runs_per_paragraph(out / "base.docx"),
                 paragraphs={"base": len(base.paras), "edited": len(edited.paras)},
                 true_chars=sum(map(true_chars, edits)), true_chars_digitwise=sum(map(true_chars_digitwise, edits)),
                 counts=_tally(edits, lambda e: 1), true_by_kind=_tally(edits, true_chars), reviews=reviews,
                 edits=edits)
    (out / "edits.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def runs_per_paragraph(docx: Path) -> float:
    """Average text-carrying runs per paragraph with text in a .docx (1 for clean drafts, about 4 for word)."""
    return _wordlike().runs_per_paragraph(Path(docx).read_bytes())


def _tally(edits, value) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for e in edits:
        out[e["kind"]] = out.get(e["kind"], 0) + value(e)
    return dict(sorted(out.items()))


def _write_reviews(out: Path, be, blocks, base: Rendered, seed, copies: int, flavour: str) -> dict:
    for old in (out / "reviews").glob("*.docx"):
        old.unlink()
    v1 = be.parse_draft(out / "base.txt")
    reviewer = _Reviewer(blocks, base, seed)
    n_comments = n_proposals = 0
    files = []
    for d in range(copies):
        div = reviewer.division(d)
        copy_ = _flavoured(be.build_review_copy(v1, div), flavour, seed)
        (out / "reviews" / f"{div['code']}.docx").write_bytes(copy_)
        files.append(f"reviews/{div['code']}.docx")
        n_comments += len(div["comments"])
        n_proposals += len(div["proposals"])
    return {"files": files, "comments": n_comments, "proposals": n_proposals, "annotations": n_comments + n_proposals}


def ensure(out: Path, clauses: int, seed=1, copies: int = 20, flavour: str = "clean") -> dict:
    """The ground truth of a generated set in ``out``, generating it unless it is already there."""
    manifest = Path(out) / "edits.json"
    if manifest.exists():
        truth = json.loads(manifest.read_text(encoding="utf-8"))
        if all(truth.get(k) == v for k, v in _params(clauses, seed, copies, flavour).items()) and all(
                (Path(out) / f).exists() for f in ["base.docx", "edited.docx"] + truth["reviews"]["files"]):
            return truth
    return generate(out, clauses, seed, copies, flavour)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=30, help="number of clauses (ข้อ)")
    parser.add_argument("--seed", default="1", help="vary the vocabulary draws")
    parser.add_argument("--copies", type=int, default=20, help="reviewed copies to write")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: a new temporary folder)")
    parser.add_argument("--flavour", choices=FLAVOURS, default="clean",
                        help="clean: as build_example writes them; word: runs, run properties and rsids as Word saves")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix=f"policydiff-bench-{args.clauses}-"))
    truth = generate(out, args.clauses, args.seed, args.copies, args.flavour)
    print(f"{out}: {truth['paragraphs']['base']} paragraphs ({truth['flavour']}, {truth['runs_per_paragraph']} runs "
          f"each on average), {len(truth['edits'])} edits ({truth['true_chars']} true characters), "
          f"{truth['reviews']['annotations']} annotations in {args.copies} reviewed copies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
