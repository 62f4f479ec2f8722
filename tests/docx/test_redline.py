"""The redline: exact accept/reject, Thai word-level marks, native revision markup."""

import re
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from policydiff.cli import main
from policydiff.core.labels import to_arabic
from policydiff.core.objects import visible
from policydiff.docx.ns import qn
from policydiff.docx.reader import read_docx
from tests.docxgen import Table, write_docx

PAIRS = [("v1", "v2"), ("v2", "v3"), ("v3", "v4")]
COMBINING = re.compile("^[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def shown(path, view="accept"):
    return [p.shown for p in read_docx(path, view=view).paragraphs()]


def visible_shown(path, view="accept"):
    """The paragraphs as a person reads them (objects' markers left out), as LibreOffice gives them."""
    return [visible(p) for p in shown(path, view)]


def run_redline(old, new, out, *extra):
    result = CliRunner().invoke(main, ["redline", str(old), str(new), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result


def document_xml(path):
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))


@pytest.fixture(scope="module")
def redlines(repo_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("redlines")
    made = {}
    for a, b in PAIRS + [("v1", "v4")]:
        path = out / f"{a}-{b}.docx"
        run_redline(repo_root / "drafts" / f"{a}.docx", repo_root / "drafts" / f"{b}.docx", path)
        made[(a, b)] = path
    return made


@pytest.mark.parametrize("pair", PAIRS + [("v1", "v4")], ids="-".join)
def test_accepting_all_gives_the_new_draft_and_rejecting_all_the_old(repo_root, redlines, pair):
    a, b = pair
    out = redlines[pair]
    assert shown(out, "accept") == shown(repo_root / "drafts" / f"{b}.docx")
    assert shown(out, "reject") == shown(repo_root / "drafts" / f"{a}.docx")


@pytest.mark.libreoffice
@pytest.mark.parametrize("pair", [
    ("v1", "v2"),
    pytest.param(("v2", "v3"), marks=pytest.mark.xfail(strict=True, reason=(
        "LibreOffice 7.4 recomputes the REF field to the 'committee' bookmark on load and, in the "
        "rejected view, where the field's instruction and the bookmark's extent both changed, finds "
        "nothing: 'ตามข้อ ๒๔' comes back as 'ตาม'. policydiff's own reader gives v2 exactly."))),
    ("v1", "v4")], ids="-".join)
def test_libreoffice_accepting_and_rejecting_all_gives_each_draft(repo_root, redlines, lo, pair):
    a, b = pair
    accepted, rejected = lo.accept_all(redlines[pair]), lo.reject_all(redlines[pair])
    assert accepted.redlines_before > 0 and accepted.redlines_after == 0 and rejected.redlines_after == 0
    # LibreOffice shows thaiNumbers as Arabic digits: compare after normalizing digits.
    assert [to_arabic(p) for p in accepted.paragraphs] == [to_arabic(p) for p in visible_shown(repo_root / "drafts" / f"{b}.docx")]
    assert [to_arabic(p) for p in rejected.paragraphs] == [to_arabic(p) for p in visible_shown(repo_root / "drafts" / f"{a}.docx")]


@pytest.mark.libreoffice
@pytest.mark.xfail(strict=True, reason="LibreOffice 7.4 restores the numbering of a rejected paragraph-property "
                   "change (w:pPrChange) without its list level: items come back as 'ข้อ 1' instead of '(1)'")
def test_libreoffice_rejecting_a_switch_from_automatic_to_typed_numbering(repo_root, redlines, lo):
    rejected = lo.reject_all(redlines[("v3", "v4")])
    assert [to_arabic(p) for p in rejected.paragraphs] == [to_arabic(p) for p in visible_shown(repo_root / "drafts" / "v3.docx")]


def revision_texts(path):
    root = document_xml(path)
    out = []
    for tag, text_tag in (("w:ins", "w:t"), ("w:del", "w:delText")):
        for el in root.iter(qn(tag)):
            text = "".join(t.text or "" for t in el.iter(qn(text_tag)))
            if text:
                out.append((tag, text))
    return out


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_no_inserted_or_deleted_text_starts_with_a_thai_combining_mark(redlines, pair):
    marks = revision_texts(redlines[pair])
    assert marks
    assert [m for m in marks if COMBINING.match(m[1])] == []


def test_deleted_text_is_in_deltext_never_in_t(redlines):
    root = document_xml(redlines[("v1", "v2")])
    for d in root.iter(qn("w:del")):
        assert list(d.iter(qn("w:t"))) == []
    for t in root.iter(qn("w:t"), qn("w:delText")):
        assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


SENTENCE = ("สำนักงานจะบริหารงบประมาณอย่างโปร่งใส คุ้มค่า และตรวจสอบได้ โดยจัดซื้อจัดจ้างตามระเบียบของทางราชการ"
            "และเปิดเผยผลการจัดซื้อจัดจ้างให้ผู้มีส่วนได้ส่วนเสียตรวจสอบได้อย่างมีประสิทธิภาพ")


def test_a_one_word_edit_in_a_long_thai_sentence_marks_that_word_only(tmp_path):
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    write_docx(old, ["ข้อ ๑๗ " + SENTENCE])
    write_docx(new, ["ข้อ ๑๗ " + SENTENCE.replace("ประสิทธิภาพ", "ประสิทธิผล")])
    run_redline(old, new, tmp_path / "out.docx")
    assert revision_texts(tmp_path / "out.docx") == [("w:ins", "ประสิทธิผล"), ("w:del", "ประสิทธิภาพ")]


def test_a_tone_mark_change_marks_the_whole_word_not_the_mark(tmp_path):
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    write_docx(old, ["ให้หน่วยงานรายงานผลต่อเลขาธิการทุกหกเดือน"])
    write_docx(new, ["ให้หน่วยงานรายงานผลต่อเลขาธิการทุกหกเดือน".replace("ต่อ", "ต้อ")])
    run_redline(old, new, tmp_path / "out.docx")
    marks = revision_texts(tmp_path / "out.docx")
    assert ("w:del", "ต่อ") in marks and ("w:ins", "ต้อ") in marks


def test_the_same_inputs_give_the_same_bytes(repo_root, tmp_path):
    a, b = repo_root / "drafts" / "v1.docx", repo_root / "drafts" / "v2.docx"
    run_redline(a, b, tmp_path / "1.docx", "--date", "2009-07-21")
    run_redline(a, b, tmp_path / "2.docx", "--date", "2009-07-21")
    assert (tmp_path / "1.docx").read_bytes() == (tmp_path / "2.docx").read_bytes()


def test_author_and_date_come_from_the_options_and_ids_are_unique(repo_root, tmp_path):
    out = tmp_path / "out.docx"
    run_redline(repo_root / "drafts" / "v1.docx", repo_root / "drafts" / "v2.docx", out,
                "--author", "ฝ่ายเลขานุการ", "--date", "2009-07-21T09:00:00Z")
    root = document_xml(out)
    revisions = [el for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange", "w:pPrChange",
                                "w:moveFromRangeStart", "w:moveToRangeStart") for el in root.iter(qn(tag))]
    assert revisions
    assert {el.get(qn("w:author")) for el in revisions} == {"ฝ่ายเลขานุการ"}
    assert {el.get(qn("w:date")) for el in revisions} == {"2009-07-21T09:00:00Z"}
    ids = [el.get(qn("w:id")) for el in revisions]
    assert len(ids) == len(set(ids))


def test_default_date_is_the_new_files_modified_date(repo_root, tmp_path):
    out = tmp_path / "out.docx"
    run_redline(repo_root / "drafts" / "v1.docx", repo_root / "drafts" / "v2.docx", out)
    dates = {el.get(qn("w:date")) for el in document_xml(out).iter(qn("w:ins"))}
    assert dates == {read_docx(repo_root / "drafts" / "v2.docx").meta.modified}


def test_a_moved_clause_is_a_native_move_and_no_moves_writes_delete_and_insert(repo_root, tmp_path):
    a, b = repo_root / "drafts" / "v1.docx", repo_root / "drafts" / "v2.docx"
    run_redline(a, b, tmp_path / "moves.docx")
    root = document_xml(tmp_path / "moves.docx")
    starts = {el.get(qn("w:name")) for el in root.iter(qn("w:moveFromRangeStart"))}
    assert starts and starts == {el.get(qn("w:name")) for el in root.iter(qn("w:moveToRangeStart"))}
    moved = "".join(t.text for el in root.iter(qn("w:moveFrom")) for t in el.iter(qn("w:delText")))
    assert "สำนักงานจะส่งเสริมให้ผู้ปฏิบัติงานได้รับการพัฒนาความรู้" in moved
    run_redline(a, b, tmp_path / "plain.docx", "--no-moves")
    plain = document_xml(tmp_path / "plain.docx")
    assert list(plain.iter(qn("w:moveFrom"))) == [] and list(plain.iter(qn("w:moveTo"))) == []
    assert shown(tmp_path / "plain.docx") == shown(b) and shown(tmp_path / "plain.docx", "reject") == shown(a)


def test_a_formatting_only_change_is_an_rprchange_holding_the_old_properties(redlines):
    root = document_xml(redlines[("v1", "v2")])
    changes = list(root.iter(qn("w:rPrChange")))
    assert changes
    run = changes[0].getparent().getparent()
    assert run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None  # bold now
    assert changes[0].find(f"{qn('w:rPr')}/{qn('w:b')}") is None  # not before
    assert "".join(t.text for t in run.iter(qn("w:t")))


def test_table_rows_and_cells_are_tracked(tmp_path):
    old, new, out = tmp_path / "old.docx", tmp_path / "new.docx", tmp_path / "out.docx"
    write_docx(old, ["ข้อ ๒๖ ให้หน่วยงานมีหน้าที่ ดังนี้",
                     Table([["หน่วยงาน", "หน้าที่"], ["กองคลัง", "จัดทำงบประมาณประจำปี"], ["กองกฎหมาย", "ให้ความเห็น"]]),
                     "ข้อ ๒๗ ข้อสุดท้าย"])
    write_docx(new, ["ข้อ ๒๖ ให้หน่วยงานมีหน้าที่ ดังนี้",
                     Table([["หน่วยงาน", "หน้าที่"], ["กองคลัง", "จัดทำและเสนองบประมาณประจำปี"],
                            ["กลุ่มตรวจสอบภายใน", "สอบทานการควบคุมภายใน"]]),
                     "ข้อ ๒๗ ข้อสุดท้าย"])
    run_redline(old, new, out)
    root = document_xml(out)
    rows = root.findall(f".//{qn('w:tr')}")
    assert [bool(r.find(f"{qn('w:trPr')}/{qn('w:ins')}") is not None) for r in rows] == [False, False, False, True]
    assert [bool(r.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None) for r in rows] == [False, False, True, False]
    assert ("w:ins", "และเสนอ") in revision_texts(out)
    assert shown(out) == shown(new) and shown(out, "reject") == shown(old)


@pytest.mark.parametrize("direction", ["into", "out of"])
def test_a_paragraph_that_became_a_table_leaves_no_empty_paragraph_in_either_view(tmp_path, direction):
    # The body's last paragraph cannot go; a paragraph turned into a table before it is shown as
    # the table inserted and the old paragraph deleted into that last paragraph, so each view
    # has its blocks exactly (Open-XML-PowerTools' WC007 "moved into table" pair, in Thai).
    words = "ข้อ ๒๗ ให้เลขาธิการรักษาการตามประกาศนี้"
    paragraph = [words]
    table = [Table([[words, "หมายเหตุ"], ["", ""]]), ""]
    a, b = (paragraph, table) if direction == "into" else (table, paragraph)
    old, new, out = tmp_path / "old.docx", tmp_path / "new.docx", tmp_path / "out.docx"
    write_docx(old, a)
    write_docx(new, b)
    run_redline(old, new, out)
    assert shown(out) == shown(new) and shown(out, "reject") == shown(old)


SPLIT_HEAD, SPLIT_TAIL = "ข้อ ๒๖ ให้หน่วยงานมีหน้าที่ ดังนี้", "ทั้งนี้ ให้รายงานผลต่อคณะกรรมการทุกไตรมาส"
SPLIT_TABLE = Table([["หน่วยงาน", "หน้าที่"], ["กองคลัง", "จัดทำงบประมาณประจำปี"]])


def _table_in_a_paragraph(tmp_path, direction, after):
    """Old and new drafts and their redline: a table put inside paragraph "head tail" ("into")
    or taken out of it ("out of"); ``after``: the blocks after that paragraph."""
    joined, split = [SPLIT_HEAD + SPLIT_TAIL] + after, [SPLIT_HEAD, SPLIT_TABLE, SPLIT_TAIL] + after
    a, b = (joined, split) if direction == "into" else (split, joined)
    old, new, out = tmp_path / "old.docx", tmp_path / "new.docx", tmp_path / "out.docx"
    write_docx(old, a)
    write_docx(new, b)
    run_redline(old, new, out)
    return old, new, out


@pytest.mark.parametrize("direction", ["into", "out of"])
def test_a_table_put_inside_a_paragraph_or_taken_out_is_exact_in_both_views(tmp_path, direction):
    # The old paragraph pairs with the half before the table; the half after it is inserted
    # (deleted) whole, and its mark joins the next clause in the view without the table.
    from policydiff.docx.inventory import compare
    from policydiff.docx.inventory_stories import stories

    old, new, out = _table_in_a_paragraph(tmp_path, direction, ["ข้อ ๒๗ ข้อสุดท้าย"])
    assert shown(out) == shown(new) and shown(out, "reject") == shown(old)
    assert compare(stories(out, "accept"), stories(new, "accept")) == []
    assert compare(stories(out, "reject"), stories(old, "accept")) == []
    changes = [c for c in revision_texts(out) if c[1] not in ("หน่วยงาน", "หน้าที่", "กองคลัง", "จัดทำงบประมาณประจำปี")]
    # the head is kept; the tail goes from the paragraph and comes whole after the table (or back)
    assert changes == [("w:ins", SPLIT_TAIL), ("w:del", SPLIT_TAIL)]


@pytest.mark.parametrize("direction", ["into", "out of"])
@pytest.mark.xfail(strict=True, reason="a paragraph before a table and the last paragraph of the body both stay in "
                   "every view (a mark joins no paragraph across a table or past the end), so when the second half "
                   "ends the body, the view without the table keeps one empty paragraph whichever half pairs "
                   "(Open-XML-PowerTools' WC010 pair, WC-1210)")
def test_a_table_put_inside_the_last_paragraph_is_exact_in_both_views(tmp_path, direction):
    old, new, out = _table_in_a_paragraph(tmp_path, direction, [])
    assert shown(out) == shown(new) and shown(out, "reject") == shown(old)


@pytest.mark.libreoffice
@pytest.mark.parametrize("direction", ["into", "out of"])
def test_libreoffice_a_table_put_inside_a_paragraph_or_taken_out(tmp_path, lo, direction):
    old, new, out = _table_in_a_paragraph(tmp_path, direction, ["ข้อ ๒๗ ข้อสุดท้าย"])
    accepted, rejected = lo.accept_all(out), lo.reject_all(out)
    assert accepted.redlines_before > 0 and accepted.redlines_after == 0 and rejected.redlines_after == 0
    assert accepted.paragraphs == lo.read(new).paragraphs
    assert rejected.paragraphs == lo.read(old).paragraphs


def test_output_passes_the_ooxml_schema_check(redlines):
    for path in redlines.values():
        result = subprocess.run(["openxml-audit", str(path)], capture_output=True, text=True, timeout=120)
        assert "Errors: 0" in result.stdout, result.stdout[-2000:]


# ---------------------------------------------------------------- generated edits

WORDS = ["ส่วนราชการ", "ต้อง", "ปฏิบัติ", "ราชการ", "ตาม", "หลักธรรมาภิบาล", "โดย", "คำนึงถึง", "ประโยชน์สุข",
         "ของ", "ประชาชน", "ผู้มีส่วนได้ส่วนเสีย", "อย่าง", "โปร่งใส", "และ", "ตรวจสอบได้", "ที่", "นี้", "ให้",
         "ไม่", "น้ำ", "ทั่วถึง", "คุ้มค่า", "policy", "ISO", "9001", "๒๕๕๒", " ", " ", ", ", "(", ")"]
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map("".join)


@st.composite
def drafts(draw):
    old = draw(st.lists(sentences, min_size=1, max_size=6))
    new = list(old)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "word"]))
        i = draw(st.integers(0, max(0, len(new) - 1)))
        if kind == "replace" and new:
            new[i] = draw(sentences)
        elif kind == "insert":
            new.insert(i, draw(sentences))
        elif kind == "delete" and len(new) > 1:
            del new[i]
        elif new:
            words = list(new[i])
            j = draw(st.integers(0, len(words)))
            new[i] = new[i][:j] + draw(st.sampled_from(WORDS)) + new[i][j:]
    return old, new


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drafts())
def test_generated_edits_accept_to_new_and_reject_to_old(tmp_path, pair):
    old_paras, new_paras = pair
    old, new, out = tmp_path / "o.docx", tmp_path / "n.docx", tmp_path / "r.docx"
    write_docx(old, old_paras + ["ท้ายเอกสาร"])
    write_docx(new, new_paras + ["ท้ายเอกสาร"])
    run_redline(old, new, out)
    assert shown(out) == new_paras + ["ท้ายเอกสาร"]
    assert shown(out, "reject") == old_paras + ["ท้ายเอกสาร"]
    assert [m for m in revision_texts(out) if COMBINING.match(m[1])] == []


def test_diff_reports_renumbering_as_renumbering_and_lists_word_edits(repo_root):
    result = CliRunner().invoke(main, ["diff", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "drafts" / "v2.docx"), "--json"])
    assert result.exit_code == 0, result.output
    import json

    changes = json.loads(result.output)
    assert {"status", "old_label", "new_label", "old_text", "new_text", "edits", "renumbered"} <= set(changes[0])
    renumbered_only = [c for c in changes if c["status"] == "unchanged" and c["renumbered"]]
    assert renumbered_only and all(c["edits"] == [] for c in renumbered_only)
    moved = [c for c in changes if c["status"] == "moved"]
    assert len(moved) == 1 and moved[0]["old_text"].split(" ", 2)[2] == moved[0]["new_text"].split(" ", 2)[2]
    edited = next(c for c in changes if c["status"] == "edited" and c["new_label"] == "ข้อ ๒")
    assert edited["edits"] == [{"op": "-", "text": "ถัดจากวัน"}]
