"""``policydiff publish``: the example archive as a static site — relative links that all
resolve (crawled here), B.E. dates, a redline per consecutive pair, the round counted by
division with its disposition table, a page per clause; the same archive, the same bytes."""

import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from policydiff.cli import main
from tests import browser
from tests.paths import REPO

ROOT = REPO


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example archive (v1, round1, v2, v3, v4) and its site, published twice."""
    work = tmp_path_factory.mktemp("archive")
    here = os.getcwd()
    os.chdir(work)
    try:
        run("init")
        run("add", ROOT / "drafts" / "v1.docx", "--label", "v1", "--date", "2009-06-26", "--note", "ร่าง ๑ <เวียน>")
        run("round", "add", "round1", "--from", "2009-06-30", "--to", "2009-07-14", ROOT / "comments" / "round1")
        for n, day in ((2, "2009-07-21"), (3, "2009-07-28"), (4, "2009-08-19")):
            run("add", ROOT / "drafts" / f"v{n}.docx", "--label", f"v{n}", "--date", day)
        run("publish", "-o", "site")
        run("publish", ".", "-o", "again")
        run("publish", "-o", "v2site", "--version", "v2")
    finally:
        os.chdir(here)
    return work


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def _read(path: Path) -> _Links:
    found = _Links()
    found.feed(path.read_text(encoding="utf-8"))
    found.close()
    return found


def test_every_link_of_the_site_resolves(site):
    pages = {p.name: _read(p) for p in sorted((site / "site").glob("*.html"))}
    checked = 0
    for name, found in pages.items():
        for address in found.links:
            if address.startswith("data:"):
                continue
            parts = urlsplit(address)
            assert not parts.scheme and not parts.netloc and not address.startswith("/"), (name, address)
            target = unquote(parts.path) or name
            assert target in pages, (name, address)
            if parts.fragment:
                assert unquote(parts.fragment) in pages[target].ids, (name, address)
            checked += 1
    assert checked > 500 and {"index.html", "history.html", "clauses.html", "round-1.html"} <= set(pages)
    assert {"redline-1-2.html", "redline-2-3.html", "redline-3-4.html"} <= set(pages)


def test_the_same_archive_gives_the_same_bytes(site):
    first, again = sorted((site / "site").iterdir()), sorted((site / "again").iterdir())
    assert [p.name for p in first] == [p.name for p in again]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, again))


def test_the_history_lists_each_version_with_its_buddhist_era_date(site):
    text = (site / "site" / "history.html").read_text(encoding="utf-8")
    for label, day in (("v1", "๒๖ มิถุนายน ๒๕๕๒"), ("v4", "๑๙ สิงหาคม ๒๕๕๒")):
        assert re.search(rf'<a href="version-\d\.html">{label}</a></td><td>{day}</td>', text)
    assert "&lt;เวียน&gt;" in text and "<เวียน>" not in text  # the note escaped


def test_the_round_counts_its_comments_by_division(site):
    text = (site / "site" / "round-1.html").read_text(encoding="utf-8")
    out = json.loads(CliRunner().invoke(main, ["comments", str(ROOT / "drafts" / "v1.docx"),
                                               str(ROOT / "comments" / "round1"), "--json"]).output)
    items = out["annotations"] if isinstance(out, dict) else out
    per_division = Counter(a["division"] for a in items)
    assert len(per_division) == 8
    from policydiff.core.labels import to_thai
    for division, n in per_division.items():
        assert re.search(rf"<td>[^<]*{division}[^<]*</td>(<td>[^<]*</td>){{2}}<td>{to_thai(str(n))}</td>",
                         text.replace("<wbr>", "")), division
    assert "ตารางสรุปผลการพิจารณาความเห็น" in text and text.count("<tr>") > len(items)


def test_the_home_page_is_the_chosen_version(site):
    latest = (site / "site" / "index.html").read_text(encoding="utf-8")
    chosen = (site / "v2site" / "index.html").read_text(encoding="utf-8")
    assert "<dd>v4</dd>" in latest and "<dd>v2</dd>" in chosen
    assert 'id="ข้อ-๕"' in latest and "<ins" not in latest and "<del" not in latest


def test_a_version_page_shows_its_own_emblem(site):
    # ร่าง ๒ replaced the emblem in the first-page header: v1's page shows the old one, v4's the new
    pictures = {n: re.findall(r'src="(data:image/[^"]+)"', (site / "site" / f"version-{n}.html").read_text("utf-8"))
                for n in (1, 2, 4)}
    assert all(len(p) == 1 for p in pictures.values())
    assert pictures[1] != pictures[2] == pictures[4]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_sites_pages_load_in_the_browser_without_errors_or_sideways_scrolling(site, width):
    browser.require_browser()
    driver = browser.start(width, 900)
    try:
        for name in ("index.html", "history.html", "round-1.html", "redline-3-4.html", "clause-20.html"):
            driver.get((site / "site" / name).as_uri())
            assert browser.console_errors(driver) == [], name
            assert driver.execute_script("return document.querySelectorAll('nav.site a').length") >= 2
            wide = driver.execute_script("return document.documentElement.scrollWidth - "
                                         "document.documentElement.clientWidth")
            assert wide <= 0, (name, wide)
    finally:
        driver.quit()


def test_every_page_of_the_site_parses_without_an_error(site):
    from tests.html.test_html_redline import conforms

    for path in sorted((site / "site").glob("*.html")):
        conforms(path.read_text(encoding="utf-8"))


def test_a_clause_page_gives_its_history_as_blame_does_and_its_wording_in_each_version(site):
    index = (site / "site" / "clauses.html").read_text(encoding="utf-8")
    page_name = re.search(r'<a href="(clause-\d+\.html)">ข้อ ๒</a>', index).group(1)
    text = (site / "site" / page_name).read_text(encoding="utf-8").replace("<wbr>", "")
    here = os.getcwd()
    os.chdir(site)
    try:
        row = json.loads(run("blame", "v4", "--clause", "ข้อ ๒", "--json").output)[0]
    finally:
        os.chdir(here)
    assert f"<dd>{row['introduced']['label']} ({row['introduced']['date_be']})</dd>" in text
    assert row["divisions"] and all(d in text for d in row["divisions"])
    # one row per version, v2's marking what it cut from v1's wording
    wordings = text[text.index("ถ้อยคำในแต่ละฉบับ"):]
    assert [m for m in re.findall(r'<a href="version-(\d)\.html">', wordings)] == ["1", "2", "3", "4"]
    assert wordings.count("<del>") == 1 and "<del>ถัดจากวัน</del>" in wordings
    assert wordings.count("ไม่เปลี่ยนแปลง") == 2


def test_an_empty_archive_or_a_file_as_the_site_is_refused_in_one_line(tmp_path):
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        run("init")
        result = CliRunner().invoke(main, ["publish", "-o", "site"])
        assert result.exit_code == 2 and "no version to publish" in result.output
        (tmp_path / "file").write_text("x")
        result = CliRunner().invoke(main, ["publish", "-o", "file"])
        assert result.exit_code == 2 and "is a file" in result.output
    finally:
        os.chdir(here)
    assert not (tmp_path / "site").exists() and (tmp_path / "file").read_text() == "x"


def test_publishing_again_removes_the_pages_the_site_has_no_more_but_not_what_was_changed(site, tmp_path):
    import shutil

    folder = tmp_path / "site"
    shutil.copytree(site / "site", folder)  # the latest version's site, v4, published before
    stale = sorted({p.name for p in (site / "site").glob("*.html")} - {p.name for p in (site / "v2site").glob("*.html")})
    assert stale, "v2 should have fewer clause pages than v4"
    edited, *gone = stale
    (folder / edited).write_text((folder / edited).read_text(encoding="utf-8") + "<!-- a note -->", encoding="utf-8")
    (folder / "notes.txt").write_text("ours", encoding="utf-8")
    here = os.getcwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(main, ["publish", "-o", str(folder), "--version", "v2"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    assert f"removed {len(gone)} page" in result.output
    left = {p.name for p in folder.iterdir()}
    assert left == {p.name for p in (site / "v2site").iterdir()} | {edited, "notes.txt"}
    for name in left - {edited, "notes.txt"}:
        assert (folder / name).read_bytes() == (site / "v2site" / name).read_bytes()
