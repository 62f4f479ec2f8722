"""The archive in one SQLite file, ``.policydiff/archive.sqlite``: WAL, one transaction per write."""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence, Tuple

from ..errors import ArchiveError
from ..thaidate import arabic_digits
from .base import (
    ARCHIVE_DIRNAME,
    DEFAULT_BUSY_TIMEOUT,
    CacheKey,
    Dispositions,
    Round,
    RoundSource,
    Store,
    Version,
    VersionRef,
    find_archive,
    outline_key,
)
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS

ARCHIVE_FILENAME = "archive.sqlite"
BUSY_MESSAGE = "the archive is busy: another policydiff command is writing; try again"

_VERSION_COLUMNS = "v.seq, v.label, v.sha256, v.date, v.note, v.filename, v.added_at, b.size"
_VERSION_SELECT = f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN blobs b USING (sha256)"
_ROUND_SELECT = (
    "SELECT r.seq, r.name, r.date_from, r.date_to, v.label, r.base_seq, r.annotations_json,"
    " r.added_at FROM rounds r JOIN versions v ON v.seq = r.base_seq"
)
_SHOWN_CHOICES = 10  # how many known labels/names an "unknown" message lists


def _primary_code(exc: sqlite3.Error) -> Optional[int]:
    """Return SQLite's primary result code for ``exc``, when Python exposes it (3.11+)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _translate(exc: sqlite3.Error, path) -> ArchiveError:
    """Return the one-line ArchiveError a person should see for a SQLite failure."""
    code, text = _primary_code(exc), str(exc)
    if code in (5, 6) or "locked" in text or "busy" in text:  # SQLITE_BUSY, SQLITE_LOCKED
        return ArchiveError(BUSY_MESSAGE)
    if code == 13 or "full" in text:  # SQLITE_FULL
        return ArchiveError(f"{path}: the disk is full; the archive was not changed")
    if code in (11, 26) or "malformed" in text or "not a database" in text:
        return _damaged(path, text)
    return ArchiveError(f"{path}: {text}")


def _damaged(path, detail: str) -> ArchiveError:
    """Return the error for an archive that fails its integrity check."""
    return ArchiveError(
        f"{path}: the archive is damaged ({detail}); it was left untouched: "
        "restore .policydiff/ from a backup"
    )


def _guarded(method):
    """Wrap a method so SQLite failures surface as one-line ArchiveErrors."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc

    return wrapper


# -- argument checks -----------------------------------------------------------------------
def _check_iso_date(value: str, what: str) -> str:
    """Return ``value`` if it is an ISO date (YYYY-MM-DD); ValueError otherwise."""
    try:
        if isinstance(value, str) and len(value) == 10:
            return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ValueError(f"{what} must be an ISO date (YYYY-MM-DD), not {value!r}")


def _check_timestamp(value: str) -> str:
    """Return ``value`` if it is an ISO date-time; ValueError otherwise."""
    text = value[:-1] + "+00:00" if isinstance(value, str) and value.endswith("Z") else value
    try:
        _dt.datetime.fromisoformat(text)
        return value
    except (TypeError, ValueError):
        raise ValueError(f"added_at must be an ISO date-time, not {value!r}") from None


def _check_json(value: str, what: str) -> str:
    """Return ``value`` if it is a JSON text; ValueError otherwise."""
    try:
        json.loads(value)
        return value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be JSON text") from None


def _is_number(text: str) -> bool:
    """Return whether ``text`` is only digits, Thai or Arabic."""
    ascii_text = arabic_digits(text)
    return ascii_text.isascii() and ascii_text.isdigit()


def _check_name(value: str, what: str) -> str:
    """Return ``value`` if it is usable as a label or name; ArchiveError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ArchiveError(f"{what} cannot be empty")
    if value != value.strip() or any(ch < " " for ch in value):
        raise ArchiveError(f"{what} {value!r} has leading/trailing spaces or control characters")
    return value


def _check_label(label: str) -> str:
    """Return ``label`` if a version may carry it; a label of digits alone would shadow a seq."""
    _check_name(label, "a version label")
    if _is_number(label):
        raise ArchiveError(
            f'a version label cannot be only digits ("{label}" would be read as a sequence '
            "number); use e.g. v" + label
        )
    return label


def _cache_key(key: CacheKey) -> str:
    """Return the stored form of a cache key: a compact JSON array of its parts."""
    parts = [key] if isinstance(key, str) else list(key)
    if not parts or not all(isinstance(p, str) for p in parts):
        raise ValueError(f"a cache key is a string or a tuple of strings, not {key!r}")
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def _listing(names: Sequence[str]) -> str:
    """Return a short human list of known labels or names."""
    if not names:
        return "none yet"
    shown = list(names[-_SHOWN_CHOICES:])
    prefix = "…, " if len(names) > _SHOWN_CHOICES else ""
    return prefix + ", ".join(shown)


# -- connection and schema -----------------------------------------------------------------
def _connect(path: Path, mode: str, busy_timeout: float) -> sqlite3.Connection:
    """Return a connection in autocommit mode (we issue BEGIN/COMMIT ourselves)."""
    uri = f"{path.as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None)


def _configure(db: sqlite3.Connection) -> None:
    """Set the per-connection pragmas; WAL persists in the file once set."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a committed version survives a power cut
    db.execute("PRAGMA foreign_keys = ON")


@contextmanager
def _transaction(db: sqlite3.Connection):
    """Run the body as one write transaction: BEGIN IMMEDIATE so a second writer waits, then fails."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _user_version(db: sqlite3.Connection) -> int:
    """Return the schema version recorded in the file."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def _migrate(db: sqlite3.Connection, upto: int = LATEST) -> None:
    """Bring the schema to version ``upto`` in one transaction (a no-op when already there)."""
    if _user_version(db) >= upto:
        return
    with _transaction(db):
        current = _user_version(db)  # another process may have migrated while we waited
        for migration in MIGRATIONS:
            if current < migration.version <= upto:
                for statement in migration.statements:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {migration.version}")


def _is_empty_database(db: sqlite3.Connection) -> bool:
    """Return whether the file holds no schema at all (an init that died before its commit)."""
    return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _check_archive(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not ours, is from a newer policydiff, or fails quick_check."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = _user_version(db)
    if app_id != APPLICATION_ID and not (app_id == 0 and version == 0 and _is_empty_database(db)):
        raise ArchiveError(f"{path}: not a policydiff archive; it was left untouched")
    if version > LATEST:
        raise ArchiveError(
            f"{path}: this archive was written by a newer policydiff (schema v{version}; "
            f"this policydiff knows up to v{LATEST}); upgrade policydiff to use it"
        )
    report = [row[0] for row in db.execute("PRAGMA quick_check")]
    if report != ["ok"]:
        # Rows can hold several lines, with "*** in database main ***" headers: keep one line.
        lines = [ln for row in report for ln in row.splitlines() if not ln.startswith("***")]
        raise _damaged(path, "quick_check: " + "; ".join(lines[:3]))


class SqliteStore(Store):
    """The archive as one SQLite file with blobs inside it, content-addressed by sha256."""

    def __init__(self, db: sqlite3.Connection, root: Path):
        self._db = db
        self.root = root
        self.path = root / ARCHIVE_DIRNAME / ARCHIVE_FILENAME

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, workdir, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "SqliteStore":
        """Create ``workdir/.policydiff/archive.sqlite``; ArchiveError if ``.policydiff`` exists."""
        root = Path(workdir).resolve()
        if not root.is_dir():
            raise ArchiveError(f"{root}: no such folder")
        folder = root / ARCHIVE_DIRNAME
        try:
            folder.mkdir()
        except FileExistsError:
            raise ArchiveError(
                f"{folder} already exists: this folder already has an archive"
            ) from None
        try:
            return cls._open_file(root, "rwc", busy_timeout)
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
                f"no archive here ({start} and the folders above it have no {ARCHIVE_DIRNAME}/); "
                "run `policydiff init`"
            )
        path = root / ARCHIVE_DIRNAME / ARCHIVE_FILENAME
        if not path.is_file():
            raise ArchiveError(
                f"{path.parent} has no {ARCHIVE_FILENAME}: the archive is missing or its "
                f"creation was interrupted (if {ARCHIVE_DIRNAME}/ is empty, remove it and run "
                "`policydiff init`)"
            )
        return cls._open_file(root, "rw", busy_timeout)

    @classmethod
    def _open_file(cls, root: Path, mode: str, busy_timeout: float) -> "SqliteStore":
        """Connect, check the file, migrate it to the latest schema, and wrap it."""
        path = root / ARCHIVE_DIRNAME / ARCHIVE_FILENAME
        db = _connect(path, mode, busy_timeout)
        try:
            _check_archive(db, path)
            _configure(db)
            _migrate(db)
        except sqlite3.Error as exc:
            db.close()
            raise _translate(exc, path) from exc
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
        return _user_version(self._db)

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _write(self):
        """Run the body as one write transaction."""
        with _transaction(self._db) as db:
            yield db

    def _one(self, sql: str, params=()):
        """Return the first row of a query, or None."""
        return self._db.execute(sql, params).fetchone()

    def _blob(self, sha256: str, what: str) -> bytes:
        """Return a blob's bytes after checking them against their address."""
        row = self._one("SELECT data FROM blobs WHERE sha256 = ?", (sha256,))
        if row is None:
            raise _damaged(self.path, f"{what}: its bytes are missing")
        data = bytes(row[0])
        if hashlib.sha256(data).hexdigest() != sha256:
            raise _damaged(self.path, f"{what}: its bytes do not match their sha256")
        return data

    def _put_blob(self, db: sqlite3.Connection, data: bytes) -> str:
        """Store ``data`` once under its sha256 (inside the caller's transaction); return the hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        db.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
            (sha256, len(data), sqlite3.Binary(data)),
        )
        return sha256

    def _version_where(self, where: str, params) -> Optional[Version]:
        """Return the one version matching a WHERE clause, or None."""
        row = self._one(f"{_VERSION_SELECT} WHERE {where}", params)
        return None if row is None else Version(*row)

    def _labels(self) -> list[str]:
        """Return every label in order."""
        return [r[0] for r in self._db.execute("SELECT label FROM versions ORDER BY seq")]

    def _round_row(self, name: str):
        """Return (seq, name) of a round; ArchiveError listing the known rounds if absent."""
        row = self._one("SELECT seq, name FROM rounds WHERE name = ?", (name,))
        if row is None:
            names = [r[0] for r in self._db.execute("SELECT name FROM rounds ORDER BY seq")]
            raise ArchiveError(f'no round "{name}" in the archive; rounds: {_listing(names)}')
        return row

    def _round_from_row(self, row) -> Round:
        """Return a Round from a rounds row, with its sources."""
        sources = tuple(
            RoundSource(*r)
            for r in self._db.execute(
                "SELECT s.filename, s.sha256, b.size FROM round_sources s"
                " JOIN blobs b USING (sha256) WHERE s.round_seq = ? ORDER BY s.position",
                (row[0],),
            )
        )
        seq, name, date_from, date_to, base_label, base_seq, annotations, added_at = row
        return Round(seq, name, date_from, date_to, base_label, base_seq, sources, annotations, added_at)

    # -- versions ------------------------------------------------------------------------
    @_guarded
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
        _check_label(label)
        date = _check_iso_date(date, "a version's date")
        _check_timestamp(added_at)
        if outline_json is not None:
            _check_json(outline_json, "outline_json")
        sha256 = hashlib.sha256(data).hexdigest()
        known = self.find_sha(sha256)
        if known is not None:
            return known, False  # read only: no write lock taken, nothing changes
        with self._write() as db:
            # Checked again under the lock: another writer may have added them meanwhile.
            known = self._version_where("v.sha256 = ?", (sha256,))
            if known is not None:
                return known, False
            taken = self._version_where("v.label = ?", (label,))
            if taken is not None:
                raise ArchiveError(
                    f'the label "{label}" is already used by version {taken.seq} '
                    f"(added {taken.added_at}); choose another label"
                )
            self._put_blob(db, data)
            db.execute(
                "INSERT INTO versions (label, sha256, date, note, filename, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (label, sha256, date, note, filename, added_at),
            )
            if outline_json is not None:
                self._put_cache(db, outline_key(sha256), outline_json)
        return self._version_where("v.sha256 = ?", (sha256,)), True

    @_guarded
    def get_version(self, ref: VersionRef) -> Version:
        """Return the version with this label or seq (int, or a string of Thai/Arabic digits)."""
        if isinstance(ref, str):
            found = self._version_where("v.label = ?", (ref,))
            if found is None and _is_number(ref.strip()):
                found = self._version_where("v.seq = ?", (int(arabic_digits(ref.strip())),))
        elif isinstance(ref, int) and not isinstance(ref, bool):
            found = self._version_where("v.seq = ?", (ref,))
        else:
            raise TypeError(f"a version is named by a label or a seq number, not {ref!r}")
        if found is None:
            raise ArchiveError(f'no version "{ref}" in the archive; versions: {_listing(self._labels())}')
        return found

    @_guarded
    def find_sha(self, sha256: str) -> Optional[Version]:
        """Return the version whose bytes have this sha256, or None."""
        return self._version_where("v.sha256 = ?", (sha256.lower(),))

    @_guarded
    def version_bytes(self, ref: VersionRef) -> bytes:
        """Return a version's bytes, checked against its sha256."""
        version = self.get_version(ref)
        return self._blob(version.sha256, f'version "{version.label}"')

    @_guarded
    def list_versions(self) -> list[Version]:
        """Return every version in the order added."""
        return [Version(*row) for row in self._db.execute(f"{_VERSION_SELECT} ORDER BY v.seq")]

    @_guarded
    def previous(self, ref: VersionRef) -> Optional[Version]:
        """Return the version added just before this one, or None for the first."""
        version = self.get_version(ref)
        return self._version_where("v.seq < ? ORDER BY v.seq DESC LIMIT 1", (version.seq,))

    @_guarded
    def outline_json(self, ref: VersionRef) -> Optional[str]:
        """Return the outline JSON stored with a version, or None."""
        return self.get_cache(outline_key(self.get_version(ref).sha256))

    # -- rounds --------------------------------------------------------------------------
    @_guarded
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
        _check_name(name, "a round name")
        date_from = _check_iso_date(date_from, "a round's start date")
        date_to = _check_iso_date(date_to, "a round's end date")
        if date_from > date_to:
            raise ArchiveError(f'round "{name}": it ends ({date_to}) before it starts ({date_from})')
        _check_json(annotations_json, "annotations_json")
        _check_timestamp(added_at)
        sources = [(filename, bytes(data)) for filename, data in sources]
        self._check_source_names(name, [filename for filename, _ in sources])
        base = self.get_version(base_label)
        with self._write() as db:
            existing = self._one("SELECT added_at FROM rounds WHERE name = ?", (name,))
            if existing is not None:
                raise ArchiveError(f'a round named "{name}" already exists (recorded {existing[0]})')
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

    @staticmethod
    def _check_source_names(round_name: str, filenames: Sequence[str]) -> None:
        """Refuse empty or repeated file names among a round's sources."""
        seen = set()
        for filename in filenames:
            _check_name(filename, f'a file name in round "{round_name}"')
            if filename in seen:
                raise ArchiveError(f'round "{round_name}": the file name "{filename}" appears twice')
            seen.add(filename)

    @_guarded
    def get_round(self, name: str) -> Round:
        """Return the round with this name; ArchiveError if there is none."""
        seq, _ = self._round_row(name)
        return self._round_from_row(self._one(f"{_ROUND_SELECT} WHERE r.seq = ?", (seq,)))

    @_guarded
    def list_rounds(self) -> list[Round]:
        """Return every round in the order recorded."""
        rows = self._db.execute(f"{_ROUND_SELECT} ORDER BY r.seq").fetchall()
        return [self._round_from_row(row) for row in rows]

    @_guarded
    def round_source_bytes(self, round_name: str, filename: str) -> bytes:
        """Return the bytes of one file a round received, checked against its sha256."""
        seq, _ = self._round_row(round_name)
        row = self._one(
            "SELECT sha256 FROM round_sources WHERE round_seq = ? AND filename = ?", (seq, filename)
        )
        if row is None:
            raise ArchiveError(f'round "{round_name}" received no file named "{filename}"')
        return self._blob(row[0], f'"{filename}" of round "{round_name}"')

    # -- dispositions --------------------------------------------------------------------
    def _dispositions(self, round_seq: int, round_name: str, order: str, limit: str = ""):
        """Return a round's disposition revisions in the given order."""
        rows = self._db.execute(
            "SELECT revision, rows_json, added_at FROM dispositions WHERE round_seq = ?"
            f" ORDER BY revision {order} {limit}",
            (round_seq,),
        )
        return [Dispositions(round_name, *row) for row in rows]

    @_guarded
    def set_dispositions(
        self, round_name: str, rows_json: str, *, added_at: str
    ) -> Tuple[Dispositions, bool]:
        """Store a new revision of a round's disposition table; (latest, False) if identical to it."""
        _check_json(rows_json, "rows_json")
        _check_timestamp(added_at)
        with self._write() as db:
            seq, name = self._round_row(round_name)
            latest = self._dispositions(seq, name, "DESC", "LIMIT 1")
            if latest and latest[0].rows_json == rows_json:
                return latest[0], False
            revision = latest[0].revision + 1 if latest else 1
            db.execute(
                "INSERT INTO dispositions (round_seq, revision, rows_json, added_at)"
                " VALUES (?, ?, ?, ?)",
                (seq, revision, rows_json, added_at),
            )
        return Dispositions(name, revision, rows_json, added_at), True

    @_guarded
    def get_dispositions(self, round_name: str) -> Optional[Dispositions]:
        """Return the latest disposition revision of a round, or None if none was set."""
        seq, name = self._round_row(round_name)
        latest = self._dispositions(seq, name, "DESC", "LIMIT 1")
        return latest[0] if latest else None

    @_guarded
    def dispositions_history(self, round_name: str) -> list[Dispositions]:
        """Return every disposition revision of a round, oldest first."""
        seq, name = self._round_row(round_name)
        return self._dispositions(seq, name, "ASC")

    # -- derived-data cache --------------------------------------------------------------
    def _put_cache(self, db: sqlite3.Connection, key: CacheKey, value_json: str) -> None:
        """Store a cache entry inside the caller's transaction."""
        db.execute(
            "INSERT OR REPLACE INTO cache (key, value_json) VALUES (?, ?)",
            (_cache_key(key), value_json),
        )

    @_guarded
    def put_cache(self, key: CacheKey, value_json: str) -> None:
        """Store derived data (replacing any older value under ``key``)."""
        _cache_key(key)
        _check_json(value_json, "a cache value")
        with self._write() as db:
            self._put_cache(db, key, value_json)

    @_guarded
    def get_cache(self, key: CacheKey) -> Optional[str]:
        """Return derived data stored under ``key``, or None."""
        row = self._one("SELECT value_json FROM cache WHERE key = ?", (_cache_key(key),))
        return None if row is None else row[0]
