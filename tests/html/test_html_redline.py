"""``redline … -o OUT.html``: one self-contained page, everything from the documents escaped,
Thai words kept whole by <wbr>, Thai digits as written, outputs checked like every other."""

import html
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.cli import main
from policydiff.core.tokens import tokenize
from policydiff.html.text import anchor_id, words
from tests.paths import REPO

ROOT = REPO
V1, V2 = str(ROOT / "drafts" / "v1.docx"), str(ROOT / "drafts" / "v2.docx")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "v1-v2.html"
    result = run("redline", V1, V2, "-o", out)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the ids seen."""

    def __init__(self):
        super().__init__()
        self.tags, self.ids = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if dict(attrs).get("id"):
            self.ids.append(dict(attrs)["id"])


def parsed(text):
    tags = _Tags()
    tags.feed(text)
    tags.close()
    return tags


def test_the_page_is_thai_and_self_contained(page):
    tags = parsed(page)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="th">' in page
    # no address outside the page: links are fragments, pictures data: URIs, no script or stylesheet link
    for tag, attrs in tags.tags:
        assert tag not in ("script", "link", "iframe")
        for name in ("href", "src"):
            assert not attrs.get(name) or attrs[name].startswith(("#", "data:")), (tag, attrs)
    assert any(tag == "img" and attrs["src"].startswith("data:image/") for tag, attrs in tags.tags)
    assert "Sarabun" in page and "Noto Sans Thai" in page and "@page{size:A4" in page


def test_ids_are_unique_and_clause_labels_are_anchors(page):
    ids = parsed(page).ids
    assert len(ids) == len(set(ids))
    assert "ข้อ-๕" in ids and "ข้อ-๒๑" in ids and "move1-from" in ids and "move1-to" in ids
    assert 'href="#ข้อ-๒๐"' in page or 'href="#เดิม-ข้อ-๒๐"' in page


def test_the_summary_counts_the_clauses_in_thai_digits(page):
    counts = re.search(r'<div class="counts">([^<]*)</div>', page).group(1)
    assert counts.startswith("แก้ไข ") and " · ย้าย ๑" in counts and not re.search("[0-9]", counts)


def test_thai_words_are_kept_whole_and_digits_as_written():
    assert words("ประกาศสำนักงาน") == "ประกาศ<wbr>สำนักงาน"
    assert words("ข้อ ๕ (1)") == "ข้อ ๕ (1)"
    assert anchor_id("ข้อ ๑๗ (๓)") == "ข้อ-๑๗-(๓)"


_THAI_CHAR = re.compile("[\u0e01-\u0e5b]")


def _words_by_definition(text):
    """Each token escaped, <wbr> where a token ending in a Thai character meets one starting with one
    (a NUL, which no document holds, dropped)."""
    if not _THAI_CHAR.search(text):
        return html.escape(text, quote=True)
    out, before = [], False
    for token in tokenize(text.replace("\x00", "")):
        if before and _THAI_CHAR.match(token[0]):
            out.append("<wbr>")
        out.append(html.escape(token, quote=True))
        before = bool(_THAI_CHAR.match(token[-1]))
    return "".join(out)


@settings(derandomize=True, deadline=None, max_examples=400)
@given(st.text(alphabet="ประกาศสำนักงานข้อ๕๑๒฿๏๚.,&<>\"' aé\u0301\u0e4e\u0600\x00พศ", max_size=40))
def test_line_break_opportunities_fall_exactly_between_two_thai_words(text):
    assert words(text) == _words_by_definition(text)


def test_text_from_the_documents_is_escaped(docx_factory, tmp_path):
    hostile = '<script>alert("x")</script> & <img src=x onerror=1>'
    old = docx_factory(["ข้อ ๑ เดิม", "ข้อ ๒ คงไว้"], name="old.docx")
    new = docx_factory(["ข้อ ๑ ใหม่ " + hostile, "ข้อ ๒ คงไว้"], name="new.docx")
    out = tmp_path / "out.html"
    assert run("redline", old, new, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text and "&amp;" in text


def test_format_html_needs_an_html_name_and_refuses_an_input(tmp_path):
    result = run("redline", V1, V2, "--format", "html", "-o", tmp_path / "out.docx")
    assert result.exit_code == 2 and "must end in .html" in result.output
    assert not (tmp_path / "out.docx").exists()
    result = run("redline", V1, V2, "-o", tmp_path / "out.txt")
    assert result.exit_code == 2 and ".docx" in result.output


def conforms(text: str) -> None:
    """Parse ``text`` as the HTML standard's parser does, raising on the first parse error
    (html5lib in strict mode: a conformance check of the markup, where the W3C validator is
    not at hand offline)."""
    import html5lib

    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def test_the_page_parses_without_an_error(page):
    conforms(page)


def test_the_conformance_check_catches_bad_markup():
    import html5lib

    with pytest.raises(html5lib.html5parser.ParseError):
        conforms("<!DOCTYPE html><html lang=th><p>ข้อ <b>๕</i></p></html>")


def test_the_new_drafts_own_comments_are_cards_beside_their_words(docx_factory, tmp_path):
    from tests.docxgen import Commented, Para

    old = docx_factory(["ข้อ ๑ ให้สำนักงานจัดทำแผน", "ข้อ ๒ คงไว้"], name="old.docx")
    new = docx_factory([Para(["ข้อ ๑ ให้สำนักงาน", Commented("จัดทำแผนปฏิบัติการ", "<ควรระบุปี>")]), "ข้อ ๒ คงไว้"],
                       name="new.docx")
    out = tmp_path / "out.html"
    assert run("redline", old, new, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    card = re.search(r'<div class="card" id="(ความเห็น-\d+)">(.*?)</div></div>', text)
    assert card and "&lt;ควรระบุปี&gt;" in card.group(2).replace("<wbr>", "")  # escaped
    on = re.findall(rf'<span class="commented" data-comments="{card.group(1)}">(.*?)</span>', text)
    assert re.sub("<[^>]+>", "", "".join(on)) == "จัดทำแผนปฏิบัติการ"  # kept and inserted words alike


def test_the_page_marks_as_many_changes_as_the_redline_holds(page):
    from policydiff.core.redline import change_counts
    from policydiff.workflows.compare import redline
    from policydiff.workflows.drafts import load

    counts = change_counts(redline(load(V1), load(V2)).blocks)
    article = page[page.index("<article>"):page.index("</article>")]
    assert article.count('<span class="fmt"') == counts["fmt"] == 1
    assert article.count('class="move-link"') == 2 * counts["moves"] == 2
    assert article.count("<ins title=") == counts["+"] and article.count("<del title=") == counts["-"]
