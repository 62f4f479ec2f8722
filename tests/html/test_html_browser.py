"""The redline as a web page, read in a real browser (Chromium): it loads without console
errors, every word the drafts' diff inserts or deletes is on the page with its mark, the marks
read without colour, and the summary's links land on their change."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from policydiff.workflows.compare import clause_changes
from policydiff.workflows.drafts import load
from tests import browser
from tests.paths import REPO

pytestmark = pytest.mark.browser
PAIRS = [("v1", "v2"), ("v2", "v3"), ("v3", "v4")]
ROOT = REPO


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """{(old, new): the redline page's path}, written by the command line."""
    out = tmp_path_factory.mktemp("html")
    found = {}
    for a, b in PAIRS:
        target = out / f"{a}-{b}.html"
        subprocess.run([sys.executable, "-m", "policydiff", "redline", str(ROOT / "drafts" / f"{a}.docx"),
                        str(ROOT / "drafts" / f"{b}.docx"), "-o", str(target)], check=True, capture_output=True)
        found[(a, b)] = target
    return found


@pytest.fixture(scope="module")
def chromium():
    browser.require_browser()
    driver = browser.start()
    yield driver
    driver.quit()


def _open(driver, path: Path):
    driver.get(path.as_uri())
    return browser.console_errors(driver)


MARKED = """return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent).join("")"""


@pytest.mark.parametrize("pair", PAIRS, ids="→".join)
def test_the_page_loads_without_console_errors(chromium, pages, pair):
    assert _open(chromium, pages[pair]) == []
    assert chromium.execute_script("return document.documentElement.lang") == "th"
    assert chromium.execute_script("return document.querySelectorAll('article p').length") > 50


def _edits(pair):
    old, new = (load(ROOT / "drafts" / f"{v}.docx") for v in pair)
    return [e for c in clause_changes(old, new) for e in c["edits"]]


def _missing(edits, op: str, marked: str) -> list:
    """The stretches of ``op`` edits (line by line, spaces squeezed) not found in the marked text."""
    squeezed = " ".join(marked.split())
    out = []
    for e in edits:
        if e["op"] != op:
            continue
        for line in e["text"].split("\n"):
            line = " ".join(line.split())
            if line and line not in squeezed:
                out.append(line)
    return out


@pytest.mark.parametrize("pair", PAIRS, ids="→".join)
def test_every_inserted_and_deleted_word_is_on_the_page_with_its_mark(chromium, pages, pair):
    _open(chromium, pages[pair])
    inserted = chromium.execute_script(MARKED, "ins")
    deleted = chromium.execute_script(MARKED, "del")
    edits = _edits(pair)
    assert [e for e in edits if e["op"] == "+"] and [e for e in edits if e["op"] == "-"]
    assert _missing(edits, "+", inserted) == []
    assert _missing(edits, "-", deleted) == []
    # and no deleted word is shown as inserted: each deletion's words are not all in the insertions
    only_deleted = [e["text"] for e in edits if e["op"] == "-" and e["text"].strip() not in inserted]
    assert only_deleted


STYLE = "return getComputedStyle(document.querySelector(arguments[0])).textDecorationLine"


def test_the_marks_read_without_colour(chromium, pages):
    _open(chromium, pages[("v1", "v2")])
    assert "underline" in chromium.execute_script(STYLE, "article ins")
    assert "line-through" in chromium.execute_script(STYLE, "article del")
    legend = chromium.execute_script("return document.querySelector('.legend').textContent")
    assert "ข้อความที่เพิ่ม" in legend and "ข้อความที่ตัด" in legend and "ย้าย" in legend


LANDS = """
const id = decodeURIComponent(location.hash.slice(1));
const el = document.getElementById(id);
if (!el) return {found: false};
const top = el.getBoundingClientRect().top;
let scope = [el], n = el.nextElementSibling;
const table = el.closest('table');
if (table) scope = [table];
else while (n && !(n.id && !n.id.startsWith('เดิม-') && !n.id.startsWith('move'))) {
  scope.push(n); n = n.nextElementSibling;
}
const changed = scope.some(s => s.matches('ins,del,.fmt') || s.querySelector('ins,del,.fmt'));
return {found: true, top: top, height: innerHeight, changed: changed, id: id};
"""


@pytest.mark.parametrize("pair", PAIRS, ids="→".join)
def test_the_summary_links_land_on_their_change(chromium, pages, pair):
    _open(chromium, pages[pair])
    links = chromium.find_elements("css selector", ".summary li")
    statuses = [li.get_attribute("data-status") for li in links]
    assert links and set(statuses) >= {"edited"}
    for k, status in enumerate(statuses):
        item = chromium.find_elements("css selector", ".summary li")[k]
        anchor = item.find_element("css selector", "a")
        anchor.click()
        seen = chromium.execute_script(LANDS)
        assert seen["found"], item.text
        assert 0 <= seen["top"] < seen["height"], (item.text, seen)
        assert seen["changed"] or status == "unchanged", (item.text, seen)
        chromium.execute_script("window.scrollTo(0, 0)")


MOVE = """
const from = document.querySelector('article del.move-from').closest('p');
const there = decodeURIComponent(from.querySelector('a.move-link').hash.slice(1));
const to = document.getElementById(there).closest('p');
const back = decodeURIComponent(to.querySelector('a.move-link').hash.slice(1));
const text = sel => Array.from(to.querySelectorAll(sel)).map(e => e.textContent).join('');
return {back_to_source: from.contains(document.getElementById(back)) || from.id === back,
        from: Array.from(from.querySelectorAll('del.move-from')).map(e => e.textContent).join(''),
        to: text('ins.move-to'), inserted: text('ins:not(.move-to)')};
"""


def test_a_move_links_its_source_and_destination(chromium, pages):
    _open(chromium, pages[("v1", "v2")])
    seen = chromium.execute_script(MOVE)
    assert seen["back_to_source"]
    # ข้อ ๑๘ moved to become ข้อ ๒๑: the same words at both ends but its new number, inserted
    assert seen["inserted"] == "๒๑"
    assert seen["from"].replace("๑๘", "", 1) == seen["to"]


def _thai_fonts() -> set:
    """The font families fontconfig knows to cover Thai (Chromium on Linux finds fonts through it)."""
    out = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True, text=True, check=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def _fonts_of(driver, selector: str) -> set:
    """The platform fonts Chromium drew the first element matching ``selector`` with."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    driver.execute_cdp_cmd("CSS.enable", {})
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return {f["familyName"] for f in driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}


OVERLAPS = """
const bad = [];
const articles = Array.from(document.querySelectorAll('article > *')).map(b => b.getBoundingClientRect());
for (let i = 1; i < articles.length; i++)
  if (articles[i].top < articles[i - 1].bottom - 0.5) bad.push(i);
return {width: document.documentElement.scrollWidth, view: document.documentElement.clientWidth, overlaps: bad};
"""


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_thai_is_drawn_in_a_thai_font_with_nothing_overlapping_or_off_the_page(pages, width):
    browser.require_browser()
    driver = browser.start(width, 900)
    try:
        _open(driver, pages[("v1", "v2")])
        fonts = _fonts_of(driver, "article p")
        seen = driver.execute_script(OVERLAPS)
    finally:
        driver.quit()
    assert fonts and fonts <= _thai_fonts(), fonts
    assert seen["width"] <= seen["view"], seen  # no sideways scrolling, on a phone too
    assert seen["overlaps"] == []


def _pdf_text(pdf: bytes, tmp_path, tool: str) -> str:
    import shutil

    if shutil.which(tool) is None:
        message = f"{tool} (Debian package poppler-utils) is not installed"
        if browser.ci_enabled():
            pytest.fail(message + "; CI must run this test", pytrace=False)
        pytest.skip(message)
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_the_page_prints_on_a4_with_its_marks_and_without_its_links_bar(chromium, pages, tmp_path):
    pdf = browser.print_pdf(chromium, pages[("v1", "v2")])
    info = _pdf_text(pdf, tmp_path, "pdfinfo")
    assert re.search(r"Page size:\s+59\d\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 3
    text = _pdf_text(pdf, tmp_path, "pdftotext")
    assert "แก้ไข ๑๔ ข้อ" in text and "สัญลักษณ์" in text
    assert "ย้ายไปที่ตำแหน่งใหม่" not in text  # the move links are for the screen
