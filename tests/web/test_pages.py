"""Each page of ``policydiff serve`` through Flask's test client, on the shipped example."""

from __future__ import annotations

import csv
import io
import re

import pytest

from policydiff.store import Store
from tests.web.conftest import new_round, round_files, upload


def text(answer) -> str:
    return answer.get_data(as_text=True)


def test_versions_page_lists_the_log_with_buddhist_era_dates_and_notes(client):
    page = text(client.get("/"))
    assert '<html lang="th">' in page
    for label, day in (("ร่าง ๑", "๒๖ มิถุนายน ๒๕๕๒"), ("ร่าง ๒", "๒๑ กรกฎาคม ๒๕๕๒")):
        assert label in page and day in page
    assert "ร่าง ๑ เวียนหน่วยงานเพื่อขอความเห็น" in page
    assert "ฉบับร่างทั้งหมด" in page  # the interface in Thai by default


def test_a_new_version_is_uploaded_with_its_label_date_and_note(client, archive):
    from tests.paths import REPO

    data = (REPO / "drafts" / "v2.docx").read_bytes()
    # the same bytes again: nothing added, and said so
    page = text(client.post(
        "/versions", {"file": (io.BytesIO(data), "v2.docx"), "label": "ร่าง ๕", "date": "2009-09-01", "note": "x"},
        content_type="multipart/form-data"))
    assert "มีอยู่ในคลังแล้วในชื่อ ร่าง ๒" in page
    with Store.open(archive) as store:
        assert [v.label for v in store.list_versions()] == ["ร่าง ๑", "ร่าง ๒"]


def test_a_version_that_is_no_docx_is_refused_with_a_message(client, archive):
    answer = client.post("/versions", {"file": (io.BytesIO(b"%PDF-1.4 not a draft"), "draft.docx"),
                                       "label": "ร่าง ๕", "date": "2009-09-01"}, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "draft.docx" in text(answer)
    with Store.open(archive) as store:
        assert len(store.list_versions()) == 2


def test_the_whole_round_conflict_on_clause_14_and_filters(client):
    assert new_round(client).status_code == 302
    page = text(upload(client, "รอบที่ ๑", round_files()))
    assert "รับแฟ้มแล้ว:" in page and "legal-form.csv" in page and "admin-form.xlsx" in page
    clause = page[page.index("<h3>ข้อ ๑๔</h3>"):]
    clause = clause[:clause.index("</section>")]
    assert 'class="group conflict"' in clause
    assert "สิบห้าวันทำการ" in clause and "เจ็ดวันทำการ" in clause
    assert "กลุ่มตรวจสอบภายใน" in clause and "กลุ่มพัฒนาระบบบริหาร" in clause
    filtered = text(client.get("/rounds/รอบที่ ๑", query_string={"division": "กองคลัง"}))
    divisions = set(re.findall(r'<div class="meta"><b>([^<]+)</b>', filtered))
    assert divisions == {"กองคลัง"}
    by_status = text(client.get("/rounds/รอบที่ ๑", query_string={"status": "orphan"}))
    assert "ไม่มีความเห็นหรือข้อเสนอที่จะแสดง" in by_status or "ไม่พบตำแหน่ง" in by_status


def _keys(page: str) -> list:
    return re.findall(r'name="key" value="([^"]+)"', page)


def _revision(page: str) -> str:
    return re.search(r'name="seen_revision" value="([0-9]+)"', page).group(1)


@pytest.fixture
def round1(client):
    new_round(client)
    upload(client, "รอบที่ ๑", round_files())
    return client


def test_dispositions_saved_with_who_and_when_and_their_history(round1):
    client = round1
    page = text(client.get("/rounds/รอบที่ ๑/dispositions"))
    key = _keys(page)[0]
    client.post("/who", {"who": "สมศรี", "next": "/"})
    answer = client.post("/rounds/รอบที่ ๑/dispositions", {"key": key, "result": "not accepted", "reason": "ขัดกับระเบียบ",
                                                        "seen_revision": _revision(page)})
    assert answer.status_code == 200 and "บันทึกแล้ว" in text(answer)
    history = text(client.get("/rounds/รอบที่ ๑/history", query_string={"key": key}))
    assert "สมศรี" in history and "ขัดกับระเบียบ" in history and "ไม่รับ" in history
    with Store.open(client.app.config["POLICYDIFF_ROOT"]) as store:
        assert store.get_dispositions("รอบที่ ๑").who == "สมศรี"


def test_two_tabs_saving_the_same_disposition_both_land_and_the_page_says_so(round1):
    client = round1
    page = text(client.get("/rounds/รอบที่ ๑/dispositions"))
    key, seen = _keys(page)[1], _revision(page)
    first = {"key": key, "result": "accepted", "reason": "แท็บแรก", "seen_revision": seen, "who": "ก"}
    second = {"key": key, "result": "noted", "reason": "แท็บสอง", "seen_revision": seen, "who": "ข"}
    assert "มีผู้อื่น" not in text(client.post("/rounds/รอบที่ ๑/dispositions", first))
    answer = text(client.post("/rounds/รอบที่ ๑/dispositions", second))
    assert "มีผู้อื่น (ก)" in answer  # the note: another save came in between
    history = text(client.get("/rounds/รอบที่ ๑/history", query_string={"key": key}))
    assert "แท็บแรก" in history and "แท็บสอง" in history


def test_the_disposition_table_downloads_as_csv_and_xlsx_with_the_saved_results(round1):
    from policydiff.forms.dispositions import read_dispositions

    client = round1
    page = text(client.get("/rounds/รอบที่ ๑/dispositions"))
    key = _keys(page)[2]
    client.post("/rounds/รอบที่ ๑/dispositions", {"key": key, "result": "partly accepted", "reason": "บางส่วน",
                                                "seen_revision": _revision(page), "who": "ค"})
    answer = client.get("/rounds/รอบที่ ๑/table.csv")
    assert answer.status_code == 200
    assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))
    assert any("รับบางส่วน" in r and "บางส่วน" in r for r in rows)
    xlsx = client.get("/rounds/รอบที่ ๑/table.xlsx")
    assert xlsx.data[:2] == b"PK"
    assert client.get("/rounds/รอบที่ ๑/table.exe").status_code == 404
    del read_dispositions


def test_the_committee_package_and_the_consolidated_copy_download(round1):
    client = round1
    package = client.get("/rounds/รอบที่ ๑/package.docx", query_string={"against": "ร่าง ๒"})
    assert package.status_code == 200 and package.data[:2] == b"PK"
    assert package.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    consolidated = client.get("/rounds/รอบที่ ๑/consolidated.docx")
    assert consolidated.status_code == 200 and consolidated.data[:2] == b"PK"


def test_the_redline_between_any_two_versions_is_a_page(client):
    answer = client.get("/redline", query_string={"old": "ร่าง ๑", "new": "ร่าง ๒"})
    assert answer.status_code == 200
    page = text(answer)
    assert "<ins" in page and "<del" in page
    assert "script-src" not in answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    assert client.get("/redline", query_string={"old": "ร่าง ๑", "new": "ไม่มี"}).status_code == 400


def test_a_clauses_history_is_a_page(client):
    index = text(client.get("/site/clauses.html"))
    assert "clause-1.html" in index
    page = text(client.get("/site/clause-3.html"))
    assert "ถ้อยคำในแต่ละฉบับ" in page
    assert client.get("/site/clause-99999.html").status_code == 404
    assert client.get("/site/nothing.html").status_code == 404


def test_the_interface_follows_the_browser_and_the_switch(client):
    english = client.http.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in text(english) and "Versions of the draft" in text(english)
    assert "26 June B.E. 2552" in text(english) and "มิถุนายน" not in text(english)  # dates in English too
    switched = client.http.get("/lang/th", query_string={"next": "/"}, headers={"Accept-Language": "en"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"
    again = client.http.get("/", headers={"Accept-Language": "en"})
    assert "ฉบับร่างทั้งหมด" in text(again)
    outside = client.http.get("/lang/en", query_string={"next": "//evil.example/"})
    assert outside.headers["Location"] == "/"


def package_table(data: bytes, tmp_path) -> list:
    """The disposition table of a committee package: its rows as lists of cell texts (heading first)."""
    from policydiff.docx.reader import read_docx

    path = tmp_path / "package.docx"
    path.write_bytes(data)
    doc = read_docx(path)
    kinds = [type(b).__name__ for b in doc.blocks]
    table = doc.blocks[len(kinds) - 1 - kinds[::-1].index("Table")]
    return [[" ".join(p.shown for p in cell.blocks if hasattr(p, "shown")) for cell in row.cells]
            for row in table.rows]


def test_the_committee_package_carries_the_saved_results_and_stays_thai_in_english(round1, tmp_path):
    client = round1
    client.http.get("/lang/en")
    page = text(client.get("/rounds/รอบที่ ๑/dispositions", query_string={"against": "ร่าง ๒"}))
    assert "Dispositions of" in page
    key = _keys(page)[0]
    client.post("/rounds/รอบที่ ๑/dispositions", {"key": key, "result": "not accepted", "reason": "ไม่สอดคล้อง",
                                                "seen_revision": _revision(page), "who": "ง"})
    package = client.get("/rounds/รอบที่ ๑/package.docx", query_string={"against": "ร่าง ๒"})
    rows = package_table(package.data, tmp_path)
    assert rows[0][0] == "ลำดับ" and rows[0][4] == "ผลการพิจารณา"
    assert rows[1][4:6] == ["ไม่รับ", "ไม่สอดคล้อง"]


def test_files_uploaded_again_are_not_added_twice(round1, archive):
    from tests.web.conftest import archive_state

    before = archive_state(archive)
    page = text(upload(round1, "รอบที่ ๑", round_files(["finance.docx", "legal-form.csv"])))
    assert "ได้รับแฟ้มเหล่านี้แล้ว" in page and "finance.docx" in page
    assert archive_state(archive)[0] == before[0]
