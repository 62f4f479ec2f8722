"""A comment round as the web app shows it: every comment and proposal placed on a later version,
with its suggested result and the result saved for it; and the documents built from the saved
results (the committee package, the consolidated copy, the disposition table).

Placing a round's annotations and suggesting results is the slow part (a 3,000-clause round takes
seconds), so it is kept in memory per (round annotations, base, revised version); the saved results
are read from the archive on every call, so a page always shows the latest.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..i18n import _
from ..store import Store
from ..store.base import Round, Version

_CACHE_SIZE = 8
_cache: "OrderedDict[tuple, tuple]" = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Item:
    """One comment or proposal of a round, as a row of the round's pages."""

    key: str  # the annotation's id, the disposition's key
    number: int
    division: str
    kind: str  # comment | proposal
    clause: str  # the base draft's label ("ข้อ ๑๔")
    clause_path: str  # the base clause's identity, "" for an orphan
    new_clause: str  # the revised draft's label, "" where none
    quote: str
    text: str  # what it says, readable without the draft (the disposition table's wording)
    status: str  # anchored | moved | fuzzy | deleted | orphan
    suggested: str  # a result of forms.dispositions.RESULTS, "" with no revised version
    suggested_reason: str
    result: str  # the saved result, else the suggested one
    reason: str
    saved: bool  # whether the editor saved a result for it
    late: bool
    source: str


@dataclass(frozen=True)
class RoundView:
    """A round placed on a revised version (or on its own base while there is none)."""

    round: Round
    base: Version
    against: Optional[Version]
    items: Tuple[Item, ...]
    conflicts: tuple  # core.groups.Group
    duplicates: tuple
    problems: tuple  # sources.Problem
    revision: Optional[int]  # the latest saved disposition revision, None before any


def later_versions(store: Store, r: Round) -> List[Version]:
    """The versions added after a round's base: the candidates for its revised draft."""
    return [v for v in store.list_versions() if v.seq > r.base_seq]


def revised_version(store: Store, r: Round, ref: Optional[str] = None) -> Optional[Version]:
    """The version chosen as the round's revised draft: ``ref``, else the latest after its base
    (the one ``roundwork`` suggests the stored table's results against)."""
    if ref:
        return store.get_version(ref)
    later = later_versions(store, r)
    return later[-1] if later else None


def round_view(store: Store, name: str, against: Optional[str] = None, *, saved=None) -> RoundView:
    """The round ``name`` placed on ``against`` (a version label; default: the latest after its base)
    with the saved results (``saved``: (revision, Disposition rows); read from the archive if None)."""
    from .rounds import annotations_from_json

    r = store.get_round(name)
    base, new = store.get_version(r.base_seq), revised_version(store, r, against)
    anns, placed, suggestions, groups = _placed(store, r, base, new)
    revision, rows = saved if saved is not None else stored_rows(store, name)
    decided = {d.key: d for d in rows if d.key}
    items = tuple(_item(n, p, s, decided.get(p.annotation.id), new is not None)
                  for n, (p, s) in enumerate(zip(placed, suggestions), 1))
    return RoundView(r, base, new, items, groups[0], groups[1], annotations_from_json(r.annotations_json).problems,
                     revision)


def stored_rows(store: Store, name: str) -> Tuple[Optional[int], tuple]:
    """(the latest disposition revision or None, its rows as Disposition values)."""
    from .rounds import stored_dispositions

    latest = store.get_dispositions(name)
    return (latest.revision if latest else None), stored_dispositions(store, name)


def _placed(store: Store, r: Round, base: Version, new: Optional[Version]) -> tuple:
    """(annotations, placed, suggestions, (conflicts, duplicates)), from memory when computed before."""
    key = (hashlib.sha256(r.annotations_json.encode("utf-8")).hexdigest(), base.sha256,
           new.sha256 if new else "")
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = _compute(store, r, base, new)
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def _compute(store: Store, r: Round, base: Version, new: Optional[Version]) -> tuple:
    from ..core import disposition as disp
    from ..core.annotations import reanchor_all
    from ..core.groups import conflicts, duplicates
    from .archive import version_clauses
    from .rounds import annotations_from_json

    anns = annotations_from_json(r.annotations_json).annotations
    old_clauses = version_clauses(store, base)
    new_clauses = version_clauses(store, new) if new else old_clauses
    order = {c.path: i for i, c in enumerate(old_clauses)}
    ordered = sorted(anns, key=lambda a: (order.get(a.anchor.clause, len(order)), a.anchor.start))
    placed = tuple(reanchor_all(ordered, old_clauses, new_clauses))
    suggestions = disp.suggest_all(placed, old_clauses, new_clauses) if new else tuple(None for _ in placed)
    labels = tuple(_label(new_clauses, p.clause) if p.clause is not None else "" for p in placed)
    placed = tuple(_Landed(p, label) for p, label in zip(placed, labels))
    return anns, placed, suggestions, (conflicts(anns), duplicates(anns))


@dataclass(frozen=True)
class _Landed:
    """A placed annotation with its new clause's label."""

    placed: object
    new_label: str

    @property
    def annotation(self):
        return self.placed.annotation


def _label(clauses, index: int) -> str:
    from ..core.structure import display_label

    return display_label(clauses, index)


def _item(n: int, landed: _Landed, s, decided, revised: bool) -> Item:
    from .pages import describe

    a, p = landed.annotation, landed.placed
    suggested, why = (s.result, s.reason) if s is not None else ("", "")
    result, reason = (decided.result, decided.reason) if decided is not None else (suggested, why)
    # The stored table holds every row once anything was saved: a row counts as decided by the
    # editor where it says other than the suggestion.
    saved = decided is not None and (result, reason) != (suggested, why)
    new_clause = landed.new_label if revised else ""
    return Item(a.id, n, a.division, a.kind, a.clause or "-", a.anchor.clause or "", new_clause, a.quote,
                describe(a), p.status, suggested, why, result, reason, saved, a.late, a.source)


def clause_cell(item: Item) -> str:
    """The clause as the base numbers it, and as the revised draft does where that differs."""
    return f"{item.clause} → {item.new_clause}" if item.new_clause and item.new_clause != item.clause else item.clause


def disposition_table(view: RoundView) -> list:
    """The round's disposition table (forms.dispositions.Disposition rows): saved results, else
    the suggested ones."""
    from ..forms.dispositions import Disposition

    return [Disposition(number=i.number, division=i.division, clause=clause_cell(i), kind=i.kind, text=i.text,
                        result=i.result, reason=i.reason, key=i.key) for i in view.items]


def table_bytes(view: RoundView, fmt: str) -> bytes:
    """The disposition table as .xlsx or .csv bytes."""
    from ..forms.dispositions import disposition_bytes

    return disposition_bytes(f"table.{fmt}", disposition_table(view),
                             title=f"ตารางสรุปผลการพิจารณาความเห็น {view.round.name}")


def package_bytes(store: Store, view: RoundView) -> bytes:
    """The committee package (.docx): the redline base → revised with the comments, the cover and
    the disposition table with the saved results."""
    from ..errors import ArchiveError
    from .archive import load_version
    from .compare import clause_counts, redline_bytes
    from .merge import committee
    from .pages import package_blocks
    from .rounds import annotations_from_json

    if view.against is None:
        raise ArchiveError(_('round "{name}": no revised version yet; add the revised draft first').format(
            name=view.round.name))
    base, new = load_version(store, view.base), load_version(store, view.against)
    imported = annotations_from_json(view.round.annotations_json)
    review = committee(base, new, imported, editor_dispositions=disposition_table(view))
    blocks = package_blocks(review, base, new, round_from=view.round.date_from, round_to=view.round.date_to,
                            counts=clause_counts(base, new))
    return redline_bytes(blocks, new, old=base)[0]


def consolidated_bytes(store: Store, name: str) -> bytes:
    """The consolidated copy (.docx): the base draft with every proposal tracked and every comment."""
    from .archive import load_version
    from .compare import redline_bytes
    from .merge import consolidate
    from .rounds import annotations_from_json

    r = store.get_round(name)
    base = load_version(store, r.base_seq)
    return redline_bytes(consolidate(base, annotations_from_json(r.annotations_json)).redline, base)[0]


def grouped(items: Sequence[Item]) -> List[Tuple[str, List[Item]]]:
    """Items by base clause, in the order of the draft ([(clause label, items)])."""
    out: Dict[str, List[Item]] = {}
    for i in items:
        out.setdefault(i.clause, []).append(i)
    return list(out.items())
