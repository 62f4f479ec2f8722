"""Where an archive lives: the SQLite file in ``.policydiff/``, or a PostgreSQL database named by
``--db``, ``POLICYDIFF_DB`` or the archive's config file (``.policydiff/config.json``).

A database URL is stored without a password: libpq finds that in ``~/.pgpass``, ``PGPASSFILE``
or a service file (``postgresql:///?service=policy``), so the archive folder can be shared.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

from ..errors import ArchiveError
from .base import ARCHIVE_DIRNAME, find_archive
from ..i18n import _

ENV_VAR = "POLICYDIFF_DB"
CONFIG_FILENAME = "config.json"
SCHEMES = ("postgresql", "postgres")


def is_database_url(text: str) -> bool:
    """Return whether ``text`` names a PostgreSQL database rather than a folder."""
    return isinstance(text, str) and text.split("://", 1)[0].lower() in SCHEMES and "://" in text


def check_url(url: str) -> str:
    """Return ``url`` if it is a PostgreSQL URL without a password; ArchiveError otherwise."""
    if not is_database_url(url):
        raise ArchiveError(_("{url}: not a PostgreSQL URL (postgresql://[user@]host[:port]/database)").format(
            url=url))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a port that is no number
    except ValueError as exc:
        raise ArchiveError(_("{url}: not a valid PostgreSQL URL "
                             "({problem})").format(url=shown(url), problem=exc)) from None
    if parts.password is not None or "password=" in parts.query.lower():
        raise ArchiveError(_("{url}: the URL holds a password; keep it out of the archive: put it in ~/.pgpass (or "
                             "PGPASSFILE) or a service file").format(url=shown(url)))
    return url


def shown(url: str) -> str:
    """Return ``url`` as it may be printed: any password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    except ValueError:
        return _("the database URL")


def environment_url() -> Optional[str]:
    """Return the URL in ``POLICYDIFF_DB``, or None when it is unset or empty."""
    return os.environ.get(ENV_VAR) or None


def config_path(root: Path) -> Path:
    return Path(root) / ARCHIVE_DIRNAME / CONFIG_FILENAME


def read_config(root: Path) -> Optional[str]:
    """Return the database URL recorded in an archive folder, or None for a SQLite archive."""
    path = config_path(root)
    if not path.is_file():
        return None
    try:
        url = json.loads(path.read_text(encoding="utf-8"))["db"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(_('{path}: unreadable archive config ({kind}); it should be {{"db": '
                             '"postgresql://…"}}').format(
            path=path, kind=type(exc).__name__)) from None
    return check_url(url)


def write_config(root: Path, url: str) -> Path:
    """Record ``url`` (no password) in ``root/.policydiff/config.json``; return the file."""
    path = config_path(root)
    path.write_text(json.dumps({"db": check_url(url)}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def locate_archive(start) -> Optional[Path]:
    """Return the policy folder whose archive serves ``start``: the nearest with ``.policydiff/``,
    else ``start`` itself when ``POLICYDIFF_DB`` names a database; None when there is none."""
    root = find_archive(start)
    if root is None and environment_url():
        here = Path(start).resolve()
        return here if here.is_dir() else here.parent
    return root


def database_for(root: Optional[Path]) -> Optional[str]:
    """Return the database URL an archive at ``root`` uses (the environment first), or None."""
    return environment_url() or (read_config(root) if root is not None else None)
