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

from .diff import common_ends, common_prefix
from .model import Document, Paragraph, Row, Run, Table
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


# ---------------------------------------------------------------- block pairing

def block_key(block) -> str:
    """What two blocks must share to count as the same block: kind and wording without the label."""
    if isinstance(block, Table):
        return "table:" + "\x1f".join(p.text for p in block.paragraphs())
    return block.key


def similarity(a: str, b: str) -> float:
    """Similarity of two short texts in 0..1 (difflib ratio, cheap bounds first)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    # real_quick_ratio from the lengths alone: building a SequenceMatcher indexes ``b``, which
    # costs seconds for a hostile 50 MB paragraph paired against every short one.
    if 2 * min(len(a), len(b)) < 0.4 * (len(a) + len(b)):
        return 0.0
    if len(a) + len(b) > SIMILARITY_EXACT_CHARS:
        return estimated_similarity(a, b)
    # The shared start and end match anyway: difflib sees only what lies between them
    # (a few words for an edited paragraph, so pairing a long draft costs little).
    head, tail = _shared_ends(a, b)
    ma, mb = a[head:len(a) - tail], b[head:len(b) - tail]
    if not ma or not mb:
        return 2.0 * (head + tail) / (len(a) + len(b))
    m = difflib.SequenceMatcher(None, ma, mb, autojunk=False)
    shared = head + tail
    if 2.0 * (shared + m.quick_ratio() * (len(ma) + len(mb)) / 2) / (len(a) + len(b)) < 0.4:
        return 0.0
    return 2.0 * (shared + sum(block.size for block in m.get_matching_blocks())) / (len(a) + len(b))


def _shared_ends(a: str, b: str) -> Tuple[int, int]:
    """Lengths of the common start and the common end (not overlapping it) of two texts."""
    head = common_prefix(a, b)
    return head, common_prefix(a[head:][::-1], b[head:][::-1])


def similar_enough(a: str, b: str, threshold: float) -> bool:
    """``similarity(a, b) >= threshold``, without difflib when the shared ends alone reach it
    (a renumbered or lightly edited clause: most gaps in a long draft)."""
    if a and b and len(a) + len(b) <= SIMILARITY_EXACT_CHARS:
        head, tail = _shared_ends(a, b)
        if 2.0 * (head + tail) / (len(a) + len(b)) >= threshold:
            return True
    return similarity(a, b) >= threshold


# Above this many characters (both texts) the similarity is estimated in linear time: difflib's
# ratio is quadratic in the worst case, and no real paragraph is this long.
SIMILARITY_EXACT_CHARS = 200_000


def estimated_similarity(a: str, b: str) -> float:
    """Shared head, tail and whitespace-separated pieces (as a multiset), as a share of both texts."""
    from collections import Counter

    head = common_prefix(a, b)
    tail = common_prefix(a[head:][::-1], b[head:][::-1])
    ca, cb = Counter(a[head:len(a) - tail].split()), Counter(b[head:len(b) - tail].split())
    shared = sum(len(w) * min(n, cb[w]) for w, n in ca.items() if w in cb)
    return min(2.0 * (head + tail + shared) / (len(a) + len(b)), 0.999)


PAIR_THRESHOLD = 0.45
_MAX_GAP_CELLS = 40000  # similarity matrix size above which a gap is paired by position


def pair_blocks(old: Sequence, new: Sequence) -> List[Tuple[Optional[int], Optional[int]]]:
    """Pair old and new blocks: (i, j) matched, (i, None) deleted, (None, j) inserted, in output order."""
    okeys = [block_key(b) for b in old]
    nkeys = [block_key(b) for b in new]
    # Equal leading and trailing blocks pair off directly; difflib sees only the middle (a
    # reviewed copy differs from its base in a few paragraphs of thousands).
    head, tail = common_ends(okeys, nkeys)
    out: List[Tuple[Optional[int], Optional[int]]] = list(zip(range(head), range(head)))
    matcher = difflib.SequenceMatcher(None, okeys[head:len(okeys) - tail], nkeys[head:len(nkeys) - tail],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if tag == "equal":
            out.extend(zip(range(i1, i2), range(j1, j2)))
        else:
            out.extend(_pair_gap(old, new, okeys, nkeys, range(i1, i2), range(j1, j2)))
    out.extend(zip(range(len(okeys) - tail, len(okeys)), range(len(nkeys) - tail, len(nkeys))))
    return out


def _kind(block) -> str:
    return "table" if isinstance(block, Table) else "p"


def _pair_gap(old, new, okeys, nkeys, irange, jrange):
    # Monotone pairing of similar blocks in a gap (a small LCS on similarity), so an edited
    # paragraph is shown as word edits rather than as a deleted and an inserted paragraph.
    ii, jj = list(irange), list(jrange)
    if not ii or not jj:
        return [(i, None) for i in ii] + [(None, j) for j in jj]
    if len(ii) == len(jj) == 1:  # the common case, decided without the similarity matrix
        i, j = ii[0], jj[0]
        if _kind(old[i]) == _kind(new[j]) and similar_enough(okeys[i], nkeys[j], PAIR_THRESHOLD):
            return [(i, j)]
        return [(i, None), (None, j)]
    if len(ii) == len(jj) and _diagonal_wins(old, new, okeys, nkeys, ii, jj):
        return list(zip(ii, jj))
    if len(ii) * len(jj) > _MAX_GAP_CELLS:
        return _pair_by_position(old, new, ii, jj)
    return _pair_by_similarity(old, new, okeys, nkeys, ii, jj)


def _pair_by_similarity(old, new, okeys, nkeys, ii: List[int], jj: List[int]):
    """The monotone pairing of most total similarity (pairs of at least PAIR_THRESHOLD)."""
    sim = [[similarity(okeys[i], nkeys[j]) if _kind(old[i]) == _kind(new[j]) else 0.0 for j in jj] for i in ii]
    n, m = len(ii), len(jj)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            take = best[a + 1][b + 1] + sim[a][b] if sim[a][b] >= PAIR_THRESHOLD else -1.0
            best[a][b] = max(take, best[a + 1][b], best[a][b + 1])
    out, a, b = [], 0, 0
    while a < n and b < m:
        if sim[a][b] >= PAIR_THRESHOLD and best[a][b] == best[a + 1][b + 1] + sim[a][b]:
            out.append((ii[a], jj[b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            out.append((ii[a], None))
            a += 1
        else:
            out.append((None, jj[b]))
            b += 1
    out.extend((ii[k], None) for k in range(a, n))
    out.extend((None, jj[k]) for k in range(b, m))
    return out


def _diagonal_wins(old, new, okeys, nkeys, ii, jj) -> bool:
    """Whether pairing an n×n gap in order is what the similarity matrix would choose, known
    from the shared ends alone: each pair in order sharing more than 1 - 1/n of its text
    sums to more than n - 1, which no other pairing (of at most n - 1 pairs) can reach; so
    several edited paragraphs in a row cost no difflib."""
    need = max(PAIR_THRESHOLD, 1.0 - 1.0 / len(ii)) + 1e-9  # a margin for the float sums
    for i, j in zip(ii, jj):
        a, b = okeys[i], nkeys[j]
        if _kind(old[i]) != _kind(new[j]) or not a or not b or len(a) + len(b) > SIMILARITY_EXACT_CHARS:
            return False
        head, tail = _shared_ends(a, b)
        if 2.0 * (head + tail) / (len(a) + len(b)) <= need:
            return False
    return True


def _pair_by_position(old, new, ii, jj):
    out = []
    for k in range(max(len(ii), len(jj))):
        i = ii[k] if k < len(ii) else None
        j = jj[k] if k < len(jj) else None
        if i is not None and j is not None and _kind(old[i]) != _kind(new[j]):
            out.extend([(i, None), (None, j)])
        else:
            out.append((i, j))
    return out


MIN_MOVE_CHARS = 12


def find_moves(pairs, old, new) -> dict:
    """Return {old index: new index} for deleted paragraphs inserted word for word elsewhere."""
    deleted = {}
    for i, j in pairs:
        if j is None and isinstance(old[i], Paragraph):
            key = block_key(old[i])
            if len(key) >= MIN_MOVE_CHARS:
                deleted.setdefault(key, []).append(i)
    moves = {}
    for i, j in pairs:
        if i is None and isinstance(new[j], Paragraph):
            candidates = deleted.get(block_key(new[j]))
            if candidates:
                moves[candidates.pop(0)] = j
    return moves


# ---------------------------------------------------------------- paragraph diff

def _spans(runs: Sequence[Run]):
    """(start, end, run) for each run, in paragraph text offsets."""
    out, pos = [], 0
    for r in runs:
        out.append((pos, pos + len(r.text), r))
        pos += len(r.text)
    return out


def _slice(spans, start: int, end: int):
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
    for text, nrun, pos in _slice(new_spans, c, c + (b - a)):
        offset = pos - c
        for otext, orun, _ in _slice(old_spans, a + offset, a + offset + len(text)):
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
    ospans, nspans = _spans(old.text_runs), _spans(new.text_runs)
    pieces: List[Piece] = []
    a = c = 0
    for op, text in ops:
        n = len(text)
        if op == "=":
            pieces.extend(_kept(ospans, nspans, a, a + n, c, rev))
            a, c = a + n, c + n
        elif op == "-":
            pieces.extend(Piece(DEL, t, r.props, author=rev.author, date=rev.date, wrap=r.wrap)
                          for t, r, _ in _slice(ospans, a, a + n))
            a += n
        else:
            pieces.extend(Piece(INS, t, r.props, author=rev.author, date=rev.date, wrap=r.wrap)
                          for t, r, _ in _slice(nspans, c, c + n))
            c += n
    return _merge_pieces(_removals_first(pieces))


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


def _merge_pieces(pieces: Sequence[Piece]) -> Tuple[Piece, ...]:
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
        pairs = _pair_gap(old.rows, new.rows, okeys, nkeys, range(i1, i2), range(j1, j2))
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
    return RPara(_merge_pieces(pieces), new.props, mark=MOVE_TO, author=rev.author, date=rev.date,
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
