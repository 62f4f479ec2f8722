"""Which blocks of two versions are the same block: pairing paragraphs and tables in order
(equal ends first, then by similarity in each gap), and finding the paragraphs that moved.

Used by the redline (body and table cells) and by the importer (a reviewed copy against its base).
"""

from __future__ import annotations

import difflib
from typing import List, Optional, Sequence, Tuple

from .diff import common_ends
from .similarity import SIMILARITY_EXACT_CHARS, shared_ends, similar_enough, similarity
from .model import Paragraph, Table

def block_key(block) -> str:
    """What two blocks must share to count as the same block: kind and wording without the label."""
    if isinstance(block, Table):
        return "table:" + "\x1f".join(p.text for p in block.paragraphs())
    return block.key


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
            out.extend(pair_gap(old, new, okeys, nkeys, range(i1, i2), range(j1, j2)))
    out.extend(zip(range(len(okeys) - tail, len(okeys)), range(len(nkeys) - tail, len(nkeys))))
    return out


def _kind(block) -> str:
    return "table" if isinstance(block, Table) else "p"


def pair_gap(old, new, okeys, nkeys, irange, jrange):
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
        head, tail = shared_ends(a, b)
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
