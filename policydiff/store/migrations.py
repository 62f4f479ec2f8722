"""The SQLite archive's schema, as an ordered list of migrations; ``PRAGMA user_version`` is the last applied."""

from __future__ import annotations

from typing import NamedTuple, Tuple

# 'PDIF' in PRAGMA application_id marks a SQLite file as a policydiff archive.
APPLICATION_ID = 0x50444946

_APPEND_ONLY = ("blobs", "versions", "rounds", "round_sources", "dispositions")


class Migration(NamedTuple):
    """One schema step: the version it produces, why, and its statements (no transaction control)."""

    version: int
    purpose: str
    statements: Tuple[str, ...]


def _append_only_triggers(table: str) -> Tuple[str, ...]:
    """Return triggers that make ``table`` refuse UPDATE and DELETE: history is never rewritten."""
    return tuple(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'policydiff archive: {table} are append-only'); END"
        for verb in ("UPDATE", "DELETE")
    )


_V1 = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    """CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        CHECK (length(data) = size)
    )""",
    """CREATE TABLE versions (
        seq INTEGER PRIMARY KEY,
        label TEXT NOT NULL UNIQUE CHECK (label <> ''),
        sha256 TEXT NOT NULL UNIQUE REFERENCES blobs(sha256),
        date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        note TEXT NOT NULL,
        filename TEXT NOT NULL,
        added_at TEXT NOT NULL,
        outline_json TEXT
    )""",
    """CREATE TABLE rounds (
        seq INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (name <> ''),
        date_from TEXT NOT NULL,
        date_to TEXT NOT NULL,
        base_seq INTEGER NOT NULL REFERENCES versions(seq),
        annotations_json TEXT NOT NULL,
        added_at TEXT NOT NULL,
        CHECK (date_from <= date_to)
    )""",
    """CREATE TABLE round_sources (
        round_seq INTEGER NOT NULL REFERENCES rounds(seq),
        position INTEGER NOT NULL,
        filename TEXT NOT NULL CHECK (filename <> ''),
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        PRIMARY KEY (round_seq, position),
        UNIQUE (round_seq, filename)
    )""",
    """CREATE TABLE dispositions (
        round_seq INTEGER NOT NULL REFERENCES rounds(seq),
        revision INTEGER NOT NULL CHECK (revision >= 1),
        rows_json TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (round_seq, revision)
    )""",
) + tuple(t for table in _APPEND_ONLY for t in _append_only_triggers(table))

# v2: derived data (outlines, clause alignments) is kept apart from history, so it can be
# replaced when the reader improves; outlines move out of the append-only versions table.
# The key is the JSON array the store writes for ("outline", sha256) (sha256 is plain hex).
_V2 = (
    """CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
    )""",
    """INSERT INTO cache (key, value_json)
        SELECT '["outline","' || sha256 || '"]', outline_json FROM versions
        WHERE outline_json IS NOT NULL""",
)

# v3: a round is filled a few files at a time (the web app): each batch appends its files to
# round_sources and a new revision of the round's annotations (re-imported from all its files)
# to round_annotations; the latest revision wins over rounds.annotations_json. A disposition
# revision names who saved it ('' for those stored before).
_V3 = (
    """CREATE TABLE round_annotations (
        round_seq INTEGER NOT NULL REFERENCES rounds(seq),
        revision INTEGER NOT NULL CHECK (revision >= 1),
        annotations_json TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (round_seq, revision)
    )""",
    "ALTER TABLE dispositions ADD COLUMN who TEXT NOT NULL DEFAULT ''",
) + _append_only_triggers("round_annotations")

MIGRATIONS: Tuple[Migration, ...] = (
    Migration(1, "initial schema: blobs, versions, rounds, round sources, dispositions", _V1),
    Migration(2, "derived-data cache (outlines, alignments); outlines move there", _V2),
    Migration(3, "rounds filled in batches (annotation revisions); who saved each disposition revision", _V3),
)
LATEST = MIGRATIONS[-1].version
