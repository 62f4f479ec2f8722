"""The archive in a PostgreSQL database shared by several editors: blobs as bytea, content-addressed;
every write one SERIALIZABLE transaction, retried with a bound when it loses a race."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence, Tuple

from ..errors import ArchiveError, StaleError
from .base import DEFAULT_BUSY_TIMEOUT, CacheKey, Dispositions, Round, Version, VersionRef
from .base import outline_key, source_names
from .checks import cache_key, check_expected, check_iso_date, check_json, check_label, check_timestamp
from .checks import checked_batch, checked_round
from .checks import check_who
from .location import check_url, shown
from .pgconn import connect, foreign_tables, migrate, psycopg, run_write, schema_version, translate
from .pgschema import LATEST
from .sql import SqlStore, guarded
from ..i18n import N_, _

_INTEGRITY_SQL = """
SELECT 'version', v.label FROM versions v
    WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = v.sha256)
UNION ALL SELECT 'round', r.name FROM rounds r
    WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.seq = r.base_seq)
UNION ALL SELECT 'file', s.round_seq::text FROM round_sources s
    WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = s.sha256)
UNION ALL SELECT 'annotations', a.round_seq::text FROM round_annotations a
    WHERE NOT EXISTS (SELECT 1 FROM rounds r WHERE r.seq = a.round_seq)
UNION ALL SELECT 'blob', b.sha256 FROM blobs b
    WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.sha256 = b.sha256)
      AND NOT EXISTS (SELECT 1 FROM round_sources s WHERE s.sha256 = b.sha256)
"""
_INTEGRITY_MESSAGES = {  # what each row of _INTEGRITY_SQL says, its value as {name}
    "version": N_("version {name}: its blob is missing"),
    "round": N_("round {name}: its base version is missing"),
    "file": N_("a file of round {name}: its blob is missing"),
    "annotations": N_("annotations of round {name}: the round is missing"),
    "blob": N_("blob {name} belongs to no version and no round"),
}

class PostgresStore(SqlStore):
    """The archive as tables of one PostgreSQL database, named by a URL without a password."""

    def __init__(self, conn, url: str, root: Optional[Path], busy_timeout: float):
        self._db = conn
        self.url = url
        self.where = shown(url)
        self.path = self.where  # what messages name, as SqliteStore's file path
        self.root = root
        self._busy_timeout = busy_timeout
        self.was_new = False  # True when this opening set up the archive's tables

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open_url(cls, url: str, root: Optional[Path] = None, *, create: bool = False,
                 busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "PostgresStore":
        """Connect to the archive at ``url``; ``create`` sets up its tables in an empty database."""
        conn = connect(check_url(url), busy_timeout)
        try:
            was_new = cls._prepare(conn, url, create)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, ArchiveError) or not _is_pg_error(exc):
                raise
            raise translate(exc, shown(url)) from exc
        store = cls(conn, url, root, busy_timeout)
        store.was_new = was_new
        return store

    @staticmethod
    def _prepare(conn, url: str, create: bool) -> bool:
        """Check the database holds our archive (or may get one), migrate it; True if it had none."""
        version = schema_version(conn)
        if version > LATEST:
            raise ArchiveError(
                _("{url}: this archive was written by a newer policydiff (schema v{version}; this policydiff "
                  "knows up to v{latest}); upgrade policydiff to use it").format(
                      url=shown(url), version=version, latest=LATEST))
        if version == 0 and foreign_tables(conn):
            raise ArchiveError(_("{url}: not a policydiff archive (the database has other tables named "
                                 "versions/blobs); it was "
                                 "left untouched").format(url=shown(url)))
        if version == 0 and not create:
            raise ArchiveError(_("no archive in the database {url}; run `policydiff init --db {url}`").format(
                url=shown(url)))
        if version < LATEST:
            _upgrade(conn, url, version)
        return version == 0

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @property
    def schema_version(self) -> int:
        """Return the schema version of the open archive."""
        return schema_version(self._db)

    # -- internals -----------------------------------------------------------------------
    PLACEHOLDER = "%s"

    @contextmanager
    def _translated(self):
        """Turn psycopg failures inside the body into one-line ArchiveErrors."""
        try:
            yield
        except psycopg().Error as exc:
            raise translate(exc, self.where) from exc

    def _write(self, body):
        """Return ``body(conn)`` run as one serializable write transaction (retried on a lost race)."""
        return run_write(self._db, body, self._busy_timeout)

    @staticmethod
    def _put_blob(db, data: bytes) -> str:
        """Store ``data`` once under its sha256 (inside the caller's transaction); return the hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        db.execute("INSERT INTO blobs (sha256, size, data) VALUES (%s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
                   (sha256, len(data), data))
        return sha256

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
            return known, False  # read only: nothing changes
        created = self._write(lambda db: self._insert_version(db, data, sha256, row, outline_json))
        return self._version_where("v.sha256 = ?", (sha256,)), created

    def _insert_version(self, db, data: bytes, sha256: str, row: tuple, outline_json: Optional[str]) -> bool:
        """Write a new version (``row``: label, date, note, filename, added_at); False if its bytes are in."""
        if self._version_where("v.sha256 = ?", (sha256,)) is not None:
            return False  # another writer added the same bytes meanwhile
        taken = self._version_where("v.label = ?", (row[0],))
        if taken is not None:
            raise ArchiveError(_('the label "{label}" is already used by version {seq} (added {added_at}); choose '
                                 'another label').format(
                label=row[0], seq=taken.seq, added_at=taken.added_at))
        self._put_blob(db, data)
        db.execute("INSERT INTO versions (seq, label, date, note, filename, added_at, sha256)"
                   " SELECT coalesce(max(seq), 0) + 1, %s, %s, %s, %s, %s, %s FROM versions", row + (sha256,))
        if outline_json is not None:
            self._put_cache(db, outline_key(sha256), outline_json)
        return True

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
        seq = db.execute(
            "INSERT INTO rounds (seq, name, date_from, date_to, base_seq, annotations_json, added_at)"
            " SELECT coalesce(max(seq), 0) + 1, %s, %s, %s, %s, %s, %s FROM rounds RETURNING seq", row,
        ).fetchone()[0]
        for position, (filename, data) in enumerate(sources):
            db.execute("INSERT INTO round_sources (round_seq, position, filename, sha256) VALUES (%s, %s, %s, %s)",
                       (seq, position, filename, self._put_blob(db, data)))

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
            db.execute("INSERT INTO round_sources (round_seq, position, filename, sha256) VALUES (%s, %s, %s, %s)",
                       (seq, position, filename, self._put_blob(db, data)))
        if annotations_json != held.annotations_json:
            db.execute("INSERT INTO round_annotations (round_seq, revision, annotations_json, added_at)"
                       " SELECT %s, coalesce(max(revision), 0) + 1, %s, %s FROM round_annotations"
                       " WHERE round_seq = %s", (seq, annotations_json, added_at, seq))

    # -- dispositions --------------------------------------------------------------------
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
        db.execute("INSERT INTO dispositions (round_seq, revision, rows_json, added_at, who)"
                   " VALUES (%s, %s, %s, %s, %s)", (seq, revision) + row)
        return Dispositions(name, revision, *row), True

    # -- derived-data cache --------------------------------------------------------------
    @staticmethod
    def _put_cache(db, key: CacheKey, value_json: str) -> None:
        """Store a cache entry inside the caller's transaction."""
        db.execute("INSERT INTO cache (key, value_json) VALUES (%s, %s)"
                   " ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json", (cache_key(key), value_json))

    @guarded
    def put_cache(self, key: CacheKey, value_json: str) -> None:
        """Store derived data (replacing any older value under ``key``)."""
        cache_key(key)
        check_json(value_json, "a cache value")
        self._write(lambda db: self._put_cache(db, key, value_json))

    @guarded
    def get_cache_many(self, keys: Sequence[CacheKey]) -> dict:
        """Return {key: value} for those of ``keys`` stored in the cache, in one query."""
        stored = {cache_key(key): key for key in keys}
        rows = self._all("SELECT key, value_json FROM cache WHERE key = ANY(?)", (list(stored),))
        return {stored[k]: value for k, value in rows}

    @guarded
    def integrity_problems(self) -> list[str]:
        """Return what the database finds wrong: references to missing rows, blobs nothing uses."""
        return [_(_INTEGRITY_MESSAGES[kind]).format(name=name) for kind, name in self._all(_INTEGRITY_SQL)]


def _upgrade(conn, url: str, version: int) -> None:
    """Migrate the schema; a role that does not own the tables is told who can."""
    from .pgconn import psycopg

    try:
        migrate(conn)
    except psycopg().errors.InsufficientPrivilege:
        if version == 0:
            raise
        raise ArchiveError(_("{url}: this archive needs its schema upgraded (v{version} to v{latest}), which only "
                             "the role that owns its tables (the one that ran init) may do: open it once as that "
                             "role; nothing was changed").format(url=shown(url), version=version, latest=LATEST)) from None


def _is_pg_error(exc: BaseException) -> bool:
    from .pgconn import psycopg

    return isinstance(exc, psycopg().Error)
