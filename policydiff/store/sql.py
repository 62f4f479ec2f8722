"""What the SQLite and PostgreSQL stores share: the reads and writes, with SQL written once with
``?`` for each parameter (the PostgreSQL store turns them into ``%s``), and the guard on their
public methods. Each store brings its transactions, its error translation and the few statements
its dialect writes differently."""

from __future__ import annotations

import abc
import functools
import hashlib
from typing import Optional, Sequence, Tuple

from ..errors import ArchiveError, StaleError
from ..thaidate import arabic_digits
from .base import AnnotationRevision, CacheKey, Dispositions, Round, RoundSource, Store, Version, VersionRef
from .base import outline_key, source_names
from .checks import cache_key, check_expected, check_iso_date, check_json, check_label, check_timestamp
from .checks import check_who, checked_batch, checked_round, damaged, is_number, listing
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
    # The statements each dialect writes its own way (with ``?`` placeholders):
    PUT_BLOB: str  # (sha256, size, data); nothing when the blob is there
    PUT_CACHE: str  # (key, value_json), replacing an older value
    INSERT_VERSION: str  # (label, date, note, filename, added_at, sha256), numbered next

    @abc.abstractmethod
    def _translated(self):
        """Return a context manager turning this database's errors into one-line ArchiveErrors."""

    @abc.abstractmethod
    def _write(self, body):
        """Return ``body(db)`` run as one write transaction; ``body`` sees the driver's own errors."""

    @abc.abstractmethod
    def _insert_round_row(self, db, row: tuple) -> int:
        """Insert a round (``row``: name, date_from, date_to, base seq, annotations_json, added_at)
        under the caller's transaction, numbered next; return its seq."""

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

    def _put_blob(self, db, data: bytes) -> str:
        """Store ``data`` once under its sha256 (inside the caller's transaction); return the hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        db.execute(self._sql(self.PUT_BLOB), (sha256, len(data), data))
        return sha256

    def _put_cache(self, db, key: CacheKey, value_json: str) -> None:
        """Store a cache entry inside the caller's transaction."""
        db.execute(self._sql(self.PUT_CACHE), (cache_key(key), value_json))

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
    def add_version(self, data: bytes, label: str, date: str, note: str = "", filename: str = "",
                    outline_json: Optional[str] = None, *, added_at: str) -> Tuple[Version, bool]:
        """Archive ``data``; return (version, True), or (the existing version, False) for known bytes."""
        data = bytes(data)
        check_label(label)
        row = (label, check_iso_date(date, "a version's date"), note, filename, check_timestamp(added_at))
        if outline_json is not None:
            check_json(outline_json, "outline_json")
        sha256 = hashlib.sha256(data).hexdigest()
        known = self.find_sha(sha256)
        if known is not None:
            return known, False  # read only: no write lock taken, nothing changes
        created = self._write(lambda db: self._insert_version(db, data, sha256, row, outline_json))
        return self._version_where("v.sha256 = ?", (sha256,)), created

    def _insert_version(self, db, data: bytes, sha256: str, row: tuple, outline_json: Optional[str]) -> bool:
        """Write a new version (``row``: label, date, note, filename, added_at); False if its bytes are in."""
        if self._version_where("v.sha256 = ?", (sha256,)) is not None:
            return False  # checked again under the lock: another writer added the same bytes meanwhile
        taken = self._version_where("v.label = ?", (row[0],))
        if taken is not None:
            raise ArchiveError(_('the label "{label}" is already used by version {seq} (added {added_at}); choose '
                                 'another label').format(
                label=row[0], seq=taken.seq, added_at=taken.added_at))
        self._put_blob(db, data)
        db.execute(self._sql(self.INSERT_VERSION), row + (sha256,))
        if outline_json is not None:
            self._put_cache(db, outline_key(sha256), outline_json)
        return True

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
    def add_round(self, name: str, date_from: str, date_to: str, base_label: VersionRef,
                  sources: Sequence[Tuple[str, bytes]], annotations_json: str, *, added_at: str) -> Round:
        """Record a comment round with its returned files, all in one transaction."""
        date_from, date_to, sources = checked_round(name, date_from, date_to, sources, annotations_json, added_at)
        base = self.get_version(base_label)
        row = (name, date_from, date_to, base.seq, annotations_json, added_at)
        self._write(lambda db: self._insert_round(db, row, sources))
        return self.get_round(name)

    def _insert_round(self, db, row: tuple, sources) -> None:
        """Write a round and its files under the caller's transaction."""
        existing = self._one("SELECT added_at FROM rounds WHERE name = ?", (row[0],))
        if existing is not None:
            raise ArchiveError(_('a round named "{name}" already exists (recorded {added_at})').format(
                name=row[0], added_at=existing[0]))
        seq = self._insert_round_row(db, row)
        for position, (filename, data) in enumerate(sources):
            self._insert_source(db, seq, position, filename, data)

    def _insert_source(self, db, round_seq: int, position: int, filename: str, data: bytes) -> None:
        """Write one of a round's files under the caller's transaction."""
        db.execute(self._sql("INSERT INTO round_sources (round_seq, position, filename, sha256)"
                             " VALUES (?, ?, ?, ?)"), (round_seq, position, filename, self._put_blob(db, data)))

    @guarded
    def add_round_sources(self, name: str, sources: Sequence[Tuple[str, bytes]], annotations_json: str, *,
                          added_at: str, expect_sources: Optional[int] = None) -> Round:
        """Add files to a round and replace its annotations, in one transaction (see ``Store``)."""
        sources = checked_batch(name, sources, annotations_json, added_at)
        self._write(lambda db: self._append_sources(db, name, sources, annotations_json, added_at, expect_sources))
        return self.get_round(name)

    def _append_sources(self, db, name: str, sources, annotations_json: str, added_at: str,
                        expect_sources: Optional[int]) -> None:
        """Write a batch of a round's files and its new annotations under the caller's transaction."""
        seq, _added = self._round_row(name)
        held = self._round_seq(seq)
        if expect_sources is not None and len(held.sources) != expect_sources:
            raise StaleError(_('round "{name}" received other files meanwhile; read it again').format(name=name))
        names = source_names(held.sources, sources)
        fresh = [(n, data) for n, (_given, data) in zip(names, sources) if n is not None]
        for position, (filename, data) in enumerate(fresh, len(held.sources)):
            self._insert_source(db, seq, position, filename, data)
        if annotations_json != held.annotations_json:
            self._insert_annotations(db, seq, annotations_json, added_at)

    def _insert_annotations(self, db, round_seq: int, annotations_json: str, added_at: str) -> None:
        """Append a round's next annotations revision under the caller's transaction."""
        db.execute(self._sql("INSERT INTO round_annotations (round_seq, revision, annotations_json, added_at)"
                             " SELECT ?, coalesce(max(revision), 0) + 1, ?, ? FROM round_annotations"
                             " WHERE round_seq = ?"), (round_seq, annotations_json, added_at, round_seq))

    @guarded
    def add_round_annotations(self, name: str, annotations_json: str, *, added_at: str) -> Round:
        """Append a revision of a round's annotations without files, in one transaction (see ``Store``)."""
        check_json(annotations_json, "annotations_json")
        check_timestamp(added_at)
        self._write(lambda db: self._insert_annotations(db, self._round_row(name)[0], annotations_json, added_at))
        return self.get_round(name)

    @guarded
    def round_annotations_history(self, name: str) -> list[AnnotationRevision]:
        """Return every revision of a round's annotations, 0 (the round's own) first (see ``Store``)."""
        seq, _name = self._round_row(name)
        rows = self._all("SELECT 0, annotations_json, added_at FROM rounds WHERE seq = ? UNION ALL"
                         " SELECT revision, annotations_json, added_at FROM round_annotations WHERE round_seq = ?"
                         " ORDER BY 1", (seq, seq))
        return [AnnotationRevision(*row) for row in rows]

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
    def set_dispositions(self, round_name: str, rows_json: str, *, added_at: str, who: str = "",
                         expect_revision: Optional[int] = None) -> Tuple[Dispositions, bool]:
        """Store a new revision of a round's disposition table; (latest, False) if identical to it."""
        check_json(rows_json, "rows_json")
        check_timestamp(added_at)
        check_who(who)
        row = (rows_json, added_at, who)
        return self._write(lambda db: self._insert_dispositions(db, round_name, row, expect_revision))

    def _insert_dispositions(self, db, round_name: str, row: tuple, expect_revision: Optional[int]):
        """Write a disposition revision (``row``: rows_json, added_at, who) under the caller's transaction."""
        seq, name = self._round_row(round_name)
        latest = self._dispositions(seq, name, "DESC", "LIMIT 1")
        check_expected(name, latest, expect_revision)
        if latest and latest[0].rows_json == row[0]:
            return latest[0], False
        revision = latest[0].revision + 1 if latest else 1
        db.execute(self._sql("INSERT INTO dispositions (round_seq, revision, rows_json, added_at, who)"
                             " VALUES (?, ?, ?, ?, ?)"), (seq, revision) + row)
        return Dispositions(name, revision, *row), True

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
    def put_cache(self, key: CacheKey, value_json: str) -> None:
        """Store derived data (replacing any older value under ``key``)."""
        cache_key(key)
        check_json(value_json, "a cache value")
        self._write(lambda db: self._put_cache(db, key, value_json))

    @guarded
    def get_cache(self, key: CacheKey) -> Optional[str]:
        """Return derived data stored under ``key``, or None."""
        row = self._one("SELECT value_json FROM cache WHERE key = ?", (cache_key(key),))
        return None if row is None else row[0]

    @guarded
    def cache_items(self) -> list[Tuple[str, str]]:
        """Return every (stored key, value) of the derived-data cache, by key."""
        return [tuple(r) for r in self._all("SELECT key, value_json FROM cache ORDER BY key")]
