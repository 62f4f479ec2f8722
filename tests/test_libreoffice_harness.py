"""The LibreOffice harness reads what a real consumer sees: accepted, rejected, printed, commented."""

import struct
import subprocess
from pathlib import Path

import pytest
from openxml_audit import OpenXmlValidator

from tests import libreoffice
from tests.docxgen import Cell, Commented, Del, Ins, Para, Table, docx_bytes
from tests.libreoffice import LibreOfficeError, Office, ci_enabled, require_libreoffice

REVIEW = [
    ["ข้อ ๓ ให้ส่วนราชการ", Del("จัดทำ"), Ins("ปรับปรุง"), "แผนปฏิบัติราชการทุกปี"],
    Table([
        ["หัวข้อ", "รายละเอียด"],
        ["งบประมาณ", ["ปีงบประมาณ พ.ศ. ", Del("๒๕๖๖"), Ins("๒๕๖๗")]],
    ]),
    ["ทั้งนี้ให้ยึด", Commented("หลักธรรมาภิบาล", "ควรนิยามคำนี้ไว้ในข้อ ๒", author="กองกฎหมาย",
                                initials="กม"), "เป็นสำคัญ"],
]
NEW_TEXT = [
    "ข้อ ๓ ให้ส่วนราชการปรับปรุงแผนปฏิบัติราชการทุกปี",
    "หัวข้อ", "รายละเอียด",
    "งบประมาณ", "ปีงบประมาณ พ.ศ. ๒๕๖๗",
    "ทั้งนี้ให้ยึดหลักธรรมาภิบาลเป็นสำคัญ",
]
OLD_TEXT = [
    "ข้อ ๓ ให้ส่วนราชการจัดทำแผนปฏิบัติราชการทุกปี",
    "หัวข้อ", "รายละเอียด",
    "งบประมาณ", "ปีงบประมาณ พ.ศ. ๒๕๖๖",
    "ทั้งนี้ให้ยึดหลักธรรมาภิบาลเป็นสำคัญ",
]
REVISIONS = 4  # two w:del and two w:ins


@pytest.fixture
def review_docx(docx_factory):
    return docx_factory(REVIEW, name="review.docx", track_revisions=True)


@pytest.mark.libreoffice
def test_accept_all_gives_the_new_text_and_leaves_no_tracked_change(lo, review_docx):
    result = lo.accept_all(review_docx)
    assert result.redlines_before == REVISIONS
    assert result.redlines_after == 0
    assert result.paragraphs == NEW_TEXT


@pytest.mark.libreoffice
def test_reject_all_gives_the_old_text_and_leaves_no_tracked_change(lo, review_docx):
    result = lo.reject_all(review_docx)
    assert result.redlines_before == REVISIONS
    assert result.redlines_after == 0
    assert result.paragraphs == OLD_TEXT


@pytest.mark.libreoffice
def test_read_shows_deleted_and_inserted_text_side_by_side(lo, review_docx):
    result = lo.read(review_docx)
    assert result.redlines_before == result.redlines_after == REVISIONS
    assert result.paragraphs[0] == "ข้อ ๓ ให้ส่วนราชการจัดทำปรับปรุงแผนปฏิบัติราชการทุกปี"
    assert result.paragraphs[4] == "ปีงบประมาณ พ.ศ. ๒๕๖๖๒๕๖๗"


@pytest.mark.libreoffice
def test_table_cells_with_several_paragraphs_are_read_in_row_order(lo, docx_factory):
    doc = docx_factory([
        "ก่อนตาราง",
        Table([[Cell(["ก๑", "ก๒"]), "ข"], ["ค", Cell(["ง๑", ["ง๒", Del("ลบ")]])]]),
        "หลังตาราง",
    ])
    result = lo.accept_all(doc)
    assert result.paragraphs == ["ก่อนตาราง", "ก๑", "ก๒", "ข", "ค", "ง๑", "ง๒", "หลังตาราง"]


@pytest.mark.libreoffice
def test_tracked_paragraph_marks_join_or_drop_paragraphs(lo, docx_factory):
    doc = docx_factory([
        "ข้อ ๑ คงไว้",
        Para([Ins("ข้อ ๒ เพิ่มใหม่")], mark="ins"),
        Para([Del("ข้อ ๓ ยกเลิก")], mark="del"),
        "ข้อ ๔ คงไว้",
    ])
    assert lo.accept_all(doc).paragraphs == ["ข้อ ๑ คงไว้", "ข้อ ๒ เพิ่มใหม่", "ข้อ ๔ คงไว้"]
    assert lo.reject_all(doc).paragraphs == ["ข้อ ๑ คงไว้", "ข้อ ๓ ยกเลิก", "ข้อ ๔ คงไว้"]


@pytest.mark.libreoffice
def test_comment_sits_on_the_words_it_was_put_on(lo, review_docx):
    assert lo.comments(review_docx) == [{
        "author": "กองกฎหมาย",
        "initials": "กม",
        "date": "2024-01-15T09:00:00",
        "content": "ควรนิยามคำนี้ไว้ในข้อ ๒",
        "anchor": "หลักธรรมาภิบาล",
        "paragraph": 5,
    }]


@pytest.mark.libreoffice
def test_accepted_copy_saved_by_libreoffice_has_no_changes_left(lo, review_docx, tmp_path):
    saved = tmp_path / "accepted.docx"
    lo.accept_all(review_docx, dst=saved)
    reread = lo.read(saved)
    assert reread.redlines_before == 0
    assert reread.paragraphs == NEW_TEXT


@pytest.mark.libreoffice
def test_resaved_copy_keeps_changes_and_comments(lo, review_docx, tmp_path):
    copy = lo.resave(review_docx, tmp_path / "resaved.docx")
    assert lo.accept_all(copy).paragraphs == NEW_TEXT
    assert lo.reject_all(copy).paragraphs == OLD_TEXT
    assert [(c["author"], c["anchor"]) for c in lo.comments(copy)] == [("กองกฎหมาย", "หลักธรรมาภิบาล")]


@pytest.mark.libreoffice
def test_pdf_conversion_keeps_the_thai_words(review_docx, tmp_path):
    pdf = libreoffice.convert(review_docx, "pdf", tmp_path / "out")
    assert pdf == tmp_path / "out" / "review.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # Tracked changes are shown, so the old and the new words are both printed.
    for words in ("ให้ส่วนราชการ", "จัดทำ", "ปรับปรุง", "แผนปฏิบัติราชการ", "๒๕๖๖", "๒๕๖๗",
                  "หลักธรรมาภิบาล"):
        assert words in text


@pytest.mark.libreoffice
def test_fodt_conversion_shows_the_tracked_changes(review_docx, tmp_path):
    fodt = libreoffice.convert(review_docx, "fodt", tmp_path)
    xml = fodt.read_text("utf-8")
    assert xml.count("<text:changed-region ") == REVISIONS
    assert "ควรนิยามคำนี้ไว้ในข้อ ๒" in xml


@pytest.mark.libreoffice
def test_render_png_gives_one_a4_page_at_the_asked_resolution(lo, review_docx, tmp_path):
    pages = lo.render_png(review_docx, tmp_path, dpi=60)
    assert pages == [tmp_path / "review-1.png"]
    assert _png_size(pages[0]) == (497, 702)  # A4, 595 x 842 pt, at 60 dpi (pdftoppm rounds up)


def _png_size(path: Path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.libreoffice
def test_one_shot_accept_all_matches_the_session(review_docx):
    result = libreoffice.accept_all(review_docx)
    assert (result.paragraphs, result.redlines_before, result.redlines_after) == (NEW_TEXT, REVISIONS, 0)


@pytest.mark.libreoffice
def test_closing_office_ends_its_process_group_and_removes_its_profile(review_docx):
    office = Office()
    office.start()
    office.read(review_docx)
    pgid, profile_dir = office._proc.pid, office._dir
    office.close()
    assert not libreoffice._group_alive(pgid)
    assert not profile_dir.exists()


@pytest.mark.libreoffice
def test_unloadable_file_raises_with_libreoffice_output_and_office_recovers(tmp_path, review_docx):
    missing = tmp_path / "missing.docx"
    with Office() as office:
        with pytest.raises(LibreOfficeError, match="accept_all .*missing.docx failed") as err:
            office.accept_all(missing)
        assert "worker stderr" in str(err.value) and "could not load" in str(err.value)
        assert office.accept_all(review_docx).paragraphs == NEW_TEXT


@pytest.mark.libreoffice
def test_convert_of_a_missing_file_raises(tmp_path):
    with pytest.raises(LibreOfficeError, match="gave no missing.pdf"):
        libreoffice.convert(tmp_path / "missing.docx", "pdf", tmp_path)


def test_missing_libreoffice_fails_under_ci(monkeypatch):
    monkeypatch.setattr(libreoffice, "available", lambda: False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run these tests"):
        require_libreoffice()


def test_missing_libreoffice_skips_outside_ci(monkeypatch):
    monkeypatch.setattr(libreoffice, "available", lambda: False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="LibreOffice headless is not available"):
        require_libreoffice()


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("1", True), ("yes", True), ("", False), ("0", False), ("false", False),
])
def test_ci_variable_values(value, expected):
    assert ci_enabled({"CI": value}) is expected


def test_generated_docx_is_byte_identical_for_the_same_input():
    assert docx_bytes(REVIEW, track_revisions=True) == docx_bytes(REVIEW, track_revisions=True)


def test_generated_docx_passes_the_schema_check(tmp_path):
    path = tmp_path / "review.docx"
    path.write_bytes(docx_bytes(REVIEW + [Para([Ins("ใหม่")], mark="ins")], track_revisions=True))
    errors = [str(e) for e in OpenXmlValidator().validate(str(path)).errors]
    # The theme part is optional for Word; docxgen leaves it out (no DrawingML namespace in ns.py).
    assert [e for e in errors if "relationships/theme" not in e] == []
