"""What the SQLite store checks before it writes (dates, names, labels, JSON), and how its
errors become one-line ArchiveErrors."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from typing import Optional, Sequence

from ..errors import ArchiveError, StaleError
from ..thaidate import arabic_digits
from .base import CacheKey
from ..i18n import N_, _

BUSY_MESSAGE = N_("the archive is busy: another policydiff command is writing; try again")

_SHOWN_CHOICES = 10  # how many known labels/names an "unknown" message lists


def primary_code(exc: sqlite3.Error) -> Optional[int]:
    """Return SQLite's primary result code for ``exc``, when Python exposes it (3.11+)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def translate(exc: sqlite3.Error, path) -> ArchiveError:
    """Return the one-line ArchiveError a person should see for a SQLite failure."""
    code, text = primary_code(exc), str(exc)
    if code in (5, 6) or "locked" in text or "busy" in text:  # SQLITE_BUSY, SQLITE_LOCKED
        return ArchiveError(_(BUSY_MESSAGE))
    if code == 13 or "full" in text:  # SQLITE_FULL
        return ArchiveError(_("{path}: the disk is full; the archive was not changed").format(path=path))
    if code in (11, 26) or "malformed" in text or "not a database" in text:
        return damaged(path, text)
    return ArchiveError(f"{path}: {text}")


def damaged(path, detail: str) -> ArchiveError:
    """Return the error for an archive that fails its integrity check."""
    return ArchiveError(_("{path}: the archive is damaged ({detail}); it was left untouched: restore .policydiff/ "
                          "from a backup").format(path=path, detail=detail))


# -- argument checks -----------------------------------------------------------------------
def check_iso_date(value: str, what: str) -> str:
    """Return ``value`` if it is an ISO date (YYYY-MM-DD); ValueError otherwise."""
    try:
        if isinstance(value, str) and len(value) == 10:
            return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ValueError(f"{what} must be an ISO date (YYYY-MM-DD), not {value!r}")


def check_timestamp(value: str) -> str:
    """Return ``value`` if it is an ISO date-time; ValueError otherwise."""
    text = value[:-1] + "+00:00" if isinstance(value, str) and value.endswith("Z") else value
    try:
        _dt.datetime.fromisoformat(text)
        return value
    except (TypeError, ValueError):
        raise ValueError(f"added_at must be an ISO date-time, not {value!r}") from None


def check_json(value: str, what: str) -> str:
    """Return ``value`` if it is a JSON text; ValueError otherwise."""
    try:
        json.loads(value)
        return value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be JSON text") from None


def is_number(text: str) -> bool:
    """Return whether ``text`` is only digits, Thai or Arabic."""
    ascii_text = arabic_digits(text)
    return ascii_text.isascii() and ascii_text.isdigit()


def check_name(value: str, what: str, **names) -> str:
    """Return ``value`` if it is usable as a label or name; ArchiveError otherwise (``what``: a
    msgid naming the value, with ``names`` for its placeholders, translated only then)."""
    if not isinstance(value, str) or not value.strip():
        raise ArchiveError(_("{what} cannot be empty").format(what=_(what).format(**names)))
    if value != value.strip() or any(ch < " " for ch in value):
        raise ArchiveError(_("{what} {value!r} has leading/trailing spaces or control characters").format(
            what=_(what).format(**names), value=value))
    return value


def check_label(label: str) -> str:
    """Return ``label`` if a version may carry it; a label of digits alone would shadow a seq."""
    check_name(label, N_("a version label"))
    if is_number(label):
        raise ArchiveError(_('a version label cannot be only digits ("{label}" would be read as a sequence '
                             'number); use e.g. v{label}').format(label=label))
    return label


def check_who(who: str) -> str:
    """Return ``who`` (a person's name as typed, "" for nobody) if it is one line; ArchiveError otherwise."""
    if not isinstance(who, str) or any(ch < " " for ch in who) or len(who) > 200:
        raise ArchiveError(_("who saved it must be a name on one line (at most 200 characters), not {who}").format(
            who=repr(who)))
    return who


def checked_round(name: str, date_from: str, date_to: str, sources, annotations_json: str, added_at: str):
    """Return (start, end, sources as bytes) of a round about to be recorded, each value checked."""
    check_name(name, N_("a round name"))
    date_from = check_iso_date(date_from, "a round's start date")
    date_to = check_iso_date(date_to, "a round's end date")
    if date_from > date_to:
        raise ArchiveError(_('round "{name}": it ends ({date_to}) before it starts ({date_from})').format(
            name=name, date_to=date_to, date_from=date_from))
    check_json(annotations_json, "annotations_json")
    check_timestamp(added_at)
    sources = [(filename, bytes(data)) for filename, data in sources]
    check_source_names(name, [filename for filename, _data in sources])
    return date_from, date_to, sources


def checked_batch(name: str, sources, annotations_json: str, added_at: str) -> list:
    """Return a batch of a round's files as (name, bytes), each value checked (repeats are the
    store's to number)."""
    check_json(annotations_json, "annotations_json")
    check_timestamp(added_at)
    sources = [(filename, bytes(data)) for filename, data in sources]
    for filename, _data in sources:
        check_name(filename, N_('a file name in round "{name}"'), name=name)
    return sources


def check_source_names(round_name: str, filenames: Sequence[str]) -> None:
    """Refuse empty or repeated file names among a round's sources."""
    seen = set()
    for filename in filenames:
        check_name(filename, N_('a file name in round "{name}"'), name=round_name)
        if filename in seen:
            raise ArchiveError(_('round "{round_name}": the file name "{filename}" appears twice').format(
                round_name=round_name, filename=filename))
        seen.add(filename)


def check_expected(round_name: str, latest: list, expect_revision: Optional[int]) -> None:
    """StaleError when the caller expected another latest disposition revision (0: none) than ``latest``."""
    current = latest[0].revision if latest else 0
    if expect_revision is not None and expect_revision != current:
        raise StaleError(_('round "{name}": its dispositions are at revision {current}, not {expected}; read '
                           'them again').format(name=round_name, current=current, expected=expect_revision))


def cache_key(key: CacheKey) -> str:
    """Return the stored form of a cache key: a compact JSON array of its parts."""
    parts = [key] if isinstance(key, str) else list(key)
    if not parts or not all(isinstance(p, str) for p in parts):
        raise ValueError(f"a cache key is a string or a tuple of strings, not {key!r}")
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def listing(names: Sequence[str]) -> str:
    """Return a short human list of known labels or names."""
    if not names:
        return "none yet"
    shown = list(names[-_SHOWN_CHOICES:])
    prefix = "…, " if len(names) > _SHOWN_CHOICES else ""
    return prefix + ", ".join(shown)


# -- connection and schema -----------------------------------------------------------------
