"""Safe in an editor's hands: every output is checked before any work — its format from its
name, a writable folder, never an input (nor a file in an input folder), never another output —
and a refused run changes no file. Ctrl-C and the environment (a read-only folder) end in one
line with their own exit codes, never an "internal error"."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policydiff.workflows import compare
from policydiff.cli import main


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def work(repo_root, tmp_path):
    """A copy of the example: drafts/ and comments/round1/ in a folder of their own."""
    shutil.copytree(repo_root / "drafts", tmp_path / "drafts", ignore=shutil.ignore_patterns("src"))
    shutil.copytree(repo_root / "comments" / "round1", tmp_path / "round1")
    return tmp_path


def _fingerprint(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case, args, message", [
    ("revised draft", ["merge", "drafts/v1.docx", "round1", "--revised", "drafts/v2.docx", "-o", "drafts/v2.docx"],
     "error: {w}/drafts/v2.docx: is an input; write the output elsewhere so the input is kept\n"),
    ("division's copy", ["merge", "drafts/v1.docx", "round1", "-o", "round1/hr.docx"],
     "error: {w}/round1/hr.docx: is an input; write the output elsewhere so the input is kept\n"),
    ("one name for both", ["merge", "drafts/v1.docx", "round1", "--revised", "drafts/v2.docx", "-o", "same.docx",
                           "--write-dispositions", "same.docx"],
     "error: {w}/same.docx: must end in .csv or .xlsx (the format is taken from the name)\n"),
    ("one table for both", ["merge", "drafts/v1.docx", "round1", "--revised", "drafts/v2.docx", "-o", "same.xlsx",
                            "--write-dispositions", "same.xlsx"],
     "error: {w}/same.xlsx: must end in .docx or .html or .htm (the format is taken from the name)\n"),
    ("table format", ["merge", "drafts/v1.docx", "round1", "--revised", "drafts/v2.docx", "-o", "out.docx",
                      "--write-dispositions", "d.txt"],
     "error: {w}/d.txt: must end in .csv or .xlsx (the format is taken from the name)\n"),
    ("redline format", ["redline", "drafts/v1.docx", "drafts/v2.docx", "-o", "out.txt"],
     "error: {w}/out.txt: must end in .docx (the format is taken from the name)\n"),
    ("old draft", ["redline", "drafts/v1.docx", "drafts/v2.docx", "-o", "drafts/v1.docx"],
     "error: {w}/drafts/v1.docx: is an input; write the output elsewhere so the input is kept\n"),
])
def test_an_output_that_would_overwrite_or_mislabel_is_refused_before_any_work(work, case, args, message):
    before = _fingerprint(work)
    absolute = [str(work / a) if "/" in a or a.endswith((".docx", ".txt", ".csv", ".xlsx")) or a == "round1" else a
                for a in args]
    result = _cli(*absolute)
    assert result.exit_code == 2, result.output
    assert result.output == message.format(w=work)
    assert _fingerprint(work) == before  # inputs byte-identical, and no output written


def test_the_same_file_under_another_name_is_still_an_input(work):
    os.symlink(work / "drafts" / "v2.docx", work / "alias.docx")
    before = _fingerprint(work / "drafts")
    result = _cli("redline", work / "drafts" / "v1.docx", work / "drafts" / "v2.docx", "-o", work / "alias.docx")
    assert result.exit_code == 2 and "is an input" in result.output
    assert _fingerprint(work / "drafts") == before


def test_an_output_in_a_read_only_folder_is_refused_before_any_work(work):
    if os.geteuid() == 0:
        pytest.skip("root writes in read-only folders")
    locked = work / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = _cli("redline", work / "drafts" / "v1.docx", work / "drafts" / "v2.docx", "-o", locked / "r.docx")
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2 and result.output == f"error: {locked / 'r.docx'}: its folder is not writable\n"


def test_ctrl_c_exits_130_in_one_line_and_leaves_no_output(work, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(compare, "redline", interrupted)
    out = work / "r.docx"
    result = _cli("redline", work / "drafts" / "v1.docx", work / "drafts" / "v2.docx", "-o", out)
    assert result.exit_code == 130
    assert result.output == "error: interrupted; nothing was written\n"
    assert not out.exists() and not list(work.glob(".r.docx.tmp-*"))


def test_an_error_of_the_environment_is_one_line_not_an_internal_error(work, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(work / ".policydiff"))

    monkeypatch.chdir(work)
    monkeypatch.setattr("policydiff.store.Store.init", refused)
    result = _cli("init")
    assert result.exit_code == 2
    assert result.output == f"error: {work / '.policydiff'}: Permission denied\n"


def test_outputs_saved_into_the_round_folder_are_never_read_back_as_divisions(work):
    def annotations(*extra):
        result = _cli("comments", work / "drafts" / "v1.docx", work / "round1", "--json", *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["annotations"], result.stderr

    before, _ = annotations()
    for args in (["merge", work / "drafts" / "v1.docx", work / "round1", "-o", work / "round1" / "consolidated.docx"],
                 ["merge", work / "drafts" / "v1.docx", work / "round1", "--revised", work / "drafts" / "v2.docx",
                  "-o", work / "round1" / "committee.docx", "--write-dispositions", work / "round1" / "d.csv"],
                 ["merge", work / "drafts" / "v1.docx", work / "round1", "--revised", work / "drafts" / "v2.docx",
                  "-o", work / "m.docx", "--write-dispositions", work / "round1" / "d.xlsx"]):
        assert _cli(*args).exit_code == 0
    after, stderr = annotations()
    assert [a["id"] for a in after] == [a["id"] for a in before]
    assert ("skipped 4 files written by policydiff (ข้ามไฟล์ที่ policydiff สร้าง 4 ไฟล์): "
            "committee.docx, consolidated.docx, d.csv, d.xlsx") in stderr


def test_a_table_that_cannot_be_written_leaves_no_package_either(work, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    real = Path.write_bytes

    def write_bytes(self, data):  # the table's temporary file: the disk is full by then
        if ".d.csv.tmp-" in self.name:
            full_disk()
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    result = _cli("merge", work / "drafts" / "v1.docx", work / "round1", "--revised", work / "drafts" / "v2.docx",
                  "-o", work / "c.docx", "--write-dispositions", work / "d.csv")
    assert result.exit_code == 2 and result.output.endswith("could not be written: No space left on device\n")
    assert not (work / "c.docx").exists() and not (work / "d.csv").exists()
    assert not [p for p in work.iterdir() if ".tmp-" in p.name]


def test_write_dispositions_without_revised_is_refused_not_ignored(work):
    result = _cli("merge", work / "drafts" / "v1.docx", work / "round1", "-o", work / "m.docx",
                  "--write-dispositions", work / "d.csv")
    assert result.exit_code == 2 and result.output.startswith("error: --write-dispositions needs --revised")
    assert not (work / "m.docx").exists()


# ---------------------------------------------------------------- the editor's disposition table

def _table(work) -> Path:
    table = work / "tables" / "d.csv"
    table.parent.mkdir()
    result = _cli("merge", work / "drafts" / "v1.docx", work / "round1", "--revised", work / "drafts" / "v2.docx",
                  "-o", work / "c.docx", "--write-dispositions", table)
    assert result.exit_code == 0, result.output
    return table


def _edit_table(table: Path, change) -> None:
    import csv

    rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines()))
    change(rows)
    with open(table, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


def _merge_with(work, table):
    return _cli("merge", work / "drafts" / "v1.docx", work / "round1", "--revised", work / "drafts" / "v2.docx",
                "-o", work / "out.docx", "--dispositions", table)


def test_a_table_without_its_id_column_is_refused(work):
    table = _table(work)
    _edit_table(table, lambda rows: [row.pop() for row in rows if row])  # the id column is the last
    result = _merge_with(work, table)
    assert result.exit_code == 2 and not (work / "out.docx").exists()
    assert result.output == (f"error: {table}: has no รหัส (id) column: keep the column policydiff wrote, it ties "
                             "each result to its comment\n")


def test_a_table_whose_ids_are_not_the_rounds_is_refused_naming_the_rows(work):
    table = _table(work)

    def other_round(rows):
        for row in rows[1:3]:
            row[-1] = "other.docx#" + row[-1]
    _edit_table(table, other_round)
    result = _merge_with(work, table)
    assert result.exit_code == 2 and not (work / "out.docx").exists()
    assert result.output.startswith(f"error: {table}: 2 of 34 rows have an id that is no comment of this round: "
                                    "no. 1 (other.docx#")
    assert result.output.endswith("was the table written for another round?\n")


def test_an_unknown_result_is_refused_naming_row_value_and_the_allowed_ones(work):
    table = _table(work)

    def misspelt(rows):
        rows[2][5] = "รับทาบ"
    _edit_table(table, misspelt)
    result = _merge_with(work, table)
    assert result.exit_code == 2 and not (work / "out.docx").exists()
    assert result.output == (f"error: {table}: row 3: unknown result 'รับทาบ'; use รับ (accepted), รับบางส่วน "
                             "(partly accepted), ไม่รับ (not accepted) or รับทราบ (noted)\n")


def test_a_warning_about_the_table_names_it_once(work):
    table = _table(work)

    def three_undecided(rows):
        for row in rows[1:4]:
            row[5] = ""
    _edit_table(table, three_undecided)
    result = _merge_with(work, table)
    assert result.exit_code == 0, result.output
    assert "warning: d.csv: 3 of 34 rows have no result yet\n" in result.stderr


# ---------------------------------------------------------------- likely mistakes

def test_a_new_draft_given_as_a_source_is_caught_and_force_goes_on(work):
    args = ["merge", work / "drafts" / "v1.docx", work / "drafts" / "v2.docx", "-o", work / "m.docx"]
    result = _cli(*args)  # --revised forgotten: v2 would be read as a division called "v2.docx"
    assert result.exit_code == 2 and not (work / "m.docx").exists()
    assert result.stderr.startswith(f"error: {work / 'drafts' / 'v2.docx'}: looks like a new draft, not a division's "
                                    "reviewed copy: no comment, no tracked change, and ")
    assert result.stderr.endswith("did you mean --revised? (--force reads it as a division's copy)\n")
    forced = _cli(*args, "--force")
    assert forced.exit_code == 0 and (work / "m.docx").exists()


def test_a_round_folder_of_reviewed_copies_is_not_taken_for_drafts(work):
    result = _cli("comments", work / "drafts" / "v1.docx", work / "round1", "--json")
    assert result.exit_code == 0 and "looks like a new draft" not in result.stderr


def test_swapped_drafts_are_warned_about(work):
    result = _cli("merge", work / "drafts" / "v2.docx", work / "round1", "--revised", work / "drafts" / "v1.docx",
                  "-o", work / "c.docx")
    assert (f"warning: the revised draft {work / 'drafts' / 'v1.docx'} (2009-06-26) is older than the base "
            f"{work / 'drafts' / 'v2.docx'} (2009-07-21); are BASE and --revised swapped?\n") in result.stderr
