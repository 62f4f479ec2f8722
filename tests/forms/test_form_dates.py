"""What a division gives in its form or copy is kept: the date and initials of each form row
(Thai or English headers, a Thai B.E. date as text or a date cell), and the initials of replies."""

import openpyxl
import pytest
from click.testing import CliRunner

from policydiff.cli import main
from policydiff.docx.reader import read_docx
from policydiff.forms import read_form


def test_the_example_csv_form_gives_each_row_its_thai_date_and_the_initials(repo_root):
    rows = read_form(repo_root / "comments" / "round1" / "legal-form.csv").value
    assert [(r.initials, r.date) for r in rows] == [("กม.", "2009-07-08T00:00:00Z")] * 2 + [
        ("กม.", "2009-07-09T00:00:00Z")] * 2 + [("กม.", "2009-07-10T00:00:00Z")]


def test_the_example_xlsx_form_gives_each_row_its_date_cell_and_the_initials(repo_root):
    rows = read_form(repo_root / "comments" / "round1" / "admin-form.xlsx").value
    assert {(r.initials, r.date[:10]) for r in rows} == {("สบก.", "2009-07-13"), ("สบก.", "2009-07-14")}


@pytest.mark.parametrize("header,value,expected", [
    ("วันที่", "๑๐ กรกฎาคม ๒๕๕๒", "2009-07-10T00:00:00Z"),
    ("Date", "2009-07-10T14:30:00Z", "2009-07-10T14:30:00Z"),
    ("วันที่เสนอ", "10/7/2552", "2009-07-10T00:00:00Z"),
])
def test_a_date_column_is_read_in_thai_or_english(tmp_path, header, value, expected):
    form = tmp_path / "กองคลัง-form.csv"
    form.write_text(f"ข้อ,ความเห็น,{header},อักษรย่อ\nข้อ ๕,ควรทบทวน,{value},กค.\n", encoding="utf-8")
    (row,) = read_form(form).value
    assert (row.date, row.initials) == (expected, "กค.")


def test_a_date_that_is_none_leaves_the_row_undated_with_a_warning(tmp_path):
    form = tmp_path / "กองคลัง-form.csv"
    form.write_text("ข้อ,ความเห็น,วันที่\nข้อ ๕,ควรทบทวน,สัปดาห์หน้า\n", encoding="utf-8")
    result = read_form(form)
    assert result.value[0].date == ""
    assert any("'สัปดาห์หน้า' in the date column is not a date" in w for w in result.messages)


def test_an_xlsx_without_date_or_initials_columns_still_reads(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(("Division", "Clause", "Comment"))
    wb.active.append(("กองคลัง", "ข้อ ๕", "ควรทบทวน"))
    wb.save(tmp_path / "f.xlsx")
    (row,) = read_form(tmp_path / "f.xlsx").value
    assert (row.date, row.initials) == ("", "")


@pytest.fixture(scope="module")
def consolidated_comments(repo_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("m") / "m.docx"
    result = CliRunner().invoke(main, ["merge", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return read_docx(out).comments


def test_form_comments_in_the_merged_copy_carry_the_forms_date_and_initials(consolidated_comments):
    legal = next(c for c in consolidated_comments if c.text.startswith("ควรกำหนดให้ชัดเจนว่าหน่วยงานใด"))
    assert (legal.author, legal.initials, legal.date) == ("กองกฎหมาย", "กม.", "2009-07-10T00:00:00Z")


def test_a_reply_keeps_its_initials(consolidated_comments):
    reply = next(c for c in consolidated_comments if c.author == "ผู้อำนวยการกองคลัง")
    assert reply.parent_id and reply.initials == "ผอ.กค."


def test_comments_json_gives_initials_of_annotations_and_replies(repo_root):
    import json

    result = CliRunner().invoke(main, ["comments", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--json"])
    anns = {a["id"]: a for a in json.loads(result.stdout)["annotations"]}
    assert anns["admin-form.xlsx#2"]["initials"] == "สบก."
    assert anns["finance.docx#1"]["replies"][0]["initials"] == "ผอ.กค."


def test_a_form_row_dated_after_the_round_is_late(repo_root, tmp_path):
    import json

    form = tmp_path / "กองคลัง-form.csv"
    form.write_text("ข้อ,ข้อความที่อ้างถึง,ความเห็น,วันที่\n"
                    "ข้อ ๑๒,มาตรฐานและคู่มือการให้บริการ,ควรเผยแพร่ทางเว็บไซต์,๑๐ ก.ค. ๒๕๕๒\n"
                    "ข้อ ๑๒,มาตรฐานและคู่มือการให้บริการ,ควรจัดทำเป็นภาษาอังกฤษด้วย,๑๖ ก.ค. ๒๕๕๒\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["comments", str(repo_root / "drafts" / "v1.docx"), str(form), "--json",
                                       "--round-from", "2009-06-30", "--round-to", "2009-07-14"])
    assert [a["late"] for a in json.loads(result.stdout)["annotations"]] == [False, True]
