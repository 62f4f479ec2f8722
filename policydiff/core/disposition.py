"""Suggested results for the disposition table: was each proposal carried out in the new draft?"""

from __future__ import annotations

from typing import Optional, Tuple

from .annotations import COMMENT, Placed

ACCEPTED, PARTLY, NOT_ACCEPTED, NOTED = "accepted", "partly accepted", "not accepted", "noted"

REASONS = {
    "wording_in_new": "ถ้อยคำที่เสนอปรากฏในร่างที่ปรับปรุงแล้ว",
    "deleted_as_proposed": "ตัดถ้อยคำออกตามที่เสนอ",
    "unchanged": "คงถ้อยคำเดิมไว้",
    "changed_otherwise": "ปรับถ้อยคำในส่วนนี้แต่ไม่ตรงกับที่เสนอทั้งหมด",
    "orphan": "ไม่พบข้อความที่อ้างถึงในร่างที่ปรับปรุงแล้ว",
    "comment": "รับทราบความเห็น",
    "clause_deleted": "ตัดข้อนี้ออกจากร่างทั้งข้อ",
}


def _squeeze(text: str) -> str:
    return "".join(text.split())


def suggest(placed: Placed, new_clause_text: Optional[str]) -> Tuple[str, str]:
    """(result, reason) for one annotation re-anchored on the new draft."""
    a = placed.annotation
    if a.kind == COMMENT:
        return NOTED, REASONS["comment"]
    if placed.status == "orphan" or new_clause_text is None:
        if a.action == "delete":
            return ACCEPTED, REASONS["deleted_as_proposed"]
        return NOTED, REASONS["clause_deleted" if placed.status == "deleted" else "orphan"]
    here = new_clause_text[max(0, (placed.start or 0) - 40):(placed.end or 0) + 40 + len(a.text)]
    wording = _squeeze(a.text)
    if a.action == "delete":
        if placed.status == "deleted" or _squeeze(a.quote) not in _squeeze(here):
            return ACCEPTED, REASONS["deleted_as_proposed"]
        return NOT_ACCEPTED, REASONS["unchanged"]
    if wording and wording in _squeeze(here):
        return ACCEPTED, REASONS["wording_in_new"]
    if placed.status in ("anchored", "moved") and _squeeze(a.quote) in _squeeze(here):
        return NOT_ACCEPTED, REASONS["unchanged"]
    if a.action == "insert" and placed.status in ("anchored", "moved"):
        return NOT_ACCEPTED, REASONS["unchanged"]
    return PARTLY, REASONS["changed_otherwise"]
