"""The archive as a whole: ``verify`` (every blob against its hash, every reference) and ``copy``
to another store (SQLite folder ↔ PostgreSQL database), checked by content hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import List, Tuple

from ..errors import ArchiveError
from ..store import Round, Store
from ..store.opening import open_url
from ..i18n import _


@dataclass(frozen=True)
class Verified:
    """What ``verify`` read, and every problem it found (none: the archive is consistent)."""

    versions: int
    rounds: int
    files: int
    dispositions: int
    problems: Tuple[str, ...]


def verify(store: Store) -> Verified:
    """Read every version, round file, annotations revision and disposition revision back, checking
    hashes, references and numbering."""
    problems: List[str] = list(store.integrity_problems())
    versions = store.list_versions()
    problems += _version_problems(store, versions)
    rounds, files, revisions = store.list_rounds(), 0, 0
    seqs = {v.seq for v in versions}
    for r in rounds:
        if r.base_seq not in seqs:
            problems.append(_('round "{name}": its base version {base_seq} is missing').format(
                name=r.name, base_seq=r.base_seq))
        files += len(r.sources)
        problems += _readable(lambda s=r.sources: [store.round_source_bytes(r.name, f.filename) for f in s])
        revisions += len(_disposition_problems(store, r.name, problems))
        problems += _annotation_problems(store, r.name)
    return Verified(len(versions), len(rounds), files, revisions, tuple(problems))


def _readable(read) -> List[str]:
    """Return the archive's complaint when ``read()`` fails (missing or altered bytes), else []."""
    try:
        read()
    except ArchiveError as exc:
        return [str(exc)]
    return []


def _version_problems(store: Store, versions) -> List[str]:
    """Versions numbered 1..n, each one's bytes present and matching its sha256."""
    problems = []
    if [v.seq for v in versions] != list(range(1, len(versions) + 1)):
        problems.append(_("the versions are not numbered 1, 2, 3, … without gaps"))
    for v in versions:
        problems += _readable(lambda v=v: store.version_bytes(v.seq))
    return problems


def _disposition_problems(store: Store, round_name: str, problems: List[str]) -> list:
    """Check a round's disposition revisions are 1..n of JSON; return them."""
    history = store.dispositions_history(round_name)
    problems += _numbered_json(round_name, [(d.revision, d.rows_json) for d in history], 1,
                               _('round "{round_name}": its disposition revisions are not 1, 2, 3, …'),
                               _('round "{name}" dispositions {revision}'))
    return history


def _annotation_problems(store: Store, round_name: str) -> List[str]:
    """A round's annotations: its own (revision 0) then revisions 1..n, each of them JSON."""
    history = store.round_annotations_history(round_name)
    return _numbered_json(round_name, [(a.revision, a.annotations_json) for a in history], 0,
                          _('round "{round_name}": its annotation revisions are not 1, 2, 3, …'),
                          _('round "{name}" annotations {revision}'))


def _numbered_json(round_name: str, revisions, first: int, gap: str, what: str) -> List[str]:
    """The problems of a round's revisions ``[(number, JSON text)]``: not numbered ``first``,
    ``first`` + 1, … (``gap``, a translated message), or one that is not JSON (``what`` names it)."""
    problems = []
    if [n for n, _text in revisions] != list(range(first, first + len(revisions))):
        problems.append(gap.format(round_name=round_name))
    for n, text in revisions:
        problems += _readable(lambda n=n, text=text: _json(text, what.format(name=round_name, revision=n)))
    return problems


def _json(text: str, what: str):
    try:
        return json.loads(text)
    except ValueError:
        raise ArchiveError(_("{what}: not JSON").format(what=what)) from None


def fingerprint(store: Store) -> list:
    """Return the archive's history as comparable rows: every field, and every content's sha256."""
    rows: list = [("version", v.seq, v.label, v.sha256, v.date, v.note, v.filename, v.added_at, v.size)
                  for v in store.list_versions()]
    for r in store.list_rounds():
        rows.append(("round", r.seq, r.name, r.date_from, r.date_to, r.base_seq, _sha(r.annotations_json),
                     r.added_at, tuple((s.filename, s.sha256, s.size) for s in r.sources)))
        rows += [("annotations", r.name, a.revision, _sha(a.annotations_json), a.added_at)
                 for a in store.round_annotations_history(r.name)]
        rows += [("dispositions", r.name, d.revision, _sha(d.rows_json), d.added_at, d.who)
                 for d in store.dispositions_history(r.name)]
    return rows


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Copied:
    """What ``copy`` moved; ``verified`` is the target read back."""

    target: str
    versions: int
    rounds: int
    dispositions: int
    cache_entries: int
    verified: Verified


def copy(source: Store, target: str, *, busy_timeout: float) -> Copied:
    """Copy every version, round (with every revision of its annotations), disposition revision and
    cache entry of ``source`` into a new archive at ``target`` (a folder, or an empty PostgreSQL
    database); check every hash after."""
    with open_url(target, create=True, busy_timeout=busy_timeout) as dest:
        _refuse_filled(dest, target)
        versions, rounds, revisions = _copy_history(source, dest)
        cache = source.cache_items()
        for key, value in cache:
            dest.put_cache(tuple(json.loads(key)), value)
        checked = verify(dest)
        if checked.problems or fingerprint(dest) != fingerprint(source):
            raise ArchiveError(_("{target}: the copy does not match the archive ({problems})").format(
                target=target, problems="; ".join(checked.problems[:3]) or _("its history differs")))
    return Copied(target, versions, rounds, revisions, len(cache), checked)


def _refuse_filled(dest: Store, target: str) -> None:
    if dest.list_versions() or dest.list_rounds():
        raise ArchiveError(_("{target} already holds an archive ({count} versions); copy only into an empty "
                             "one").format(
            target=target, count=len(dest.list_versions())))


def _copy_history(source: Store, dest: Store) -> Tuple[int, int, int]:
    """Replay the source's history into ``dest`` in the order it was written."""
    versions = source.list_versions()
    for v in versions:
        dest.add_version(source.version_bytes(v.seq), v.label, v.date, v.note, v.filename,
                         source.outline_json(v.seq), added_at=v.added_at)
    revisions = 0
    for r in source.list_rounds():
        _copy_round(source, dest, r)
        for d in source.dispositions_history(r.name):
            dest.set_dispositions(r.name, d.rows_json, added_at=d.added_at, who=d.who)
            revisions += 1
    return len(versions), len(source.list_rounds()), revisions


def _copy_round(source: Store, dest: Store, r: Round) -> None:
    """Record round ``r`` in ``dest`` with the annotations it was recorded with, then append each
    later revision of them with its own ``added_at``. Which batch brought which file is recorded
    nowhere, so every file of the round comes with its creation (in the order the round holds them)."""
    first, *later = source.round_annotations_history(r.name)
    files = [(s.filename, source.round_source_bytes(r.name, s.filename)) for s in r.sources]
    dest.add_round(r.name, r.date_from, r.date_to, r.base_seq, files, first.annotations_json, added_at=r.added_at)
    for revision in later:
        dest.add_round_annotations(r.name, revision.annotations_json, added_at=revision.added_at)
