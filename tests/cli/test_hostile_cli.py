"""The hostile corpus through every command: one clear line and exit 2, or a warning and a correct result.

Each corpus file plays every role a file can play: the draft of ``outline``; the old and the
new draft of ``diff`` and ``redline``; the base of ``comments`` and ``merge``; a division's
source for both; the ``--revised`` draft of ``merge``; the draft ``add`` puts in the archive.
A refused file gives exactly one line on stderr naming it, exit code 2, no output file and
no temporary file left; a readable one gives exit 0, the warning the corpus expects, and a
result checked against what the file holds. Every run has a time limit.
"""

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest
from click.testing import CliRunner

from policydiff import fsutil
from policydiff.cli import main
from policydiff.docx.ns import nsmap, qn
from policydiff.docx.package import open_package
from policydiff.docx.reader import read_docx
from tests.hostile.make_corpus import MB, THAI, make_corpus, varied_text
from tests.paths import REPO

REPO = REPO
V1 = REPO / "drafts" / "v1.docx"
REVIEW = REPO / "comments" / "round1" / "finance.docx"  # a division's reviewed copy of v1
COMBINING = re.compile("^[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # Thai marks that never start a cluster
TIME_LIMIT = 30.0  # seconds any one command may take on any corpus file (most take well under 1)


def _generate():
    folder = tempfile.mkdtemp(prefix="policydiff-hostile-cli-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return make_corpus(folder)


CASES = _generate()
BY_NAME = {c.name: c for c in CASES}


# ---------------------------------------------------------------------------------------------
# Running a command with a time limit


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str
    exception: Optional[BaseException]
    seconds: float


def run(args, *, cwd=None, subprocess_only=False, limit=TIME_LIMIT) -> Ran:
    """Run policydiff with a time limit: in this process, or (for files that could block) in a child."""
    args = [str(a) for a in args]
    if subprocess_only:
        return _run_child(args, cwd, limit)
    box = {}

    def target():
        start = time.perf_counter()
        box["result"] = CliRunner().invoke(main, args)
        box["seconds"] = time.perf_counter() - start

    before = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        worker.join(limit)
    finally:
        os.chdir(before)
    if worker.is_alive():
        pytest.fail(f"policydiff {' '.join(args)} did not finish within {limit:.0f} s")
    r = box["result"]
    unexpected = r.exception if not isinstance(r.exception, SystemExit) else None
    return Ran(r.exit_code, r.stdout, r.stderr, unexpected, box["seconds"])


def _run_child(args, cwd, limit) -> Ran:
    start = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-c", "from policydiff.cli import main; main()", *args],
                           capture_output=True, text=True, timeout=limit, cwd=cwd or REPO,
                           env={**os.environ, "PYTHAINLP_READ_ONLY": "1"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"policydiff {' '.join(args)} did not finish within {limit:.0f} s")
    return Ran(p.returncode, p.stdout, p.stderr, None, time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# The roles a file plays


@dataclass(frozen=True)
class Role:
    name: str
    argv: Callable  # (case path, base for a source role, output folder) -> argument list
    output: str = ""  # the file it writes in the output folder, if any
    imports_comments: bool = False  # the file's comments and changes are read as a division's


ROLES = [
    Role("outline", lambda x, b, o: ["outline", x, "--json"]),
    Role("diff-old", lambda x, b, o: ["diff", x, V1, "--json"]),
    Role("diff-new", lambda x, b, o: ["diff", V1, x, "--json"]),
    Role("redline-old", lambda x, b, o: ["redline", x, V1, "-o", o / "out.docx"], "out.docx"),
    Role("redline-new", lambda x, b, o: ["redline", V1, x, "-o", o / "out.docx"], "out.docx"),
    Role("comments-base", lambda x, b, o: ["comments", x, REVIEW, "--json"]),
    Role("comments-source", lambda x, b, o: ["comments", b, x, "--json"], imports_comments=True),
    Role("merge-base", lambda x, b, o: ["merge", x, REVIEW, "-o", o / "out.docx"], "out.docx"),
    Role("merge-source", lambda x, b, o: ["merge", b, x, "-o", o / "out.docx"], "out.docx", imports_comments=True),
    Role("merge-revised", lambda x, b, o: ["merge", V1, REVIEW, "--revised", x, "-o", o / "out.docx"], "out.docx"),
    Role("add", lambda x, b, o: ["add", x, "--label", "v1", "--date", "2009-06-29"]),
]
FORM_ROLES = [r for r in ROLES if r.name in ("comments-source", "merge-source")]
ROLE = {r.name: r for r in ROLES}

# Where a role legitimately says something other than the corpus's package-level message.
MESSAGE_FOR_ROLE = {
    # A folder given as a source is a folder of sources, not a broken .docx.
    ("directory", "comments-source"): "is a folder with no reviewed copies or comment forms",
    ("directory", "merge-source"): "is a folder with no reviewed copies or comment forms",
}
KNOWN_GAPS = {}  # (case, role): reason; strict, so a fix shows up as XPASS


def _matrix():
    for case in CASES:
        roles = FORM_ROLES if case.stage == "forms" else ROLES
        for role in roles:
            marks = []
            if (case.name, role.name) in KNOWN_GAPS:
                marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[case.name, role.name], strict=True))
            yield pytest.param(case.name, role.name, id=f"{case.name}-{role.name}", marks=marks)


def _skip_unless_possible(case):
    if case.needs == "non-root" and os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    if case.needs == "posix" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")


def _archive(tmp_path) -> Path:
    folder = tmp_path / "policy"
    folder.mkdir()
    assert run(["init", folder]).exit_code == 0
    return folder


def _run_role(case, role, out: Path, archive: Optional[Path]) -> Ran:
    base = case.path if case.expect == "ok" and case.stage != "forms" else V1  # "ok": a self-review
    args = role.argv(case.path, base, out)
    if case.needs == "posix":  # a named pipe: should policydiff ever open it, only a child process blocks
        return run(args, cwd=archive, subprocess_only=True, limit=10.0)
    return run(args, cwd=archive)


# ---------------------------------------------------------------------------------------------
# The matrix


@pytest.mark.parametrize("case_name, role_name", list(_matrix()))
def test_corpus_file_in_every_role_is_refused_in_one_line_or_read_correctly(case_name, role_name, tmp_path):
    case, role = BY_NAME[case_name], ROLE[role_name]
    _skip_unless_possible(case)
    out = tmp_path / "out"
    out.mkdir()
    archive_dir = _archive(tmp_path) if role.name == "add" else None
    ran = _run_role(case, role, out, archive_dir)
    assert ran.exception is None, f"{type(ran.exception).__name__}: {ran.exception}"
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    if case.expect == "error":
        _assert_refused(case, role, ran, out, archive_dir)
    else:
        _assert_read(case, role, ran, out, archive_dir)


def _assert_refused(case, role, ran, out, archive):
    lines = ran.stderr.splitlines()
    assert ran.exit_code == 2, (ran.exit_code, ran.stderr)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("error: ") and case.path.name in line, line
    assert MESSAGE_FOR_ROLE.get((case.name, role.name), case.message) in line
    assert list(out.iterdir()) == []  # no output, and no .tmp- file beside it
    if role.name == "add":
        assert json.loads(run(["log", "--json"], cwd=archive).stdout) == []  # the archive is unchanged


def _assert_read(case, role, ran, out, archive):
    lines = ran.stderr.splitlines()
    assert ran.exit_code == 0, ran.stderr
    assert all(line.startswith("warning: ") for line in lines), lines
    wants_warning = case.stage in ("package", "reader") or role.imports_comments
    if case.message and wants_warning:
        assert any(case.message in line and case.path.name in line for line in lines), lines
    assert [p.name for p in out.iterdir()] == ([role.output] if role.output else [])
    CHECKS[role.name](case, ran, out, archive)


# ---------------------------------------------------------------------------------------------
# What a correct result is, role by role

# The text of each readable docx case, accepted and rejected (non-empty paragraphs).
BIG = varied_text(MB).decode("utf-8") * 50
EXPECTED = {
    "minimal_ok": ([THAI], [THAI]),
    "utf16_document_ok": ([THAI], [THAI]),
    "main_part_elsewhere_ok": ([THAI], [THAI]),
    "dangling_relationship_ok": ([THAI], [THAI]),
    "wrong_content_type_ok": ([THAI], [THAI]),
    "nested_tables_80_ok": (["ลึกที่สุด"], ["ลึกที่สุด"]),
    "paragraph_50mb": ([BIG], [BIG]),
    "comment_range_never_ends": ([THAI, "ย่อหน้าถัดไป"], [THAI, "ย่อหน้าถัดไป"]),
    "duplicate_comment_ids": (["ก"], ["ก"]),
    "duplicate_revision_ids": (["เพิ่ม"], ["ลบ"]),
    "ins_inside_del": ([], []),
    "move_from_without_move_to": ([], ["ย้าย"]),
    "numbering_missing_definitions": ([THAI, THAI], [THAI, THAI]),
}


def texts(path, view="accept"):
    return [p.text for p in read_docx(path, view=view).paragraphs() if p.text]


def shown(path, view="accept"):
    return [p.shown for p in read_docx(path, view=view).paragraphs()]


def clause_texts(path):
    return [c["text"] for c in json.loads(run(["outline", path, "--json"]).stdout)]


def _check_outline(case, ran, out, archive):
    got = "".join("".join(c["text"].split()) for c in json.loads(ran.stdout))
    assert got == "".join("".join(t.split()) for t in EXPECTED[case.name][0])


def _check_diff(side):
    def check(case, ran, out, archive):
        changes = json.loads(ran.stdout)
        mentioned = {c[f"{side}_text"] for c in changes}
        v1 = set(clause_texts(V1))
        assert all(t in mentioned or t in v1 for t in clause_texts(case.path))
    return check


def _check_redline(old_is_case):
    def check(case, ran, out, archive):
        old, new = (case.path, V1) if old_is_case else (V1, case.path)
        # Non-empty paragraphs: a paragraph after an inserted table at the very end of the body
        # cannot carry a tracked mark, so rejecting leaves it empty (reported to the lead).
        assert texts(out / "out.docx", "accept") == texts(new)
        assert texts(out / "out.docx", "reject") == texts(old)
    return check


def _comment_count(path) -> int:
    comments = read_docx(path, view="accept").comments
    ids = {c.id for c in comments}
    return sum(1 for c in comments if not c.parent_id or c.parent_id not in ids)


def _check_comments_base(case, ran, out, archive):
    anns = json.loads(ran.stdout)["annotations"]
    assert sum(1 for a in anns if a["kind"] == "comment") == _comment_count(REVIEW)


SELF_REVIEW = {  # (status, text) of each comment a readable case holds, reviewed against itself
    "comment_range_never_ends": [("anchored", "ความเห็น")],
    "duplicate_comment_ids": [("anchored", "หนึ่ง"), ("orphan", "สอง")],
}


def _check_comments_source(case, ran, out, archive):
    data = json.loads(ran.stdout)
    comments = [(a["status"], a["text"]) for a in data["annotations"] if a["kind"] == "comment"]
    if case.name == "form_csv_100k_rows":
        assert len(data["annotations"]) == 100_000 and not data["problems"]
        assert "more rows naming a clause not in the draft" in ran.stderr
    elif case.name == "form_csv_cp874":
        assert [(a["division"], a["clause"], a["text"]) for a in data["annotations"]] == \
            [("กองคลัง", "ข้อ ๕", "เห็นด้วย")]
    else:
        assert comments == SELF_REVIEW.get(case.name, [])
    if case.name == "comment_range_never_ends":
        assert data["annotations"][0]["quote"] == THAI  # to the end of its paragraph


def _check_merge(base_of):
    def check(case, ran, out, archive):
        base = base_of(case)
        assert shown(out / "out.docx", "reject") == shown(base)  # rejecting every proposal gives the base
    return check


def _section_ends(path):
    root = open_package(path).main_document()  # word/main.xml when the revised draft keeps it there
    paragraphs = list(root.find(qn("w:body")).iter(qn("w:p")))
    breaks = [k for k, p in enumerate(paragraphs) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    return breaks[0], len(paragraphs) - breaks[1]


def _check_merge_revised(case, ran, out, archive):
    path = out / "out.docx"
    first, tail = _section_ends(path)
    for view, draft in (("accept", case.path), ("reject", V1)):
        paragraphs = shown(path, view)
        # Empty paragraphs aside: see _check_redline.
        assert [p for p in paragraphs[first + 1: len(paragraphs) - tail] if p] == [p for p in shown(draft) if p]


def _check_add(case, ran, out, archive):
    versions = json.loads(run(["log", "--json"], cwd=archive).stdout)
    assert [v["label"] for v in versions] == ["v1"]
    shown_there = json.loads(run(["show", "v1", "--json"], cwd=archive).stdout)
    assert shown_there == json.loads(run(["outline", case.path, "--json"]).stdout)


CHECKS = {
    "outline": _check_outline,
    "diff-old": _check_diff("old"),
    "diff-new": _check_diff("new"),
    "redline-old": _check_redline(True),
    "redline-new": _check_redline(False),
    "comments-base": _check_comments_base,
    "comments-source": _check_comments_source,
    "merge-base": _check_merge(lambda case: case.path),
    "merge-source": _check_merge(lambda case: V1 if case.stage == "forms" else case.path),
    "merge-revised": _check_merge_revised,
    "add": _check_add,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_readable_corpus_file_reads_as_intended_in_both_views(name):
    case = BY_NAME[name]
    accepted, rejected = EXPECTED[name]
    assert texts(case.path, "accept") == accepted
    assert texts(case.path, "reject") == rejected


# ---------------------------------------------------------------------------------------------
# Outputs that cannot be written


@pytest.mark.parametrize("command", ["redline", "merge"])
def test_output_in_a_missing_folder_is_one_line_before_any_work(command, tmp_path):
    target = tmp_path / "nonexistent" / "x.docx"
    args = ["redline", V1, V1, "-o", target] if command == "redline" else ["merge", V1, REVIEW, "-o", target]
    ran = run(args)
    assert (ran.exit_code, ran.stderr) == (2, f"error: {target}: directory does not exist\n")
    assert not target.parent.exists()


def test_output_under_the_root_of_a_missing_path_is_refused():
    ran = run(["redline", V1, V1, "-o", "/nonexistent/x.docx"])
    assert (ran.exit_code, ran.stderr) == (2, "error: /nonexistent/x.docx: directory does not exist\n")


def test_output_that_is_a_folder_is_refused(tmp_path):
    ran = run(["redline", V1, V1, "-o", tmp_path])
    assert (ran.exit_code, ran.stderr) == (2, f"error: {tmp_path}: is a directory; give a file name to write\n")
    assert list(tmp_path.iterdir()) == []


def test_dispositions_output_in_a_missing_folder_is_refused_before_the_package_is_written(tmp_path):
    out, table = tmp_path / "package.docx", tmp_path / "missing" / "table.csv"
    ran = run(["merge", V1, REVIEW, "--revised", V1, "-o", out, "--write-dispositions", table])
    assert (ran.exit_code, ran.stderr) == (2, f"error: {table}: directory does not exist\n")
    assert list(tmp_path.iterdir()) == []


def test_output_in_a_folder_that_cannot_be_written_is_one_line():
    # /proc refuses new files even to root, where a chmod-ed folder would not.
    ran = run(["redline", V1, V1, "-o", "/proc/policydiff-x.docx"])
    assert ran.exit_code == 2
    assert ran.stderr.startswith("error: /proc/policydiff-x.docx: cannot write in its directory:")
    assert len(ran.stderr.splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_output_in_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        ran = run(["redline", V1, V1, "-o", folder / "x.docx"])
    finally:
        folder.chmod(0o700)
    assert ran.exit_code == 2 and "cannot write in its directory: Permission denied" in ran.stderr
    assert list(folder.iterdir()) == []


def test_a_disk_full_while_writing_leaves_neither_output_nor_temporary_file(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", full)
    target = tmp_path / "x.docx"
    ran = run(["redline", V1, V1, "-o", target])
    assert (ran.exit_code, ran.stderr) == (2, f"error: {target}: could not be written: No space left on device\n")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Missing and odd input paths, for every command that takes a file


def test_every_file_argument_of_every_command_names_a_missing_file(tmp_path):
    missing = tmp_path / "ไม่มีไฟล์นี้.docx"
    for args in (["outline", missing], ["diff", missing, V1], ["diff", V1, missing],
                 ["redline", missing, V1, "-o", tmp_path / "o.docx"], ["redline", V1, missing, "-o", tmp_path / "o.docx"],
                 ["comments", missing, REVIEW], ["comments", V1, missing], ["comments", V1, REVIEW, "--against", missing],
                 ["merge", missing, REVIEW, "-o", tmp_path / "o.docx"], ["merge", V1, missing, "-o", tmp_path / "o.docx"],
                 ["merge", V1, REVIEW, "--revised", missing, "-o", tmp_path / "o.docx"]):
        ran = run(args)
        assert (ran.exit_code, ran.stderr) == (2, f"error: {missing}: no such file\n"), args
    assert list(tmp_path.iterdir()) == []


def test_a_source_folder_with_nothing_to_read_is_a_problem_but_others_still_count(tmp_path):
    empty = tmp_path / "round-empty"
    empty.mkdir()
    only = run(["comments", V1, empty])
    assert (only.exit_code, only.stderr) == (2, f"error: {empty}: is a folder with no reviewed copies or comment "
                                                "forms (.docx, .csv, .xlsx) in it\n")
    both = run(["comments", V1, empty, REVIEW, "--json"])
    assert both.exit_code == 0
    data = json.loads(both.stdout)
    assert [p["source"] for p in data["problems"]] == ["round-empty"] and data["annotations"]


# ---------------------------------------------------------------------------------------------
# Comment forms beyond the corpus


def _form(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_form_without_the_comment_column_is_refused_in_one_line(tmp_path):
    form = _form(tmp_path, "กองคลัง-form.csv", "ข้อ,ข้อความที่อ้างถึง\nข้อ ๕,ส่วนราชการ\n")
    ran = run(["comments", V1, form])
    assert ran.exit_code == 2
    assert ran.stderr.splitlines() == [f"error: {form}: has no ความเห็น (Comment) column"]


def test_a_form_row_naming_an_unknown_clause_is_kept_as_an_orphan_and_the_rest_is_placed(tmp_path):
    form = _form(tmp_path, "form.csv", "หน่วยงาน,ข้อ,ความเห็น\nกองคลัง,ข้อ ๙๙,ไม่มีข้อนี้\nกองคลัง,ข้อ ๕,มีข้อนี้\n")
    ran = run(["comments", V1, form, "--json"])
    assert ran.exit_code == 0
    assert ran.stderr == "warning: form.csv: row 2: no clause 'ข้อ ๙๙' in the draft; kept as an orphan\n"
    got = [(a["clause"], a["status"], a["text"]) for a in json.loads(ran.stdout)["annotations"]]
    assert got == [("ข้อ ๙๙", "orphan", "ไม่มีข้อนี้"), ("ข้อ ๕", "anchored", "มีข้อนี้")]


def test_a_form_whose_rows_all_lack_a_comment_is_refused_as_unusable(tmp_path):
    form = _form(tmp_path, "form.csv", "หน่วยงาน,ข้อ,ความเห็น\nกองคลัง,ข้อ ๕,\nกองคลัง,ข้อ ๖,  \n")
    ran = run(["merge", V1, form, "-o", tmp_path / "out.docx"])
    assert ran.exit_code == 2
    assert ran.stderr.splitlines() == [f"error: {form}: has no usable comment rows (each row needs a comment or "
                                       "proposed wording)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.csv"]


def test_a_hundred_thousand_row_form_is_imported_within_five_cpu_seconds():
    from policydiff.workflows import drafts
    from policydiff.workflows.sources import import_sources

    base = drafts.load(V1)
    # CPU time, not wall time: the bound catches work that grows too fast with the rows (a
    # quadratic step takes minutes), not a machine busy with other processes.
    start = time.process_time()
    imported = import_sources(base, [BY_NAME["form_csv_100k_rows"].path])
    elapsed = time.process_time() - start
    assert len(imported.annotations) == 100_000 and not imported.problems
    assert len(imported.warnings) <= 25  # capped: the first twenty, then one line counting the rest
    assert elapsed < 5.0, elapsed


def test_duplicates_among_a_hundred_thousand_comments_are_found_in_bounded_time():
    from policydiff.core.anchors import Anchor
    from policydiff.core.annotations import COMMENT, Annotation
    from policydiff.core.groups import duplicates

    anns = [Annotation(id=f"f#{i}", source="f", division=f"กอง{i % 7}", kind=COMMENT, clause="ข้อ ๑",
                       anchor=Anchor("ข้อ 1", ""), text="เห็นด้วย" if i % 1000 == 0 else f"ความเห็น {i}")
            for i in range(100_000)]
    start = time.process_time()
    groups = duplicates(anns)
    assert time.process_time() - start < 5.0
    # The 100 equal comments come from 7 divisions: groups of at most one per division.
    assert sum(len(g.members) for g in groups) == 100
    assert all(len(set(g.divisions)) == len(g.divisions) for g in groups)


# ---------------------------------------------------------------------------------------------
# The last resort, and the real console


def test_an_unexpected_exception_is_one_line_naming_the_inputs_with_exit_70(monkeypatch):
    from policydiff.workflows import compare

    def broken(*args, **kwargs):
        raise KeyError("w:val\nsecond line")

    monkeypatch.setattr(compare, "clause_changes", broken)
    ran = run(["diff", V1, REVIEW])
    assert ran.exit_code == 70
    assert ran.stderr == (f"error: internal error while processing diff {V1} {REVIEW}: KeyError: "
                          "'w:val\\nsecond line' (please report this)\n")


def test_a_bug_never_prints_a_traceback_from_the_installed_command(tmp_path):
    # A real interpreter, a real console: policydiff's last resort, not Python's default hook.
    code = ("import policydiff.workflows.compare as a\n"
            "def boom(*x, **k): raise RuntimeError('boom')\n"
            "a.clause_changes = boom\n"
            "from policydiff.cli import main; main()")
    p = subprocess.run([sys.executable, "-c", code, "diff", str(V1), str(V1)], capture_output=True, text=True,
                       timeout=TIME_LIMIT, cwd=tmp_path)
    assert p.returncode == 70
    assert p.stderr.splitlines() == [f"error: internal error while processing diff {V1} {V1}: RuntimeError: boom "
                                     "(please report this)"]


def test_a_hostile_file_is_refused_the_same_way_by_the_installed_command(tmp_path):
    case = BY_NAME["billion_laughs"]
    p = subprocess.run([sys.executable, "-c", "from policydiff.cli import main; main()", "redline", str(V1),
                        str(case.path), "-o", str(tmp_path / "x.docx")], capture_output=True, text=True,
                       timeout=TIME_LIMIT)
    assert p.returncode == 2
    assert p.stderr == f"error: {case.path}: {case.message}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_closed_stdout_pipe_ends_quietly(tmp_path):
    from tests.hostile.make_corpus import docx_parts, para, write_zip

    # 20,000 outline lines into `head -1`: far more than a pipe holds, so a later write fails.
    long = write_zip(tmp_path / "long.docx", docx_parts("".join(para(f"ข้อ {n} ให้ส่วนราชการจัดทำแผน")
                                                                for n in range(1, 20_001))))
    p = subprocess.run(f"{sys.executable} -c 'from policydiff.cli import main; main()' outline {long} "
                       "| head -1; echo \"exit ${PIPESTATUS[0]}\" >&2",
                       shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=TIME_LIMIT)
    assert p.stdout == "ข้อ 1 ให้ส่วนราชการจัดทำแผน\n"
    assert p.stderr == "exit 1\n"  # no traceback, no "Exception ignored" from the final flush


# ---------------------------------------------------------------------------------------------
# Hostile files beyond the corpus: small on disk, costly to read without a bound


def _numbered_docx(path, lvl_text: str, start: str, fmt: str, paragraphs: int):
    from tests.hostile.make_corpus import NUMBERING_CT, _w_part, docx_parts, para, write_zip

    numbering = _w_part("numbering", f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
                                     f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{lvl_text}"/></w:lvl></w:abstractNum>'
                                     '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    body = "".join(para("ก", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>')
                   for _ in range(paragraphs))
    return write_zip(path, docx_parts(body, parts={"word/numbering.xml": numbering},
                                      rels=[("rId3", "numbering", "numbering.xml")], overrides=NUMBERING_CT))


def test_a_numbering_level_text_of_a_megabyte_is_cut_not_rendered_three_thousand_times(tmp_path):
    # 4 KB on disk: 400,000 "%1" in lvlText, 3,000 numbered paragraphs (an unbounded read ran for minutes).
    path = _numbered_docx(tmp_path / "lvl.docx", "%1" * 400_000, "1", "decimal", 3000)
    ran = run(["outline", path, "--json"], limit=20)
    assert ran.exit_code == 0
    labels = [c["label"] for c in json.loads(ran.stdout)]
    assert max(map(len, labels)) <= 255 * 5


def test_a_letter_list_starting_at_ten_to_the_eleventh_is_numbered_not_spelled_out(tmp_path):
    # Found by the fuzzer (a hang): thaiLetters of 10**11 is a label of two billion letters.
    path = _numbered_docx(tmp_path / "letters.docx", "(%1)", "99999999999", "thaiLetters", 2)
    ran = run(["outline", path, "--json"], limit=20)
    assert ran.exit_code == 0
    assert [c["text"] for c in json.loads(ran.stdout)][-2:] == ["(99999999999) ก", "(100000000000) ก"]


def test_a_document_of_three_hundred_thousand_empty_paragraphs_is_refused_before_it_is_built(tmp_path):
    import random

    from tests.hostile.make_corpus import docx_parts, write_zip

    rng = random.Random(1)  # random paragraph ids: the file compresses like text, not like a bomb
    w14 = nsmap["w14"]
    body = "".join(f'<w:p w14:paraId="{rng.getrandbits(32):08X}" xmlns:w14="{w14}"/>' for _ in range(300_000))
    path = write_zip(tmp_path / "many.docx", docx_parts(body))
    ran = run(["redline", path, V1, "-o", tmp_path / "out.docx"], limit=20)
    assert (ran.exit_code, ran.stderr) == (2, f"error: {path}: has 300,000 paragraphs, over the safety limit of "
                                              "100,000\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.docx"]


def test_reading_a_docx_to_keep_refuses_a_named_pipe_without_opening_it():
    from policydiff.docx.package import read_file
    from policydiff.errors import InputError

    case = BY_NAME["named_pipe"]
    _skip_unless_possible(case)
    with pytest.raises(InputError, match="is not a regular file"):
        read_file(case.path)  # opening a FIFO for reading would block until a writer comes


def test_a_division_name_with_a_line_break_stays_on_one_warning_line(tmp_path):
    from tests.docxgen import Commented, write_docx

    # A paragraph the draft does not have: the comment is an orphan, and its warning names the author.
    copy = write_docx(tmp_path / "copy.docx", [[Commented("ซซซซซซซซซซซซ", "ดู", author="กอง\nerror: ปลอม")]])
    ran = run(["comments", V1, copy])
    assert ran.exit_code == 0
    assert not any(line.startswith("error") for line in ran.stderr.splitlines() + ran.stdout.splitlines())
    assert "warning: copy.docx: comment 0 by กอง error: ปลอม has no place in the draft" in ran.stderr
    assert ran.stdout.splitlines()[0] == "กอง error: ปลอม · - · ความเห็น · orphan"


# ---------------------------------------------------------------------------------------------
# Paragraphs of megabytes: a bounded diff that keeps accept/reject exact


def _huge(tmp_path, name, text):
    from tests.docxgen import write_docx

    return write_docx(tmp_path / name, ["ข้อ ๑ " + text])


def test_a_two_megabyte_paragraph_with_scattered_edits_is_redlined_in_seconds_and_exactly(tmp_path):
    text = varied_text(2 * MB).decode("utf-8")
    edited = "".join(text[i:i + 2500] + ("แก้ไข" if i % 5000 == 0 else "") for i in range(0, len(text), 2500))
    old, new = _huge(tmp_path, "old.docx", text), _huge(tmp_path, "new.docx", edited)
    ran = run(["redline", old, new, "-o", tmp_path / "red.docx"], limit=30)
    assert ran.exit_code == 0 and ran.seconds < 15, (ran.stderr, ran.seconds)
    assert texts(tmp_path / "red.docx", "accept") == ["ข้อ ๑ " + edited]
    assert texts(tmp_path / "red.docx", "reject") == ["ข้อ ๑ " + text]


def test_the_coarse_diff_of_huge_paragraphs_never_cuts_a_thai_cluster():
    from policydiff.core.diff import new_text, old_text
    from policydiff.core.diff import coarse_diff

    for old, new in (("กิน", "กัน"), ("ก่า", "ก้า"), ("ข้อ ๑ ให้ส่วนราชการ", "ข้อ ๑ ให้ส่วนราชกาย"), ("abc", "abc"),
                     ("", "ก้"), ("น้ำ", "น้ำใจ"), ("ที่", "ทิ่")):
        ops = coarse_diff(old, new)
        assert (old_text(ops), new_text(ops)) == (old, new)
        for op, piece in ops:
            if op != "=":
                assert not COMBINING.match(piece), (old, new, ops)


def _finishes_in_a_child(code: str, limit: float) -> bool:
    """Whether ``code`` ends within ``limit`` seconds (a child process: a hang is killed, not left running)."""
    try:
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(REPO)!r})\n" + code],
                       timeout=limit, check=True, capture_output=True, cwd=REPO)
    except subprocess.TimeoutExpired:
        return False
    return True


HUGE = ("from tests.hostile.make_corpus import varied_text\n"
        "a = varied_text(1024 * 1024, seed=7).decode()\n"
        "b = varied_text(1024 * 1024, seed=8).decode()\n"
        "e = ''.join(a[i:i + 2500] + ('แก้' if i % 5000 == 0 else '') for i in range(0, len(a), 2500))\n")


def test_importing_a_copy_whose_megabyte_paragraph_was_rewritten_finishes():
    code = HUGE + ("from policydiff.core.annotations import from_review_copy\n"
                   "from policydiff.core.model import Document, Paragraph, Run\n"
                   "doc = lambda t: Document(blocks=(Paragraph(runs=(Run('ข้อ ๑ ' + t),)),))\n"
                   "from_review_copy(doc(a), doc(b), source='c.docx')\n")
    assert _finishes_in_a_child(code, 20)


def test_diff_of_megabyte_paragraphs_with_scattered_edits_finishes():
    # core.align.body_similarity used difflib on the paragraphs' pieces: quadratic, minutes for a
    # paragraph of megabytes; above a size it now estimates in linear time.
    code = HUGE + "from policydiff.core.similarity import body_similarity\nbody_similarity(a, e)\n"
    assert _finishes_in_a_child(code, 8)


def test_merging_a_rewritten_megabyte_paragraph_finishes():
    # core.overlay._edit_pieces word-diffs the whole paragraph; word_diff is bounded (coarse above a size).
    code = HUGE + ("from policydiff.core.overlay import Edit, overlay\n"
                   "from policydiff.core.model import Document, Paragraph, Run\n"
                   "base = Document(blocks=(Paragraph(runs=(Run(a),)),))\n"
                   "overlay(base, [Edit(0, 0, len(a), b, 'กองคลัง', '', False)], [], ())\n")
    assert _finishes_in_a_child(code, 8)


def test_a_redline_onto_a_draft_with_non_numeric_numbering_ids_is_written(tmp_path):
    # Found by the fuzzer: the reader reads such numbering (the label is left out with a warning);
    # the writer's numbering merge used to call int() on the ids (the CLI's last-resort exit 70).
    from tests.fuzz.fuzzlib import parts_of, with_parts

    v3 = REPO / "drafts" / "v3.docx"  # numbered by Word automatic numbering
    numbering = parts_of(v3.read_bytes())["word/numbering.xml"]
    bad = tmp_path / "v3-bad-numbering.docx"
    bad.write_bytes(with_parts(v3.read_bytes(), {
        "word/numbering.xml": numbering.replace(b'w:abstractNumId="0"', b'w:abstractNumId="x"', 1)}))
    ran = run(["redline", v3, bad, "-o", tmp_path / "out.docx"])
    assert "internal error" not in ran.stderr
    assert ran.exit_code == 0, ran.stderr
