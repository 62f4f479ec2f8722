"""What only the PostgreSQL store has: the database enforcing history, URLs and libpq settings,
opening and attaching, lock waits and bounded retries. The shared behaviour is in test_store.py."""

import hashlib
import json
import sys
import time

import pytest

from policydiff.errors import ArchiveError
from policydiff.store import ARCHIVE_DIRNAME, BUSY_MESSAGE, PostgresStore, Store
from policydiff.store import pgconn
from policydiff.store.pgschema import LATEST
from tests.pgcluster import PASSWORD_ROLE

pytestmark = pytest.mark.postgres
try:
    import psycopg
except ImportError:  # the postgres mark skips these tests then (fails them under CI): no importorskip
    psycopg = None

NOW = "2026-05-09T10:00:00+07:00"
DATA = "ร่างระเบียบ ฉบับที่ ๑".encode() * 50


@pytest.fixture
def store(tmp_path, pg_url):
    with Store.init(tmp_path, db=pg_url) as opened:
        yield opened


def raw(url):
    return psycopg.connect(url, autocommit=True)


# -- what the database enforces ------------------------------------------------------------------
def test_truncate_is_refused_on_every_history_table(store, pg_url):
    store.add_version(DATA, "v1", "2009-08-19", added_at=NOW)
    with raw(pg_url) as conn:
        for table in ("blobs", "versions", "rounds", "round_sources", "dispositions"):
            with pytest.raises(psycopg.errors.RestrictViolation, match=f"{table} are append-only"):
                conn.execute(f"TRUNCATE {table} CASCADE")
    assert store.version_bytes("v1") == DATA


def test_a_blob_whose_bytes_do_not_hash_to_its_address_is_refused(store, pg_url):
    wrong = hashlib.sha256(b"other bytes").hexdigest()
    with raw(pg_url) as conn, pytest.raises(psycopg.errors.CheckViolation, match="blobs"):
        conn.execute("INSERT INTO blobs VALUES (%s, %s, %s)", (wrong, len(DATA), DATA))


def test_a_version_must_point_at_a_stored_blob(store, pg_url):
    with raw(pg_url) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("INSERT INTO versions VALUES (1, 'x', %s, '2009-08-19', '', '', %s)", ("0" * 64, NOW))


def test_the_cache_may_be_rewritten_but_history_may_not(store, pg_url):
    store.put_cache("k", "[1]")
    with raw(pg_url) as conn:
        conn.execute("UPDATE cache SET value_json = '[2]'")
        conn.execute("DELETE FROM cache")
    assert store.get_cache("k") is None


# -- opening, attaching, URLs --------------------------------------------------------------------
def test_init_records_the_url_and_a_second_folder_attaches_to_the_same_archive(tmp_path, pg_url):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    with Store.init(first, db=pg_url) as created:
        assert created.was_new
        created.add_version(DATA, "v1", "2009-08-19", added_at=NOW)
    assert json.loads((first / ARCHIVE_DIRNAME / "config.json").read_text()) == {"db": pg_url}
    with Store.init(second, db=pg_url) as attached:
        assert not attached.was_new
        assert [v.label for v in attached.list_versions()] == ["v1"]
    (second / "drafts").mkdir()
    with Store.open(second / "drafts") as opened:  # found from a subfolder, as git finds .git
        assert isinstance(opened, PostgresStore) and opened.root == second.resolve()


def test_a_url_with_a_password_is_refused_and_nothing_is_created(tmp_path, pg_cluster):
    url = pg_cluster.url().replace("postgres@", "postgres:secret@")
    with pytest.raises(ArchiveError, match=r"^postgresql://postgres:\*\*\*@.*the URL holds a password"):
        Store.init(tmp_path, db=url)
    assert not (tmp_path / ARCHIVE_DIRNAME).exists()


@pytest.mark.parametrize("url, message", [
    ("postgresql://nobody@127.0.0.1:1/nothing", r"^cannot connect to the PostgreSQL archive at postgresql://nobody@"
                                                r"127\.0\.0\.1:1/nothing: .*refused"),
    ("postgresql://u@host:port/db", "not a valid PostgreSQL URL"),
    ("mysql://u@host/db", "not a PostgreSQL URL"),
])
def test_a_bad_or_unreachable_url_is_one_line_and_leaves_no_folder(tmp_path, url, message):
    with pytest.raises(ArchiveError, match=message) as raised:
        Store.init(tmp_path, db=url)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / ARCHIVE_DIRNAME).exists()


def test_without_psycopg_the_message_says_what_to_install(tmp_path, monkeypatch, pg_cluster):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(ArchiveError, match=r"needs psycopg 3.*pip install 'policydiff\[postgres\]'"):
        Store.init(tmp_path, db=pg_cluster.url())
    assert not (tmp_path / ARCHIVE_DIRNAME).exists()


def test_an_empty_database_is_no_archive_until_init(tmp_path, pg_url, monkeypatch):
    monkeypatch.setenv("POLICYDIFF_DB", pg_url)
    with pytest.raises(ArchiveError, match=r"^no archive in the database .*; run `policydiff init --db "):
        Store.open(tmp_path)
    Store.init(tmp_path).close()  # POLICYDIFF_DB names the database for init too
    with Store.open(tmp_path) as opened:
        assert isinstance(opened, PostgresStore) and opened.schema_version == LATEST


def test_policydiff_db_serves_a_folder_without_dot_policydiff(tmp_path, pg_url, monkeypatch):
    with PostgresStore.open_url(pg_url, create=True) as created:
        created.add_version(DATA, "v1", "2009-08-19", added_at=NOW)
    monkeypatch.setenv("POLICYDIFF_DB", pg_url)
    with Store.open(tmp_path) as opened:
        assert [v.label for v in opened.list_versions()] == ["v1"]
    assert not (tmp_path / ARCHIVE_DIRNAME).exists()


def test_a_newer_schema_is_refused_and_untouched(store, pg_url):
    store.close()
    with raw(pg_url) as conn:
        conn.execute("UPDATE policydiff_meta SET value = %s WHERE key = 'schema_version'", (str(LATEST + 1),))
    with pytest.raises(ArchiveError, match=rf"newer policydiff \(schema v{LATEST + 1}; .* up to v{LATEST}\)"):
        PostgresStore.open_url(pg_url)


def test_another_programs_database_is_refused_and_untouched(tmp_path, pg_url):
    with raw(pg_url) as conn:
        conn.execute("CREATE TABLE versions (x int)")
    with pytest.raises(ArchiveError, match="not a policydiff archive"):
        Store.init(tmp_path, db=pg_url)
    with raw(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('policydiff_meta')").fetchone()[0] is None


def test_the_password_comes_from_pgpassfile_never_from_the_archive(tmp_path, pg_cluster, pg_url, monkeypatch):
    database = pg_url.rsplit("/", 1)[1]
    pg_cluster.admin(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")
    pg_cluster.admin(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'ลับ-secret'")
    pg_cluster.admin(f"GRANT ALL ON SCHEMA public TO {PASSWORD_ROLE}", database=database)
    url = pg_cluster.url(database, user=PASSWORD_ROLE)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(ArchiveError, match="cannot connect to the PostgreSQL archive.*password"):
        Store.init(tmp_path, db=url)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{pg_cluster.port}:{database}:{PASSWORD_ROLE}:ลับ-secret\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with Store.init(tmp_path, db=url) as created:
        created.add_version(DATA, "v1", "2009-08-19", added_at=NOW)
    assert "secret" not in (tmp_path / ARCHIVE_DIRNAME / "config.json").read_text()


# -- writers -------------------------------------------------------------------------------------
def test_a_second_writer_waits_for_a_lock_then_gets_the_busy_error(tmp_path, pg_url):
    Store.init(tmp_path, db=pg_url).close()
    with raw(pg_url) as holder, PostgresStore.open_url(pg_url, busy_timeout=0.3) as second:
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE versions IN EXCLUSIVE MODE")
        started = time.monotonic()
        with pytest.raises(ArchiveError) as raised:
            second.add_version(DATA, "v1", "2009-08-19", added_at=NOW)
        assert str(raised.value) == BUSY_MESSAGE
        assert 0.25 <= time.monotonic() - started < 3
        assert second.list_versions() == []  # readers are not blocked
        holder.execute("ROLLBACK")
        assert second.add_version(DATA, "v1", "2009-08-19", added_at=NOW)[1]


class _Conn:
    """A stand-in connection whose transactions always open (for the retry loop alone)."""

    def transaction(self):
        import contextlib

        return contextlib.nullcontext()

    def execute(self, sql):
        pass


def test_a_write_that_loses_a_race_is_run_again(monkeypatch):
    monkeypatch.setattr(pgconn.time, "sleep", lambda s: None)
    attempts = []

    def body(conn):
        attempts.append(1)
        if len(attempts) < 3:
            raise psycopg.errors.SerializationFailure("could not serialize access")
        return "done"

    assert pgconn.run_write(_Conn(), body, busy_timeout=10) == "done"
    assert len(attempts) == 3


def test_retries_are_bounded(monkeypatch):
    monkeypatch.setattr(pgconn.time, "sleep", lambda s: None)
    attempts = []

    def body(conn):
        attempts.append(1)
        raise psycopg.errors.SerializationFailure("could not serialize access")

    with pytest.raises(psycopg.errors.SerializationFailure):
        pgconn.run_write(_Conn(), body, busy_timeout=10)
    assert len(attempts) == pgconn.MAX_ATTEMPTS
    assert str(pgconn.translate(psycopg.errors.SerializationFailure("x"), "db")) == BUSY_MESSAGE


def test_an_error_that_is_no_race_is_not_retried(monkeypatch):
    attempts = []

    def body(conn):
        attempts.append(1)
        raise ArchiveError("label taken")

    with pytest.raises(ArchiveError, match="label taken"):
        pgconn.run_write(_Conn(), body, busy_timeout=10)
    assert len(attempts) == 1
