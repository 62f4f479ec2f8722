"""Per-clause history: which version brought each clause's current wording, on whose proposal.

Alignments between consecutive versions are derived data kept in the store's cache (see
``archive``): computed once, when a version is added or the first time blame needs them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..core.model import Clause
from ..errors import ArchiveError
from ..store import Store
from ..store.base import Round, Version
from ..thaidate import to_be_long
from .archive import align_key, cache_quietly, dumps, version_clauses, version_paths
from .rounds import annotations_from_json
from ..i18n import _

ALIGN_FORMAT = 2  # bump when the stored alignment's shape changes (2: titles over several paragraphs, bodies
# without a leading line break, #15): older entries are recomputed
NO_PREVIOUS = -1  # in a stored alignment: the new clause has no partner in the older version
_MIN_INSERTED_MATCH = 8  # characters: shorter proposed paragraphs say too little to credit

@dataclass(frozen=True)
class Alignment:
    """For each clause of the newer version: its partner's index in the older one, and whether their bodies match."""

    old: Tuple[int, ...]  # NO_PREVIOUS when inserted
    equal: Tuple[bool, ...]


def alignment(store: Store, old: Version, new: Version, *, new_clauses=None) -> Alignment:
    """Return the clause alignment of two versions (cached by their sha256 pair)."""
    key = align_key(old.sha256, new.sha256)
    cached = store.get_cache(key)
    if cached is not None:
        data = json.loads(cached)
        if data.get("format") == ALIGN_FORMAT:
            return Alignment(tuple(data["old"]), tuple(bool(e) for e in data["equal"]))
    from ..core.align import align

    a = version_clauses(store, old)
    b = new_clauses if new_clauses is not None else version_clauses(store, new)
    partner = [NO_PREVIOUS] * len(b)
    for m in align(a, b):
        if m.new is not None and m.old is not None:
            partner[m.new] = m.old
    equal = [o != NO_PREVIOUS and a[o].body == b[n].body for n, o in enumerate(partner)]
    cache_quietly(store, key, dumps({"format": ALIGN_FORMAT, "old": partner, "equal": [int(e) for e in equal]}))
    return Alignment(tuple(partner), tuple(equal))


@dataclass(frozen=True)
class _Origin:
    """Where a clause's current wording came from: the version (position in history), its index
    there, and its partner in the version before (None when it was inserted or is in the first)."""

    at: int
    index: int
    previous: Optional[int]


def _origins(store: Store, history: Sequence[Version], targets: Sequence[int]) -> Dict[int, _Origin]:
    """Walk back from the last version of ``history`` while each target clause's body stays the same."""
    current = {t: t for t in targets}
    found: Dict[int, _Origin] = {}
    at = len(history) - 1
    while current and at > 0:
        al = alignment(store, history[at - 1], history[at])
        still = {}
        for target, i in current.items():
            o = al.old[i]
            if o == NO_PREVIOUS or not al.equal[i]:
                found[target] = _Origin(at, i, None if o == NO_PREVIOUS else o)
            else:
                still[target] = o
        current, at = still, at - 1
    for target, i in current.items():
        found[target] = _Origin(at, i, None)
    return found


def select_clauses(clauses: Sequence[Clause], ref: Optional[str]) -> List[int]:
    """Return the indices of the clauses ``ref`` names ("ข้อ ๕", "5", "หมวด ๒ ข้อ ๘"); all when None."""
    if ref is None:
        return list(range(len(clauses)))
    from ..forms.clauseref import WHOLE_DOCUMENT, parse_clause_ref, path_matches

    path = parse_clause_ref(ref)
    if path is None:
        raise ArchiveError(_('--clause "{ref}" is not a clause reference (e.g. "ข้อ ๕", "5", "หมวด ๒ ข้อ ๘")').format(
            ref=ref))
    if path == WHOLE_DOCUMENT:
        return list(range(len(clauses)))
    chosen = [i for i, c in enumerate(clauses) if path_matches(path, c.path)]
    if not chosen:
        raise ArchiveError(_('no clause "{ref}" in this version').format(ref=ref))
    return chosen


def blame(store: Store, ref, clause: Optional[str] = None) -> List[dict]:
    """For each clause of version ``ref`` (or those ``clause`` names): who introduced its wording."""
    target = store.get_version(ref)
    history = [v for v in store.list_versions() if v.seq <= target.seq]
    clauses = version_clauses(store, target)
    chosen = select_clauses(clauses, clause)
    origins = _origins(store, history, chosen)
    credit = _Credit(store, history)
    from ..core.structure import display_label

    rows = []
    for i in chosen:
        c, origin = clauses[i], origins[i]
        proposals = credit.proposals(origin, c.body)
        rows.append({
            "label": display_label(clauses, i), "path": c.path, "kind": c.kind,
            "text": c.text.split("\n", 1)[0],
            "introduced": _version_ref(history[origin.at]),
            "how": "first" if origin.at == 0 else ("edited" if origin.previous is not None else "inserted"),
            "previous": _previous_json(credit, origin),
            "proposals": proposals,
            "divisions": list(dict.fromkeys(p["division"] for p in proposals)),
        })
    return rows


def _version_ref(v: Version) -> dict:
    return {"seq": v.seq, "label": v.label, "date": v.date, "date_be": to_be_long(v.date)}


def _previous_json(credit: "_Credit", origin: _Origin) -> Optional[dict]:
    """The version before the one that introduced the wording, and the clause as it was there."""
    if origin.at == 0:
        return None
    prev = credit.history[origin.at - 1]
    out = _version_ref(prev)
    out["path"] = None
    if origin.previous is not None:
        out["path"] = credit.paths(origin.at - 1)[origin.previous]
    return out


class _Credit:
    """Finds the round proposals that caused a wording: rounds based on the version before it."""

    def __init__(self, store: Store, history: Sequence[Version]):
        self.store = store
        self.history = history
        self.by_base: Dict[int, List[Round]] = {}
        for r in store.list_rounds():
            self.by_base.setdefault(r.base_seq, []).append(r)
        self._clauses: Dict[int, tuple] = {}
        self._paths: Dict[int, tuple] = {}
        self._annotations: Dict[str, tuple] = {}

    def clauses(self, at: int) -> tuple:
        if at not in self._clauses:
            self._clauses[at] = version_clauses(self.store, self.history[at])
        return self._clauses[at]

    def paths(self, at: int) -> tuple:
        if at not in self._paths:
            self._paths[at] = version_paths(self.store, self.history[at])
        return self._paths[at]

    def annotations(self, r: Round) -> tuple:
        if r.name not in self._annotations:
            self._annotations[r.name] = annotations_from_json(r.annotations_json).annotations
        return self._annotations[r.name]

    def proposals(self, origin: _Origin, body: str) -> List[dict]:
        """Return the proposals, from rounds on the previous version, whose wording is in ``body``."""
        if origin.at == 0:
            return []
        rounds = self.by_base.get(self.history[origin.at - 1].seq, [])
        if not rounds:
            return []
        old = self.clauses(origin.at - 1)[origin.previous] if origin.previous is not None else None
        out = []
        for r in rounds:
            for a in self.annotations(r):
                if a.kind == "proposal" and _caused(a, old, body):
                    out.append({"round": r.name, "division": a.division, "id": a.id, "action": a.action,
                                "clause": a.clause, "quote": a.quote, "text": a.text})
        return out


def _caused(a, old: Optional[Clause], body: str) -> bool:
    """Whether proposal ``a`` shows in ``body``, the new wording of ``old`` (None: a new clause)."""
    if old is None:
        # A proposed new paragraph that became a clause of its own: its words are that clause.
        new = " ".join(body.split())
        proposed = " ".join(a.text.split())
        return a.new_paragraph and len(new) >= _MIN_INSERTED_MATCH and new in proposed
    if a.anchor.clause != old.path:
        return False
    if a.text:
        return body.count(a.text) > old.body.count(a.text)
    return bool(a.quote) and body.count(a.quote) < old.body.count(a.quote)


