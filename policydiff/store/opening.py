"""Choosing the store: SQLite in ``.policydiff/``, or PostgreSQL named by ``--db``, ``POLICYDIFF_DB``
or the archive's config file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

from .base import DEFAULT_BUSY_TIMEOUT, Store, find_archive, new_archive_folder
from .location import check_url, environment_url, read_config, write_config


def init_archive(workdir, *, db: Optional[str] = None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
    """Create the archive of ``workdir``: in SQLite, or in the database ``db`` (else ``POLICYDIFF_DB``)."""
    url = db or environment_url()
    if url is None:
        from .sqlite import SqliteStore

        return SqliteStore.create(workdir, busy_timeout=busy_timeout)
    check_url(url)
    folder = new_archive_folder(workdir)
    try:
        from .postgres import PostgresStore

        store = PostgresStore.open_url(url, folder.parent, create=True, busy_timeout=busy_timeout)
        write_config(folder.parent, url)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # ours, created a moment ago
        raise
    return store


def open_archive(workdir, create: bool = False, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
    """Open the archive serving ``workdir``: ``POLICYDIFF_DB``, else the nearest ``.policydiff/``."""
    start = Path(workdir).resolve()
    here = start if start.is_dir() else start.parent
    root = find_archive(start)
    url = environment_url() or (read_config(root) if root is not None else None)
    if url is None:
        from .sqlite import SqliteStore

        return SqliteStore.connect(workdir, create=create, busy_timeout=busy_timeout)
    from .postgres import PostgresStore

    return PostgresStore.open_url(url, root or here, create=create, busy_timeout=busy_timeout)


def open_url(target: str, *, create: bool = False, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
    """Open the archive a database URL or a policy folder names (``archive copy --to``)."""
    from .location import is_database_url

    if is_database_url(target):
        from .postgres import PostgresStore

        return PostgresStore.open_url(target, None, create=create, busy_timeout=busy_timeout)
    from .sqlite import SqliteStore

    if create:
        Path(target).mkdir(parents=True, exist_ok=True)  # a new folder for the copy is fine
        return SqliteStore.create(target, busy_timeout=busy_timeout)
    return SqliteStore.connect(target, busy_timeout=busy_timeout)
