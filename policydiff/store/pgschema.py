"""The PostgreSQL archive's schema, as ordered migrations; ``policydiff_meta.schema_version`` is the last applied.

The database itself keeps history append-only: triggers refuse UPDATE, DELETE and TRUNCATE on
the history tables (whoever owns them), PUBLIC is granted none of those, and a blob's row is
refused unless its bytes hash to its address.
"""

from __future__ import annotations

from typing import Tuple

from .migrations import Migration

_V1_HISTORY = ("blobs", "versions", "rounds", "round_sources", "dispositions")
HISTORY_TABLES = _V1_HISTORY + ("round_annotations",)
ALL_TABLES = HISTORY_TABLES + ("cache", "policydiff_meta")
MIGRATION_LOCK = 0x50444946  # pg_advisory_xact_lock key: one migrating process at a time


def _append_only(table: str) -> Tuple[str, ...]:
    """Return the triggers and revokes that make ``table`` refuse every change but INSERT."""
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION policydiff_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION policydiff_append_only()",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC",
    )


_V1 = (
    """CREATE TABLE policydiff_meta (key text PRIMARY KEY, value text NOT NULL)""",
    """INSERT INTO policydiff_meta VALUES ('application', 'policydiff'), ('schema_version', '0')""",
    """CREATE FUNCTION policydiff_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'policydiff archive: % are append-only', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END $$""",
    """CREATE TABLE blobs (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL,
        data bytea NOT NULL,
        CHECK (octet_length(data) = size),
        CHECK (encode(sha256(data), 'hex') = sha256)
    )""",
    """CREATE TABLE versions (
        seq integer PRIMARY KEY CHECK (seq >= 1),
        label text NOT NULL UNIQUE CHECK (label <> ''),
        sha256 text NOT NULL UNIQUE REFERENCES blobs (sha256),
        date text NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        note text NOT NULL,
        filename text NOT NULL,
        added_at text NOT NULL
    )""",
    """CREATE TABLE rounds (
        seq integer PRIMARY KEY CHECK (seq >= 1),
        name text NOT NULL UNIQUE CHECK (name <> ''),
        date_from text NOT NULL,
        date_to text NOT NULL,
        base_seq integer NOT NULL REFERENCES versions (seq),
        annotations_json text NOT NULL,
        added_at text NOT NULL,
        CHECK (date_from <= date_to)
    )""",
    """CREATE TABLE round_sources (
        round_seq integer NOT NULL REFERENCES rounds (seq),
        position integer NOT NULL,
        filename text NOT NULL CHECK (filename <> ''),
        sha256 text NOT NULL REFERENCES blobs (sha256),
        PRIMARY KEY (round_seq, position),
        UNIQUE (round_seq, filename)
    )""",
    """CREATE TABLE dispositions (
        round_seq integer NOT NULL REFERENCES rounds (seq),
        revision integer NOT NULL CHECK (revision >= 1),
        rows_json text NOT NULL,
        added_at text NOT NULL,
        PRIMARY KEY (round_seq, revision)
    )""",
    """CREATE TABLE cache (key text PRIMARY KEY, value_json text NOT NULL)""",
    # Drafts are zip files already, and outlines and alignments are read far more often than
    # written: kept out of line but uncompressed, a read costs no decompression.
    """ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL""",
    """ALTER TABLE cache ALTER COLUMN value_json SET STORAGE EXTERNAL""",
) + tuple(s for table in _V1_HISTORY for s in _append_only(table))

# v2, as SQLite's v3: a round filled in batches keeps each re-import of its annotations (the
# latest wins over rounds.annotations_json); a disposition revision names who saved it.
_V2 = (
    """CREATE TABLE round_annotations (
        round_seq integer NOT NULL REFERENCES rounds (seq),
        revision integer NOT NULL CHECK (revision >= 1),
        annotations_json text NOT NULL,
        added_at text NOT NULL,
        PRIMARY KEY (round_seq, revision)
    )""",
    """ALTER TABLE dispositions ADD COLUMN who text NOT NULL DEFAULT ''""",
    # Roles were granted SELECT/INSERT "ON ALL TABLES", which names only the tables there then:
    # each role (PUBLIC too) gets on the new table what it has on round_sources.
    """DO $$
    DECLARE g record;
    BEGIN
        FOR g IN SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
                 WHERE c.oid = 'round_sources'::regclass AND a.grantee <> c.relowner
                   AND a.privilege_type IN ('SELECT', 'INSERT')
        LOOP
            EXECUTE format('GRANT %s ON round_annotations TO %s', g.privilege_type,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END);
        END LOOP;
    END $$""",
) + _append_only("round_annotations")

MIGRATIONS: Tuple[Migration, ...] = (
    Migration(1, "initial schema: blobs, versions, rounds, round sources, dispositions, cache; "
                 "append-only triggers", _V1),
    Migration(2, "rounds filled in batches (annotation revisions); who saved each disposition revision", _V2),
)
LATEST = MIGRATIONS[-1].version
