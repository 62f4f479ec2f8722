"""The committee package's own pages, in the committee's words: the cover before the redline
and the disposition table (ตารางสรุปผลการพิจารณาความเห็น) after it."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import List, Sequence

from ..core.labels import to_thai
from ..core.redline import Redline
from ..docx import committee as xml
from ..forms.dispositions import Disposition
from ..thaidate import to_be_long
from .drafts import Version
from .merge import Review, Row

RESULT_TH = {"accepted": "รับ", "partly accepted": "รับบางส่วน", "not accepted": "ไม่รับ", "noted": "รับทราบ", "": ""}
KIND_TH = {"comment": "ความเห็น", "proposal": "ข้อเสนอแก้ไข"}
TABLE_HEAD = ("ลำดับ", "หน่วยงาน", "ข้อ", "ความเห็น / ข้อเสนอ", "ผลการพิจารณา", "เหตุผล")
TABLE_WIDTHS = (950, 2250, 1500, 5200, 1400, 2200)  # twentieths of a point, landscape A4


def _be(date: str) -> str:
    try:
        return to_be_long(date[:10]) if date else "ไม่ระบุ"
    except ValueError:
        return date


def _quote(text: str, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _draft_line(v: Version) -> str:
    return f"{Path(v.path).name} ({_be(v.doc.meta.modified or v.doc.meta.created)})"


def _cover_lines(base: Version, new: Version, round_from: str, round_to: str) -> list:
    return [("ร่างเดิม", _draft_line(base)), ("ร่างที่แก้ไข", _draft_line(new)),
            ("ช่วงเวลารับฟังความเห็น", f"{_be(round_from)} ถึง {_be(round_to)}" if round_from or round_to
             else "ไม่ระบุ")]


def _summary(rows: Sequence[Row], counts: dict) -> List[str]:
    per_division = Counter(r.annotation.division for r in rows)
    results = Counter(r.result for r in rows)
    return [to_thai(line) for line in (
        f"ข้อที่แก้ไขถ้อยคำ {counts['edited']} ข้อ, เพิ่มใหม่ {counts['inserted']} ข้อ, ตัดออก {counts['deleted']} ข้อ, "
        f"ย้ายตำแหน่ง {counts['moved']} ข้อ, เปลี่ยนเลขข้อ {counts['renumbered']} ข้อ",
        "ความเห็นและข้อเสนอแยกตามหน่วยงาน: "
        + (", ".join(f"{d} {n} รายการ" for d, n in sorted(per_division.items())) or "ไม่มี"),
        "ผลการพิจารณา: " + (", ".join(f"{RESULT_TH.get(r, r)} {n} รายการ" for r, n in sorted(results.items()))
                            or "ไม่มี"),
    )]


def _what(a) -> str:
    """The table's "comment / proposal" cell of one annotation."""
    return (f"{KIND_TH[a.kind]}: {_quote(a.text, 600)}"
            + (f" (ข้อความเดิม: “{_quote(a.quote, 120)}”)" if a.quote and a.kind == "proposal" else "")
            + (f" เหตุผล: {_quote(a.note, 400)}" if a.note else ""))


def _table_row(r: Row) -> tuple:
    a = r.annotation
    return (to_thai(str(r.number)), a.division, a.clause or "-", _what(a), RESULT_TH.get(r.result, r.result), r.reason)


def package_blocks(review: Review, base: Version, new: Version, *, round_from: str, round_to: str,
                   counts: dict) -> Redline:
    """The review's redline with the cover page before it and the disposition table after it."""
    sect = xml.section_break(xml.body_section(new.package))
    title = new.doc.meta.title or (new.clauses[0].text if new.clauses else "ร่างนโยบาย")
    cover = xml.cover(title, _cover_lines(base, new, round_from, round_to), _summary(review.rows, counts), sect)
    table = xml.table(TABLE_HEAD, [_table_row(r) for r in review.rows], TABLE_WIDTHS)
    orphan_lines = [f"{a.division} ({a.clause or 'ไม่ระบุข้อ'}): {_quote(a.text)}" for a in review.orphans]
    appendix = [xml.para("", sect=sect)] + xml.appendix("ตารางสรุปผลการพิจารณาความเห็น", table, orphan_lines,
                                                        sect_first=True)
    red = review.redline
    return replace(red, blocks=tuple(cover) + tuple(red.blocks) + tuple(appendix), landscape_tail=True)


def disposition_rows(rows: Sequence[Row]) -> list:
    """The table's rows as Disposition values (for --write-dispositions)."""
    return [Disposition(number=r.number, division=r.annotation.division, clause=r.annotation.clause,
                        kind=r.annotation.kind, text=r.annotation.text, result=r.result, reason=r.reason,
                        key=r.annotation.id) for r in rows]
