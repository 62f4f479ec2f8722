"""What the SQLite and PostgreSQL stores share: the reads, written once with ``?`` for each
parameter (the PostgreSQL store turns them into ``%s``), and the guard on their public methods."""

from __future__ import annotations

import abc
import functools
import hashlib
from typing import Optional, Tuple

from ..errors import ArchiveError
from ..thaidate import arabic_digits
from .base import CacheKey, Dispositions, Round, RoundSource, Store, Version, VersionRef, outline_key
from .checks import cache_key, damaged, is_number, listing
from ..i18n import N_, _

_VERSION_COLUMNS = "v.seq, v.label, v.sha256, v.date, v.note, v.filename, v.added_at, b.size"
_VERSION_SELECT = f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN blobs b USING (sha256)"
_ROUND_SELECT = (
    "SELECT r.seq, r.name, r.date_from, r.date_to, v.label, r.base_seq, coalesce((SELECT a.annotations_json"
    " FROM round_annotations a WHERE a.round_seq = r.seq ORDER BY a.revision DESC LIMIT 1), r.annotations_json),"
    " r.added_at FROM rounds r JOIN versions v ON v.seq = r.base_seq"
)
_SEQ_LIMIT = 2 ** 31  # seqs are PostgreSQL integers; a larger number names no version (SQLite would overflow)


def guarded(method):
    """Wrap a public method so the store's database failures surface as one-line ArchiveErrors
    (only there: a PostgreSQL write must see psycopg's own errors to retry a lost race)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._translated():
            return method(self, *args, **kwargs)

    return wrapper


@functools.lru_cache(maxsize=256)
def with_placeholder(sql: str, placeholder: str) -> str:
    """Return ``sql`` with each ``?`` written as ``placeholder``; ValueError if it holds a ``%``."""
    if "%" in sql:  # psycopg would read it as a placeholder
        raise ValueError(f"shared SQL holds a %: {sql}")
    return sql.replace("?", placeholder)


class SqlStore(Store):
    """An archive in SQL tables reached through one DB-API connection, ``self._db``."""

    path: object  # what messages name: the archive file, or the database's URL without a password
    PLACEHOLDER = "?"  # how the driver marks a parameter

    @abc.abstractmethod
    def _translated(self):
        """Return a context manager turning this database's errors into one-line ArchiveErrors."""

    # -- internals -----------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        """Return ``sql`` (written with ``?``) in the driver's placeholder style."""
        return sql if self.PLACEHOLDER == "?" else with_placeholder(sql, self.PLACEHOLDER)

    def _one(self, sql: str, params=()):
        """Return the first row of a query, or None."""
        return self._db.execute(self._sql(sql), params).fetchone()

    def _all(self, sql: str, params=()) -> list:
        """Return every row of a query."""
        return self._db.execute(self._sql(sql), params).fetchall()

    def _blob(self, sha256: str, what: str, **names) -> bytes:
        """Return a blob's bytes after checking them against their address (``what``: a msgid naming
        the blob, with ``names`` for its placeholders)."""
        row = self._one("SELECT data FROM blobs WHERE sha256 = ?", (sha256,))
        if row is None:
            raise damaged(self.path, _("{what}: its bytes are missing").format(what=_(what).format(**names)))
        data = bytes(row[0])
        if hashlib.sha256(data).hexdigest() != sha256:
            raise damaged(self.path, _("{what}: its bytes do not match their sha256").format(
                what=_(what).format(**names)))
        return data

    def _version_where(self, where: str, params) -> Optional[Version]:
        """Return the one version matching a WHERE clause, or None."""
        row = self._one(f"{_VERSION_SELECT} WHERE {where}", params)
        return None if row is None else Version(*row)

    def _version_seq(self, seq: int) -> Optional[Version]:
        """Return the version numbered ``seq``, or None."""
        return self._version_where("v.seq = ?", (seq,)) if abs(seq) < _SEQ_LIMIT else None

    def _labels(self) -> list[str]:
        """Return every label in order."""
        return [r[0] for r in self._all("SELECT label FROM versions ORDER BY seq")]

    def _round_row(self, name: str):
        """Return (seq, name) of a round; ArchiveError listing the known rounds if absent."""
        row = self._one("SELECT seq, name FROM rounds WHERE name = ?", (name,))
        if row is None:
            names = [r[0] for r in self._all("SELECT name FROM rounds ORDER BY seq")]
            raise ArchiveError(_('no round "{name}" in the archive; rounds: {listing}').format(
                name=name, listing=listing(names)))
        return row

    def _round_from_row(self, row) -> Round:
        """Return a Round from a rounds row, with its sources."""
        sources = tuple(RoundSource(*r) for r in self._all(
            "SELECT s.filename, s.sha256, b.size FROM round_sources s JOIN blobs b USING (sha256)"
            " WHERE s.round_seq = ? ORDER BY s.position", (row[0],)))
        seq, name, date_from, date_to, base_label, base_seq, annotations, added_at = row
        return Round(seq, name, date_from, date_to, base_label, base_seq, sources, annotations, added_at)

    def _round_seq(self, seq: int) -> Round:
        """Return the round numbered ``seq`` (it exists)."""
        return self._round_from_row(self._one(f"{_ROUND_SELECT} WHERE r.seq = ?", (seq,)))

    # -- versions ------------------------------------------------------------------------
    @guarded
    def get_version(self, ref: VersionRef) -> Version:
        """Return the version with this label or seq (int, or a string of Thai/Arabic digits)."""
        if isinstance(ref, str):
            found = self._version_where("v.label = ?", (ref,))
            if found is None and is_number(ref.strip()):
                found = self._version_seq(int(arabic_digits(ref.strip())))
        elif isinstance(ref, int) and not isinstance(ref, bool):
            found = self._version_seq(ref)
        else:
            raise TypeError(f"a version is named by a label or a seq number, not {ref!r}")
        if found is None:
            raise ArchiveError(_('no version "{ref}" in the archive; versions: {listing}').format(
                ref=ref, listing=listing(self._labels())))
        return found

    @guarded
    def find_sha(self, sha256: str) -> Optional[Version]:
        """Return the version whose bytes have this sha256, or None."""
        return self._version_where("v.sha256 = ?", (sha256.lower(),))

    @guarded
    def version_bytes(self, ref: VersionRef) -> bytes:
        """Return a version's bytes, checked against its sha256."""
        version = self.get_version(ref)
        return self._blob(version.sha256, N_('version "{label}"'), label=version.label)

    @guarded
    def list_versions(self) -> list[Version]:
        """Return every version in the order added."""
        return [Version(*row) for row in self._all(f"{_VERSION_SELECT} ORDER BY v.seq")]

    @guarded
    def previous(self, ref: VersionRef) -> Optional[Version]:
        """Return the version added just before this one, or None for the first."""
        version = self.get_version(ref)
        return self._version_where("v.seq < ? ORDER BY v.seq DESC LIMIT 1", (version.seq,))

    @guarded
    def outline_json(self, ref: VersionRef) -> Optional[str]:
        """Return the outline JSON stored with a version, or None."""
        return self.get_cache(outline_key(self.get_version(ref).sha256))

    # -- rounds --------------------------------------------------------------------------
    @guarded
    def get_round(self, name: str) -> Round:
        """Return the round with this name; ArchiveError if there is none."""
        seq, _ = self._round_row(name)
        return self._round_seq(seq)

    @guarded
    def list_rounds(self) -> list[Round]:
        """Return every round in the order recorded."""
        return [self._round_from_row(row) for row in self._all(f"{_ROUND_SELECT} ORDER BY r.seq")]

    @guarded
    def round_source_bytes(self, round_name: str, filename: str) -> bytes:
        """Return the bytes of one file a round received, checked against its sha256."""
        seq, _unused = self._round_row(round_name)
        row = self._one("SELECT sha256 FROM round_sources WHERE round_seq = ? AND filename = ?", (seq, filename))
        if row is None:
            raise ArchiveError(_('round "{round_name}" received no file named "{filename}"').format(
                round_name=round_name, filename=filename))
        return self._blob(row[0], N_('"{filename}" of round "{name}"'), filename=filename, name=round_name)

    # -- dispositions --------------------------------------------------------------------
    def _dispositions(self, round_seq: int, round_name: str, order: str, limit: str = ""):
        """Return a round's disposition revisions in the given order."""
        rows = self._all("SELECT revision, rows_json, added_at, who FROM dispositions WHERE round_seq = ?"
                         f" ORDER BY revision {order} {limit}", (round_seq,))
        return [Dispositions(round_name, *row) for row in rows]

    @guarded
    def get_dispositions(self, round_name: str) -> Optional[Dispositions]:
        """Return the latest disposition revision of a round, or None if none was set."""
        seq, name = self._round_row(round_name)
        latest = self._dispositions(seq, name, "DESC", "LIMIT 1")
        return latest[0] if latest else None

    @guarded
    def dispositions_history(self, round_name: str) -> list[Dispositions]:
        """Return every disposition revision of a round, oldest first."""
        seq, name = self._round_row(round_name)
        return self._dispositions(seq, name, "ASC")

    # -- derived-data cache --------------------------------------------------------------
    @guarded
    def get_cache(self, key: CacheKey) -> Optional[str]:
        """Return derived data stored under ``key``, or None."""
        row = self._one("SELECT value_json FROM cache WHERE key = ?", (cache_key(key),))
        return None if row is None else row[0]

    @guarded
    def cache_items(self) -> list[Tuple[str, str]]:
        """Return every (stored key, value) of the derived-data cache, by key."""
        return [tuple(r) for r in self._all("SELECT key, value_json FROM cache ORDER BY key")]
