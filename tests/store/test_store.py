"""The version archive: versions, rounds, dispositions, cache, schema migrations, locking, damage."""

import hashlib
import sqlite3
import subprocess
import sys
import time

import pytest

from policydiff.errors import ArchiveError
from policydiff.store import (
    ARCHIVE_DIRNAME,
    ARCHIVE_FILENAME,
    BUSY_MESSAGE,
    PostgresStore,
    Store,
    Version,
    find_archive,
    outline_key,
)
from policydiff.store.migrations import LATEST
from policydiff.store.connection import connect, migrate

NOW = "2026-05-09T10:00:00+07:00"
V1_BYTES = "ร่างระเบียบ ฉบับที่ ๑".encode() * 50
V2_BYTES = "ร่างระเบียบ ฉบับที่ ๒".encode() * 50
V3_BYTES = "ร่างระเบียบ ฉบับที่ ๓".encode() * 50
TABLES = ("blobs", "versions", "rounds", "round_sources", "round_annotations", "dispositions", "cache")


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db(request):
    """None for the SQLite store, or the URL of a fresh PostgreSQL database."""
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else None


@pytest.fixture
def store(tmp_path, db):
    with Store.init(tmp_path, db=db) as opened:
        yield opened


def archive_file(workdir):
    return workdir / ARCHIVE_DIRNAME / ARCHIVE_FILENAME


def row_counts(store):
    """Return the number of rows in every table, read through a separate connection."""
    if isinstance(store, PostgresStore):
        import psycopg

        with psycopg.connect(store.url, autocommit=True) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    db = sqlite3.connect(archive_file(store.root))
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        db.close()


def refused_by_the_database(store, statements):
    """Assert that each statement, run on a separate connection, is refused as append-only."""
    if isinstance(store, PostgresStore):
        import psycopg

        with psycopg.connect(store.url, autocommit=True) as conn:
            for sql in statements:
                with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
                    conn.execute(sql.replace("x'00'", "'\\x00'::bytea"))  # PostgreSQL's bytea literal
        return
    raw = sqlite3.connect(archive_file(store.root))
    try:
        for sql in statements:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(sql)
    finally:
        raw.close()


def written_bytes(workdir):
    """Return the archive file and its write-ahead log as they are on disk."""
    wal = archive_file(workdir).with_name(ARCHIVE_FILENAME + "-wal")
    return archive_file(workdir).read_bytes(), wal.read_bytes() if wal.exists() else None


def add_three(store):
    v1, _ = store.add_version(V1_BYTES, "v1", "2009-08-19", "ร่างแรก", "v1.docx", added_at=NOW)
    v2, _ = store.add_version(V2_BYTES, "v2", "2009-09-01", added_at=NOW)
    v3, _ = store.add_version(V3_BYTES, "ร่าง ๓", "2009-10-05", added_at=NOW)
    return v1, v2, v3


# -- creating and finding ------------------------------------------------------------------
def test_init_creates_the_archive_file_inside_dot_policydiff(tmp_path):
    Store.init(tmp_path).close()
    assert archive_file(tmp_path).is_file()
    with Store.open(tmp_path) as opened:
        assert opened.schema_version == LATEST
        assert opened.list_versions() == []


def test_init_twice_is_refused_and_keeps_the_existing_archive(tmp_path, db):
    with Store.init(tmp_path, db=db) as first:
        first.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
    with pytest.raises(ArchiveError, match="already exists"):
        Store.init(tmp_path, db=db)
    with Store.open(tmp_path) as again:
        assert [v.label for v in again.list_versions()] == ["v1"]


def test_open_finds_the_archive_in_a_parent_folder(tmp_path, db):
    Store.init(tmp_path, db=db).close()
    drafts = tmp_path / "drafts" / "old"
    drafts.mkdir(parents=True)
    with Store.open(drafts) as opened:
        assert opened.root == tmp_path.resolve()
    assert find_archive(drafts / "v1.docx") == tmp_path.resolve()


def test_open_without_an_archive_says_to_run_init(tmp_path):
    with pytest.raises(ArchiveError, match=r"^no archive here.*run `policydiff init`$"):
        Store.open(tmp_path)
    assert not (tmp_path / ARCHIVE_DIRNAME).exists()


def test_open_with_create_makes_the_archive_where_asked(tmp_path):
    with Store.open(tmp_path, create=True) as opened:
        opened.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
    assert archive_file(tmp_path).is_file()


def test_policydiff_folder_without_archive_file_is_reported(tmp_path):
    (tmp_path / ARCHIVE_DIRNAME).mkdir()
    with pytest.raises(ArchiveError, match="has no archive.sqlite"):
        Store.open(tmp_path)
    assert not archive_file(tmp_path).exists()


def test_init_in_a_missing_folder_is_refused(tmp_path, db):
    with pytest.raises(ArchiveError, match="no such folder"):
        Store.init(tmp_path / "nowhere", db=db)


def test_archive_works_in_a_folder_with_thai_name_and_spaces(tmp_path, db):
    workdir = tmp_path / "นโยบาย 2552 #1"
    workdir.mkdir()
    with Store.init(workdir, db=db) as created:
        created.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
    with Store.open(workdir) as opened:
        assert opened.version_bytes("v1") == V1_BYTES


# -- versions --------------------------------------------------------------------------------
def test_versions_are_numbered_in_the_order_added(store):
    v1, v2, v3 = add_three(store)
    assert [v.seq for v in (v1, v2, v3)] == [1, 2, 3]
    assert store.list_versions() == [v1, v2, v3]
    assert v1 == Version(
        seq=1,
        label="v1",
        sha256=hashlib.sha256(V1_BYTES).hexdigest(),
        date="2009-08-19",
        note="ร่างแรก",
        filename="v1.docx",
        added_at=NOW,
        size=len(V1_BYTES),
    )


def test_a_version_is_found_by_label_seq_or_digit_string(store):
    _, v2, v3 = add_three(store)
    assert store.get_version("v2") == v2
    assert store.get_version(2) == v2
    assert store.get_version("2") == v2
    assert store.get_version("๓") == v3
    assert store.get_version("ร่าง ๓") == v3


def test_an_unknown_version_names_the_known_labels(store):
    add_three(store)
    with pytest.raises(ArchiveError, match=r'no version "v9" in the archive; versions: v1, v2, ร่าง ๓'):
        store.get_version("v9")
    with pytest.raises(ArchiveError, match='no version "7"'):
        store.get_version(7)


def test_version_bytes_come_back_exactly(store):
    add_three(store)
    assert store.version_bytes("v1") == V1_BYTES
    assert store.version_bytes(3) == V3_BYTES


def test_adding_the_same_bytes_again_returns_the_existing_version_and_changes_nothing(store, tmp_path):
    v1, _, _ = add_three(store)
    before = row_counts(store)
    sqlite = not isinstance(store, PostgresStore)
    file_before = written_bytes(tmp_path) if sqlite else None
    assert not sqlite or file_before[1]  # the three versions are in the WAL, where a write would go too
    again, created = store.add_version(V1_BYTES, "v4", "2010-01-01", "again", added_at=NOW)
    assert (again, created) == (v1, False)
    assert row_counts(store) == before == {
        "blobs": 3, "versions": 3, "rounds": 0, "round_sources": 0, "round_annotations": 0, "dispositions": 0,
        "cache": 0
    }
    if sqlite:
        assert written_bytes(tmp_path) == file_before
    assert [v.label for v in store.list_versions()] == ["v1", "v2", "ร่าง ๓"]


def test_a_label_already_in_use_is_refused_and_nothing_is_stored(store, tmp_path):
    add_three(store)
    before = row_counts(store)
    with pytest.raises(ArchiveError, match='the label "v2" is already used by version 2'):
        store.add_version(b"new bytes", "v2", "2010-01-01", added_at=NOW)
    assert row_counts(store) == before
    assert store.find_sha(hashlib.sha256(b"new bytes").hexdigest()) is None


@pytest.mark.parametrize("label", ["3", "๓", "", " v1", "v1\n"])
def test_labels_that_are_digits_blank_or_padded_are_refused(store, label):
    with pytest.raises(ArchiveError, match="label"):
        store.add_version(V1_BYTES, label, "2009-08-19", added_at=NOW)
    assert store.list_versions() == []


@pytest.mark.parametrize("date", ["19/8/2552", "2009-02-30", "2009-8-19", ""])
def test_a_version_date_must_be_an_iso_date(store, date):
    with pytest.raises(ValueError, match="ISO date"):
        store.add_version(V1_BYTES, "v1", date, added_at=NOW)


def test_previous_is_the_version_added_just_before(store):
    v1, v2, v3 = add_three(store)
    assert store.previous("ร่าง ๓") == v2
    assert store.previous(2) == v1
    assert store.previous("v1") is None


def test_find_sha_gives_the_version_holding_those_bytes(store):
    _, v2, _ = add_three(store)
    assert store.find_sha(v2.sha256) == v2
    assert store.find_sha(v2.sha256.upper()) == v2
    assert store.find_sha("0" * 64) is None


def test_an_outline_given_with_a_version_is_kept_for_it(store):
    outline = '{"clauses": ["ข้อ ๑", "ข้อ ๒"]}'
    version, _ = store.add_version(V1_BYTES, "v1", "2009-08-19", outline_json=outline, added_at=NOW)
    store.add_version(V2_BYTES, "v2", "2009-09-01", added_at=NOW)
    assert store.outline_json("v1") == outline
    assert store.get_cache(outline_key(version.sha256)) == outline
    assert store.outline_json("v2") is None


def test_archived_rows_cannot_be_updated_or_deleted(store):
    add_three(store)
    refused_by_the_database(store, (
        "UPDATE versions SET label = 'x' WHERE seq = 1",
        "DELETE FROM versions WHERE seq = 3",
        "UPDATE blobs SET data = x'00'",
        "DELETE FROM blobs",
    ))
    assert store.version_bytes("v1") == V1_BYTES


def test_rounds_and_dispositions_cannot_be_rewritten_either(store):
    add_three(store)
    add_round(store)
    store.set_dispositions("รอบ ๑", "[1]", added_at=NOW)
    before = row_counts(store)
    refused_by_the_database(store, (
        "UPDATE rounds SET name = 'x'",
        "DELETE FROM round_sources",
        "UPDATE dispositions SET rows_json = '[]'",
        "DELETE FROM dispositions",
    ))
    assert row_counts(store) == before
    assert [d.rows_json for d in store.dispositions_history("รอบ ๑")] == ["[1]"]


# -- rounds and dispositions -------------------------------------------------------------------
def add_round(store, name="รอบ ๑", sources=None):
    return store.add_round(
        name,
        "2009-08-20",
        "2009-08-31",
        "v1",
        sources if sources is not None else [("กองกฎหมาย.docx", b"copy A"), ("form.csv", V1_BYTES)],
        '[{"quote": "ข้อ ๑", "comment": "แก้ถ้อยคำ"}]',
        added_at=NOW,
    )


def test_a_round_comes_back_with_its_files_and_annotations(store):
    v1, _, _ = add_three(store)
    recorded = add_round(store)
    assert recorded == store.get_round("รอบ ๑")
    assert (recorded.seq, recorded.name, recorded.date_from, recorded.date_to) == (
        1, "รอบ ๑", "2009-08-20", "2009-08-31"
    )
    assert (recorded.base_label, recorded.base_seq) == ("v1", v1.seq)
    assert [(s.filename, s.size) for s in recorded.sources] == [
        ("กองกฎหมาย.docx", 6), ("form.csv", len(V1_BYTES))
    ]
    assert recorded.annotations_json == '[{"quote": "ข้อ ๑", "comment": "แก้ถ้อยคำ"}]'
    assert store.round_source_bytes("รอบ ๑", "กองกฎหมาย.docx") == b"copy A"
    assert store.round_source_bytes("รอบ ๑", "form.csv") == V1_BYTES


def test_round_files_equal_to_a_version_share_its_blob(store, tmp_path):
    add_three(store)
    add_round(store)
    assert row_counts(store)["blobs"] == 4  # three versions + "copy A"; form.csv == v1


def test_rounds_are_listed_in_the_order_recorded(store):
    add_three(store)
    first = add_round(store, "รอบ ๑")
    second = add_round(store, "รอบ ๒", sources=[])
    assert store.list_rounds() == [first, second]
    assert second.sources == ()


def test_a_round_name_can_be_used_once(store, tmp_path):
    add_three(store)
    add_round(store)
    before = row_counts(store)
    with pytest.raises(ArchiveError, match='a round named "รอบ ๑" already exists'):
        add_round(store, sources=[("other.docx", b"other")])
    assert row_counts(store) == before


def test_a_round_must_start_from_an_archived_version(store):
    with pytest.raises(ArchiveError, match='no version "v1"'):
        add_round(store)
    assert store.list_rounds() == []


def test_a_round_with_a_repeated_file_name_is_refused_whole(store, tmp_path):
    add_three(store)
    before = row_counts(store)
    with pytest.raises(ArchiveError, match='"a.docx" appears twice'):
        add_round(store, sources=[("a.docx", b"one"), ("a.docx", b"two")])
    assert row_counts(store) == before


def test_a_round_ending_before_it_starts_is_refused(store):
    add_three(store)
    with pytest.raises(ArchiveError, match=r"ends \(2009-08-01\) before it starts \(2009-08-20\)"):
        store.add_round("r", "2009-08-20", "2009-08-01", "v1", [], "[]", added_at=NOW)


def test_an_unknown_round_names_the_known_rounds(store):
    add_three(store)
    add_round(store)
    with pytest.raises(ArchiveError, match='no round "รอบ ๙" in the archive; rounds: รอบ ๑'):
        store.get_round("รอบ ๙")
    with pytest.raises(ArchiveError, match='received no file named "x.docx"'):
        store.round_source_bytes("รอบ ๑", "x.docx")


def test_dispositions_keep_every_revision_and_the_latest_wins(store):
    add_three(store)
    add_round(store)
    assert store.get_dispositions("รอบ ๑") is None
    first, created1 = store.set_dispositions("รอบ ๑", '[{"id": 1, "decision": "รับ"}]', added_at=NOW)
    later = "2026-05-10T09:00:00+07:00"
    second, created2 = store.set_dispositions("รอบ ๑", '[{"id": 1, "decision": "ไม่รับ"}]', added_at=later)
    assert (created1, created2) == (True, True)
    assert (first.revision, second.revision) == (1, 2)
    assert store.get_dispositions("รอบ ๑") == second
    assert second.rows_json == '[{"id": 1, "decision": "ไม่รับ"}]' and second.added_at == later
    assert store.dispositions_history("รอบ ๑") == [first, second]


def test_setting_identical_dispositions_adds_no_revision(store, tmp_path):
    add_three(store)
    add_round(store)
    first, _ = store.set_dispositions("รอบ ๑", "[1, 2]", added_at=NOW)
    again, created = store.set_dispositions("รอบ ๑", "[1, 2]", added_at="2027-01-01T00:00:00")
    assert (again, created) == (first, False)
    assert row_counts(store)["dispositions"] == 1


def test_dispositions_of_an_unknown_round_are_refused(store):
    with pytest.raises(ArchiveError, match='no round "nope" in the archive; rounds: none yet'):
        store.set_dispositions("nope", "[]", added_at=NOW)


@pytest.mark.parametrize("bad", ["", "{not json", "[1,"])
def test_json_arguments_must_be_json(store, bad):
    add_three(store)
    with pytest.raises(ValueError, match="JSON"):
        store.add_round("r", "2009-08-20", "2009-08-31", "v1", [], bad, added_at=NOW)
    with pytest.raises(ValueError, match="JSON"):
        store.put_cache("k", bad)
    assert store.list_rounds() == []


# -- cache -------------------------------------------------------------------------------------
def test_the_cache_returns_the_latest_value_per_key(store):
    assert store.get_cache(("align", "a" * 64, "b" * 64)) is None
    store.put_cache(("align", "a" * 64, "b" * 64), "[[0, 0]]")
    store.put_cache(("align", "a" * 64, "b" * 64), "[[0, 1]]")
    store.put_cache("align", '"a plain string key is its own key"')
    assert store.get_cache(("align", "a" * 64, "b" * 64)) == "[[0, 1]]"
    assert store.get_cache(("align", "b" * 64, "a" * 64)) is None
    assert store.get_cache("align") == '"a plain string key is its own key"'


# -- schema versions ---------------------------------------------------------------------------
def make_v1_archive(workdir):
    """Build an archive as policydiff's first schema left it, with one version and its outline."""
    (workdir / ARCHIVE_DIRNAME).mkdir()
    db = connect(archive_file(workdir), "rwc", 1.0)
    db.execute("PRAGMA journal_mode = WAL")
    migrate(db, upto=1)
    sha = hashlib.sha256(V1_BYTES).hexdigest()
    db.execute("INSERT INTO blobs VALUES (?, ?, ?)", (sha, len(V1_BYTES), V1_BYTES))
    db.execute(
        "INSERT INTO versions (label, sha256, date, note, filename, added_at, outline_json)"
        " VALUES ('v1', ?, '2009-08-19', '', 'v1.docx', ?, '{\"clauses\": 3}')",
        (sha, NOW),
    )
    db.close()


def test_a_v1_archive_is_migrated_to_the_latest_schema_on_open(tmp_path):
    make_v1_archive(tmp_path)
    raw = sqlite3.connect(archive_file(tmp_path))
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'cache'").fetchone()[0] == 0
    raw.close()
    with Store.open(tmp_path) as opened:
        assert opened.schema_version == LATEST == 3
        assert [v.label for v in opened.list_versions()] == ["v1"]
        assert opened.version_bytes("v1") == V1_BYTES
        assert opened.outline_json("v1") == '{"clauses": 3}'
        opened.add_version(V2_BYTES, "v2", "2009-09-01", outline_json="[]", added_at=NOW)
        assert opened.outline_json("v2") == "[]"


def test_an_archive_from_a_newer_policydiff_is_refused_and_untouched(tmp_path):
    Store.init(tmp_path).close()
    raw = sqlite3.connect(archive_file(tmp_path))
    raw.execute(f"PRAGMA user_version = {LATEST + 1}")
    raw.close()
    before = archive_file(tmp_path).read_bytes()
    with pytest.raises(ArchiveError, match=rf"newer policydiff \(schema v{LATEST + 1}; .* up to v{LATEST}\)"):
        Store.open(tmp_path)
    assert archive_file(tmp_path).read_bytes() == before


def test_another_programs_sqlite_file_is_refused_and_untouched(tmp_path):
    (tmp_path / ARCHIVE_DIRNAME).mkdir()
    raw = sqlite3.connect(archive_file(tmp_path))
    raw.execute("CREATE TABLE notes (x)")
    raw.commit()
    raw.close()
    before = archive_file(tmp_path).read_bytes()
    with pytest.raises(ArchiveError, match="not a policydiff archive"):
        Store.open(tmp_path)
    assert archive_file(tmp_path).read_bytes() == before


# -- damage ------------------------------------------------------------------------------------
def damaged_copy(tmp_path, damage):
    """Return (workdir, bytes) of an archive with three versions after ``damage(bytearray)``."""
    with Store.init(tmp_path) as created:
        add_three(created)
        for i in range(6):
            created.add_version(bytes([i]) * 20_000, f"big{i}", "2009-08-19", added_at=NOW)
    data = bytearray(archive_file(tmp_path).read_bytes())
    damage(data)
    archive_file(tmp_path).write_bytes(data)
    return bytes(data)


def test_a_file_that_is_not_a_database_is_reported_and_untouched(tmp_path):
    def overwrite_header(data):
        data[:16] = b"not sqlite at al"

    after = damaged_copy(tmp_path, overwrite_header)
    with pytest.raises(ArchiveError, match=r"the archive is damaged \(file is not a database\)"):
        Store.open(tmp_path)
    assert archive_file(tmp_path).read_bytes() == after


def test_a_damaged_page_fails_quick_check_and_the_file_is_untouched(tmp_path):
    def scramble_page_two(data):
        data[4096:8192] = bytes((i * 37 + 11) % 256 for i in range(4096))

    after = damaged_copy(tmp_path, scramble_page_two)
    with pytest.raises(ArchiveError, match=r"damaged \(.*\); it was left untouched") as raised:
        Store.open(tmp_path)
    assert "\n" not in str(raised.value)
    assert archive_file(tmp_path).read_bytes() == after


def test_bytes_that_no_longer_match_their_sha256_are_reported(tmp_path):
    def flip_one_blob_byte(data):
        # Blobs span overflow pages, so look for a stretch shorter than one page.
        at = bytes(data).index(bytes([3]) * 2000) + 1000
        data[at] = 4

    damaged_copy(tmp_path, flip_one_blob_byte)
    with Store.open(tmp_path) as opened:  # quick_check does not read blob contents
        assert opened.version_bytes("v1") == V1_BYTES
        with pytest.raises(ArchiveError, match='version "big3": its bytes do not match their sha256'):
            opened.version_bytes("big3")


# -- two writers ---------------------------------------------------------------------------------
HOLD_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def hold_write_lock(tmp_path, seconds):
    """Start a process that holds the archive's write lock for ``seconds``; return once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(archive_file(tmp_path)), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_second_writer_waits_then_gets_the_busy_error(tmp_path):
    Store.init(tmp_path).close()
    with Store.open(tmp_path, busy_timeout=0.3) as second:
        holder = hold_write_lock(tmp_path, 5)
        try:
            started = time.monotonic()
            with pytest.raises(ArchiveError) as raised:
                second.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
            waited = time.monotonic() - started
            assert str(raised.value) == BUSY_MESSAGE
            assert 0.25 <= waited < 3
            assert second.list_versions() == []  # readers are not blocked (WAL)
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()
        second.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
        assert [v.label for v in second.list_versions()] == ["v1"]


def test_a_second_writer_proceeds_once_the_first_finishes_within_the_timeout(tmp_path):
    Store.init(tmp_path).close()
    with Store.open(tmp_path, busy_timeout=10) as second:
        holder = hold_write_lock(tmp_path, 0.5)
        started = time.monotonic()
        version, created = second.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
        waited = time.monotonic() - started
        assert holder.wait(timeout=10) == 0
        holder.stdout.close()
    assert created and version.seq == 1
    assert 0.2 <= waited < 5


def test_foreign_keys_are_enforced_on_the_store_connection(tmp_path):
    # Reaches into the connection on purpose: SQLite turns foreign keys on per connection.
    with Store.init(tmp_path) as store, pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store._db.execute(
            "INSERT INTO versions (label, sha256, date, note, filename, added_at)"
            " VALUES ('x', ?, '2009-08-19', '', '', ?)",
            ("0" * 64, NOW),
        )


def test_an_empty_archive_file_left_by_an_interrupted_init_is_set_up_on_open(tmp_path):
    (tmp_path / ARCHIVE_DIRNAME).mkdir()
    archive_file(tmp_path).write_bytes(b"")
    with Store.open(tmp_path) as opened:
        assert opened.schema_version == LATEST
        opened.add_version(V1_BYTES, "v1", "2009-08-19", added_at=NOW)
        assert opened.version_bytes("v1") == V1_BYTES


def test_many_cache_entries_come_back_in_one_call(store):
    store.put_cache(("stats", "a" * 64), '{"clauses": 3}')
    store.put_cache("plain", "[1]")
    wanted = [("stats", "a" * 64), ("stats", "b" * 64), "plain"]
    assert store.get_cache_many(wanted) == {("stats", "a" * 64): '{"clauses": 3}', "plain": "[1]"}
    assert store.get_cache_many([]) == {}
