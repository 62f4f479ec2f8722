"""A round worked on a piece at a time, as the web app does it, on the example round (6 reviewed
copies and 2 forms on drafts/v1.docx): a round recorded before its files, files in batches, hostile
files refused, dispositions saved one at a time by a named person from two tabs."""

import struct
import tempfile
from dataclasses import replace

import pytest

from policydiff.errors import ArchiveError
from policydiff.store import PostgresStore, Store
from policydiff.store.opening import open_url
from policydiff.workflows import archive, rounds, roundwork, transfer
from tests.hostile.make_corpus import LAUGHS, cfb, docx_parts, document, para, pseudo_random, zip_bytes
from tests.paths import REPO
from tests.store.test_store import row_counts

NOW = "2026-05-09T10:00:00+07:00"
LATER = "2026-05-09T11:00:00+07:00"
ROUND = sorted((REPO / "comments" / "round1").iterdir())  # admin-form.xlsx, audit.docx, …, plan.docx
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def files(paths):
    return [(p.name, p.read_bytes()) for p in paths]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    work = tmp_path / "policy"
    work.mkdir()
    with Store.init(work, db=db) as opened:
        archive.add_file(opened, REPO / "drafts" / "v1.docx", label="v1", date="2009-06-26", added_at=NOW)
        yield opened


@pytest.fixture
def round1(store):
    roundwork.create_round(store, "round1", "2009-06-30", "2009-07-14", added_at=NOW)
    return store


# -- a round before its files -------------------------------------------------------------------
def test_a_round_is_recorded_before_any_file_came(store):
    r = roundwork.create_round(store, "รอบ ๑", "30 มิ.ย. 2552", "14 ก.ค. 2552", added_at=NOW)
    assert (r.name, r.date_from, r.date_to, r.base_label, r.sources) == ("รอบ ๑", "2009-06-30", "2009-07-14", "v1", ())
    assert rounds.annotations_from_json(r.annotations_json).annotations == ()
    assert roundwork.round_rows(store, "รอบ ๑") == (None, ())


def test_a_new_round_is_checked_as_round_add_checks_it(store):
    with pytest.raises(ArchiveError, match=r"ends \(2009-06-01\) before it starts \(2009-06-30\)"):
        roundwork.create_round(store, "r", "2009-06-30", "2009-06-01", added_at=NOW)
    with pytest.raises(ArchiveError, match="--from"):
        roundwork.create_round(store, "r", "not a date", "2009-06-01", added_at=NOW)
    roundwork.create_round(store, "r", "2009-06-30", "2009-07-14", added_at=NOW)
    with pytest.raises(ArchiveError, match='a round named "r" already exists'):
        roundwork.create_round(store, "r", "2009-06-30", "2009-07-14", added_at=NOW)
    with pytest.raises(ArchiveError, match='no version "v9"'):
        roundwork.create_round(store, "r2", "2009-06-30", "2009-07-14", base="v9", added_at=NOW)


# -- files in batches ----------------------------------------------------------------------------
def test_files_added_in_two_batches_give_the_annotations_of_the_whole_round_at_once(round1, tmp_path):
    first = roundwork.add_round_files(round1, "round1", files(ROUND[:3]), added_at=NOW)
    second = roundwork.add_round_files(round1, "round1", files(ROUND[3:]), added_at=LATER)
    assert first.added == tuple(p.name for p in ROUND[:3]) and second.added == tuple(p.name for p in ROUND[3:])
    assert first.refused == second.refused == ()
    other = tmp_path / "other"
    other.mkdir()
    with Store.init(other) as whole_store:
        archive.add_file(whole_store, REPO / "drafts" / "v1.docx", label="v1", date="2009-06-26", added_at=NOW)
        whole = rounds.add_round(whole_store, "round1", "2009-06-30", "2009-07-14", [str(p) for p in ROUND],
                                 added_at=NOW)
    batched = rounds.annotations_from_json(round1.get_round("round1").annotations_json)
    assert len(batched.annotations) == len(whole.imported.annotations) == 34
    assert sorted(a.id for a in batched.annotations) == sorted(a.id for a in whole.imported.annotations)
    assert batched == second.imported == whole.imported  # divisions, anchors, warnings: all the same
    assert [s.filename for s in second.round.sources] == [s.filename for s in whole.round.sources]
    assert round1.round_source_bytes("round1", "ict.docx") == (REPO / "comments/round1/ict.docx").read_bytes()


def hostile_files():
    encrypted = cfb([("EncryptionInfo", struct.pack("<HHI", 4, 4, 0x40)),
                     ("EncryptedPackage", struct.pack("<Q", 12345) + pseudo_random(4088, 1))])
    return [
        ("laughs.docx", zip_bytes(docx_parts(doc=document(para("&lol9;"), LAUGHS))),
         "laughs.docx: word/document.xml contains a DTD"),
        ("secret.docx", encrypted, "secret.docx: is password-protected (encrypted)"),
        ("notes.docx", "ไม่ใช่ไฟล์ Word".encode(), "notes.docx: "),
        ("empty-form.csv", "ข้อ,ความเห็น\n".encode(), "empty-form.csv: has no usable comment rows"),
        ("v2.docx", (REPO / "drafts" / "v2.docx").read_bytes(), "v2.docx: looks like a new draft"),
    ]


def test_hostile_and_unusable_files_are_refused_each_with_its_message_and_not_stored(round1):
    bad = hostile_files()
    got = roundwork.add_round_files(round1, "round1", files(ROUND[:2]) + [(n, d) for n, d, _ in bad], added_at=NOW)
    assert got.added == (ROUND[0].name, ROUND[1].name)
    assert [name for name, _ in got.refused] == [name for name, _, _ in bad]
    for (name, message), (_, _, expected) in zip(got.refused, bad):
        assert message.startswith(expected) and "\n" not in message and tempfile.gettempdir() not in message
    assert [s.filename for s in round1.get_round("round1").sources] == [ROUND[0].name, ROUND[1].name]
    assert got.imported.problems == ()  # a refused file leaves no trace in the round


def test_a_batch_with_nothing_good_changes_nothing(round1):
    roundwork.add_round_files(round1, "round1", files(ROUND[:1]), added_at=NOW)
    before, counts = round1.get_round("round1"), row_counts(round1)
    got = roundwork.add_round_files(round1, "round1", [(n, d) for n, d, _ in hostile_files()], added_at=LATER)
    assert got.added == () and len(got.refused) == 5 and got.round == before
    assert round1.get_round("round1") == before and row_counts(round1) == counts


def test_a_file_name_from_the_browser_never_becomes_a_path(round1, tmp_path, monkeypatch):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    beside = sorted(p.name for p in round1.root.iterdir())
    around = sorted(p.name for p in tmp_path.iterdir())
    hr = (REPO / "comments/round1/hr.docx").read_bytes()
    got = roundwork.add_round_files(round1, "round1", [("../../etc/passwd.docx", hr), ("/tmp/x/../hr.docx", b"x")],
                                    added_at=NOW)
    assert got.added == ("../../etc/passwd.docx",) and got.refused[0][0] == "/tmp/x/../hr.docx"
    assert [s.filename for s in got.round.sources] == ["../../etc/passwd.docx"]
    assert {a.source for a in got.imported.annotations} == {"../../etc/passwd.docx"}
    assert all(a.id.startswith("../../etc/passwd.docx#") for a in got.imported.annotations)
    assert sorted(p.name for p in round1.root.iterdir()) == beside
    assert sorted(p.name for p in tmp_path.iterdir()) == around
    assert list(private.iterdir()) == []  # the private folder is gone, with what it held


def test_a_form_named_for_its_division_keeps_that_division(round1):
    text = "ข้อ,ความเห็น\nข้อ ๒,ควรระบุวันใช้บังคับให้ชัดเจน\n".encode()
    got = roundwork.add_round_files(round1, "round1", [("กองคลัง-form.csv", text)], added_at=NOW)
    assert [(a.division, a.source, a.id) for a in got.imported.annotations] == [
        ("กองคลัง", "กองคลัง-form.csv", "กองคลัง-form.csv#2")]
    assert any("took 'กองคลัง' from the file name" in w for w in got.imported.warnings)
    refused = roundwork.add_round_files(round1, "round1", [("form.csv", text)], added_at=NOW).refused
    assert refused == (("form.csv", "form.csv: has no หน่วยงาน (Division) column, and its file name does not "
                                    "name the division"),)


def test_the_same_file_twice_is_skipped_and_other_bytes_under_its_name_are_numbered(round1):
    roundwork.add_round_files(round1, "round1", files(ROUND[1:2]), added_at=NOW)
    again = roundwork.add_round_files(round1, "round1", files(ROUND[1:2]), added_at=LATER)
    assert (again.added, again.refused, again.skipped) == ((), (), (ROUND[1].name,))
    assert [s.filename for s in round1.get_round("round1").sources] == [ROUND[1].name]
    other = roundwork.add_round_files(round1, "round1", [(ROUND[1].name, ROUND[2].read_bytes())], added_at=LATER)
    stem = ROUND[1].stem
    assert other.added == (f"{stem} (2).docx",)
    assert {a.source for a in other.imported.annotations} == {ROUND[1].name, f"{stem} (2).docx"}


def test_files_for_a_round_that_does_not_exist_are_refused(store):
    with pytest.raises(ArchiveError, match='no round "nope"'):
        roundwork.add_round_files(store, "nope", files(ROUND[:1]), added_at=NOW)



# -- a round filled in batches, copied to another archive ----------------------------------------
EVENING = "2026-05-09T18:00:00+07:00"


@pytest.fixture
def batched(round1):
    """The example round filled in three batches (3, 3 and 2 files), each at its own time."""
    for part, when in ((ROUND[:3], NOW), (ROUND[3:6], LATER), (ROUND[6:], EVENING)):
        assert roundwork.add_round_files(round1, "round1", files(part), added_at=when).added
    return round1


@pytest.fixture
def target(store, tmp_path, request):
    """Where a copy goes: a new SQLite folder, or a second empty PostgreSQL database."""
    if not isinstance(store, PostgresStore):
        yield str(tmp_path / "copy")
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.database()
    yield cluster.url(name)
    cluster.drop(name)


def history(store):
    return [(a.revision, a.annotations_json, a.added_at) for a in store.round_annotations_history("round1")]


def test_a_copy_keeps_every_annotations_revision_of_a_round_filled_in_batches(batched, target):
    kept = history(batched)
    assert [(revision, added_at) for revision, _, added_at in kept] == [(0, NOW), (1, NOW), (2, LATER), (3, EVENING)]
    assert rounds.annotations_from_json(kept[0][1]).annotations == ()  # as create_round recorded it
    assert len({annotations for _, annotations, _ in kept}) == 4
    copied = transfer.copy(batched, target, busy_timeout=5.0)
    assert copied.verified.problems == () and (copied.rounds, copied.verified.files) == (1, len(ROUND))
    with open_url(target) as back:
        assert history(back) == kept
        assert back.get_round("round1") == batched.get_round("round1")  # latest annotations, files, added_at
        assert transfer.fingerprint(back) == transfer.fingerprint(batched)


def test_the_fingerprint_tells_a_copy_that_lost_an_annotations_revision(batched, tmp_path):
    def replay(folder, revisions):
        """A copy of the round that keeps only ``revisions`` of its annotations."""
        kept = [batched.round_annotations_history("round1")[n] for n in revisions]
        r = batched.get_round("round1")
        folder.mkdir()
        lossy = Store.init(folder)
        archive.add_file(lossy, REPO / "drafts" / "v1.docx", label="v1", date="2009-06-26", added_at=NOW)
        lossy.add_round("round1", r.date_from, r.date_to, "v1", [(s.filename, batched.round_source_bytes(
            "round1", s.filename)) for s in r.sources], kept[0].annotations_json, added_at=r.added_at)
        for a in kept[1:]:
            lossy.add_round_annotations("round1", a.annotations_json, added_at=a.added_at)
        return lossy

    with replay(tmp_path / "whole", [0, 1, 2, 3]) as whole:
        assert transfer.fingerprint(whole) == transfer.fingerprint(batched)
    for name, revisions in (("middle", [0, 1, 3]), ("latest only", [3]), ("first", [1, 2, 3])):
        with replay(tmp_path / name, revisions) as lossy:
            assert lossy.get_round("round1").annotations_json == batched.get_round("round1").annotations_json
            assert transfer.fingerprint(lossy) != transfer.fingerprint(batched), name

# -- dispositions, one at a time ----------------------------------------------------------------
@pytest.fixture
def filled(round1):
    roundwork.add_round_files(round1, "round1", files(ROUND), added_at=NOW)
    return round1


def test_before_any_save_the_rows_are_the_suggested_ones(filled):
    revision, rows = roundwork.round_rows(filled, "round1")
    assert revision is None and len(rows) == 34
    assert [r.number for r in rows] == list(range(1, 35))
    assert {r.result for r in rows} <= {"accepted", "partly accepted", "not accepted", "noted", ""}


@pytest.mark.parametrize("revised", [False, True], ids=["no revised draft yet", "against v2"])
def test_the_suggested_rows_are_those_merge_writes(filled, revised):
    # The web page's placement (kept in memory, no redline) and the CLI's committee review must
    # suggest the same table: numbers, clauses, kinds, texts, results and reasons.
    from policydiff.workflows.merge import committee
    from policydiff.workflows.pages import disposition_rows

    if revised:
        archive.add_file(filled, REPO / "drafts" / "v2.docx", label="v2", date="2009-07-21", added_at=NOW)
    base = archive.load_version(filled, filled.get_version("v1"))
    new = archive.load_version(filled, filled.get_version("v2")) if revised else base
    review = committee(base, new, rounds.annotations_from_json(filled.get_round("round1").annotations_json))
    expected = tuple(disposition_rows(review.rows))
    if not revised:  # nothing to judge a comment by before the revised draft: every row undecided
        expected = tuple(replace(r, result="", reason="") for r in expected)
    assert roundwork.suggested_rows(filled, "round1") == expected
    results = {"accepted", "not accepted", "noted"} if revised else {""}
    assert len(expected) == 34 and {r.result for r in expected} == results


def test_a_saved_disposition_names_who_saved_it(filled):
    _, rows = roundwork.round_rows(filled, "round1")
    key = rows[3].key
    saved = roundwork.save_disposition(filled, "round1", key, result="accepted", reason="เห็นด้วย",
                                       who="สมศรี", seen_revision=None, added_at=NOW)
    assert (saved.revision, saved.row.result, saved.row.reason, saved.overwrote) == (1, "accepted", "เห็นด้วย", None)
    latest = filled.get_dispositions("round1")
    assert (latest.revision, latest.who) == (1, "สมศรี")
    revision, now = roundwork.round_rows(filled, "round1")
    assert revision == 1 and now[3] == saved.row and now[:3] == rows[:3] and now[4:] == rows[4:]
    assert roundwork.disposition_history(filled, "round1", key) == [
        roundwork.Change(1, "สมศรี", NOW, "accepted", "เห็นด้วย")]
    assert roundwork.disposition_history(filled, "round1", rows[5].key) == []  # only saved with the table


def test_two_tabs_saving_the_same_row_both_land_and_the_later_hears_of_the_earlier(filled):
    _, rows = roundwork.round_rows(filled, "round1")
    key = rows[0].key
    first = roundwork.save_disposition(filled, "round1", key, result="accepted", reason="ก", who="สมศรี",
                                       seen_revision=0, added_at=NOW)
    second = roundwork.save_disposition(filled, "round1", key, result="not accepted", reason="ข", who="สมชาย",
                                        seen_revision=0, added_at=LATER)
    assert (first.revision, first.overwrote, second.revision) == (1, None, 2)
    assert (second.overwrote.revision, second.overwrote.who, second.overwrote.added_at) == (1, "สมศรี", NOW)
    assert [(c.revision, c.who, c.result, c.reason) for c in roundwork.disposition_history(filled, "round1", key)] \
        == [(1, "สมศรี", "accepted", "ก"), (2, "สมชาย", "not accepted", "ข")]
    third = roundwork.save_disposition(filled, "round1", key, result="noted", reason="ค", who="สมศรี",
                                       seen_revision=2, added_at=LATER)
    assert third.overwrote is None


def test_a_save_from_a_stale_page_on_another_row_keeps_both_rows(filled):
    _, rows = roundwork.round_rows(filled, "round1")
    roundwork.save_disposition(filled, "round1", rows[0].key, result="accepted", reason="", who="ก",
                               seen_revision=0, added_at=NOW)
    other = roundwork.save_disposition(filled, "round1", rows[1].key, result="noted", reason="", who="ข",
                                       seen_revision=0, added_at=LATER)
    assert other.overwrote is None
    _, now = roundwork.round_rows(filled, "round1")
    assert (now[0].result, now[1].result) == ("accepted", "noted")


def test_a_save_names_a_known_row_and_a_known_result(filled):
    with pytest.raises(ArchiveError, match='no comment with the id "nope#1"'):
        roundwork.save_disposition(filled, "round1", "nope#1", result="accepted", reason="", who="",
                                   seen_revision=None, added_at=NOW)
    _, rows = roundwork.round_rows(filled, "round1")
    with pytest.raises(ArchiveError, match="unknown result 'รับ'"):
        roundwork.save_disposition(filled, "round1", rows[0].key, result="รับ", reason="", who="",
                                   seen_revision=None, added_at=NOW)
    assert filled.get_dispositions("round1") is None


def test_comments_that_come_after_the_first_saves_join_the_table(round1):
    roundwork.add_round_files(round1, "round1", files(ROUND[:2]), added_at=NOW)
    _, rows = roundwork.round_rows(round1, "round1")
    roundwork.save_disposition(round1, "round1", rows[0].key, result="accepted", reason="ใช่", who="ก",
                               seen_revision=None, added_at=NOW)
    roundwork.add_round_files(round1, "round1", files(ROUND[2:]), added_at=LATER)
    revision, now = roundwork.round_rows(round1, "round1")
    assert revision == 1 and len(now) == 34
    kept = next(r for r in now if r.key == rows[0].key)
    assert (kept.result, kept.reason) == ("accepted", "ใช่")


def test_two_people_saving_at_once_lose_nothing(filled):
    import threading

    _, rows = roundwork.round_rows(filled, "round1")
    errors = []

    def person(who, keys):
        try:
            with Store.open(filled.root) as own:  # each tab is its own request, its own connection
                for key in keys:
                    roundwork.save_disposition(own, "round1", key, result="accepted", reason=who, who=who,
                                               seen_revision=None, added_at=NOW)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    tabs = [threading.Thread(target=person, args=(who, [r.key for r in rows[i::2][:5]]))
            for i, who in enumerate(("ก", "ข"))]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join()
    assert errors == []
    revision, now = roundwork.round_rows(filled, "round1")
    assert revision == 10 and len(filled.dispositions_history("round1")) == 10
    assert [(r.result, r.reason) for r in now[:10]] == [("accepted", "ก"), ("accepted", "ข")] * 5


def test_a_file_name_the_archive_cannot_keep_is_refused_alone(round1):
    got = roundwork.add_round_files(round1, "round1", files(ROUND[:1]) + [("a\nb.csv", b"x"), (" ", b"y")],
                                    added_at=NOW)
    assert got.added == (ROUND[0].name,)
    assert got.refused == (("a\nb.csv", "the file name 'a\\nb.csv' has leading/trailing spaces or control characters"),
                           (" ", "the file name cannot be empty"))


def test_the_first_save_stores_the_suggestions_of_the_revised_version_the_page_showed(filled):
    # v2 and v4 both came after the round's base: a page shown against v2 (not the latest) saves one
    # row, and every other row is stored with the result suggested against v2, as the page showed it.
    for label, date in (("v2", "2009-07-21"), ("v4", "2009-08-19")):
        archive.add_file(filled, REPO / "drafts" / f"{label}.docx", label=label, date=date, added_at=NOW)
    on_v2, on_v4 = roundwork.suggested_rows(filled, "round1", "v2"), roundwork.suggested_rows(filled, "round1")
    assert on_v4 == roundwork.suggested_rows(filled, "round1", "v4")
    differ = [k for k, (a, b) in enumerate(zip(on_v2, on_v4)) if (a.result, a.reason) != (b.result, b.reason)]
    assert differ, "v2 and v4 should suggest different results for some rows"
    chosen = next(k for k in range(len(on_v2)) if k not in differ)
    roundwork.save_disposition(filled, "round1", on_v2[chosen].key, result="noted", reason="รับทราบ", who="สมศรี",
                               seen_revision=None, added_at=LATER, against="v2")
    _, stored = roundwork.round_rows(filled, "round1")
    for k in differ:
        assert (stored[k].result, stored[k].reason) == (on_v2[k].result, on_v2[k].reason)
    assert roundwork.disposition_history(filled, "round1", on_v2[differ[0]].key, "v2") == []
