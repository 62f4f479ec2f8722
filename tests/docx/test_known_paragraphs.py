"""Paragraphs read before are left out of the parse (docx/known.py): a document reads exactly as
it does alone, and the byte cut is used only where the bytes say what the parser will see."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.docx import bodyreader, known, reader
from policydiff.docx.package import open_package, open_package_bytes
from policydiff.docx.reader import read_package
from policydiff.errors import UnsafeDocumentError
from tests.docxgen import Ins, docx_bytes
from tests.paths import REPO

ROOT = REPO
DRAFTS = sorted((ROOT / "drafts").glob("v*.docx"))
COPIES = sorted((ROOT / "comments" / "round1").glob("*.docx"))
BASE = ["ข้อ ๑ ให้ส่วนราชการจัดทำแผนปฏิบัติราชการประจำปี", "ข้อ ๒ ให้หัวหน้าส่วนราชการรายงานผล",
        "ข้อ ๓ ให้เปิดเผยข้อมูลข่าวสารของราชการ"]


@pytest.fixture(autouse=True)
def forget():
    """Each test starts with nothing read before."""
    known._SEEN.clear()
    bodyreader._READ.clear()
    yield
    known._SEEN.clear()
    bodyreader._READ.clear()


def _alone(data: bytes, name: str = "doc.docx", view: str = "all"):
    """The document as read with nothing read before."""
    known._SEEN.clear()
    bodyreader._READ.clear()
    return read_package(open_package_bytes(data, name), view)


def _read(data: bytes, name: str = "doc.docx", view: str = "all"):
    return read_package(open_package_bytes(data, name), view)


def _with_document(data: bytes, rewrite) -> bytes:
    """The .docx ``data`` with word/document.xml rewritten."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            part = zin.read(name)
            zout.writestr(name, rewrite(part) if name == "word/document.xml" else part)
    return out.getvalue()


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def _left_out(data: bytes) -> int:
    """How many paragraphs of ``data`` the next read leaves out of the parse."""
    pkg = open_package_bytes(data, "doc.docx")
    style_key = bodyreader.BodyReader(pkg.xml("word/styles.xml")).style_key
    cut = known.cut(_document_xml(data), style_key)
    return 0 if cut is None else len(cut.reduced()[1])


@pytest.mark.parametrize("view", ["accept", "reject", "all"])
def test_drafts_and_copies_read_after_the_base_read_as_they_do_alone(view):
    files = [p.read_bytes() for p in DRAFTS + COPIES]
    alone = [_alone(data, view=view) for data in files]
    known._SEEN.clear()
    bodyreader._READ.clear()
    _read(files[0], view=view)
    assert all(_left_out(data) > 0 for data in files[1:])  # the path under test is taken
    after = [_read(data, view=view) for data in files]
    assert after == alone


def test_a_copy_of_the_base_leaves_out_every_paragraph_and_reads_the_same():
    data = docx_bytes(BASE)
    first = _read(data)
    assert _left_out(data) == len(BASE)
    again = _read(data)
    assert again == first
    assert [p.text for p in again.blocks] == BASE


def test_a_paragraph_read_before_is_the_same_immutable_model():
    data = docx_bytes(BASE)
    first, again = _read(data), _read(data)
    assert all(a is b for a, b in zip(first.blocks, again.blocks))


def test_a_paragraph_repeated_in_one_document_keeps_its_own_position_in_the_redline():
    # The same model stands twice (read once, cached); the redline refers to each by position.
    from policydiff.core.redline import Revision, build_redline

    old = _read(docx_bytes([BASE[0], BASE[1], BASE[0]]))
    new = _read(docx_bytes([BASE[0], BASE[1], BASE[0], BASE[2]]))
    assert old.blocks[0] is old.blocks[2]
    red = build_redline(old, new, Revision("กองกลาง", "2024-01-01T00:00:00Z"))
    assert [(b.old_para, b.new_para) for b in red.blocks] == [(0, 0), (1, 1), (2, 2), (None, 3)]


def test_what_the_first_document_computes_on_a_paragraph_the_next_one_inherits():
    data = docx_bytes(BASE)
    first = _read(data, view="accept")
    keys = [p.key for p in first.blocks]  # as a redline asks
    again = _read(data, view="accept")
    assert all("key" in p.__dict__ for p in again.blocks) and [p.key for p in again.blocks] == keys


@pytest.mark.parametrize("open_, close", [(b"<!--", b"-->"), (b"<![CDATA[", b"]]>")], ids=["comment", "cdata"])
def test_a_paragraph_read_before_but_hidden_in_a_comment_or_cdata_is_not_read(open_, close):
    data = docx_bytes(BASE)
    _read(data)
    first_para = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
    hidden = _with_document(data, lambda x: first_para.sub(lambda m: open_ + m.group() + close, x, count=1))
    assert [p.text for p in _read(hidden).blocks] == BASE[1:]
    assert _read(hidden) == _alone(hidden)


@pytest.mark.parametrize("rewrite, why", [
    (lambda x: x.replace(b"<w:body>", b"<w:body><!-- a note -->", 1), "a comment after the root"),
    (lambda x: x.replace(b"<w:body>", b"<w:body><?pi data?>", 1), "a processing instruction"),
    (lambda x: x.replace(b"<w:body>", b'<w:body xmlns:x="urn:x">', 1), "a declaration outside a paragraph"),
    (lambda x: x.replace(b'xmlns:w="', b'xmlns:v="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                         b'xmlns:w="', 1), "the namespace bound to two prefixes"),
    (lambda x: x.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), "UTF-16"),
])
def test_files_whose_bytes_may_not_say_where_paragraphs_are_are_read_plainly(rewrite, why):
    data = docx_bytes(BASE)
    _read(data)
    odd = _with_document(data, rewrite)
    assert known.cut(_document_xml(odd), ()) is None, why
    assert _read(odd) == _alone(odd)


def test_a_table_rebinding_the_prefix_is_not_cut_so_its_paragraphs_are_not_taken_for_the_base_ones():
    data = docx_bytes(BASE)
    _read(data)
    other = _with_document(data, lambda x: re.sub(
        rb"(<w:p[ >].*?</w:p>)", rb'<w:tbl xmlns:w="urn:not-word"><w:tr><w:tc>\1</w:tc></w:tr></w:tbl>', x,
        count=1, flags=re.S))
    assert known.cut(_document_xml(other), ()) is None
    assert [p.text for p in _read(other).blocks] == BASE[1:]  # the rebound paragraph is not Word's


def test_a_declaration_inside_a_paragraph_is_part_of_that_paragraphs_key():
    data = docx_bytes(BASE)
    _read(data)
    declared = _with_document(data, lambda x: x.replace(b"<w:r>", b'<w:r xmlns:x="urn:x">', 1))
    assert _left_out(declared) == len(BASE) - 1
    assert _read(declared) == _alone(declared)
    assert _left_out(declared) == len(BASE)
    assert _read(declared) == _alone(declared)


def test_paragraphs_with_revisions_stay_in_the_parse_so_document_wide_checks_see_them():
    data = docx_bytes([["ข้อ ๑ ", Ins("ให้ส่วนราชการ")], ["ข้อ ๒ ", Ins("ให้รายงาน")], "ข้อ ๓"])
    same_ids = _with_document(data, lambda x: re.sub(rb'(<w:ins [^>]*w:id=")\d+"', rb'\g<1>7"', x))
    first = _read(same_ids)
    assert any("duplicate revision ids" in w for w in first.warnings)
    assert _left_out(same_ids) == 1  # only the paragraph without a revision
    assert _read(same_ids).warnings == first.warnings


def test_the_run_limit_counts_the_runs_of_paragraphs_left_out(monkeypatch):
    data = docx_bytes(BASE)
    _read(data)
    assert _left_out(data) == len(BASE)
    monkeypatch.setitem(reader.LIMITS, "w:r", ("runs", len(BASE) - 1))
    with pytest.raises(UnsafeDocumentError, match="runs, over the safety limit"):
        _read(data)


def test_the_same_paragraph_bytes_under_other_root_declarations_are_read_again():
    data = docx_bytes(BASE)
    _read(data)
    more = _with_document(data, lambda x: re.sub(rb"(<w:document\b)", rb'\1 xmlns:x="urn:x"', x, count=1))
    assert _read(more) == _alone(more)  # the models keep the declarations in scope (props XML)


def test_a_different_style_numbering_is_not_taken_for_the_same_paragraph():
    data = docx_bytes(BASE)
    _read(data)
    style_key = bodyreader.BodyReader(open_package_bytes(data, "d.docx").xml("word/styles.xml")).style_key
    cut = known.cut(_document_xml(data), style_key + (("Heading1", ("9", 0)),))
    assert cut is not None and cut.reduced()[1] == {}


def test_the_example_drafts_are_cut_at_every_paragraph_the_parser_finds():
    for path in DRAFTS:
        data = _document_xml(path.read_bytes())
        cut = known.cut(data, ())
        assert cut is not None, path.name
        root = open_package(path).main_document()
        assert len(cut.extents) == sum(1 for _ in root.iter("{%s}p" % known.nsmap["w"]))
        assert sum(e is not None for e in cut.extents) > 0.9 * len(cut.extents)


# ---------------------------------------------------------------- paragraphs read from their bytes

_RPRS = [None, b"<w:rPr/>", b"<w:rPr></w:rPr>", b"<w:rPr><w:b/></w:rPr>", b"<w:rPr><w:b w:val='1'/></w:rPr>",
         b'<w:rPr><w:i/><w:sz w:val="28"/></w:rPr>', b'<w:rPr><w:sz  w:val = "28" /><w:i/></w:rPr>',
         b'<w:rPr><w:u w:val="single"/></w:rPr>', b'<w:rPr><w:rPrChange w:id="9" w:author="a"><w:rPr/></w:rPrChange></w:rPr>']
_TEXTS = [b"<w:t>\xe0\xb8\x82\xe0\xb9\x89\xe0\xb8\xad</w:t>", b'<w:t xml:space="preserve"> a &amp; b </w:t>', b"<w:t/>",
          b"<w:t>&lt;x&gt; &quot;q&quot; &apos;</w:t>", b"<w:t>&#3585;&#x0E02;</w:t>", b"<w:t>line\r\nend</w:t>",
          b"<w:t xml:space = 'preserve' >sp</w:t>", b"<w:tab/>", b"<w:t>a</w:t><w:t>b</w:t>", b""]
_BETWEEN = [b"", b'<w:proofErr w:type="spellStart"/>', b'<w:bookmarkStart w:id="0" w:name="x"/>',
            b'<w:bookmarkEnd w:id="0"/>', b'<w:hyperlink r:id="rId9"><w:r><w:t>link</w:t></w:r></w:hyperlink>',
            b'<w:ins w:id="5" w:author="a"><w:r><w:t>new</w:t></w:r></w:ins>']
_PPRS = [b"", b"<w:pPr/>", b'<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>',
         b'<w:pPr><w:jc w:val="thaiDistribute"/><w:rPr><w:sz w:val="32"/></w:rPr></w:pPr>',
         b'<w:pPr><w:rPr><w:ins w:id="3" w:author="a"/></w:rPr></w:pPr>']


def _paragraph_xml(ppr: bytes, runs) -> bytes:
    body = b"".join(between + b'<w:r w:rsidR="00A1">' + (rpr or b"") + b"<w:lastRenderedPageBreak/>" * brk + text
                    + b"</w:r>" for between, rpr, text, brk in runs)
    return b'<w:p w:rsidR="0001">' + ppr + body + b"</w:p>"


def _as_document(paragraphs) -> bytes:
    body = b"".join(paragraphs)
    return _with_document(docx_bytes(["x"]), lambda x: re.sub(rb"<w:body>.*</w:body>", lambda m: b"<w:body>" + body
                                                               + b"</w:body>", x, flags=re.S))


def _walked(data: bytes, monkeypatch):
    """The document as read with every paragraph walked element by element."""
    with monkeypatch.context() as m:
        m.setattr(bodyreader.BodyReader, "from_bytes", lambda self, raw, cut: None)
        return _alone(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_PPRS), st.lists(
    st.tuples(st.sampled_from(_BETWEEN), st.sampled_from(_RPRS), st.sampled_from(_TEXTS), st.integers(0, 1)),
    max_size=6)), min_size=1, max_size=4))
def test_a_paragraph_read_from_its_bytes_is_the_paragraph_its_elements_give(monkeypatch, paras):
    data = _as_document([_paragraph_xml(ppr, runs) for ppr, runs in paras])
    assert _alone(data) == _walked(data, monkeypatch)


def test_plain_runs_are_read_from_bytes_and_joined_where_only_the_bytes_of_their_format_differ(monkeypatch):
    calls = []
    real = bodyreader.BodyReader.from_bytes
    monkeypatch.setattr(bodyreader.BodyReader, "from_bytes",
                        lambda self, raw, cut: calls.append(real(self, raw, cut)) or calls[-1])
    data = _as_document([_paragraph_xml(b"", [(b"", b"<w:rPr><w:b w:val='1'/></w:rPr>", b"<w:t>a</w:t>", 0),
                                              (b"", b'<w:rPr><w:b w:val="1"/></w:rPr>', b"<w:t>b</w:t>", 1)])])
    doc = _alone(data, view="accept")
    assert calls and calls[0] is not None  # taken: the path under test
    assert [r.text for r in doc.blocks[0].runs] == ["ab"] and doc.blocks[0].runs[0].fmt.bold
    monkeypatch.undo()
    assert _walked(data, monkeypatch) == _alone(data)


_PLAIN = _paragraph_xml(b'<w:pPr><w:jc w:val="thaiDistribute"/></w:pPr>', [
    (b"", b'<w:rPr><w:sz w:val="32"/></w:rPr>', b'<w:t xml:space="preserve">\xe0\xb8\x82\xe0\xb9\x89\xe0\xb8\xad a</w:t>', 0),
    (b'<w:proofErr w:type="spellStart"/>', None, b"<w:t>b &amp; c</w:t>", 0)])
_HOSTILE = [b"\x00", b"\x0b", b"\x0c", b"\r", b"\t", b"&", b"&foo;", b"&#65;", b"]]>", b"<", b">", b'"', b"'", b" ",
            b"=", b":", b"x:", b"w14:", b"xml:", b"\xff", b"\xe0\xb8", b"\xef\xbf\xbe", b"/", b' w:rsidR="1"',
            b' w:rsidR="2"', b" a=\"&lt;\"", b"<w:b/>", b"</w:t>", b"<w:t>", b"xmlns:q=\"u\" "]


def _outcome(data: bytes, read):
    try:
        return read(data)
    except Exception as e:  # noqa: BLE001 (the outcome is the error itself, compared below)
        return (type(e).__name__, str(e))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(_HOSTILE)), min_size=1, max_size=3))
def test_a_paragraph_left_out_of_the_parse_is_one_the_parser_reads_the_same(monkeypatch, edits):
    raw = _PLAIN
    for at, bad in edits:
        k = int(at * len(raw))
        raw = raw[:k] + bad + raw[k:]
    # After an untouched copy, which has every w:pPr and w:rPr worked out already: the edited
    # paragraph is then read from its bytes alone, with no parse of its own to catch anything.
    data = _as_document([_PLAIN, raw])
    assert _outcome(data, _alone) == _outcome(data, lambda d: _walked(d, monkeypatch))


def test_a_plain_paragraph_is_left_out_of_the_parse_on_first_reading(monkeypatch):
    parsed = []
    real = known.Cut.reduced
    monkeypatch.setattr(known.Cut, "reduced", lambda self, read=None: parsed.append(real(self, read)) or parsed[-1])
    data = _as_document([_PLAIN, _PLAIN.replace(b" a<", b" z<")])
    doc = _alone(data)
    assert len(parsed[0][1]) == 2 and parsed[0][0].count(b"<w:p/>") == 2
    assert [p.text for p in doc.blocks] == ["ข้อ a" + "b & c", "ข้อ z" + "b & c"]


@pytest.mark.parametrize("tag", [b'<w:r w:rsidR="1" w:rsidR="2">', b'<w:r q:x="1">', b'<w:r xml:lang="th">',
                                 b'<w:r w14:x="1">', b"<w:r 1a=\"1\">", b'<w:r w:x="\xff">', b"<w:r w:x='a\x01'>",
                                 b'<w:r w:x="&amp;">', b'<w:r\tw:x\n=\r"1" >'])
def test_run_attributes_are_left_out_of_the_parse_only_when_it_would_take_them(monkeypatch, tag):
    odd = _PLAIN.replace(b'<w:r w:rsidR="00A1">', tag, 1)
    assert odd != _PLAIN
    data = _as_document([_PLAIN, odd])
    assert _outcome(data, _alone) == _outcome(data, lambda d: _walked(d, monkeypatch))


@pytest.mark.parametrize("holder", [b"<w:jc w:val=\"left\">", b"<w:ind w:left=\"0\">"])
def test_a_paragraph_read_before_inside_paragraph_properties_stays_in_their_xml(holder):
    data = docx_bytes(BASE)
    _read(data)
    first = re.compile(rb"(<w:p>)(.*?</w:p>)", re.S)  # BASE[0] moved into BASE[1]'s w:pPr
    para = first.search(_document_xml(data)).group()
    close = b"</" + holder[1:].split(b" ")[0] + b">"

    def nest(xml: bytes) -> bytes:
        xml = xml.replace(para, b"", 1)
        return re.sub(rb"(<w:p>)(<w:pPr>)", lambda m: m.group(1) + m.group(2) + holder + para + close, xml, count=1)

    nested = _with_document(data, nest)
    assert _read(nested) == _alone(nested)
    assert para.decode() in "".join(p.props for p in _read(nested).blocks)  # the whole paragraph, not <w:p/>


def test_fuzzed_documents_read_with_the_byte_paths_as_without_them(monkeypatch):
    from tests.fuzz import fuzzlib

    seeds = fuzzlib.seed_files()
    for data in seeds.values():
        _read(data)  # what a round reads first, so that later inputs meet paragraphs read before
    rng = random.Random(20261129)

    def outcome(data: bytes, plain: bool):
        with monkeypatch.context() as m:
            if not plain:
                m.setattr(known, "cut", lambda data, style_key: None)
            return _outcome(data, lambda d: _read(d))

    for _ in range(150):
        _, data = fuzzlib.reader_input(rng, seeds)
        assert outcome(data, True) == outcome(data, False)
