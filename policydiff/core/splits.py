"""A table put inside a paragraph (or taken out of one): the pairing that keeps both views exact.

When a table is inserted in the middle of paragraph "AB", the new draft has "A", the table, "B";
block pairing pairs "AB" with the more similar half and inserts the other. With "A" inserted
before the table, rejecting leaves "A"'s paragraph empty: its inserted mark has no next paragraph
to join (a mark does not join across a table, even one the same view removes; neither
LibreOffice nor a plain reading of the XML does). Paired with the half *before* the table, the
old paragraph stays in front of it, and the half after the table is a wholly inserted paragraph
whose mark joins the paragraph after it on reject. The same holds, mirrored, for a table taken
out of a paragraph. It needs a paragraph after the second half: at the end of the body or a cell,
or before another table, one empty paragraph stays in one view whichever way the halves pair.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from .model import Paragraph, Table

Pair = Tuple[Optional[int], Optional[int]]


def pair_halves_before_tables(pairs: List[Pair], old, new) -> List[Pair]:
    """``pairs`` with each "half, tables, paired half" run re-paired as "paired half, tables,
    half" where a paragraph follows (see the module docstring)."""
    out = list(pairs)
    for a in range(len(out)):
        b = _split_end(out, a, old, new)
        if b is not None:
            out[a:b + 1] = _repaired(out, a, b)
    return out


def _split_end(pairs: List[Pair], a: int, old, new) -> Optional[int]:
    """The index of the paired half when pairs[a] starts a split run, else None."""
    side = _one_side(pairs[a])
    if side is None or not isinstance(_block(pairs[a], old, new), Paragraph):
        return None
    b = a + 1
    while b < len(pairs) and _one_side(pairs[b]) == side and isinstance(_block(pairs[b], old, new), Table):
        b += 1
    if b == a + 1 or b + 1 >= len(pairs) or None in pairs[b] or not _paragraphs(pairs[b], old, new):
        return None
    return b if isinstance(_block(pairs[b + 1], old, new), Paragraph) else None


def _repaired(pairs: List[Pair], a: int, b: int) -> List[Pair]:
    i, j = pairs[b]
    tables = pairs[a + 1:b]
    if pairs[a][0] is None:  # a table inserted inside old paragraph i
        return [(i, pairs[a][1])] + tables + [(None, j)]
    return [(pairs[a][0], j)] + tables + [(i, None)]  # a table taken out of new paragraph j


def _one_side(pair: Pair) -> Optional[str]:
    if pair[0] is None:
        return "new"
    return "old" if pair[1] is None else None


def _block(pair: Pair, old, new):
    return old[pair[0]] if pair[0] is not None else new[pair[1]]


def _paragraphs(pair: Pair, old, new) -> bool:
    return isinstance(old[pair[0]], Paragraph) and isinstance(new[pair[1]], Paragraph)
