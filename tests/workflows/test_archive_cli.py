"""The archive through the command line: the four example drafts and the first comment round."""

import hashlib
import json
import os
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from policydiff.workflows import archive, blame
from policydiff.cli import main
from policydiff.store import ARCHIVE_DIRNAME, ARCHIVE_FILENAME, BUSY_MESSAGE, Store
from policydiff.store.location import write_config
from tests.docxgen import docx_bytes

ROUND = ["--from", "2009-06-30", "--to", "2009-07-14"]
# How each draft is added: ISO, Thai B.E. and no --date (the file's own modified date).
ADDS = [
    ("v1", ["--date", "2009-06-26", "--note", "ร่างแรก เวียนหน่วยงาน"]),
    ("v2", ["--date", "๒๑ กรกฎาคม ๒๕๕๒"]),
    ("v3", []),
    ("v4", ["--date", "2009-08-19", "--note", "ฉบับที่คณะทำงานเห็นชอบ"]),
]
DATES = {"v1": ("2009-06-26", "๒๖ มิถุนายน ๒๕๕๒"), "v2": ("2009-07-21", "๒๑ กรกฎาคม ๒๕๕๒"),
         "v3": ("2009-07-28", "๒๘ กรกฎาคม ๒๕๕๒"), "v4": ("2009-08-19", "๑๙ สิงหาคม ๒๕๕๒")}
CLAUSES = {"v1": 29, "v2": 29, "v3": 31, "v4": 32}  # numbered ข้อ in each draft


def invoke(*args):
    """Run policydiff in this process; return click's Result (stdout and stderr apart)."""
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    """None for SQLite, or (cluster, database name) of the module's PostgreSQL archive."""
    if request.param == "sqlite":
        yield None
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.database()
    yield cluster, name
    cluster.drop(name)


def init_args(backend) -> list:
    return [] if backend is None else ["--db", backend[0].url(backend[1])]


@pytest.fixture(scope="module")
def workdir(repo_root, tmp_path_factory, backend):
    """A policy folder with an archive of v1..v4 and round1, built through the CLI."""
    root = tmp_path_factory.mktemp("policy")
    shutil.copytree(repo_root / "drafts", root / "drafts")
    shutil.copytree(repo_root / "comments", root / "comments")
    before = os.getcwd()
    os.chdir(root)
    try:
        ok("init", *init_args(backend))
        for label, extra in ADDS:
            ok("add", f"drafts/{label}.docx", "--label", label, *extra)
        ok("round", "add", "round1", "comments/round1", *ROUND)
    finally:
        os.chdir(before)
    return root


@pytest.fixture
def cli(workdir, monkeypatch):
    """Commands run in the shared policy folder (for tests that change nothing)."""
    monkeypatch.chdir(workdir)
    return invoke


@pytest.fixture
def own(workdir, tmp_path, monkeypatch, backend):
    """A private copy of the policy folder, archive included (its database too), for tests that write."""
    copy = tmp_path / "policy"
    shutil.copytree(workdir, copy)
    monkeypatch.chdir(copy)
    if backend is None:
        yield copy
        return
    cluster, name = backend
    private = cluster.database(template=name)
    write_config(copy, cluster.url(private))
    yield copy
    cluster.drop(private)


def raw_connection(own, backend):
    """A connection that bypasses policydiff: sqlite3 on the file, or psycopg on the database."""
    if backend is None:
        return sqlite3.connect(own / ARCHIVE_DIRNAME / ARCHIVE_FILENAME, isolation_level=None)
    import psycopg

    return psycopg.connect(json.loads((own / ARCHIVE_DIRNAME / "config.json").read_text())["db"], autocommit=True)


def blame_json(cli, version, clause):
    result = cli("blame", version, "--clause", clause, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- log and show

ENGLISH_DATES = {"v1": "26 June B.E. 2552", "v2": "21 July B.E. 2552", "v3": "28 July B.E. 2552",
                 "v4": "19 August B.E. 2552"}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_log_lists_the_versions_in_order_with_buddhist_era_dates(cli, workdir, lang):
    result = cli("--lang", lang, "log")
    assert result.exit_code == 0, result.stderr
    expected = []
    for seq, (label, extra) in enumerate(ADDS, 1):
        note = extra[extra.index("--note") + 1] if "--note" in extra else ""
        date = DATES[label][1] if lang == "th" else ENGLISH_DATES[label]
        clauses = f"{CLAUSES[label]} ข้อ" if lang == "th" else f"{CLAUSES[label]} clauses"
        line = f"  {seq}  {label}  {date}  {sha(workdir / 'drafts' / f'{label}.docx')[:12]}  {clauses}"
        expected.append(line + (f"  {note}" if note else ""))
    assert result.stdout.splitlines() == expected


def test_log_json_keeps_iso_dates_and_full_hashes(cli, workdir):
    rows = json.loads(cli("log", "--json").stdout)
    assert [(r["seq"], r["label"], r["date"], r["date_be"], r["clauses"]) for r in rows] == [
        (seq, label, DATES[label][0], DATES[label][1], CLAUSES[label]) for seq, (label, _) in enumerate(ADDS, 1)]
    assert [r["sha256"] for r in rows] == [sha(workdir / "drafts" / f"{label}.docx") for label, _ in ADDS]
    assert [r["filename"] for r in rows] == ["v1.docx", "v2.docx", "v3.docx", "v4.docx"]
    assert rows[3]["note"] == "ฉบับที่คณะทำงานเห็นชอบ"
    assert rows[0]["size"] == (workdir / "drafts" / "v1.docx").stat().st_size


def test_show_prints_the_stored_outline_exactly_as_outline_prints_the_file(cli):
    for label in ("v1", "v3"):
        assert cli("show", label).stdout == cli("outline", f"drafts/{label}.docx").stdout
        assert cli("show", label, "--json").stdout == cli("outline", f"drafts/{label}.docx", "--json").stdout


def test_show_accepts_a_sequence_number_in_thai_digits(cli):
    assert cli("show", "๔", "--json").stdout == cli("show", "v4", "--json").stdout


# ---------------------------------------------------------------- diff and redline by label

@pytest.mark.parametrize("old,new", [("v1", "v2"), ("v2", "v3"), ("v3", "v4")])
def test_diff_by_label_equals_diff_by_path(cli, old, new):
    for extra in ([], ["--json"]):
        by_label = cli("diff", old, new, *extra)
        by_path = cli("diff", f"drafts/{old}.docx", f"drafts/{new}.docx", *extra)
        assert by_label.exit_code == by_path.exit_code == 0
        assert by_label.stdout == by_path.stdout


def test_diff_mixes_a_label_and_a_path(cli):
    assert cli("diff", "v3", "drafts/v4.docx", "--json").stdout == cli("diff", "v3", "v4", "--json").stdout
    changed = {c["new_label"] for c in json.loads(cli("diff", "v3", "v4", "--json").stdout)}
    assert {"ข้อ ๒๘/๑", "ข้อ ๒๙", "ข้อ ๓๑"} <= changed


def test_redline_by_label_writes_the_same_bytes_as_by_path(cli, tmp_path):
    ok("redline", "v1", "v2", "-o", tmp_path / "labels.docx")
    ok("redline", "drafts/v1.docx", "drafts/v2.docx", "-o", tmp_path / "paths.docx")
    assert (tmp_path / "labels.docx").read_bytes() == (tmp_path / "paths.docx").read_bytes()


def test_an_unknown_label_names_the_versions_there_are(cli):
    result = cli("diff", "v9", "v2")
    assert result.exit_code == 2
    assert result.stderr == 'error: v9: no such file, and no version "v9" in the archive; versions: v1, v2, v3, v4\n'


# ---------------------------------------------------------------- blame

def test_blame_names_the_lecture_version_for_a_clause_it_added(cli):
    # drafts/src/v3.txt adds ข้อ ๑๑ (the sufficiency-economy clause) after the lecture of 23 July.
    for version in ("v3", "v4"):
        [row] = blame_json(cli, version, "ข้อ ๑๑")
        assert row["text"].startswith("ข้อ ๑๑ สำนักงานจะส่งเสริมให้ผู้ปฏิบัติงานน้อมนำหลักปรัชญาของเศรษฐกิจพอเพียง")
        assert row["introduced"] == {"seq": 3, "label": "v3", "date": "2009-07-28", "date_be": "๒๘ กรกฎาคม ๒๕๕๒"}
        assert (row["how"], row["divisions"]) == ("inserted", [])


def test_blame_names_the_division_whose_proposal_the_july_revision_took(cli):
    # round1: กองการเจ้าหน้าที่ proposed "การเลื่อนขั้นเงินเดือน" in v1's ข้อ ๒๑; v2 took it (as ข้อ ๒๐).
    for version, clause in (("v2", "ข้อ ๒๐"), ("v4", "ข้อ ๒๑")):
        [row] = blame_json(cli, version, clause)
        assert "การเลื่อนขั้นเงินเดือน" in row["text"]
        assert (row["introduced"]["label"], row["how"]) == ("v2", "edited")
        assert row["divisions"] == ["กองการเจ้าหน้าที่"]
        assert [(p["round"], p["id"], p["quote"], p["text"]) for p in row["proposals"]] == [
            ("round1", "hr.docx#4", "การเลื่อนเงินเดือน", "การเลื่อนขั้นเงินเดือน")]
        assert row["previous"]["label"] == "v1" and row["previous"]["path"] == "หมวด 2/ส่วน 4/ข้อ 21"


def test_blame_credits_only_the_wording_that_was_taken_of_two_conflicting_proposals(cli):
    # ข้อ ๑๔: กลุ่มตรวจสอบภายใน proposed สิบห้าวันทำการ, กลุ่มพัฒนาระบบบริหาร เจ็ดวันทำการ; v2 took the first.
    [row] = blame_json(cli, "v2", "ข้อ ๑๔")
    assert "สิบห้าวันทำการ" in row["text"]
    assert row["divisions"] == ["กลุ่มตรวจสอบภายใน"]


def test_blame_credits_both_divisions_of_a_duplicate_proposal(cli):
    [row] = blame_json(cli, "v4", "ข้อ ๑๖")
    assert "อย่างน้อยปีละหนึ่งครั้ง" in row["text"]
    assert row["introduced"]["label"] == "v2"
    assert sorted(row["divisions"]) == ["กองคลัง", "สำนักนโยบายและแผน"]


def test_blame_credits_a_proposed_new_item_that_became_a_clause(cli):
    [row] = blame_json(cli, "v4", "ข้อ ๑๘ (๔)")
    assert (row["introduced"]["label"], row["how"]) == ("v2", "inserted")
    assert row["divisions"] == ["ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"]


def test_blame_gives_no_division_when_no_round_was_based_on_the_previous_version(cli):
    # v4 rewords ข้อ ๓๑ to "อย่างน้อยปีละหนึ่งครั้ง" (words a round1 division once proposed elsewhere).
    [row] = blame_json(cli, "v4", "ข้อ ๓๑")
    assert (row["introduced"]["label"], row["how"], row["divisions"]) == ("v4", "edited", [])


def test_blame_follows_a_clause_through_renumbering_and_a_move(cli):
    # v1's ข้อ ๑๘ (staff training) moved to the workers' part unchanged in v2 and is ข้อ ๒๒ in v4.
    [row] = blame_json(cli, "v4", "ข้อ ๒๒")
    assert "จัดทำแผนพัฒนาบุคลากรเป็นประจำทุกปี" in row["text"]
    assert (row["introduced"]["label"], row["how"], row["previous"]) == ("v1", "first", None)


def test_blame_accepts_every_way_of_writing_a_clause(cli):
    expected = blame_json(cli, "v4", "ข้อ ๒๑")
    for ref in ("ข้อ 21", "21", "หมวด ๒ ข้อ ๒๑", "ข้อ ๒๑ หมวด ๒"):
        assert blame_json(cli, "v4", ref) == expected, ref


def test_blame_of_a_whole_version_has_one_line_per_clause(cli):
    rows = json.loads(cli("blame", "v4", "--json").stdout)
    outline = json.loads(cli("show", "v4", "--json").stdout)
    assert [r["path"] for r in rows] == [c["path"] for c in outline]
    text = cli("blame", "v4").stdout.splitlines()
    assert len(text) == len(outline)
    [line] = [t for t in text if t.startswith("ข้อ ๒๑ ")]
    assert "v2 (21 July B.E. 2552, edited)  as proposed by กองการเจ้าหน้าที่ [round1]" in line
    [line] = [t for t in cli("--lang", "th", "blame", "v4").stdout.splitlines() if t.startswith("ข้อ ๒๑ ")]
    assert "v2 (๒๑ กรกฎาคม ๒๕๕๒, แก้ไขถ้อยคำ)  ตามข้อเสนอของ กองการเจ้าหน้าที่ [round1]" in line


class WithoutCache:
    """The store as if nothing derived had been cached: every outline and alignment computed afresh."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def get_cache(self, key):
        return None

    def put_cache(self, key, value_json):
        pass


def test_blame_from_cached_alignments_equals_blame_computed_afresh(workdir):
    with Store.open(workdir) as store:
        v1, v2 = store.get_version("v1"), store.get_version("v2")
        assert store.get_cache(("align", v1.sha256, v2.sha256)) is not None  # written by add
        assert blame.blame(store, "v4") == blame.blame(WithoutCache(store), "v4")


def test_the_stored_outline_rebuilds_every_clause_exactly(workdir):
    from policydiff.workflows import drafts

    for label in ("v1", "v2", "v3", "v4"):
        clauses = drafts.load(workdir / "drafts" / f"{label}.docx").clauses
        assert archive.outline_from_json(archive.outline_to_json(clauses)) == clauses
        with Store.open(workdir) as store:
            assert archive.version_clauses(store, store.get_version(label)) == clauses


def test_blame_refuses_a_clause_it_cannot_find(cli):
    missing = cli("blame", "v1", "--clause", "ข้อ ๙๙")
    assert (missing.exit_code, missing.stderr) == (2, 'error: no clause "ข้อ ๙๙" in this version\n')
    nonsense = cli("blame", "v1", "--clause", "ทดสอบ")
    assert nonsense.exit_code == 2 and "is not a clause reference" in nonsense.stderr


# ---------------------------------------------------------------- rounds, merge and comments

def fresh_import(cli):
    """The round's files imported afresh onto v1 (``comments --json``)."""
    result = cli("comments", "drafts/v1.docx", "comments/round1", "--json", "--round-from", "2009-06-30",
                 "--round-to", "2009-07-14")
    assert result.exit_code == 0, result.stderr
    return result


def test_round_add_picks_the_version_before_the_round_ends_as_its_base(cli):
    rows = json.loads(cli("round", "list", "--json").stdout)
    assert [(r["name"], r["base"], r["from"], r["to"]) for r in rows] == [
        ("round1", "v1", "2009-06-30", "2009-07-14")]
    assert [s["filename"] for s in rows[0]["sources"]] == [
        "admin-form.xlsx", "audit.docx", "finance.docx", "hr.docx", "ict.docx", "legal-form.csv", "pdg.docx",
        "plan.docx"]
    kinds = [a["kind"] for a in json.loads(fresh_import(cli).stdout)["annotations"]]
    comments, proposals = kinds.count("comment"), kinds.count("proposal")
    assert (rows[0]["comments"], rows[0]["proposals"], rows[0]["problems"]) == (comments, proposals, 0)
    assert proposals >= 12 and comments >= 12
    assert cli("round", "list").stdout == (
        f"round1  30 June B.E. 2552 to 14 July B.E. 2552  on v1: 8 files, {comments} comments, "
        f"{proposals} proposals\n")
    assert cli("--lang", "th", "round", "list").stdout == (
        f"round1  ๓๐ มิถุนายน ๒๕๕๒ ถึง ๑๔ กรกฎาคม ๒๕๕๒  ต่อฉบับ v1: 8 ไฟล์ ความเห็น {comments} รายการ "
        f"ข้อเสนอแก้ไข {proposals} รายการ\n")


def test_round_add_without_base_takes_the_latest_version_dated_before_its_end(own):
    result = ok("round", "add", "round2", "comments/round1/legal-form.csv", "--from", "๒๒ กรกฎาคม ๒๕๕๒",
                "--to", "2009-07-27")
    assert result.stdout.startswith('recorded round "round2" on "v2": 1 files, ')
    result = ok("round", "add", "round3", "comments/round1/legal-form.csv", "--from", "2009-07-22",
                "--to", "2009-07-27", "--base", "v1")
    assert result.stdout.startswith('recorded round "round3" on "v1": 1 files, ')
    rows = json.loads(ok("round", "list", "--json").stdout)
    assert [(r["name"], r["base"], r["from_be"]) for r in rows] == [
        ("round1", "v1", "๓๐ มิถุนายน ๒๕๕๒"), ("round2", "v2", "๒๒ กรกฎาคม ๒๕๕๒"), ("round3", "v1", "๒๒ กรกฎาคม ๒๕๕๒")]


def test_a_round_that_ends_before_it_starts_is_refused(own):
    result = invoke("round", "add", "late", "comments/round1", "--from", "2009-07-14", "--to", "2009-06-30")
    assert (result.exit_code, result.stderr) == (
        2, 'error: round "late": it ends (2009-06-30) before it starts (2009-07-14)\n')


def test_a_round_keeps_the_files_the_divisions_sent(workdir, cli):
    with Store.open(workdir) as store:
        for path in sorted((workdir / "comments" / "round1").iterdir()):
            assert store.round_source_bytes("round1", path.name) == path.read_bytes()


def test_stored_annotations_equal_a_fresh_import_of_the_files(cli):
    stored = cli("comments", "v1", "round1", "--json")
    fresh = fresh_import(cli)
    assert stored.exit_code == 0
    assert stored.stdout == fresh.stdout
    count = len(json.loads(fresh.stdout)["annotations"])
    assert f'using round "round1" from the archive: {count} annotations on v1.docx' in stored.stderr


def test_merge_with_a_round_name_writes_what_merge_with_its_files_writes(cli, tmp_path):
    ok("merge", "drafts/v1.docx", "round1", "-o", tmp_path / "round.docx")
    ok("merge", "drafts/v1.docx", "comments/round1", "-o", tmp_path / "files.docx", "--round-from", "2009-06-30",
       "--round-to", "2009-07-14")
    assert (tmp_path / "round.docx").read_bytes() == (tmp_path / "files.docx").read_bytes()
    ok("merge", "v1", "round1", "--revised", "v2", "-o", tmp_path / "round-package.docx")
    # the cover names archived drafts by label: the files are given the same names
    ok("merge", "drafts/v1.docx", "comments/round1", "--revised", "drafts/v2.docx", "-o", tmp_path / "package.docx",
       "--round-from", "2009-06-30", "--round-to", "2009-07-14", "--old-title", "v1", "--new-title", "v2")
    assert (tmp_path / "round-package.docx").read_bytes() == (tmp_path / "package.docx").read_bytes()


def test_merge_on_another_base_warns_and_uses_the_rounds_base(cli, tmp_path):
    result = ok("merge", "v2", "round1", "-o", tmp_path / "out.docx")
    assert ('warning: v2 is not the draft round "round1" commented on; using the round\'s base "v1", '
            "where its annotations are anchored") in result.stderr


def test_merge_stores_the_editors_dispositions_with_the_round(own, tmp_path):
    ok("merge", "v1", "round1", "--revised", "v2", "-o", tmp_path / "suggested.docx",
       "--write-dispositions", tmp_path / "table.csv")
    table = (tmp_path / "table.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table[1].startswith("1,กองกฎหมาย,ข้อ ๒,ข้อเสนอแก้ไข,แก้ “ตั้งแต่วันถัดจากวันประกาศเป็นต้นไป” "
                               "เป็น “ตั้งแต่วันประกาศเป็นต้นไป” เหตุผล: ")
    assert table[1].endswith(",รับ,ร่างที่แก้ไขใช้ถ้อยคำตามที่เสนอ,legal-form.csv#5")
    table[1] = "1,กองกฎหมาย,ข้อ ๒,ข้อเสนอแก้ไข,ตั้งแต่วันประกาศเป็นต้นไป,ไม่รับ,คงไว้ตามร่างเดิม,legal-form.csv#5"
    (tmp_path / "decided.csv").write_text("\n".join(table) + "\n", encoding="utf-8-sig")

    first = ok("merge", "v1", "round1", "--revised", "v2", "-o", tmp_path / "decided.docx",
               "--dispositions", tmp_path / "decided.csv")
    assert 'dispositions of round "round1": stored as revision 1' in first.stderr
    again = ok("merge", "v1", "round1", "--revised", "v2", "-o", tmp_path / "again.docx",
               "--dispositions", tmp_path / "decided.csv")
    assert 'dispositions of round "round1": unchanged since revision 1' in again.stderr
    with Store.open(own) as store:
        rows = json.loads(store.get_dispositions("round1").rows_json)
    assert (rows[0]["key"], rows[0]["result"], rows[0]["reason"]) == ("legal-form.csv#5", "not accepted",
                                                                       "คงไว้ตามร่างเดิม")
    # Later packages of the round use the stored decisions without the file.
    ok("merge", "v1", "round1", "--revised", "v2", "-o", tmp_path / "stored.docx")
    assert (tmp_path / "stored.docx").read_bytes() == (tmp_path / "decided.docx").read_bytes()
    assert (tmp_path / "stored.docx").read_bytes() != (tmp_path / "suggested.docx").read_bytes()
    assert "dispositions revision 1" in ok("round", "list").stdout


# ---------------------------------------------------------------- history is never rewritten

def test_adding_the_same_file_twice_says_so_and_changes_nothing(own):
    before = ok("log", "--json").stdout
    result = ok("add", "drafts/v2.docx", "--label", "v2-again", "--date", "2010-01-01")
    assert result.stdout.startswith('drafts/v2.docx is already in the archive as "v2" (version 2, added ')
    assert result.stdout.endswith("); nothing changed\n")
    assert ok("log", "--json").stdout == before


def test_a_label_in_use_is_refused_and_the_archive_is_unchanged(own, tmp_path):
    before = ok("log", "--json").stdout
    other = tmp_path / "other.docx"
    other.write_bytes(docx_bytes(["ข้อ ๑ ร่างอื่น"]))
    result = invoke("add", other, "--label", "v1", "--date", "2009-09-01")
    assert result.exit_code == 2
    assert result.stderr.startswith('error: the label "v1" is already used by version 1 (v1.docx, added ')
    assert ok("log", "--json").stdout == before


def test_a_round_name_in_use_is_refused(own):
    result = invoke("round", "add", "round1", "comments/round1", *ROUND, "--base", "v2")
    assert result.exit_code == 2
    assert "a round named \"round1\" already exists" in result.stderr
    assert len(json.loads(ok("round", "list", "--json").stdout)) == 1


def test_stored_versions_cannot_be_updated_or_deleted(own, backend):
    db = raw_connection(own, backend)
    refused = sqlite3.IntegrityError if backend is None else __import__("psycopg").errors.RestrictViolation
    try:
        for statement in ("UPDATE versions SET label = 'x' WHERE seq = 1", "DELETE FROM rounds"):
            with pytest.raises(refused, match="append-only"):
                db.execute(statement)
    finally:
        db.close()
    with Store.open(own) as store:
        for label in ("v1", "v2", "v3", "v4"):
            data = store.version_bytes(label)
            assert data == (own / "drafts" / f"{label}.docx").read_bytes()


def test_a_second_writer_gets_the_busy_error_and_readers_still_read(own, tmp_path, monkeypatch, backend):
    monkeypatch.setattr(archive, "BUSY_TIMEOUT", 0.2)
    new = tmp_path / "v5.docx"
    new.write_bytes(docx_bytes(["ข้อ ๑ ร่างที่ห้า"]))
    holder = raw_connection(own, backend)
    try:
        holder.execute("BEGIN IMMEDIATE" if backend is None else "BEGIN")  # another policydiff mid-write
        if backend is not None:
            holder.execute("LOCK TABLE versions, rounds IN EXCLUSIVE MODE")  # writers wait, readers read
        result = invoke("add", new, "--label", "v5", "--date", "2009-09-01")
        assert (result.exit_code, result.stderr) == (2, f"error: {BUSY_MESSAGE}\n")
        assert [r["label"] for r in json.loads(ok("log", "--json").stdout)] == ["v1", "v2", "v3", "v4"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert 'added "v5" as version 5: 1 September B.E. 2552, 1 clause,' in ok("add", new, "--label", "v5", "--date",
                                                                          "2009-09-01").stdout


# ---------------------------------------------------------------- setting up, and mistakes

def test_init_twice_is_refused(own):
    result = invoke("init")
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert len(json.loads(ok("log", "--json").stdout)) == 4


def test_commands_outside_an_archive_say_to_run_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("log")
    assert result.exit_code == 2
    assert result.stderr.endswith("run `policydiff init`\n")


def test_a_draft_without_a_date_needs_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("init")
    (tmp_path / "undated.docx").write_bytes(docx_bytes(["ข้อ ๑ ไม่มีวันที่"]))
    result = invoke("add", "undated.docx", "--label", "v1")
    assert (result.exit_code, result.stderr) == (
        2, "error: undated.docx: has no modified or created date in its document properties; give --date\n")
    bad = invoke("add", "undated.docx", "--label", "v1", "--date", "31 ธันวาคม")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --date: not a date: '31 ธันวาคม'")
    assert ok("log", "--json").stdout == "[]\n"


def test_a_file_that_is_not_a_docx_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("init")
    (tmp_path / "notes.docx").write_text("not a zip", encoding="utf-8")
    result = invoke("add", "notes.docx", "--label", "v1", "--date", "2009-06-26")
    assert result.exit_code == 2 and result.stderr.startswith("error: notes.docx: ")
    assert ok("log", "--json").stdout == "[]\n"


@pytest.mark.parametrize("command", [["init"], ["add"], ["log"], ["show"], ["blame"], ["round"], ["round", "add"],
                                     ["round", "list"]])
def test_every_archive_command_has_help(command):
    result = ok(*command, "--help")
    assert result.stdout.startswith("Usage: ")
    assert len(result.stdout.splitlines()) > 3


def test_the_cover_names_archived_drafts_by_their_labels(cli, tmp_path):
    from policydiff.docx.reader import read_docx

    ok("merge", "v1", "round1", "--revised", "v2", "-o", tmp_path / "c.docx")
    text = "\n".join(p.shown for p in read_docx(tmp_path / "c.docx").paragraphs()[:15])
    assert "ร่างเดิม: v1 (๒๖ มิถุนายน ๒๕๕๒)" in text and "ร่างที่แก้ไข: v2 (๒๑ กรกฎาคม ๒๕๕๒)" in text
