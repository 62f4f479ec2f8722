"""The CLI in Thai and in English: ``--lang th|en``, else LANGUAGE / LC_ALL / LC_MESSAGES / LANG,
else Thai. The same error reads in either language with the same exit code; click's own words
(usage, help, parse errors) follow too; the committee's documents are the same bytes either way."""

import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from policydiff import i18n
from policydiff.cli import main
from tests.paths import REPO

V1, V2 = REPO / "drafts" / "v1.docx", REPO / "drafts" / "v2.docx"
ROUND = REPO / "comments" / "round1"


def run(*args, env=None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args])


def only_environment(**values):
    """CliRunner's env: no LANGUAGE (the suite's English), then the given variables."""
    env = {name: None for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(values)
    return env


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_text("just some text\n", encoding="utf-8")
    return path


def test_a_missing_file_in_thai_and_in_english(tmp_path):
    missing = tmp_path / "ไม่มี.docx"
    th, en = run("--lang", "th", "outline", missing), run("--lang", "en", "outline", missing)
    assert th.stderr == f"ข้อผิดพลาด: {missing}: ไม่พบไฟล์\n"
    assert en.stderr == f"error: {missing}: no such file\n"
    assert th.exit_code == en.exit_code == 2


def test_a_file_that_is_not_a_docx_in_thai_and_in_english(text_file):
    th, en = run("--lang", "th", "outline", text_file), run("--lang", "en", "outline", text_file)
    assert th.stderr == f"ข้อผิดพลาด: {text_file}: เป็นไฟล์ข้อความ ไม่ใช่ไฟล์ .docx\n"
    assert en.stderr == f"error: {text_file}: is a text file, not a .docx\n"
    assert th.exit_code == en.exit_code == 2


def test_an_unknown_option_of_a_command_in_thai_and_in_english():
    """click's parse error of a subcommand's option, after --lang on the group."""
    th, en = run("--lang", "th", "redline", V1, V2, "--bogus"), run("--lang", "en", "redline", V1, V2, "--bogus")
    assert "ข้อผิดพลาด: ไม่มีตัวเลือก '--bogus'" in th.stderr and "วิธีใช้:" in th.stderr
    assert "Error: No such option '--bogus'" in en.stderr and "Usage:" in en.stderr
    assert th.exit_code == en.exit_code == 2


def test_a_missing_argument_and_a_bad_option_value_in_thai():
    missing = run("--lang", "th", "redline", V1)
    assert "ไม่ได้ระบุอาร์กิวเมนต์ 'NEW'" in missing.stderr and missing.exit_code == 2
    bad = run("--lang", "th", "outline", V1, "--view", "sideways")
    assert "ค่าของ '--view' ไม่ถูกต้อง: 'sideways' ไม่ใช่ค่าใดใน 'accept', 'reject'" in bad.stderr
    assert bad.exit_code == 2


def test_an_option_error_of_ours_in_thai_and_in_english(tmp_path):
    out = tmp_path / "out.docx"
    th = run("--lang", "th", "redline", V1, V2, "-o", out, "--date", "31 ก.พ. 2552")
    en = run("--lang", "en", "redline", V1, V2, "-o", out, "--date", "31 ก.พ. 2552")
    assert th.stderr == "ข้อผิดพลาด: --date: ไม่มีวันที่นี้จริง: '31 ก.พ. 2552'\n"
    assert en.stderr == "error: --date: not a real date: '31 ก.พ. 2552'\n"
    assert th.exit_code == en.exit_code == 2 and not out.exists()


@pytest.mark.parametrize("variable", ["LANG", "LC_MESSAGES", "LC_ALL", "LANGUAGE"])
def test_the_environment_chooses_the_language(variable, text_file):
    th = run("outline", text_file, env=only_environment(**{variable: "th_TH.UTF-8"}))
    en = run("outline", text_file, env=only_environment(**{variable: "en_US.UTF-8"}))
    assert th.stderr == f"ข้อผิดพลาด: {text_file}: เป็นไฟล์ข้อความ ไม่ใช่ไฟล์ .docx\n"
    assert en.stderr == f"error: {text_file}: is a text file, not a .docx\n"
    assert th.exit_code == en.exit_code == 2


def test_lang_wins_over_the_environment(text_file):
    ran = run("--lang", "en", "outline", text_file, env=only_environment(LANG="th_TH.UTF-8"))
    assert ran.stderr.startswith("error: ")
    ran = run("--lang", "th", "outline", text_file, env=only_environment(LANG="en_US.UTF-8"))
    assert ran.stderr.startswith("ข้อผิดพลาด: ")


@pytest.mark.parametrize("env", [{}, {"LANG": "C"}, {"LANG": "fr_FR.UTF-8"}, {"LANGUAGE": "de:fr"}])
def test_thai_when_the_environment_names_neither_language(env, text_file):
    ran = run("outline", text_file, env=only_environment(**env))
    assert ran.stderr.startswith("ข้อผิดพลาด: ") and ran.exit_code == 2


def test_language_in_a_real_process_from_lang(text_file):
    """A subprocess, as a person runs it: LANG alone decides."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    outputs = {}
    for lang in ("th_TH.UTF-8", "en_US.UTF-8"):
        done = subprocess.run([sys.executable, "-m", "policydiff", "outline", str(text_file)], capture_output=True,
                              text=True, env={**env, "LANG": lang, "PYTHONPATH": str(REPO)}, timeout=120)
        outputs[lang] = (done.returncode, done.stderr)
    assert outputs["th_TH.UTF-8"] == (2, f"ข้อผิดพลาด: {text_file}: เป็นไฟล์ข้อความ ไม่ใช่ไฟล์ .docx\n")
    assert outputs["en_US.UTF-8"] == (2, f"error: {text_file}: is a text file, not a .docx\n")


def test_the_help_of_the_group_is_thai():
    ran = run("--lang", "th", "--help")
    assert ran.exit_code == 0
    assert ran.stdout.startswith("วิธีใช้: ")
    for thai in ("ตัวเลือก:", "คำสั่ง:", "แสดงข้อความนี้แล้วจบการทำงาน", "แสดงรุ่นของโปรแกรมแล้วจบการทำงาน",
                 "ภาษาของข้อความและคำอธิบายวิธีใช้", "คลังทั้งคลัง: ตรวจสอบ หรือคัดลอกไปยังที่เก็บอื่น"):
        assert thai in ran.stdout
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "The archive as a whole"):
        assert english not in ran.stdout


def every_command(group=main, path=()):
    """The path of every command of the CLI, subcommands of groups included."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from every_command(command, path + (name,))
        else:
            yield list(path + (name,))


@pytest.mark.parametrize("command", list(every_command()), ids=" ".join)
def test_the_help_of_a_command_is_thai_and_english(command):
    th, en = run("--lang", "th", *command, "--help"), run("--lang", "en", *command, "--help")
    assert th.exit_code == en.exit_code == 0
    assert th.stdout.startswith("วิธีใช้: ") and "ตัวเลือก:" in th.stdout
    assert en.stdout.startswith("Usage: ") and "Options:" in en.stdout
    assert "Show this message and exit." in en.stdout and "แสดงข้อความนี้แล้วจบการทำงาน" in th.stdout
    # every option's help is translated: no line of the Thai help is the English one
    english_lines = {line.strip() for line in en.stdout.splitlines() if len(line.strip()) > 20}
    assert not english_lines & {line.strip() for line in th.stdout.splitlines()}


def test_redline_help_in_thai_names_its_options_in_thai():
    text = " ".join(run("--lang", "th", "redline", "--help").stdout.split())  # as read, not as wrapped
    assert "ไฟล์ที่จะเขียน: .docx (การแก้ไขที่ติดตาม) หรือ .html (หน้าเว็บ)" in text
    assert "เขียนข้อที่ย้ายที่เป็นการตัดออกและการเพิ่มใหม่" in text
    assert "[ค่าเริ่มต้น: policydiff]" in text  # click's "default: …"
    assert "[ต้องระบุ]" in text and "required" not in text  # click's _(extra["required"])


def test_the_version_line_in_both_languages():
    from policydiff import __version__

    assert run("--lang", "th", "--version").stdout == f"policydiff รุ่น {__version__}\n"
    assert run("--lang", "en", "--version").stdout == f"policydiff, version {__version__}\n"


def test_an_unknown_language_is_refused_by_click():
    ran = run("--lang", "fr", "--help", env=only_environment(LANG="en_US.UTF-8"))
    assert ran.exit_code == 2
    assert "Invalid value for '--lang': 'fr' is not one of 'th', 'en'." in " ".join(ran.stderr.split())


def test_warnings_follow_the_language(tmp_path):
    form = tmp_path / "กองคลัง-form.csv"
    form.write_text("หน่วยงาน,ข้อ,ความเห็น,ประเภท\nกองคลัง,ข้อ ๕,ควรระบุให้ชัด,strange\n", encoding="utf-8")
    th = run("--lang", "th", "comments", V1, form)
    en = run("--lang", "en", "comments", V1, form)
    assert th.exit_code == en.exit_code == 0
    assert f"คำเตือน: {form.name}: แถวที่ 2: ไม่รู้จักประเภทความเห็น 'strange' จึงถือเป็นความเห็นทั่วไป" in th.stderr
    assert f"warning: {form.name}: row 2: unknown comment type 'strange'; taken as general" in en.stderr


def test_the_language_of_a_run_does_not_leak_into_the_next(text_file):
    run("--lang", "th", "outline", text_file)
    assert i18n.language() == "en"  # the suite's
    assert run("outline", text_file).stderr.startswith("error: ")


def _package(tmp_path, lang):
    out = tmp_path / lang / "committee.docx"
    table = tmp_path / lang / "dispositions.csv"
    out.parent.mkdir()
    ran = run("--lang", lang, "merge", V1, ROUND, "--revised", V2, "--round-from", "2009-06-30",
              "--round-to", "2009-07-14", "--write-dispositions", table, "-o", out)
    assert ran.exit_code == 0, (ran.stdout, ran.stderr)
    return ran, out, table


def test_the_committee_package_is_the_same_bytes_in_either_language(tmp_path):
    """The committee's documents are Thai whatever the interface language: only what is printed differs."""
    th_run, th_out, th_table = _package(tmp_path, "th")
    en_run, en_out, en_table = _package(tmp_path, "en")
    assert th_run.stdout != en_run.stdout  # the interface did change language
    assert th_run.stdout.startswith(f"เขียน {th_out} แล้ว: ") and en_run.stdout.startswith(f"wrote {en_out}: ")
    with zipfile.ZipFile(th_out) as th, zipfile.ZipFile(en_out) as en:
        assert th.namelist() == en.namelist()
        assert th.read("word/document.xml") == en.read("word/document.xml")
        for name in th.namelist():
            assert th.read(name) == en.read(name), name
    assert th_table.read_bytes() == en_table.read_bytes()
    assert "ตารางสรุปผลการพิจารณาความเห็น" in zipfile.ZipFile(en_out).read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("args, lang", [
    (["--lang", "th", "outline"], "th"), (["--lang=en", "outline"], "en"), (["--version", "--lang", "en"], "en"),
    (["outline", "--lang", "th"], None), (["--lang=th_TH", "outline"], None), (["--lang"], None), ([], None),
])
def test_lang_is_read_among_the_groups_options_only(args, lang):
    from policydiff.cli.language import lang_in

    assert lang_in(args) == lang
