"""Every date option takes what an editor types — ISO dates and date-times, Thai dates, B.E. or
C.E. years (a year above 2400 is B.E., in an ISO-looking date too) — and every ``w:date``
written is a full ``xsd:dateTime``. A date that is none of these, or a round that ends before it
starts, is one line naming the option, exit 2."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from policydiff.cli import main

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _dates(docx) -> set:
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    return set(re.findall(r'w:date="([^"]*)"', xml))


@pytest.mark.parametrize("typed, written", [
    ("2009-07-21", "2009-07-21T00:00:00Z"),
    ("2552-07-21", "2009-07-21T00:00:00Z"),
    ("๒๑ ก.ค. ๒๕๕๒", "2009-07-21T00:00:00Z"),
    ("21 กรกฎาคม 2552", "2009-07-21T00:00:00Z"),
    ("2009-07-21T10:30:00", "2009-07-21T10:30:00Z"),
    ("2552-07-21T10:30:00+07:00", "2009-07-21T10:30:00+07:00"),
])
def test_every_tracked_change_date_is_a_full_datetime(repo_root, tmp_path, typed, written):
    out = tmp_path / "r.docx"
    result = _cli("redline", repo_root / "drafts" / "v1.docx", repo_root / "drafts" / "v2.docx", "-o", out,
                  "--date", typed)
    assert result.exit_code == 0, result.output
    assert _dates(out) == {written}


def test_the_committee_package_dates_are_full_datetimes(repo_root, tmp_path):
    out = tmp_path / "c.docx"
    result = _cli("merge", repo_root / "drafts" / "v1.docx", repo_root / "comments" / "round1",
                  "--revised", repo_root / "drafts" / "v2.docx", "--date", "๒๑ ก.ค. ๒๕๕๒", "-o", out)
    assert result.exit_code == 0, result.output
    assert _dates(out) and all(DATETIME.match(d) for d in _dates(out))


@pytest.mark.parametrize("option", ["--date", "--round-from"])
def test_a_date_that_is_none_is_one_line_naming_the_option(repo_root, tmp_path, option):
    args = ["merge", repo_root / "drafts" / "v1.docx", repo_root / "comments" / "round1", "-o", tmp_path / "m.docx",
            option, "วันอังคาร"]
    result = _cli(*args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(f"error: {option}: not a date")
    assert not (tmp_path / "m.docx").exists()


def test_buddhist_era_round_days_flag_the_same_late_comments(repo_root):
    def late(*days):
        result = _cli("comments", repo_root / "drafts" / "v1.docx", repo_root / "comments" / "round1", "--json", *days)
        assert result.exit_code == 0, result.output
        return sorted(a["id"] for a in json.loads(result.stdout)["annotations"] if a["late"])

    ce = late("--round-from", "2009-06-30", "--round-to", "2009-07-14")
    assert ce and late("--round-from", "2552-06-30", "--round-to", "2552-07-14") == ce
    assert late("--round-from", "๓๐ มิถุนายน ๒๕๕๒", "--round-to", "๑๔ ก.ค. ๒๕๕๒") == ce


def test_a_round_that_ends_before_it_starts_is_refused(repo_root):
    result = _cli("comments", repo_root / "drafts" / "v1.docx", repo_root / "comments" / "round1",
                  "--round-from", "2009-07-14", "--round-to", "2009-06-30")
    assert result.exit_code == 2
    assert result.output == ("error: --round-from 2009-07-14 is after --round-to 2009-06-30: "
                             "the round would end before it starts\n")


def test_an_archived_version_dated_with_a_be_year_is_logged_in_that_year(repo_root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _cli("init").exit_code == 0
    result = _cli("add", repo_root / "drafts" / "v1.docx", "--label", "v1", "--date", "2552-06-26")
    assert result.exit_code == 0, result.output
    assert "26 June B.E. 2552" in result.output
    assert "๒๖ มิถุนายน ๒๕๕๒" in _cli("--lang", "th", "log").output
    refused = _cli("round", "add", "r1", "--from", "2552-07-14", "--to", "2552-06-30", repo_root / "comments" / "round1")
    assert refused.exit_code == 2 and refused.output == ('error: round "r1": it ends (2009-06-30) before it starts '
                                                         '(2009-07-14)\n')


@pytest.mark.parametrize("typed", ["2009-07-21", "2552-07-21", "๒๑ ก.ค. ๒๕๕๒", "2009-07-21T10:30:00+07:00"])
def test_every_output_with_every_date_form_passes_openxml_audit(repo_root, tmp_path, typed):
    import shutil
    import subprocess

    audit = shutil.which("openxml-audit")
    assert audit, "openxml-audit is a test dependency (setup.cfg [test])"
    drafts, round1 = repo_root / "drafts", repo_root / "comments" / "round1"
    outputs = {
        "redline": ["redline", drafts / "v1.docx", drafts / "v2.docx", "--date", typed],
        "committee": ["merge", drafts / "v1.docx", round1, "--revised", drafts / "v2.docx", "--date", typed,
                      "--round-from", typed, "--round-to", "2552-08-31"],
        "consolidated": ["merge", drafts / "v1.docx", round1, "--round-from", "2009-06-30", "--round-to", typed],
    }
    for name, args in outputs.items():
        out = tmp_path / f"{name}.docx"
        result = _cli(*args, "-o", out)
        assert result.exit_code == 0, (name, result.output)
        report = subprocess.run([audit, str(out)], capture_output=True, text=True).stdout
        assert "Errors: 0" in report, (name, report)
        assert all(DATETIME.match(d) for d in _dates(out)), name
