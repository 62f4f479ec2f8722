"""The PostgreSQL connection: psycopg 3 loaded on demand, errors as one-line ArchiveErrors,
serializable write transactions retried a bounded number of times, and the schema migrations."""

from __future__ import annotations

import random
import time
from contextlib import contextmanager

from ..errors import ArchiveError, one_line
from .checks import BUSY_MESSAGE
from .location import shown
from .pgschema import LATEST, MIGRATION_LOCK, MIGRATIONS
from ..i18n import _

INSTALL_HINT = "pip install 'policydiff[postgres]' (or: pip install 'psycopg[binary]')"
MAX_ATTEMPTS = 30  # a write retried after serialization failures at most this often
_BACKOFF_CAP = 0.25  # seconds, the longest pause between two attempts
CONNECT_TIMEOUT = 10  # seconds


def psycopg():
    """Return the psycopg module, or an ArchiveError saying what to install."""
    try:
        import psycopg as module
    except ImportError:
        raise ArchiveError(_("a PostgreSQL archive needs psycopg 3, which is not installed: {hint}").format(
            hint=INSTALL_HINT)) from None
    return module


def connect(url: str, busy_timeout: float):
    """Return an autocommit connection whose lock waits end after ``busy_timeout`` seconds."""
    pg = psycopg()
    try:
        conn = pg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name="policydiff")
    except pg.Error as exc:
        raise ArchiveError(_("cannot connect to the PostgreSQL archive at {url}: {problem}").format(
            url=shown(url), problem=_first_line(exc))) from None
    except Exception as exc:  # libpq refuses some URLs before connecting (ProgrammingError is a pg.Error)
        raise ArchiveError(_("{url}: not a usable PostgreSQL URL ({problem})").format(
            url=shown(url), problem=one_line(exc))) from None
    # SET, not a connect option: `options` from the URL or a service file stay as the DBA wrote them.
    conn.execute(f"SET lock_timeout = {max(1, int(busy_timeout * 1000))}")
    return conn


def _first_line(exc) -> str:
    text = str(exc).strip().splitlines()
    return one_line(text[0] if text else type(exc).__name__)


def translate(exc, where: str) -> ArchiveError:
    """Return the one-line ArchiveError a person should see for a PostgreSQL failure."""
    errors = psycopg().errors
    if isinstance(exc, (errors.LockNotAvailable, errors.SerializationFailure, errors.DeadlockDetected)):
        return ArchiveError(_(BUSY_MESSAGE))
    if isinstance(exc, errors.InsufficientPrivilege):
        return ArchiveError(_("{where}: this database role may only read the archive ({problem}); nothing was "
                              "changed").format(where=where, problem=_first_line(exc)))
    if isinstance(exc, errors.DiskFull):
        return ArchiveError(_("{where}: the database server's disk is full; the archive was not changed").format(
            where=where))
    if isinstance(exc, psycopg().OperationalError):
        return ArchiveError(_("{where}: the connection to the database failed: {problem}").format(
            where=where, problem=_first_line(exc)))
    return ArchiveError(f"{where}: {_first_line(exc)}")


def _retryable(exc) -> bool:
    """Whether a failed write may succeed when run again (it lost a race to another writer)."""
    errors = psycopg().errors
    return isinstance(exc, (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation))


def run_write(conn, body, busy_timeout: float):
    """Return ``body(conn)`` run in a SERIALIZABLE transaction, run again after a lost race
    (at most MAX_ATTEMPTS times, within ``busy_timeout`` seconds); BUSY_MESSAGE after that."""
    deadline = time.monotonic() + busy_timeout
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
                return body(conn)
        except psycopg().Error as exc:
            if not _retryable(exc) or attempt == MAX_ATTEMPTS or time.monotonic() > deadline:
                raise
        time.sleep(random.uniform(0, min(_BACKOFF_CAP, 0.004 * 2 ** attempt)))
    raise AssertionError("unreachable")  # the loop returns or raises


@contextmanager
def plain_transaction(conn):
    """Run the body in one READ COMMITTED transaction (migrations serialize on an advisory lock)."""
    with conn.transaction():
        yield conn


def schema_version(conn) -> int:
    """Return the schema version recorded in the database, 0 when it holds no archive yet."""
    exists = conn.execute("SELECT to_regclass('policydiff_meta') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = conn.execute("SELECT value FROM policydiff_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def foreign_tables(conn) -> bool:
    """Return whether a database without our schema has tables named like ours."""
    return conn.execute("SELECT to_regclass('versions') IS NOT NULL OR to_regclass('blobs') IS NOT NULL"
                        ).fetchone()[0]


def migrate(conn, upto: int = LATEST) -> None:
    """Bring the schema to version ``upto`` in one transaction (a no-op when already there)."""
    if schema_version(conn) >= upto:
        return
    with plain_transaction(conn):
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        current = schema_version(conn)  # another process may have migrated while we waited
        for migration in MIGRATIONS:
            if current < migration.version <= upto:
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute("UPDATE policydiff_meta SET value = %s WHERE key = 'schema_version'",
                             (str(migration.version),))
