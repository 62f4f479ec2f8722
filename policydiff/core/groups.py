"""Conflicts and duplicates among a round's annotations: proposals of several divisions over the
same words with different wording, and the same proposal or comment sent by several divisions.
Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from .anchors import Anchor
from .annotations import PROPOSAL, Annotation
from .objects import squeezed


@dataclass(frozen=True)
class Group:
    """Annotations that concern the same words: a conflict or a set of duplicates."""

    clause: str
    quote: str
    members: Tuple[str, ...]  # annotation ids
    divisions: Tuple[str, ...]
    texts: Tuple[str, ...] = ()


def _overlap(a: Anchor, b: Anchor) -> bool:
    if a.clause != b.clause or not a.clause:
        return False
    if a.start == a.end or b.start == b.end:
        return a.start == b.start or (a.start < b.end and b.start < a.end) or (b.start < a.end and a.start < b.end)
    return a.start < b.end and b.start < a.end


def _buckets(annotations: Sequence[Annotation], key) -> List[List[Annotation]]:
    """The annotations split by ``key``, order kept: only annotations of one bucket can group."""
    buckets: Dict[object, List[Annotation]] = {}
    for a in annotations:
        buckets.setdefault(key(a), []).append(a)
    return list(buckets.values())


def _in_first_member_order(groups: List[List[Annotation]], annotations: Sequence[Annotation]):
    order = {id(a): n for n, a in enumerate(annotations)}
    return sorted(groups, key=lambda g: order[id(g[0])])


def conflicts(annotations: Sequence[Annotation]) -> Tuple[Group, ...]:
    """Proposals from different divisions over the same base words with different wording."""
    props = [a for a in annotations if a.kind == PROPOSAL and a.anchor.clause]
    groups: List[List[Annotation]] = []
    # Per clause (overlap needs one clause), so a form of 100,000 rows stays linear across clauses.
    for bucket in _buckets(props, lambda a: a.anchor.clause):
        if len({a.division for a in bucket}) < 2:
            continue  # one division cannot conflict with itself
        mine: List[List[Annotation]] = []
        for a in bucket:
            for g in mine:
                if any(_overlap(a.anchor, b.anchor) for b in g):
                    g.append(a)
                    break
            else:
                mine.append([a])
        groups.extend(mine)
    out = []
    for g in _in_first_member_order(groups, props):
        if len({a.division for a in g}) > 1 and len({a.text for a in g}) > 1:
            out.append(Group(g[0].clause, g[0].quote, tuple(a.id for a in g), tuple(a.division for a in g),
                             tuple(a.text for a in g)))
    return tuple(out)


DUPLICATE_SIMILARITY = 0.85  # near-identical wording anywhere in the same clause
SAME_WORDS_OVERLAP = 0.3  # shared words, for comments on the very same quoted words


def duplicates(annotations: Sequence[Annotation]) -> Tuple[Group, ...]:
    """The same proposal, or near-identical comments on one clause, from several divisions."""
    groups: List[List[Annotation]] = []
    for bucket in _buckets(annotations, lambda a: (a.kind, a.anchor.clause)):
        if len({a.division for a in bucket}) < 2:
            continue  # duplicates come from different divisions
        if len(bucket) > DUPLICATE_FUZZY_MAX:
            # A huge form: comparing every pair would take hours; only exact repeats are found.
            groups.extend(g for same in _buckets(bucket, _exact_key) for g in _one_per_division(same))
            continue
        mine: List[List[Annotation]] = []
        for a in bucket:
            for g in mine:
                if a.division not in {x.division for x in g} and _same(a, g[0]):
                    g.append(a)
                    break
            else:
                mine.append([a])
        groups.extend(mine)
    groups = _in_first_member_order(groups, annotations)
    return tuple(Group(g[0].clause, g[0].quote, tuple(a.id for a in g), tuple(a.division for a in g),
                       tuple(a.text for a in g)) for g in groups if len(g) > 1)


def _same(a: Annotation, b: Annotation) -> bool:
    from .similarity import similarity

    if a.kind == PROPOSAL:
        return a.text == b.text and a.quote == b.quote
    if similarity(squeezed(a.text), squeezed(b.text)) >= DUPLICATE_SIMILARITY:
        return True
    return a.quote == b.quote and bool(a.quote) and _word_overlap(a.text, b.text) >= SAME_WORDS_OVERLAP


def _word_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two texts' words (Thai segmented; spaces and punctuation ignored)."""
    from .tokens import tokenize

    wa = {t for t in tokenize(a) if t.strip() and t[0].isalpha()}
    wb = {t for t in tokenize(b) if t.strip() and t[0].isalpha()}
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


DUPLICATE_FUZZY_MAX = 2000  # annotations on one clause above which only exact repeats are looked for


def _exact_key(a: Annotation):
    return (a.text, a.quote) if a.kind == PROPOSAL else squeezed(a.text)


def _one_per_division(same: List[Annotation]) -> List[List[Annotation]]:
    """Equal annotations dealt into groups holding at most one of each division, first come first."""
    groups: List[List[Annotation]] = []
    taken: Dict[str, int] = {}  # the groups holding a division are always the first ones
    for a in same:
        k = taken.get(a.division, 0)
        taken[a.division] = k + 1
        if k == len(groups):
            groups.append([a])
        else:
            groups[k].append(a)
    return groups
