"""The SQLite connection: opening it with its pragmas, one write transaction, the schema
migrations, recognising a policydiff archive."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import ArchiveError
from .checks import damaged
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS
from ..i18n import _


def connect(path: Path, mode: str, busy_timeout: float) -> sqlite3.Connection:
    """Return a connection in autocommit mode (we issue BEGIN/COMMIT ourselves)."""
    uri = f"{path.as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None)


def configure(db: sqlite3.Connection) -> None:
    """Set the per-connection pragmas; WAL persists in the file once set."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a committed version survives a power cut
    db.execute("PRAGMA foreign_keys = ON")


@contextmanager
def transaction(db: sqlite3.Connection):
    """Run the body as one write transaction: BEGIN IMMEDIATE so a second writer waits, then fails."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def user_version(db: sqlite3.Connection) -> int:
    """Return the schema version recorded in the file."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection, upto: int = LATEST) -> None:
    """Bring the schema to version ``upto`` in one transaction (a no-op when already there)."""
    if user_version(db) >= upto:
        return
    with transaction(db):
        current = user_version(db)  # another process may have migrated while we waited
        for migration in MIGRATIONS:
            if current < migration.version <= upto:
                for statement in migration.statements:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {migration.version}")


def is_empty_database(db: sqlite3.Connection) -> bool:
    """Return whether the file holds no schema at all (an init that died before its commit)."""
    return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def check_archive(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not ours, is from a newer policydiff, or fails quick_check."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = user_version(db)
    if app_id != APPLICATION_ID and not (app_id == 0 and version == 0 and is_empty_database(db)):
        raise ArchiveError(_("{path}: not a policydiff archive; it was left untouched").format(path=path))
    if version > LATEST:
        raise ArchiveError(
            _("{path}: this archive was written by a newer policydiff (schema v{version}; this policydiff "
              "knows up to v{latest}); upgrade policydiff to use it").format(
                  path=path, version=version, latest=LATEST)
        )
    report = [row[0] for row in db.execute("PRAGMA quick_check")]
    if report != ["ok"]:
        # Rows can hold several lines, with "*** in database main ***" headers: keep one line.
        lines = [ln for row in report for ln in row.splitlines() if not ln.startswith("***")]
        raise damaged(path, "quick_check: " + "; ".join(lines[:3]))
