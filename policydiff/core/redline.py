"""The redline as domain values: which words of which paragraph were inserted, deleted, moved.

``build_redline(old, new)`` pairs the blocks of two documents and diffs paired paragraphs word
by word. The result is a ``Redline``: paragraphs of ``Piece``s (kept, inserted, deleted, moved
text, each with the run properties it came from) and tables of rows, with tracked paragraph
marks placed so that accepting every change gives ``new`` and rejecting every change gives
``old``. The docx writer turns it into w:ins / w:del / w:moveFrom / w:moveTo markup.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import List, Optional, Sequence, Tuple

from .model import Document, Paragraph, Row, Run, Table
from .pairing import find_moves, pair_blocks, pair_gap
from .splits import pair_halves_before_tables

KEEP, INS, DEL, MOVE_FROM, MOVE_TO = "=", "+", "-", "moveFrom", "moveTo"
REMOVALS = (DEL, MOVE_FROM)  # gone when changes are accepted
ADDITIONS = (INS, MOVE_TO)  # gone when changes are rejected


@dataclass(frozen=True)
class Piece:
    """A stretch of text in one run formatting with one revision status."""

    op: str
    text: str
    props: str = ""  # run properties (opaque w:rPr) the text is shown in
    old_props: Optional[str] = None  # the run properties before a formatting-only change
    author: str = ""
    date: str = ""
    wrap: tuple = ()  # the hyperlinks, fields, content controls (objects.Wrap) around the text


@dataclass(frozen=True)
class CommentSpan:
    """A comment on a paragraph: offsets in the concatenated text of all its pieces.

    ``start`` is None when the range began in an earlier paragraph, ``end`` None when it ends
    in a later one (a comment on a whole clause of several paragraphs).
    """

    comment: int  # index into Redline.comments
    start: Optional[int]
    end: Optional[int]


@dataclass(frozen=True)
class RPara:
    pieces: Tuple[Piece, ...]
    props: str = ""  # paragraph properties as in the new version (opaque w:pPr)
    old_props: Optional[str] = None  # paragraph properties before, when they changed
    mark: str = KEEP  # revision status of the paragraph mark
    author: str = ""
    date: str = ""
    move: Optional[Tuple[str, bool, bool]] = None  # (move name, starts range, ends range)
    comments: Tuple[CommentSpan, ...] = ()
    props_from_old: bool = False  # ``props`` are the old document's (a deleted paragraph's own)
    old_para: Optional[int] = None  # which paragraph of the old document this shows (flat index)
    new_para: Optional[int] = None  # which paragraph of the new document this shows (flat index)
    block_wrap: tuple = ()  # block-level content controls around it (objects.Wrap)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass(frozen=True)
class RCell:
    blocks: Tuple["RBlock", ...]
    props: str = ""
    wrap: object = None  # a cell-level content control (objects.Wrap)


@dataclass(frozen=True)
class RRow:
    cells: Tuple[RCell, ...]
    props: str = ""
    op: str = KEEP
    author: str = ""
    date: str = ""
    wrap: object = None  # a row-level content control (objects.Wrap)


@dataclass(frozen=True)
class RTable:
    rows: Tuple[RRow, ...]
    props: str = ""
    block_wrap: tuple = ()  # block-level content controls around it (objects.Wrap)


RBlock = object  # RPara | RTable


@dataclass(frozen=True)
class Redline:
    blocks: Tuple[RBlock, ...]
    comments: tuple = ()  # model.Comment values referenced by CommentSpan.comment
    warnings: Tuple[str, ...] = ()
    landscape_tail: bool = False  # the last section (an appendix with a wide table) in landscape
    # {marker: objects.Obj} of the objects the pieces' texts hold: the new (template) side's,
    # and the old side's for removed text (whose XML refers to the old package).
    objects: dict = field(default_factory=dict, compare=False, repr=False)
    old_objects: dict = field(default_factory=dict, compare=False, repr=False)
    # The note references and text boxes (objects.Obj) of each draft's body in document order:
    # each stands for "a story here" (compared as a story of its own), so all of a kind may share
    # one marker, and the writer takes each one's XML in turn.
    old_stories: tuple = field(default=(), compare=False, repr=False)
    new_stories: tuple = field(default=(), compare=False, repr=False)
    author: str = ""  # who and when the editor's changes are (for the stories besides the body)
    date: str = ""
    # ``comments`` are the new draft's own (``overlay.own_comments``): its comment parts stay as
    # they are and the marks keep their ids.
    own_comments: bool = False


@dataclass(frozen=True)
class Revision:
    """Who and when, for the changes a redline attributes to the editor."""

    author: str = "policydiff"
    date: str = ""


def _src(old: Optional[int] = None, new: Optional[int] = None) -> dict:
    """The ``old_para``/``new_para`` fields of a redline paragraph showing the old and the new
    document's paragraphs at those flat positions (None: not shown, or not counted)."""
    return {"old_para": old, "new_para": new}


def _positions(sizes: Sequence[int], first: Optional[int]) -> list:
    """The flat paragraph position of each part's first paragraph, given how many paragraphs
    each part holds and the first part's position (None for each when positions are not
    counted, as in notes and headers)."""
    if first is None:
        return [None] * len(sizes)
    out = []
    for size in sizes:
        out.append(first)
        first += size
    return out


def starts(blocks: Sequence, first: Optional[int]) -> list:
    return _positions([1 if isinstance(b, Paragraph) else len(b.paragraphs()) for b in blocks], first)


def _cell_starts(row: Row, first: Optional[int]) -> list:
    return _positions([len(c_paras(c)) for c in row.cells], first)


def _row_starts(table: Table, first: Optional[int]) -> list:
    return _positions([sum(len(c_paras(c)) for c in r.cells) for r in table.rows], first)


# ---------------------------------------------------------------- paragraph diff

def run_spans(runs: Sequence[Run]):
    """(start, end, run) for each run, in paragraph text offsets."""
    out, pos = [], 0
    for r in runs:
        out.append((pos, pos + len(r.text), r))
        pos += len(r.text)
    return out


def slice_spans(spans, start: int, end: int):
    """The (text, run) pieces of [start, end) split at run boundaries."""
    out = []
    for s, e, run in spans:
        if e <= start or s >= end:
            continue
        a, b = max(s, start), min(e, end)
        if a < b:
            out.append((run.text[a - s:b - s], run, a))
    return out


def whole(p: Paragraph, op: str, rev: Revision) -> Tuple[Piece, ...]:
    """Every run of ``p`` as one piece each, with revision status ``op``."""
    author, date = (rev.author, rev.date) if op != KEEP else ("", "")
    return tuple(Piece(op, r.text, r.props, author=author, date=date, wrap=r.wrap) for r in p.text_runs if r.text)


def _kept(old_spans, new_spans, a: int, b: int, c: int, rev: Revision) -> List[Piece]:
    # Equal text: shown in the new formatting; where the formatting changed, w:rPrChange.
    out = []
    for text, nrun, pos in slice_spans(new_spans, c, c + (b - a)):
        offset = pos - c
        for otext, orun, _ in slice_spans(old_spans, a + offset, a + offset + len(text)):
            olen = len(otext)
            chunk, text = text[:olen], text[olen:]
            if orun.wrap != nrun.wrap:  # the same words, now in another hyperlink or field
                out.append(Piece(DEL, chunk, orun.props, None, rev.author, rev.date, orun.wrap))
                out.append(Piece(INS, chunk, nrun.props, None, rev.author, rev.date, nrun.wrap))
            elif orun.fmt != nrun.fmt:
                out.append(Piece(KEEP, chunk, nrun.props, orun.props, rev.author, rev.date, nrun.wrap))
            else:
                out.append(Piece(KEEP, chunk, nrun.props, wrap=nrun.wrap))
    return out


def diff_paragraph(old: Paragraph, new: Paragraph, rev: Revision, ops=None) -> Tuple[Piece, ...]:
    """Pieces showing the word edits that turn ``old``'s text into ``new``'s."""
    from .diff import word_diff

    if ops is None:
        ops = word_diff(old.text, new.text)
    ospans, nspans = run_spans(old.text_runs), run_spans(new.text_runs)
    pieces: List[Piece] = []
    a = c = 0
    for op, text in ops:
        n = len(text)
        if op == "=":
            pieces.extend(_kept(ospans, nspans, a, a + n, c, rev))
            a, c = a + n, c + n
        elif op == "-":
            pieces.extend(Piece(DEL, t, r.props, author=rev.author, date=rev.date, wrap=r.wrap)
                          for t, r, _ in slice_spans(ospans, a, a + n))
            a += n
        else:
            pieces.extend(Piece(INS, t, r.props, author=rev.author, date=rev.date, wrap=r.wrap)
                          for t, r, _ in slice_spans(nspans, c, c + n))
            c += n
    return merge_pieces(_removals_first(pieces))


def _removals_first(pieces: List[Piece]) -> List[Piece]:
    """Each stretch of changed pieces with its removed text before its added text: the same
    views either way, and one hyperlink whose target changed is shown as the old link deleted
    and the new one inserted, not as their words interleaved."""
    out: List[Piece] = []
    k = 0
    while k < len(pieces):
        if pieces[k].op == KEEP:
            out.append(pieces[k])
            k += 1
            continue
        e = k
        while e < len(pieces) and pieces[e].op != KEEP:
            e += 1
        out.extend(p for p in pieces[k:e] if p.op in REMOVALS)
        out.extend(p for p in pieces[k:e] if p.op not in REMOVALS)
        k = e
    return out


def merge_pieces(pieces: Sequence[Piece]) -> Tuple[Piece, ...]:
    out: List[Piece] = []
    for p in pieces:
        if not p.text:
            continue
        if (out and out[-1].op == p.op and out[-1].props == p.props and out[-1].old_props == p.old_props
                and out[-1].wrap == p.wrap):
            out[-1] = replace(out[-1], text=out[-1].text + p.text)
        else:
            out.append(p)
    return tuple(out)


def _para_props(old: Paragraph, new: Paragraph) -> Optional[str]:
    return old.props if old.props != new.props else None


# ---------------------------------------------------------------- tables

def diff_table(old: Table, new: Table, rev: Revision, o: Optional[int] = None, n: Optional[int] = None) -> RTable:
    """Rows paired like blocks; paired rows with the same cells diff cell by cell (``o``, ``n``:
    the flat positions of the tables' first paragraphs)."""
    ostarts, nstarts = _row_starts(old, o), _row_starts(new, n)
    okeys = ["\x1e".join("\x1f".join(p.text for p in c_paras(c)) for c in r.cells) for r in old.rows]
    nkeys = ["\x1e".join("\x1f".join(p.text for p in c_paras(c)) for c in r.cells) for r in new.rows]
    rows: List[RRow] = []
    matcher = difflib.SequenceMatcher(None, okeys, nkeys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(_row_pair(old.rows[i], new.rows[j], rev, ostarts[i], nstarts[j])
                        for i, j in zip(range(i1, i2), range(j1, j2)))
            continue
        pairs = pair_gap(old.rows, new.rows, okeys, nkeys, range(i1, i2), range(j1, j2))
        for i, j in pairs:
            if i is not None and j is not None and len(old.rows[i].cells) == len(new.rows[j].cells):
                rows.append(_row_pair(old.rows[i], new.rows[j], rev, ostarts[i], nstarts[j]))
            else:
                if i is not None:
                    rows.append(_whole_row(old.rows[i], DEL, rev, ostarts[i]))
                if j is not None:
                    rows.append(_whole_row(new.rows[j], INS, rev, nstarts[j]))
    return RTable(tuple(rows), new.props, new.block_wrap)


def c_paras(cell):
    from .model import iter_paragraphs

    return list(iter_paragraphs(cell.blocks))


def _row_pair(old: Row, new: Row, rev: Revision, o: Optional[int], n: Optional[int]) -> RRow:
    cells = tuple(RCell(diff_blocks(oc.blocks, nc.blocks, rev, at=(co, cn)), nc.props, nc.wrap)
                  for oc, nc, co, cn in zip(old.cells, new.cells, _cell_starts(old, o), _cell_starts(new, n)))
    return RRow(cells, new.props, wrap=new.wrap)


def _whole_row(row: Row, op: str, rev: Revision, first: Optional[int] = None) -> RRow:
    cells = tuple(RCell(_whole_blocks(c.blocks, op, rev, f), c.props, c.wrap)
                  for c, f in zip(row.cells, _cell_starts(row, first)))
    return RRow(cells, row.props, op, rev.author, rev.date, row.wrap)


def _whole_blocks(blocks: Sequence, op: str, rev: Revision, first: Optional[int]) -> tuple:
    """A cell's blocks, all inserted or deleted with their row (their marks plain)."""
    return tuple(whole_block(b, op, rev, mark=False, at=k) for b, k in zip(blocks, starts(blocks, first)))


def whole_block(block, op: str, rev: Revision, mark: bool = True, at: Optional[int] = None):
    """A block inserted or deleted whole (``at``: its first paragraph's flat position)."""
    if isinstance(block, Table):
        rows = zip(block.rows, _row_starts(block, at))
        return RTable(tuple(_whole_row(r, op, rev, k) for r, k in rows), block.props, block.block_wrap)
    m = op if mark else KEEP
    return RPara(whole(block, op, rev), block.props, mark=m, author=rev.author if mark else "",
                 block_wrap=block.block_wrap,
                 date=rev.date if mark else "", props_from_old=op == DEL,
                 **_src(old=at if op == DEL else None, new=at if op == INS else None))


# ---------------------------------------------------------------- documents

def diff_blocks(old: Sequence, new: Sequence, rev: Revision, moves: bool = False,
                at: Tuple[Optional[int], Optional[int]] = (None, None)) -> Tuple[RBlock, ...]:
    """The redline blocks of one container (the body or a table cell); ``at``: the flat
    positions of the old and new container's first paragraphs, which each redline paragraph
    records (None: not counted)."""
    pairs = pair_halves_before_tables(pair_blocks(old, new), old, new)
    moved = find_moves(pairs, old, new) if moves else {}
    names = _move_names(pairs, moved)
    o, n = starts(old, at[0]), starts(new, at[1])
    out: List[RBlock] = []
    for i, j in pairs:
        if i is not None and j is not None:
            out.append(_pair(old[i], new[j], rev, o[i], n[j]))
        elif i is not None:
            out.append(_moved_from(old[i], names[i], rev, o[i]) if i in moved else whole_block(old[i], DEL, rev, at=o[i]))
        elif j in names.get("to", {}):
            out.append(_moved_to(old[names["to"][j][0]], new[j], names["to"][j][1], rev, n[j]))
        else:
            out.append(whole_block(new[j], INS, rev, at=n[j]))
    return fix_marks(out)


def _move_names(pairs, moved: dict) -> dict:
    # Each moved paragraph is its own move range; the name links its source and destination.
    names, to = {}, {}
    for i, _ in pairs:
        if i is not None and i in moved:
            names[i] = f"move{len(to) + 1}"
            to[moved[i]] = (i, names[i])
    names["to"] = to
    return names


def _pair(old, new, rev: Revision, o: Optional[int], n: Optional[int]):
    if isinstance(old, Table) and isinstance(new, Table):
        return diff_table(old, new, rev, o, n)
    if old == new:
        return RPara(whole(new, KEEP, rev), new.props, block_wrap=new.block_wrap, **_src(o, n))
    return RPara(diff_paragraph(old, new, rev), new.props, _para_props(old, new), block_wrap=new.block_wrap,
                 **_src(o, n))


def _moved_from(old: Paragraph, name: str, rev: Revision, at: Optional[int]) -> RPara:
    pieces = tuple(replace(p, op=MOVE_FROM) for p in whole(old, DEL, rev))
    return RPara(pieces, old.props, mark=MOVE_FROM, author=rev.author, date=rev.date, move=(name, True, True),
                 block_wrap=old.block_wrap,
                 props_from_old=True, **_src(old=at))


def _moved_to(old: Paragraph, new: Paragraph, name: str, rev: Revision, at: Optional[int]) -> RPara:
    # At the destination, rejecting must remove everything: old-only words (a changed label)
    # are simply not shown there; kept words are moved text, new words inserted text.
    pieces = []
    for p in diff_paragraph(old, new, rev):
        if p.op == KEEP:
            pieces.append(Piece(MOVE_TO, p.text, p.props, author=rev.author, date=rev.date, wrap=p.wrap))
        elif p.op == INS:
            pieces.append(p)
    return RPara(merge_pieces(pieces), new.props, mark=MOVE_TO, author=rev.author, date=rev.date,
                 block_wrap=new.block_wrap,
                 move=(name, True, True), **_src(new=at))


def fix_marks(blocks: List[RBlock]) -> Tuple[RBlock, ...]:
    """Place tracked paragraph marks so accept-all and reject-all give each side exactly.

    A tracked mark joins its paragraph with the next paragraph; before a table or at the end
    of a container there is no next paragraph, so the last changed paragraph there must keep
    a plain mark: the status moves to the paragraph before, or a deleted and an inserted
    paragraph are shown as one edited paragraph. A mark does not join across a table, even one
    the same view removes: neither LibreOffice nor a plain reading of the XML does.
    """
    blocks = list(blocks)
    k = 0
    while k < len(blocks):
        if not _tracked(blocks[k]):
            k += 1
            continue
        s = k
        while k < len(blocks) and _tracked(blocks[k]):
            k += 1
        if k < len(blocks) and isinstance(blocks[k], RPara):
            continue
        if _hop_tables(blocks, s, k):
            k = s
            continue
        k = _settle_run(blocks, s, k)
    return tuple(blocks)


def _hop_tables(blocks: List, s: int, e: int) -> bool:
    """Move the tracked paragraphs blocks[s:e] past the tables after them, when all of them go
    in one view and those tables in the other, and tracked paragraphs of the other kind follow
    (a paragraph that became a table and an empty paragraph after it): each view keeps its
    order, and the deleted and the inserted paragraph become one edited paragraph there."""
    marks = {b.mark in REMOVALS for b in blocks[s:e]}
    if len(marks) != 1:
        return False
    removals = marks.pop()
    tables_go = ADDITIONS if removals else REMOVALS
    k = e
    while k < len(blocks) and isinstance(blocks[k], RTable) and all(r.op in tables_go for r in blocks[k].rows):
        k += 1
    if k == e or k >= len(blocks) or not _tracked(blocks[k]) or (blocks[k].mark in REMOVALS) == removals:
        return False
    blocks[s:k] = blocks[e:k] + blocks[s:e]
    return True


def _tracked(b) -> bool:
    return isinstance(b, RPara) and b.mark != KEEP


def _settle_run(blocks: List, s: int, e: int) -> int:
    run = blocks[s:e]
    gone = [i for i, b in enumerate(run) if b.mark in REMOVALS]
    came = [i for i, b in enumerate(run) if b.mark in ADDITIONS]
    if gone and came:
        d, a = run[gone[-1]], run[came[-1]]
        joined = RPara(d.pieces + a.pieces, a.props, d.props if d.props != a.props else None, block_wrap=a.block_wrap,
                       move=None, comments=d.comments + a.comments, old_para=d.old_para, new_para=a.new_para)
        rest = [b for i, b in enumerate(run) if i not in (gone[-1], came[-1])]
        blocks[s:e] = rest + [joined]
        return s + len(rest) + 1
    last = run[-1]
    prev = blocks[s - 1] if s > 0 else None
    if isinstance(prev, RPara) and prev.mark == KEEP:
        blocks[s - 1] = replace(prev, mark=last.mark, author=last.author, date=last.date)
        if last.mark in REMOVALS:
            # Accepting joins everything into the last mark: it must carry prev's properties.
            blocks[e - 1] = replace(last, mark=KEEP, props=prev.props, old_props=last.props,
                                    props_from_old=prev.props_from_old)
        else:
            blocks[e - 1] = replace(last, mark=KEEP, old_props=prev.old_props or prev.props)
    else:
        blocks[e - 1] = replace(last, mark=KEEP)
    return e


def change_counts(blocks) -> dict:
    """{"+": insertions, "-": deletions, "moves": moves, "fmt": formatting changes} of redline
    blocks (pieces of text inserted or deleted; moved paragraphs)."""
    counts = {"+": 0, "-": 0, "moves": 0, "fmt": 0}
    for b in blocks:
        if isinstance(b, RTable):
            for row in b.rows:
                for cell in row.cells:
                    for k, n in change_counts(cell.blocks).items():
                        counts[k] += n
            continue
        for p in b.pieces:
            if p.op in (INS, DEL):
                counts[p.op] += 1
            if p.old_props is not None:
                counts["fmt"] += 1
        if b.move and b.mark == MOVE_TO:
            counts["moves"] += 1
    return counts


def build_redline(old: Document, new: Document, rev: Revision = Revision(), moves: bool = True) -> Redline:
    """The redline from ``old`` to ``new`` (both in their accepted view)."""
    return Redline(diff_blocks(old.blocks, new.blocks, rev, moves=moves, at=(0, 0)),
                   objects=new.objects(), old_objects=old.objects(), old_stories=old.story_objects(),
                   new_stories=new.story_objects(), author=rev.author, date=rev.date)
