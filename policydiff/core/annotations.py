"""Division comments and proposed edits as annotations anchored to clause + quote.

``from_review_copy(base, copy, ...)`` compares a division's reviewed copy (read with its
tracked changes kept, view "all") with the base draft and returns every Word comment, every
tracked change (a proposal: insert / delete / replace) and every edit made without Track
Changes (an untracked proposal), each anchored to a base clause by exact quote + context +
offsets. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .diff import word_diff
from .anchors import Anchor, anchor_span
from .offsets import OffsetMap
from .outline import Outline
from .model import INSERT, MOVE_TO, CommentMark, Document, Paragraph, Run, Table
from .pairing import pair_blocks
from .result import Result
from .tokens import word_span
from ..i18n import _

COMMENT, PROPOSAL = "comment", "proposal"
_ADDED = (INSERT, MOVE_TO)


@dataclass(frozen=True)
class Reply:
    author: str
    date: str
    text: str
    initials: str = ""


@dataclass(frozen=True)
class Annotation:
    """One comment or proposed edit from one division, anchored on the base draft."""

    id: str  # stable within a round: "<source>#<n>"
    source: str  # the file it came from
    division: str
    kind: str  # COMMENT or PROPOSAL
    clause: str  # the base clause's label as shown ("ข้อ ๕"), or its path for unlabelled parts
    anchor: Anchor  # anchor.clause is the base clause's path (its identity)
    text: str  # the comment, or the proposed wording ("" proposes deleting the quote)
    action: str = ""  # proposals: "insert" | "delete" | "replace"
    author: str = ""
    initials: str = ""
    date: str = ""
    tracked: bool = True  # False: an edit made without Track Changes
    new_paragraph: bool = False  # an insert proposal that adds a paragraph after the anchor
    replies: Tuple[Reply, ...] = ()
    done: bool = False
    type: str = ""  # general | technical | editorial (comment forms)
    late: bool = False
    row: Optional[int] = None  # comment forms: the row in the file
    note: str = ""  # a proposal's reason, where the form gives one beside the wording
    warnings: Tuple[str, ...] = field(default=(), compare=False)

    @property
    def quote(self) -> str:
        return self.anchor.exact


# ---------------------------------------------------------------- mapping copy → base

class _Base:
    """The base draft: its paragraphs, and its outline (clauses and paragraph places)."""

    def __init__(self, base: Document, outline: Optional[Outline] = None):
        self.doc = base
        self.paragraphs = base.paragraphs()
        self.outline = outline if outline is not None else Outline.of(base)
        self.clauses = self.outline.clauses


@dataclass
class _Segment:
    """A stretch of the copy's paragraph: kept, removed (del) or added (ins) text, or a mark."""

    kind: str  # "keep" | "del" | "ins" | "start" | "end"
    text: str
    at: int  # offset in the copy's original (reject-view) paragraph text
    run: Optional[Run] = None
    mark: Optional[CommentMark] = None


def _segments(copy_all: Document, warnings: Optional[List[str]] = None):
    """For each paragraph of the original copy (reject view): its segments, in order.

    Paragraphs are grouped exactly as ``Document.view("reject")`` groups them, so that segment
    list k is rejected paragraph k: a paragraph whose mark was inserted joins the next one in
    the same container (as in Word), a table or the end of a cell ends the joining, and an
    inserted table row is not there at all.
    """
    out: List[Sequence[_Segment]] = []
    _container_segments(copy_all.blocks, out, warnings if warnings is not None else [])
    return out


def _container_segments(blocks, out: List[Sequence[_Segment]], warnings: List[str]) -> None:
    cur: Optional[List[_Segment]] = None  # the paragraph being built, joined through inserted marks
    at = 0
    for b in blocks:
        if isinstance(b, Table):
            if cur is not None:
                out.append(cur)
                cur = None
            for row in b.rows:
                if row.change is not None and row.change.kind in _ADDED:
                    who = row.change.author or "?"
                    warnings.append(_("a table row inserted by {who} was left out (row insertions are not "
                                      "imported)").format(
                        who=who))
                    continue
                for cell in row.cells:
                    _container_segments(cell.blocks, out, warnings)
            continue
        if cur is None:
            if _untouched(b):  # most paragraphs of a copy: one kept stretch, nothing to import
                out.append((_Segment("keep", b.text, 0),) if b.runs else ())
                continue
            cur, at = [], 0
        at = _paragraph_segments(b, cur, at)
        if b.mark_change is not None and b.mark_change.kind in _ADDED:
            cur.append(_Segment("ins", "\n", at, run=Run("\n", change=b.mark_change)))
            continue
        out.append(cur)
        cur = None
    if cur is not None:
        out.append(cur)


def _untouched(p: Paragraph) -> bool:
    """No tracked change and no comment mark in the paragraph."""
    return not p.tracked and len(p.text_runs) == len(p.runs)


def _paragraph_segments(p: Paragraph, cur: List[_Segment], at: int) -> int:
    """Append ``p``'s runs and comment marks to ``cur``; return the offset after them."""
    if _untouched(p):  # its text is one kept stretch
        if p.runs:
            cur.append(_Segment("keep", p.text, at))
        return at + len(p.text)
    for r in p.runs:
        if isinstance(r, CommentMark):
            cur.append(_Segment(r.kind, "", at, mark=r))
        elif r.change is not None and r.change.kind in _ADDED:
            cur.append(_Segment("ins", r.text, at, run=r))
        elif r.change is not None:
            cur.append(_Segment("del", r.text, at, run=r))
            at += len(r.text)
        else:
            cur.append(_Segment("keep", r.text, at, run=r))
            at += len(r.text)
    return at


# ---------------------------------------------------------------- the importer

class _Importer:
    def __init__(self, base: "_Base", copy_all: Document, source: str, division: str):
        self.base = base
        self.copy_all = copy_all
        self.source = source
        self.division = division
        self.out: List[Annotation] = []
        self.warnings: List[str] = []
        rejected = copy_all.view("reject").paragraphs()
        self.rejected = rejected
        self.pairs = {i: j for i, j in pair_blocks(rejected, self.base.paragraphs)
                      if i is not None and j is not None}
        self.maps: Dict[int, OffsetMap] = {}

    def _to_base(self, para: int, start: int, end: int):
        """A span of copy paragraph ``para`` (reject view) as (clause, start, end) in the base."""
        j = self.pairs.get(para)
        if j is None:
            return None
        if para not in self.maps:
            self.maps[para] = OffsetMap.between(self.rejected[para].text, self.base.paragraphs[j].text)
        return self.base.outline.clause_span(j, *self.maps[para].span(start, end))

    def _anchor(self, para: int, start: int, end: int, words: bool = False) -> Optional[Tuple[str, Anchor]]:
        """The anchor of a span of copy paragraph ``para``; ``words``: widened to whole words (comments)."""
        span = self._to_base(para, start, end)
        if span is None:
            return None
        ci, a, b = span
        clause = self.base.clauses[ci]
        if words:
            a, b = word_span(clause.text, a, b)
        return self.base.outline.clause_name(ci), anchor_span(clause.path, clause.text, a, b)

    def _add(self, kind: str, located, text: str, **kw) -> None:
        name, anchor = located
        self.out.append(Annotation(id=f"{self.source}#{len(self.out) + 1}", source=self.source,
                                   division=self.division, kind=kind, clause=name, anchor=anchor, text=text, **kw))

    def run(self) -> Result[Tuple[Annotation, ...]]:
        segs = _segments(self.copy_all, self.warnings)
        self._comments(segs)
        for para, segments in enumerate(segs):
            self._proposals(para, segments)
        self._untracked()
        return Result(tuple(self.out), tuple(self.warnings))

    # -- comments
    def _comments(self, segs) -> None:
        starts, ends = {}, {}
        for para, segments in enumerate(segs):
            for s in segments:
                if s.kind == "start":
                    starts.setdefault(s.mark.id, (para, s.at))
                elif s.kind == "end":
                    ends.setdefault(s.mark.id, (para, s.at))
        top = _top_level(self.copy_all.comments)
        replies: Dict[str, List[Reply]] = {}
        for c in self.copy_all.comments:
            if c.parent_id in top and c.parent_id != c.id:
                replies.setdefault(c.parent_id, []).append(Reply(c.author, c.date, c.text, c.initials))
        placed = set()
        for c in self.copy_all.comments:
            if c.parent_id in top and c.parent_id != c.id:
                continue
            # A repeated id (a hostile or broken file): its marks belong to the first comment only.
            located = None if c.id in placed else self._comment_span(c.id, starts, ends)
            if located is None:
                self.warnings.append(_("comment {id} by {author} has no place in the draft; kept as an "
                                       "orphan").format(
                    id=c.id, author=c.author or '?'))
                located = ("", Anchor("", "", start=0, end=0))
            self._add(COMMENT, located, c.text, author=c.author, initials=c.initials, date=c.date,
                      replies=tuple(replies.get(c.id, ())) if c.id not in placed else (), done=c.done)
            placed.add(c.id)

    def _comment_span(self, cid: str, starts, ends):
        if cid not in starts and cid not in ends:
            return None
        if cid not in ends:
            self.warnings.append(_("comment {id}: its range never ends; anchored to the end of its paragraph").format(
                id=cid))
            para, at = starts[cid]
            end = len(self.rejected[para].text) if para < len(self.rejected) else at
            return self._anchor(para, at, end, words=True)
        if cid not in starts:
            para, at = ends[cid]
            return self._anchor(para, 0, at, words=True)
        (p1, a), (p2, b) = starts[cid], ends[cid]
        if p1 != p2:
            # A range over several paragraphs: anchor to the first paragraph's part of it.
            return self._anchor(p1, a, len(self.rejected[p1].text) if p1 < len(self.rejected) else a, words=True)
        return self._anchor(p1, a, max(a, b), words=True)

    # -- tracked changes
    def _proposals(self, para: int, segments: Sequence[_Segment]) -> None:
        if len(segments) < 2 and not any(s.kind in ("ins", "del") for s in segments):
            return
        group: List[_Segment] = []
        for s in list(segments) + [_Segment("keep", "", -1)]:
            if s.kind in ("ins", "del") and (not group or _same_change(group[-1], s)):
                group.append(s)
                continue
            if group:
                self._proposal(para, group)
                group = []
            if s.kind in ("ins", "del"):
                group.append(s)

    def _proposal(self, para: int, group: Sequence[_Segment]) -> None:
        old = "".join(s.text for s in group if s.kind == "del")
        new = "".join(s.text for s in group if s.kind == "ins")
        start = group[0].at
        # A whole paragraph proposed: Word marks either the new paragraph's own mark or the
        # mark before it as inserted, so the inserted text ends or starts with the break.
        whole_para = not old and (new.startswith("\n") or new.endswith("\n"))
        new_text = new.strip("\n") if whole_para else new
        if not old and not new_text:
            return  # only an inserted paragraph mark (before a table, or at the end): nothing proposed
        change = group[0].run.change
        if whole_para and not new.startswith("\n"):
            located = self._anchor_before(para, start)
        else:
            located = self._anchor(para, start, start + len(old))
        if located is None:
            self.warnings.append(_("a tracked change by {author} could not be placed in the base draft").format(
                author=change.author or '?'))
            return
        action = "replace" if old and new_text else ("delete" if old else "insert")
        self._add(PROPOSAL, located, new_text, action=action, author=change.author, date=change.date,
                  new_paragraph=whole_para)

    def _anchor_before(self, para: int, at: int):
        # A paragraph inserted before paragraph ``para``: anchor at the end of the paragraph before.
        if at == 0 and 0 < para <= len(self.rejected):
            prev = para - 1
            return self._anchor(prev, len(self.rejected[prev].text), len(self.rejected[prev].text))
        return self._anchor(para, at, at)

    # -- edits without Track Changes
    def _untracked(self) -> None:
        for i, j in self.pairs.items():  # in document order: pair_blocks pairs monotonically
            old, new = self.base.paragraphs[j].text, self.rejected[i].text
            if old == new:
                continue
            a = 0
            ops = word_diff(old, new)
            k = 0
            while k < len(ops):
                op, text = ops[k]
                if op == "=":
                    a += len(text)
                    k += 1
                    continue
                removed = added = ""
                while k < len(ops) and ops[k][0] != "=":
                    if ops[k][0] == "-":
                        removed += ops[k][1]
                    else:
                        added += ops[k][1]
                    k += 1
                span = self.base.outline.clause_span(j, a, a + len(removed))
                if span is not None:
                    ci, s, e = span
                    clause = self.base.clauses[ci]
                    action = "replace" if removed and added else ("delete" if removed else "insert")
                    self._add(PROPOSAL, (self.base.outline.clause_name(ci), anchor_span(clause.path, clause.text, s, e)),
                              added, action=action, author=self.division, tracked=False)
                a += len(removed)
        for i in range(len(self.rejected)):
            if i not in self.pairs and self.rejected[i].text.strip():
                self.warnings.append(_("paragraph {number} of the copy is not in the base draft and carries no "
                                       "tracked change; left out").format(
                    number=i + 1))


def _top_level(comments) -> set:
    """Ids of the comments that are not replies (a reply's parent is one of these, as in Word)."""
    ids = {c.id for c in comments}
    return {c.id for c in comments if not c.parent_id or c.parent_id == c.id or c.parent_id not in ids}


def _same_change(a: _Segment, b: _Segment) -> bool:
    ca, cb = a.run.change, b.run.change
    return (ca.author, ca.date[:10]) == (cb.author, cb.date[:10])


def from_review_copy(base: Document, copy_all: Document, *, source: str, division: str = "",
                     index: Optional[_Base] = None) -> Result[Tuple[Annotation, ...]]:
    """Every comment and proposed edit in a division's reviewed copy, anchored on ``base``.

    ``index`` (``base_index(base)``) spares recomputing the base's clause tree for every copy.
    """
    division = division or _division_of(copy_all) or source
    return _Importer(index if index is not None else _Base(base), copy_all, source, division).run()


def base_index(base: Document, outline: Optional[Outline] = None) -> _Base:
    """The base draft's clauses and paragraph places, computed once for a round's copies
    (``outline``: the base's ``Outline`` when the caller already has it)."""
    return _Base(base, outline)


def _division_of(copy_all: Document) -> str:
    authors = [c.author for c in copy_all.comments if c.author]
    for p in copy_all.paragraphs():
        for r in p.text_runs:
            if r.change is not None and r.change.author:
                authors.append(r.change.author)
    return max(set(authors), key=authors.count) if authors else ""


# ---------------------------------------------------------------- re-anchoring

@dataclass(frozen=True)
class Placed:
    """An annotation re-anchored onto a later version."""

    annotation: Annotation
    status: str  # anchored | moved | fuzzy | deleted | orphan
    clause: Optional[int]  # index of the new clause, None for an orphan
    start: Optional[int]
    end: Optional[int]
    score: float = 1.0


def reanchor_all(annotations: Sequence[Annotation], old_clauses, new_clauses) -> Tuple[Placed, ...]:
    """Place every annotation on the new version's clauses (orphans included, never dropped)."""
    from .align import align
    from .anchors import DELETED, ORPHAN, reanchor

    matches = align(old_clauses, new_clauses)
    by_path = {old_clauses[m.old].path: m for m in matches if m.old is not None}
    index = {c.path: i for i, c in enumerate(new_clauses)}
    scripts = {}  # one diff per clause pair, however many annotations sit on it
    out = []
    for a in annotations:
        m = by_path.get(a.anchor.clause)
        if m is not None and m.new is not None:
            oc, nc = old_clauses[m.old], new_clauses[m.new]
            if (m.old, m.new) not in scripts:
                scripts[m.old, m.new] = word_diff(oc.text, nc.text)
            placement = reanchor(a.anchor, nc.path, nc.text, scripts[m.old, m.new],
                                 moved=m.status == "moved", renumbered=m.renumbered)
        else:
            placement = _search_everywhere(a, new_clauses, reanchor)
            if placement.status == ORPHAN and m is not None:
                # The whole clause was deleted: the annotation sits on deleted text.
                out.append(Placed(a, DELETED, None, None, None, 1.0))
                continue
        ci = index.get(placement.clause) if placement.clause else None
        if placement.status == ORPHAN or ci is None:
            out.append(Placed(a, ORPHAN, None, None, None, placement.score or 0.0))
            continue
        start, end = placement.start, placement.end
        if a.kind == COMMENT:  # a comment covers whole words of the new draft, as of the base
            start, end = word_span(new_clauses[ci].text, start, end)
        out.append(Placed(a, placement.status, ci, start, end, placement.score))
    return tuple(out)


def _search_everywhere(a: Annotation, new_clauses, reanchor):
    # The clause is gone (deleted, or never found): look for the exact quote in other clauses.
    # Only exact hits count: across thousands of clauses a fuzzy match is too often chance.
    from .anchors import ORPHAN, Placement

    best = Placement(ORPHAN, None, None, 0.0, None)
    if not a.anchor.exact.strip() or a.anchor.whole_clause:
        return best
    for c in new_clauses:
        if a.anchor.exact in c.text:
            p = reanchor(a.anchor, c.path, c.text, None)
            if p.status != ORPHAN and p.score > best.score:
                best = p
    return best
