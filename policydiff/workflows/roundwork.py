"""INTERIM (wt-serve): the round-work interface the web app uses, written to the agreed signatures
until the real module lands from branch wt-store; on merge, theirs replaces this file."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..errors import ArchiveError
from ..store import Store
from ..store.base import Dispositions, Round
from .archive import load_version, user_date
from .rounds import annotations_from_json, annotations_to_json, default_base, dispositions_json

_SAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class FilesAdded:
    round: Round
    added: Tuple[str, ...]
    refused: Tuple[Tuple[str, str], ...]
    imported: object


@dataclass(frozen=True)
class Saved:
    revision: int
    row: object
    overwrote: Optional[Dispositions]


@dataclass(frozen=True)
class Change:
    revision: int
    who: str
    added_at: str
    result: str
    reason: str


def create_round(store: Store, name: str, date_from: str, date_to: str, *, base=None, added_at: str) -> Round:
    """Record a round with no files yet."""
    from .sources import Imported

    start, end = user_date(date_from, "from"), user_date(date_to, "to")
    if start > end:
        raise ArchiveError(f'round "{name}": it ends ({end}) before it starts ({start})')
    version = store.get_version(base) if base is not None else default_base(store, end)
    return store.add_round(name, start, end, version.seq, [], annotations_to_json(Imported((), (), ()), version),
                           added_at=added_at)


def add_round_files(store: Store, name: str, files: Sequence[Tuple[str, bytes]], *, added_at: str) -> FilesAdded:
    """Read each file against the round's base; keep those that read, refuse the others."""
    from .sources import Imported, import_sources

    r = store.get_round(name)
    version = store.get_version(r.base_seq)
    base = load_version(store, version)
    held = annotations_from_json(r.annotations_json)
    added, refused, anns, warnings = [], [], list(held.annotations), list(held.warnings)
    kept = []
    with tempfile.TemporaryDirectory(prefix="policydiff-upload-") as tmp:
        for n, (filename, data) in enumerate(files):
            safe = _SAFE.sub("_", filename).strip(". ") or f"file-{n}"
            path = Path(tmp) / f"{n}" / safe
            path.parent.mkdir()
            path.write_bytes(data)
            got = import_sources(base, [path], round_from=r.date_from, round_to=r.date_to, workers=1)
            if got.problems or not got.annotations and got.skipped:
                message = got.problems[0].message if got.problems else "written by policydiff"
                refused.append((filename, message.replace(str(path.parent) + "/", "")))
                continue
            added.append(filename)
            kept.append((safe, data))
            anns.extend(got.annotations)
            warnings.extend(got.warnings)
    imported = Imported(tuple(anns), tuple(warnings), held.problems)
    if kept:
        r = store.add_round_sources(name, kept, annotations_to_json(imported, version), added_at=added_at,
                                    expect_sources=len(r.sources))
    return FilesAdded(r, tuple(added), tuple(refused), imported)


def round_rows(store: Store, round_name: str):
    from .rounds import stored_dispositions

    latest = store.get_dispositions(round_name)
    return (latest.revision if latest else None), stored_dispositions(store, round_name)


def save_disposition(store: Store, round_name: str, key: str, *, result: str, reason: str, who: str,
                     seen_revision: Optional[int], added_at: str) -> Saved:
    from ..forms.dispositions import Disposition
    from .pages import describe

    r = store.get_round(round_name)
    annotation = next((a for a in annotations_from_json(r.annotations_json).annotations if a.id == key), None)
    if annotation is None:
        raise ArchiveError(f'round "{round_name}" has no comment or proposal {key}')
    latest_rev, rows = round_rows(store, round_name)
    by_key = {d.key: d for d in rows}
    row = Disposition(number=0, division=annotation.division, clause=annotation.clause or "-", kind=annotation.kind,
                      text=describe(annotation), result=result, reason=reason, key=key)
    overwrote = None
    if seen_revision is not None and latest_rev is not None and latest_rev > seen_revision:
        seen = _row_at(store, round_name, key, seen_revision)
        if (seen.result, seen.reason) if seen else None != ((by_key[key].result, by_key[key].reason)
                                                           if key in by_key else None):
            overwrote = store.get_dispositions(round_name)
    by_key[key] = row
    saved, _ = store.set_dispositions(round_name, dispositions_json(list(by_key.values())), added_at=added_at,
                                      who=who)
    return Saved(saved.revision, row, overwrote)


def _row_at(store: Store, round_name: str, key: str, revision: int):
    for d in store.dispositions_history(round_name):
        if d.revision == revision:
            return next((replace_row(x) for x in json.loads(d.rows_json) if x.get("key") == key), None)
    return None


def replace_row(x: dict):
    from ..forms.dispositions import Disposition

    return Disposition(**x)


def disposition_history(store: Store, round_name: str, key: str) -> List[Change]:
    out: List[Change] = []
    for d in store.dispositions_history(round_name):
        row = next((x for x in json.loads(d.rows_json) if x.get("key") == key), None)
        if row is None:
            continue
        if not out or (out[-1].result, out[-1].reason) != (row["result"], row["reason"]):
            out.append(Change(d.revision, d.who, d.added_at, row["result"], row["reason"]))
    return out


