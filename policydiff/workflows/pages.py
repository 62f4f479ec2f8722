"""The committee package's own pages, in the committee's words: the cover before the redline
and the disposition table (ตารางสรุปผลการพิจารณาความเห็น) after it."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import List, Sequence

from ..core.labels import to_thai
from ..core.redline import Redline
from ..core.tokens import tokenize
from ..docx import committee as xml
from ..forms.dispositions import Disposition
from .drafts import Version, be_date, draft_name
from .merge import Review, Row

RESULT_TH = {"accepted": "รับ", "partly accepted": "รับบางส่วน", "not accepted": "ไม่รับ", "noted": "รับทราบ", "": ""}
TABLE_HEAD = ("ลำดับ", "หน่วยงาน", "ข้อ", "ความเห็น / ข้อเสนอ", "ผลการพิจารณา", "เหตุผล")
TABLE_WIDTHS = (950, 2000, 2150, 4600, 1400, 2400)  # twentieths of a point, landscape A4


def _quote(text: str, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _cover_lines(base: Version, new: Version, round_from: str, round_to: str, titles: tuple) -> list:
    return [("ร่างเดิม", draft_name(base, titles[0])), ("ร่างที่แก้ไข", draft_name(new, titles[1])),
            ("ช่วงเวลารับฟังความเห็น", f"{be_date(round_from)} ถึง {be_date(round_to)}" if round_from or round_to
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


CONTEXT_CHARS = 24  # words before an insertion quoted in the table


def _context(text: str, before: bool) -> str:
    """Whole words of ``text`` nearest the insertion (its end when ``before``), about CONTEXT_CHARS long."""
    words = tokenize(" ".join(text.split()))
    words = words[::-1] if before else words
    kept = []
    for w in words:
        if sum(map(len, kept)) + len(w) > CONTEXT_CHARS and "".join(kept).strip():
            break
        kept.append(w)
    shown = "".join(kept[::-1] if before else kept).strip()
    cut = len(kept) < len(words)
    return ("…" + shown if before else shown + "…") if cut else shown


def _where_added(a) -> str:
    if a.anchor.prefix.strip():
        return f"ต่อจาก “{_context(a.anchor.prefix, True)}”"
    return f"ก่อน “{_context(a.anchor.suffix, False)}”" if a.anchor.suffix.strip() else f"ใน{a.clause}"


def describe(a) -> str:
    """What a comment or proposal says, readable without the draft at hand (the table's text)."""
    if a.kind != "proposal":
        quoted = a.quote.strip() and not a.anchor.whole_clause
        text = _quote(a.text, 600) + (f" (ข้อความที่อ้างถึง: “{_quote(a.quote, 120)}”)" if quoted else "")
    elif a.new_paragraph:
        text = f"เพิ่มข้อความต่อจาก{a.clause}: “{_quote(a.text, 600)}”"
    elif a.action == "delete":
        text = f"ตัด “{_quote(a.quote, 300)}”"
    elif a.action == "insert":
        text = f"เพิ่ม “{_quote(a.text, 600)}” {_where_added(a)}"
    else:
        text = f"แก้ “{_quote(a.quote, 300)}” เป็น “{_quote(a.text, 600)}”"
    late = "[ส่งเกินกำหนด] " if a.late else ""
    return late + text + (f" เหตุผล: {_quote(a.note, 400)}" if a.note else "")


def clause_cell(r: Row) -> str:
    """The clause as the base draft numbers it, and as the revised draft does where that differs."""
    old = r.annotation.clause or "-"
    return f"{old} → {r.new_clause}" if r.new_clause and r.new_clause != old else old


def _table_row(r: Row) -> tuple:
    a = r.annotation
    clause = " → ".join(label.replace(" ", "\u00a0") for label in clause_cell(r).split(" → "))  # wrap at →
    return (to_thai(str(r.number)), a.division, clause, describe(a), RESULT_TH.get(r.result, r.result), r.reason)


def package_blocks(review: Review, base: Version, new: Version, *, round_from: str, round_to: str,
                   counts: dict, titles: tuple = ("", "")) -> Redline:
    """The review's redline with the cover page before it and the disposition table after it
    (``titles``: the old and new drafts' names given by the editor, "" for the usual ones)."""
    sect = xml.section_break(xml.body_section(new.package))
    title = new.doc.meta.title or (new.clauses[0].text.replace("\n", " ") if new.clauses else "ร่างนโยบาย")
    cover = xml.cover(title, _cover_lines(base, new, round_from, round_to, titles), _summary(review.rows, counts), sect)
    table = xml.table(TABLE_HEAD, [_table_row(r) for r in review.rows], TABLE_WIDTHS)
    orphan_lines = [f"{a.division} ({a.clause or 'ไม่ระบุข้อ'}): {_quote(a.text)}" for a in review.orphans]
    appendix = [xml.para("", sect=sect)] + xml.appendix("ตารางสรุปผลการพิจารณาความเห็น", table, orphan_lines,
                                                        sect_first=True)
    red = review.redline
    return replace(red, blocks=tuple(cover) + tuple(red.blocks) + tuple(appendix), landscape_tail=True)


def disposition_rows(rows: Sequence[Row]) -> list:
    """The table's rows as Disposition values (for --write-dispositions)."""
    return [Disposition(number=r.number, division=r.annotation.division, clause=clause_cell(r),
                        kind=r.annotation.kind, text=describe(r.annotation), result=r.result, reason=r.reason,
                        key=r.annotation.id) for r in rows]


def committee_html(review: Review, base: Version, new: Version, *, round_from: str, round_to: str,
                   counts: dict, titles: tuple = ("", "")) -> str:
    """The committee package as one web page: the cover's facts, the redline with each comment
    in a side column next to its words (with its suggested result), then the disposition table."""
    from ..html import page
    from .web import comment_cards, redline_html

    title = new.doc.meta.title or (new.clauses[0].text.replace("\n", " ") if new.clauses else "ร่างนโยบาย")
    cover = page.facts(_cover_lines(base, new, round_from, round_to, titles)) + "".join(
        f"<p>{page.esc(line)}</p>" for line in _summary(review.rows, counts))
    table = page.table(TABLE_HEAD, [_table_row(r) for r in review.rows], "dispositions")
    orphans = "".join("<li>" + page.esc(f"{a.division} ({a.clause or 'ไม่ระบุข้อ'}): {_quote(a.text)}") + "</li>"
                      for a in review.orphans)
    after = (f'<section id="ตารางสรุปผล"><h2>ตารางสรุปผลการพิจารณาความเห็น</h2>{table}'
             + (f"<h3>ความเห็นที่ไม่พบตำแหน่งในร่าง</h3><ul>{orphans}</ul>" if orphans else "") + "</section>\n")
    return redline_html(base, new, review.redline, title=title, cards=comment_cards(review.redline, review.rows),
                        before=cover, after=after)
