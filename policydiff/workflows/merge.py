"""The round merged: the consolidated copy (every proposal tracked on the base draft, every
comment on its words) and the committee's review (the redline base → revised draft with the
comments re-anchored on it and a suggested result for each comment and proposal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

from ..core import disposition as disp
from ..core.annotations import COMMENT, PROPOSAL, Placed, reanchor_all
from ..core.groups import conflicts, duplicates
from ..core.model import Comment
from ..core.objects import visible_offset
from ..core.outline import Outline
from ..core.overlay import CommentPlace, Edit, Note, add_comments, attribute, overlay
from ..core.redline import Redline
from ..core.structure import display_label
from .compare import redline
from .drafts import Version


@dataclass(frozen=True)
class Consolidated:
    """The consolidated copy and what went into it."""

    redline: Redline
    edits: int  # proposals written as tracked changes
    comments: int  # comments written (replies not counted)
    orphans: Tuple[str, ...]  # ids of annotations with no place in the base draft
    conflicts: tuple
    duplicates: tuple


@dataclass(frozen=True)
class Row:
    """One line of the disposition table: a comment or proposal with its result."""

    number: int
    annotation: object
    result: str
    reason: str
    status: str  # where it landed on the revised draft (anchored, moved, fuzzy, deleted, orphan)
    new_clause: str = ""  # the clause's label in the revised draft ("" where it has none)


@dataclass(frozen=True)
class Review:
    """The committee's redline with the comments on it, the table's rows, and where each
    annotation landed."""

    redline: Redline
    rows: Tuple[Row, ...]
    placed: Tuple[Placed, ...]
    orphans: Tuple[object, ...]  # comments with no place in either draft


def comment_values(a, extra: str = "") -> Tuple[Comment, ...]:
    """Word comments for an annotation: the comment, then its replies."""
    head = Comment(id=a.id, author=a.division or a.author, initials=a.initials, date=a.date,
                   text=(extra + a.text) if extra else a.text, done=a.done)
    replies = tuple(Comment(id=f"{a.id}/r{n}", author=r.author, initials=r.initials, date=r.date, text=r.text,
                            parent_id=a.id)
                    for n, r in enumerate(a.replies, 1))
    return (head,) + replies


def _conflict_note(a, first) -> str:
    """The comment a proposal becomes when another division's proposal already changes its words."""
    if (a.text, a.quote) == (first.text, first.quote):
        return f"[ข้อเสนอซ้ำ] {a.division} เสนอแก้ไขเช่นเดียวกับ {first.division}: "
    return (f"[ข้อเสนอที่ขัดกัน] {a.division} เสนอให้ใช้ถ้อยคำว่า “{a.text}” "
            f"(ต่างจากข้อเสนอของ {first.division} ที่แสดงเป็นการแก้ไข): ")


class _Consolidation:
    """The tracked edits and comments of the consolidated copy, gathered one annotation at a time."""

    def __init__(self, base: Version, annotations):
        self.loc = base.outline
        self.groups = conflicts(annotations)
        by_id = {a.id: a for a in annotations}
        self.losers = {m: by_id[g.members[0]] for g in self.groups for m in g.members[1:]}
        self.edits, self.notes, self.comments, self.taken, self.orphans = [], [], [], [], []

    def add(self, a) -> None:
        where = self.loc.para_span(a.anchor.clause, a.anchor.start, a.anchor.end) if a.anchor.clause else None
        if where is None:
            self.orphans.append(a.id)
            return
        first = self.losers.get(a.id) or self._overlapping(where, a)
        if a.kind == COMMENT or first is not None:
            self._comment(a, _conflict_note(a, first) if a.kind != COMMENT else "")
        else:
            self.edits.append(Edit(*where, a.text, a.division or a.author, a.date, a.new_paragraph))
            self.taken.append((where, a))

    def _comment(self, a, note: str) -> None:
        """The annotation as a comment (with its replies, on the same words, as Word writes them)."""
        first = len(self.comments)
        self.comments.extend(comment_values(a, note))
        spans = self.loc.para_spans(a.anchor.clause, a.anchor.start, a.anchor.end)
        self.notes.extend(Note(k, s, e, ci) for ci in range(first, len(self.comments)) for k, s, e in spans)

    def _overlapping(self, where, a):
        """The proposal already tracked on overlapping words of the same paragraph, if any."""
        k, s, e = where
        for (tk, ts, te), ta in self.taken:
            if tk != k or a.new_paragraph or ta.new_paragraph:
                continue
            if (s < te and ts < e) or (s == e == ts) or (ts == te == s):
                return ta
        return None


def consolidate(base: Version, imported, *, progress=None) -> Consolidated:
    """The base draft with every division's proposals as its tracked changes and every comment."""
    anns = imported.annotations
    work = _Consolidation(base, anns)
    for a in (progress(anns) if progress else anns):
        work.add(a)
    red = overlay(base.doc, work.edits, work.notes, tuple(work.comments))
    return Consolidated(red, len(work.edits), sum(1 for c in work.comments if not c.parent_id),
                        tuple(work.orphans), work.groups, duplicates(anns))


def committee(base: Version, new: Version, imported, *, author: str = "policydiff", date: Optional[str] = None,
              editor_dispositions: Sequence = (), progress=None) -> Review:
    """The committee's review: redline BASE → NEW, comments on NEW's words, a result for each."""
    red = redline(base, new, author=author, date=date)
    placed = tuple(reanchor_all(in_document_order(imported.annotations, base), base.clauses, new.clauses))
    decided = {d.key: d for d in editor_dispositions if d.key and d.result}
    base_loc, new_loc = base.outline, new.outline
    rows, credits, comments, spans, orphans = [], [], [], [], []
    suggestions = disp.suggest_all(placed, base.clauses, new.clauses)
    for n, (p, s) in enumerate(zip(progress(placed) if progress else placed, suggestions), 1):
        rows.append(_row(n, p, s, new, decided.get(p.annotation.id)))
        credits.extend(_credit(rows[-1], base_loc))
        if p.annotation.kind != COMMENT:
            continue
        where = _comment_place(p, base_loc, new_loc)
        if not where:
            orphans.append(p.annotation)
            continue
        first = len(comments)
        comments.extend(comment_values(p.annotation))
        spans.extend(CommentPlace(side, span, ci) for ci in range(first, len(comments)) for side, span in where)
    red = add_comments(attribute(red, credits), spans, tuple(comments))
    return Review(red, tuple(rows), placed, tuple(orphans))


def _row(n: int, p: Placed, s: disp.Suggestion, new: Version, decided) -> Row:
    """The table row of one placed annotation: the editor's result where given, else the suggestion."""
    result, reason = s.result, s.reason
    if decided is not None:
        result, reason = decided.result, decided.reason or reason
    return Row(n, p.annotation, result, reason, p.status,
               display_label(new.clauses, p.clause) if p.clause is not None else "")


def _credit(row: Row, base_loc: Outline) -> list:
    """The division's credit for an accepted proposal's words in the redline."""
    a = row.annotation
    if a.kind != PROPOSAL or row.result not in (disp.ACCEPTED, disp.PARTLY) or not a.anchor.clause:
        return []
    where = base_loc.para_span(a.anchor.clause, a.anchor.start, a.anchor.end)
    return [Edit(*where, a.text, a.division, a.date, a.new_paragraph)] if where else []


def in_document_order(annotations, base: Version) -> list:
    """Annotations in the order of the words they concern in the base draft (orphans last)."""
    order = {c.path: i for i, c in enumerate(base.clauses)}
    return sorted(annotations, key=lambda a: (order.get(a.anchor.clause, len(order)), a.anchor.start))


def _comment_place(p: Placed, base_loc: Outline, new_loc: Outline) -> list:
    """[(side "new"|"old", ParaSpan)] where a re-anchored comment goes in the redline: on the new
    draft's words, or on the deleted words of the old draft."""
    a = p.annotation
    if p.status in ("anchored", "moved", "fuzzy") and p.clause is not None:
        return [("new", w) for w in new_loc.para_spans_at(p.clause, p.start, p.end)]
    if p.status == "deleted" and a.anchor.clause:
        return [("old", w) for w in base_loc.para_spans(a.anchor.clause, a.anchor.start, a.anchor.end)]
    return []


@dataclass(frozen=True)
class Landing:
    """Where an annotation landed on a later version (for reports)."""

    status: str
    score: float
    new_label: Optional[str]  # the new clause as a reader cites it ("ข้อ ๑๗ (๓)")
    start: Optional[int]
    end: Optional[int]
    new_path: Optional[str] = None  # the new clause's full path ("หมวด 2/ข้อ 17/(3)"), None for no clause


def reanchored(base: Version, new: Version, annotations) -> Dict[str, Landing]:
    """{annotation id: Landing} for every annotation re-anchored onto ``new`` (offsets in the
    clause's text as a person reads it)."""
    out = {}
    for p in reanchor_all(annotations, base.clauses, new.clauses):
        c = new.clauses[p.clause] if p.clause is not None else None
        start, end = (visible_offset(c.text, p.start), visible_offset(c.text, p.end)) if c else (p.start, p.end)
        label = display_label(new.clauses, p.clause) if c else None
        out[p.annotation.id] = Landing(p.status, p.score, label, start, end, c.path if c else None)
    return out
