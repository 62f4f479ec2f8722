"""Clause references as people write them in comment forms ("ข้อ ๕ (๓)", "(3) ของข้อ 5", "5/1").

``parse_clause_ref`` turns a reference into a clause path in the format of ``Clause.path``
(``core.structure``): segments joined by "/", each ``หมวด N``, ``ส่วน N``, ``ข้อ N`` (N may be
"5/1"), ``(N)`` or ``(ก)``; digits Arabic. Only what the writer named is kept, so "ข้อ 8"
stays "ข้อ 8" even when the draft has it under หมวด 2: ``path_matches`` decides whether a
reference names a clause. A reference to the draft as a whole ("ทั้งฉบับ") is "".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional, Tuple

from ..core.labels import to_arabic

WHOLE_DOCUMENT = ""

_WHOLE_WORDS = frozenset(
    {"ทั้งฉบับ", "ภาพรวม", "ภาพรวมทั้งฉบับ", "ทั้งร่าง", "ทั่วไป", "general", "wholedocument", "overall"}
)
# Section/มาตรา (Acts) and Clause/Article name the same rank as ข้อ; the clause tree knows only ข้อ.
_KIND_WORDS = {
    "หมวด": "หมวด", "ส่วน": "ส่วน", "ข้อ": "ข้อ", "มาตรา": "ข้อ",
    "chapter": "หมวด", "ch": "หมวด", "part": "ส่วน", "pt": "ส่วน",
    "clause": "ข้อ", "cl": "ข้อ", "article": "ข้อ", "art": "ข้อ", "section": "ข้อ", "sec": "ข้อ", "§": "ข้อ",
}
_RANK = {"หมวด": 0, "ส่วน": 1, "ข้อ": 2, "(": 3}
_ORDINALS = "แรก|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|สุดท้าย|ท้าย"
_NUM = r"\d+(?:\s*/\s*\d+)?"

_TOKEN = re.compile(
    rf"""
      (?P<kind>หมวด|ส่วน|มาตรา|ข้อ(?!ย่อย))\s*(?:ที่\s*)?(?P<kn>{_NUM})
    | (?P<ekind>chapter|ch\.?|part|pt\.?|section|sec\.?|§|clause|cl\.?|article|art\.?)\s*(?P<en>{_NUM})
    | (?:(?:ข้อย่อย|อนุมาตรา|อนุ|item|sub-?clause)\s*(?:ที่\s*)?)?
      \(\s*(?P<item>\d+(?:\s*/\s*\d+)?|[ก-ฮ]{{1,2}}|[a-z])\s*\)
    | (?P<item2>\d+|[ก-ฮ])\)
    | (?P<para>วรรค\s*(?:ที่\s*)?(?:\d+|{_ORDINALS})|(?:paragraph|para\.?)\s*\d+)
    | (?P<conn>ของ|แห่ง|ใน|of(?![a-z])|in(?![a-z]))
    | (?P<sep>[\s,;:.]+|/(?!\s*\d))  # "/" before a segment: a path written out
    | (?P<bare>{_NUM})(?![\d)])
    """,
    re.X | re.I,
)
# Invisible or odd spaces that spreadsheets and Word leave in cells.
_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_SEGMENT = re.compile(r"/(?!\d)")
_DUPLICATE = re.compile(r"#\d+$")

Part = Tuple[str, str]  # (kind word, number): ("หมวด", "2"), ("ข้อ", "5/1"), ("(", "3")


def normalize_ref(text: str) -> str:
    """Return ``text`` in NFC with Arabic digits, plain spaces, single-spaced and trimmed."""
    text = to_arabic(unicodedata.normalize("NFC", text))
    return " ".join(_SPACES.sub(" ", text).split())


@lru_cache(maxsize=8192)
def parse_clause_ref(ref: str) -> Optional[str]:
    """Return the clause path ``ref`` names ("หมวด 2/ข้อ 5/(3)"), "" for the whole draft, or None."""
    text = normalize_ref(ref).rstrip(".:")
    if not text:
        return None
    if text.replace(" ", "").lower() in _WHOLE_WORDS:
        return WHOLE_DOCUMENT
    parts = _scan(text)
    if parts is None or not _well_formed(parts):
        return None
    return join_path(parts)


def _scan(text: str) -> Optional[list]:
    # Parts are grouped into segments split by ของ/แห่ง/of, which name the container last.
    segments, pos = [[]], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        part = _part(m)
        if part == "conn":
            segments.append([])
        elif part is not None:
            segments[-1].append(part)
    if len(segments) > 1:
        segments.reverse()
    parts = [p for seg in segments for p in seg]
    return sorted(parts, key=lambda p: _RANK[p[0]])  # stable: items keep their written order


def _part(m: re.Match):
    if m.group("kind"):
        return (_KIND_WORDS[m.group("kind")], _number(m.group("kn")))
    if m.group("ekind"):
        return (_KIND_WORDS[m.group("ekind").lower().rstrip(".")], _number(m.group("en")))
    item = m.group("item") or m.group("item2")
    if item:
        return ("(", _number(item) if item[0].isdigit() else item.lower())
    if m.group("bare"):
        return ("ข้อ", _number(m.group("bare")))
    if m.group("conn"):
        return "conn"
    return None  # separators and วรรค: a paragraph belongs to its clause


def _number(text: str) -> str:
    return "/".join(str(int(n)) for n in text.replace(" ", "").split("/"))


def _well_formed(parts: list) -> bool:
    kinds = [k for k, _ in parts]
    if not any(k != "(" for k in kinds):
        return False  # "(3)" alone names no clause
    if any(kinds.count(k) > 1 for k in ("หมวด", "ส่วน", "ข้อ")):
        return False  # a list or range ("ข้อ 5 ข้อ 6") is not one clause
    return "(" not in kinds or "ข้อ" in kinds


def join_path(parts) -> str:
    """Return the path string for ``parts`` ((kind, number) pairs)."""
    return "/".join(f"({n})" if k == "(" else f"{k} {n}" for k, n in parts)


def split_path(path: str) -> Tuple[Part, ...]:
    """Return a clause path's (kind, number) pairs; "ข้อ 5/1/(3/1)" → (("ข้อ", "5/1"), ("(", "3/1"))."""
    out = []
    for seg in _SEGMENT.split(path) if path else ():
        seg = _DUPLICATE.sub("", seg.strip())
        if seg.startswith("(") and seg.endswith(")"):
            out.append(("(", seg[1:-1]))
        else:
            kind, _, number = seg.partition(" ")
            out.append((_KIND_WORDS.get(kind, kind), number))
    return tuple(out)


def path_matches(ref_path: Optional[str], clause_path: str) -> bool:
    """Return True when the reference path names the clause at ``clause_path``.

    The reference's last segment must be the clause's last segment, and its other segments
    must appear, in order, among the clause's ancestors: "ข้อ 8" and "หมวด 2/ข้อ 8" both name
    "หมวด 2/ส่วน 1/ข้อ 8"; "ข้อ 8" does not name "หมวด 2/ข้อ 8/(1)".
    """
    if not ref_path:
        return ref_path == WHOLE_DOCUMENT and clause_path == WHOLE_DOCUMENT
    ref, target = split_path(ref_path), split_path(clause_path)
    if not target or ref[-1] != target[-1]:
        return False
    it = iter(target[:-1])
    return all(any(p == q for q in it) for p in ref[:-1])
