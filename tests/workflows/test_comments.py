"""Division comments and proposals: imported exactly, anchored, re-anchored, conflicts found."""

import json

import pytest
from click.testing import CliRunner

from policydiff.workflows import drafts, merge
from policydiff.cli import main
from policydiff.core.labels import to_thai
from policydiff.workflows.sources import import_sources

ROUND = ("--round-from", "2009-06-30", "--round-to", "2009-07-14")


@pytest.fixture(scope="module")
def imported(repo_root):
    result = CliRunner().invoke(main, ["comments", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), *ROUND, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def find(rows, **want):
    hits = [r for r in rows if all(r[k] == v for k, v in want.items())]
    assert len(hits) == 1, (want, hits)
    return hits[0]


def test_every_word_comment_is_imported_with_its_exact_quote_clause_division_and_date(imported, spec):
    rows = imported["annotations"]
    expected = [(d, c) for d in spec["divisions"] if d["form"] == "docx" for c in d["comments"]]
    assert len([r for r in rows if r["kind"] == "comment" and r["source"].endswith(".docx")]) == len(expected)
    for division, c in expected:
        row = find(rows, kind="comment", division=division["name"], quote=c["quote"])
        assert (row["clause"], row["text"], row["date"]) == (c["clause"], c["text"], c["date"])
        assert row["source"] == division["code"] + ".docx"
        assert row["done"] == c.get("done", False)
        assert [(r["author"], r["text"]) for r in row["replies"]] == [(r["author"], r["text"]) for r in c.get("replies", [])]


def test_every_tracked_change_is_a_proposal_with_the_exact_old_and_new_words(imported, spec):
    rows = imported["annotations"]
    for division in (d for d in spec["divisions"] if d["form"] == "docx"):
        for p in division.get("proposals", []):
            new = p["new"]
            row = find(rows, kind="proposal", division=division["name"], text=new, tracked=True)
            assert row["clause"] == p["clause"] and row["quote"] == p["old"] and row["date"] == p["date"]
            assert row["action"] == ("replace" if p["old"] and new else "delete" if p["old"] else "insert")
            if p.get("anchor"):
                assert row["prefix"].endswith(p["anchor"])
            assert row["new_paragraph"] == (p.get("paragraph") == "after")


def test_an_edit_made_without_track_changes_is_an_untracked_proposal(imported, spec):
    finance = next(d for d in spec["divisions"] if d["code"] == "finance")
    (edit,) = finance["untracked"]
    row = find(imported["annotations"], tracked=False)
    assert row["division"] == finance["name"] and row["clause"] == edit["clause"]
    # Only the words that differ: "ใช้ทรัพยากร…" became "ใช้ทรัพย์สินและทรัพยากร…".
    assert edit["old"].replace(row["quote"], row["text"], 1) == edit["new"] or \
        (row["quote"] == "" and row["text"] in edit["new"])


def test_comment_form_rows_are_anchored_to_their_clause_and_quote(imported, spec):
    rows = imported["annotations"]
    for division in (d for d in spec["divisions"] if d["form"] in ("csv", "xlsx")):
        for r in division["rows"]:
            kind = "proposal" if r.get("proposed") else "comment"
            row = find(rows, division=division["name"], kind=kind, text=r["proposed"] or r["text"])
            assert row["clause"] == r["clause"]
            assert row["status"] == "anchored"
            if r["quote"]:
                assert row["quote"] == r["quote"]
            else:  # a row naming only a clause anchors to the whole clause
                assert row["quote"].startswith(r["clause"])
            if kind == "proposal":
                assert row["note"] == r["text"]


def test_the_conflict_and_the_duplicate_of_the_round_are_found(imported):
    (conflict,) = imported["conflicts"]
    assert conflict["clause"] == "ข้อ ๑๔" and conflict["quote"] == "สามสิบวัน"
    assert sorted(conflict["texts"]) == ["สิบห้าวันทำการ", "เจ็ดวันทำการ"]
    assert sorted(conflict["divisions"]) == ["กลุ่มตรวจสอบภายใน", "กลุ่มพัฒนาระบบบริหาร"]
    same = [d for d in imported["duplicates"] if d["clause"] == "ข้อ ๑๕"]
    assert same and sorted(same[0]["divisions"]) == ["กองคลัง", "สำนักนโยบายและแผน"]
    near = [d for d in imported["duplicates"] if d["clause"] == "ข้อ ๒๘"]
    assert near and sorted(near[0]["divisions"]) == ["กลุ่มตรวจสอบภายใน", "กลุ่มพัฒนาระบบบริหาร"]


def test_a_comment_dated_after_the_round_is_flagged_late_not_dropped(imported):
    late = [r for r in imported["annotations"] if r["late"]]
    assert [(r["division"], r["quote"]) for r in late] == [("ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร", "ทางเว็บไซต์ของสำนักงาน")]


def test_reanchoring_onto_the_revision_places_every_annotation(repo_root):
    result = CliRunner().invoke(main, ["comments", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--against",
                                       str(repo_root / "drafts" / "v2.docx"), "--json"])
    rows = json.loads(result.output)["annotations"]
    statuses = {r["status"] for r in rows}
    assert statuses <= {"anchored", "moved", "fuzzy", "deleted", "orphan"}
    # ข้อ ๑๘ moved to ส่วนที่ ๔ and was renumbered: its comment follows it, words intact.
    moved = find(rows, quote="จัดทำแผนพัฒนาบุคลากรเป็นประจำทุกปี")
    assert moved["status"] == "moved" and moved["new_clause"] != "ข้อ ๑๘"
    # ข้อ ๒๐ was deleted in ร่าง ๒: the comment sits on deleted text.
    assert find(rows, quote="ลดขั้นตอนการปฏิบัติงาน")["status"] == "deleted"


def test_reanchoring_cases_on_constructed_versions(tmp_path):
    from tests.docxgen import write_docx

    base = ["ข้อ ๑ ให้ส่วนราชการจัดทำแผนปฏิบัติราชการประจำปีเสนอต่อเลขาธิการ",
            "ข้อ ๒ ให้หน่วยงานรายงานผลการดำเนินงานทุกสามเดือน",
            "ข้อ ๓ ให้มีคณะทำงานกำกับดูแลองค์การที่ดีประกอบด้วยผู้แทนทุกหน่วยงาน",
            "ข้อ ๔ ให้เผยแพร่รายงานประจำปีทางเว็บไซต์ของสำนักงาน"]
    new = ["ข้อ ๑ ให้ส่วนราชการจัดทำแผนปฏิบัติราชการประจำปีเสนอต่อเลขาธิการ",
           "ข้อ ๒ ข้อใหม่ที่แทรกเข้ามาทำให้เลขข้อต่อไปเปลี่ยน",
           "ข้อ ๓ ให้หน่วยงานรายงานผลการดำเนินงานทุกหกเดือน",
           "ข้อ ๔ ให้เผยแพร่รายงานประจำปีทางเว็บไซต์ของสำนักงาน",
           "ข้อ ๕ ให้มีคณะทำงานกำกับดูแลองค์การที่ดีประกอบด้วยผู้แทนทุกหน่วยงาน"]
    write_docx(tmp_path / "base.docx", base)
    write_docx(tmp_path / "new.docx", new)
    b, n = drafts.load(tmp_path / "base.docx"), drafts.load(tmp_path / "new.docx")
    from policydiff.core.anchors import anchor_quote
    from policydiff.core.annotations import COMMENT, Annotation

    def ann(clause, quote):
        c = next(c for c in b.clauses if c.label == clause)
        return Annotation(id=quote, source="t", division="ก", kind=COMMENT, clause=clause,
                          anchor=anchor_quote(c.path, c.text, quote), text="ความเห็น")

    cases = {"เว็บไซต์ของสำนักงาน": ann("ข้อ ๔", "เว็บไซต์ของสำนักงาน"),       # renumbered? no: same number
             "คณะทำงานกำกับดูแล": ann("ข้อ ๓", "คณะทำงานกำกับดูแล"),           # moved and renumbered
             "รายงานผลการดำเนินงานทุกสามเดือน": ann("ข้อ ๒", "รายงานผลการดำเนินงานทุกสามเดือน"),  # one word changed
             "แผนปฏิบัติราชการประจำปี": ann("ข้อ ๑", "แผนปฏิบัติราชการประจำปี")}
    landed = merge.reanchored(b, n, list(cases.values()))
    assert landed["แผนปฏิบัติราชการประจำปี"].status == "anchored"
    assert landed["คณะทำงานกำกับดูแล"].status == "moved" and landed["คณะทำงานกำกับดูแล"].new_label == "ข้อ ๕"
    fuzzy = landed["รายงานผลการดำเนินงานทุกสามเดือน"]
    assert fuzzy.status == "fuzzy" and fuzzy.new_label == "ข้อ ๓" and 0 < fuzzy.score < 1
    new_text = n.clauses[[c.label for c in n.clauses].index("ข้อ ๓")].text
    assert new_text[fuzzy.start:fuzzy.end] == "รายงานผลการดำเนินงานทุกหกเดือน"


def test_a_quote_whose_words_were_deleted_is_on_deleted_text(tmp_path):
    from tests.docxgen import write_docx
    from policydiff.core.anchors import anchor_quote
    from policydiff.core.annotations import COMMENT, Annotation

    write_docx(tmp_path / "base.docx", ["ข้อ ๑ ให้หน่วยงานรายงานผลต่อเลขาธิการ และให้คำวินิจฉัยของเลขาธิการเป็นที่สุด"])
    write_docx(tmp_path / "new.docx", ["ข้อ ๑ ให้หน่วยงานรายงานผลต่อเลขาธิการ"])
    b, n = drafts.load(tmp_path / "base.docx"), drafts.load(tmp_path / "new.docx")
    c = b.clauses[0]
    a = Annotation(id="x", source="t", division="ก", kind=COMMENT, clause=c.label,
                   anchor=anchor_quote(c.path, c.text, "คำวินิจฉัยของเลขาธิการเป็นที่สุด"), text="ตัดออก")
    assert merge.reanchored(b, n, [a])["x"].status == "deleted"


@pytest.mark.libreoffice
def test_a_reviewed_copy_resaved_by_libreoffice_gives_the_same_comments_and_proposals(repo_root, lo, tmp_path):
    from tests.libreoffice import resave

    src = repo_root / "comments" / "round1" / "audit.docx"
    copy = resave(src, tmp_path / "audit.docx")
    base = drafts.load(repo_root / "drafts" / "v1.docx")
    ours = import_sources(base, [src]).annotations
    theirs = import_sources(base, [copy]).annotations
    key = lambda a: (a.kind, a.division, a.clause, a.quote, a.text, a.action)  # noqa: E731
    assert sorted(map(key, theirs)) == sorted(map(key, ours))
    assert len(ours) == 4


def test_bad_sources_give_a_clear_message_and_keep_what_is_usable(repo_root, tmp_path):
    bad_form = tmp_path / "bad-form.csv"
    bad_form.write_text("หน่วยงาน,ข้อ,ข้อความที่อ้างถึง\nกองคลัง,ข้อ ๕,x\n", encoding="utf-8-sig")
    unknown = tmp_path / "odd-form.csv"
    unknown.write_text("หน่วยงาน,ข้อ,ความเห็น\nกองคลัง,ข้อ ๙๙,ไม่มีข้อนี้\nกองคลัง,ข้อ ๕,มีข้อนี้\n", encoding="utf-8-sig")
    not_xlsx = tmp_path / "x-form.xlsx"
    not_xlsx.write_text("not a spreadsheet", encoding="utf-8")
    base = str(repo_root / "drafts" / "v1.docx")
    result = CliRunner().invoke(main, ["comments", base, str(bad_form), str(unknown), str(not_xlsx),
                                       str(repo_root / "comments" / "round1" / "hr.docx"), "--json"])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert {p["source"] for p in out["problems"]} == {"bad-form.csv", "x-form.xlsx"}
    assert any("ความเห็น" in p["message"] or "Comment" in p["message"] for p in out["problems"])
    assert "no clause" in result.stderr and "ข้อ ๙๙" in result.stderr
    assert find(out["annotations"], text="ไม่มีข้อนี้")["status"] == "orphan"
    assert find(out["annotations"], text="มีข้อนี้")["clause"] == "ข้อ " + to_thai("5")
    only_bad = CliRunner().invoke(main, ["comments", base, str(bad_form), str(not_xlsx)])
    assert only_bad.exit_code == 2


def test_reading_the_copies_in_worker_processes_gives_the_same_round(repo_root, tmp_path):
    # A broken copy among the good ones: its problem is reported the same way from a worker.
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    base = drafts.load(repo_root / "drafts" / "v1.docx")
    sources = [repo_root / "comments" / "round1", broken]
    here = import_sources(base, sources, round_from="2009-06-30", round_to="2009-07-14", workers=1)
    forked = import_sources(base, sources, round_from="2009-06-30", round_to="2009-07-14", workers=2)
    assert len(here.annotations) == 34 and [p.source for p in here.problems] == ["broken.docx"]
    assert forked == here
