"""Access the PostgreSQL way: a read-only role reads everything and is refused every write with one
line; an editor role granted SELECT and INSERT adds versions but cannot rewrite history."""

import json
import shutil

import pytest

from tests.docxgen import docx_bytes
from tests.cliruns import ok, run

pytestmark = pytest.mark.postgres

ROUND = ["--from", "2009-06-30", "--to", "2009-07-14"]
READS = [["log"], ["log", "--json"], ["show", "v2"], ["diff", "v1", "v2"], ["blame", "v2"],
         ["blame", "v2", "--clause", "ข้อ ๒", "--json"], ["round", "list"]]


@pytest.fixture
def shared(pg_cluster, pg_url, repo_root, tmp_path, monkeypatch):
    """An archive of v1, v2 and round1 made by the owner; returns (cluster, database, owner folder)."""
    owner = tmp_path / "owner"
    owner.mkdir()
    shutil.copytree(repo_root / "drafts", owner / "drafts")
    shutil.copytree(repo_root / "comments", owner / "comments")
    monkeypatch.chdir(owner)
    ok("init", "--db", pg_url)
    ok("add", "drafts/v1.docx", "--label", "v1", "--date", "2009-06-26")
    ok("add", "drafts/v2.docx", "--label", "v2", "--date", "2009-07-21")
    ok("round", "add", "round1", "comments/round1", *ROUND)
    return pg_cluster, pg_url.rsplit("/", 1)[1], owner


def role(cluster, database, name, grants):
    """A login role (roles are cluster-wide: made once) with these grants on the database; its URL."""
    if not cluster.admin("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)):
        cluster.admin(f"CREATE ROLE {name} LOGIN")
    for grant in grants:
        cluster.admin(grant.format(role=name, db=database), database=database)
    return cluster.url(database, user=name)


READER = ["GRANT CONNECT ON DATABASE {db} TO {role}", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"]
EDITOR = READER + ["GRANT INSERT ON ALL TABLES IN SCHEMA public TO {role}",
                   "GRANT UPDATE, DELETE ON cache TO {role}"]


def test_a_read_only_role_reads_everything_the_owner_reads(shared, tmp_path, monkeypatch):
    cluster, database, owner = shared
    seen = {tuple(args): ok(*args).stdout for args in READS}
    monkeypatch.setenv("POLICYDIFF_DB", role(cluster, database, "policy_reader", READER))
    monkeypatch.chdir(tmp_path)  # another machine: no .policydiff/ here, the URL from the environment
    for args in READS:
        assert ok(*args).stdout == seen[tuple(args)], args
    ok("redline", "v1", "v2", "-o", tmp_path / "r.docx")
    assert (tmp_path / "r.docx").stat().st_size > 0
    assert "consistent: 2 versions, 1 rounds" in ok("archive", "verify").stdout


def test_a_read_only_role_is_refused_every_write_with_one_line(shared, tmp_path, monkeypatch):
    cluster, database, owner = shared
    url = role(cluster, database, "policy_reader", READER)
    monkeypatch.setenv("POLICYDIFF_DB", url)
    new = tmp_path / "v3.docx"
    new.write_bytes(docx_bytes(["ข้อ ๑ ร่างที่สาม"]))
    before = ok("log", "--json").stdout
    result = run("add", new, "--label", "v3", "--date", "2009-08-01")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {url}: this database role may only read the archive (permission denied "
                             "for table blobs); nothing was changed\n")
    refused = run("round", "add", "round2", owner / "comments" / "round1", *ROUND, "--base", "v2")
    assert refused.exit_code == 2 and "may only read the archive" in refused.stderr
    assert ok("log", "--json").stdout == before


def test_an_editor_role_adds_versions_but_cannot_rewrite_history(shared, tmp_path, monkeypatch):
    import psycopg

    cluster, database, _ = shared
    url = role(cluster, database, "policy_editor", EDITOR)
    monkeypatch.setenv("POLICYDIFF_DB", url)
    new = tmp_path / "v3.docx"
    new.write_bytes(docx_bytes(["ข้อ ๑ ร่างที่สาม"]))
    assert 'added "v3" as version 3' in ok("add", new, "--label", "v3", "--date", "2009-08-01").stdout
    assert [r["label"] for r in json.loads(ok("log", "--json").stdout)] == ["v1", "v2", "v3"]
    with psycopg.connect(url, autocommit=True) as conn:
        for sql in ("UPDATE versions SET label = 'x'", "DELETE FROM dispositions", "TRUNCATE rounds CASCADE"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)


def test_roles_granted_before_an_upgrade_keep_their_access_to_the_new_tables(pg_cluster, pg_url, tmp_path):
    import psycopg

    from policydiff.store import PostgresStore
    from policydiff.store import pgconn
    from policydiff.workflows import roundwork

    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pgconn.migrate(conn, upto=1)  # an archive as the first PostgreSQL schema left it
    reader = role(pg_cluster, database, "policy_reader", READER)
    editor = role(pg_cluster, database, "policy_editor", EDITOR)
    now = "2026-05-09T10:00:00+07:00"
    with PostgresStore.open_url(pg_url) as owner:  # the owner opens it first: the upgrade runs
        owner.add_version(docx_bytes(["ข้อ ๑ ร่างแรก"]), "v1", "2009-06-26", added_at=now)
        roundwork.create_round(owner, "round1", "2009-06-30", "2009-07-14", added_at=now)
    with PostgresStore.open_url(editor) as as_editor:
        as_editor.add_round_sources("round1", [("a.csv", b"a")], "{}", added_at=now)
        as_editor.set_dispositions("round1", "[1]", added_at=now, who="สมศรี")
    with PostgresStore.open_url(reader) as as_reader:
        assert [s.filename for s in as_reader.get_round("round1").sources] == ["a.csv"]
        assert as_reader.get_dispositions("round1").who == "สมศรี"


def test_an_upgrade_opened_first_by_a_role_that_does_not_own_the_tables_says_who_can_run_it(pg_cluster, pg_url):
    import psycopg

    from policydiff.errors import ArchiveError
    from policydiff.store import PostgresStore
    from policydiff.store import pgconn

    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        pgconn.migrate(conn, upto=1)
    editor = role(pg_cluster, database, "policy_editor", EDITOR)
    with pytest.raises(ArchiveError, match=r"needs its schema upgraded \(v1 to v2\), which only the role that owns"):
        PostgresStore.open_url(editor)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert pgconn.schema_version(conn) == 1
