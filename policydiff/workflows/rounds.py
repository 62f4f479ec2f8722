"""Comment rounds in the archive: a round's sources read once and kept as annotations; the
sources of ``merge``/``comments`` named by a round; the editor's dispositions kept per round."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Optional, Sequence, Tuple

from ..errors import ArchiveError
from ..store import Store, locate_archive
from ..store.base import Round, Version
from ..thaidate import to_be_long
from .archive import BUSY_TIMEOUT, dumps, load_version, read_file, resolve_draft, user_date
from ..i18n import _

ROUND_FORMAT = 1  # bump when the stored round's shape changes

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
    return dumps({
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
        raise ArchiveError(_("a round's annotations are in a format this policydiff does not know; upgrade it"))
    return Imported(tuple(annotation_from_json(a) for a in data["annotations"]), tuple(data["warnings"]),
                    tuple(Problem(p["source"], p["message"]) for p in data["problems"]))


def default_base(store: Store, date_to: str) -> Version:
    """Return the latest version dated before the round's end, else the latest version."""
    versions = store.list_versions()
    if not versions:
        raise ArchiveError(_("the archive has no versions yet: `policydiff add` the draft the round commented on"))
    before = [v for v in versions if v.date < date_to]
    return max(before or versions, key=lambda v: (v.date, v.seq))


def new_round_checks(store: Store, name: str, date_from: str, date_to: str, base: Optional[str]):
    """Return (start, end, base Version) of a round about to be recorded: dates a person typed,
    ending after they start, a name not taken, the base given or the default one."""
    start, end = user_date(date_from, "--from"), user_date(date_to, "--to")
    if start > end:
        raise ArchiveError(_('round "{name}": it ends ({end}) before it starts ({start})').format(
            name=name, end=end, start=start))
    if any(r.name == name for r in store.list_rounds()):
        raise ArchiveError(_('a round named "{name}" already exists; history is not rewritten: choose another '
                             'name').format(name=name))
    return start, end, (store.get_version(base) if base is not None else default_base(store, end))


@dataclass(frozen=True)
class RoundAdded:
    round: Round
    imported: object  # sources.Imported


def add_round(store: Store, name: str, date_from: str, date_to: str, sources: Sequence, *,
              base: Optional[str] = None, added_at: str) -> RoundAdded:
    """Record a comment round: its files and their annotations anchored on its base version."""
    from .sources import expand, import_sources

    start, end, version = new_round_checks(store, name, date_from, date_to, base)
    files = expand(sources)
    if not files:
        raise ArchiveError(_('round "{name}": no .docx, .csv or .xlsx files in {listing}').format(
            name=name, listing=", ".join(map(str, sources))))
    contents = [(f.name, read_file(f)) for f in files]
    imported = import_sources(load_version(store, version), files, round_from=start, round_to=end)
    if not imported.annotations and imported.problems:
        raise ArchiveError(_('round "{name}": no usable comments or proposals in its files; nothing recorded').format(
            name=name))
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
    root = locate_archive(Path(start) if start is not None else Path.cwd())
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
    return (_('{base} is not the draft round "{name}" commented on; using the round\'s base "{label}", where its '
              "annotations are anchored").format(base=base_arg, name=name, label=base_version.label),)


def dispositions_json(rows) -> str:
    """Return disposition rows (forms.dispositions.Disposition) as the JSON a round keeps."""
    return dumps([asdict(d) for d in rows])


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
