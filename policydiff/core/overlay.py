"""Annotations laid onto a document: proposals as tracked changes, comments on their words.

``locate`` turns an anchor (clause path + offsets in the clause text) into a paragraph and
offsets in its text; ``overlay`` writes the base draft with each division's proposed edits
as tracked changes in that division's name (the consolidated copy); ``to_combined`` maps
offsets in a redline paragraph's old or new text to offsets over all its pieces, where the
writer puts comment ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Tuple

from .labels import parse_label
from .model import Document, Paragraph, Run, Table
from .redline import (
    DEL, INS, KEEP, MOVE_FROM, MOVE_TO, CommentSpan, Piece, RCell, Redline, RPara, RRow, RTable, merge_pieces,
    slice_spans, run_spans, fix_marks,
)

OLD_SIDE = (KEEP, DEL, MOVE_FROM)
NEW_SIDE = (KEEP, INS, MOVE_TO)


class Locator:
    """Paragraph positions of clause-text offsets, for one document's outline."""

    def __init__(self, clauses, places):
        self.index = {c.path: i for i, c in enumerate(clauses)}
        self.by_clause: Dict[int, List[Tuple[int, object]]] = {}
        for k, place in enumerate(places):
            if place is not None:
                self.by_clause.setdefault(place.clause, []).append((k, place))

    def locate(self, clause_path: str, start: int, end: int) -> Optional[Tuple[int, int, int]]:
        """(paragraph, start, end) in that paragraph's text; a span over paragraphs is cut at the first."""
        ci = self.index.get(clause_path)
        return None if ci is None else self.locate_index(ci, start, end)

    def locate_index(self, ci: int, start: int, end: int) -> Optional[Tuple[int, int, int]]:
        paras = self.by_clause.get(ci, [])
        for k, place in paras:
            if start < place.hi or (start == place.hi and start == end):
                a = max(start, place.lo) - place.start
                b = max(min(end, place.hi) - place.start, a)
                return k, a, b
        if paras:
            k, place = paras[-1]
            return k, place.hi - place.start, place.hi - place.start
        return None

    def spans(self, clause_path: str, start: int, end: int) -> List[Tuple[int, Optional[int], Optional[int]]]:
        """(paragraph, start, end) for each paragraph a span covers; None where it runs on."""
        ci = self.index.get(clause_path)
        return [] if ci is None else self.spans_index(ci, start, end)

    def spans_index(self, ci: int, start: int, end: int) -> List[Tuple[int, Optional[int], Optional[int]]]:
        first = self.locate_index(ci, start, end)
        if first is None:
            return []
        covered = [(k, place) for k, place in self.by_clause.get(ci, []) if place.lo < end and place.hi > start
                   and k > first[0]]
        if not covered:
            return [first]
        out = [(first[0], first[1], None)]
        out.extend((k, None, None) for k, _ in covered[:-1])
        k, place = covered[-1]
        out.append((k, None, min(end, place.hi) - place.start))
        return out


def to_combined(pieces: Sequence[Piece], offset: int, side: Tuple[str, ...], at_end: bool = False) -> int:
    """Offset over all pieces of the character at ``offset`` of the old or new text (``side``)."""
    pos = seen = 0
    for p in pieces:
        n = len(p.text)
        if p.op in side:
            if offset < seen + n or (at_end and offset == seen + n):
                return pos + (offset - seen)
            seen += n
        pos += n
    return pos


def span_on(para: RPara, start: Optional[int], end: Optional[int], side: Tuple[str, ...]):
    """A [start, end) of the paragraph's old or new text as offsets over all its pieces.

    None stays None: the comment's range runs on from the paragraph before or to the next.
    """
    a = to_combined(para.pieces, start, side) if start is not None else None
    if end is None:
        return a, None
    b = to_combined(para.pieces, end, side, at_end=True) if start is None or end > start else a
    return a, b if a is None else max(a, b)


# ---------------------------------------------------------------- the consolidated copy

@dataclass(frozen=True)
class Edit:
    """A proposed edit on a base paragraph, shown as a tracked change by its division."""

    para: int
    start: int
    end: int
    text: str
    author: str
    date: str = ""
    new_paragraph: bool = False


@dataclass(frozen=True)
class Note:
    """A comment on [start, end) of a base paragraph's text (index into the redline's comments).

    ``start`` or ``end`` is None where the comment's range runs on from or into another paragraph.
    """

    para: int
    start: Optional[int]
    end: Optional[int]
    comment: int


def overlay(base: Document, edits: Sequence[Edit], notes: Sequence[Note], comments: tuple) -> Redline:
    """The base draft with ``edits`` as tracked changes and ``notes`` as comments on their words."""
    by_para: Dict[int, List[Edit]] = {}
    for e in sorted(edits, key=lambda e: (e.para, e.start, e.end)):
        by_para.setdefault(e.para, []).append(e)
    notes_by: Dict[int, List[Note]] = {}
    for n in notes:
        notes_by.setdefault(n.para, []).append(n)
    counter = iter(range(10 ** 9))
    blocks = _overlay_blocks(base.blocks, by_para, notes_by, counter)
    return Redline(blocks, tuple(comments), objects=base.objects())


def _overlay_blocks(blocks, by_para, notes_by, counter) -> Tuple:
    out: List = []
    for b in blocks:
        if isinstance(b, Table):
            rows = tuple(RRow(tuple(RCell(_overlay_blocks(c.blocks, by_para, notes_by, counter), c.props, c.wrap)
                                    for c in r.cells), r.props, wrap=r.wrap) for r in b.rows)
            out.append(RTable(rows, b.props, b.block_wrap))
            continue
        k = next(counter)
        para, extra = _overlay_paragraph(b, k, by_para.get(k, []))
        para = _with_notes(para, notes_by.get(k, []))
        out.append(para)
        out.extend(extra)
    return fix_marks(out)


def _overlay_paragraph(p: Paragraph, k: int, edits: Sequence[Edit]):
    spans = run_spans(p.text_runs)
    pieces: List[Piece] = []
    extra: List[RPara] = []
    pos = 0
    for e in edits:
        if e.new_paragraph:
            props = _props_at(spans, len(p.text))
            extra.extend(RPara((Piece(INS, line, props, author=e.author, date=e.date),) if line else (),
                               p.props, mark=INS, author=e.author, date=e.date) for line in e.text.split("\n"))
            continue
        if e.start < pos:
            continue  # overlapping edits were resolved into comments before; keep the first
        pieces.extend(Piece(KEEP, t, r.props, wrap=r.wrap) for t, r, _ in slice_spans(spans, pos, e.start))
        pieces.extend(_edit_pieces(spans, p.text, e))
        pos = e.end
    pieces.extend(Piece(KEEP, t, r.props, wrap=r.wrap) for t, r, _ in slice_spans(spans, pos, len(p.text)))
    return RPara(merge_pieces(pieces), p.props, old_para=k, new_para=None, block_wrap=p.block_wrap), extra


def _edit_pieces(spans, text: str, e: Edit) -> List[Piece]:
    """A proposal as tracked changes: only the words it changes (a form gives whole phrases)."""
    from .diff import word_diff

    old = text[e.start:e.end]
    if not old or not e.text:
        out = [Piece(DEL, t, r.props, author=e.author, date=e.date, wrap=r.wrap)
               for t, r, _ in slice_spans(spans, e.start, e.end)]
        if e.text:
            out.append(Piece(INS, e.text, _props_at(spans, e.start), author=e.author, date=e.date))
        return out
    out, a = [], e.start
    for op, chunk in word_diff(old, e.text):
        if op == "+":
            out.append(Piece(INS, chunk, _props_at(spans, a), author=e.author, date=e.date))
            continue
        kind, who = (KEEP, {}) if op == "=" else (DEL, {"author": e.author, "date": e.date})
        out.extend(Piece(kind, t, r.props, wrap=r.wrap, **who) for t, r, _ in slice_spans(spans, a, a + len(chunk)))
        a += len(chunk)
    return out


def _props_at(spans, offset: int) -> str:
    # New words take the formatting of the text they replace (or the text before them).
    best = ""
    for s, e, run in spans:
        if s <= offset:
            best = run.props
        if s <= offset < e:
            return run.props
    return best


def _with_notes(para: RPara, notes: Sequence[Note]) -> RPara:
    if not notes:
        return para
    spans = tuple(CommentSpan(n.comment, *span_on(para, n.start, n.end, OLD_SIDE)) for n in notes)
    return replace(para, comments=para.comments + spans)


# ---------------------------------------------------------------- comments on a redline

def add_comments(red: Redline, placed: Sequence[Tuple[str, int, int, int, int]], comments: tuple) -> Redline:
    """Put comments on a redline: each (side "old"|"new", paragraph, start, end, comment index)."""
    want: Dict[Tuple[str, int], List[Tuple[int, int, int]]] = {}
    for side, k, a, b, ci in placed:
        want.setdefault((side, k), []).append((a, b, ci))
    return replace(red, blocks=_comment_blocks(red.blocks, want), comments=tuple(comments))


def own_comments(red: Redline, doc) -> Redline:
    """Put ``doc``'s own Word comments (the new draft's) on the redline, on the words they mark;
    a comment with only a reference mark sits at the mark."""
    index = {}
    for i, c in enumerate(doc.comments):
        index.setdefault(c.id, i)
    starts: Dict[str, Tuple[int, int]] = {}
    placed: List[Tuple[str, int, Optional[int], Optional[int], int]] = []
    for k, p in enumerate(doc.paragraphs()):
        pos = 0
        for x in p.runs:
            if isinstance(x, Run):
                pos += len(x.text)
            elif x.id in index and x.kind == "start":
                starts[x.id] = (k, pos)
            elif x.id in index and x.id in starts:
                k0, a = starts.pop(x.id)
                if k0 == k:
                    placed.append(("new", k, a, pos, index[x.id]))
                else:
                    placed.extend([("new", k0, a, None, index[x.id]), ("new", k, None, pos, index[x.id])])
    if not placed:
        return red
    return replace(add_comments(red, placed, doc.comments), own_comments=True)


def _comment_blocks(blocks, want) -> Tuple:
    out = []
    for b in blocks:
        if isinstance(b, RTable):
            rows = tuple(replace(r, cells=tuple(replace(c, blocks=_comment_blocks(c.blocks, want)) for c in r.cells))
                         for r in b.rows)
            out.append(replace(b, rows=rows))
            continue
        spans = list(b.comments)
        for side, k, table in (("old", b.old_para, OLD_SIDE), ("new", b.new_para, NEW_SIDE)):
            for a, e, ci in want.get((side, k), []) if k is not None else []:
                spans.append(CommentSpan(ci, *span_on(b, a, e, table)))
        out.append(replace(b, comments=tuple(spans)) if len(spans) != len(b.comments) else b)
    return tuple(out)


# ---------------------------------------------------------------- attribution

def attribute(red: Redline, credits: Sequence[Edit]) -> Redline:
    """The redline with the changes that carry out each proposal in ``credits`` (proposals the
    new draft took, as Edits on the base paragraphs) attributed to their divisions."""
    by_para: Dict[int, List[Edit]] = {}
    whole: Dict[str, Edit] = {}
    for c in credits:
        if c.new_paragraph:  # each proposed paragraph on its own: the redline has one per line
            whole.update((_words(line), c) for line in c.text.split("\n") if line.strip())
        else:
            by_para.setdefault(c.para, []).append(c)
    return replace(red, blocks=_attribute_blocks(red.blocks, by_para, whole))


def _attribute_blocks(blocks, by_para, whole) -> Tuple:
    out = []
    for b in blocks:
        if isinstance(b, RTable):
            rows = tuple(replace(r, cells=tuple(replace(c, blocks=_attribute_blocks(c.blocks, by_para, whole))
                                                for c in r.cells)) for r in b.rows)
            out.append(replace(b, rows=rows))
        elif _inserted_whole(b) and _words(b.text) in whole:
            c = whole[_words(b.text)]
            out.append(replace(b, author=c.author, date=c.date or b.date,
                               pieces=tuple(replace(p, author=c.author, date=c.date or p.date) for p in b.pieces)))
        elif b.old_para in by_para:
            out.append(replace(b, pieces=_credit_pieces(b.pieces, by_para[b.old_para])))
        else:
            out.append(b)
    return tuple(out)


def _credit_pieces(pieces: Sequence[Piece], credits: Sequence[Edit]) -> Tuple[Piece, ...]:
    out = list(pieces)
    old_pos = []  # old-side offset at the start of each piece
    pos = 0
    for p in pieces:
        old_pos.append(pos)
        if p.op in OLD_SIDE:
            pos += len(p.text)
    squeezed = {c: "".join(c.text.split()) for c in credits}
    for i, p in enumerate(pieces):
        if p.op == KEEP:
            continue
        for c in credits:
            near = c.start - 1 <= old_pos[i] <= c.end + 1 if p.op == INS else \
                (old_pos[i] < c.end and c.start < old_pos[i] + len(p.text))
            words = "".join(p.text.split())
            if near and (p.op != INS or (words and words in squeezed[c])):
                out[i] = replace(p, author=c.author, date=c.date or p.date)
                break
    return tuple(out)


def _words(paragraph: str) -> str:
    """A paragraph's words without its label or spaces (a proposed item may land with another number)."""
    label = parse_label(paragraph)
    return "".join((label.rest if label is not None and label.rest.strip() else paragraph).split())


def _inserted_whole(b: RPara) -> bool:
    """A paragraph of the new draft only, all its text inserted (at the end of the body its mark
    is the paragraph's before it, so the mark alone does not tell)."""
    return b.old_para is None and bool(b.pieces) and all(p.op == INS for p in b.pieces)
