"""``Outline``: one document's clauses and where each paragraph's text sits in them, mapping a
span both ways — paragraph text ↔ clause text — with small value types for the two.

The importer maps a reviewed copy's spans onto the base draft's clauses (``clause_span``);
the merge and the committee package map a clause span back onto paragraphs, to write a
tracked change or a comment there (``para_span``, ``para_spans``).
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from .structure import display_label, outline_places


class ClauseSpan(NamedTuple):
    """Characters [start, end) of clause ``clause``'s text (an index into the outline's clauses)."""

    clause: int
    start: int
    end: int


class ParaSpan(NamedTuple):
    """Characters [start, end) of paragraph ``para``'s text (its flat position in the document);
    None where a span runs on from the paragraph before or into the one after."""

    para: int
    start: Optional[int]
    end: Optional[int]


class Outline:
    """The clauses of one document and the place of each paragraph's text in them."""

    def __init__(self, clauses: Sequence, places: Sequence):
        self.clauses, self.places = tuple(clauses), tuple(places)
        self.index = {c.path: i for i, c in enumerate(self.clauses)}
        self.by_clause: Dict[int, List[Tuple[int, object]]] = {}
        for k, place in enumerate(self.places):
            if place is not None:
                self.by_clause.setdefault(place.clause, []).append((k, place))

    @classmethod
    def of(cls, doc) -> "Outline":
        return cls(*outline_places(doc))

    def clause_name(self, ci: int) -> str:
        """How people cite clause ``ci`` ("หมวด ๒ ข้อ ๕ (๓)")."""
        return display_label(self.clauses, ci)

    def clause_span(self, para: int, start: int, end: int) -> Optional[ClauseSpan]:
        """The clause span of paragraph ``para``'s text [start, end), kept inside the paragraph's part."""
        place = self.places[para]
        if place is None:
            return None
        a = min(max(place.start + start, place.lo), place.hi)
        return ClauseSpan(place.clause, a, min(max(place.start + end, a), place.hi))

    def para_span(self, clause_path: str, start: int, end: int) -> Optional[ParaSpan]:
        """The paragraph span of a clause span; one over several paragraphs is cut at the first."""
        ci = self.index.get(clause_path)
        return None if ci is None else self.para_span_at(ci, start, end)

    def para_span_at(self, ci: int, start: int, end: int) -> Optional[ParaSpan]:
        paras = self.by_clause.get(ci, [])
        for k, place in paras:
            if start < place.hi or (start == place.hi and start == end):
                a = max(start, place.lo) - place.start
                return ParaSpan(k, a, max(min(end, place.hi) - place.start, a))
        if paras:
            k, place = paras[-1]
            return ParaSpan(k, place.hi - place.start, place.hi - place.start)
        return None

    def para_spans(self, clause_path: str, start: int, end: int) -> List[ParaSpan]:
        """A paragraph span for each paragraph a clause span covers."""
        ci = self.index.get(clause_path)
        return [] if ci is None else self.para_spans_at(ci, start, end)

    def para_spans_at(self, ci: int, start: int, end: int) -> List[ParaSpan]:
        first = self.para_span_at(ci, start, end)
        if first is None:
            return []
        covered = [(k, place) for k, place in self.by_clause.get(ci, [])
                   if place.lo < end and place.hi > start and k > first.para]
        if not covered:
            return [first]
        k, place = covered[-1]
        return ([ParaSpan(first.para, first.start, None)] + [ParaSpan(k, None, None) for k, _ in covered[:-1]]
                + [ParaSpan(k, None, min(end, place.hi) - place.start)])
