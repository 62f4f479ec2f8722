"""Comment forms in: CSV (UTF-8, BOM, Windows-874) and XLSX, Thai and English headers, clause refs."""

import ast
import datetime as dt
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import policydiff.forms.commentform as commentform
import policydiff.forms.tabular as tabular
import policydiff.forms.xlsxread as xlsxread
from policydiff.errors import FormError
from policydiff.forms import FormRow, parse_clause_ref, path_matches, read_form, split_path
from policydiff.forms.clauseref import join_path

THAI_HEADER = "หน่วยงาน,ข้อ,ข้อความที่อ้างถึง,ความเห็น,ข้อความที่เสนอ,ประเภท\r\n"
THAI_ROWS = (
    "กรมบัญชีกลาง,ข้อ ๕,ภายในสามสิบวัน,ระยะเวลาสั้นเกินไปสำหรับหน่วยงานในส่วนภูมิภาค,"
    "ภายในหกสิบวัน,เชิงเทคนิค\r\n"
    "กรมบัญชีกลาง,หมวด ๒ ข้อ ๘,,ควรใช้คำว่า \"ส่วนราชการ\" ให้สอดคล้องกับข้อ ๓,,แก้ไขถ้อยคำ\r\n"
    ",,,,,\r\n"
    "สำนักงบประมาณ,(๓) ของข้อ ๕,\"คณะกรรมการ, หรือผู้ที่ได้รับมอบหมาย\",เห็นด้วยในหลักการ,,\r\n"
)


def write_text(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_bom_and_thai_headers_reads_every_field(tmp_path):
    form = write_text(tmp_path / "round1.csv", THAI_HEADER + THAI_ROWS, "utf-8-sig")
    result = read_form(form)
    assert result.value == (
        FormRow("round1.csv", 2, "กรมบัญชีกลาง", "ข้อ ๕", "ข้อ 5", "ภายในสามสิบวัน",
                "ระยะเวลาสั้นเกินไปสำหรับหน่วยงานในส่วนภูมิภาค", "ภายในหกสิบวัน", "technical"),
        FormRow("round1.csv", 3, "กรมบัญชีกลาง", "หมวด ๒ ข้อ ๘", "หมวด 2/ข้อ 8", "",
                'ควรใช้คำว่า "ส่วนราชการ" ให้สอดคล้องกับข้อ ๓', "", "editorial"),
        FormRow("round1.csv", 5, "สำนักงบประมาณ", "(๓) ของข้อ ๕", "ข้อ 5/(3)",
                "คณะกรรมการ, หรือผู้ที่ได้รับมอบหมาย", "เห็นด้วยในหลักการ", "", "general"),
    )
    assert result.messages == ()


def test_csv_in_windows_874_is_read_with_a_warning(tmp_path):
    form = write_text(tmp_path / "กองกฎหมาย-form.csv", THAI_HEADER + THAI_ROWS, "cp874")
    result = read_form(form)
    assert [r.comment for r in result.value] == [
        "ระยะเวลาสั้นเกินไปสำหรับหน่วยงานในส่วนภูมิภาค",
        'ควรใช้คำว่า "ส่วนราชการ" ให้สอดคล้องกับข้อ ๓',
        "เห็นด้วยในหลักการ",
    ]
    assert [r.clause_path for r in result.value] == ["ข้อ 5", "หมวด 2/ข้อ 8", "ข้อ 5/(3)"]
    assert len(result.messages) == 1
    assert "Windows-874/TIS-620" in result.messages[0]


def test_csv_in_tis_620_reads_like_windows_874(tmp_path):
    form = write_text(tmp_path / "f.csv", THAI_HEADER + THAI_ROWS, "tis_620")
    assert read_form(form).value[0].division == "กรมบัญชีกลาง"


def test_csv_neither_utf8_nor_thai_is_a_form_error(tmp_path):
    form = tmp_path / "f.csv"
    # 0x81..0x84 are unassigned in Windows-874 and cannot start a UTF-8 sequence.
    form.write_bytes("ข้อ,ความเห็น\n".encode() + b"5,\x81\x82\x83\x84\n")
    with pytest.raises(FormError, match="is neither UTF-8 nor Thai Windows-874/TIS-620 text"):
        read_form(form)


def test_csv_with_nul_bytes_is_not_text(tmp_path):
    form = tmp_path / "f.csv"
    form.write_bytes(b"\x00\x01\x02binary" * 10)
    with pytest.raises(FormError, match="NUL bytes"):
        read_form(form)


def test_tab_and_semicolon_separated_forms_are_read(tmp_path):
    tsv = write_text(tmp_path / "a.txt", "หน่วยงาน\tข้อ\tความเห็น\nกรมการปกครอง\tข้อ ๗\tตัดวรรคสอง\n", "utf-16")
    ssv = write_text(tmp_path / "b.csv", "Division;Clause;Comment\nกรมการปกครอง;7;ตัดวรรคสอง\n", "utf-8")
    for form in (tsv, ssv):
        (row,) = read_form(form).value
        assert (row.division, row.clause_path, row.comment) == ("กรมการปกครอง", "ข้อ 7", "ตัดวรรคสอง")


def english_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "คำอธิบาย"
    notes.append(["กรอกความเห็นในแผ่นงานถัดไป"])
    ws = wb.create_sheet("Comments")
    ws.append(["Comments on the draft regulation, round 2"])
    ws.append([])
    ws.append(["No.", "Division", "Clause", "Quoted text", "Comment", "Proposed wording", "Type"])
    ws.append([1, "สำนักงาน ก.พ.", 5, "ภายในสามสิบวัน", "Too short for provincial offices", "ภายในหกสิบวัน", "technical"])
    ws.append([2, "สำนักงาน ก.พ.", "ข้อ ๕/๑ (๒)", None, "ควรระบุผู้มีอำนาจอนุมัติ", None, "ED"])
    ws.append([None, None, None, None, None, None, None])
    ws.append([3, "สำนักงาน ก.พ.", "Chapter 2, Clause 8", None, "Define 'ส่วนราชการ'", None, "General"])
    wb.save(path)
    return path


def test_xlsx_with_english_headers_below_a_title_row(tmp_path):
    result = read_form(english_workbook(tmp_path / "ocsc.xlsx"))
    assert result.value == (
        FormRow("ocsc.xlsx", 4, "สำนักงาน ก.พ.", "5", "ข้อ 5", "ภายในสามสิบวัน",
                "Too short for provincial offices", "ภายในหกสิบวัน", "technical"),
        FormRow("ocsc.xlsx", 5, "สำนักงาน ก.พ.", "ข้อ ๕/๑ (๒)", "ข้อ 5/1/(2)", "",
                "ควรระบุผู้มีอำนาจอนุมัติ", "", "editorial"),
        FormRow("ocsc.xlsx", 7, "สำนักงาน ก.พ.", "Chapter 2, Clause 8", "หมวด 2/ข้อ 8", "",
                "Define 'ส่วนราชการ'", "", "general"),
    )
    assert result.messages == ()


def test_xlsx_with_a_wrong_dimension_record_is_read_to_the_end(tmp_path):
    path = english_workbook(tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:G7"/>', b'<dimension ref="A1:G3"/>')
    assert b'ref="A1:G3"' in parts[sheet]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert [r.row for r in read_form(path).value] == [4, 5, 7]


def test_xlsx_clause_typed_as_5_1_that_excel_made_a_date_reads_back_as_5_1(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ข้อ", "ความเห็น", "หน่วยงาน"])
    ws.append([dt.datetime(2024, 1, 5), "ข้อ ๕/๑ ซ้ำกับข้อ ๙", "กรมสรรพากร"])
    wb.save(tmp_path / "f.xlsx")
    result = read_form(tmp_path / "f.xlsx")
    assert [(r.clause_ref, r.clause_path) for r in result.value] == [("5/1", "ข้อ 5/1")]
    assert result.messages == ("f.xlsx: row 2: the clause cell holds a date; read it as '5/1' "
                               "(format the column as text)",)


def test_a_second_sheet_that_is_also_a_form_is_reported(tmp_path):
    wb = openpyxl.Workbook()
    for title in ("กรมสรรพากร", "กรมศุลกากร"):
        ws = wb.create_sheet(title)
        ws.append(["ข้อ", "ความเห็น"])
        ws.append(["ข้อ ๑", f"ความเห็นของ{title}"])
    wb.remove(wb["Sheet"])
    wb.save(tmp_path / "two.xlsx")
    result = read_form(tmp_path / "two.xlsx")
    assert [r.comment for r in result.value] == ["ความเห็นของกรมสรรพากร"]
    assert any("sheet 'กรมศุลกากร' also looks like a comment form" in w for w in result.messages)


@pytest.mark.parametrize(
    "ref, path",
    [
        ("ข้อ ๕", "ข้อ 5"),
        ("5", "ข้อ 5"),
        ("ข้อ 5/1", "ข้อ 5/1"),
        ("ข้อ ๕/๑", "ข้อ 5/1"),
        ("ข้อที่ 12", "ข้อ 12"),
        ("หมวด ๒ ข้อ ๘", "หมวด 2/ข้อ 8"),
        ("ข้อ ๘ หมวด ๒", "หมวด 2/ข้อ 8"),
        ("ข้อ 5 ในหมวด 2", "หมวด 2/ข้อ 5"),
        ("ส่วนที่ ๑ ข้อ ๓", "ส่วน 1/ข้อ 3"),
        ("ข้อ ๕ (๓)", "ข้อ 5/(3)"),
        ("ข้อ ๕(๓)(ก)", "ข้อ 5/(3)/(ก)"),
        ("(๓) ของข้อ ๕", "ข้อ 5/(3)"),
        ("(ก) ของ (๓) ของข้อ ๕", "ข้อ 5/(3)/(ก)"),
        ("ข้อย่อย (๒) ของข้อ ๔", "ข้อ 4/(2)"),
        ("ข้อ ๕ วรรคสอง", "ข้อ 5"),
        ("วรรคแรกของข้อ ๑๐", "ข้อ 10"),
        ("มาตรา ๑๒ (๑)", "ข้อ 12/(1)"),
        ("Clause 5(3)", "ข้อ 5/(3)"),
        ("Section 12", "ข้อ 12"),
        ("Chapter 2, Clause 8", "หมวด 2/ข้อ 8"),
        ("หมวด 2/ข้อ 5/1/(3)", "หมวด 2/ข้อ 5/1/(3)"),
        ("ข้อ\u00a0๕ ", "ข้อ 5"),
        ("ทั้งฉบับ", ""),
        ("ภาพรวม", ""),
    ],
)
def test_clause_references_as_divisions_write_them(ref, path):
    assert parse_clause_ref(ref) == path


@pytest.mark.parametrize(
    "ref", ["ข้อความ", "ข้อ 5 และข้อ 6", "ข้อ 5-7", "ข้อ 5, ข้อ 6", "(3)", "วรรคสอง", "5.1", "หน้า 3", ""]
)
def test_clause_references_that_name_no_single_clause_are_none(ref):
    assert parse_clause_ref(ref) is None


def test_split_path_keeps_inserted_numbers_whole():
    assert split_path("หมวด 2/ข้อ 5/1/(3/1)/(ก)") == (
        ("หมวด", "2"), ("ข้อ", "5/1"), ("(", "3/1"), ("(", "ก"))


@pytest.mark.parametrize(
    "ref, clause, expected",
    [
        ("ข้อ 8", "หมวด 2/ส่วน 1/ข้อ 8", True),
        ("หมวด 2/ข้อ 8", "หมวด 2/ส่วน 1/ข้อ 8", True),
        ("หมวด 3/ข้อ 8", "หมวด 2/ข้อ 8", False),
        ("ข้อ 8", "หมวด 2/ข้อ 8/(1)", False),
        ("ข้อ 5", "ข้อ 5/1", False),
        ("ข้อ 5/1", "หมวด 1/ข้อ 5/1", True),
        ("ข้อ 5/(3)", "หมวด 1/ข้อ 5/(3)", True),
        ("ข้อ 5/(3)", "หมวด 1/ข้อ 5/(4)", False),
        ("ข้อ 5", "หมวด 1/ข้อ 5#2", True),  # a draft that repeats a number: both candidates match
        ("", "", True),
        ("", "ข้อ 1", False),
        (None, "ข้อ 1", False),
    ],
)
def test_path_matches_a_clause_named_by_its_tail(ref, clause, expected):
    assert path_matches(ref, clause) is expected


@given(
    chapter=st.one_of(st.none(), st.integers(1, 30)),
    clause=st.from_regex(r"[1-9][0-9]{0,2}(/[1-9])?", fullmatch=True),
    items=st.lists(st.one_of(st.integers(1, 40).map(str), st.sampled_from("กขคงจ")), max_size=2),
)
def test_a_clause_path_written_out_in_thai_digits_parses_back_to_itself(chapter, clause, items):
    parts = ([("หมวด", str(chapter))] if chapter else []) + [("ข้อ", clause)] + [("(", i) for i in items]
    path = join_path(parts)
    thai = path.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")).replace("/(", " (")
    assert parse_clause_ref(path) == path
    assert parse_clause_ref(thai) == path
    assert path_matches(path, "ส่วน 9/" + path if not chapter else path)


def test_missing_comment_column_is_a_form_error_naming_it(tmp_path):
    form = write_text(tmp_path / "f.csv", "หน่วยงาน,ข้อ,ข้อเสนอ\nกรมสรรพากร,ข้อ ๑,ตัดออก\n", "utf-8")
    with pytest.raises(FormError) as e:
        read_form(form)
    assert str(e.value) == f"{form}: has no ความเห็น (Comment) column"


def test_missing_clause_and_division_columns_are_named_together(tmp_path):
    form = write_text(tmp_path / "form.csv", "ความเห็น,ประเภท\nตัดออก,ทั่วไป\n", "utf-8")
    with pytest.raises(FormError) as e:
        read_form(form)
    assert str(e.value) == (f"{form}: has no หน่วยงาน (Division) and ข้อ (Clause) columns, "
                            "and its file name does not name the division")


def test_division_comes_from_the_file_name_when_the_column_is_missing(tmp_path):
    form = write_text(tmp_path / "กรมสรรพากร-form.csv", "ข้อ,ความเห็น\nข้อ ๑,ควรกำหนดวันใช้บังคับ\n", "utf-8")
    result = read_form(form)
    assert [r.division for r in result.value] == ["กรมสรรพากร"]
    assert result.messages == ("กรมสรรพากร-form.csv: has no หน่วยงาน (Division) column; "
                               "took 'กรมสรรพากร' from the file name",)


def test_no_header_in_the_first_ten_rows_is_a_form_error(tmp_path):
    form = write_text(tmp_path / "f.csv", "ชื่อ,อายุ\nสมชาย,40\n", "utf-8")
    with pytest.raises(FormError, match="has no header row in its first 10 rows"):
        read_form(form)


def test_unreadable_clause_ref_warns_and_keeps_the_row_unplaced(tmp_path):
    form = write_text(tmp_path / "f.csv",
                      "หน่วยงาน,ข้อ,ความเห็น\nกรมสรรพากร,ข้อ ๓ และข้อ ๔,ซ้ำซ้อนกัน\nกรมสรรพากร,,ไม่ระบุข้อ\n",
                      "utf-8")
    result = read_form(form)
    assert [(r.row, r.clause_ref, r.clause_path, r.comment) for r in result.value] == [
        (2, "ข้อ ๓ และข้อ ๔", None, "ซ้ำซ้อนกัน"),
        (3, "", None, "ไม่ระบุข้อ"),
    ]
    assert result.messages == (
        "f.csv: row 2: clause reference 'ข้อ ๓ และข้อ ๔' cannot be read; the comment is kept unplaced",
        "f.csv: row 3: no clause reference; the comment is kept unplaced",
    )


def test_comment_types_in_thai_english_and_abbreviated(tmp_path):
    rows = ["ทั่วไป", "ด้านเทคนิค", "เชิงเทคนิค", "ถ้อยคำ", "แก้ไขถ้อยคำ", "Technical", "ed", "", "อื่น ๆ"]
    text = "หน่วยงาน,ข้อ,ความเห็น,ประเภท\n" + "".join(f"ก,ข้อ {i},ค,{t}\n" for i, t in enumerate(rows, 1))
    result = read_form(write_text(tmp_path / "f.csv", text, "utf-8"))
    assert [r.type for r in result.value] == [
        "general", "technical", "technical", "editorial", "editorial", "technical", "editorial", "general", "general"]
    assert result.messages == ("f.csv: row 10: unknown comment type 'อื่น ๆ'; taken as general",)


def test_row_warnings_are_capped_with_a_count_of_the_rest(tmp_path):
    text = "หน่วยงาน,ข้อ,ความเห็น\n" + "ก,ไม่มีข้อ,ค\n" * 50
    result = read_form(write_text(tmp_path / "f.csv", text, "utf-8"))
    assert len(result.value) == 50
    assert len(result.messages) == 21
    assert result.messages[-1] == "30 more rows with an unreadable clause reference (first 20 listed)"


def test_repeated_header_rows_and_blank_rows_are_skipped(tmp_path):
    text = "ข้อ,ความเห็น,หน่วยงาน\nข้อ ๑,ก,ข\n\n,,\nข้อ,ความเห็น,หน่วยงาน\nข้อ ๒,ค,ง\n"
    result = read_form(write_text(tmp_path / "f.csv", text, "utf-8"))
    assert [(r.row, r.clause_path) for r in result.value] == [(2, "ข้อ 1"), (6, "ข้อ 2")]


def test_100k_row_csv_reads_in_seconds(tmp_path):
    form = tmp_path / "กรมบัญชีกลาง-form.csv"
    refs = ["ข้อ ๕", "หมวด ๒ ข้อ ๑๒ (๓)", "ข้อ ๗/๑", "(ก) ของ (๒) ของข้อ ๙", "ข้อ 40"]
    with open(form, "w", encoding="utf-8-sig", newline="") as f:
        f.write("หน่วยงาน,ข้อ,ข้อความที่อ้างถึง,ความเห็น,ข้อความที่เสนอ,ประเภท\r\n")
        for i in range(100_000):
            f.write(f"กรมบัญชีกลาง,{refs[i % 5]},ภายในสามสิบวัน,ความเห็นที่ {i} ควรขยายระยะเวลา,"
                    f"ภายในหกสิบวัน,ด้านเทคนิค\r\n")
    start = time.perf_counter()
    result = read_form(form)
    elapsed = time.perf_counter() - start
    print(f"\n100,000-row CSV ({form.stat().st_size:,} bytes) read in {elapsed:.2f} s")
    assert len(result.value) == 100_000
    assert result.value[-1] == FormRow(form.name, 100_001, "กรมบัญชีกลาง", "ข้อ 40", "ข้อ 40", "ภายในสามสิบวัน",
                                      "ความเห็นที่ 99999 ควรขยายระยะเวลา", "ภายในหกสิบวัน", "technical")
    assert result.value[3].clause_path == "ข้อ 9/(2)/(ก)"
    assert result.messages == ()
    assert elapsed < 30  # generous: a gross regression, not a benchmark


def test_rows_beyond_the_cap_are_a_form_error(tmp_path, monkeypatch):
    monkeypatch.setattr(commentform, "MAX_ROWS", 5)
    text = "หน่วยงาน,ข้อ,ความเห็น\n" + "ก,ข้อ ๑,ค\n" * 6
    with pytest.raises(FormError, match="has more than 5 comment rows"):
        read_form(write_text(tmp_path / "f.csv", text, "utf-8"))


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    form = write_text(tmp_path / "f.csv", "หน่วยงาน,ข้อ,ความเห็น\n" + "ก,ข้อ ๑,ค\n" * 20, "utf-8")
    with pytest.raises(FormError, match="is larger than the .* limit"):
        read_form(form)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"this is plain text, not a workbook", "is not a spreadsheet (.xlsx)"),
        (b"", "is not a spreadsheet (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "old .xls file or a password-protected workbook"),
        (b"PK\x03\x04garbage", "is not a spreadsheet (.xlsx): damaged zip package"),
    ],
)
def test_an_xlsx_that_is_not_a_spreadsheet_is_a_form_error(tmp_path, content, problem):
    path = tmp_path / "f.xlsx"
    path.write_bytes(content)
    with pytest.raises(FormError, match=problem.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_form(path)


def zip_parts(path: Path, parts: dict) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_word_document_named_xlsx_is_not_a_spreadsheet(tmp_path):
    path = zip_parts(tmp_path / "f.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    with pytest.raises(FormError, match=r"is not a spreadsheet \(\.xlsx\): it is a Word document"):
        read_form(path)


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path):
    path = zip_parts(tmp_path / "bomb.xlsx", {"[Content_Types].xml": b"<Types/>",
                                              "xl/worksheets/sheet1.xml": b"\0" * (8 * 1024 * 1024)})
    with pytest.raises(FormError, match=r"part 'xl/worksheets/sheet1.xml' is compressed \d[\d,]*:1"):
        read_form(path)


def test_a_package_unpacking_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 1000)
    path = english_workbook(tmp_path / "f.xlsx")
    with pytest.raises(FormError, match="unpacks to [0-9,]+ bytes"):
        read_form(path)


def test_a_doctype_in_a_workbook_part_is_refused(tmp_path):
    path = english_workbook(tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<workbook", b'<!-- x --><!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]><workbook', 1)
    assert b"<!DOCTYPE" in parts["xl/workbook.xml"]
    with pytest.raises(FormError, match="is not a safe spreadsheet: a part declares a DOCTYPE or entities"):
        read_form(zip_parts(path, parts))


def test_an_xlsx_saved_under_a_csv_name_is_read_as_a_workbook(tmp_path):
    path = english_workbook(tmp_path / "ocsc.xlsx")
    renamed = path.rename(tmp_path / "ocsc.csv")
    result = read_form(renamed)
    assert len(result.value) == 3
    assert result.messages[0] == "ocsc.csv: is an Excel workbook despite its '.csv' name; read it as .xlsx"


def test_unsupported_and_missing_files_are_form_errors(tmp_path):
    (tmp_path / "f.ods").write_bytes(b"x")
    with pytest.raises(FormError, match="unsupported type '.ods'"):
        read_form(tmp_path / "f.ods")
    with pytest.raises(FormError, match="does not exist"):
        read_form(tmp_path / "absent.csv")


def test_forms_package_imports_neither_lxml_nor_python_docx():
    forms = Path(commentform.__file__).parent
    for module in forms.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not names & {"lxml", "docx"}, module.name


# A package written by hand the way Excel writes one: shared strings with rich-text and phonetic
# runs, _xHHHH_ escapes, a prefixed namespace, the 1904 date system, a cached formula result.
# The reader matches local names and relationship-type endings only, so placeholder URIs serve.
EXCEL_LIKE = {
    "[Content_Types].xml": '<Types xmlns="urn:test:ct"/>',
    "_rels/.rels": '<Relationships xmlns="urn:test:pr"><Relationship Id="rId1" Type="urn:test:rel/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<x:workbook xmlns:x="urn:test:main" xmlns:r="urn:test:r"><x:workbookPr date1904="1"/>'
                       '<x:sheets><x:sheet name="ความเห็น" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="urn:test:pr">'
                                  '<Relationship Id="rId1" Type="urn:test:rel/worksheet" Target="worksheets/s1.xml"/>'
                                  '<Relationship Id="rId2" Type="urn:test:rel/sharedStrings" Target="/xl/strings.xml"/>'
                                  '<Relationship Id="rId3" Type="urn:test:rel/styles" Target="styles.xml"/>'
                                  '</Relationships>',
    "xl/strings.xml": '<x:sst xmlns:x="urn:test:main"><x:si><x:t>หน่วยงาน</x:t></x:si><x:si><x:t>ข้อ</x:t></x:si>'
                      '<x:si><x:t>ความเห็น</x:t></x:si>'
                      '<x:si><x:r><x:t>ควรแก้ไข</x:t></x:r><x:r><x:rPr><x:b/></x:rPr>'
                      '<x:t xml:space="preserve"> ถ้อยคำ_x000D_\nบรรทัดสอง</x:t></x:r>'
                      '<x:rPh sb="0" eb="1"><x:t>PHONETIC</x:t></x:rPh></x:si>'
                      '<x:si><x:t>กรมสรรพากร</x:t></x:si></x:sst>',
    "xl/styles.xml": '<x:styleSheet xmlns:x="urn:test:main"><x:numFmts count="1">'
                     '<x:numFmt numFmtId="165" formatCode="0.00&quot; บาท&quot;"/></x:numFmts>'
                     '<x:cellStyleXfs><x:xf numFmtId="14"/></x:cellStyleXfs>'
                     '<x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="14"/><x:xf numFmtId="165"/></x:cellXfs>'
                     '</x:styleSheet>',
    "xl/worksheets/s1.xml": '<x:worksheet xmlns:x="urn:test:main"><x:sheetData>'
                            '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
                            '<x:c r="C1" t="s"><x:v>2</x:v></x:c></x:row>'
                            '<x:row r="3"><x:c r="A3" t="s"><x:v>4</x:v></x:c><x:c r="B3" s="1"><x:v>{serial}</x:v>'
                            '</x:c><x:c r="C3" t="s"><x:v>3</x:v></x:c></x:row>'
                            '<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:t>กรม&amp;กอง</x:t></x:is></x:c>'
                            '<x:c r="B4" s="2"><x:v>7</x:v></x:c><x:c r="C4" t="str"><x:f>A4&amp;"!"</x:f>'
                            '<x:v>ผลของสูตร</x:v></x:c></x:row>'
                            '<x:row><x:c t="s"><x:v>4</x:v></x:c><x:c><x:v>8</x:v></x:c><x:c/>'
                            '<x:c t="inlineStr"><x:is><x:t>ไม่มีเลขเซลล์</x:t></x:is></x:c></x:row>'
                            '</x:sheetData></x:worksheet>',
}


def test_an_excel_style_package_with_shared_rich_strings_and_1904_dates(tmp_path):
    parts = dict(EXCEL_LIKE)
    serial = (dt.date(2024, 1, 5) - dt.date(1904, 1, 1)).days
    parts["xl/worksheets/s1.xml"] = parts["xl/worksheets/s1.xml"].replace("{serial}", str(serial))
    path = zip_parts(tmp_path / "excel.xlsx", {k: v.encode() for k, v in parts.items()})
    result = read_form(path)
    assert [(r.row, r.division, r.clause_ref, r.clause_path, r.comment) for r in result.value] == [
        (3, "กรมสรรพากร", "5/1", "ข้อ 5/1", "ควรแก้ไข ถ้อยคำ\nบรรทัดสอง"),
        (4, "กรม&กอง", "7", "ข้อ 7", "ผลของสูตร"),
    ]
    assert result.messages[0] == ("excel.xlsx: row 3: the clause cell holds a date; read it as '5/1' "
                                  "(format the column as text)")
    assert result.messages[1] == "excel.xlsx: row 5: no comment or proposed wording; row skipped"
    with zipfile.ZipFile(path) as z:
        book = xlsxread.Workbook(z)
        rows = dict(book.rows(book.sheets[0][1]))
    assert rows[5] == ("กรมสรรพากร", 8, None, "ไม่มีเลขเซลล์")  # cells without references count on
    assert rows[3][1] == dt.datetime(2024, 1, 5)


def test_xlsx_values_agree_with_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["หน่วยงาน", "ข้อ", "ความเห็น", "จำนวน", "วันที่", "ตรรกะ"])
    ws.append(["กรม\nสรรพากร", 5, "บรรทัดแรก\nบรรทัดสอง", 2.5, dt.datetime(2024, 3, 1, 9, 30), True])
    ws.append([None, "ข้อ ๕/๑", "  เว้นวรรค  ", -3, dt.date(2023, 12, 31), False])
    ws["H9"] = "ไกลออกไป"
    wb.save(tmp_path / "f.xlsx")
    expected = [tuple(v for v in row) for row in openpyxl.load_workbook(tmp_path / "f.xlsx").active.values]
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        book = xlsxread.Workbook(z)
        ours = {n: r for n, r in book.rows(book.sheets[0][1])}
    for number, row in enumerate(expected, 1):
        got = ours.get(number, ())
        assert got + (None,) * (len(row) - len(got)) == row, number


def test_100k_row_xlsx_reads_in_seconds(tmp_path):
    strings = ["หน่วยงาน", "ข้อ", "ความเห็น", "ประเภท", "กรมบัญชีกลาง", "หมวด ๒ ข้อ ๑๒ (๓)", "ด้านเทคนิค"]
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    rows = ['<row r="1">' + "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCD")) + "</row>"]
    rows += [
        f'<row r="{n}"><c r="A{n}" t="s"><v>4</v></c><c r="B{n}" t="s"><v>5</v></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>ความเห็นที่ {n} ควรขยายระยะเวลา</t></is></c>'
        f'<c r="D{n}" t="s"><v>6</v></c></row>'
        for n in range(2, 100_002)
    ]
    parts = dict(EXCEL_LIKE)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace('date1904="1"', "")
    parts["xl/strings.xml"] = f"<sst>{sst}</sst>"
    parts["xl/worksheets/s1.xml"] = "<worksheet><sheetData>" + "".join(rows) + "</sheetData></worksheet>"
    path = zip_parts(tmp_path / "big.xlsx", {k: v.encode() for k, v in parts.items()})
    start = time.perf_counter()
    result = read_form(path)
    elapsed = time.perf_counter() - start
    print(f"\n100,000-row XLSX ({path.stat().st_size:,} bytes) read in {elapsed:.2f} s")
    assert len(result.value) == 100_000
    assert result.value[-1] == FormRow("big.xlsx", 100_001, "กรมบัญชีกลาง", "หมวด ๒ ข้อ ๑๒ (๓)", "หมวด 2/ข้อ 12/(3)", "",
                                      "ความเห็นที่ 100001 ควรขยายระยะเวลา", "", "technical")
    assert result.messages == ()
    assert elapsed < 60  # generous: a gross regression, not a benchmark


def test_a_truncated_sheet_is_a_form_error_naming_the_sheet(tmp_path):
    parts = {k: v.encode() for k, v in EXCEL_LIKE.items()}
    parts["xl/worksheets/s1.xml"] = parts["xl/worksheets/s1.xml"][:300]
    with pytest.raises(FormError, match=r"sheet 'ความเห็น' cannot be read: part 'xl/worksheets/s1.xml': ExpatError"):
        read_form(zip_parts(tmp_path / "cut.xlsx", parts))


def test_a_package_missing_its_sheet_part_is_a_form_error(tmp_path):
    parts = {k: v.encode() for k, v in EXCEL_LIKE.items() if k != "xl/worksheets/s1.xml"}
    with pytest.raises(FormError, match=r"sheet 'ความเห็น' cannot be read: missing part 'xl/worksheets/s1.xml'"):
        read_form(zip_parts(tmp_path / "hollow.xlsx", parts))


def test_a_blank_division_cell_takes_the_division_from_the_file_name(tmp_path):
    text = "หน่วยงาน,ข้อ,ความเห็น\n,ข้อ ๒,ควรนิยามคำว่า \"หน่วยงานของรัฐ\"\nกรมศุลกากร,ข้อ ๓,เห็นด้วย\n"
    result = read_form(write_text(tmp_path / "กรมสรรพากร_form.csv", text, "utf-8"))
    assert [r.division for r in result.value] == ["กรมสรรพากร", "กรมศุลกากร"]
    assert result.messages == ("กรมสรรพากร_form.csv: row 2: no division given; took 'กรมสรรพากร' from the file name",)
