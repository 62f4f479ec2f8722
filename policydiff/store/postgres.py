"""The archive in a PostgreSQL database shared by several editors: blobs as bytea, content-addressed;
every write one SERIALIZABLE transaction, retried with a bound when it loses a race."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence

from ..errors import ArchiveError
from .base import DEFAULT_BUSY_TIMEOUT, CacheKey
from .checks import cache_key
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

    PLACEHOLDER = "%s"  # psycopg's; the shared SQL is written with ?

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

    # -- what PostgreSQL writes its own way ----------------------------------------------
    PUT_BLOB = "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING"
    PUT_CACHE = ("INSERT INTO cache (key, value_json) VALUES (?, ?)"
                 " ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json")
    INSERT_VERSION = ("INSERT INTO versions (seq, label, date, note, filename, added_at, sha256)"
                      " SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM versions")

    def _insert_round_row(self, db, row: tuple) -> int:
        """Insert a round under the caller's transaction, numbered after the last; return its seq."""
        return db.execute(self._sql(
            "INSERT INTO rounds (seq, name, date_from, date_to, base_seq, annotations_json, added_at)"
            " SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM rounds RETURNING seq"), row).fetchone()[0]

    # -- derived-data cache --------------------------------------------------------------
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
    try:
        migrate(conn)
    except psycopg().errors.InsufficientPrivilege:
        if version == 0:
            raise
        raise ArchiveError(_("{url}: this archive needs its schema upgraded (v{version} to v{latest}), which only "
                             "the role that owns its tables (the one that ran init) may do: open it once as that "
                             "role; nothing was changed").format(url=shown(url), version=version, latest=LATEST)) from None


def _is_pg_error(exc: BaseException) -> bool:
    return isinstance(exc, psycopg().Error)
