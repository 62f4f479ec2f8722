"""The writer writes plain body paragraphs as text (docx/writer.py _PlainParagraphs): the bytes
are those the element path writes, whatever the texts, authors, dates and properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.core.model import Comment
from policydiff.core.redline import (DEL, INS, KEEP, MOVE_FROM, CommentSpan, Piece, RCell, Redline, RPara, RRow,
                                     RTable)
from policydiff.docx import writer
from policydiff.docx.package import open_package
from policydiff.docx.reader import read_package

DRAFTS = Path(__file__).resolve().parent.parent / "drafts"


@pytest.fixture(scope="module")
def template():
    pkg = open_package(DRAFTS / "v2.docx")
    doc = read_package(pkg)
    return pkg, doc


def _props(doc):
    paras = list(doc.paragraphs())
    ppr = sorted({p.props for p in paras})[:6] + ["", "<w:pPr xmlns:w=\"%s\"><w:jc w:val=\"center\"/></w:pPr>"
                                                 % writer.nsmap["w"]]
    rpr = sorted({r.props for p in paras for r in p.text_runs})[:6] + [
        "", '<w:rPr xmlns:w="%s" xmlns:x="urn:x"><w:b/></w:rPr>' % writer.nsmap["w"],
        '<w:rPr xmlns:w="%s"><w:rFonts w:ascii="\ue000"/></w:rPr>' % writer.nsmap["w"]]
    return ppr, rpr


_TEXT = st.text(alphabet=st.sampled_from(list("ก้ข a&<>\"'\r]\ue000x")), max_size=12)
_WHO = st.sampled_from(["", "กองกลาง", 'A & "B" <c>', "tab\there\nnew\rline"])


def _written(pkg, red, plain: bool, monkeypatch) -> bytes:
    with monkeypatch.context() as m:
        if not plain:
            m.setattr(writer._PlainParagraphs, "plain", lambda self, para, marks: False)
        return writer.write_package(pkg, red)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_plain_paragraphs_written_as_text_are_the_bytes_the_elements_give(template, monkeypatch, data):
    pkg, doc = template
    ppr, rpr = _props(doc)
    piece = st.builds(Piece, st.sampled_from([KEEP, INS, DEL, INS, DEL, MOVE_FROM]), _TEXT, st.sampled_from(rpr),
                      st.sampled_from([None, None, None, ""]), _WHO, st.sampled_from(["", "2024-01-15T09:00:00Z"]))
    para = st.builds(RPara, st.lists(piece, max_size=4).map(tuple), st.sampled_from(ppr),
                     mark=st.sampled_from([KEEP, KEEP, KEEP, INS]))
    blocks = data.draw(st.lists(para, min_size=1, max_size=6))
    if data.draw(st.booleans()):
        blocks.insert(1, RTable((RRow((RCell(tuple(blocks[:1])),)),)))
    red = Redline(tuple(blocks))
    assert _written(pkg, red, True, monkeypatch) == _written(pkg, red, False, monkeypatch)


def test_every_hostile_text_author_and_date_is_written_as_the_elements_write_it(template, monkeypatch):
    pkg, doc = template
    ppr, rpr = _props(doc)
    texts = ["a&b", "<x>", "q\"'", "cr\rlf", "]]>", "\ue000", "ข้อ ๑"]
    authors = ["", "กองกลาง", 'A & "B" <c>', "tab\there\nnew\rline"]
    blocks = [RPara(tuple(Piece(op, t, rpr[k % len(rpr)], None, who, date) for t in texts), ppr[k % len(ppr)])
              for k, (op, who, date) in enumerate((op, who, date) for op in (KEEP, INS, DEL) for who in authors
                                                   for date in ("", "2024-01-15T09:00:00Z"))]
    red = Redline(tuple(blocks))
    assert _written(pkg, red, True, monkeypatch) == _written(pkg, red, False, monkeypatch)


def test_a_paragraph_with_a_comment_is_written_with_its_marks(template, monkeypatch):
    pkg, doc = template
    para = RPara((Piece(KEEP, "ให้ส่วนราชการ"), Piece(INS, "จัดทำ", author="ก")), comments=(CommentSpan(0, 2, 8),))
    red = Redline((para, RPara((Piece(KEEP, "ข้อ ๒"),))), comments=(Comment("0", "กองกลาง", text="ขอแก้"),))
    written = _written(pkg, red, True, monkeypatch)
    assert written == _written(pkg, red, False, monkeypatch)
    assert b"commentRangeStart" in _document(written)


def _document(docx: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml")


def test_the_example_redline_is_written_mostly_as_text(template, monkeypatch):
    pkg, doc = template
    old = read_package(open_package(DRAFTS / "v1.docx"))
    from policydiff.core.redline import build_redline

    red = build_redline(old, doc)
    written = []
    real = writer._PlainParagraphs.write
    monkeypatch.setattr(writer._PlainParagraphs, "write",
                        lambda self, para, ids: written.append(real(self, para, ids)) or written[-1])
    with_text = writer.write_package(pkg, red)
    assert sum(w is not None for w in written) > 0.8 * len(red.blocks)
    monkeypatch.undo()
    assert with_text == _written(pkg, red, False, monkeypatch)


@pytest.mark.parametrize("target", ["policydiff-paragraph", "policydiff-paragraph-0", "x"])
def test_an_instruction_a_file_brings_in_its_properties_is_written_as_it_was(template, monkeypatch, target):
    pkg, doc = template
    w = writer.nsmap["w"]
    hostile = f'<w:pPr xmlns:w="{w}"><?{target} 0?><w:jc w:val="center"/></w:pPr>'
    plain = f'<w:pPr xmlns:w="{w}"><w:jc w:val="left"/></w:pPr>'
    red = Redline((RPara((Piece(KEEP, "ก"),), hostile), RPara((Piece(INS, "ข"),), plain),
                   RPara((Piece(KEEP, "ค"),), hostile, mark=INS)))
    written = _written(pkg, red, True, monkeypatch)
    assert written == _written(pkg, red, False, monkeypatch)
    assert _document(written).count(f"<?{target} 0?>".encode()) == 2
