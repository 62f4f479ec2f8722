"""The reader and the clause tree on the shipped example drafts (typed and automatic numbering)."""

import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from policydiff.cli import main
from policydiff.core.objects import visible
from policydiff.core.labels import parse_label, to_arabic
from policydiff.core.structure import outline
from policydiff.docx.reader import read_docx
from tests.docxgen import write_docx

VERSIONS = ("v1", "v2", "v3", "v4")
_LABELLED = re.compile(r"^(ข้อ [๐-๙]+(?:/[๐-๙]+)?|\([๐-๙]+\)|\([ก-ฮ]\)|หมวด [๐-๙]+|ส่วนที่ [๐-๙]+)(?= |$)")


def source_labels(repo_root, version):
    """The labels written in the readable source of a draft, in order (the builder's input)."""
    text = (repo_root / "drafts" / "src" / f"{version}.txt").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    labels = []
    for line in body.splitlines():
        line = re.sub(r"^@(chapter|part) ", "", line.strip())
        m = _LABELLED.match(line)
        if m:
            labels.append(m.group(1))
    return labels


@pytest.fixture(scope="module")
def outlines(repo_root):
    return {v: outline(read_docx(repo_root / "drafts" / f"{v}.docx")) for v in VERSIONS}


@pytest.mark.parametrize("version", VERSIONS)
def test_outline_labels_are_the_labels_of_the_source(repo_root, outlines, version):
    got = [c.label for c in outlines[version] if c.label]
    assert got == source_labels(repo_root, version)


def test_auto_numbered_draft_has_no_typed_labels_yet_reads_the_same_labels(repo_root, outlines):
    path = repo_root / "drafts" / "v3.docx"
    numbering = zipfile.ZipFile(path).read("word/numbering.xml").decode()
    assert 'w:val="thaiNumbers"' in numbering and 'w:val="thaiLetters"' in numbering
    doc = read_docx(path)
    numbered = [p for p in doc.paragraphs() if p.label]
    assert len(numbered) >= 40
    assert all(parse_label(p.text) is None for p in numbered)  # the label is not in the text
    assert [c.label for c in outlines["v3"] if c.kind == "clause"][:3] == ["ข้อ ๑", "ข้อ ๒", "ข้อ ๓"]


@pytest.mark.parametrize("version", VERSIONS)
def test_clause_numbers_run_on_across_chapters_and_items_restart_per_clause(outlines, version):
    clauses = outlines[version]
    whole = [c.number for c in clauses if c.kind == "clause" and "/" not in c.number]
    assert [int(n) for n in whole] == list(range(1, len(whole) + 1))
    for i, c in enumerate(clauses):
        items = [d for d in clauses if d.kind == "item" and d.parent == i]
        assert [int(d.number) for d in items] == list(range(1, len(items) + 1))


def test_first_draft_paths_kinds_and_the_paragraphs_each_clause_owns(outlines):
    by_path = {c.path: c for c in outlines["v1"]}
    assert outlines["v1"][0].kind == "title" and outlines["v1"][1].kind == "preamble"
    assert outlines["v1"][-1].kind == "closing"
    assert by_path["หมวด 2/ส่วน 3/ข้อ 16/(2)/(ก)"].kind == "subitem"
    assert by_path["หมวด 2/ส่วน 3/ข้อ 16/(2)/(ก)"].label == "(ก)"
    assert by_path["หมวด 2/ส่วน 1/ข้อ 9"].kind == "clause"
    assert by_path["หมวด 2/ส่วน 1"].label == "ส่วนที่ ๑" and by_path["หมวด 2/ส่วน 1"].kind == "part"
    table = by_path["หมวด 3/ข้อ 26/ตาราง 1"]
    assert table.kind == "table" and table.text.split("\n")[:2] == ["หน่วยงาน", "หน้าที่ความรับผิดชอบ"]
    definitions = by_path["ข้อ 3"]
    assert definitions.text.startswith("ข้อ ๓ ในนโยบายนี้\n“สำนักงาน” หมายความว่า")
    assert definitions.body.startswith("ในนโยบายนี้")
    assert by_path["หมวด 1"].text.split("\n")[0] == "หมวด ๑"


def source_bodies(repo_root, version):
    """The first-line wording after each clause/item label in a draft's source (bold marks removed)."""
    text = (repo_root / "drafts" / "src" / f"{version}.txt").read_text(encoding="utf-8")
    out = []
    for line in text.split("\n---\n", 1)[1].splitlines():
        m = _LABELLED.match(line.strip())
        if m and not line.startswith(("หมวด", "ส่วนที่")):
            out.append(line.strip()[m.end():].strip().replace("**", ""))
    return out


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_clause_wording_without_its_label_is_the_source_wording(repo_root, outlines, version):
    # Typed (v2) and automatic (v3) numbering: either way the body is the words after the label.
    # The model keeps objects (footnote references, bookmarks) in the text as markers: the wording
    # is the text a person reads.
    got = [visible(c.body).split("\n")[0] for c in outlines[version] if c.kind in ("clause", "item", "subitem")]
    assert got == source_bodies(repo_root, version)


def test_outline_json_lists_clauses_with_the_contract_fields(repo_root):
    result = CliRunner().invoke(main, ["outline", str(repo_root / "drafts" / "v3.docx"), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"label", "number", "kind", "path", "text"} <= set(rows[0])
    row = next(r for r in rows if r["path"] == "หมวด 2/ส่วน 3/ข้อ 18/(2)/(ข)")
    assert row["label"] == "(ข)" and row["number"] == "ข" and row["kind"] == "subitem"
    assert row["text"].startswith("(ข) ")


def test_outline_prints_the_tree_indented(repo_root):
    result = CliRunner().invoke(main, ["outline", str(repo_root / "drafts" / "v1.docx")])
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert "หมวด ๑ วิสัยทัศน์ พันธกิจ และหลักการ" in lines  # a heading with its name (#15; was "หมวด ๑" alone)
    assert "        (ก) การประเมินความเสี่ยงของหน่วยงานทุกแห่ง" in lines  # หมวด/ส่วน/ข้อ/(๒)/(ก): depth 4


def test_reject_view_of_a_reviewed_copy_reads_the_draft_it_was_made_from(repo_root):
    base = [c.text for c in outline(read_docx(repo_root / "drafts" / "v1.docx"))]
    copy = repo_root / "comments" / "round1" / "plan.docx"
    rejected = [c.text for c in outline(read_docx(copy, view="reject"))]
    accepted = "\n".join(c.text for c in outline(read_docx(copy, view="accept")))
    assert rejected == base
    assert "และองค์กรปกครองส่วนท้องถิ่น" in accepted and "และองค์กรปกครองส่วนท้องถิ่น" not in "\n".join(base)


@pytest.mark.libreoffice
@pytest.mark.parametrize("version", ["v1", "v3"])
def test_a_draft_written_by_libreoffice_reads_the_same(repo_root, lo, tmp_path, version):
    from tests.libreoffice import convert

    src = repo_root / "drafts" / f"{version}.docx"
    odt = convert(src, "odt", tmp_path / "odt")
    back = convert(odt, "docx", tmp_path / "docx")
    ours = outline(read_docx(src))
    theirs = outline(read_docx(back))
    # LibreOffice writes thaiNumbers back as Arabic numbering: compare numbers, not digit scripts.
    assert [(c.kind, c.number, to_arabic(c.body)) for c in theirs] == [(c.kind, c.number, to_arabic(c.body)) for c in ours]


@pytest.mark.parametrize("version", ["v1", "v2", "v3", "v4"])
def test_a_title_over_two_paragraphs_is_one_title(repo_root, version):
    clauses = outline(read_docx(repo_root / "drafts" / f"{version}.docx"))
    title, preamble = clauses[0], clauses[1]
    assert (title.kind, preamble.kind) == ("title", "preamble")
    assert title.text == ("ประกาศสำนักงานเลขาธิการคณะกรรมการพัฒนาลุ่มน้ำแห่งชาติ\n"
                          "เรื่อง นโยบายการกำกับดูแลองค์การที่ดี")
    assert not preamble.text.startswith("เรื่อง")


@pytest.mark.parametrize("version", ["v1", "v2", "v3", "v4"])
def test_headings_carry_their_name_and_no_body_starts_with_a_line_break(repo_root, version):
    clauses = outline(read_docx(repo_root / "drafts" / f"{version}.docx"))
    names = {c.label: c.body for c in clauses if c.kind in ("chapter", "part")}
    assert names["หมวด ๑"] == "วิสัยทัศน์ พันธกิจ และหลักการ"
    assert names["ส่วนที่ ๔"] == "ด้านผู้ปฏิบัติงาน"
    assert [c.path for c in clauses if c.body.startswith("\n")] == []


def test_a_regulation_title_continues_on_its_second_line_and_the_preamble_follows(tmp_path):
    write_docx(tmp_path / "d.docx", ["ระเบียบสำนักงานว่าด้วยการลา", "ว่าด้วยการลา พ.ศ. ๒๕๕๒",
                                     "โดยที่เป็นการสมควรปรับปรุงระเบียบ", "ข้อ ๑ ระเบียบนี้ใช้บังคับ"])
    kinds = [(c.kind, c.text) for c in outline(read_docx(tmp_path / "d.docx"))]
    assert kinds[:2] == [("title", "ระเบียบสำนักงานว่าด้วยการลา\nว่าด้วยการลา พ.ศ. ๒๕๕๒"),
                         ("preamble", "โดยที่เป็นการสมควรปรับปรุงระเบียบ")]


def test_comments_json_new_clause_is_always_the_full_path_or_null(repo_root):
    result = CliRunner().invoke(main, ["comments", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--against",
                                       str(repo_root / "drafts" / "v2.docx"), "--json"])
    rows = json.loads(result.stdout)["annotations"]
    paths = {c.path for c in outline(read_docx(repo_root / "drafts" / "v2.docx"))}
    assert all(r["new_clause"] in paths or (r["new_clause"] is None and r["status"] in ("deleted", "orphan"))
               for r in rows)
    item = next(r for r in rows if r["id"] == "ict.docx#3")  # the item (๓) of ข้อ ๑๖, now ข้อ ๑๗
    assert (item["new_clause"], item["new_clause_label"]) == ("หมวด 2/ส่วน 3/ข้อ 17/(3)", "ข้อ ๑๗ (๓)")
    table = next(r for r in rows if r["id"] == "audit.docx#1")
    assert table["new_clause"] == "หมวด 3/ข้อ 26/ตาราง 1"
