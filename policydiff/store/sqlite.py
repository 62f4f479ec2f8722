"""The archive in one SQLite file, ``.policydiff/archive.sqlite``: WAL, one transaction per write."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence, Tuple

from ..errors import ArchiveError, StaleError
from .base import (
    ARCHIVE_DIRNAME,
    DEFAULT_BUSY_TIMEOUT,
    CacheKey,
    Dispositions,
    Round,
    Version,
    VersionRef,
    find_archive,
    new_archive_folder,
    outline_key,
    source_names,
)
from .checks import (
    cache_key, check_expected, check_iso_date, check_json, check_label, check_timestamp, check_who,
    checked_batch, checked_round, translate,
)
from .connection import check_archive, configure, connect, migrate, transaction, user_version
from .sql import SqlStore, guarded
from ..i18n import _

ARCHIVE_FILENAME = "archive.sqlite"


class SqliteStore(SqlStore):
    """The archive as one SQLite file with blobs inside it, content-addressed by sha256."""

    def __init__(self, db: sqlite3.Connection, root: Path):
        self._db = db
        self.root = root
        self.path = root / ARCHIVE_DIRNAME / ARCHIVE_FILENAME

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, workdir, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "SqliteStore":
        """Create ``workdir/.policydiff/archive.sqlite``; ArchiveError if ``.policydiff`` exists."""
        folder = new_archive_folder(workdir)
        try:
            return cls._open_file(folder.parent, "rwc", busy_timeout)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # ours, created a moment ago, never filled
            raise

    @classmethod
    def connect(
        cls, workdir, create: bool = False, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    ) -> "SqliteStore":
        """Open the archive found in ``workdir`` or its nearest parent."""
        start = Path(workdir).resolve()
        root = find_archive(start)
        if root is None:
            if create:
                return cls.create(start if start.is_dir() else start.parent, busy_timeout=busy_timeout)
            raise ArchiveError(
                _("no archive here ({start} and the folders above it have no {folder}/); run `policydiff "
                  "init`").format(start=start, folder=ARCHIVE_DIRNAME)
            )
        path = root / ARCHIVE_DIRNAME / ARCHIVE_FILENAME
        if not path.is_file():
            raise ArchiveError(
                _("{parent} has no {file}: the archive is missing or its creation was interrupted (if "
                  "{folder}/ is empty, remove it and run `policydiff init`)").format(
                      parent=path.parent, file=ARCHIVE_FILENAME, folder=ARCHIVE_DIRNAME)
            )
        return cls._open_file(root, "rw", busy_timeout)

    @classmethod
    def _open_file(cls, root: Path, mode: str, busy_timeout: float) -> "SqliteStore":
        """Connect, check the file, migrate it to the latest schema, and wrap it."""
        path = root / ARCHIVE_DIRNAME / ARCHIVE_FILENAME
        db = connect(path, mode, busy_timeout)
        try:
            check_archive(db, path)
            configure(db)
            migrate(db)
        except sqlite3.Error as exc:
            db.close()
            raise translate(exc, path) from exc
        except BaseException:
            db.close()
            raise
        return cls(db, root)

    def close(self) -> None:
        """Close the connection (SQLite checkpoints the WAL into the file)."""
        self._db.close()

    @property
    def schema_version(self) -> int:
        """Return the schema version of the open archive."""
        return user_version(self._db)

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _translated(self):
        """Turn SQLite failures inside the body into one-line ArchiveErrors."""
        try:
            yield
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    @contextmanager
    def _write(self):
        """Run the body as one write transaction."""
        with transaction(self._db) as db:
            yield db

    def _put_blob(self, db: sqlite3.Connection, data: bytes) -> str:
        """Store ``data`` once under its sha256 (inside the caller's transaction); return the hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        db.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
            (sha256, len(data), sqlite3.Binary(data)),
        )
        return sha256

    # -- versions ------------------------------------------------------------------------
    @guarded
    def add_version(
        self,
        data: bytes,
        label: str,
        date: str,
        note: str = "",
        filename: str = "",
        outline_json: Optional[str] = None,
        *,
        added_at: str,
    ) -> Tuple[Version, bool]:
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
        with self._write() as db:
            # Checked again under the lock: another writer may have added them meanwhile.
            known = self._version_where("v.sha256 = ?", (sha256,))
            if known is not None:
                return known, False
            self._insert_version(db, data, sha256, row, outline_json)
        return self._version_where("v.sha256 = ?", (sha256,)), True

    def _insert_version(self, db: sqlite3.Connection, data: bytes, sha256: str, row: tuple,
                        outline_json: Optional[str]) -> None:
        """Write a new version (``row``: label, date, note, filename, added_at) under the lock."""
        label = row[0]
        taken = self._version_where("v.label = ?", (label,))
        if taken is not None:
            raise ArchiveError(_('the label "{label}" is already used by version {seq} (added {added_at}); choose '
                                 'another label').format(
                label=label, seq=taken.seq, added_at=taken.added_at))
        self._put_blob(db, data)
        db.execute("INSERT INTO versions (label, date, note, filename, added_at, sha256) VALUES (?, ?, ?, ?, ?, ?)",
                   row + (sha256,))
        if outline_json is not None:
            self._put_cache(db, outline_key(sha256), outline_json)

    # -- rounds --------------------------------------------------------------------------
    @guarded
    def add_round(
        self,
        name: str,
        date_from: str,
        date_to: str,
        base_label: VersionRef,
        sources: Sequence[Tuple[str, bytes]],
        annotations_json: str,
        *,
        added_at: str,
    ) -> Round:
        """Record a comment round with its returned files, all in one transaction."""
        date_from, date_to, sources = checked_round(name, date_from, date_to, sources, annotations_json, added_at)
        base = self.get_version(base_label)
        with self._write() as db:
            existing = self._one("SELECT added_at FROM rounds WHERE name = ?", (name,))
            if existing is not None:
                raise ArchiveError(_('a round named "{name}" already exists (recorded {added_at})').format(
                    name=name, added_at=existing[0]))
            seq = db.execute(
                "INSERT INTO rounds (name, date_from, date_to, base_seq, annotations_json, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, date_from, date_to, base.seq, annotations_json, added_at),
            ).lastrowid
            for position, (filename, data) in enumerate(sources):
                db.execute(
                    "INSERT INTO round_sources (round_seq, position, filename, sha256)"
                    " VALUES (?, ?, ?, ?)",
                    (seq, position, filename, self._put_blob(db, data)),
                )
        return self.get_round(name)

    @guarded
    def add_round_sources(self, name: str, sources: Sequence[Tuple[str, bytes]], annotations_json: str, *,
                          added_at: str, expect_sources: Optional[int] = None) -> Round:
        """Add files to a round and replace its annotations, in one transaction (see ``Store``)."""
        sources = checked_batch(name, sources, annotations_json, added_at)
        with self._write() as db:
            seq, _added = self._round_row(name)
            held = self.get_round(name)
            if expect_sources is not None and len(held.sources) != expect_sources:
                raise StaleError(_('round "{name}" received other files meanwhile; read it again').format(name=name))
            names = source_names(held.sources, sources)
            for position, (filename, (_given, data)) in enumerate(
                    ((n, f) for n, f in zip(names, sources) if n is not None), len(held.sources)):
                db.execute("INSERT INTO round_sources (round_seq, position, filename, sha256) VALUES (?, ?, ?, ?)",
                           (seq, position, filename, self._put_blob(db, data)))
            if annotations_json != held.annotations_json:
                db.execute("INSERT INTO round_annotations (round_seq, revision, annotations_json, added_at)"
                           " SELECT ?, coalesce(max(revision), 0) + 1, ?, ? FROM round_annotations"
                           " WHERE round_seq = ?", (seq, annotations_json, added_at, seq))
        return self.get_round(name)

    # -- dispositions --------------------------------------------------------------------
    @guarded
    def set_dispositions(
        self, round_name: str, rows_json: str, *, added_at: str, who: str = "",
        expect_revision: Optional[int] = None,
    ) -> Tuple[Dispositions, bool]:
        """Store a new revision of a round's disposition table; (latest, False) if identical to it."""
        check_json(rows_json, "rows_json")
        check_timestamp(added_at)
        check_who(who)
        with self._write() as db:
            seq, name = self._round_row(round_name)
            latest = self._dispositions(seq, name, "DESC", "LIMIT 1")
            check_expected(name, latest, expect_revision)
            if latest and latest[0].rows_json == rows_json:
                return latest[0], False
            revision = latest[0].revision + 1 if latest else 1
            db.execute(
                "INSERT INTO dispositions (round_seq, revision, rows_json, added_at, who)"
                " VALUES (?, ?, ?, ?, ?)",
                (seq, revision, rows_json, added_at, who),
            )
        return Dispositions(name, revision, rows_json, added_at, who), True

    # -- derived-data cache --------------------------------------------------------------
    def _put_cache(self, db: sqlite3.Connection, key: CacheKey, value_json: str) -> None:
        """Store a cache entry inside the caller's transaction."""
        db.execute(
            "INSERT OR REPLACE INTO cache (key, value_json) VALUES (?, ?)",
            (cache_key(key), value_json),
        )

    @guarded
    def put_cache(self, key: CacheKey, value_json: str) -> None:
        """Store derived data (replacing any older value under ``key``)."""
        cache_key(key)
        check_json(value_json, "a cache value")
        with self._write() as db:
            self._put_cache(db, key, value_json)

    @guarded
    def integrity_problems(self) -> list[str]:
        """Return what SQLite finds wrong: integrity_check, foreign keys, blobs nothing uses."""
        report = [r[0] for r in self._db.execute("PRAGMA integrity_check")]
        problems = [] if report == ["ok"] else [f"integrity_check: {line}" for line in report[:5]]
        problems += [_("{table} row {rowid}: points at a missing {parent} row").format(
                         table=table, rowid=rowid, parent=parent)
                     for table, rowid, parent, _fk in self._db.execute("PRAGMA foreign_key_check")]
        return problems + [_("blob {name} belongs to no version and no "
                             "round").format(name=r[0]) for r in self._db.execute(
            "SELECT sha256 FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.sha256 = b.sha256)"
            " AND NOT EXISTS (SELECT 1 FROM round_sources s WHERE s.sha256 = b.sha256)")]

