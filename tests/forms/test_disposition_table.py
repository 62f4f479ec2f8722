"""The example round's disposition table, row by row against the table kept in tests/expected
(each row read and checked by hand against ร่าง ๑, ร่าง ๒ and the divisions' copies and forms),
and what makes the table read on its own."""

import csv

import pytest
from click.testing import CliRunner

from policydiff.cli import main
from policydiff.docx.reader import read_docx
from policydiff.forms import read_dispositions

ROUND = ["--round-from", "2009-06-30", "--round-to", "2009-07-14"]


def merge(repo_root, out, *extra):
    args = ["merge", str(repo_root / "drafts" / "v1.docx"), str(repo_root / "comments" / "round1"), "--revised",
            str(repo_root / "drafts" / "v2.docx"), *ROUND, *extra, "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def package(repo_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("table")
    merge(repo_root, out / "c.docx", "--write-dispositions", str(out / "d.csv"))
    merge(repo_root, out / "x.docx", "--write-dispositions", str(out / "d.xlsx"))
    return out


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_every_row_of_the_example_table_is_as_checked(package, repo_root):
    expected = rows_of(repo_root / "tests" / "expected" / "round1_dispositions.csv")
    got = rows_of(package / "d.csv")
    assert got[0] == expected[0]
    wrong = [(n, [(h, e, g) for h, e, g in zip(expected[0], want, have) if e != g])
             for n, (want, have) in enumerate(zip(expected[1:], got[1:]), 1) if want != have]
    assert not wrong, "\n".join(f"row {n}: {diffs}" for n, diffs in wrong)
    assert len(got) == len(expected)


def test_the_xlsx_table_carries_the_same_text_as_the_csv(package):
    from_csv, from_xlsx = read_dispositions(package / "d.csv").value, read_dispositions(package / "d.xlsx").value
    assert len(from_csv) == 34 and from_csv == from_xlsx


def table_rows(docx):
    doc = read_docx(docx)
    table = [b for b in doc.blocks if type(b).__name__ == "Table"][-1]
    return [[" ".join(p.shown for p in cell.blocks) for cell in row.cells] for row in table.rows[1:]]


def test_the_committee_table_has_the_same_text_as_the_csv(package):
    shown = table_rows(package / "c.docx")
    written = rows_of(package / "d.csv")[1:]
    # the same words; the committee's copy keeps each clause label on one line (no-break spaces)
    assert [(r[1], r[2].replace("\u00a0", " "), r[3], r[5]) for r in shown] == [(r[1], r[2], r[4], r[6])
                                                                             for r in written]


def by_id(package):
    return {r[7]: dict(zip(("no", "division", "clause", "kind", "text", "result", "reason"), r))
            for r in rows_of(package / "d.csv")[1:]}


def test_a_deletion_shows_the_words_it_deletes(package):
    assert by_id(package)["plan.docx#3"]["text"] == "ตัด “และเผยแพร่ข้อมูลข่าวสารต่อสาธารณะ”"


def test_an_insertion_shows_the_whole_words_before_it(package):
    assert by_id(package)["finance.docx#5"]["text"] == "เพิ่ม “ทรัพย์สินและ” ต่อจาก “…ลดการใช้กระดาษ และใช้”"


def test_the_late_comment_is_marked_and_the_others_are_not(package):
    late = [k for k, r in by_id(package).items() if "ส่งเกินกำหนด" in r["text"]]
    assert late == ["ict.docx#2"]  # dated 16 ก.ค. 2552, the round closed on 14 ก.ค.


def test_the_clause_column_gives_both_numbers_where_they_differ(package):
    rows = by_id(package)
    assert rows["hr.docx#4"]["clause"] == "ข้อ ๒๑ → ข้อ ๒๐"  # ข้อ ๒๐ was cut, ข้อ ๒๑ moved up
    assert rows["audit.docx#4"]["clause"] == "ข้อ ๑๖ (๒) (ข) → ข้อ ๑๗ (๒) (ข)"
    assert rows["hr.docx#2"]["clause"] == "ข้อ ๓"  # same number in both drafts
