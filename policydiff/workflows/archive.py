"""The archive workflows over the store: add, log, show, diff/redline by label, blame, comment rounds.

The CLI is a thin layer over these; tests and benchmarks call them directly. Everything that
writes history goes through one ``Store`` call, so it is one transaction. Outlines (by sha256),
clause alignments (by sha256 pair) and clause counts are derived data kept in the store's
cache: written when a version is added and, best effort, whenever a reader had to compute
them (a busy archive only means the next reader computes them again).

Heavy modules (the .docx reader, the aligner, the Thai tokenizer) are imported inside the
functions that need them, so ``log`` stays a few SQLite reads.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..core.model import Clause
from ..errors import ArchiveError, InputError
from ..store import DEFAULT_BUSY_TIMEOUT, Store, find_archive, outline_key
from ..store.base import Round, Version
from ..thaidate import parse_date, to_be_long

OUTLINE_FORMAT = 2  # bump when the stored outline's shape changes: older entries are recomputed
ALIGN_FORMAT = 2  # 2: titles over several paragraphs, bodies without a leading line break (#15)
ROUND_FORMAT = 1
NO_PREVIOUS = -1  # in a stored alignment: the new clause has no partner in the older version
_MIN_INSERTED_MATCH = 8  # characters: shorter proposed paragraphs say too little to credit
BUSY_TIMEOUT = DEFAULT_BUSY_TIMEOUT  # seconds a writer waits for another before the busy error


# ---------------------------------------------------------------- stored outlines

def outline_to_json(clauses: Sequence[Clause]) -> str:
    """Return the JSON the archive keeps for a version's clauses (enough to rebuild each Clause)."""
    rows = []
    for c in clauses:
        row = {"kind": c.kind, "label": c.label, "number": c.number, "path": c.path, "level": c.level,
               "parent": c.parent, "blocks": list(c.blocks), "text": c.text}
        # The body is nearly always the text minus its label: keep an offset, not a second copy.
        if c.text.endswith(c.body):
            row["body_at"] = len(c.text) - len(c.body)
        else:
            row["body"] = c.body
        rows.append(row)
    return _dumps({"format": OUTLINE_FORMAT, "clauses": rows})


def outline_from_json(text: str) -> Optional[Tuple[Clause, ...]]:
    """Return the clauses stored by ``outline_to_json``, or None for another format."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != OUTLINE_FORMAT:
        return None
    return tuple(_clause(row) for row in data["clauses"])


def _clause(row: dict) -> Clause:
    body = row["body"] if "body" in row else row["text"][row["body_at"]:]
    return Clause(kind=row["kind"], label=row["label"], number=row["number"], path=row["path"],
                  blocks=tuple(row["blocks"]), text=row["text"], body=body, level=row["level"],
                  parent=row["parent"])


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _stats(clauses: Sequence[Clause]) -> dict:
    """Return the counts ``log`` shows: numbered clauses (ข้อ) and outline entries."""
    return {"clauses": sum(1 for c in clauses if c.kind == "clause"), "entries": len(clauses)}


def _stats_key(sha256: str) -> Tuple[str, str]:
    return ("stats", sha256)


def _paths_key(sha256: str) -> Tuple[str, str]:
    return ("paths", sha256)


def _align_key(old_sha: str, new_sha: str) -> Tuple[str, str, str]:
    return ("align", old_sha, new_sha)


def _cache_quietly(store: Store, key, value_json: str) -> None:
    """Store derived data if the archive lets us now; a busy archive just means no cache."""
    try:
        store.put_cache(key, value_json)
    except ArchiveError:
        pass


# ---------------------------------------------------------------- versions

@dataclass(frozen=True)
class Added:
    """What ``add_file`` did: the version, whether it is new, its clause count, the reader's warnings."""

    version: Version
    created: bool
    clauses: Optional[int]
    warnings: Tuple[str, ...] = ()


def read_file(path) -> bytes:
    """Return a file's bytes; InputError naming it when it is missing, not a regular file
    (a folder, a pipe) or too large."""
    from ..docx.package import read_input

    return read_input(path)


def draft_date(meta, name: str) -> str:
    """Return the ISO date a draft carries in its properties (modified, else created)."""
    for value in (meta.modified, meta.created):
        if value:
            try:
                return parse_date(value)
            except ValueError:
                continue
    raise InputError(name, "has no modified or created date in its document properties; give --date")


def user_date(value: str, what: str = "--date") -> str:
    """Return the ISO date for a date a person typed (ISO or Thai, B.E. or C.E.)."""
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ArchiveError(f"{what}: {exc}") from None


def add_file(store: Store, path, *, label: str, date: Optional[str] = None, note: str = "",
             added_at: str) -> Added:
    """Archive the draft at ``path`` with its outline; known bytes change nothing."""
    return add_bytes(store, read_file(path), Path(path).name, label=label, date=date, note=note,
                     added_at=added_at)


def add_bytes(store: Store, data: bytes, name: str, *, label: str, date: Optional[str] = None,
              note: str = "", added_at: str) -> Added:
    """Archive a draft held in memory (``name`` is its file name); known bytes change nothing."""
    known = store.find_sha(hashlib.sha256(data).hexdigest())
    if known is not None:
        return Added(known, False, None)
    _check_label_free(store, label)
    from .drafts import load_bytes

    draft = load_bytes(data, name)  # refuses what is not a readable .docx before any write
    day = user_date(date) if date else draft_date(draft.doc.meta, name)
    version, created = store.add_version(data, label, day, note, filename=name,
                                         outline_json=outline_to_json(draft.clauses), added_at=added_at)
    if created:
        _cache_quietly(store, _stats_key(version.sha256), _dumps(_stats(draft.clauses)))
        _cache_quietly(store, _paths_key(version.sha256), _dumps([c.path for c in draft.clauses]))
        _align_with_previous(store, version, draft.clauses)
    return Added(version, created, _stats(draft.clauses)["clauses"], tuple(draft.doc.warnings))


def _check_label_free(store: Store, label: str) -> None:
    """Refuse a label already in use before the slow part of an add (the store checks again)."""
    for v in store.list_versions():
        if v.label == label:
            raise ArchiveError(f'the label "{label}" is already used by version {v.seq} '
                               f"({v.filename or 'no file name'}, added {to_be_long(v.added_at)}); "
                               "choose another label")


def _align_with_previous(store: Store, version: Version, clauses) -> None:
    """Cache the alignment with the version before, so blame never waits for it."""
    prev = store.previous(version.seq)
    if prev is not None:
        alignment(store, prev, version, new_clauses=clauses)


def version_clauses(store: Store, version: Version) -> Tuple[Clause, ...]:
    """Return a version's clauses from the cached outline (computing and caching it if absent)."""
    cached = store.get_cache(outline_key(version.sha256))
    clauses = outline_from_json(cached) if cached else None
    if clauses is None:
        clauses = load_version(store, version).clauses
        _cache_quietly(store, outline_key(version.sha256), outline_to_json(clauses))
    return clauses


def version_paths(store: Store, version: Version) -> Tuple[str, ...]:
    """Return the paths of a version's clauses (a small cache entry: blame need not parse outlines)."""
    cached = store.get_cache(_paths_key(version.sha256))
    if cached is not None:
        return tuple(json.loads(cached))
    paths = tuple(c.path for c in version_clauses(store, version))
    _cache_quietly(store, _paths_key(version.sha256), _dumps(list(paths)))
    return paths


def load_version(store: Store, ref):
    """Return an archived version read like a file (``drafts.Version``), named by its file name."""
    from .drafts import load_bytes

    version = ref if isinstance(ref, Version) else store.get_version(ref)
    draft = load_bytes(store.version_bytes(version.seq), version.filename or version.label)
    draft.label, draft.date = version.label, version.date
    return draft


def version_json(v: Version, clauses: Optional[int] = None) -> dict:
    """Return what ``log --json`` says about one version."""
    return {"seq": v.seq, "label": v.label, "date": v.date, "date_be": to_be_long(v.date),
            "sha256": v.sha256, "note": v.note, "filename": v.filename, "added_at": v.added_at,
            "size": v.size, "clauses": clauses}


def log_entries(store: Store) -> List[dict]:
    """Return every version, oldest first, as ``version_json`` rows with its clause count."""
    out = []
    for v in store.list_versions():
        cached = store.get_cache(_stats_key(v.sha256))
        if cached is None:
            stats = _stats(version_clauses(store, v))
            _cache_quietly(store, _stats_key(v.sha256), _dumps(stats))
        else:
            stats = json.loads(cached)
        out.append(version_json(v, stats["clauses"]))
    return out


# ---------------------------------------------------------------- paths or labels

def open_archive(start=None) -> Store:
    """Open the archive in ``start`` (default: the current folder) or the nearest folder above."""
    return Store.open(Path(start) if start is not None else Path.cwd(), busy_timeout=BUSY_TIMEOUT)


def resolve_drafts(old: str, new: str, start=None):
    """The two drafts a comparison names, each an existing file or a version label (the old
    one read first, so its error comes first)."""
    return resolve_draft(old, start), resolve_draft(new, start)


def resolve_draft(arg: str, start=None):
    """Return the draft ``arg`` names: an existing file, else a version label (or seq) in the archive."""
    from .drafts import load

    if os.path.exists(arg):
        return load(arg)
    root = find_archive(Path(start) if start is not None else Path.cwd())
    if root is None:
        return load(arg)  # the reader's own "no such file"
    with Store.open(root, busy_timeout=BUSY_TIMEOUT) as store:
        try:
            version = store.get_version(arg)
        except ArchiveError as exc:
            raise InputError(arg, f"no such file, and {_lowercase_first(str(exc))}") from None
        return load_version(store, version)


def _lowercase_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------- alignments and blame

@dataclass(frozen=True)
class Alignment:
    """For each clause of the newer version: its partner's index in the older one, and whether their bodies match."""

    old: Tuple[int, ...]  # NO_PREVIOUS when inserted
    equal: Tuple[bool, ...]


def alignment(store: Store, old: Version, new: Version, *, new_clauses=None) -> Alignment:
    """Return the clause alignment of two versions (cached by their sha256 pair)."""
    key = _align_key(old.sha256, new.sha256)
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
    _cache_quietly(store, key, _dumps({"format": ALIGN_FORMAT, "old": partner, "equal": [int(e) for e in equal]}))
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
        raise ArchiveError(f'--clause "{ref}" is not a clause reference (e.g. "ข้อ ๕", "5", "หมวด ๒ ข้อ ๘")')
    if path == WHOLE_DOCUMENT:
        return list(range(len(clauses)))
    chosen = [i for i, c in enumerate(clauses) if path_matches(path, c.path)]
    if not chosen:
        raise ArchiveError(f'no clause "{ref}" in this version')
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


# ---------------------------------------------------------------- rounds

def annotation_json(a) -> dict:
    """Return an Annotation (with its Anchor and replies) as plain JSON data."""
    return asdict(a)


def annotation_from_json(data: dict):
    """Return the Annotation ``annotation_json`` wrote."""
    from ..core.anchors import Anchor
    from ..core.annotations import Annotation, Reply

    known = {f.name for f in fields(Annotation)}
    values = {k: v for k, v in data.items() if k in known}
    values["anchor"] = Anchor(**values["anchor"])
    values["replies"] = tuple(Reply(**r) for r in values.get("replies", ()))
    values["warnings"] = tuple(values.get("warnings", ()))
    return Annotation(**values)


def annotations_to_json(imported, base: Version) -> str:
    """Return the JSON a round keeps: its annotations, the importer's warnings and problems."""
    return _dumps({
        "format": ROUND_FORMAT, "base": {"seq": base.seq, "label": base.label, "sha256": base.sha256},
        "annotations": [annotation_json(a) for a in imported.annotations],
        "warnings": list(imported.warnings),
        "problems": [{"source": p.source, "message": p.message} for p in imported.problems],
    })


def annotations_from_json(text: str):
    """Return the ``sources.Imported`` a round stored."""
    from .sources import Imported, Problem

    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != ROUND_FORMAT:
        raise ArchiveError("a round's annotations are in a format this policydiff does not know; upgrade it")
    return Imported(tuple(annotation_from_json(a) for a in data["annotations"]), tuple(data["warnings"]),
                    tuple(Problem(p["source"], p["message"]) for p in data["problems"]))


def default_base(store: Store, date_to: str) -> Version:
    """Return the latest version dated before the round's end, else the latest version."""
    versions = store.list_versions()
    if not versions:
        raise ArchiveError("the archive has no versions yet: `policydiff add` the draft the round commented on")
    before = [v for v in versions if v.date < date_to]
    return max(before or versions, key=lambda v: (v.date, v.seq))


@dataclass(frozen=True)
class RoundAdded:
    round: Round
    imported: object  # sources.Imported


def add_round(store: Store, name: str, date_from: str, date_to: str, sources: Sequence, *,
              base: Optional[str] = None, added_at: str) -> RoundAdded:
    """Record a comment round: its files and their annotations anchored on its base version."""
    from .sources import expand, import_sources

    start, end = user_date(date_from, "--from"), user_date(date_to, "--to")
    if start > end:
        raise ArchiveError(f'round "{name}": it ends ({end}) before it starts ({start})')
    if any(r.name == name for r in store.list_rounds()):
        raise ArchiveError(f'a round named "{name}" already exists; history is not rewritten: choose another name')
    version = store.get_version(base) if base is not None else default_base(store, end)
    files = expand(sources)
    if not files:
        raise ArchiveError(f'round "{name}": no .docx, .csv or .xlsx files in {", ".join(map(str, sources))}')
    contents = [(f.name, read_file(f)) for f in files]
    imported = import_sources(load_version(store, version), files, round_from=start, round_to=end)
    if not imported.annotations and imported.problems:
        raise ArchiveError(f'round "{name}": no usable comments or proposals in its files; nothing recorded')
    recorded = store.add_round(name, start, end, version.seq, contents, annotations_to_json(imported, version),
                               added_at=added_at)
    return RoundAdded(recorded, imported)


def round_json(store: Store, r: Round) -> dict:
    """Return what ``round list --json`` says about one round."""
    data = json.loads(r.annotations_json)
    kinds = [a["kind"] for a in data.get("annotations", ())]
    latest = store.get_dispositions(r.name)
    return {"seq": r.seq, "name": r.name, "from": r.date_from, "to": r.date_to,
            "from_be": to_be_long(r.date_from), "to_be": to_be_long(r.date_to),
            "base": r.base_label, "base_seq": r.base_seq,
            "sources": [{"filename": s.filename, "sha256": s.sha256, "size": s.size} for s in r.sources],
            "comments": kinds.count("comment"), "proposals": kinds.count("proposal"),
            "problems": len(data.get("problems", ())),
            "dispositions_revision": latest.revision if latest else None, "added_at": r.added_at}


# ---------------------------------------------------------------- merge and comments on a round

@dataclass(frozen=True)
class Resolved:
    """A command's base draft and annotations: from files, or from a round in the archive."""

    base: object  # drafts.Version
    imported: object  # sources.Imported
    round_name: Optional[str] = None
    round_from: str = ""
    round_to: str = ""
    root: Optional[Path] = None  # the archive's folder when a round was used
    dispositions: tuple = ()  # the round's latest stored dispositions
    notes: Tuple[str, ...] = ()  # warnings for the person


def resolve_sources(base_arg: str, sources: Sequence[str], *, round_from: str = "", round_to: str = "",
                    start=None, force: bool = False) -> Resolved:
    """Return the base and annotations for SOURCES, which may be one round name instead of files."""
    found = _round_named(sources, start)
    if found is None:
        from .sources import import_sources

        base = resolve_draft(base_arg, start)
        return Resolved(base, import_sources(base, sources, round_from=round_from, round_to=round_to, force=force))
    root, name = found
    with Store.open(root, busy_timeout=BUSY_TIMEOUT) as store:
        r = store.get_round(name)
        base_version = store.get_version(r.base_seq)
        base = load_version(store, base_version)
        imported = annotations_from_json(r.annotations_json)
        notes = _base_notes(base_arg, base_version, name, start)
        return Resolved(base, imported, name, r.date_from, r.date_to, root,
                        stored_dispositions(store, name), notes)


def _round_named(sources: Sequence[str], start) -> Optional[Tuple[Path, str]]:
    """Return (archive folder, round name) when SOURCES is one name that is no path but a round."""
    if len(sources) != 1 or os.path.exists(sources[0]):
        return None
    root = find_archive(Path(start) if start is not None else Path.cwd())
    if root is None:
        return None
    with Store.open(root, busy_timeout=BUSY_TIMEOUT) as store:
        if any(r.name == sources[0] for r in store.list_rounds()):
            return root, sources[0]
    return None


def _base_notes(base_arg: str, base_version: Version, name: str, start) -> Tuple[str, ...]:
    """Warn when BASE is not the draft the round commented on (its annotations are anchored there)."""
    if os.path.exists(base_arg):
        if hashlib.sha256(read_file(base_arg)).hexdigest() == base_version.sha256:
            return ()
    elif base_arg in (base_version.label, str(base_version.seq)):
        return ()
    return (f'{base_arg} is not the draft round "{name}" commented on; using the round\'s base '
            f'"{base_version.label}", where its annotations are anchored',)


def dispositions_json(rows) -> str:
    """Return disposition rows (forms.dispositions.Disposition) as the JSON a round keeps."""
    return _dumps([asdict(d) for d in rows])


def stored_dispositions(store: Store, round_name: str) -> tuple:
    """Return a round's latest dispositions as Disposition values (empty if none were stored)."""
    from ..forms.dispositions import Disposition

    latest = store.get_dispositions(round_name)
    if latest is None:
        return ()
    known = {f.name for f in fields(Disposition)}
    return tuple(Disposition(**{k: v for k, v in row.items() if k in known}) for row in json.loads(latest.rows_json))


def store_dispositions(root, round_name: str, rows, *, added_at: str):
    """Store the editor's dispositions with the round; return (Dispositions, whether new)."""
    with Store.open(root, busy_timeout=BUSY_TIMEOUT) as store:
        return store.set_dispositions(round_name, dispositions_json(rows), added_at=added_at)
