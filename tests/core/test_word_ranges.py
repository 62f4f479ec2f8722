"""Comment ranges fall on whole words (the diff's Thai segmenter): on import from a reviewed copy
or a form, and when re-anchored on the revised draft."""

import pytest

from policydiff.core.tokens import tokenize, word_span
from policydiff.workflows import drafts
from policydiff.workflows.sources import import_sources
from tests.docxgen import Commented, write_docx
from tests.workflows.test_merge import comment_ranges

CLAUSE = "ข้อ ๑ ให้กลุ่มตรวจสอบภายในสอบทานความเพียงพอของระบบการควบคุมภายใน"


def boundaries(text):
    out, at = {0}, 0
    for t in tokenize(text):
        at += len(t)
        out.add(at)
    return out


@pytest.mark.parametrize("start,end,expected", [
    (CLAUSE.index("พอของ"), CLAUSE.rindex("ภายใน") + 2, "เพียงพอของระบบการควบคุมภายใน"),  # both ends mid-word
    (CLAUSE.index("สอบทาน"), CLAUSE.index("ความ"), "สอบทาน"),  # already whole words: unchanged
])
def test_a_span_is_widened_to_whole_words(start, end, expected):
    lo, hi = word_span(CLAUSE, start, end)
    assert CLAUSE[lo:hi] == expected


def test_an_empty_span_inside_a_word_moves_to_its_start():
    at = CLAUSE.index("พอของ")
    assert word_span(CLAUSE, at, at) == (CLAUSE.index("เพียงพอ"),) * 2


def test_a_comment_selected_from_inside_a_word_is_imported_on_the_whole_words(tmp_path):
    write_docx(tmp_path / "base.docx", [CLAUSE])
    head, tail = CLAUSE.split("ยงพอของระบบ")  # the division selected from the middle of เพียงพอ
    write_docx(tmp_path / "copy.docx", [[head, Commented("ยงพอของระบบ", "ควรระบุมาตรฐานที่ใช้"), tail]])
    base = drafts.load(tmp_path / "base.docx")
    (a,) = import_sources(base, [tmp_path / "copy.docx"], workers=1).annotations
    assert a.quote == "เพียงพอของระบบ"


def test_every_comment_of_the_example_package_covers_whole_words(repo_root, tmp_path):
    from click.testing import CliRunner

    from policydiff.cli import main

    out = tmp_path / "c.docx"
    result = CliRunner().invoke(main, ["merge", str(repo_root / "drafts" / "v1.docx"),
                                       str(repo_root / "comments" / "round1"), "--revised",
                                       str(repo_root / "drafts" / "v2.docx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc, ranges = comment_ranges(out)
    audit = next(c for c in doc.comments if c.text.startswith("เสนอให้เพิ่มการสอบทานความเพียงพอ"))
    assert ranges[audit.id] == "เพียงพอของระบบการควบคุมภายใน"  # was "พอของระบบ…", inside เพียงพอ
    for c in doc.comments:
        text = ranges.get(c.id, "")
        if text and "\n" not in text:
            para = next(p.text for p in doc.paragraphs() if text in p.text)
            at = para.index(text)
            assert {at, at + len(text)} <= boundaries(para), (c.id, text)
