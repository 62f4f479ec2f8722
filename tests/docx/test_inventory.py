"""policydiff.docx.inventory: the independent XML-level view of a .docx, on hand-built packages."""

import hashlib
import io
import zipfile

import pytest

from policydiff.docx.inventory import compare, dangling_relationships, inventory
from policydiff.docx.inventory_paragraphs import ParaSig
from policydiff.docx.inventory_stories import stories

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PNG = b"\x89PNG\r\n\x1a\nfake image bytes"


def rels_xml(rels):
    """A .rels part from (id, type, target[, mode]) tuples."""
    items = "".join(
        f'<Relationship Id="{r[0]}" Type="{REL + r[1]}" Target="{r[2]}"'
        + (f' TargetMode="{r[3]}"' if len(r) > 3 else "") + "/>" for r in rels)
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
            f'"http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>')


def make_docx(body, main="word/document.xml", rels=(), parts=None, overrides=None, sect="",
              content_types=True):
    """A .docx (bytes) whose main part holds ``body`` (inner XML of w:body)."""
    parts = dict(parts or {})
    overrides = dict(overrides or {})
    overrides.setdefault("/" + main, MAIN_CT)
    folder, name = main.rsplit("/", 1)
    files = {
        "_rels/.rels": rels_xml([("rId1", "officeDocument", main)]),
        main: f'<?xml version="1.0" encoding="UTF-8"?><w:document {NSDECL}><w:body>{body}{sect}</w:body></w:document>',
        f"{folder}/_rels/{name}.rels": rels_xml(rels),
    }
    files.update(parts)
    if content_types:
        ov = "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
        files["[Content_Types].xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
            f"{ov}</Types>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in files.items():
            zf.writestr(k, v)
    return buf.getvalue()


def p(inner="", ppr=""):
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{inner}</w:p>"


def r(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def ins(inner):
    return f'<w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">{inner}</w:ins>'


def dele(inner):
    return f'<w:del w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z">{inner}</w:del>'


def dr(text):
    return f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r>'


DELETED_MARK = '<w:rPr><w:del w:id="3" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
INSERTED_MARK = '<w:rPr><w:ins w:id="4" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr>'


def texts(views, story="body"):
    return [s.text for s in views[story]]


def test_views_of_inserted_and_deleted_text():
    doc = make_docx(p(r("keep ") + ins(r("new")) + dele(dr("old"))))
    assert texts(stories(doc, "accept")) == ["keep new"]
    assert texts(stories(doc, "reject")) == ["keep old"]
    assert texts(stories(doc, "as-is")) == ["keep newold"]


def test_deleted_mark_joins_next_paragraph_and_inserted_mark_joins_on_reject():
    doc = make_docx(p(r("one "), DELETED_MARK) + p(r("two")) + p(r("three ") , INSERTED_MARK) + p(r("four")))
    assert texts(stories(doc, "accept")) == ["one two", "three ", "four"]
    assert texts(stories(doc, "reject")) == ["one ", "two", "three four"]
    assert len(stories(doc, "as-is")["body"]) == 4


def test_deleted_mark_before_a_table_stays():
    table = f"<w:tbl><w:tr><w:tc>{p(r('cell'))}</w:tc></w:tr></w:tbl>"
    doc = make_docx(p(r("before"), DELETED_MARK) + table + p(r("after")))
    assert texts(stories(doc, "accept")) == ["before", "cell", "after"]


def _block_sdt(inner):
    return f'<w:sdt><w:sdtPr><w:tag w:val="cc"/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>'


def test_a_block_control_whose_paragraphs_a_view_empties_and_joins_out_is_gone():
    # Inserted whole: its paragraph's words and mark are inserted, so rejecting joins the empty
    # paragraph with the one after the control, and nothing of the control is left.
    doc = make_docx(p(r("before")) + _block_sdt(p(ins(r("new")), INSERTED_MARK)) + p(r("after")))
    assert stories(doc, "reject")["body"] == [ParaSig("before", ()), ParaSig("after", ())]
    assert stories(doc, "accept")["body"] == [ParaSig("before", ()), ParaSig("new", ("sdt:cc",)),
                                              ParaSig("after", ())]


def test_a_block_control_keeps_what_the_view_leaves_in_it():
    kept_words = make_docx(_block_sdt(p(r("kept ") + ins(r("new")), INSERTED_MARK)) + p(r("after")))
    # the control's end is a container end: a mark left with words stays there
    assert stories(kept_words, "reject")["body"] == [ParaSig("kept ", ("sdt:cc",)), ParaSig("after", ())]
    kept_mark = make_docx(_block_sdt(p(ins(r("new")))) + p(r("after")))
    assert stories(kept_mark, "reject")["body"] == [ParaSig("", ("sdt:cc",)), ParaSig("after", ())]
    before_table = make_docx(_block_sdt(p(ins(r("new")), INSERTED_MARK))
                             + f"<w:tbl><w:tr><w:tc>{p(r('cell'))}</w:tc></w:tr></w:tbl>" + p())
    assert stories(before_table, "reject")["body"][0] == ParaSig("", ("sdt:cc",))


def test_tracked_rows_and_nested_tables():
    row = lambda text, mark="": f"<w:tr>{'<w:trPr>' + mark + '</w:trPr>' if mark else ''}<w:tc>{p(r(text))}</w:tc></w:tr>"
    nested = f"<w:tbl>{row('inner')}</w:tbl>"
    body = ("<w:tbl>" + row("a") + row("gone", '<w:del w:id="5" w:author="A"/>')
            + row("added", '<w:ins w:id="6" w:author="A"/>')
            + f"<w:tr><w:tc>{p(r('outer'))}{nested}{p()}</w:tc></w:tr></w:tbl>" + p())
    doc = make_docx(body)
    assert texts(stories(doc, "accept")) == ["a", "added", "outer", "inner", "", ""]
    assert texts(stories(doc, "reject")) == ["a", "gone", "outer", "inner", "", ""]


def test_text_elements_and_objects():
    runs = ('<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:cr/><w:br w:type="page"/>'
            '<w:sym w:font="Wingdings" w:char="F0FC"/><w:noBreakHyphen/><w:softHyphen/></w:r>'
            '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkStart w:id="1" w:name="ref"/>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("7")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:bookmarkEnd w:id="1"/><w:bookmarkEnd w:id="0"/>'
            '<w:fldSimple w:instr=" DATE "><w:r><w:t>today</w:t></w:r></w:fldSimple>'
            '<w:hyperlink r:id="rIdH"><w:r><w:t>link</w:t></w:r></w:hyperlink>'
            '<w:hyperlink w:anchor="ref"><w:r><w:t>here</w:t></w:r></w:hyperlink>'
            '<m:oMath><m:r><m:t>x=1</m:t></m:r></m:oMath>')
    doc = make_docx(p(runs), rels=[("rIdH", "hyperlink", "http://example.org/", "External")])
    (sig,) = stories(doc, "as-is")["body"]
    assert sig.text == "a\tb\n\n7todaylinkhere"
    assert sig.objects == (
        "br:page", "sym:Wingdings:F0FC", "noBreakHyphen", "softHyphen", "bookmarkStart:ref",
        "fldChar:begin", "instrText:PAGE", "fldChar:separate", "fldChar:end", "bookmarkEnd",
        "fldSimple:DATE", "hyperlink:http://example.org/", "hyperlink:#ref", "oMath:x=1")


def test_deleted_instruction_text_is_read_on_reject():
    body = p(r("x") + dele('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:delInstrText>PAGE</w:delInstrText></w:r>'
                         '<w:r><w:fldChar w:fldCharType="end"/></w:r>'))
    doc = make_docx(body)
    assert stories(doc, "accept")["body"] == [ParaSig("x", ())]
    assert stories(doc, "reject")["body"] == [ParaSig("x", ("fldChar:begin", "instrText:PAGE", "fldChar:end"))]


DRAWING = ('<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="200"/><a:graphic><a:graphicData>'
           '<a:blip r:embed="rIdImg"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def test_image_identity_is_part_hash_and_extent_and_alternate_content_counts_once():
    alt = (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{DRAWING[5:-6]}</mc:Choice>'
           '<mc:Fallback><w:pict><v:shape style="width:1pt;height:2pt"><v:imagedata r:id="rIdImg"/>'
           '</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    doc = make_docx(p(DRAWING) + p(alt), rels=[("rIdImg", "image", "media/image1.png")],
                    parts={"word/media/image1.png": PNG})
    digest = hashlib.sha1(PNG).hexdigest()[:12]
    views = stories(doc, "as-is")
    assert [s.objects for s in views["body"]] == [(f"image:{digest}:100x200",)] * 2
    assert inventory(doc) == {"image": 2}


def test_text_boxes_are_stories_of_their_own():
    box = (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
           '<wp:extent cx="1" cy="1"/><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
           f'{p(r("in box"))}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
           '</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
           f'{p(r("in box"))}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
           '</mc:AlternateContent></w:r>')
    doc = make_docx(p(r("host") + box))
    views = stories(doc, "as-is")
    assert list(views) == ["body", "textbox 1 in body"]
    digest = hashlib.sha1(b"in box").hexdigest()[:12]
    assert views["body"] == [ParaSig("host", (f"textbox:{digest}",))]
    assert texts(views, "textbox 1 in body") == ["in box"]


def notes_part(kind, notes):
    items = (f'<w:{kind} w:type="separator" w:id="-1">{p("<w:r><w:separator/></w:r>")}</w:{kind}>'
             + "".join(f'<w:{kind} w:id="{i}">{p(r(t))}</w:{kind}>' for i, t in notes))
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{kind}s {NSDECL}>{items}</w:{kind}s>'


def test_footnotes_numbered_by_reference_order_with_text_identity():
    body = p(r("a") + '<w:r><w:footnoteReference w:id="7"/></w:r>') + p(
        r("b") + '<w:r><w:footnoteReference w:id="3"/></w:r>')
    doc = make_docx(body, rels=[("rIdF", "footnotes", "footnotes.xml")],
                    parts={"word/footnotes.xml": notes_part("footnote", [(3, "three"), (7, "seven")])})
    views = stories(doc, "accept")
    assert list(views) == ["body", "footnote 1", "footnote 2"]
    assert texts(views, "footnote 1") == ["seven"]
    assert [s.objects for s in views["body"]] == [("footnoteReference:seven",), ("footnoteReference:three",)]


def test_deleted_reference_drops_the_note_story_on_accept():
    body = p(r("a") + dele('<w:r><w:footnoteReference w:id="3"/></w:r>'))
    doc = make_docx(body, rels=[("rIdF", "footnotes", "footnotes.xml")],
                    parts={"word/footnotes.xml": notes_part("footnote", [(3, "three")])})
    assert list(stories(doc, "accept")) == ["body"]
    assert list(stories(doc, "reject")) == ["body", "footnote 1"]


def test_headers_and_footers_named_by_section_and_kind():
    hdr = f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {NSDECL}>{p(r("head"))}</w:hdr>'
    ftr = f'<?xml version="1.0" encoding="UTF-8"?><w:ftr {NSDECL}>{p(r("foot"))}</w:ftr>'
    sect1 = '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr>'
    sect2 = '<w:sectPr><w:footerReference w:type="first" r:id="rIdF"/></w:sectPr>'
    doc = make_docx(p(r("s1"), sect1) + p(r("s2")), sect=sect2,
                    rels=[("rIdH", "header", "header1.xml"), ("rIdF", "footer", "footer1.xml")],
                    parts={"word/header1.xml": hdr, "word/footer1.xml": ftr})
    views = stories(doc, "as-is")
    assert list(views) == ["body", "header (default), section 1", "footer (first), section 2"]
    assert texts(views, "footer (first), section 2") == ["foot"]


def test_main_part_found_through_package_relationships():
    doc = make_docx(p(r("hi")), main="content/main.xml")
    assert texts(stories(doc, "accept")) == ["hi"]


def test_bad_view_name():
    with pytest.raises(ValueError):
        stories(make_docx(p()), "both")


def test_dangling_relationships():
    ok = make_docx(p(DRAWING), rels=[("rIdImg", "image", "media/image1.png")],
                   parts={"word/media/image1.png": PNG})
    assert dangling_relationships(ok) == []
    no_rel = make_docx(p(DRAWING))
    assert any("rIdImg" in x for x in dangling_relationships(no_rel))
    no_part = make_docx(p(DRAWING), rels=[("rIdImg", "image", "media/image1.png")])
    assert any("missing part word/media/image1.png" in x for x in dangling_relationships(no_part))
    no_type = make_docx(p(), parts={"word/media/thing.bin": b"x"})
    assert any("thing.bin: no content type" in x for x in dangling_relationships(no_type))


def test_compare_reports_first_difference():
    a = stories(make_docx(p(r("same")) + p(r("left"))), "as-is")
    b = stories(make_docx(p(r("same")) + p(r("right")) + p()), "as-is")
    assert compare(a, a) == []
    (problem,) = compare(a, b)
    assert "2 vs 3 paragraphs" in problem and "paragraph 2" in problem
    assert "'left'" in problem and "'right'" in problem
    assert any("only on the right" in x for x in compare(a, dict(b, extra=[])))


def test_unknown_block_content_is_an_object_on_the_next_paragraph():
    doc = make_docx('<w:altChunk r:id="rIdX"/>' + p(r("after")), rels=[("rIdX", "aFChunk", "chunk.htm")],
                    parts={"word/chunk.htm": "<html/>"})
    assert stories(doc, "as-is")["body"] == [ParaSig("after", ("altChunk",))]


def test_moves_and_content_controls():
    move_from = '<w:moveFrom w:id="8" w:author="A"><w:r><w:t>moved</w:t></w:r></w:moveFrom>'
    move_to = '<w:moveTo w:id="9" w:author="A"><w:r><w:t>moved</w:t></w:r></w:moveTo>'
    sdt = ('<w:sdt><w:sdtPr><w:alias w:val="Title"/></w:sdtPr><w:sdtContent>'
           f'{p(r("in control"))}{p(r("second"))}</w:sdtContent></w:sdt>')
    run_sdt = '<w:sdt><w:sdtPr><w:tag w:val="t1"/></w:sdtPr><w:sdtContent>' + r("x") + "</w:sdtContent></w:sdt>"
    doc = make_docx(p(move_from + r(" a")) + sdt + p(r("b ") + move_to + run_sdt))
    assert stories(doc, "accept")["body"] == [
        ParaSig(" a", ()), ParaSig("in control", ("sdt:Title",)), ParaSig("second", ()),
        ParaSig("b movedx", ("sdt:t1",))]
    assert texts(stories(doc, "reject")) == ["moved a", "in control", "second", "b x"]


def test_a_hyperlink_emptied_by_the_view_is_not_an_object():
    link = '<w:hyperlink w:anchor="x">' + dele(dr("old")) + "</w:hyperlink>"
    doc = make_docx(p(r("a") + link))
    assert stories(doc, "accept")["body"] == [ParaSig("a", ())]
    assert stories(doc, "reject")["body"] == [ParaSig("aold", ("hyperlink:#x",))]
