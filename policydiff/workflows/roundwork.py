"""A comment round worked on a piece at a time (what ``policydiff serve`` calls): a round recorded
before any file came, files added a few at a time as they arrive, one disposition saved at a time
by a named person, and one row's history."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from ..errors import ArchiveError, StaleError, one_line
from ..i18n import N_, _
from ..forms.commentform import division_from_filename
from ..store import Store
from ..store.base import Dispositions, Round, source_names
from ..store.checks import check_name
from .archive import load_version
from .rounds import annotations_from_json, annotations_to_json, dispositions_json, new_round_checks
from .rounds import stored_dispositions

ATTEMPTS = 20  # a write that lost a race to another tab is read again and redone at most this often
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}\Z")
OURS_MESSAGE = N_("{file}: was written by policydiff (a consolidated copy or a redline), not a division's copy")


def create_round(store: Store, name: str, date_from: str, date_to: str, *, base: Optional[str] = None,
                 added_at: str) -> Round:
    """Record a comment round before any of its files came (the checks of ``rounds.add_round``)."""
    from .sources import Imported

    start, end, version = new_round_checks(store, name, date_from, date_to, base)
    empty = annotations_to_json(Imported((), (), ()), version)
    return store.add_round(name, start, end, version.seq, [], empty, added_at=added_at)


# ---------------------------------------------------------------- files, a few at a time

@dataclass(frozen=True)
class FilesAdded:
    """What one batch of files did to a round: stored, refused (with why), already there."""

    round: Round
    added: Tuple[str, ...]  # the names they are stored under ("กองคลัง (2).docx" when the name was taken)
    refused: Tuple[Tuple[str, str], ...]  # (file name as given, one-line message); not stored
    imported: object  # sources.Imported: the round's annotations, re-imported from all its files
    skipped: Tuple[str, ...] = ()  # files the round already holds (same name, same bytes)


def add_round_files(store: Store, name: str, files: Sequence[Tuple[str, bytes]], *, added_at: str) -> FilesAdded:
    """Check each (file name, bytes) with the readers the CLI uses, store the good ones with the
    round's annotations re-imported from all its files; a file name is never used as a path."""
    files = [(filename, bytes(data)) for filename, data in files]
    for _attempt in range(ATTEMPTS):
        try:
            return _add_files_once(store, name, files, added_at)
        except StaleError:
            continue  # another upload came first: read the round again
    raise ArchiveError(_('round "{name}": other uploads kept coming; try again').format(name=name))


def _add_files_once(store: Store, name: str, files, added_at: str) -> FilesAdded:
    held = store.get_round(name)
    base_version = store.get_version(held.base_seq)
    unnamed = tuple((given, _bad_name(given)) for given, _ in files if _bad_name(given))
    files = [(given, data) for given, data in files if not _bad_name(given)]
    planned = list(zip(files, source_names(held.sources, files)))
    fresh = [(given, stored, data) for (given, data), stored in planned if stored is not None]
    skipped = tuple(given for (given, _), stored in planned if stored is None)
    if not fresh:
        return FilesAdded(held, (), unnamed, annotations_from_json(held.annotations_json), skipped)
    base = load_version(store, base_version)
    old = [(s.filename, s.filename, store.round_source_bytes(name, s.filename)) for s in held.sources]
    with tempfile.TemporaryDirectory(prefix="policydiff-round-") as folder:
        outcomes = [_import_named(base, Path(folder) / str(n), item, held)
                    for n, item in enumerate(old + fresh)]
    new_outcomes = outcomes[len(old):]
    refused = unnamed + tuple((given, _refusal(got)) for (given, _, _), got in zip(fresh, new_outcomes)
                              if _refusal(got))
    good = [(stored, data) for (_, stored, data), got in zip(fresh, new_outcomes) if not _refusal(got)]
    if not good:
        return FilesAdded(held, (), refused, annotations_from_json(held.annotations_json), skipped)
    imported = _joined(outcomes[: len(old)] + [got for got in new_outcomes if not _refusal(got)])
    recorded = store.add_round_sources(name, good, annotations_to_json(imported, base_version), added_at=added_at,
                                       expect_sources=len(held.sources))
    return FilesAdded(recorded, tuple(stored for stored, _ in good), refused, imported, skipped)


def _bad_name(given: str) -> str:
    """Return why a file name cannot be kept in the archive (one line), or "" when it can."""
    try:
        check_name(given, N_("the file name"))
    except ArchiveError as exc:
        return one_line(exc)
    return ""


def _import_named(base, folder: Path, item: Tuple[str, str, bytes], held: Round):
    """Return the ``sources.Imported`` of one file, read from a generated name in its own private
    folder and named back as ``item`` says: (name as given, name it is stored under, bytes)."""
    from .sources import import_sources

    given, stored, data = item
    suffix = _SAFE_SUFFIX.search(stored)
    # A form's division comes from its file name; a name naming none must stay one naming none.
    stem = "upload" if division_from_filename(stored) else "form"
    folder.mkdir()
    path = folder / (stem + (suffix.group().lower() if suffix else ""))
    path.write_bytes(data)
    got = import_sources(base, [path], round_from=held.date_from, round_to=held.date_to, workers=1)
    return _renamed(got, path, given, stored)


def _renamed(imported, path: Path, given: str, stored: str):
    """Return ``imported`` read from ``path`` as if read from a file named ``stored`` (its
    annotations and warnings) or ``given`` (why it was refused)."""
    from .sources import Problem

    ours, theirs = division_from_filename(path), division_from_filename(stored)

    def text(message: str, name: str) -> str:
        message = message.replace(str(path), name).replace(path.name, name)
        return message.replace(f"'{ours}'", f"'{theirs}'") if ours else message

    def annotation(a):
        division = stored if a.division == path.name else theirs if ours and a.division == ours else a.division
        author = stored if a.author == path.name else theirs if ours and a.author == ours else a.author
        return replace(a, id=stored + a.id[len(path.name):], source=stored, division=division, author=author)

    problems = tuple(Problem(given, text(p.message, given), p.draft) for p in imported.problems)
    problems += tuple(Problem(given, _(OURS_MESSAGE).format(file=given)) for _skipped in imported.skipped)
    return replace(imported, annotations=tuple(annotation(a) for a in imported.annotations),
                   warnings=tuple(text(w, stored) for w in imported.warnings), problems=problems, skipped=())


def _refusal(imported) -> str:
    """Return why a new file is refused (the message of its problem), or "" when it is good."""
    return imported.problems[0].message if imported.problems else ""


def _joined(parts: Sequence):
    """Return one ``sources.Imported`` of several, in order (as one import of all their files)."""
    from .sources import Imported

    return Imported(tuple(a for p in parts for a in p.annotations), tuple(w for p in parts for w in p.warnings),
                    tuple(x for p in parts for x in p.problems))


# ---------------------------------------------------------------- dispositions, one at a time

@dataclass(frozen=True)
class Saved:
    """One disposition saved: the revision it is in, the row as saved, and the other person's
    revision it overwrote (a change to this row after the one the page showed), if any."""

    revision: int
    row: object  # forms.dispositions.Disposition
    overwrote: Optional[Dispositions] = None


@dataclass(frozen=True)
class Change:
    """A revision in which one row's result or reason changed."""

    revision: int
    who: str
    added_at: str
    result: str
    reason: str


def round_rows(store: Store, round_name: str, against: Optional[str] = None) -> Tuple[Optional[int], tuple]:
    """Return (latest disposition revision or None, the round's current Disposition rows): those
    stored, with a suggested row for each comment that came after them; else the suggested rows
    (against the revised version ``against``, a label; default: the latest after the base)."""
    latest = store.get_dispositions(round_name)
    stored = stored_dispositions(store, round_name) if latest is not None else ()
    keys = {a.id for a in annotations_from_json(store.get_round(round_name).annotations_json).annotations}
    if latest is not None and keys <= {d.key for d in stored}:
        return latest.revision, stored
    by_key = {d.key: d for d in stored}
    rows = tuple(replace(row, result=by_key[row.key].result, reason=by_key[row.key].reason)
                 if row.key in by_key else row for row in suggested_rows(store, round_name, against))
    return (latest.revision if latest is not None else None), rows


def suggested_rows(store: Store, round_name: str, against: Optional[str] = None) -> tuple:
    """Return the disposition rows ``merge --write-dispositions`` would write for a round: each
    comment with its suggested result, against the revised version ``against`` (a label; default:
    the latest version archived after the round's base, the base itself while there is none). The
    round's page places them the same way, kept in memory (``roundview``), so a save does not
    redline the drafts again."""
    from .roundview import disposition_table, round_view

    return tuple(disposition_table(round_view(store, round_name, against, saved=(None, ()))))


def save_disposition(store: Store, round_name: str, key: str, *, result: str, reason: str, who: str,
                     seen_revision: Optional[int], added_at: str, against: Optional[str] = None) -> Saved:
    """Save one row's result and reason as a new revision of the round's table, by ``who``. The
    rows never saved before are stored with their results suggested against ``against`` (the
    revised version the page showed; default: the latest after the base)."""
    from ..forms.dispositions import RESULTS, UNDECIDED

    if result not in RESULTS and result != UNDECIDED:
        raise ArchiveError(_("unknown result {result}; expected one of: {results} (or none yet)").format(
            result=repr(result), results=", ".join(RESULTS)))
    for _attempt in range(ATTEMPTS):
        revision, rows = round_rows(store, round_name, against)
        at = _row_index(rows, key, round_name)
        rows = rows[:at] + (replace(rows[at], result=result, reason=reason),) + rows[at + 1:]
        try:
            latest, _new = store.set_dispositions(round_name, dispositions_json(rows), added_at=added_at, who=who,
                                               expect_revision=revision or 0)
        except StaleError:
            continue  # the other tab saved meanwhile: redo this change on its table
        overwrote = _overwritten(store, round_name, key, (seen_revision, latest.revision), against)
        return Saved(latest.revision, rows[at], overwrote)
    raise ArchiveError(_('round "{name}": other saves kept coming; try again').format(name=round_name))


def _row_index(rows: Sequence, key: str, round_name: str) -> int:
    for i, row in enumerate(rows):
        if row.key == key:
            return i
    raise ArchiveError(_('round "{name}" has no comment with the id "{key}"').format(name=round_name, key=key))


def _overwritten(store: Store, round_name: str, key: str, revisions: Tuple[Optional[int], int],
                 against: Optional[str]) -> Optional[Dispositions]:
    """Return the latest revision after the one the page saw (0: none) and before ours that
    changed this row, or None (``revisions``: (seen, ours))."""
    seen, ours = revisions
    if seen is None:
        return None
    history = [d for d in store.dispositions_history(round_name) if seen <= d.revision < ours]
    seen_row = _row_values(history[0], key) if history and history[0].revision == seen else None
    first = (lambda: seen_row) if seen_row is not None else (lambda: _suggested(store, round_name, key, against))
    changed = {c.revision for c in _changes(history, key, first) if c.revision > seen}
    others = [d for d in history if d.revision in changed]
    return others[-1] if others else None


def disposition_history(store: Store, round_name: str, key: str, against: Optional[str] = None) -> List[Change]:
    """Return the revisions in which the row ``key`` got a result or reason other than it had
    (in its first revision: other than the suggestion against ``against``), oldest first."""
    return _changes(store.dispositions_history(round_name), key, lambda: _suggested(store, round_name, key, against))


def _changes(history: Sequence[Dispositions], key: str, first: Callable[[], Tuple[str, str]]) -> List[Change]:
    """Return the revisions of ``history`` that changed the row ``key``; ``first()`` gives what it
    was before the first revision that holds it (asked only when needed: a suggestion costs a redline)."""
    before: Optional[Tuple[str, str]] = None
    out: List[Change] = []
    for d in history:
        now = _row_values(d, key)
        if now is None:
            continue
        if before is None:
            before = first()
        if now != before:
            out.append(Change(d.revision, d.who, d.added_at, *now))
        before = now
    return out


def _row_values(d: Dispositions, key: str) -> Optional[Tuple[str, str]]:
    """Return (result, reason) of the row ``key`` in one revision, or None when it has no such row."""
    row = next((r for r in json.loads(d.rows_json) if isinstance(r, dict) and r.get("key") == key), None)
    return None if row is None else (row.get("result", ""), row.get("reason", ""))


def _suggested(store: Store, round_name: str, key: str, against: Optional[str]) -> Tuple[str, str]:
    """Return the (result, reason) suggested for one row."""
    row = next((r for r in suggested_rows(store, round_name, against) if r.key == key), None)
    return (row.result, row.reason) if row is not None else ("", "")
