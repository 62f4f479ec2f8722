"""The version archive behind one small interface; ``Store.init``/``Store.open`` pick the backend.

Usage::

    with Store.open(workdir) as store:
        version, created = store.add_version(data, "v2", "2009-08-19", added_at=now)

Every write is one transaction; versions, rounds and dispositions are append-only.
"""

from .base import (
    AnnotationRevision,
    ARCHIVE_DIRNAME,
    DEFAULT_BUSY_TIMEOUT,
    Dispositions,
    Round,
    RoundSource,
    Store,
    Version,
    find_archive,
    outline_key,
)
from .checks import BUSY_MESSAGE
from .location import ENV_VAR, is_database_url, locate_archive
from .postgres import PostgresStore
from .sqlite import ARCHIVE_FILENAME, SqliteStore

__all__ = [
    "AnnotationRevision",
    "ARCHIVE_DIRNAME",
    "ARCHIVE_FILENAME",
    "BUSY_MESSAGE",
    "DEFAULT_BUSY_TIMEOUT",
    "ENV_VAR",
    "Dispositions",
    "Round",
    "PostgresStore",
    "RoundSource",
    "SqliteStore",
    "Store",
    "Version",
    "find_archive",
    "is_database_url",
    "locate_archive",
    "outline_key",
]
