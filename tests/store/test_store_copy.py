"""`archive copy` between stores, checked by content hashes (SQLite → PostgreSQL → SQLite), and
`archive verify` finding what is wrong."""

import hashlib
import shutil
import sqlite3
from contextlib import contextmanager

import pytest

from policydiff.store import ARCHIVE_DIRNAME, ARCHIVE_FILENAME, Store
from policydiff.workflows.transfer import fingerprint
from tests.cliruns import ok, run

ROUND = ["--from", "2009-06-30", "--to", "2009-07-14"]
NOW = "2026-05-09T10:00:00+07:00"


@pytest.fixture
def folder(repo_root, tmp_path, monkeypatch):
    """A SQLite archive of v1, v2, round1 and two disposition revisions, made through the CLI."""
    root = tmp_path / "sqlite"
    root.mkdir()
    shutil.copytree(repo_root / "drafts", root / "drafts")
    shutil.copytree(repo_root / "comments", root / "comments")
    monkeypatch.chdir(root)
    ok("init")
    ok("add", "drafts/v1.docx", "--label", "v1", "--date", "2009-06-26", "--note", "ร่างแรก")
    ok("add", "drafts/v2.docx", "--label", "v2", "--date", "2009-07-21")
    ok("round", "add", "round1", "comments/round1", *ROUND)
    with Store.open(root) as store:
        store.set_dispositions("round1", '[{"key": "a", "result": "รับ"}]', added_at=NOW)
        store.set_dispositions("round1", '[{"key": "a", "result": "ไม่รับ"}]', added_at=NOW)
    return root


@contextmanager
def tampered(folder):
    """The archive's SQLite database opened from outside policydiff; what the block does is committed."""
    db = sqlite3.connect(folder / ARCHIVE_DIRNAME / ARCHIVE_FILENAME)
    try:
        yield db
        db.commit()
    finally:
        db.close()


def hashes(store):
    """Every stored content's sha256, recomputed from the bytes read back."""
    out = [hashlib.sha256(store.version_bytes(v.seq)).hexdigest() for v in store.list_versions()]
    for r in store.list_rounds():
        out += [hashlib.sha256(store.round_source_bytes(r.name, s.filename)).hexdigest() for s in r.sources]
    return out


@pytest.mark.postgres
def test_copy_sqlite_to_postgresql_and_back_keeps_every_hash(folder, pg_url, tmp_path, monkeypatch):
    blame = ok("blame", "v2").stdout
    copied = ok("archive", "copy", "--to", pg_url).stdout
    assert copied.startswith(f"copied to {pg_url}: 2 versions, 1 rounds, 2 disposition revisions, ")
    assert copied.endswith("; every hash matches\n")
    monkeypatch.setenv("POLICYDIFF_DB", pg_url)
    monkeypatch.chdir(tmp_path)
    assert ok("blame", "v2").stdout == blame
    ok("archive", "copy", "--to", tmp_path / "back")
    monkeypatch.delenv("POLICYDIFF_DB")
    with Store.open(folder) as first, Store.open(tmp_path / "back") as last:
        assert fingerprint(last) == fingerprint(first)
        assert hashes(last) == hashes(first) and len(hashes(first)) == 10
        assert last.cache_items() == first.cache_items()
        assert [d.rows_json for d in last.dispositions_history("round1")] == [
            '[{"key": "a", "result": "รับ"}]', '[{"key": "a", "result": "ไม่รับ"}]']
    monkeypatch.chdir(tmp_path / "back")
    assert ok("blame", "v2").stdout == blame


@pytest.mark.postgres
def test_copy_into_a_database_that_holds_an_archive_is_refused(folder, pg_url):
    ok("archive", "copy", "--to", pg_url)
    again = run("archive", "copy", "--to", pg_url)
    assert (again.exit_code, again.stderr) == (
        2, f"error: {pg_url} already holds an archive (2 versions); copy only into an empty one\n")


def test_copy_into_a_folder_that_has_an_archive_is_refused(folder, tmp_path):
    (tmp_path / "other").mkdir()
    Store.init(tmp_path / "other").close()
    result = run("archive", "copy", "--to", tmp_path / "other")
    assert result.exit_code == 2 and "already has an archive" in result.stderr


def test_verify_says_consistent_and_counts_what_it_read(folder):
    assert ok("archive", "verify").stdout == (
        f"{folder}: consistent: 2 versions, 1 rounds, 8 round files, 2 disposition revisions; every hash matches\n")


def test_verify_reports_altered_bytes_and_stray_blobs(folder):
    with tampered(folder) as db:  # a blob nothing points at: what a half-written add would leave without transactions
        db.execute("INSERT INTO blobs VALUES (?, 3, x'616263')", (hashlib.sha256(b"abc").hexdigest(),))
        db.execute("DROP TRIGGER blobs_no_update")  # damage from outside policydiff
        sha, data = db.execute("SELECT sha256, data FROM blobs JOIN versions USING (sha256) WHERE label = 'v2'"
                               ).fetchone()
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (bytes([data[0] ^ 1]) + data[1:], sha))
    result = run("archive", "verify")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert f"problem: blob {hashlib.sha256(b'abc').hexdigest()} belongs to no version and no round" in lines
    assert any('version "v2": its bytes do not match their sha256' in line for line in lines)
    assert lines[-1] == f"error: {folder}: the archive is inconsistent (2 problems above)"


@pytest.mark.postgres
def test_verify_on_postgresql_reports_a_stray_blob_in_either_language(folder, pg_url, tmp_path, monkeypatch):
    """The database's integrity query gives (kind, name) rows; the words are ours, in the CLI's language."""
    import psycopg

    ok("archive", "copy", "--to", pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO blobs (sha256, size, data) VALUES (%s, 3, 'abc'::bytea)",
                     (hashlib.sha256(b"abc").hexdigest(),))
    monkeypatch.setenv("POLICYDIFF_DB", pg_url)
    monkeypatch.chdir(tmp_path)
    stray = hashlib.sha256(b"abc").hexdigest()
    en, th = run("--lang", "en", "archive", "verify"), run("--lang", "th", "archive", "verify")
    assert en.exit_code == th.exit_code == 2
    assert f"problem: blob {stray} belongs to no version and no round" in en.stderr.splitlines()
    assert f"ปัญหา: ข้อมูลไฟล์ (blob) {stray} ไม่เป็นของฉบับใดหรือรอบใด" in th.stderr.splitlines()
    assert th.stderr.splitlines()[-1].startswith("ข้อผิดพลาด: ") and "(พบปัญหา 1 รายการ" in th.stderr


def test_verify_reports_a_gap_and_a_broken_revision_in_a_rounds_annotations(folder):
    with tampered(folder) as db:  # written from outside policydiff: revision 2 with no revision 1, and not JSON
        db.execute("INSERT INTO round_annotations (round_seq, revision, annotations_json, added_at)"
                   " VALUES (1, 2, '{not json', ?)", (NOW,))
    result = run("archive", "verify")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert 'problem: round "round1": its annotation revisions are not 1, 2, 3, …' in lines
    assert 'problem: round "round1" annotations 2: not JSON' in lines
    assert lines[-1] == f"error: {folder}: the archive is inconsistent (2 problems above)"
