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
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..core.model import Clause
from ..errors import ArchiveError, InputError
from ..store import DEFAULT_BUSY_TIMEOUT, Store, locate_archive, outline_key
from ..store.base import Version
from ..thaidate import parse_date, to_be_long
from ..i18n import _

OUTLINE_FORMAT = 2  # bump when the stored outline's shape changes: older entries are recomputed
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
    return dumps({"format": OUTLINE_FORMAT, "clauses": rows})


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


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _stats(clauses: Sequence[Clause]) -> dict:
    """Return the counts ``log`` shows: numbered clauses (ข้อ) and outline entries."""
    return {"clauses": sum(1 for c in clauses if c.kind == "clause"), "entries": len(clauses)}


def _stats_key(sha256: str) -> Tuple[str, str]:
    return ("stats", sha256)


def _paths_key(sha256: str) -> Tuple[str, str]:
    return ("paths", sha256)


def align_key(old_sha: str, new_sha: str) -> Tuple[str, str, str]:
    return ("align", old_sha, new_sha)


def cache_quietly(store: Store, key, value_json: str) -> None:
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
    raise InputError(name, _("has no modified or created date in its document properties; give --date"))


def user_date(value: str, what: str = "--date") -> str:
    """Return the ISO date for a date a person typed (ISO or Thai, B.E. or C.E.)."""
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ArchiveError(_("{option}: {problem}").format(option=what, problem=exc)) from None


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
        cache_quietly(store, _stats_key(version.sha256), dumps(_stats(draft.clauses)))
        cache_quietly(store, _paths_key(version.sha256), dumps([c.path for c in draft.clauses]))
        _align_with_previous(store, version, draft.clauses)
    return Added(version, created, _stats(draft.clauses)["clauses"], tuple(draft.doc.warnings))


def _check_label_free(store: Store, label: str) -> None:
    """Refuse a label already in use before the slow part of an add (the store checks again)."""
    for v in store.list_versions():
        if v.label == label:
            raise ArchiveError(_('the label "{label}" is already used by version {seq} ({filename}, added '
                                 '{added_at}); choose '
                                 "another label").format(
                                     label=label, seq=v.seq, filename=v.filename or _("no file name"),
                                     added_at=to_be_long(v.added_at)))


def _align_with_previous(store: Store, version: Version, clauses) -> None:
    """Cache the alignment with the version before, so blame never waits for it."""
    from .blame import alignment

    prev = store.previous(version.seq)
    if prev is not None:
        alignment(store, prev, version, new_clauses=clauses)


def version_clauses(store: Store, version: Version) -> Tuple[Clause, ...]:
    """Return a version's clauses from the cached outline (computing and caching it if absent)."""
    cached = store.get_cache(outline_key(version.sha256))
    clauses = outline_from_json(cached) if cached else None
    if clauses is None:
        clauses = load_version(store, version).clauses
        cache_quietly(store, outline_key(version.sha256), outline_to_json(clauses))
    return clauses


def version_paths(store: Store, version: Version) -> Tuple[str, ...]:
    """Return the paths of a version's clauses (a small cache entry: blame need not parse outlines)."""
    cached = store.get_cache(_paths_key(version.sha256))
    if cached is not None:
        return tuple(json.loads(cached))
    paths = tuple(c.path for c in version_clauses(store, version))
    cache_quietly(store, _paths_key(version.sha256), dumps(list(paths)))
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
    out, versions = [], store.list_versions()
    known = store.get_cache_many([_stats_key(v.sha256) for v in versions])  # one query, not one per version
    for v in versions:
        cached = known.get(_stats_key(v.sha256))
        if cached is None:
            stats = _stats(version_clauses(store, v))
            cache_quietly(store, _stats_key(v.sha256), dumps(stats))
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
    root = locate_archive(Path(start) if start is not None else Path.cwd())
    if root is None:
        return load(arg)  # the reader's own "no such file"
    with Store.open(root, busy_timeout=BUSY_TIMEOUT) as store:
        try:
            version = store.get_version(arg)
        except ArchiveError as exc:
            raise InputError(arg, _("no such file, and {problem}").format(
                problem=_lowercase_first(str(exc)))) from None
        return load_version(store, version)


def _lowercase_first(text: str) -> str:
    return text[:1].lower() + text[1:]
