"""Disposition tables out (CSV/XLSX, Thai headers and results) and the editor's edited copy back in."""

import csv
import io
import os
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from policydiff.errors import FormError
from policydiff.forms import Disposition, read_dispositions, write_dispositions

TABLE = (
    Disposition(1, "กรมบัญชีกลาง", "ข้อ ๕", "comment", "ระยะเวลาสามสิบวันสั้นเกินไปสำหรับหน่วยงานในส่วนภูมิภาค",
                "accepted", "ขยายเป็นหกสิบวันตามที่เสนอ", "a-0001"),
    Disposition(2, "กรมบัญชีกลาง", "ข้อ ๕", "proposal", "ภายในหกสิบวันนับแต่วันที่ได้รับแจ้ง",
                "partly accepted", "ใช้ \"หกสิบวัน\" แต่นับแต่วันที่ได้รับหนังสือ", "a-0002"),
    Disposition(3, "สำนักงบประมาณ", "ข้อ ๘ (๓)", "comment", "ควรตัดอนุมาตรานี้ออก", "not accepted",
                "จำเป็นต่อการควบคุมงบประมาณ", "a-0003"),
    Disposition(4, "สำนักงาน ก.พ.", "หมวด ๒", "comment", "เห็นด้วยในหลักการ", "noted", "", "a-0004"),
    Disposition(5, "กรมสรรพากร", "ข้อ ๑๒", "proposal", "=ข้อความที่ขึ้นต้นด้วยเครื่องหมายเท่ากับ", "", "", "a-0005"),
)
HEADER = ["ลำดับ (no.)", "หน่วยงาน (division)", "ข้อ (clause)", "ประเภท (kind)", "ความเห็น/ข้อเสนอ (text)",
          "ผลการพิจารณา (result)", "เหตุผล (reason)", "รหัส (id)"]


def csv_rows(path: Path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_csv_is_utf8_with_bom_thai_headers_and_thai_results(tmp_path):
    out = tmp_path / "ผลการพิจารณา.csv"
    write_dispositions(out, TABLE)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_rows(out)
    assert rows[0] == HEADER
    assert [r[5] for r in rows[1:]] == ["รับ", "รับบางส่วน", "ไม่รับ", "รับทราบ", ""]
    assert [r[3] for r in rows[1:3]] == ["ความเห็น", "ข้อเสนอแก้ไข"]
    assert rows[5][4] == "'=ข้อความที่ขึ้นต้นด้วยเครื่องหมายเท่ากับ"  # not run as a formula by a spreadsheet


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_gives_back_the_same_dispositions(tmp_path, suffix):
    out = tmp_path / f"table{suffix}"
    write_dispositions(out, TABLE, title="ตารางสรุปผลการพิจารณาความเห็นต่อร่างระเบียบ (ร่าง ๒)")
    read = read_dispositions(out)
    rows, warnings = read.value, read.messages
    assert rows == TABLE
    assert warnings == (f"table{suffix}: 1 of 5 rows have no result yet",)
    read = read_dispositions(out, expected=TABLE)
    rows, warnings = read.value, read.messages
    assert rows == TABLE


def test_xlsx_stores_text_starting_with_equals_as_text_not_a_formula(tmp_path):
    out = tmp_path / "t.xlsx"
    write_dispositions(out, TABLE)
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    ws = openpyxl.load_workbook(out).active
    assert ws["E6"].value == "=ข้อความที่ขึ้นต้นด้วยเครื่องหมายเท่ากับ"
    assert ws["E6"].data_type == "s"
    assert [c.value for c in ws[1]] == HEADER
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_same_rows_give_the_same_bytes(tmp_path, suffix):
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    write_dispositions(a, TABLE, title="ตาราง")
    write_dispositions(b, TABLE, title="ตาราง")
    assert a.read_bytes() == b.read_bytes()


def edited_csv(path: Path, rows) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return path


def test_editors_results_in_thai_or_english_are_matched_by_id(tmp_path):
    # The editor re-sorted the table, renumbered it, dropped the text column and typed results freely.
    edited = edited_csv(tmp_path / "edited.csv", [
        ["รหัส (id)", "ลำดับ", "ผลการพิจารณา", "เหตุผล"],
        ["a-0003", "1", "ไม่เห็นชอบ", "จำเป็นต่อการควบคุม"],
        ["a-0001", "2", "เห็นชอบ", "ตามที่เสนอ"],
        ["a-0005", "3", "Partly accepted", "ปรับถ้อยคำ"],
        ["a-0004", "4", "รับทราบ (noted)", ""],
        ["a-0002", "5", "รอพิจารณา", ""],
    ])
    read = read_dispositions(edited, expected=TABLE)
    rows, warnings = read.value, read.messages
    assert [(d.number, d.key, d.result, d.reason) for d in rows] == [
        (1, "a-0001", "accepted", "ตามที่เสนอ"),
        (2, "a-0002", "", ""),
        (3, "a-0003", "not accepted", "จำเป็นต่อการควบคุม"),
        (4, "a-0004", "noted", ""),
        (5, "a-0005", "partly accepted", "ปรับถ้อยคำ"),
    ]
    assert rows[0].text == TABLE[0].text  # the expected row's content, with the file's decision
    assert warnings == (
        "edited.csv: row 6: unknown result 'รอพิจารณา'; taken as undecided (use รับ, รับบางส่วน, ไม่รับ or รับทราบ)",
        "edited.csv: 1 of 5 rows have no result yet",
    )


def test_without_an_id_column_rows_match_by_number(tmp_path):
    edited = edited_csv(tmp_path / "e.csv", [
        ["", "ตารางผลการพิจารณา"],
        ["ลำดับ (no.)", "ผลการพิจารณา (result)", "เหตุผล (reason)"],
        ["๓", "ไม่รับ", "ขัดกับกฎหมายแม่บท"],
        ["1", "รับ", ""],
    ])
    read = read_dispositions(edited, expected=TABLE[:3])
    rows, warnings = read.value, read.messages
    assert [(d.key, d.result, d.reason) for d in rows] == [
        ("a-0001", "accepted", ""), ("a-0003", "not accepted", "ขัดกับกฎหมายแม่บท")]
    assert warnings == ("e.csv: 1 row of the table is missing from the file (no. 2)",)


def test_unknown_id_falls_back_to_the_number_with_a_warning(tmp_path):
    edited = edited_csv(tmp_path / "e.csv", [
        ["id", "no.", "result"],
        ["zz-9", "2", "accepted"],
        ["zz-8", "9", "accepted"],
        ["a-0002", "2", "noted"],
    ])
    read = read_dispositions(edited, expected=TABLE[:2])
    rows, warnings = read.value, read.messages
    assert [(d.key, d.result) for d in rows] == [("a-0002", "accepted")]
    assert warnings == (
        "e.csv: row 2: id 'zz-9' is not in the table; matched by no. 2",
        "e.csv: row 3: id 'zz-8' is not in the table; row ignored",
        "e.csv: row 4: no. 2 appears twice; the first row was used",
        "e.csv: 1 row of the table is missing from the file (no. 1)",
    )


def test_an_edited_xlsx_with_results_typed_by_the_editor_reads_back(tmp_path):
    out = tmp_path / "t.xlsx"
    write_dispositions(out, TABLE)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    ws["F6"] = "รับบางส่วน"
    ws["G6"] = "ปรับตามความเห็น"
    ws.insert_rows(1)
    ws["A1"] = "ฉบับแก้ไขโดยฝ่ายเลขานุการ"
    wb.save(out)
    read = read_dispositions(out, expected=TABLE)
    rows, warnings = read.value, read.messages
    assert rows[4] == replace(TABLE[4], result="partly accepted", reason="ปรับตามความเห็น")
    assert rows[:4] == TABLE[:4]
    assert warnings == ()


def test_a_table_without_a_result_column_is_a_form_error(tmp_path):
    edited = edited_csv(tmp_path / "e.csv", [["รหัส (id)", "ลำดับ (no.)"], ["a-0001", "1"]])
    with pytest.raises(FormError, match=r"has no ผลการพิจารณา \(result\) column"):
        read_dispositions(edited)


def test_invalid_rows_fail_before_anything_is_written(tmp_path):
    out = tmp_path / "t.csv"
    write_dispositions(out, TABLE)
    before = out.read_bytes()
    with pytest.raises(ValueError, match="unknown result 'maybe'"):
        write_dispositions(out, [replace(TABLE[0], result="maybe")])
    assert out.read_bytes() == before
    assert os.listdir(tmp_path) == ["t.csv"]


def test_an_unsupported_extension_is_refused(tmp_path):
    with pytest.raises(FormError, match=r"cannot write a disposition table as '\.ods'"):
        write_dispositions(tmp_path / "t.ods", TABLE)
    assert not (tmp_path / "t.ods").exists()


def _calc_available() -> bool:
    soffice = shutil.which("soffice")
    return bool(soffice) and any(Path(p).exists() for p in (
        "/usr/lib/libreoffice/program/libscfiltlo.so", "/usr/lib/libreoffice/program/libsclo.so"))


@pytest.mark.libreoffice
def test_libreoffice_calc_reads_the_xlsx_as_written(tmp_path):
    if not _calc_available():
        from tests.libreoffice import ci_enabled

        if ci_enabled():
            pytest.fail("CI must run this test: .ci/run installs libreoffice-calc")
        pytest.skip("needs LibreOffice Calc")
    out = tmp_path / "t.xlsx"
    write_dispositions(out, TABLE, title="ตารางสรุปผลการพิจารณา")
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path / "out"), str(out)],
        check=True, capture_output=True, timeout=180, start_new_session=True)
    rows = csv_rows(tmp_path / "out" / "t.csv")
    assert rows[0][0] == "ตารางสรุปผลการพิจารณา"
    assert rows[1] == HEADER
    assert rows[2] == ["1", "กรมบัญชีกลาง", "ข้อ ๕", "ความเห็น", TABLE[0].text, "รับ", TABLE[0].reason, "a-0001"]
    assert rows[6][4] == "=ข้อความที่ขึ้นต้นด้วยเครื่องหมายเท่ากับ"
