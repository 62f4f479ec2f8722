"""The archive in one SQLite file, ``.policydiff/archive.sqlite``: WAL, one transaction per write."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import ArchiveError
from .base import ARCHIVE_DIRNAME, DEFAULT_BUSY_TIMEOUT, find_archive, new_archive_folder
from .checks import translate
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

    def _write(self, body):
        """Return ``body(db)`` run as one write transaction."""
        with transaction(self._db) as db:
            return body(db)

    # -- what SQLite writes its own way --------------------------------------------------
    PUT_BLOB = "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)"
    PUT_CACHE = "INSERT OR REPLACE INTO cache (key, value_json) VALUES (?, ?)"
    INSERT_VERSION = "INSERT INTO versions (label, date, note, filename, added_at, sha256) VALUES (?, ?, ?, ?, ?, ?)"

    @staticmethod
    def _insert_round_row(db: sqlite3.Connection, row: tuple) -> int:
        """Insert a round under the caller's transaction; return its seq (SQLite's rowid)."""
        return db.execute("INSERT INTO rounds (name, date_from, date_to, base_seq, annotations_json, added_at)"
                          " VALUES (?, ?, ?, ?, ?, ?)", row).lastrowid

    # -- checking ------------------------------------------------------------------------
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

