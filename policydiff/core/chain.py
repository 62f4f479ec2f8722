"""The heaviest chain: of weighted pairs (old index, new index, weight), the pairs increasing
in both indices whose weights sum highest (a longest-increasing-subsequence with weights, in
n log n with a Fenwick tree of running maxima)."""

from __future__ import annotations

from typing import List, Tuple


def heaviest_chain(scored: List[Tuple[int, int, float]]) -> List[Tuple[int, int]]:
    """The pairs, increasing in both indices, whose weights sum highest."""
    if not scored:
        return []
    ranks = {n: r for r, n in enumerate(sorted({n for _, n, _ in scored}))}
    tree = _MaxTree(len(ranks))
    best: List[Tuple[float, int]] = []
    # Same old index, decreasing new index: a pair never extends a pair of its own row.
    order = sorted(range(len(scored)), key=lambda i: (scored[i][0], -scored[i][1]))
    for i in order:
        o, n, w = scored[i]
        prev_w, prev_i = tree.query(ranks[n])
        best.append((prev_w + w, prev_i))
        tree.update(ranks[n], (prev_w + w, len(best) - 1))
    pos = max(range(len(best)), key=lambda k: (best[k][0], -k))
    out = []
    while pos >= 0:
        o, n, _ = scored[order[pos]]
        out.append((o, n))
        pos = best[pos][1]
    return out[::-1]


class _MaxTree:
    """Fenwick tree: best (weight, entry) over ranks below a given rank."""

    def __init__(self, size: int):
        self.size = size
        self.tree = [(0.0, -1)] * (size + 1)

    def query(self, rank: int) -> Tuple[float, int]:
        got = (0.0, -1)
        i = rank  # ranks strictly below ``rank``
        while i > 0:
            if self.tree[i][0] > got[0]:
                got = self.tree[i]
            i -= i & -i
        return got

    def update(self, rank: int, value: Tuple[float, int]) -> None:
        i = rank + 1
        while i <= self.size:
            if value[0] > self.tree[i][0]:
                self.tree[i] = value
            i += i & -i
