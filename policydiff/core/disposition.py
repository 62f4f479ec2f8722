"""Suggested results for the disposition table, from what the revised draft did at the place of
each proposal and comment.

A proposal is compared with the revised draft's own edits of the same base words (the word diff
of the base clause against its counterpart): the same wording → accepted; other edits of the
same words → partly accepted; the words left as they were, or changed to another division's
wording → not accepted, naming that division. A proposed paragraph (an item, a clause, a
sentence) is looked for among the new draft's clauses at its place. A comment is accepted
(worded "changed") when the revised draft changed, moved or deleted the words it is on, and
noted otherwise. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .annotations import COMMENT, Placed
from .diff import word_diff
from .labels import parse_label
from .objects import squeezed, visible
from .structure import display_label

ACCEPTED, PARTLY, NOT_ACCEPTED, NOTED = "accepted", "partly accepted", "not accepted", "noted"

REASONS = {
    "verbatim": "ร่างที่แก้ไขใช้ถ้อยคำตามที่เสนอ",
    "deleted_as_proposed": "ตัดถ้อยคำออกตามที่เสนอ",
    "added_as_proposed": "เพิ่มข้อความตามที่เสนอ",
    "unchanged": "คงถ้อยคำเดิม",
    "other_wording": "ปรับถ้อยคำเป็น “{taken}”",
    "added_in_part": "เพิ่มข้อความบางส่วน: “{taken}”",
    "winner": "รับตามข้อเสนอของ{division}",
    "orphan": "ไม่พบข้อความที่อ้างถึงในร่างที่ปรับปรุงแล้ว",
    "comment": "รับทราบความเห็น",
    "clause_deleted": "ตัด{label} ออกทั้งข้อ",
    "words_deleted": "{label} ตัดถ้อยคำที่อ้างถึงออกแล้ว",
    "words_changed": "{label} ปรับถ้อยคำแล้ว (“{old}” เป็น “{new}”)",
    "moved": "ย้าย{old_label} ไปเป็น{label} แล้ว",
}
NEARBY_CLAUSES = 6  # a proposed paragraph is looked for among this many clauses after its place
WINDOW = 20  # characters of context kept around a proposal when looking for it verbatim
QUOTE_CHARS = 160  # wording quoted in a reason


@dataclass(frozen=True)
class Suggestion:
    """A suggested result and its reason (in the committee's words)."""

    result: str
    reason: str


@dataclass(frozen=True)
class _Hunk:
    """One edit of the revised draft: base clause text [start, end) replaced by ``text``."""

    start: int
    end: int
    text: str


def _words(paragraph: str) -> str:
    """A paragraph's words without its label: a proposed "ข้อ ๑๖/๑ …" is taken as "ข้อ ๑๗ …" too."""
    label = parse_label(paragraph)
    return squeezed(label.rest if label is not None and label.rest.strip() else paragraph)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def hunks(old: str, new: str) -> Tuple[_Hunk, ...]:
    """The edits turning ``old`` into ``new`` (word diff), each as a span of ``old`` and its new text;
    an edit of objects only (a footnote reference added) changes no words and is left out."""
    out: List[_Hunk] = []
    at, cur = 0, None
    for op, chunk in word_diff(old, new):
        if op == "=":
            if cur is not None:
                out.append(_Hunk(*cur))
            at, cur = at + len(chunk), None
            continue
        cur = cur or [at, at, ""]
        if op == "-":
            at += len(chunk)
            cur[1] = at
        else:
            cur[2] += chunk
    out += [_Hunk(*cur)] if cur is not None else []
    return tuple(h for h in out if visible(old[h.start:h.end]) != visible(h.text))


def _touches(h: _Hunk, lo: int, hi: int) -> bool:
    """Does the edit change the words [lo, hi) (or, for lo == hi, insert or replace at lo)?"""
    if lo == hi:
        return (h.start == h.end == lo) or h.start < lo < h.end
    if h.start == h.end:
        return lo < h.start < hi
    return h.start < hi and lo < h.end


def region(edits: Sequence[_Hunk], start: int, end: int, edges: bool = False) -> Tuple[int, int, Tuple[_Hunk, ...]]:
    """The span [start, end) grown over the revised draft's edits that touch it, and those edits;
    ``edges``: words inserted right before or after the span count too (what a comment is on)."""
    lo, hi = start, end
    taken = [h for h in edits if edges and h.start == h.end and h.start in (start, end)]
    grown = True
    while grown:
        grown = False
        for h in edits:
            if h not in taken and _touches(h, lo, hi):
                taken.append(h)
                lo, hi, grown = min(lo, h.start), max(hi, h.end), True
    return lo, hi, tuple(sorted(taken, key=lambda h: (h.start, h.end)))


def _apply(old: str, lo: int, hi: int, edits: Sequence[_Hunk]) -> str:
    out, at = [], lo
    for h in edits:
        out.append(old[at:h.start] + h.text)
        at = h.end
    return "".join(out) + old[at:hi]


@dataclass(frozen=True)
class Outcome:
    """What the revised draft did where a proposal or comment sits in the base clause."""

    kind: str  # "verbatim" | "untouched" | "other"
    lo: int
    hi: int
    was: str  # the base words of the grown span
    now: str  # the revised draft's words for them


def carried(old: str, new: str, edits: Sequence[_Hunk], start: int, end: int, text: Optional[str]) -> Outcome:
    """Did the revised draft (``new``, with ``edits`` from ``old``) put ``text`` in place of [start, end)?

    ``text`` None: a comment, only whether the words changed.
    """
    lo, hi, touching = region(edits, start, end, edges=text is None)
    was, now = old[lo:hi], _apply(old, lo, hi, touching)
    if text is not None and (squeezed(now) == squeezed(old[lo:start] + text + old[end:hi]) and touching
                             or _window_found(old, new, start, end, text)):
        return Outcome("verbatim", lo, hi, was, now)
    return Outcome("untouched" if not touching else "other", lo, hi, was, now)


def _window_found(old: str, new: str, start: int, end: int, text: str) -> bool:
    """The proposal with its context is in the new clause, and the base words with theirs are not."""
    before, after = old[max(0, start - WINDOW):start], old[end:end + WINDOW]
    if not (before + after).strip():
        return False
    proposed, original = squeezed(before + text + after), squeezed(before + old[start:end] + after)
    return proposed != original and proposed in squeezed(new) and original not in squeezed(new)


# ---------------------------------------------------------------- the two drafts, paired


class _Revision:
    """The base and revised drafts' clauses, paired, with the revised draft's edits of each."""

    def __init__(self, old_clauses, new_clauses):
        from .align import align

        self.old, self.new = old_clauses, new_clauses
        self.index = {c.path: i for i, c in enumerate(old_clauses)}
        self.match = {m.old: m for m in align(old_clauses, new_clauses) if m.old is not None}
        self._edits: Dict[int, Tuple[_Hunk, ...]] = {}

    def counterpart(self, path: str) -> Optional[int]:
        """The new clause paired with the base clause ``path`` (None: deleted or unknown)."""
        m = self.match.get(self.index.get(path, -1))
        return m.new if m is not None else None

    def edits(self, i: int, j: int) -> Tuple[_Hunk, ...]:
        if i not in self._edits:
            self._edits[i] = hunks(self.old[i].text, self.new[j].text)
        return self._edits[i]

    def outcome(self, a, text: Optional[str]) -> Optional[Outcome]:
        """What the revised draft did at the annotation's words (None: its clause is gone)."""
        i, j = self.index.get(a.anchor.clause), self.counterpart(a.anchor.clause)
        if i is None or j is None:
            return None
        old, new = self.old[i].text, self.new[j].text
        start, end = (0, len(old)) if a.anchor.whole_clause else (a.anchor.start, a.anchor.end)
        return carried(old, new, self.edits(i, j), start, end, text)

    def label(self, path: str) -> str:
        j = self.counterpart(path)
        return display_label(self.new, j) if j is not None else self.old_label(path)

    def old_label(self, path: str) -> str:
        i = self.index.get(path)
        return display_label(self.old, i) if i is not None else path

    def moved(self, path: str) -> bool:
        m = self.match.get(self.index.get(path, -1))
        return m is not None and m.status == "moved"

    def paragraphs(self, clauses, first: Optional[int]) -> List[str]:
        """The paragraphs of ``NEARBY_CLAUSES`` clauses from ``first`` on."""
        if first is None:
            return []
        return [p for c in clauses[first:first + NEARBY_CLAUSES] for p in c.text.split("\n") if p.strip()]


# ---------------------------------------------------------------- suggestions


def suggest_all(placed: Sequence[Placed], old_clauses, new_clauses) -> Tuple[Suggestion, ...]:
    """A suggestion for each placed annotation (comments and proposals re-anchored on the new draft)."""
    rev = _Revision(old_clauses, new_clauses)
    outcomes = [None if p.annotation.kind == COMMENT or p.annotation.new_paragraph
                else rev.outcome(p.annotation, p.annotation.text) for p in placed]
    taken: Dict[str, list] = {}  # base clause path → the proposals taken word for word there
    for p, o in zip(placed, outcomes):
        if o is not None and o.kind == "verbatim":
            taken.setdefault(p.annotation.anchor.clause, []).append(p.annotation)
    return tuple(_suggest(p, o, rev, taken) for p, o in zip(placed, outcomes))


def _suggest(p: Placed, o: Optional[Outcome], rev: _Revision, taken: Dict[str, list]) -> Suggestion:
    a = p.annotation
    if a.kind == COMMENT:
        return _comment(p, rev)
    if not a.anchor.clause or a.anchor.clause not in rev.index:
        return Suggestion(NOTED, REASONS["orphan"])
    if a.new_paragraph:
        return _paragraph(a, rev)
    if o is None:
        if a.action == "delete":
            return Suggestion(ACCEPTED, REASONS["deleted_as_proposed"])
        return Suggestion(NOT_ACCEPTED, REASONS["clause_deleted"].format(label=rev.old_label(a.anchor.clause)))
    return _proposal(a, o, taken.get(a.anchor.clause, ()))


def _proposal(a, o: Outcome, taken: Sequence) -> Suggestion:
    if o.kind == "verbatim":
        return Suggestion(ACCEPTED, REASONS["deleted_as_proposed" if a.action == "delete" else "verbatim"])
    if o.kind == "untouched":
        return Suggestion(NOT_ACCEPTED, REASONS["unchanged"])
    winner = _winner(a, o, taken)
    if winner:
        return Suggestion(NOT_ACCEPTED, REASONS["winner"].format(division=winner))
    return Suggestion(PARTLY, REASONS["other_wording"].format(taken=_short(o.now)) if o.now.strip()
                      else f"ตัดถ้อยคำ “{_short(o.was)}” ออก")


def _winner(a, o: Outcome, taken: Sequence) -> str:
    """The division whose proposal on the same words the revised draft took word for word."""
    for b in taken:
        if b.division != a.division and b.anchor.start <= o.hi and o.lo <= b.anchor.end:
            return b.division
    return ""


def _paragraph(a, rev: _Revision) -> Suggestion:
    """A proposed paragraph (item, clause, sentence): is it among the new clauses at its place?"""
    lines = [line.strip() for line in a.text.split("\n") if line.strip()]
    there = {_words(t) for t in rev.paragraphs(rev.old, rev.index[a.anchor.clause])}
    fresh = [t for t in rev.paragraphs(rev.new, rev.counterpart(a.anchor.clause)) if _words(t) not in there]
    found = [line for line in lines if _words(line) in {_words(t) for t in fresh}]
    if lines and len(found) == len(lines):
        return Suggestion(ACCEPTED, REASONS["added_as_proposed"])
    similar = found or _similar(lines, fresh)
    if similar:
        return Suggestion(PARTLY, REASONS["added_in_part"].format(taken=_short(" ".join(similar))))
    return Suggestion(NOT_ACCEPTED, REASONS["unchanged"])


def _similar(lines: Sequence[str], fresh: Sequence[str], at_least: float = 0.6) -> List[str]:
    """New paragraphs that resemble a proposed one (the proposal taken in other words)."""
    from .similarity import similarity

    return [t for t in fresh if any(similarity(squeezed(t), squeezed(line)) >= at_least for line in lines)]


def _comment(p: Placed, rev: _Revision) -> Suggestion:
    """รับ with what changed where the revised draft changed the words commented on; else รับทราบ."""
    a = p.annotation
    if not a.anchor.clause or a.anchor.clause not in rev.index:
        return Suggestion(NOTED, REASONS["comment"])
    o = rev.outcome(a, None)
    if o is None:
        return Suggestion(ACCEPTED, REASONS["clause_deleted"].format(label=rev.old_label(a.anchor.clause)))
    label = rev.label(a.anchor.clause)
    if o.kind == "other":
        if not o.now.strip():
            return Suggestion(ACCEPTED, REASONS["words_deleted"].format(label=label))
        return Suggestion(ACCEPTED, REASONS["words_changed"].format(label=label, old=_short(o.was), new=_short(o.now)))
    if rev.moved(a.anchor.clause):
        return Suggestion(ACCEPTED, REASONS["moved"].format(old_label=rev.old_label(a.anchor.clause), label=label))
    return Suggestion(NOTED, REASONS["comment"])
