"""``merge … --revised NEW -o OUT.html``: the committee's view as a page, each division's comment
in a side column next to the words it is on, with its suggested result, then the disposition table."""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import browser
from tests.paths import REPO

ROOT = REPO


@pytest.fixture(scope="module")
def committee_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("committee") / "committee.html"
    table = out.with_name("table.csv")
    subprocess.run([sys.executable, "-m", "policydiff", "merge", str(ROOT / "drafts" / "v1.docx"),
                    str(ROOT / "comments" / "round1"), "--revised", str(ROOT / "drafts" / "v2.docx"),
                    "--round-from", "2009-06-30", "--round-to", "2009-07-14", "-o", str(out),
                    "--write-dispositions", str(table)], check=True, capture_output=True)
    return out, table


def _table(table: Path) -> list:
    """The disposition table's rows as dicts keyed by the English part of each header."""
    import csv

    with table.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    keys = [re.search(r"\(([^)]*)\)", h).group(1) for h in rows[0]]
    return [dict(zip(keys, r)) for r in rows[1:]]


class _Cards(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cards, self.refs = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "card" in (attrs.get("class") or "").split() and "reply" not in attrs["class"]:
            self.cards.append(attrs["id"])
        if attrs.get("data-comments"):
            self.refs.update(attrs["data-comments"].split())


def test_every_comment_has_a_card_on_its_words_and_the_table_follows(committee_page):
    out, table = committee_page
    text = out.read_text(encoding="utf-8")
    found = _Cards()
    found.feed(text)
    found.close()
    rows = _table(table)
    comments = [r for r in rows if r["kind"] == "ความเห็น"]
    # the example's comments all land (none orphan): one card each, on highlighted words
    assert len(found.cards) == len(comments) > 10
    assert set(found.cards) <= found.refs
    # every row of the disposition table is on the page, after the redline
    section = text[text.index('<section id="ตารางสรุปผล">'):]
    assert section.count("<tr>") == len(rows) + 1
    assert text.index("<article>") < text.index('<section id="ตารางสรุปผล">')


CARDS = """
return Array.from(document.querySelectorAll('aside .card:not(.reply)')).map(card => {
  const words = document.querySelectorAll(`[data-comments~="${card.id}"]`);
  const row = card.closest('.row-c');
  const w = Array.from(words).filter(x => row.contains(x))[0];
  const c = card.getBoundingClientRect(), r = w ? w.getBoundingClientRect() : null;
  return {id: card.id, words: words.length, same_row: !!w, right_of: r ? c.left >= r.right - 1 : false,
          result: card.querySelector('.result b') ? card.querySelector('.result b').textContent : ''};
});
"""


@pytest.mark.browser
def test_in_the_browser_each_card_sits_beside_its_words_with_a_result(committee_page):
    browser.require_browser()
    driver = browser.start()
    try:
        driver.get(committee_page[0].as_uri())
        assert browser.console_errors(driver) == []
        cards = driver.execute_script(CARDS)
    finally:
        driver.quit()
    assert cards
    results = [r["result"] for r in _table(committee_page[1]) if r["kind"] == "ความเห็น"]
    for card in cards:
        assert card["words"] and card["same_row"] and card["right_of"], card
    # the cards' results, in page order, are the table's comments' results (document order too)
    assert sorted(c["result"] for c in cards) == sorted(results)


def test_the_consolidated_copy_is_a_docx_only(tmp_path):
    from click.testing import CliRunner

    from policydiff.cli import main

    out = tmp_path / "copy.html"
    result = CliRunner().invoke(main, ["merge", str(ROOT / "drafts" / "v1.docx"), str(ROOT / "comments" / "round1"),
                                       "-o", str(out)])
    assert result.exit_code == 2 and "must end in .docx" in result.output and not out.exists()


def test_the_committee_page_parses_without_an_error(committee_page):
    from tests.html.test_html_redline import conforms

    conforms(committee_page[0].read_text(encoding="utf-8"))
