"""A round filled a few files at a time and dispositions saved one person at a time (what the
web app writes): ``add_round_sources``, ``who``, the expected-revision checks, and old archives
upgraded to them in place."""

import hashlib
import sqlite3

import pytest

from policydiff.errors import ArchiveError, StaleError
from policydiff.store import ARCHIVE_DIRNAME, AnnotationRevision, PostgresStore, Store
from policydiff.store.connection import connect, migrate
from tests.store.test_store import NOW, V1_BYTES, add_three, archive_file, refused_by_the_database, row_counts

LATER = "2026-05-10T09:00:00+07:00"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    with Store.init(tmp_path, db=db) as opened:
        add_three(opened)
        opened.add_round("รอบ ๑", "2009-08-20", "2009-08-31", "v1", [], '{"n": 0}', added_at=NOW)
        yield opened


def test_a_round_recorded_without_files_takes_them_in_batches(store):
    assert store.get_round("รอบ ๑").sources == ()
    store.add_round_sources("รอบ ๑", [("กองคลัง.docx", b"copy A")], '{"n": 1}', added_at=NOW)
    after = store.add_round_sources("รอบ ๑", [("กองกฎหมาย.csv", b"form B"), ("กองแผน.docx", b"copy C")],
                                    '{"n": 3}', added_at=LATER)
    assert [(s.filename, s.size) for s in after.sources] == [
        ("กองคลัง.docx", 6), ("กองกฎหมาย.csv", 6), ("กองแผน.docx", 6)]
    assert after.annotations_json == '{"n": 3}'
    assert store.get_round("รอบ ๑") == after == store.list_rounds()[0]
    assert after.added_at == NOW  # when the round was recorded, not when its last file came
    assert store.round_source_bytes("รอบ ๑", "กองกฎหมาย.csv") == b"form B"


def test_a_file_sent_again_is_skipped_and_other_bytes_under_its_name_are_numbered(store):
    store.add_round_sources("รอบ ๑", [("กองคลัง.docx", b"copy A")], '{"n": 1}', added_at=NOW)
    before = row_counts(store)
    same = store.add_round_sources("รอบ ๑", [("กองคลัง.docx", b"copy A")], '{"n": 1}', added_at=LATER)
    assert [s.filename for s in same.sources] == ["กองคลัง.docx"] and row_counts(store) == before
    other = store.add_round_sources("รอบ ๑", [("กองคลัง.docx", b"copy A2"), ("กองคลัง.docx", b"copy A3")],
                                    '{"n": 3}', added_at=LATER)
    assert [s.filename for s in other.sources] == ["กองคลัง.docx", "กองคลัง (2).docx", "กองคลัง (3).docx"]
    assert store.round_source_bytes("รอบ ๑", "กองคลัง (2).docx") == b"copy A2"
    again = store.add_round_sources("รอบ ๑", [("กองคลัง.docx", b"copy A3")], '{"n": 3}', added_at=LATER)
    assert again == other  # the numbered copy holds these bytes already


def test_a_batch_is_stored_whole_or_not_at_all(store):
    before = row_counts(store)
    with pytest.raises(ArchiveError, match="leading/trailing spaces or control characters"):
        store.add_round_sources("รอบ ๑", [("good.docx", b"good"), ("bad\n.docx", b"bad")], "{}", added_at=NOW)
    with pytest.raises(ValueError, match="JSON"):
        store.add_round_sources("รอบ ๑", [("good.docx", b"good")], "{nope", added_at=NOW)
    assert row_counts(store) == before
    assert store.get_round("รอบ ๑").annotations_json == '{"n": 0}'


@pytest.mark.parametrize("lang, words", [("en", 'a file name in round "{x} รอบ"'), ("th", 'ชื่อไฟล์ในรอบ "{x} รอบ"')])
def test_a_bad_file_name_is_told_in_the_round_s_own_words(store, lang, words):
    # The round's name goes into the message as a value: braces in it are not placeholders.
    from policydiff import i18n

    store.add_round("{x} รอบ", "2009-08-20", "2009-08-31", "v1", [], "{}", added_at=NOW)
    with i18n.using(lang), pytest.raises(ArchiveError) as refused:
        store.add_round_sources("{x} รอบ", [(" bad.docx", b"bad")], "{}", added_at=NOW)
    assert str(refused.value).startswith(words)


def test_files_for_an_unknown_round_are_refused(store):
    with pytest.raises(ArchiveError, match='no round "รอบ ๙" in the archive; rounds: รอบ ๑'):
        store.add_round_sources("รอบ ๙", [("a.docx", b"a")], "{}", added_at=NOW)


def test_a_batch_read_against_fewer_files_than_the_round_now_holds_is_stale(store):
    store.add_round_sources("รอบ ๑", [("a.docx", b"a")], '{"n": 1}', added_at=NOW, expect_sources=0)
    before = row_counts(store)
    with pytest.raises(StaleError, match="received other files meanwhile"):
        store.add_round_sources("รอบ ๑", [("b.docx", b"b")], '{"n": 1}', added_at=NOW, expect_sources=0)
    assert row_counts(store) == before


def test_a_name_given_with_a_path_is_kept_as_a_name_only(store):
    r = store.add_round_sources("รอบ ๑", [("../../etc/passwd.docx", b"x")], "{}", added_at=NOW)
    assert [s.filename for s in r.sources] == ["../../etc/passwd.docx"]
    assert store.round_source_bytes("รอบ ๑", "../../etc/passwd.docx") == b"x"
    assert sorted(p.name for p in store.root.iterdir()) == [ARCHIVE_DIRNAME]


def test_who_saved_each_disposition_revision_is_kept(store):
    first, _ = store.set_dispositions("รอบ ๑", "[1]", added_at=NOW)
    second, _ = store.set_dispositions("รอบ ๑", "[2]", added_at=LATER, who="สมศรี ใจดี")
    assert (first.who, second.who) == ("", "สมศรี ใจดี")
    assert store.get_dispositions("รอบ ๑") == second
    assert [d.who for d in store.dispositions_history("รอบ ๑")] == ["", "สมศรี ใจดี"]
    with pytest.raises(ArchiveError, match="a name on one line"):
        store.set_dispositions("รอบ ๑", "[3]", added_at=LATER, who="a\nb")


def test_a_save_against_an_older_revision_is_stale_when_asked(store):
    store.set_dispositions("รอบ ๑", "[1]", added_at=NOW, expect_revision=0)
    with pytest.raises(StaleError, match="at revision 1, not 0"):
        store.set_dispositions("รอบ ๑", "[2]", added_at=NOW, expect_revision=0)
    latest, created = store.set_dispositions("รอบ ๑", "[2]", added_at=NOW, expect_revision=1)
    assert (latest.revision, created) == (2, True)


def test_annotation_revisions_cannot_be_rewritten(store):
    store.add_round_sources("รอบ ๑", [("a.docx", b"a")], '{"n": 1}', added_at=NOW)
    refused_by_the_database(store, ["UPDATE round_annotations SET annotations_json = '{}'",
                                    "DELETE FROM round_annotations"])
    assert store.integrity_problems() == []



def test_a_round_s_annotation_history_is_its_own_then_each_batch_s(store):
    assert store.round_annotations_history("รอบ ๑") == [AnnotationRevision(0, '{"n": 0}', NOW)]
    store.add_round_sources("รอบ ๑", [("a.docx", b"a")], '{"n": 1}', added_at=NOW)
    store.add_round_sources("รอบ ๑", [("a.docx", b"a")], '{"n": 1}', added_at=LATER)  # nothing new: no revision
    store.add_round_sources("รอบ ๑", [("b.docx", b"b")], '{"n": 2}', added_at=LATER)
    assert store.round_annotations_history("รอบ ๑") == [
        AnnotationRevision(0, '{"n": 0}', NOW), AnnotationRevision(1, '{"n": 1}', NOW),
        AnnotationRevision(2, '{"n": 2}', LATER)]
    with pytest.raises(ArchiveError, match='no round "รอบ ๙" in the archive'):
        store.round_annotations_history("รอบ ๙")


def test_an_annotations_revision_is_appended_without_files_whole_or_not_at_all(store):
    store.add_round_sources("รอบ ๑", [("a.docx", b"a")], '{"n": 1}', added_at=NOW)
    before, history = row_counts(store), store.round_annotations_history("รอบ ๑")
    with pytest.raises(ValueError, match="JSON"):
        store.add_round_annotations("รอบ ๑", "{nope", added_at=LATER)
    with pytest.raises(ValueError, match="ISO date-time"):
        store.add_round_annotations("รอบ ๑", "{}", added_at="yesterday")
    with pytest.raises(ArchiveError, match='no round "รอบ ๙" in the archive'):
        store.add_round_annotations("รอบ ๙", "{}", added_at=LATER)
    assert (row_counts(store), store.round_annotations_history("รอบ ๑")) == (before, history)
    after = store.add_round_annotations("รอบ ๑", '{"n": 1}', added_at=LATER)  # the same as the latest: kept too
    assert (after.annotations_json, [s.filename for s in after.sources]) == ('{"n": 1}', ["a.docx"])
    assert [(a.revision, a.added_at) for a in store.round_annotations_history("รอบ ๑")] == [
        (0, NOW), (1, NOW), (2, LATER)]
    assert row_counts(store) == {**before, "round_annotations": before["round_annotations"] + 1}  # no file, no blob

# -- archives written before batches and names -----------------------------------------------
def _old_rows(execute, mark: str) -> None:
    """Fill an old-schema archive: a version, a round with one file, two disposition revisions."""
    sha = hashlib.sha256(V1_BYTES).hexdigest()
    execute(f"INSERT INTO blobs VALUES ({mark}, {mark}, {mark})", (sha, len(V1_BYTES), V1_BYTES))
    execute("INSERT INTO versions (seq, label, sha256, date, note, filename, added_at)"
            f" VALUES (1, 'v1', {mark}, '2009-08-19', '', 'v1.docx', {mark})", (sha, NOW))
    execute("INSERT INTO rounds (seq, name, date_from, date_to, base_seq, annotations_json, added_at)"
            f" VALUES (1, 'รอบ ๑', '2009-08-20', '2009-08-31', 1, '{{\"n\": 1}}', {mark})", (NOW,))
    execute(f"INSERT INTO round_sources VALUES (1, 0, 'กองคลัง.docx', {mark})", (sha,))
    for revision, rows in ((1, "[1]"), (2, "[2]")):
        execute(f"INSERT INTO dispositions VALUES (1, {revision}, '{rows}', {mark})", (NOW,))


def _check_upgraded(opened) -> None:
    assert [(d.revision, d.rows_json, d.who) for d in opened.dispositions_history("รอบ ๑")] == [
        (1, "[1]", ""), (2, "[2]", "")]
    r = opened.get_round("รอบ ๑")
    assert (r.annotations_json, [s.filename for s in r.sources]) == ('{"n": 1}', ["กองคลัง.docx"])
    assert opened.round_source_bytes("รอบ ๑", "กองคลัง.docx") == V1_BYTES
    later = opened.add_round_sources("รอบ ๑", [("กองแผน.docx", b"new")], '{"n": 2}', added_at=LATER)
    assert [s.filename for s in later.sources] == ["กองคลัง.docx", "กองแผน.docx"]
    saved, _ = opened.set_dispositions("รอบ ๑", "[3]", added_at=LATER, who="ก")
    assert (saved.revision, saved.who) == (3, "ก")
    assert opened.integrity_problems() == []


def test_a_v2_sqlite_archive_upgrades_in_place_and_keeps_its_dispositions(tmp_path):
    (tmp_path / ARCHIVE_DIRNAME).mkdir()
    db = connect(archive_file(tmp_path), "rwc", 1.0)
    db.execute("PRAGMA journal_mode = WAL")
    migrate(db, upto=2)
    _old_rows(db.execute, "?")
    db.close()
    with Store.open(tmp_path) as opened:
        assert opened.schema_version == 3
        _check_upgraded(opened)
    raw = sqlite3.connect(archive_file(tmp_path))
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    raw.close()


@pytest.mark.postgres
def test_a_v1_postgresql_archive_upgrades_in_place_and_keeps_its_dispositions(pg_url):
    import psycopg

    from policydiff.store import pgconn

    with psycopg.connect(pg_url, autocommit=True) as conn:
        pgconn.migrate(conn, upto=1)
        _old_rows(conn.execute, "%s")
    with PostgresStore.open_url(pg_url) as opened:
        assert opened.schema_version == 2
        _check_upgraded(opened)


def test_archive_copy_keeps_a_round_filled_in_batches_and_who_saved_what(store, tmp_path):
    from policydiff.workflows.transfer import copy, fingerprint

    store.add_round_sources("รอบ ๑", [("a.docx", b"a")], '{"n": 1}', added_at=NOW)
    store.add_round_sources("รอบ ๑", [("a.docx", b"a2"), ("b.csv", b"b")], '{"n": 3}', added_at=LATER)
    store.set_dispositions("รอบ ๑", "[1]", added_at=NOW)
    store.set_dispositions("รอบ ๑", "[2]", added_at=LATER, who="สมศรี")
    copied = copy(store, str(tmp_path / "copied"), busy_timeout=5.0)
    assert copied.verified.problems == ()
    with Store.open(tmp_path / "copied") as back:
        assert fingerprint(back) == fingerprint(store)
        assert [s.filename for s in back.get_round("รอบ ๑").sources] == ["a.docx", "a (2).docx", "b.csv"]
        assert [d.who for d in back.dispositions_history("รอบ ๑")] == ["", "สมศรี"]
