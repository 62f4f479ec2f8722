"""Clause alignment between two versions of a policy: which old clause became which new one.

A clause keeps its identity (``key``, the old clause's path, as Akoma Ntoso keeps ``wId``)
when its number changes or it moves. Clauses are compared on ``body`` (text without the
label), so renumbering alone never reads as a change of wording.

Stages:
1. Bodies occurring once on each side are anchors (patience diff); the longest increasing
   subsequence of anchors is the in-order backbone, and the anchors off it are moves.
2. Each gap between backbone pairs is refined the same way: equal bodies at its ends, then
   bodies unique inside the gap, recursively.
3. What is left in a gap is paired by body similarity (>= EDIT_THRESHOLD), keeping order:
   the heaviest increasing chain of candidate pairs.
4. What is left anywhere is paired across gaps at >= MOVE_THRESHOLD: a move (maybe edited).
5. The rest is inserted or deleted.

Short bodies ("(๑) ทั่วไป") repeat, so two short bodies pair only when their parents agree:
both top-level, parents paired with each other, or (parents not yet paired) similar.

Similarity is difflib's ratio taken line by line, then phrase by phrase (Thai puts spaces
between phrases), then character by character inside changed phrases. Exact similarities
are computed only for the best candidates by shared character trigrams, and at most about
one per clause: two drafts with little in common degrade to insertions and deletions
instead of taking minutes.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .chain import heaviest_chain
from .similarity import body_similarity, trigrams
from .labels import to_arabic
from .model import Clause

UNCHANGED = "unchanged"
EDITED = "edited"
INSERTED = "inserted"
DELETED = "deleted"
MOVED = "moved"
STATUSES = (UNCHANGED, EDITED, INSERTED, DELETED, MOVED)

EDIT_THRESHOLD = 0.5  # a pair in place below this is a deletion plus an insertion
MOVE_THRESHOLD = 0.8  # a pair out of place needs more evidence than one in place
SHORT_BODY = 40  # bodies shorter than this (characters) need parent context to pair

_INSERTED_PREFIX = "+"  # keys of inserted clauses: "+" and the new path, never an old path
# Word edits measured on Thai clauses (random one-to-six-word edits of realistic bodies):
# 99% of pairs at ratio >= 0.5 have trigram Dice >= 0.35 (all >= 0.25), and 99% at ratio
# >= 0.8 have Dice >= 0.70 (all >= 0.65): below these floors no exact similarity is tried.
_DICE_FLOOR = {EDIT_THRESHOLD: 0.25, MOVE_THRESHOLD: 0.6}
_BRUTE_FORCE_PAIRS = 4096  # pools larger than this use a trigram index for candidates
_CANDIDATES_PER_CLAUSE = 8  # from the trigram index
_EXACT_PER_CLAUSE = 4  # exact similarities per new clause, best trigram overlap first
_EXACT_PER_CLAUSE_LARGE = 2
_EXACT_BUDGET_PER_CLAUSE = 1  # exact similarities per clause of both drafts, at most
_EXACT_BUDGET_BASE = 1000
_KIND_BONUS = 0.05  # tie-breakers in the in-gap chain: same kind, parents paired together
_PARENT_BONUS = 0.05


@dataclass(frozen=True)
class ClauseMatch:
    """One entry of an alignment: a clause paired across versions, inserted or deleted."""

    status: str  # one of STATUSES
    old: Optional[int]  # index into the old clauses, None when inserted
    new: Optional[int]  # index into the new clauses, None when deleted
    key: str  # identity: the old path; "+" + new path for an inserted clause
    similarity: float = 0.0  # of the bodies, 0..1; exactly 1.0 only when they are equal
    renumbered: bool = False  # paired and the normalized number differs

    @property
    def edited(self) -> bool:
        """True when the clause is paired and its body changed (a moved clause too)."""
        return self.old is not None and self.new is not None and self.similarity < 1.0


def align(old: Sequence[Clause], new: Sequence[Clause]) -> List[ClauseMatch]:
    """Pair the clauses of two versions, in new-document order with deletions left in place."""
    st = _State(old, new)
    _anchor_unique(st)
    for olds, news in st.gaps():
        _refine_gap(st, olds, news)
    for olds, news in st.gaps():
        _pair_in_gap(st, olds, news)
    _pair_moves(st)
    return _emit(st)


def summary(matches: Sequence[ClauseMatch]) -> Dict[str, int]:
    """Count the matches by status, plus how many paired clauses were renumbered."""
    counts = {status: 0 for status in STATUSES}
    for m in matches:
        counts[m.status] += 1
    counts["renumbered"] = sum(1 for m in matches if m.renumbered)
    return counts


def move_origins(matches: Sequence[ClauseMatch]) -> Dict[int, int]:
    """For each moved clause (by old index), the position in ``matches`` its old text follows.

    The position is that of the last in-place or deleted entry before it in the old document
    (-1: the document start), where a redline writes the moved-from text. Clauses moved
    together share a position and keep their old order.
    """
    placed = [(m.old, i) for i, m in enumerate(matches) if m.old is not None and m.status != MOVED]
    olds = [o for o, _ in placed]  # increasing: in-place and deleted entries follow the old order
    out = {}
    for m in matches:
        if m.status == MOVED:
            k = bisect_left(olds, m.old)
            out[m.old] = placed[k - 1][1] if k else -1
    return out


# --- state -------------------------------------------------------------------------------


class _State:
    """The clauses of both sides, the pairs found so far and the in-order backbone."""

    def __init__(self, old: Sequence[Clause], new: Sequence[Clause]):
        self.old = old
        self.new = new
        self.okeys = [_match_key(c) for c in old]
        self.nkeys = [_match_key(c) for c in new]
        self.o2n: Dict[int, int] = {}
        self.n2o: Dict[int, int] = {}
        self.moved: set = set()  # old indices paired out of order
        self.chain_o: List[int] = []  # backbone, increasing on both sides
        self.chain_n: List[int] = []
        # Bounds the work on drafts with little in common; a mostly-unchanged draft uses
        # about one exact similarity per edited clause.
        self.budget = _EXACT_BUDGET_PER_CLAUSE * (len(old) + len(new)) + _EXACT_BUDGET_BASE
        self._grams: Dict[Tuple[int, int], frozenset] = {}
        self._sims: Dict[Tuple[int, int], float] = {}

    def pair(self, o: int, n: int, moved: bool = False) -> None:
        self.o2n[o] = n
        self.n2o[n] = o
        if moved:
            self.moved.add(o)
            return
        at = bisect_left(self.chain_o, o)
        self.chain_o.insert(at, o)
        self.chain_n.insert(at, n)

    def fits_chain(self, o: int, n: int) -> bool:
        """True when (o, n) keeps the backbone increasing on both sides."""
        at = bisect_left(self.chain_o, o)
        low = self.chain_n[at - 1] if at else -1
        high = self.chain_n[at] if at < len(self.chain_n) else len(self.new)
        return low < n < high

    def gaps(self) -> List[Tuple[List[int], List[int]]]:
        """The unpaired indices between consecutive backbone pairs, on both sides."""
        out = []
        bounds = list(zip(self.chain_o, self.chain_n)) + [(len(self.old), len(self.new))]
        po, pn = -1, -1
        for o, n in bounds:
            if o - po > 1 or n - pn > 1:  # most neighbours are adjacent on both sides
                olds = [i for i in range(po + 1, o) if i not in self.o2n]
                news = [j for j in range(pn + 1, n) if j not in self.n2o]
                if olds or news:
                    out.append((olds, news))
            po, pn = o, n
        return out

    def similarity(self, o: int, n: int) -> float:
        if self.okeys[o] == self.nkeys[n]:
            return 1.0
        got = self._sims.get((o, n))
        if got is None:
            got = self._sims[(o, n)] = body_similarity(self.old[o].body, self.new[n].body)
        return got

    def similarity_within_budget(self, o: int, n: int) -> float:
        """The similarity, or 0.0 once the budget of exact similarities is spent."""
        if self.okeys[o] == self.nkeys[n] or (o, n) in self._sims:
            return self.similarity(o, n)
        if self.budget <= 0:
            return 0.0
        self.budget -= 1
        return self.similarity(o, n)

    def grams(self, side: int, i: int) -> frozenset:
        got = self._grams.get((side, i))
        if got is None:
            body = (self.old if side == 0 else self.new)[i].body
            got = self._grams[(side, i)] = trigrams(body)
        return got

    def context_ok(self, o: int, n: int) -> bool:
        """True unless both bodies are short and their parents disagree."""
        oc, nc = self.old[o], self.new[n]
        if len(oc.body) >= SHORT_BODY and len(nc.body) >= SHORT_BODY:
            return True
        return self.parents_agree(o, n)

    def parents_agree(self, o: int, n: int) -> bool:
        po, pn = self.old[o].parent, self.new[n].parent
        if po is None or pn is None:
            return po is None and pn is None
        if po in self.o2n:
            return self.o2n[po] == pn
        if pn in self.n2o:
            return False
        return self.similarity_within_budget(po, pn) >= EDIT_THRESHOLD


def _match_key(c: Clause) -> str:
    # Empty bodies (a bare "หมวด ๒") are equal only within a kind.
    return c.body if c.body else "\x00" + c.kind


# --- stage 1 and 2: exact bodies ---------------------------------------------------------


def _anchor_unique(st: _State) -> None:
    """Pair bodies unique on both sides; those off the longest in-order chain are moves."""
    pairs = _unique_pairs(st, range(len(st.old)), range(len(st.new)))
    backbone = _increasing(pairs)
    st.chain_o = [o for o, _ in backbone]
    st.chain_n = [n for _, n in backbone]
    on_chain = set(backbone)
    for o, n in pairs:
        st.o2n[o] = n
        st.n2o[n] = o
        if (o, n) not in on_chain:
            st.moved.add(o)


def _unique_pairs(st: _State, olds, news) -> List[Tuple[int, int]]:
    """Pairs (o, n) whose key occurs once in ``olds`` and once in ``news``, ordered by n."""
    once_old = _once(st.okeys, olds)
    once_new = _once(st.nkeys, news)
    pairs = [(once_old[k], n) for k, n in once_new.items() if k in once_old]
    pairs = [(o, n) for o, n in pairs if st.context_ok(o, n)]
    pairs.sort(key=lambda p: p[1])
    return pairs


def _once(keys: List[str], indices) -> Dict[str, int]:
    seen: Dict[str, int] = {}
    repeated = set()
    for i in indices:
        k = keys[i]
        if k in seen:
            repeated.add(k)
        else:
            seen[k] = i
    return {k: i for k, i in seen.items() if k not in repeated}


def _increasing(pairs: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Longest subsequence of ``pairs`` (ordered by new index) increasing in old index."""
    tails: List[int] = []  # tails[k]: old index ending the best chain of length k + 1
    tail_at: List[int] = []  # position in ``pairs`` of that tail
    back = [-1] * len(pairs)
    for i, (o, _) in enumerate(pairs):
        k = bisect_left(tails, o)
        back[i] = tail_at[k - 1] if k else -1
        if k == len(tails):
            tails.append(o)
            tail_at.append(i)
        else:
            tails[k] = o
            tail_at[k] = i
    out = []
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        out.append(pairs[i])
        i = back[i]
    return out[::-1]


def _refine_gap(st: _State, olds: List[int], news: List[int]) -> None:
    """Pair equal bodies at the ends of a gap, then bodies unique inside it, recursively."""
    stack = [(olds, news)]
    while stack:
        olds, news = stack.pop()
        olds, news = _strip_ends(st, olds, news, _equal_in_context)
        if not olds or not news:
            continue
        pairs = _unique_pairs(st, olds, news)
        backbone = _increasing(pairs)
        if not backbone:
            continue  # nothing exact left: the similarity stage takes the gap
        for o, n in backbone:
            st.pair(o, n)
        stack.extend(_split(olds, news, backbone))


def _strip_ends(st: _State, olds: List[int], news: List[int], same) -> Tuple[List[int], List[int]]:
    """Pair the gap's first and last clauses while ``same(st, o, n)``; return what is left."""
    lo = 0
    while lo < min(len(olds), len(news)) and same(st, olds[lo], news[lo]):
        st.pair(olds[lo], news[lo])
        lo += 1
    hi_o, hi_n = len(olds), len(news)
    while hi_o > lo and hi_n > lo and same(st, olds[hi_o - 1], news[hi_n - 1]):
        st.pair(olds[hi_o - 1], news[hi_n - 1])
        hi_o -= 1
        hi_n -= 1
    return olds[lo:hi_o], news[lo:hi_n]


def _equal_in_context(st: _State, o: int, n: int) -> bool:
    return st.okeys[o] == st.nkeys[n] and st.context_ok(o, n)


def _split(olds: List[int], news: List[int], backbone: List[Tuple[int, int]]):
    """The sub-gaps of (olds, news) between consecutive pairs of ``backbone``."""
    out = []
    io = inn = 0
    for o, n in backbone + [(None, None)]:
        jo = olds.index(o, io) if o is not None else len(olds)
        jn = news.index(n, inn) if n is not None else len(news)
        if jo > io and jn > inn:
            out.append((olds[io:jo], news[inn:jn]))
        io, inn = jo + 1, jn + 1
    return out


# --- stage 3 and 4: similar bodies -------------------------------------------------------


def _pair_in_gap(st: _State, olds: List[int], news: List[int]) -> None:
    """Pair similar bodies inside one gap, in order (heaviest increasing chain)."""
    if not olds or not news:
        return
    if len(olds) * len(news) > _BRUTE_FORCE_PAIRS:
        # A draft-wide rewording leaves long gaps of near-copies: pair them cheaply in order.
        olds, news = _strip_ends(st, olds, news, _near_copy)
    scored = []
    for o, n, sim in _candidates(st, olds, news, EDIT_THRESHOLD):
        weight = sim + _KIND_BONUS * (st.old[o].kind == st.new[n].kind)
        weight += _PARENT_BONUS * st.parents_agree(o, n)
        scored.append((o, n, weight))
    for o, n in heaviest_chain(scored):
        st.pair(o, n)


def _near_copy(st: _State, o: int, n: int) -> bool:
    if _overlap(st, o, n, MOVE_THRESHOLD) < _DICE_FLOOR[MOVE_THRESHOLD]:
        return False
    return st.context_ok(o, n) and st.similarity_within_budget(o, n) >= MOVE_THRESHOLD


def _pair_moves(st: _State) -> None:
    """Pair what is left across gaps, parents first; pairs that fit the backbone are in place."""
    olds = [o for o in range(len(st.old)) if o not in st.o2n]
    news = [n for n in range(len(st.new)) if n not in st.n2o]
    if not olds or not news:
        return
    by_level: Dict[int, list] = {}
    for o, n, sim in _candidates(st, olds, news, MOVE_THRESHOLD):
        by_level.setdefault(st.old[o].level, []).append((o, n, sim))
    for level in sorted(by_level):
        ranked = sorted(
            by_level[level],
            key=lambda c: (-(c[2] + _PARENT_BONUS * 2 * st.parents_agree(c[0], c[1])), c[0], c[1]),
        )
        for o, n, _ in ranked:
            if o in st.o2n or n in st.n2o or not st.context_ok(o, n):
                continue
            st.pair(o, n, moved=not st.fits_chain(o, n))


def _candidates(st: _State, olds: List[int], news: List[int], threshold: float):
    """Pairs (o, n, similarity) at or above ``threshold`` whose parents agree when short.

    Each new clause gets an exact similarity with its few best old clauses by shared
    trigrams only, which bounds the work when two drafts have little in common.
    """
    large = len(olds) * len(news) > _BRUTE_FORCE_PAIRS
    pool = _indexed_pool(st, olds, news) if large else None
    per_clause = _EXACT_PER_CLAUSE_LARGE if large else _EXACT_PER_CLAUSE
    out = []
    for n in news:
        fitting = [o for o in (pool[n] if large else olds) if st.context_ok(o, n)]
        ranked = sorted((-_overlap(st, o, n, threshold), o) for o in fitting)
        for score, o in ranked[:per_clause]:
            if -score < _DICE_FLOOR[threshold]:
                break
            sim = st.similarity_within_budget(o, n)
            if sim >= threshold:
                out.append((o, n, sim))
                if large:
                    break  # in a long gap the best-looking partner will do
    return out


def _overlap(st: _State, o: int, n: int, threshold: float) -> float:
    """Trigram Dice of two bodies (2.0 when equal, 0.0 when their lengths rule them out)."""
    a, b = st.old[o].body, st.new[n].body
    if a == b:
        return 2.0
    if 2.0 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
        return 0.0
    ga, gb = st.grams(0, o), st.grams(1, n)
    return 2.0 * len(ga & gb) / (len(ga) + len(gb))


def _indexed_pool(st: _State, olds: List[int], news: List[int]) -> Dict[int, List[int]]:
    """For each new clause, the old clauses sharing the most rare trigrams, and equal bodies."""
    postings: Dict[str, List[int]] = {}
    equal: Dict[Tuple[str, Optional[int]], List[int]] = {}
    for o in olds:
        equal.setdefault((st.okeys[o], _parent_partner(st, o)), []).append(o)
        for g in st.grams(0, o):
            postings.setdefault(g, []).append(o)
    common = max(16, len(olds) // 20)  # trigrams in many clauses ("ให้", "การ") say little
    pool = {}
    for n in news:
        tally: Dict[int, int] = {}
        for g in st.grams(1, n):
            hits = postings.get(g, ())
            if len(hits) <= common:
                for o in hits:
                    tally[o] = tally.get(o, 0) + 1
        top = sorted(tally, key=lambda o: (-tally[o], o))[:_CANDIDATES_PER_CLAUSE]
        # Repeated short bodies: those under the matching parent, then a few not yet placed.
        key = st.nkeys[n]
        same = equal.get((key, st.new[n].parent), []) + equal.get((key, -1), [])[:_CANDIDATES_PER_CLAUSE]
        pool[n] = sorted(set(top) | set(same))
    return pool


def _parent_partner(st: _State, o: int) -> Optional[int]:
    """The new index paired with the old clause's parent: None at top level, -1 if unpaired."""
    parent = st.old[o].parent
    return None if parent is None else st.o2n.get(parent, -1)


# --- output ------------------------------------------------------------------------------


def _emit(st: _State) -> List[ClauseMatch]:
    """New-document order; each deleted clause follows the in-place pair before it in old."""
    after: Dict[int, List[int]] = {}  # new index (-1: document start) -> deleted old indices
    anchor = -1
    for o in range(len(st.old)):
        if o not in st.o2n:
            after.setdefault(anchor, []).append(o)
        elif o not in st.moved:
            anchor = st.o2n[o]
    out = [_deleted(st, o) for o in after.get(-1, ())]
    for n in range(len(st.new)):
        out.append(_paired(st, st.n2o[n], n) if n in st.n2o else _inserted(st, n))
        out.extend(_deleted(st, o) for o in after.get(n, ()))
    return out


def _paired(st: _State, o: int, n: int) -> ClauseMatch:
    sim = st.similarity(o, n)
    if o in st.moved:
        status = MOVED
    else:
        status = UNCHANGED if sim == 1.0 else EDITED
    a, b = st.old[o].number, st.new[n].number
    renumbered = a != b and _comparable_number(a) != _comparable_number(b)
    return ClauseMatch(status, o, n, st.old[o].path, sim, renumbered)


def _inserted(st: _State, n: int) -> ClauseMatch:
    return ClauseMatch(INSERTED, None, n, _INSERTED_PREFIX + st.new[n].path)


def _deleted(st: _State, o: int) -> ClauseMatch:
    return ClauseMatch(DELETED, o, None, st.old[o].path)


def _comparable_number(number: str) -> str:
    """A clause number as compared for renumbering: Arabic digits, no spaces (๑ ๒ = 12)."""
    return to_arabic(number).replace(" ", "")
