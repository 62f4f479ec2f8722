"""How alike two texts are, in 0..1: for pairing blocks (``similarity``, cheap bounds first)
and clauses (``body_similarity``, by lines, then phrases, then characters), with a linear
estimate for texts too long to compare exactly."""

from __future__ import annotations

import difflib
from difflib import SequenceMatcher
from typing import List, Tuple

from .diff import common_prefix

_CHAR_DIFF_LIMIT = 250_000  # len(a) * len(b) above this: estimate instead of a char diff
_SPLITS = ("\n", " ")  # diff lines, then phrases, then characters
_BELOW_ONE = 1.0 - 2**-53


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
    head, tail = shared_ends(a, b)
    ma, mb = a[head:len(a) - tail], b[head:len(b) - tail]
    if not ma or not mb:
        return 2.0 * (head + tail) / (len(a) + len(b))
    m = difflib.SequenceMatcher(None, ma, mb, autojunk=False)
    shared = head + tail
    if 2.0 * (shared + m.quick_ratio() * (len(ma) + len(mb)) / 2) / (len(a) + len(b)) < 0.4:
        return 0.0
    return 2.0 * (shared + sum(block.size for block in m.get_matching_blocks())) / (len(a) + len(b))


def shared_ends(a: str, b: str) -> Tuple[int, int]:
    """Lengths of the common start and the common end (not overlapping it) of two texts."""
    head = common_prefix(a, b)
    return head, common_prefix(a[head:][::-1], b[head:][::-1])


def similar_enough(a: str, b: str, threshold: float) -> bool:
    """``similarity(a, b) >= threshold``, without difflib when the shared ends alone reach it
    (a renumbered or lightly edited clause: most gaps in a long draft)."""
    if a and b and len(a) + len(b) <= SIMILARITY_EXACT_CHARS:
        head, tail = shared_ends(a, b)
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


def body_similarity(a: str, b: str) -> float:
    """Return the share of characters two bodies have in common (difflib's ratio), 0..1."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) + len(b) > SIMILARITY_EXACT_CHARS:  # no real clause is this long: linear estimate
        return min(estimated_similarity(a, b), _BELOW_ONE)
    ratio = 2.0 * _matched_chars(a, b, 0) / (len(a) + len(b))
    return min(ratio, _BELOW_ONE)  # the trigram estimate could reach 1.0 for unequal bodies


def trigrams(text: str) -> frozenset:
    if len(text) < 3:
        return frozenset((text,))
    return frozenset(text[i : i + 3] for i in range(len(text) - 2))


def _matched_chars(a: str, b: str, depth: int) -> int:
    """Characters matched between ``a`` and ``b``: lines, then phrases, then characters."""
    if a == b:
        return len(a)
    head = common_prefix(a, b)
    a, b = a[head:], b[head:]
    tail = common_prefix(a[::-1], b[::-1])
    a, b = a[: len(a) - tail], b[: len(b) - tail]
    if not a or not b:
        return head + tail
    if depth < len(_SPLITS):
        sep = _SPLITS[depth]
        ta, tb = _pieces(a, sep), _pieces(b, sep)
        if len(ta) > 1 or len(tb) > 1:
            return head + tail + _matched_pieces(ta, tb, depth)
        return head + tail + _matched_chars(a, b, depth + 1)
    if len(a) * len(b) > _CHAR_DIFF_LIMIT:
        # Rare (long, scattered rewrites): estimate from shared trigrams instead.
        ga, gb = trigrams(a), trigrams(b)
        share = len(ga & gb) / max(len(ga | gb), 1)
        return head + tail + int(share * min(len(a), len(b)))
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return head + tail + sum(size for _, _, size in blocks)


def _matched_pieces(ta: List[str], tb: List[str], depth: int) -> int:
    total = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            total += sum(len(p) for p in ta[i1:i2])
        elif tag == "replace":
            total += _matched_chars("".join(ta[i1:i2]), "".join(tb[j1:j2]), depth + 1)
    return total


def _pieces(text: str, sep: str) -> List[str]:
    parts = text.split(sep)
    return [p + sep for p in parts[:-1]] + [parts[-1]]
